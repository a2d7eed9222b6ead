"""Command-line entry points.

``azaudio-emulator`` serves until interrupted, after printing exactly one line
on stdout: ``azaudio-emulator listening on http://HOST:PORT`` (``https`` with
``--tls-cert``), then on stderr the variables a client needs (``export
AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_API_KEY=...``) and the speech engine in
use. ``-v`` also logs each request on stderr. ``azaudio-emulator-run [options] -- CMD ARGS...`` starts one
on a free port, runs CMD with ``AZURE_OPENAI_ENDPOINT`` and
``AZURE_OPENAI_API_KEY`` set, stops it, and exits with CMD's status.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import signal
import ssl
import subprocess
import sys

from aiohttp import web

from . import tts
from .app import create_app
from .context import EmulatorContext
from .faults import FaultQueue
from .models import DEFAULT_DEPLOYMENTS, parse_deployments
from .requestlog import RequestLog
from .stt import STTEngine
from .tts import TTSEngine

DEFAULT_API_KEY = "emulator-key"
DEFAULT_API_VERSION = "2025-04-01-preview"
_LISTENING = re.compile(r"^azaudio-emulator listening on (\S+)$")


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _deployments(text: str) -> dict[str, str]:
    try:
        return parse_deployments(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The ``azaudio-emulator`` options."""
    parser = argparse.ArgumentParser(
        prog="azaudio-emulator",
        description="A local Azure OpenAI audio service (REST and realtime) for offline tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to bind; 0 picks a free one (default 8080)")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the accepted key (default emulator-key)")
    parser.add_argument(
        "--deployments",
        type=_deployments,
        default=dict(DEFAULT_DEPLOYMENTS),
        help="name=model pairs separated by commas (default: one per model, named after it)",
    )
    parser.add_argument(
        "--speed",
        type=_positive,
        default=1.0,
        help="realtime audio is paced this many times faster than real time (default 1)",
    )
    parser.add_argument(
        "--session-max-seconds",
        type=_positive,
        default=1800.0,
        help="realtime session limit before session_expired (default 1800)",
    )
    parser.add_argument(
        "--max-audio-seconds",
        type=_positive,
        default=None,
        help="refuse transcription/translation audio longer than this with 400, as models with a "
        "duration ceiling do (default: no ceiling)",
    )
    parser.add_argument(
        "--max-header-bytes",
        type=int,
        default=8190,
        help="the longest request line and header field accepted; longer ones get 400 (default 8190, aiohttp's; "
        "raise it to receive long bearer tokens)",
    )
    parser.add_argument("--tls-cert", help="PEM certificate (chain) file: serve https:// and wss://")
    parser.add_argument("--tls-key", help="PEM private key file for --tls-cert")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log each request on stderr: method, path, status (credentials never shown)",
    )
    return parser


def _ssl_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    if cert is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _start_hint(endpoint: str, api_key: str) -> str:
    """What a client exports to use this emulator (the default key is shown; a chosen one is not)."""
    key = api_key if api_key == DEFAULT_API_KEY else "<your --api-key>"
    return (
        f"azaudio-emulator: export AZURE_OPENAI_ENDPOINT={endpoint} AZURE_OPENAI_API_KEY={key}\n"
        f"azaudio-emulator: speech by {tts.engine_name()}, recognition by pocketsphinx (approximate: "
        "expect near, not exact, transcripts)"
    )


async def _serve(
    ctx: EmulatorContext, host: str, port: int, tls: ssl.SSLContext | None, max_header_bytes: int = 8190
) -> None:
    runner = web.AppRunner(
        create_app(ctx), access_log=None, max_line_size=max_header_bytes, max_field_size=max_header_bytes
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=tls)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    endpoint = f"{'https' if tls else 'http'}://{shown}:{bound_port}"
    print(f"azaudio-emulator listening on {endpoint}", flush=True)
    print(_start_hint(endpoint, ctx.api_key), file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """``azaudio-emulator``: serve until SIGINT or SIGTERM."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    logging.basicConfig(level=logging.WARNING, format="azaudio-emulator: %(levelname)s %(message)s")
    try:
        tls = _ssl_context(args.tls_cert, args.tls_key)
    except (OSError, ssl.SSLError) as exc:
        parser.error(f"cannot load the TLS certificate or key: {exc}")
    ctx = EmulatorContext(
        api_key=args.api_key,
        deployments=args.deployments,
        speed=args.speed,
        session_max_seconds=args.session_max_seconds,
        max_audio_seconds=args.max_audio_seconds,
        tts=TTSEngine(),
        stt=STTEngine(),
        faults=FaultQueue(),
        log=RequestLog(verbose=args.verbose),
    )
    ctx.stt.warm_up()
    try:
        asyncio.run(_serve(ctx, args.host, args.port, tls, args.max_header_bytes))
    except OSError as exc:
        print(f"azaudio-emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


def run_main(argv: list[str] | None = None) -> int:
    """``azaudio-emulator-run [emulator options] -- CMD ARGS...``."""
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage: azaudio-emulator-run [emulator options] -- CMD [ARGS...]", file=sys.stderr)
        return 2
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1 :]
    args = build_parser().parse_args(["--port", "0", *options])
    emulator = subprocess.Popen(
        [sys.executable, "-m", "azaudio_emulator", "--port", "0", *options],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        match = _LISTENING.match(emulator.stdout.readline().strip())
        if match is None:
            print("azaudio-emulator-run: the emulator did not start", file=sys.stderr)
            return 1
        env = dict(os.environ, AZURE_OPENAI_ENDPOINT=match.group(1), AZURE_OPENAI_API_KEY=args.api_key)
        env.setdefault("OPENAI_API_VERSION", DEFAULT_API_VERSION)
        try:
            return subprocess.call(command, env=env)
        except OSError as exc:
            print(f"azaudio-emulator-run: cannot run {command[0]}: {exc}", file=sys.stderr)
            return 127
    finally:
        emulator.terminate()
        try:
            emulator.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emulator.kill()
            emulator.wait()
