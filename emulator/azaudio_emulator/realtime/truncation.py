"""``conversation.item.truncate``: the service's rules for cutting assistant audio.

A client truncates an assistant item when playback was interrupted, so the
server's record matches what the user heard. The rules:

1. The item must exist (else an ``item_not_found`` error).
2. It must be an assistant message with an audio part: "Only model output audio
   messages can be truncated".
3. ``content_index`` must name that audio part.
4. ``audio_end_ms`` must not exceed the audio actually sent to the client for the
   item so far: "Audio content of 2350ms is already shorter than 5000ms". The
   audio sent is counted per item from its ``response.audio.delta`` events (a
   response still streaming has sent only part of its audio).

On success the audio is cut at ``audio_end_ms`` and the part's transcript is
deleted (set to ""), as the service does, and ``conversation.item.truncated``
echoes ``item_id``, ``content_index`` and ``audio_end_ms``.
"""

from __future__ import annotations

import math

from .audio import pcm_bytes_for_ms
from .conversation import Conversation, Item
from .errors import RealtimeError


def truncate(conversation: Conversation, item_id: str, content_index: int, audio_end_ms: int) -> Item:
    """Apply the rules above; return the truncated item or raise RealtimeError."""
    item = conversation.require(item_id, "truncating")
    audio_index = item.audio_part_index()
    if item.type != "message" or item.role != "assistant" or audio_index is None:
        raise RealtimeError("invalid_value", "Only model output audio messages can be truncated", "item_id")
    if content_index != audio_index:
        raise RealtimeError(
            "invalid_value",
            f"Invalid 'content_index': {content_index}. Item '{item_id}' has its audio at content index {audio_index}.",
            "content_index",
        )
    sent_ms = math.floor(item.audio_sent_ms)
    if audio_end_ms > sent_ms:
        raise RealtimeError(
            "invalid_value",
            f"Audio content of {sent_ms}ms is already shorter than {audio_end_ms}ms",
            "audio_end_ms",
        )
    del item.pcm[pcm_bytes_for_ms(audio_end_ms) :]
    item.audio_sent_ms = float(audio_end_ms)
    item.content[audio_index]["transcript"] = ""
    return item
