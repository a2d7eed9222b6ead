"""What a realtime session does beyond a plain WebSocket session: SIP sideband and the idle timeout.

Sideband (``GET /openai/v1/realtime?call_id=...``): the application controls a
SIP call the service answered (``sip_calls``); the call's audio flows between
the caller and the service and never reaches the application. So, in such a
session:

* a scripted caller speaks: after the application's first ``session.update``
  the emulator feeds the call's caller audio into the input buffer (its
  ``say`` text spoken by the TTS engine, then 1.5 s of silence), as the SIP
  media would; server VAD hears it and answers;
* reply audio is not sent to the application (``response.output_audio.delta``
  is dropped): the first chunk of a reply sends ``output_audio_buffer.started
  {response_id}``, and its ``response.done`` is followed by
  ``output_audio_buffer.stopped``;
* after the first reply, the caller presses its ``dtmf`` keys, one
  ``input_audio_buffer.dtmf_event_received {event, received_at}`` each;
* ``output_audio_buffer.clear`` is accepted (it is refused over a plain
  WebSocket) and answered with ``output_audio_buffer.cleared {response_id}``;
* hanging the call up (``/hangup``) closes the session with 1000.

Idle timeout (``turn_detection.idle_timeout_ms``, server VAD): once a response
has finished, input audio that stays silent that long (on the input timeline,
so tests need not wait) sends ``input_audio_buffer.timeout_triggered
{item_id, audio_start_ms, audio_end_ms}``, commits that stretch as a user
item and answers it; it re-arms after the next response.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .ids import new_id

if TYPE_CHECKING:
    from .session import RealtimeSession

#: What the scripted caller says when the call names nothing else.
DEFAULT_SAY = "What time is it?"
#: Caller audio is fed in chunks of this many ms.
CHUNK_MS = 100


@dataclass
class SidebandCall:
    """The state a sideband session keeps about its call."""

    call_id: str
    say: str = DEFAULT_SAY
    dtmf: str = ""
    caller_started: bool = False
    dtmf_sent: bool = False
    playing: set[str] = field(default_factory=set)
    last_response_id: str | None = None


async def before_emit(session: RealtimeSession, name: str, fields: dict[str, Any]) -> bool:
    """Sideband bookkeeping before a server event: False drops the event."""
    call = session.sideband
    if call is None:
        return True
    if name == "response.audio.delta":
        response_id = fields.get("response_id")
        if response_id not in call.playing:
            call.playing.add(response_id)
            call.last_response_id = response_id
            await session.emit("output_audio_buffer.started", response_id=response_id)
        return False
    return True


async def after_emit(session: RealtimeSession, name: str, fields: dict[str, Any]) -> None:
    """Sideband events that follow a server event (the reply stopped playing, then the caller's keys)."""
    call = session.sideband
    if call is None or name != "response.done":
        return
    response_id = (fields.get("response") or {}).get("id")
    if response_id in call.playing:
        call.playing.discard(response_id)
        await session.emit("output_audio_buffer.stopped", response_id=response_id)
    if call.dtmf and not call.dtmf_sent:
        call.dtmf_sent = True
        for key in call.dtmf:
            await session.emit("input_audio_buffer.dtmf_event_received", event=key, received_at=int(time.time()))


async def clear_output(session: RealtimeSession) -> None:
    """``output_audio_buffer.clear`` in a sideband session: stop playing the reply."""
    call = session.sideband
    response_id = call.last_response_id or ""
    call.playing.discard(response_id)
    await session.emit("output_audio_buffer.cleared", response_id=response_id)


def session_updated(session: RealtimeSession) -> None:
    """The first session.update of a sideband session starts the scripted caller."""
    call = session.sideband
    if call is None or call.caller_started:
        return
    call.caller_started = True
    session.spawn(_speak(session, call.say))


async def _speak(session: RealtimeSession, text: str) -> None:
    pcm = await session.synthesize(text, "alloy", 1.0)
    pcm += bytes(48 * 1500)  # 1.5 s of silence: the caller stops talking
    step = 48 * CHUNK_MS
    for offset in range(0, len(pcm), step):
        if session.closed:
            return
        await session.feed_pcm(pcm[offset : offset + step])
        await asyncio.sleep(0)


async def check_idle(session: RealtimeSession) -> None:
    """Fire the idle timeout when the input stayed silent long enough after a response."""
    td = session.settings.turn_detection or {}
    timeout = td.get("idle_timeout_ms")
    since = session.idle_since_ms
    if not timeout or since is None or td.get("type") != "server_vad":
        return
    if session.vad is None or session.vad.speaking or session.response is not None:
        return
    now = session.timeline_ms()
    if now - since < timeout:
        return
    session.idle_since_ms = None
    item_id = new_id("item")
    await session.emit("input_audio_buffer.timeout_triggered", item_id=item_id, audio_start_ms=since, audio_end_ms=now)
    await session.commit_range(since, now, item_id)
    if session.response is None:
        session.start_response(session.settings)
