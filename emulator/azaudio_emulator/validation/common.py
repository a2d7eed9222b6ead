"""Typed field checks shared by the operations, with OpenAI's error wording.

Multipart fields arrive as strings and are converted (``"0.5"`` is a number,
``"true"`` a boolean); JSON fields must already have the right type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..errors import ApiError, invalid

_TYPE_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a decimal",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


def _got(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), "a value")


def wrong_type(param: str, expected: str, value: Any) -> ApiError:
    """``Invalid type for 'x': expected ..., but got ... instead.``"""
    return invalid(
        f"Invalid type for '{param}': expected {expected}, but got {_got(value)} instead.",
        param,
        "invalid_type",
    )


def missing(param: str) -> ApiError:
    """``Missing required parameter: 'x'.``"""
    return invalid(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


def reject_unknown(names: Iterable[str], allowed: Iterable[str], prefix: str = "") -> None:
    """Raise for the first name not in `allowed` (sorted, so errors are stable)."""
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        param = prefix + unknown[0]
        raise invalid(f"Unknown parameter: '{param}'.", param, "unknown_parameter")


def string(param: str, value: Any, max_length: int | None = None) -> str:
    """A string, at most `max_length` characters."""
    if not isinstance(value, str):
        raise wrong_type(param, "a string", value)
    if max_length is not None and len(value) > max_length:
        raise invalid(
            f"Invalid '{param}': string too long. Expected a string with maximum length "
            f"{max_length}, but got a string with length {len(value)} instead.",
            param,
            "string_above_max_length",
        )
    return value


def choice(param: str, value: Any, allowed: Iterable[str]) -> str:
    """One of `allowed`."""
    allowed = list(allowed)
    value = string(param, value)
    if value not in allowed:
        listed = ", ".join(f"'{a}'" for a in allowed[:-1]) + f", and '{allowed[-1]}'"
        raise invalid(f"Invalid value: '{value}'. Supported values are: {listed}.", param)
    return value


def number(
    param: str,
    value: Any,
    minimum: float | None = None,
    maximum: float | None = None,
    form: bool = False,
    integer: bool = False,
) -> float:
    """A number in [`minimum`, `maximum`]; from a form, parsed from its text."""
    kind = "an integer" if integer else "a decimal"
    if form and isinstance(value, str):
        try:
            value = int(value) if integer else float(value)
        except ValueError:
            raise wrong_type(param, kind, value) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise wrong_type(param, kind, value)
    if not math.isfinite(value):
        raise wrong_type(param, kind, value)
    word = "integer" if integer else "decimal"
    if minimum is not None and value < minimum:
        raise invalid(
            f"Invalid '{param}': {word} below minimum value. Expected a value >= {minimum:g}, "
            f"but got {value:g} instead.",
            param,
            f"{word}_below_min_value",
        )
    if maximum is not None and value > maximum:
        raise invalid(
            f"Invalid '{param}': {word} above maximum value. Expected a value <= {maximum:g}, "
            f"but got {value:g} instead.",
            param,
            f"{word}_above_max_value",
        )
    return value


def boolean(param: str, value: Any, form: bool = False) -> bool:
    """A boolean; from a form, ``true`` or ``false``."""
    if form and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise wrong_type(param, "a boolean", value)
    return value


def array(param: str, value: Any) -> list[Any]:
    """A JSON array."""
    if not isinstance(value, list):
        raise wrong_type(param, "an array", value)
    return value


def obj(param: str, value: Any) -> dict[str, Any]:
    """A JSON object."""
    if not isinstance(value, dict):
        raise wrong_type(param, "an object", value)
    return value
