"""Hearing user audio, and the input transcription events.

Every user audio item (committed from the buffer, or created with an
``input_audio`` part) is recognised once with ``ctx.stt``: that text is what the
emulated model "heard" and answers to (`Item.heard`), whether or not the session
asked for input transcription.

When the session has input transcription configured at commit time, the
recognition also produces events for committed buffer audio:

* the transcription ``model`` must name a deployment of the emulator whose model
  transcribes (whisper, gpt-4o-transcribe, gpt-4o-mini-transcribe), as on Azure,
  where it is a deployment name; otherwise
  ``conversation.item.input_audio_transcription.failed`` is sent;
* gpt-4o(-mini)-transcribe deployments stream one
  ``conversation.item.input_audio_transcription.delta`` per word, whisper sends
  none; both end with ``...completed {transcript}`` (GA adds ``usage``), and the
  transcript is stored in the item's ``input_audio`` part.

The events run in their own task, so they may arrive before or after the events
of a response to the same turn, as on the service.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import TYPE_CHECKING

from ..models import lookup_model
from .audio import pcm_ms
from .conversation import Item
from .protocol import Protocol

if TYPE_CHECKING:  # pragma: no cover
    from .session import RealtimeSession

log = logging.getLogger(__name__)


def transcription_problem(session: "RealtimeSession", model: str | None) -> str | None:
    """Why `model` cannot transcribe on this emulator, or None when it can."""
    deployments = session.ctx.deployments
    if not model or model not in deployments:
        return (
            f"The transcription model '{model}' is not a deployment of this resource. On Azure, "
            "input_audio_transcription.model must name a deployment (for example 'whisper' or "
            "'gpt-4o-transcribe')."
        )
    info = lookup_model(deployments[model])
    if info is None or info.family not in ("whisper", "gpt-4o-transcribe"):
        return f"The deployment '{model}' (model '{deployments[model]}') cannot transcribe audio."
    return None


async def hear(session: "RealtimeSession", item: Item, config: dict | None) -> None:
    """Recognise `item`'s audio, resolve `item.heard`, and send transcription events if `config`."""
    assert item.heard is not None
    text = ""
    failure: str | None = None
    try:
        text = await session.recognise(bytes(item.pcm))
    except Exception as exc:  # noqa: BLE001 - recognition failure becomes a .failed event
        log.exception("recognition failed for %s", item.id)
        failure = f"The audio could not be transcribed: {exc}"
    finally:
        if not item.heard.done():
            item.heard.set_result(text)
    if config is None:
        return
    index = item.audio_part_index() or 0
    model = config.get("model")
    problem = transcription_problem(session, model) or failure
    if problem is not None:
        await session.emit(
            "conversation.item.input_audio_transcription.failed",
            item_id=item.id,
            content_index=index,
            error={
                "type": "invalid_request_error" if failure is None else "server_error",
                "code": "deployment_not_found" if failure is None else "audio_unintelligible",
                "message": problem,
                "param": None,
            },
        )
        return
    info = lookup_model(session.ctx.deployments[model])
    streams = info is not None and info.family == "gpt-4o-transcribe"
    if streams:
        words = text.split()
        for number, word in enumerate(words):
            delta = word if number == len(words) - 1 else word + " "
            await session.emit(
                "conversation.item.input_audio_transcription.delta", item_id=item.id, content_index=index, delta=delta
            )
    if index < len(item.content):
        item.content[index]["transcript"] = text
    fields: dict = {"item_id": item.id, "content_index": index, "transcript": text}
    if session.protocol is Protocol.GA:
        seconds = pcm_ms(len(item.pcm)) / 1000.0
        if streams:
            audio_tokens = int(seconds * 10)
            text_tokens = math.ceil(len(text) / 4)
            fields["usage"] = {
                "type": "tokens",
                "total_tokens": audio_tokens + text_tokens,
                "input_tokens": audio_tokens,
                "input_token_details": {"text_tokens": 0, "audio_tokens": audio_tokens},
                "output_tokens": text_tokens,
            }
        else:
            fields["usage"] = {"type": "duration", "seconds": round(seconds, 3)}
    await session.emit("conversation.item.input_audio_transcription.completed", **fields)


def start_hearing(session: "RealtimeSession", item: Item, config: dict | None) -> None:
    """Give `item` a `heard` future and start recognising it in a session task."""
    item.heard = asyncio.get_running_loop().create_future()
    session.spawn(hear(session, item, config))


__all__ = ["hear", "start_hearing", "transcription_problem"]
