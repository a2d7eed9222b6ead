"""A tiny schema language for validating realtime client events.

The realtime service rejects a bad client event with one ``error`` event that
names the first offending parameter, in messages such as::

    Unknown parameter: 'session.type'.
    Invalid type for 'session.temperature': expected a decimal, but got a string instead.
    Invalid value: 'pcm32'. Supported values are: 'pcm16', 'g711_ulaw', and 'g711_alaw'.
    Invalid 'session.temperature': decimal below minimum value. Expected a value >= 0.6, but got 0.1 instead.
    Missing required parameter: 'session.type'.

This module provides the node types (`Str`, `Num`, `Int`, `Bool`, `Arr`, `Obj`,
`Nullable`, `Either`, `Anything`) that the per-protocol schemas in
`config_preview`, `config_ga` and `client_events` are written with, and
`validate(schema, value, path)`, which raises `SchemaError` for the first
problem. The schemas themselves are this package's own code, written from the
OpenAPI specs; nothing here reads a spec file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence


class SchemaError(Exception):
    """The first validation problem found: an OpenAI-style code, message and param."""

    def __init__(self, code: str, message: str, param: str | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param


def type_name(value: Any) -> str:
    """Name a JSON value's type the way the service's messages do ("a string")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "an unknown type"


def quote_list(values: Sequence[Any]) -> str:
    """``'a', 'b', and 'c'``: the service's way of listing supported values."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]}"
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def _invalid_type(path: str, expected: str, value: Any) -> SchemaError:
    return SchemaError(
        "invalid_type",
        f"Invalid type for '{path}': expected {expected}, but got {type_name(value)} instead.",
        path,
    )


class Node:
    """A schema node. `check` raises SchemaError or returns None."""

    #: How the node's type reads in an "expected ..." message.
    expected = "a value"

    def accepts_type(self, value: Any) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def check(self, value: Any, path: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def _check_bounds(word: str, value: Any, minimum: Any, maximum: Any, path: str) -> None:
    """The service's range errors for numbers ("decimal") and integers ("integer"): inclusive bounds, None = open."""
    if minimum is not None and value < minimum:
        raise SchemaError(
            f"{word}_below_min_value",
            f"Invalid '{path}': {word} below minimum value. Expected a value >= {minimum}, but got {value} instead.",
            path,
        )
    if maximum is not None and value > maximum:
        raise SchemaError(
            f"{word}_above_max_value",
            f"Invalid '{path}': {word} above maximum value. Expected a value <= {maximum}, but got {value} instead.",
            path,
        )


@dataclass
class Anything(Node):
    """Any JSON value (used for free-form objects such as JSON Schema parameters)."""

    expected = "a value"

    def accepts_type(self, value: Any) -> bool:
        return True

    def check(self, value: Any, path: str) -> None:
        return None


@dataclass
class Str(Node):
    """A string, optionally from a fixed set and/or with a maximum length."""

    enum: Sequence[str] | None = None
    max_length: int | None = None
    expected = "a string"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, str)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise _invalid_type(path, self.expected, value)
        if self.enum is not None and value not in self.enum:
            raise SchemaError(
                "invalid_value",
                f"Invalid value: '{value}'. Supported values are: {quote_list(self.enum)}.",
                path,
            )
        if self.max_length is not None and len(value) > self.max_length:
            raise SchemaError(
                "string_above_max_length",
                f"Invalid '{path}': string too long. Expected a string with maximum length "
                f"{self.max_length}, but got a string with length {len(value)} instead.",
                path,
            )


@dataclass
class Num(Node):
    """A number (integers are accepted too), with optional inclusive bounds."""

    minimum: float | None = None
    maximum: float | None = None
    expected = "a decimal"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def check(self, value: Any, path: str) -> None:
        if not self.accepts_type(value):
            raise _invalid_type(path, self.expected, value)
        _check_bounds("decimal", value, self.minimum, self.maximum, path)


@dataclass
class Int(Node):
    """An integer, with optional inclusive bounds and an optional fixed set."""

    minimum: int | None = None
    maximum: int | None = None
    enum: Sequence[int] | None = None
    expected = "an integer"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def check(self, value: Any, path: str) -> None:
        if not self.accepts_type(value):
            raise _invalid_type(path, self.expected, value)
        if self.enum is not None and value not in self.enum:
            raise SchemaError(
                "invalid_value",
                f"Invalid value: {value}. Supported values are: {quote_list(self.enum)}.",
                path,
            )
        _check_bounds("integer", value, self.minimum, self.maximum, path)


@dataclass
class Bool(Node):
    """A boolean."""

    expected = "a boolean"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, bool)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            raise _invalid_type(path, self.expected, value)


@dataclass
class Arr(Node):
    """An array whose items all match `items`, with optional length bounds."""

    items: Node = field(default_factory=Anything)
    min_items: int | None = None
    max_items: int | None = None
    expected = "an array"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, list)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise _invalid_type(path, self.expected, value)
        if self.min_items is not None and len(value) < self.min_items:
            raise SchemaError(
                "array_below_min_items",
                f"Invalid '{path}': empty array. Expected an array with minimum length "
                f"{self.min_items}, but got an array with length {len(value)} instead.",
                path,
            )
        if self.max_items is not None and len(value) > self.max_items:
            raise SchemaError(
                "array_above_max_length",
                f"Invalid '{path}': array too long. Expected an array with maximum length "
                f"{self.max_items}, but got an array with length {len(value)} instead.",
                path,
            )
        for index, item in enumerate(value):
            self.items.check(item, f"{path}[{index}]")


@dataclass
class Obj(Node):
    """An object with known properties; unknown keys are rejected unless `open`.

    `discriminator`, when set, names a property whose value selects the schema
    (from `variants`) that the whole object is checked against instead.
    """

    properties: Mapping[str, Node] = field(default_factory=dict)
    required: Sequence[str] = ()
    open: bool = False
    expected = "an object"
    check_extra: Callable[[dict, str], None] | None = None

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _invalid_type(path, self.expected, value)
        if not self.open:
            for key in value:
                if key not in self.properties:
                    raise SchemaError(
                        "unknown_parameter", f"Unknown parameter: '{_join(path, key)}'.", _join(path, key)
                    )
        for key in self.required:
            if key not in value:
                raise SchemaError(
                    "missing_required_parameter",
                    f"Missing required parameter: '{_join(path, key)}'.",
                    _join(path, key),
                )
        for key, item in value.items():
            node = self.properties.get(key)
            if node is not None:
                node.check(item, _join(path, key))
        if self.check_extra is not None:
            self.check_extra(value, path)


@dataclass
class Tagged(Node):
    """An object whose `tag` property selects one of several `Obj` variants."""

    tag: str
    variants: Mapping[str, Obj]
    default_tag: str | None = None
    expected = "an object"

    def accepts_type(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _invalid_type(path, self.expected, value)
        tag_value = value.get(self.tag, self.default_tag)
        if tag_value is None:
            raise SchemaError(
                "missing_required_parameter",
                f"Missing required parameter: '{_join(path, self.tag)}'.",
                _join(path, self.tag),
            )
        Str(enum=list(self.variants)).check(tag_value, _join(path, self.tag))
        self.variants[tag_value].check(value, path)


@dataclass
class Nullable(Node):
    """`inner` or JSON null."""

    inner: Node

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.inner.expected

    def accepts_type(self, value: Any) -> bool:
        return value is None or self.inner.accepts_type(value)

    def check(self, value: Any, path: str) -> None:
        if value is not None:
            self.inner.check(value, path)


@dataclass
class Either(Node):
    """The first option whose JSON type matches decides (e.g. integer or "inf")."""

    options: Sequence[Node]
    expected_text: str = "a value"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.expected_text

    def accepts_type(self, value: Any) -> bool:
        return any(option.accepts_type(value) for option in self.options)

    def check(self, value: Any, path: str) -> None:
        for option in self.options:
            if option.accepts_type(value):
                option.check(value, path)
                return
        raise _invalid_type(path, self.expected_text, value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def validate(schema: Node, value: Any, path: str) -> None:
    """Check `value` against `schema`; raise SchemaError for the first problem."""
    schema.check(value, path)
