"""``azaudio realtime``: one spoken turn in a realtime session. Internal to azaudio.cli.

Output, in the order things happen: "you: ..." (what the service heard) and "assistant: ..." (the reply's
transcript) on stdout, one whole line each; on a terminal also a timeline on stderr ("[  812 ms] speech started"),
printed at once, so the two read in order. --json prints one summary instead."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any, Optional

from . import _native, audio
from ._cli_output import (
    CONVERT_HINT,
    EXIT_CALL_DROPPED,
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_SERVICE,
    EXIT_UNAVAILABLE,
    EXIT_UNREACHABLE,
    CommandError,
    exit_code_for,
    plain,
)
from .errors import AzAudioError, BusyError, ClosedError

if TYPE_CHECKING:
    from .cli import Settings
    from .realtime import RealtimeEvent

REALTIME_RATE = 24000
REALTIME_FRAME_MS = 20
REALTIME_TRAILING_SILENCE_MS = 1000  #: after the input, so that the server's VAD ends the turn
REALTIME_REPLY_WAIT = 60.0  #: seconds to wait for the reply once the input was sent


def require_realtime() -> None:
    if not _native.has("azaudio_realtime_connect"):
        raise CommandError(
            f"'realtime' is not available in this build: the loaded libazaudio ({_native.library_path}, "
            f"{_native.version_string()}) has no realtime session API; install a build with it",
            EXIT_UNAVAILABLE,
        )


def realtime_input(path: str) -> bytes:
    """The WAV at ``path`` (PCM 8/16/24/32-bit, float, mu-law or A-law; any channels; 8 to 192 kHz) as 24 kHz mono
    PCM16: channels averaged and resampled by the audio kit. Anything the library cannot read as a WAV is a local
    input problem (exit 3) with the command that converts it."""
    stem = os.path.splitext(os.path.basename(path))[0] or "audio"
    try:
        return audio.read_wav_mono(path, rate=REALTIME_RATE).data
    except AzAudioError as error:
        if exit_code_for(error) != EXIT_CONFIG:
            raise
        raise CommandError(
            f"{path} is not a WAV file the library can read ({plain(str(error))}); "
            + CONVERT_HINT.format(path=path, stem=stem),
            EXIT_CONFIG,
        ) from None


class _Turn:
    """Collects a turn's events and prints them as they come (see the module's docstring)."""

    def __init__(self, settings: "Settings", timeline: bool) -> None:
        self.text = not settings.json
        self.timeline = timeline
        self.start = time.monotonic()
        self.reply = bytearray()
        self.transcript: list[str] = []
        self.spoken: list[str] = []  # the current reply's transcript, printed whole when it is done
        self.heard: list[str] = []
        self.errors: list[dict[str, str]] = []
        self.done: Optional["RealtimeEvent"] = None
        self.closed: Optional["RealtimeEvent"] = None
        self.speech_end: Optional[float] = None
        self.first_audio: Optional[float] = None
        self.reconnects: list[dict[str, Any]] = []
        self.renewals: list[dict[str, Any]] = []
        self.latency: list[dict[str, Any]] = []
        self.interrupted: list[str] = []

    def mark(self, text: str) -> None:
        if self.timeline:
            print(f"[{(time.monotonic() - self.start) * 1000:7.0f} ms] {text}", file=sys.stderr, flush=True)

    def say(self, who: str, text: str) -> None:
        if self.text:
            print(f"{who}: {text}", flush=True)

    def _end_reply_line(self) -> None:
        if self.spoken:
            self.say("assistant", "".join(self.spoken).strip())
            self.spoken.clear()

    def __call__(self, event: "RealtimeEvent") -> None:
        from .realtime import EventType

        kind = event.type
        if kind == EventType.SPEECH_STARTED:
            self.mark(f"speech started at {event.audio_ms} ms of input")
        elif kind == EventType.SPEECH_STOPPED:
            self.speech_end = time.monotonic()
            self.mark(f"speech stopped at {event.audio_ms} ms of input")
        elif kind == EventType.INPUT_TRANSCRIPTION_COMPLETED:
            self.heard.append(event.text)
            self.say("you", event.text.strip())
        elif kind == EventType.INPUT_TRANSCRIPTION_FAILED:
            self.errors.append({"code": event.error_code, "message": event.text})
            print(
                f"azaudio: your speech was not transcribed ({event.error_code}): {event.text}\n"
                "next: pass --transcription-deployment with a transcribing deployment of your resource "
                "('' turns transcription off)",
                file=sys.stderr,
            )
        elif kind == EventType.RESPONSE_CREATED:
            self.mark("response started")
        elif kind == EventType.AUDIO_DELTA:
            if self.first_audio is None:
                self.first_audio = time.monotonic()
                self.mark("first reply audio")
            self.reply.extend(event.audio)
        elif kind in (EventType.AUDIO_TRANSCRIPT_DELTA, EventType.TEXT_DELTA):
            self.transcript.append(event.text)
            self.spoken.append(event.text)
        elif kind in (EventType.AUDIO_TRANSCRIPT_DONE, EventType.TEXT_DONE):
            self._end_reply_line()
        elif kind == EventType.RESPONSE_DONE:
            self._end_reply_line()
            self.done = event
            self.mark(f"response {event.status}")
        elif kind == EventType.ERROR:
            self.errors.append({"code": event.error_code, "message": event.text})
            print(f"azaudio: the service reported an error ({event.error_code}): {event.text}", file=sys.stderr)
        elif kind == EventType.CLOSED:
            self.closed = event
            self.mark(f"session closed ({event.close_code} {event.text})".rstrip())
        else:
            self._continuity(event)

    def _continuity(self, event: "RealtimeEvent") -> None:
        """The events of a call that outlives its connection or session (--reconnect, renewal) and its latency."""
        from .realtime import EventType

        kind = event.type
        if kind == EventType.RESPONSE_INTERRUPTED:
            self.interrupted.append(event.response_id)
            self.mark(f"response {event.response_id} interrupted by the lost connection")
        elif kind == EventType.RECONNECTING:
            why = " ".join(str(part) for part in (event.close_code, event.text) if part not in (None, ""))
            self.reconnects.append({"lost": why})
            self.mark(f"connection lost ({why}); reconnecting" if why else "connection lost; reconnecting")
        elif kind == EventType.RECONNECTED:
            details = event.json or {}
            if self.reconnects:
                self.reconnects[-1].update(
                    {
                        "session_id": event.text,
                        "outage_ms": details.get("outage_ms"),
                        "replayed_items": details.get("replayed_items"),
                    }
                )
            self.mark(
                f"reconnected: session {event.text} after {details.get('outage_ms')} ms, "
                f"{details.get('replayed_items')} items replayed"
            )
        elif kind == EventType.RENEWING:
            self.mark("renewing the session before its time limit")
        elif kind == EventType.RENEWED:
            self.renewals.append({"session_id": event.text, "switch_ms": event.audio_ms})
            self.mark(f"renewed: session {event.text}, input held {event.audio_ms} ms")
        elif kind == EventType.TURN_LATENCY:
            figures = event.json or {}
            self.latency.append({k: v for k, v in figures.items() if k not in ("type", "session")})
            self.mark(
                f"latency: first audio {figures.get('speech_end_to_first_audio_ms')} ms after speech end, "
                f"{figures.get('created_to_first_audio_ms')} ms after response start; first audible "
                f"{figures.get('speech_end_to_first_audible_ms')} ms after speech end "
                f"({figures.get('first_audible_offset_ms')} ms into the reply)"
            )


def cmd_realtime(settings: "Settings", args: argparse.Namespace) -> int:
    """Stream a WAV file into a session at real-time pace (20 ms frames), print what was heard and answered, write
    the spoken reply to a WAV file."""
    require_realtime()
    from .realtime import EventType

    if args.speedup <= 0:
        raise CommandError(f"--speedup is {args.speedup}; it must be > 0 (1 is real time)", EXIT_CONFIG)
    if args.reconnect < 0:
        raise CommandError(f"--reconnect is {args.reconnect}; it must be >= 0 (0 turns reconnecting off)", EXIT_CONFIG)
    pcm = realtime_input(args.input)
    pcm += bytes(REALTIME_RATE * 2 * REALTIME_TRAILING_SILENCE_MS // 1000)
    turn = _Turn(settings, sys.stderr.isatty() and not settings.json)
    summary: dict[str, Any] = {
        "deployment": settings.deployment_for("realtime"),
        "protocol": args.protocol,
        "input": args.input,
        "output": args.output,
    }
    with settings.client() as client:
        started = time.monotonic()
        session = client.realtime(
            deployment=summary["deployment"],
            protocol=args.protocol,
            voice=args.voice,
            instructions=args.instructions,
            transcription_deployment=args.transcription_deployment or None,
            turn_detection="server_vad",
            reconnect_max_attempts=args.reconnect,
        )
        input_sent = False
        with session:
            summary["connect_ms"] = round((time.monotonic() - started) * 1000, 1)
            turn.mark(f"session ready in {summary['connect_ms']:.0f} ms ({args.protocol} protocol)")
            dropped = 0
            begin = audio.monotonic_us()
            with audio.FrameCursor(
                pcm, format=audio.FORMAT_PCM16, rate=REALTIME_RATE, frame_ms=REALTIME_FRAME_MS
            ) as cursor:
                for frame in cursor:
                    audio.sleep_until_us(begin + int(frame.timestamp_us / args.speedup))
                    try:
                        session.send_audio(frame.data)
                    except BusyError:
                        dropped += 1
                    except ClosedError:  # the service ended the session: its CLOSED event says why
                        for event in session.events(timeout=5):
                            turn(event)
                        break
                    for event in session.events(timeout=0):
                        turn(event)
                    if turn.closed is not None:
                        break
                else:
                    input_sent = turn.closed is None
            summary["frames_dropped"] = dropped
            turn.mark("input sent" if input_sent else "input stopped: the session ended")
            deadline = time.monotonic() + REALTIME_REPLY_WAIT
            while turn.done is None and not session.closed and time.monotonic() < deadline:
                for event in session.events(timeout=min(0.2, max(0.0, deadline - time.monotonic()))):
                    turn(event)
                    if turn.done is not None:
                        break
            if turn.done is not None and not session.closed:
                for event in session.events(timeout=1.0):  # the turn's latency figures follow response.done
                    turn(event)
                    if event.type == EventType.TURN_LATENCY:
                        break
    summary["input_sent"] = input_sent
    return _finish(settings, args, turn, summary)


def _finish(settings: "Settings", args: argparse.Namespace, turn: _Turn, summary: dict[str, Any]) -> int:
    done, closed = turn.done, turn.closed
    summary.update(
        {
            "status": done.status if done is not None else None,
            "transcript": "".join(turn.transcript),
            "heard": " ".join(turn.heard),
            "reply_bytes": len(turn.reply),
            "reply_seconds": round(len(turn.reply) / (REALTIME_RATE * 2), 3),
            "usage": done.usage if done is not None else None,
            "errors": turn.errors,
            "close_code": closed.close_code if closed is not None else None,
            "reconnects": turn.reconnects,
            "renewals": turn.renewals,
            "interrupted_responses": turn.interrupted,
            "latency": turn.latency,
        }
    )
    if turn.speech_end is not None and turn.first_audio is not None and turn.first_audio > turn.speech_end:
        summary["first_audio_after_speech_ms"] = round((turn.first_audio - turn.speech_end) * 1000, 1)
    if not summary["input_sent"]:
        reason = f" ({closed.close_code} {closed.text})".rstrip() if closed is not None else ""
        after = f" after {len(turn.reconnects)} reconnect(s)" if turn.reconnects else ""
        if closed is None or closed.close_code == 1006:
            raise CommandError(
                f"the connection was lost before the call's input was sent{reason}{after}", EXIT_CALL_DROPPED
            )
        raise CommandError(
            f"the service closed the session before the call's input was sent{reason}{after}; try "
            f"again, or `azaudio doctor --realtime-deployment {summary['deployment']}`",
            EXIT_SERVICE,
        )
    if done is None:
        if closed is not None:
            raise CommandError(
                f"the service closed the session before a reply ({closed.close_code} {closed.text})".rstrip()
                + "; try again, or `azaudio doctor --realtime-deployment "
                f"{summary['deployment']}`",
                EXIT_SERVICE,
            )
        raise CommandError(
            f"no reply within {REALTIME_REPLY_WAIT:.0f} s of the end of the input"
            + (" (no speech was heard: is the input silent?)" if not turn.heard else ""),
            EXIT_UNREACHABLE,
        )
    if done.status != "completed" or not turn.reply:
        reason = f": {done.text}" if done.text else ""
        raise CommandError(f"no complete spoken reply (response {done.status}{reason})", EXIT_SERVICE)
    audio.write_wav(args.output, bytes(turn.reply), rate=REALTIME_RATE)
    if settings.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(f"wrote {summary['reply_seconds']:.2f} s of reply audio to {args.output}", file=sys.stderr)
    return EXIT_OK
