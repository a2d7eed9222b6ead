"""``azaudio listen`` (live captions from a transcription session) and ``azaudio interpret`` (a translation
session). Internal to azaudio.cli.

listen: the audio is streamed at real-time pace (``--fast``: as fast as the session takes it) into a
transcription-only session. On a terminal the line being spoken grows in place on stderr as deltas come; every
completed line is printed to stdout (``[speaker] text`` when the model diarizes). ``--json`` prints one JSON object
per line instead: ``{"type": "delta"|"completed"|"segment", ...}``. ``-`` reads raw 24 kHz mono PCM16 from stdin
as it arrives (e.g. ``ffmpeg -i talk.mp3 -f s16le -ar 24000 -ac 1 - | azaudio listen - --deployment D``).

interpret: streams the file into a translation session, prints what was said and its translation, and writes the
translated speech to ``--output``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any, Iterator, Optional

from . import _native, audio
from ._cli_output import EXIT_OK, EXIT_SERVICE, EXIT_UNAVAILABLE, EXIT_UNREACHABLE, CommandError
from ._cli_realtime import REALTIME_RATE, realtime_input
from .errors import BusyError, ClosedError

if TYPE_CHECKING:
    from .cli import Settings
    from .realtime import RealtimeEvent, RealtimeSession

FRAME_MS = 100  #: what is sent per append
TRAILING_SILENCE_MS = 1500  #: after the input, so that the last utterance ends
FINAL_WAIT = 30.0  #: seconds to wait for the last results once the input was sent
QUIET_SECONDS = 1.5  #: listen ends when every item is transcribed and nothing came for this long


def _require() -> None:
    if not _native.has("azaudio_realtime_event_speaker"):
        raise CommandError(
            f"this build of libazaudio ({_native.library_path}, {_native.version_string()}) has no transcription "
            "or translation sessions; install a newer build",
            EXIT_UNAVAILABLE,
        )


def _frames(source: str, fast: bool) -> Iterator[bytes]:
    """The input as 24 kHz PCM16 frames, paced to real time unless ``fast`` (stdin is paced by its producer)."""
    size = REALTIME_RATE * 2 * FRAME_MS // 1000
    if source == "-":
        stdin = sys.stdin.buffer
        while True:
            chunk = stdin.read(size)
            if not chunk:
                break
            yield chunk[: len(chunk) - len(chunk) % 2]
    else:
        pcm = realtime_input(source)
        begin = audio.monotonic_us()
        for n, offset in enumerate(range(0, len(pcm), size)):
            if not fast:
                audio.sleep_until_us(begin + n * FRAME_MS * 1000)
            yield pcm[offset : offset + size]
    silence = bytes(size)
    for _ in range(TRAILING_SILENCE_MS // FRAME_MS):
        yield silence


def _stream(session: "RealtimeSession", frames: Iterator[bytes], on_event: Any, finished: Any) -> int:
    """Send the frames, handing events to ``on_event`` between them, then wait until ``finished()``."""
    dropped = 0
    for frame in frames:
        if not frame:
            continue
        try:
            session.send_audio(frame)
        except BusyError:
            dropped += 1
        except ClosedError:
            break
        for event in session.events(timeout=0):
            on_event(event)
    deadline = time.monotonic() + FINAL_WAIT
    while not finished() and not session.closed and time.monotonic() < deadline:
        for event in session.events(timeout=0.2):
            on_event(event)
            if finished():
                break
    return dropped


class _Captions:
    """Prints a transcription session's events as captions (see the module's docstring)."""

    def __init__(self, settings: "Settings") -> None:
        self.json = settings.json
        self.live = sys.stderr.isatty() and not settings.json
        self.growing: dict[str, str] = {}
        self.pending = 0  # items committed whose transcript has not completed yet
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.last_event = time.monotonic()

    def finished(self) -> bool:
        """Every committed item is transcribed and the service has been quiet for a while."""
        return self.pending == 0 and time.monotonic() - self.last_event > QUIET_SECONDS

    def _emit(self, record: dict[str, Any]) -> None:
        print(json.dumps(record, ensure_ascii=False), flush=True)

    def __call__(self, event: "RealtimeEvent") -> None:
        from .realtime import EventType

        kind = event.type
        self.last_event = time.monotonic()
        if kind == EventType.INPUT_COMMITTED:
            self.pending += 1
        elif kind == EventType.INPUT_TRANSCRIPTION_DELTA:
            text = self.growing.get(event.item_id, "") + event.text
            self.growing[event.item_id] = text
            if self.json:
                self._emit({"type": "delta", "item_id": event.item_id, "text": event.text})
            elif self.live:
                print(f"\r\033[K… {text[-200:]}", end="", file=sys.stderr, flush=True)
        elif kind == EventType.INPUT_TRANSCRIPTION_SEGMENT:
            if self.json:
                start, end = event.segment_times or (None, None)
                self._emit(
                    {
                        "type": "segment",
                        "item_id": event.item_id,
                        "speaker": event.speaker,
                        "start": start,
                        "end": end,
                        "text": event.text,
                    }
                )
            else:
                self.growing.setdefault("speakers:" + event.item_id, event.speaker)
        elif kind == EventType.INPUT_TRANSCRIPTION_COMPLETED:
            self.pending = max(0, self.pending - 1)
            self.growing.pop(event.item_id, None)
            speaker = self.growing.pop("speakers:" + event.item_id, "")
            text = event.text.strip()
            self.lines.append(text)
            if self.json:
                self._emit({"type": "completed", "item_id": event.item_id, "text": text})
            else:
                if self.live:
                    print("\r\033[K", end="", file=sys.stderr, flush=True)
                print(f"[{speaker}] {text}" if speaker else text, flush=True)
        elif kind in (EventType.ERROR, EventType.INPUT_TRANSCRIPTION_FAILED):
            self.errors.append(f"{event.error_code}: {event.text}")
            print(f"azaudio: the service reported an error ({event.error_code}): {event.text}", file=sys.stderr)


def cmd_listen(settings: "Settings", args: argparse.Namespace) -> int:
    _require()
    captions = _Captions(settings)
    with settings.client() as client:
        with client.transcription_session(
            deployment=settings.deployment_for("listen"),
            language=args.language,
            prompt=args.prompt,
            delay=args.delay,
            noise_reduction=args.noise_reduction,
        ) as session:
            frames = _frames(args.file, args.fast)
            _stream(session, frames, captions, captions.finished)
            session.close()
            for event in session.events(timeout=5):
                captions(event)
    if not captions.lines:
        if captions.errors:
            raise CommandError("no transcript: " + "; ".join(captions.errors), EXIT_SERVICE)
        raise CommandError("no speech was transcribed (is the input silent?)", EXIT_UNREACHABLE)
    return EXIT_OK


def cmd_interpret(settings: "Settings", args: argparse.Namespace) -> int:
    from .realtime import EventType

    _require()
    said: list[str] = []
    heard: list[str] = []
    translated = bytearray()
    state: dict[str, Optional[float]] = {"last": None}

    def on_event(event: "RealtimeEvent") -> None:
        if event.type == EventType.TRANSLATION_INPUT_TRANSCRIPT_DELTA:
            heard.append(event.text)
        elif event.type == EventType.TRANSLATION_OUTPUT_TRANSCRIPT_DELTA:
            said.append(event.text)
            state["last"] = time.monotonic()
        elif event.type == EventType.TRANSLATION_AUDIO_DELTA:
            translated.extend(event.audio)
            state["last"] = time.monotonic()
        elif event.type == EventType.ERROR:
            print(f"azaudio: the service reported an error ({event.error_code}): {event.text}", file=sys.stderr)

    def quiet() -> bool:  # nothing new for a second after output started
        last = state["last"]
        return last is not None and time.monotonic() - last > 1.0

    with settings.client() as client:
        with client.translation_session(
            deployment=settings.deployment_for("interpret"),
            to=args.to,
            transcription_deployment=args.transcription_deployment or None,
            path=args.path,
        ) as session:
            _stream(session, _frames(args.file, args.fast), on_event, quiet)
            session.close()  # session.close: the service sends what is left, then session.closed
            for event in session.events(timeout=FINAL_WAIT):
                on_event(event)
    if not translated:
        raise CommandError("the session ended without translated speech", EXIT_SERVICE)
    audio.write_wav(args.output, bytes(translated), rate=REALTIME_RATE)
    summary = {
        "heard": "".join(heard).strip(),
        "translation": "".join(said).strip(),
        "to": args.to,
        "output": args.output,
        "seconds": round(len(translated) / (REALTIME_RATE * 2), 3),
    }
    if settings.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        if summary["heard"]:
            print(f"heard: {summary['heard']}")
        print(f"{args.to}: {summary['translation']}")
        print(f"wrote {summary['seconds']:.2f} s of translated speech to {args.output}", file=sys.stderr)
    return EXIT_OK


def add_commands(add: Any) -> None:
    """Adds the listen and interpret subcommands (``add(name)`` makes a subparser)."""
    p = add("listen")
    p.add_argument("file", metavar="FILE", help="mono WAV (PCM16, mu-law or A-law), or - for raw 24 kHz PCM16")
    p.add_argument("--fast", action="store_true", help="send as fast as the session takes it, not at real time")
    p.add_argument("--language", help="ISO-639-1 code of the spoken language")
    p.add_argument("--prompt", help="text to guide the transcription")
    p.add_argument(
        "--delay",
        choices=("minimal", "low", "medium", "high", "xhigh"),
        help="latency against accuracy (gpt-realtime-whisper)",
    )
    p.add_argument("--noise-reduction", choices=("near_field", "far_field", "off"), help="input noise reduction")
    p = add("interpret")
    p.add_argument("file", metavar="FILE", help="mono WAV (PCM16, mu-law or A-law), or - for raw 24 kHz PCM16")
    p.add_argument("--to", required=True, metavar="LANG", help="the language to speak (ISO-639-1, e.g. es)")
    p.add_argument("--output", required=True, help="WAV to write the translated speech to (24 kHz PCM16)")
    p.add_argument(
        "--transcription-deployment", default="", help="a deployment that transcribes the input (prints what was heard)"
    )
    p.add_argument("--path", help="the translation WebSocket path (default /openai/v1/realtime/translations)")
    p.add_argument("--fast", action="store_true", help="send as fast as the session takes it, not at real time")
