"""The two realtime protocols and the names that differ between them.

Azure serves two realtime protocols:

* PREVIEW, at ``/openai/realtime?api-version=...&deployment=...``: the beta event
  names (``response.audio.delta``, ``response.text.delta``, ...), the flat session
  shape, ``conversation.created`` after ``session.created`` and
  ``conversation.item.created`` for new items.
* GA, at ``/openai/v1/realtime?model=...``: the GA names
  (``response.output_audio.delta``, ``response.output_text.delta``, ...), the nested
  session shape with ``session.type == "realtime"``, no ``conversation.created``,
  and ``conversation.item.added`` / ``conversation.item.done`` for new items.

The rest of the package writes server events with their PREVIEW names and
assistant content with the PREVIEW content types; `wire_event_name` and
`wire_content_type` translate at the edge.
"""

from __future__ import annotations

import enum


class Protocol(enum.Enum):
    """Which realtime protocol a session speaks."""

    PREVIEW = "preview"
    GA = "ga"


#: Server event names that the GA protocol renamed (preview name -> GA name).
PREVIEW_TO_GA_EVENTS: dict[str, str] = {
    "response.audio.delta": "response.output_audio.delta",
    "response.audio.done": "response.output_audio.done",
    "response.audio_transcript.delta": "response.output_audio_transcript.delta",
    "response.audio_transcript.done": "response.output_audio_transcript.done",
    "response.text.delta": "response.output_text.delta",
    "response.text.done": "response.output_text.done",
    "conversation.item.created": "conversation.item.added",
}

#: GA name -> preview name (the inverse of PREVIEW_TO_GA_EVENTS).
GA_TO_PREVIEW_EVENTS: dict[str, str] = {ga: preview for preview, ga in PREVIEW_TO_GA_EVENTS.items()}

#: Content types of assistant message parts inside items (preview type -> GA type).
PREVIEW_TO_GA_CONTENT: dict[str, str] = {"audio": "output_audio", "text": "output_text"}

#: Client event types each protocol accepts (the names are the same in both).
CLIENT_EVENT_TYPES: tuple[str, ...] = (
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "output_audio_buffer.clear",
    "conversation.item.create",
    "conversation.item.retrieve",
    "conversation.item.truncate",
    "conversation.item.delete",
    "response.create",
    "response.cancel",
)

#: Server event types the emulator can send, by their PREVIEW names.
SERVER_EVENT_TYPES: tuple[str, ...] = (
    "error",
    "session.created",
    "session.updated",
    "conversation.created",
    "conversation.item.created",
    "conversation.item.done",
    "conversation.item.retrieved",
    "conversation.item.truncated",
    "conversation.item.deleted",
    "conversation.item.input_audio_transcription.delta",
    "conversation.item.input_audio_transcription.completed",
    "conversation.item.input_audio_transcription.failed",
    "input_audio_buffer.committed",
    "input_audio_buffer.cleared",
    "input_audio_buffer.speech_started",
    "input_audio_buffer.speech_stopped",
    "response.created",
    "response.done",
    "response.output_item.added",
    "response.output_item.done",
    "response.content_part.added",
    "response.content_part.done",
    "response.audio.delta",
    "response.audio.done",
    "response.audio_transcript.delta",
    "response.audio_transcript.done",
    "response.text.delta",
    "response.text.done",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "rate_limits.updated",
)

#: Events only one protocol sends.
PREVIEW_ONLY_EVENTS = frozenset({"conversation.created"})
GA_ONLY_EVENTS = frozenset({"conversation.item.done"})


def wire_event_name(protocol: Protocol, preview_name: str) -> str:
    """The name a server event carries on the wire in `protocol`."""
    if protocol is Protocol.GA:
        return PREVIEW_TO_GA_EVENTS.get(preview_name, preview_name)
    return preview_name


def wire_content_type(protocol: Protocol, preview_type: str) -> str:
    """The type of an assistant content part inside an item in `protocol`."""
    if protocol is Protocol.GA:
        return PREVIEW_TO_GA_CONTENT.get(preview_type, preview_type)
    return preview_type


def canonical_content_type(content_type: str) -> str:
    """Map a GA assistant content type back to its preview name (others unchanged)."""
    for preview, ga in PREVIEW_TO_GA_CONTENT.items():
        if content_type == ga:
            return preview
    return content_type


def sends_event(protocol: Protocol, preview_name: str) -> bool:
    """Whether `protocol` sends this event at all."""
    if preview_name in PREVIEW_ONLY_EVENTS:
        return protocol is Protocol.PREVIEW
    if preview_name in GA_ONLY_EVENTS:
        return protocol is Protocol.GA
    return True
