"""Parsing and envelope checks of client events (the same in both protocols).

Every text frame must be one JSON object with a known ``type``. Each event type
has a fixed set of top-level fields (an unknown one is an error, as on the
service) and required ones; the nested payloads (``session``, ``item``,
``response``) are checked afterwards by the protocol's own schemas.

Problems become one ``error`` event whose ``error.event_id`` echoes the client
event's ``event_id`` when it could be read:

* not JSON: ``invalid_json``;
* JSON but not an object, or no ``type``: ``invalid_event``;
* an unknown ``type``: ``invalid_value`` (param ``type``) listing the supported ones;
* a missing/unknown/mistyped field: ``missing_required_parameter`` /
  ``unknown_parameter`` / ``invalid_type``.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import RealtimeError
from .protocol import CLIENT_EVENT_TYPES
from .schema import Anything, Int, Nullable, Obj, SchemaError, Str, quote_list

_EVENT_ID = Str(max_length=512)

ENVELOPES: dict[str, Obj] = {
    "session.update": Obj({"session": Anything()}, required=("session",)),
    "input_audio_buffer.append": Obj({"audio": Str()}, required=("audio",)),
    "input_audio_buffer.commit": Obj({}),
    "input_audio_buffer.clear": Obj({}),
    "output_audio_buffer.clear": Obj({}),
    "conversation.item.create": Obj({"previous_item_id": Nullable(Str()), "item": Anything()}, required=("item",)),
    "conversation.item.retrieve": Obj({"item_id": Str()}, required=("item_id",)),
    "conversation.item.truncate": Obj(
        {"item_id": Str(), "content_index": Int(minimum=0), "audio_end_ms": Int(minimum=0)},
        required=("item_id", "content_index", "audio_end_ms"),
    ),
    "conversation.item.delete": Obj({"item_id": Str()}, required=("item_id",)),
    "response.create": Obj({"response": Nullable(Anything())}),
    "response.cancel": Obj({"response_id": Str()}),
}


class ParsedEvent:
    """A client event that passed the envelope checks."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.type: str = data["type"]
        self.event_id: str | None = data.get("event_id")

    def get(self, key: str, default: Any = None) -> Any:
        """A top-level field."""
        return self.data.get(key, default)


class EventRejected(RealtimeError):
    """A frame that is not a usable client event; carries what could be read of its event_id."""

    def __init__(self, error: RealtimeError, event_id: Any, event_type: str | None) -> None:
        super().__init__(error.code, error.message, error.param, error.type)
        self.event_id = event_id
        self.event_type = event_type


def parse(text: str) -> ParsedEvent:
    """Parse one text frame into a ParsedEvent, or raise EventRejected."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise EventRejected(
            RealtimeError(
                "invalid_json",
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent "
                "was not valid JSON.)",
            ),
            None,
            None,
        ) from None
    if not isinstance(data, dict):
        raise EventRejected(
            RealtimeError("invalid_event", "Expected a JSON object as the event, got a JSON value of another type."),
            None,
            None,
        )
    event_id = data.get("event_id")
    kind = data.get("type")
    if kind is None:
        raise EventRejected(RealtimeError("invalid_event", "The 'type' field is missing."), event_id, None)
    if not isinstance(kind, str):
        raise EventRejected(
            RealtimeError("invalid_type", "Invalid type for 'type': expected a string.", "type"), event_id, None
        )
    if kind not in ENVELOPES:
        raise EventRejected(
            RealtimeError(
                "invalid_value",
                f"Invalid value: '{kind}'. Supported values are: {quote_list(CLIENT_EVENT_TYPES)}.",
                "type",
            ),
            event_id,
            kind,
        )
    envelope = ENVELOPES[kind]
    body = {k: v for k, v in data.items() if k not in ("type", "event_id")}
    try:
        if "event_id" in data:
            _EVENT_ID.check(data["event_id"], "event_id")
        envelope.check(body, "")
    except SchemaError as exc:
        raise EventRejected(RealtimeError.from_schema(exc), event_id, kind) from None
    return ParsedEvent(data)
