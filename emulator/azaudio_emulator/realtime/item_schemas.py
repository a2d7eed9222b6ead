"""Schemas of conversation items a client may send, per protocol.

PREVIEW (``RealtimeConversationItem``, 2025-04-29 spec): one flat object for
every item type; content parts are ``input_text``, ``input_audio``, ``text`` or
``item_reference``. GA (``RealtimeConversationItem``, current spec): a union
keyed by ``type`` (and ``role`` for messages); assistant parts are
``output_text`` / ``output_audio``, user parts ``input_text`` / ``input_audio`` /
``input_image``. The structural rules (which role takes which part, that a
function_call_output names an existing call) are checked in `conversation`.
"""

from __future__ import annotations

from .schema import Arr, Obj, SchemaError, Str, Tagged

ITEM_STATUS_PREVIEW = ("completed", "incomplete")
ITEM_STATUS_GA = ("completed", "incomplete", "in_progress")

PREVIEW_CONTENT_PART = Obj(
    {
        "type": Str(enum=("input_audio", "input_text", "item_reference", "text")),
        "text": Str(),
        "id": Str(),
        "audio": Str(),
        "transcript": Str(),
    }
)

PREVIEW_ITEM = Obj(
    {
        "id": Str(max_length=64),
        "type": Str(enum=("message", "function_call", "function_call_output")),
        "object": Str(enum=("realtime.item",)),
        "status": Str(enum=ITEM_STATUS_PREVIEW),
        "role": Str(enum=("user", "assistant", "system")),
        "content": Arr(PREVIEW_CONTENT_PART),
        "call_id": Str(),
        "name": Str(),
        "arguments": Str(),
        "output": Str(),
    }
)

#: ``RealtimeConversationItemWithReference`` (``response.create``'s ``input``).
PREVIEW_ITEM_WITH_REFERENCE = Obj(
    {
        **PREVIEW_ITEM.properties,
        "type": Str(enum=("message", "function_call", "function_call_output", "item_reference")),
    }
)

_COMMON_GA = {
    "id": Str(max_length=64),
    "object": Str(enum=("realtime.item",)),
    "status": Str(enum=ITEM_STATUS_GA),
}

_GA_PARTS = {
    "system": Obj({"type": Str(enum=("input_text",)), "text": Str()}),
    "user": Obj(
        {
            "type": Str(enum=("input_text", "input_audio", "input_image")),
            "text": Str(),
            "audio": Str(),
            "image_url": Str(),
            "detail": Str(enum=("auto", "low", "high")),
            "transcript": Str(),
        }
    ),
    "assistant": Obj(
        {"type": Str(enum=("output_text", "output_audio")), "text": Str(), "audio": Str(), "transcript": Str()}
    ),
}


def _check_ga_message(value: dict, path: str) -> None:
    role = value.get("role")
    parts = _GA_PARTS[role]
    for index, part in enumerate(value.get("content", [])):
        parts.check(part, f"{path}.content[{index}]")


_GA_MESSAGE = Obj(
    {
        **_COMMON_GA,
        "type": Str(enum=("message",)),
        "role": Str(enum=("system", "user", "assistant")),
        "content": Arr(Obj(open=True)),
    },
    required=("type", "role", "content"),
    check_extra=_check_ga_message,
)

GA_ITEM = Tagged(
    "type",
    {
        "message": _GA_MESSAGE,
        "function_call": Obj(
            {
                **_COMMON_GA,
                "type": Str(enum=("function_call",)),
                "call_id": Str(),
                "name": Str(),
                "arguments": Str(),
            },
            required=("type", "name", "arguments"),
        ),
        "function_call_output": Obj(
            {
                **_COMMON_GA,
                "type": Str(enum=("function_call_output",)),
                "call_id": Str(),
                "output": Str(),
            },
            required=("type", "call_id", "output"),
        ),
    },
)

#: ``response.create``'s ``input`` in GA: items, or ``{"type": "item_reference", "id": ...}``.
GA_ITEM_OR_REFERENCE = Tagged(
    "type",
    {**GA_ITEM.variants, "item_reference": Obj({"type": Str(), "id": Str()}, required=("id",))},
)

#: A function tool, in both protocols (MCP tools are not emulated).
FUNCTION_TOOL = Obj(
    {
        "type": Str(enum=("function",)),
        "name": Str(),
        "description": Str(),
        "parameters": Obj(open=True),
    },
    required=("name",),
)


def _check_metadata(value: dict, path: str) -> None:
    if len(value) > 16:
        raise SchemaError(
            "object_above_max_properties",
            f"Invalid '{path}': too many properties. Expected an object with at most 16 properties, "
            f"but got an object with {len(value)} properties instead.",
            path,
        )
    for key, item in value.items():
        Str(max_length=512).check(item, f"{path}.{key}")


#: ``Metadata``: up to 16 string values.
METADATA = Obj(open=True, check_extra=_check_metadata)

__all__ = [
    "FUNCTION_TOOL",
    "GA_ITEM",
    "GA_ITEM_OR_REFERENCE",
    "METADATA",
    "PREVIEW_ITEM",
    "PREVIEW_ITEM_WITH_REFERENCE",
]
