"""The REST commands of ``azaudio``: transcribe, translate (with --speaker diarization), speak and chat. Internal to
azaudio.cli."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any, Sequence

from . import _native
from ._cli_batch import PiecesProgress, cmd_batch, is_batch, pieces_for
from ._cli_output import (
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    CommandError,
    UploadProgress,
    Waiting,
    size_text,
)
from ._options import UploadOptions
from .errors import InvalidArgumentError

if TYPE_CHECKING:
    from .cli import Settings

SPEECH_FORMATS = {
    ".mp3": "mp3",
    ".wav": "wav",
    ".opus": "opus",
    ".ogg": "opus",
    ".aac": "aac",
    ".flac": "flac",
    ".pcm": "pcm",
    ".raw": "pcm",
}
CHAT_AUDIO_FORMATS = {
    ".wav": "wav",
    ".mp3": "mp3",
    ".flac": "flac",
    ".opus": "opus",
    ".aac": "aac",
    ".pcm": "pcm16",
    ".raw": "pcm16",
}
DEFAULT_CHAT_PROMPT = "Say hello in one short sentence."


def _opt(args: argparse.Namespace, name: str) -> Any:
    return getattr(args, name, None)


def _require_rest(command: str) -> None:
    if not _native.has("azaudio_transcribe_file"):
        raise CommandError(
            f"'{command}' is not available in this build: the loaded libazaudio ({_native.library_path}, "
            f"{_native.version_string()}) has no REST API (transcription, translation, speech, chat); install a "
            "build with it",
            EXIT_UNAVAILABLE,
        )


def _emit(settings: Settings, value: Any, text: str) -> None:
    if settings.json:
        print(json.dumps(value, indent=2, ensure_ascii=False))
    elif text:
        print(text)


def _terminal(settings: Settings) -> bool:
    return sys.stderr.isatty() and not settings.json


# ---- REST commands ------------------------------------------------------------------------------------------------


def _transcription_json(result: Any) -> dict[str, Any]:
    return {
        "text": result.text,
        "language": result.language,
        "duration": result.duration,
        "segments": [vars(s) for s in result.segments],
        "words": [vars(w) for w in result.words],
        "usage": vars(result.usage) if result.usage else None,
        "request_id": result.request_id,
    }


def _audio_input(path: str) -> Any:
    if path == "-":
        return sys.stdin.buffer.read()
    return path


def cmd_transcribe(settings: Settings, args: argparse.Namespace, kind: str) -> int:
    _require_rest(kind)
    if is_batch(args):
        return cmd_batch(settings, args, kind)
    args.file = args.file[0]
    deployment = settings.deployment_for(kind)
    filename = os.path.basename(args.file) if args.file != "-" else (args.filename or "audio.wav")
    terminal = _terminal(settings)
    with settings.client() as client, UploadProgress(terminal) as progress, PiecesProgress(terminal) as bar:

        def on_pieces(done: int, total: int, seconds: float, seconds_total: float) -> None:
            progress.enabled = False  # a recording cut into pieces: this line replaces the byte count
            bar.pieces(filename, done, total, seconds, seconds_total)

        # Streamed lines go to stdout as they come: no progress line between them.
        pieces = pieces_for(args, None if kind == "transcribe" and args.stream else on_pieces)
        # What transcribe, transcribe_stream and translate are all given.
        upload: UploadOptions = {
            "deployment": deployment,
            "model": args.model,
            "prompt": args.prompt,
            "response_format": args.format,
            "filename": filename,
            "progress": progress,
        }
        if kind == "transcribe" and args.format == "diarized_json":
            return _cmd_diarize(settings, args, client, deployment, filename, progress, pieces)
        if kind == "transcribe" and args.stream:
            if args.pieces is not None or args.max_upload_bytes is not None:
                raise CommandError(
                    "--pieces and --max-upload-bytes do not apply to --stream (text as it arrives); "
                    "drop --stream to cut a long recording into pieces",
                    EXIT_USAGE,
                )
            stream = client.transcribe_stream(_audio_input(args.file), **upload, language=args.language)
            for delta in stream:
                progress.waiting.stop()
                if not settings.json:
                    print(delta, end="", flush=True)
            if not settings.json:
                print()
            elif stream.transcription is not None:
                _emit(settings, _transcription_json(stream.transcription), "")
            return EXIT_OK
        if kind == "transcribe":
            timestamps = [t for t in (args.timestamps or "").split(",") if t]
            source = _audio_input(args.file)
            result = client.transcribe(source, **upload, language=args.language, timestamps=timestamps, pieces=pieces)
        else:
            result = client.translate(_audio_input(args.file), **upload, pieces=pieces)
    _emit(settings, _transcription_json(result), result.text)
    return EXIT_OK


def _speakers(values: Sequence[str]) -> dict[str, str]:
    """``--speaker NAME=CLIP`` values as a name -> clip path mapping."""
    speakers: dict[str, str] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise InvalidArgumentError(
                _native.AZAUDIO_ERR_INVALID_ARGUMENT, f"--speaker {value!r} is not NAME=CLIP (e.g. agent=agent.wav)"
            )
        speakers[name] = path
    return speakers


def _segment_line(segment: Any) -> str:
    """A readable diarized line: ``[  0.0 -   2.1] A: text``."""
    return f"[{segment.start:6.1f} - {segment.end:6.1f}] {segment.speaker or '?'}: {segment.text.strip()}"


def _cmd_diarize(
    settings: Settings,
    args: argparse.Namespace,
    client: Any,
    deployment: str,
    filename: str,
    progress: Any,
    pieces: Any,
) -> int:
    """``--format diarized_json``: speaker-labelled lines (as they complete with --stream), or the JSON."""

    def show(segment: Any) -> None:
        if not settings.json:
            print(_segment_line(segment), flush=True)

    result = client.transcribe(
        _audio_input(args.file),
        deployment=deployment,
        model=args.model,
        language=args.language,
        prompt=args.prompt,
        response_format="diarized_json",
        filename=filename,
        progress=progress,
        known_speakers=_speakers(args.speaker or []),
        chunking_strategy=args.chunking,
        on_segment=show if args.stream else None,
        pieces=pieces,
    )
    if settings.json:
        _emit(settings, _transcription_json(result), "")
    elif not args.stream:
        for segment in result.segments:
            show(segment)
    return EXIT_OK


def cmd_speak(settings: Settings, args: argparse.Namespace) -> int:
    _require_rest("speak")
    text = sys.stdin.read() if args.text == "-" else args.text
    fmt = args.format
    if fmt is None and args.output != "-":
        fmt = SPEECH_FORMATS.get(os.path.splitext(args.output)[1].lower())
        if fmt is None:
            raise CommandError(
                f"cannot tell the audio format from {args.output!r}: pass --format "
                f"({', '.join(sorted(set(SPEECH_FORMATS.values())))}) or name the file .mp3, .wav, "
                "...",
                EXIT_CONFIG,
            )
    options: dict[str, Any] = {
        "deployment": settings.deployment_for("speak"),
        "voice": args.voice,
        "model": args.model,
        "response_format": fmt,
        "speed": args.speed,
        "instructions": args.instructions,
    }
    with settings.client() as client:
        if args.output == "-":
            with Waiting(_terminal(settings)) as waiting:
                waiting.start()
                for chunk in client.speech_stream(text, **options):
                    waiting.stop()
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.buffer.flush()
            return EXIT_OK
        with Waiting(_terminal(settings)) as waiting:
            waiting.start()
            client.speech_to_file(text, args.output, **options)
    size = os.path.getsize(args.output)
    _emit(
        settings,
        {"output": args.output, "format": fmt, "bytes": size},
        f"wrote {size_text(size)} of {fmt} to {args.output}",
    )
    return EXIT_OK


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    _require_rest("chat")
    prompt = args.text
    if prompt is None and args.audio_in is None:
        prompt = DEFAULT_CHAT_PROMPT
    output_format = None
    if args.audio_out:
        output_format = CHAT_AUDIO_FORMATS.get(os.path.splitext(args.audio_out)[1].lower())
        if output_format is None:
            raise CommandError(
                f"cannot tell the audio format from {args.audio_out!r}: name it .wav, .mp3, .flac, .opus, .aac or .pcm",
                EXIT_CONFIG,
            )
    # Upload progress only when there is audio to upload: a text prompt goes out in one packet.
    with settings.client() as client, UploadProgress(_terminal(settings) and args.audio_in is not None) as progress:
        if args.audio_in is None:
            progress.waiting.enabled = _terminal(settings)
            progress.waiting.start()
        reply = client.chat_audio(
            prompt,
            deployment=settings.deployment_for("chat"),
            model=args.model,
            audio=args.audio_in,
            system=args.system,
            voice=args.voice,
            output_format=output_format,
            audio_output=args.audio_out is not None or not args.text_only,
            progress=progress,
        )
    if args.audio_out:
        with open(args.audio_out, "wb") as out:
            out.write(reply.audio)
    answer = reply.text or reply.transcript
    if args.audio_out and not settings.json:
        answer += f"\nwrote {size_text(len(reply.audio))} of {output_format} to {args.audio_out}"
    _emit(
        settings,
        {
            "text": reply.text,
            "transcript": reply.transcript,
            "audio_bytes": len(reply.audio),
            "audio_out": args.audio_out,
            "finish_reason": reply.finish_reason,
            "usage": vars(reply.usage) if reply.usage else None,
            "request_id": reply.request_id,
        },
        answer,
    )
    return EXIT_OK


# ---- parser -------------------------------------------------------------------------------------------------------
