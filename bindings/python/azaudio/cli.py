"""The ``azaudio`` command line: doctor, transcribe, translate, speak, chat, realtime.

A thin user of the binding: the client comes from :meth:`azaudio.Client.from_env` (the library's own rules for
AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN, OPENAI_API_VERSION), with the flags
--endpoint, --api-key and --api-version put over those variables for this process. Exit codes: see
``azaudio --help`` (EXIT_CODES_HELP); messages are the library's, in user words, with the next step.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from . import _native
from ._cli_batch import add_batch_flags
from ._cli_doctor import doctor
from ._cli_live import add_commands as add_live_commands
from ._cli_live import cmd_interpret, cmd_listen
from ._cli_output import (
    CONVERT_HINT,
    EXIT_AUTH,
    EXIT_CALL_DROPPED,
    EXIT_CODES_HELP,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCAL_IO,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_SERVICE,
    EXIT_UNAVAILABLE,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    UploadProgress,
    error_data,
    exit_code_for,
    explain,
)
from ._cli_realtime import cmd_realtime
from ._cli_rest import CHAT_AUDIO_FORMATS as CHAT_AUDIO_FORMATS
from ._cli_rest import DEFAULT_CHAT_PROMPT as DEFAULT_CHAT_PROMPT
from ._cli_rest import SPEECH_FORMATS as SPEECH_FORMATS
from ._cli_rest import (
    _opt,
    cmd_chat,
    cmd_speak,
    cmd_transcribe,
)
from .client import DEFAULT_API_VERSION, LOG_DEBUG, LOG_INFO, LOG_WARN, Client
from .errors import AzAudioError

__all__ = [
    "main",
    "build_parser",
    "exit_code_for",
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "EXIT_CONFIG",
    "EXIT_UNREACHABLE",
    "EXIT_AUTH",
    "EXIT_NOT_FOUND",
    "EXIT_SERVICE",
    "EXIT_UNAVAILABLE",
    "EXIT_LOCAL_IO",
    "EXIT_PARTIAL",
    "EXIT_CALL_DROPPED",
    "EXIT_INTERRUPTED",
    "EXIT_CODES_HELP",
]

_UploadProgress = UploadProgress  # the name earlier versions used

#: The deployment each command uses when neither --deployment nor AZURE_OPENAI_DEPLOYMENT is given: the model's
#: own name, which is how the emulator (and many resources) name deployments.
DEFAULT_DEPLOYMENTS = {
    "transcribe": "whisper",
    "translate": "whisper",
    "speak": "tts",
    "chat": "gpt-4o-audio-preview",
    "realtime": "gpt-realtime",
    "listen": "gpt-4o-transcribe",
    "interpret": "gpt-realtime-translate",
}

#: Flags that stand for the library's environment variables (put over them for this process).
_FLAG_VARIABLES = {
    "endpoint": "AZURE_OPENAI_ENDPOINT",
    "api_key": "AZURE_OPENAI_API_KEY",
    "api_version": "OPENAI_API_VERSION",
}


# ---- settings -----------------------------------------------------------------------------------------------------


@dataclass
class Settings:
    """The command line's connection flags; the environment is the library's to read."""

    endpoint: Optional[str]
    api_key: Optional[str]
    api_version: Optional[str]
    deployment: Optional[str]
    ca_file: Optional[str]
    ca_path: Optional[str]
    proxy: Optional[str]
    proxy_ca_file: Optional[str]
    insecure: bool
    timeout: Optional[float]
    verbose: int
    json: bool

    @staticmethod
    def from_args(args: argparse.Namespace) -> "Settings":
        return Settings(
            endpoint=_opt(args, "endpoint"),
            api_key=_opt(args, "api_key"),
            api_version=_opt(args, "api_version"),
            deployment=_opt(args, "deployment") or os.environ.get("AZURE_OPENAI_DEPLOYMENT") or None,
            ca_file=_opt(args, "ca_file"),
            ca_path=_opt(args, "ca_path"),
            proxy=_opt(args, "proxy"),
            proxy_ca_file=_opt(args, "proxy_ca_file"),
            insecure=bool(_opt(args, "insecure")),
            timeout=_opt(args, "timeout"),
            verbose=int(_opt(args, "verbose") or 0),
            json=bool(_opt(args, "json")),
        )

    def client(self, *, max_retries: Optional[int] = None) -> Client:
        """Client.from_env, with the flags over the variables it reads."""
        for name, variable in _FLAG_VARIABLES.items():
            value = getattr(self, name)
            if value:
                os.environ[variable] = value
        if self.api_key:  # a key given on the command line wins over a token in the environment
            os.environ.pop("AZURE_OPENAI_AD_TOKEN", None)
        log: Optional[Callable[[int, str], None]] = None
        if self.verbose:
            names = {1: "error", 2: "warn", 3: "info", 4: "debug"}

            def log(level: int, message: str) -> None:
                print(f"azaudio: {names.get(level, level)}: {message}", file=sys.stderr)

        return Client.from_env(
            timeout=self.timeout,
            ca_file=self.ca_file,
            ca_path=self.ca_path,
            insecure_skip_tls_verify=self.insecure,
            proxy=self.proxy,
            proxy_ca_file=self.proxy_ca_file,
            max_retries=max_retries,
            log=log,
            log_level=LOG_DEBUG if self.verbose > 1 else LOG_INFO if self.verbose else LOG_WARN,
            user_agent_suffix="azaudio-cli",
        )

    def describe(self, client: Client) -> str:
        """Where the endpoint, api-version and credential came from, for doctor."""

        def source(flag: str, variable: str) -> str:
            return flag if getattr(self, flag.lstrip("-").replace("-", "_")) else variable

        version = os.environ.get("OPENAI_API_VERSION")
        credential = (
            "api-key (" + source("--api-key", "AZURE_OPENAI_API_KEY") + ")"
            if os.environ.get("AZURE_OPENAI_API_KEY")
            else "Entra ID token (AZURE_OPENAI_AD_TOKEN)"
        )
        return (
            f"endpoint {client.endpoint} (from {source('--endpoint', 'AZURE_OPENAI_ENDPOINT')}); api-version "
            + (
                f"{version} ({source('--api-version', 'OPENAI_API_VERSION')})"
                if version
                else f"{DEFAULT_API_VERSION} (the library's default)"
            )
            + f"; {credential}"
        )

    def deployment_for(self, command: str) -> str:
        return self.deployment or DEFAULT_DEPLOYMENTS[command]


COMMANDS = {
    "doctor": (
        "check what the library sees: configuration, connection, TLS, key, api-version, deployment",
        ["azaudio doctor", "azaudio doctor --deployment whisper --realtime-deployment gpt-realtime"],
    ),
    "transcribe": (
        "speech to text (default deployment: whisper)",
        [
            "azaudio transcribe meeting.mp3",
            "azaudio transcribe --stream --deployment gpt-4o-transcribe call.wav",
            "azaudio transcribe recordings/ --output-dir out/ --jobs 4 --shard 0/2",
        ],
    ),
    "translate": (
        "speech in any language to English text (default deployment: whisper)",
        ["azaudio translate interview-fr.mp3", "azaudio translate --format srt talk.wav > talk.srt"],
    ),
    "speak": (
        "text to speech (default deployment: tts)",
        [
            "azaudio speak 'Hello there' -o hello.mp3",
            "echo 'Good morning' | azaudio speak - -o - --format pcm | aplay -r 24000 -f S16_LE",
        ],
    ),
    "chat": (
        "audio chat completion (default deployment: gpt-4o-audio-preview)",
        [
            "azaudio chat --text 'Tell me a joke' --audio-out joke.wav",
            "azaudio chat --audio-in question.wav --text-only",
        ],
    ),
    "realtime": (
        "one spoken turn in a realtime session (default deployment: gpt-realtime)",
        [
            "azaudio realtime --input question.wav --output reply.wav",
            "azaudio realtime --input call.wav --output reply.wav --protocol preview --voice verse",
        ],
    ),
    "listen": (
        "live captions from a transcription session (default deployment: gpt-4o-transcribe)",
        [
            "azaudio listen talk.wav --deployment gpt-4o-transcribe",
            "ffmpeg -i talk.mp3 -f s16le -ar 24000 -ac 1 - | azaudio listen - --deployment D --json",
        ],
    ),
    "interpret": (
        "speech to translated speech in a translation session (default deployment: gpt-realtime-translate)",
        [
            "azaudio interpret talk.wav --to es --output talk-es.wav",
            "azaudio interpret talk.wav --to fr --output talk-fr.wav --transcription-deployment "
            "gpt-4o-transcribe --json",
        ],
    ),
}

_COMMAND_LIST = (
    "commands:\n"
    + "\n".join(f"  {name:11} {text}" for name, (text, _) in COMMANDS.items())
    + "\n\n`azaudio COMMAND --help` shows a command's examples and options; `azaudio doctor` checks your setup."
)


def _global_flags() -> argparse.ArgumentParser:
    """Flags accepted before or after the command (defaults suppressed so the two positions do not clash)."""
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("connection (over AZURE_OPENAI_ENDPOINT / _API_KEY, OPENAI_API_VERSION)")
    s = argparse.SUPPRESS
    g.add_argument("--endpoint", default=s, help="resource endpoint, https://NAME.openai.azure.com")
    g.add_argument("--api-key", default=s, help="API key")
    g.add_argument("--api-version", default=s, help="REST api-version, 'v1' or 'preview'")
    g.add_argument("--deployment", default=s, help="deployment name (AZURE_OPENAI_DEPLOYMENT; else per command)")
    g.add_argument("--ca-file", default=s, help="PEM bundle of CA certificates to trust instead of the system's")
    g.add_argument("--ca-path", default=s, help="directory of hashed CA certificates")
    g.add_argument("--proxy", default=s, help="proxy URL ('' disables; default: https_proxy/no_proxy)")
    g.add_argument("--proxy-ca-file", default=s, help="PEM bundle of CA certificates for an HTTPS proxy's own")
    g.add_argument("--insecure", action="store_true", default=s, help="skip TLS certificate verification")
    g.add_argument("--timeout", type=float, default=s, help="seconds for a whole call (default: no limit)")
    g.add_argument("--json", action="store_true", default=s, help="machine-readable output")
    g.add_argument("-v", "--verbose", action="count", default=s, help="library log lines on stderr (-vv: debug)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _global_flags()
    parser = argparse.ArgumentParser(
        prog="azaudio",
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Azure OpenAI audio from the command line (libazaudio).\n\n" + _COMMAND_LIST,
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"azaudio {__import__('azaudio').__version__} (libazaudio {_native.version_string()})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str) -> argparse.ArgumentParser:
        text, examples = COMMANDS[name]
        description = "examples:\n" + "\n".join(f"  {e}" for e in examples) + f"\n\n{text}"
        return sub.add_parser(
            name,
            parents=[common],
            help=text,
            description=description,
            epilog="exit codes and environment: azaudio --help",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("doctor")
    p.add_argument(
        "--realtime-deployment", metavar="D", help="also open (and close) a realtime session on this deployment"
    )
    p.add_argument(
        "--realtime-protocol",
        choices=("ga", "preview"),
        default="ga",
        help="the protocol for --realtime-deployment (default ga)",
    )
    p = add("transcribe")
    p.add_argument(
        "file",
        metavar="FILE",
        nargs="+",
        help="audio file (flac, m4a, mp3, mp4, mpeg, mpga, ogg, wav, webm) or -; several files or "
        "directories make a batch (with --output-dir)",
    )
    add_batch_flags(p)
    p.add_argument("--language", help="ISO-639-1 code of the spoken language")
    p.add_argument("--prompt", help="text to guide the style")
    p.add_argument(
        "--format",
        help="json (default), text, srt, vtt, verbose_json, diarized_json (speaker-labelled "
        "lines; gpt-4o-transcribe-diarize)",
    )
    p.add_argument("--timestamps", help="segment,word (with --format verbose_json)")
    p.add_argument(
        "--stream",
        action="store_true",
        help="print text as it arrives (gpt-4o-*-transcribe), or each speaker's line as it completes",
    )
    p.add_argument(
        "--speaker",
        action="append",
        metavar="NAME=CLIP",
        help="a known speaker and a 2-10 s clip of their voice (diarized_json; up to 4, repeat)",
    )
    p.add_argument("--chunking", metavar="STRATEGY", help="chunking_strategy: auto (needed over 30 s for diarize)")
    p.add_argument("--filename", help="the name (for its extension) of audio read from -")
    p.add_argument("--model", help="the model the deployment serves, when its name does not say")
    p = add("translate")
    p.add_argument(
        "file",
        metavar="FILE",
        nargs="+",
        help="audio file or -; several files or directories make a batch (with --output-dir)",
    )
    add_batch_flags(p)
    p.add_argument("--prompt", help="text in English to guide the style")
    p.add_argument("--format", help="json (default), text, srt, vtt, verbose_json")
    p.add_argument("--filename", help="the name (for its extension) of audio read from -")
    p.add_argument("--model", help="the model the deployment serves, when its name does not say")
    p = add("speak")
    p.add_argument("text", metavar="TEXT", help="the text, or - to read it from stdin")
    p.add_argument("-o", "--output", required=True, help="output file (format from its extension) or - for stdout")
    p.add_argument("--format", help="mp3, opus, aac, flac, wav or pcm (default: from the extension)")
    p.add_argument("--voice", help="alloy (default), ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer...")
    p.add_argument("--speed", type=float, help="0.25 to 4.0")
    p.add_argument("--instructions", help="how to speak (gpt-4o-mini-tts)")
    p.add_argument("--model", help="the model the deployment serves, when its name does not say")
    p = add("chat")
    p.add_argument("--text", help="the user's text (default prompt when neither --text nor --audio-in is given)")
    p.add_argument("--audio-in", help="the user's audio (.wav or .mp3)")
    p.add_argument("--audio-out", help="write the spoken reply here (format from the extension)")
    p.add_argument("--system", help="a system message")
    p.add_argument("--voice", help="the reply's voice (default alloy)")
    p.add_argument("--text-only", action="store_true", help="ask for a text reply (no audio)")
    p.add_argument("--model", help="the model the deployment serves, when its name does not say")
    p = add("realtime")
    p.add_argument(
        "--input", required=True, help="WAV (PCM 8/16/24/32-bit, float, mu-law or A-law; any channels; 8 to 192 kHz)"
    )
    p.add_argument("--output", required=True, help="WAV to write the reply to (24 kHz PCM16)")
    p.add_argument("--protocol", choices=("ga", "preview"), default="ga", help="realtime protocol (default ga)")
    p.add_argument("--voice", help="the reply's voice (alloy, ash, ballad, coral, echo, sage, shimmer, verse...)")
    p.add_argument(
        "--instructions", default="You are a friendly voice assistant. Answer briefly.", help="system instructions"
    )
    p.add_argument(
        "--transcription-deployment",
        default="whisper",
        help="the deployment that transcribes your speech (default whisper; '' turns it off)",
    )
    p.add_argument(
        "--speedup", type=float, default=1.0, help="send the input N times faster than real time (default 1)"
    )
    p.add_argument(
        "--reconnect",
        type=int,
        default=0,
        metavar="N",
        help="reconnect up to N times after a lost connection, replaying the conversation (default 0: "
        "off). A call whose connection is lost before its input was sent exits with 11",
    )
    add_live_commands(add)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_args(args)
    if args.command is None:
        print("usage: azaudio COMMAND [options]\n\n" + _COMMAND_LIST)
        return EXIT_USAGE
    try:
        if args.command == "doctor":
            return doctor(settings, args.realtime_deployment, args.realtime_protocol)
        if args.command in ("transcribe", "translate"):
            return cmd_transcribe(settings, args, args.command)
        if args.command == "speak":
            return cmd_speak(settings, args)
        if args.command == "chat":
            return cmd_chat(settings, args)
        if args.command == "realtime":
            return cmd_realtime(settings, args)
        if args.command == "listen":
            return cmd_listen(settings, args)
        if args.command == "interpret":
            return cmd_interpret(settings, args)
        parser.error(f"unknown command {args.command}")
    except KeyboardInterrupt:
        print("azaudio: interrupted (the running call was cancelled)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CommandError as error:
        return _fail(settings, str(error), error.code)
    except AzAudioError as error:
        code = exit_code_for(error)
        message = explain(error)
        if code == EXIT_CONFIG and isinstance(getattr(args, "file", None), str) and "extension" in message:
            path = args.file
            message += "; " + CONVERT_HINT.format(path=path, stem=os.path.splitext(os.path.basename(path))[0])
        return _fail(settings, message, code, error_data(error))
    except OSError as error:
        return _fail(settings, f"{error.filename or ''}: {error.strerror or error}".lstrip(": "), EXIT_LOCAL_IO)
    return EXIT_FAILED


def _fail(settings: Settings, message: str, code: int, data: Optional[dict[str, Any]] = None) -> int:
    if settings.json:
        print(json.dumps({"error": message, "exit_code": code, **(data or {})}, indent=2))
    print(f"azaudio: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
