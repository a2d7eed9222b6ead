"""The conversation: ordered items, how clients add them, and how they are rendered.

Items are kept in one protocol-independent form (`Item`): assistant parts use
the PREVIEW content types (``text``, ``audio``) and all audio is held as 24 kHz
PCM. `render_item` produces the JSON a protocol shows; audio bytes are only
included by ``conversation.item.retrieve`` (in the session's formats), never in
created/added/done events, as on the service.

Rules applied when a client creates an item (after the schema check):

* ``type`` is required; a given ``id`` must not exist yet.
* messages need ``role`` and ``content``; system messages take ``input_text``
  only, user messages ``input_text`` / ``input_audio`` (GA also ``input_image``),
  assistant messages ``text`` (GA ``output_text``); assistant audio cannot be
  created by a client.
* ``function_call`` needs ``name``; ``function_call_output`` needs ``call_id`` and
  ``output``, and ``call_id`` must belong to a ``function_call`` already in the
  conversation.
* ``previous_item_id``: absent or null appends, ``"root"`` inserts first, any
  other value must be an existing item's id.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from . import audio
from .errors import RealtimeError, not_found
from .ids import new_id
from .protocol import Protocol, canonical_content_type, wire_content_type
from .schema import quote_list

_ROLE_PARTS_PREVIEW = {
    "system": ("input_text",),
    "user": ("input_text", "input_audio"),
    "assistant": ("text",),
}
_ROLE_PARTS_GA = {
    "system": ("input_text",),
    "user": ("input_text", "input_audio", "input_image"),
    "assistant": ("output_text",),
}


@dataclass
class Item:
    """One conversation item in the emulator's own form."""

    id: str
    type: str
    status: str = "completed"
    role: str | None = None
    content: list[dict] = field(default_factory=list)
    call_id: str | None = None
    name: str | None = None
    arguments: str | None = None
    output: str | None = None
    #: 24 kHz PCM of the item's audio part (user input or assistant output).
    pcm: bytearray = field(default_factory=bytearray)
    #: Milliseconds of assistant audio actually sent to the client for this item.
    audio_sent_ms: float = 0.0
    #: What the model "heard" in a user audio part (set once recognition finishes).
    heard: asyncio.Future | None = None
    #: For items a response added: the id of the item before it (for conversation.item.done).
    previous_id: str | None = None

    def audio_part_index(self) -> int | None:
        """Index of the first audio part, if any."""
        for index, part in enumerate(self.content):
            if part["type"] in ("audio", "input_audio"):
                return index
        return None

    def text(self) -> str:
        """The item's text: its text parts and audio transcripts joined."""
        pieces = []
        for part in self.content:
            value = part.get("text") if part["type"] in ("input_text", "text") else part.get("transcript")
            if value:
                pieces.append(value)
        return " ".join(pieces)


def render_item(
    item: Item,
    protocol: Protocol,
    *,
    input_format: str = "pcm16",
    output_format: str = "pcm16",
    with_audio: bool = False,
) -> dict:
    """The item's JSON as `protocol` shows it."""
    data: dict[str, Any] = {"id": item.id, "object": "realtime.item", "type": item.type, "status": item.status}
    if item.type == "message":
        data["role"] = item.role
        parts = []
        for part in item.content:
            kind = part["type"]
            rendered: dict[str, Any] = {"type": wire_content_type(protocol, kind) if item.role == "assistant" else kind}
            if kind in ("input_text", "text"):
                rendered["text"] = part.get("text", "")
            elif kind in ("input_audio", "audio"):
                if with_audio:
                    fmt = input_format if kind == "input_audio" else output_format
                    rendered["audio"] = base64.b64encode(audio.encode_output(fmt, bytes(item.pcm))).decode()
                rendered["transcript"] = part.get("transcript")
            elif kind == "input_image":
                rendered.update({k: v for k, v in part.items() if k != "type"})
            parts.append(rendered)
        data["content"] = parts
    elif item.type == "function_call":
        data.update({"call_id": item.call_id, "name": item.name, "arguments": item.arguments or ""})
    elif item.type == "function_call_output":
        data.update({"call_id": item.call_id, "output": item.output})
    return data


class Conversation:
    """The session's default conversation: items in order, found by id."""

    def __init__(self) -> None:
        self.id = new_id("conv")
        self.items: list[Item] = []

    def get(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def require(self, item_id: str, verb: str) -> Item:
        """The item with this id; RealtimeError naming `verb` ("retrieving") if unknown."""
        item = self.get(item_id)
        if item is None:
            raise not_found(verb, item_id)
        return item

    def last_id(self) -> str | None:
        """Id of the last item, or None when empty."""
        return self.items[-1].id if self.items else None

    def insert(self, item: Item, previous_item_id: str | None = None) -> str | None:
        """Insert `item` (see the module doc); returns the id of the item now before it."""
        if previous_item_id is None:
            previous = self.last_id()
            self.items.append(item)
            return previous
        if previous_item_id == "root":
            self.items.insert(0, item)
            return None
        for index, existing in enumerate(self.items):
            if existing.id == previous_item_id:
                self.items.insert(index + 1, item)
                return previous_item_id
        raise RealtimeError(
            "invalid_value",
            f"Error adding item: the previous item with id '{previous_item_id}' does not exist.",
            "previous_item_id",
        )

    def delete(self, item_id: str) -> None:
        """Remove an item; RealtimeError when unknown."""
        item = self.require(item_id, "deleting")
        self.items.remove(item)

    def has_call(self, call_id: str) -> bool:
        """Whether a function_call with this call_id is in the conversation."""
        return any(i.type == "function_call" and i.call_id == call_id for i in self.items)

    def call_named(self, call_id: str) -> Item | None:
        """The function_call item with this call_id, or None."""
        for item in self.items:
            if item.type == "function_call" and item.call_id == call_id:
                return item
        return None


def _decode_audio(data: str, fmt: str, param: str) -> bytes:
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise RealtimeError("invalid_value", f"Invalid '{param}': expected base64-encoded audio.", param) from None
    return audio.decode_input(fmt, raw)


def item_from_client(
    raw: dict,
    protocol: Protocol,
    conversation: Conversation,
    input_format: str,
    param: str = "item",
    check_duplicate: bool = True,
) -> Item:
    """Build an Item from a schema-checked client item, applying the module's rules."""
    kind = raw.get("type")
    if kind is None:
        raise RealtimeError(
            "missing_required_parameter", f"Missing required parameter: '{param}.type'.", f"{param}.type"
        )
    item_id = raw.get("id") or new_id("item")
    if check_duplicate and conversation.get(item_id) is not None:
        raise RealtimeError(
            "invalid_value", f"Error adding item: the item with id '{item_id}' already exists.", f"{param}.id"
        )
    item = Item(id=item_id, type=kind, status="completed")
    if kind == "message":
        _fill_message(item, raw, protocol, input_format, param)
    elif kind == "function_call":
        if "name" not in raw:
            raise RealtimeError(
                "missing_required_parameter", f"Missing required parameter: '{param}.name'.", f"{param}.name"
            )
        item.name = raw["name"]
        item.arguments = raw.get("arguments", "")
        item.call_id = raw.get("call_id") or new_id("call")
    elif kind == "function_call_output":
        for key in ("call_id", "output"):
            if key not in raw:
                raise RealtimeError(
                    "missing_required_parameter", f"Missing required parameter: '{param}.{key}'.", f"{param}.{key}"
                )
        if not conversation.has_call(raw["call_id"]):
            raise RealtimeError(
                "invalid_value",
                f"Invalid '{param}.call_id': no function_call item with call_id '{raw['call_id']}' "
                "exists in the conversation.",
                f"{param}.call_id",
            )
        item.call_id = raw["call_id"]
        item.output = raw["output"]
    return item


def _fill_message(item: Item, raw: dict, protocol: Protocol, input_format: str, param: str) -> None:
    for key in ("role", "content"):
        if key not in raw:
            raise RealtimeError(
                "missing_required_parameter", f"Missing required parameter: '{param}.{key}'.", f"{param}.{key}"
            )
    item.role = raw["role"]
    allowed = (_ROLE_PARTS_GA if protocol is Protocol.GA else _ROLE_PARTS_PREVIEW)[item.role]
    for index, part in enumerate(raw["content"]):
        where = f"{param}.content[{index}]"
        kind = part.get("type")
        if kind not in allowed:
            raise RealtimeError(
                "invalid_value",
                f"Invalid value: '{kind}'. Supported values for {item.role} messages are: {quote_list(allowed)}.",
                f"{where}.type",
            )
        canonical = canonical_content_type(kind)
        if canonical in ("input_text", "text"):
            if "text" not in part:
                raise RealtimeError(
                    "missing_required_parameter", f"Missing required parameter: '{where}.text'.", f"{where}.text"
                )
            item.content.append({"type": canonical, "text": part["text"]})
        elif canonical == "input_audio":
            if "audio" not in part:
                raise RealtimeError(
                    "missing_required_parameter", f"Missing required parameter: '{where}.audio'.", f"{where}.audio"
                )
            item.pcm.extend(_decode_audio(part["audio"], input_format, f"{where}.audio"))
            item.content.append({"type": "input_audio", "transcript": part.get("transcript")})
        else:  # input_image: kept, not understood
            item.content.append(dict(part))
