"""The conversation and responses of a realtime session: ``conversation.item.create`` / ``retrieve`` /
``truncate`` / ``delete`` and ``response.create`` / ``cancel``. Only one response runs at a time. A mixin of
`RealtimeSession`, whose state it reads and changes.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from . import client_events
from .config import SessionSettings
from .conversation import Item, item_from_client
from .errors import RealtimeError, not_found
from .item_schemas import GA_ITEM, PREVIEW_ITEM
from .protocol import Protocol
from .responses import Response
from .schema import SchemaError
from .transcription import start_hearing
from .truncation import truncate

if TYPE_CHECKING:
    from .conversation import Conversation


class ConversationEvents:
    """The conversation's and responses' client events, for `RealtimeSession`."""

    protocol: Protocol
    conversation: Conversation
    settings: SessionSettings
    response: Response | None
    log_entry: dict
    shape: Any

    def _check_item_schema(self, raw: Any, path: str) -> None:
        schema = GA_ITEM if self.protocol is Protocol.GA else PREVIEW_ITEM
        try:
            schema.check(raw, path)
        except SchemaError as exc:
            raise RealtimeError.from_schema(exc) from None

    async def _on_item_create(self, event: client_events.ParsedEvent) -> None:
        raw = event.get("item")
        self._check_item_schema(raw, "item")
        item = item_from_client(raw, self.protocol, self.conversation, self.settings.input_format)
        previous = self.conversation.insert(item, event.get("previous_item_id"))
        self.log_entry["items"].append(_item_summary(raw, event.get("previous_item_id")))
        await self.emit("conversation.item.created", previous_item_id=previous, item=self.render(item))
        await self.emit("conversation.item.done", previous_item_id=previous, item=self.render(item))
        if item.audio_part_index() is not None and item.role == "user":
            start_hearing(self, item, None)

    async def _on_item_retrieve(self, event: client_events.ParsedEvent) -> None:
        item = self.conversation.require(event.get("item_id"), "retrieving")
        await self.emit("conversation.item.retrieved", item=self.render(item, with_audio=True))

    async def _on_item_truncate(self, event: client_events.ParsedEvent) -> None:
        item_id = event.get("item_id")
        content_index = event.get("content_index")
        audio_end_ms = event.get("audio_end_ms")
        truncate(self.conversation, item_id, content_index, audio_end_ms)
        await self.emit(
            "conversation.item.truncated", item_id=item_id, content_index=content_index, audio_end_ms=audio_end_ms
        )

    async def _on_item_delete(self, event: client_events.ParsedEvent) -> None:
        item_id = event.get("item_id")
        self.conversation.delete(item_id)
        await self.emit("conversation.item.deleted", item_id=item_id)

    # ------------------------------------------------------------ responses

    def start_response(
        self,
        settings: SessionSettings,
        conversation: str = "auto",
        metadata: Any = None,
        input_items: list[Item] | None = None,
    ) -> Response:
        response = Response(self, settings, conversation, metadata, input_items)
        self.response = response
        response.task = self.spawn(response.run())
        return response

    def _input_items(self, raw_items: list) -> list[Item]:
        items = []
        for index, raw in enumerate(raw_items):
            param = f"response.input[{index}]"
            if raw.get("type") == "item_reference":
                ref = raw.get("id")
                existing = self.conversation.get(ref) if isinstance(ref, str) else None
                if existing is None:
                    raise not_found("referencing", str(ref), f"{param}.id")
                items.append(existing)
                continue
            item = item_from_client(
                raw, self.protocol, self.conversation, self.settings.input_format, param, check_duplicate=False
            )
            if item.audio_part_index() is not None and item.role == "user":
                start_hearing(self, item, None)
            items.append(item)
        return items

    async def _on_response_create(self, event: client_events.ParsedEvent) -> None:
        params = event.get("response") or {}
        self.log_entry.setdefault("response_requests", []).append(params)
        self.shape.validate_response_params(params)
        active = self.response
        if active is not None and active.active:
            raise RealtimeError(
                "conversation_already_has_active_response",
                f"Conversation already has an active response in progress: {active.id}. Wait until the response "
                "is finished before creating a new one.",
            )
        settings = self.shape.response_overrides(self.settings, params)
        input_items = self._input_items(params["input"]) if "input" in params else None
        self.start_response(settings, params.get("conversation", "auto"), params.get("metadata"), input_items)

    async def _on_response_cancel(self, event: client_events.ParsedEvent) -> None:
        active = self.response
        wanted = event.get("response_id")
        if active is None or not active.active or active.cancelled or (wanted is not None and wanted != active.id):
            message = "Cancellation failed: no active response found."
            if wanted is not None and (active is None or wanted != active.id):
                message = f"Cancellation failed: no active response found with id '{wanted}'."
            raise RealtimeError("response_cancel_not_active", message, "response_id" if wanted else None)
        active.cancel("client_cancelled")


def _item_summary(raw: dict, previous_item_id: Any) -> dict:
    """What the control API shows of an item a client created (its text, not its audio)."""
    summary: dict[str, Any] = {"id": raw.get("id"), "type": raw.get("type"), "previous_item_id": previous_item_id}
    for key in ("role", "call_id", "name", "arguments", "output"):
        if key in raw:
            summary[key] = raw[key]
    parts = [part for part in raw.get("content") or [] if isinstance(part, dict)]
    images = [_image_summary(part.get("image_url")) for part in parts if part.get("type") == "input_image"]
    if images:
        summary["images"] = images
    texts = [part.get("text") or part.get("transcript") for part in parts]
    if any(texts):
        summary["text"] = " ".join(t for t in texts if t)
    return summary


def _image_summary(url: Any) -> dict:
    """An input_image part as the control API shows it: the data URL's MIME type and decoded size."""
    if not isinstance(url, str) or not url.startswith("data:") or ";base64," not in url:
        return {"url": str(url)[:100]}
    head, _, data = url.partition(";base64,")
    try:
        size = len(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        size = -1
    return {"mime_type": head.removeprefix("data:"), "bytes": size}
