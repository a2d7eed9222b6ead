"""The azaudio command line's exit codes, its messages in user words, and what it shows on a terminal (upload
progress, a waiting indicator). Internal to azaudio.cli."""

from __future__ import annotations

import re
import sys
import threading
import time
from typing import Any, Optional

from .errors import (
    APIError,
    AuthenticationError,
    AzAudioError,
    CancelledError,
    FileIOError,
    InvalidArgumentError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitError,
    TimeoutError,
    TLSError,
    UnsupportedError,
)

EXIT_OK = 0  #: success
EXIT_FAILED = 1  #: doctor found a problem; or an unexpected library error
EXIT_USAGE = 2  #: bad command line (argparse), or no command
EXIT_CONFIG = 3  #: missing or invalid endpoint, credentials, options or local input (nothing was sent)
EXIT_UNREACHABLE = 4  #: the service could not be reached: network, TLS or timeout
EXIT_AUTH = 5  #: authentication failed (401/403, or the token could not be obtained)
EXIT_NOT_FOUND = 6  #: the deployment, route or a local input file does not exist
EXIT_SERVICE = 7  #: the service refused or failed the request (400, 413, 429, 5xx, content filter)
EXIT_UNAVAILABLE = 8  #: the command is not available in this build of libazaudio
EXIT_LOCAL_IO = 9  #: a local file could not be read or written
EXIT_PARTIAL = 10  #: a batch finished, but some inputs failed (each is named on stderr)
EXIT_CALL_DROPPED = 11  #: realtime: the connection was lost before all of the call's input was sent
EXIT_INTERRUPTED = 130  #: interrupted by Ctrl-C (the running call was cancelled)

EXIT_CODES_HELP = """exit codes:
  0    success
  1    doctor found a problem, or an unexpected error
  2    bad command line
  3    missing or invalid endpoint, credentials, options or input (nothing was sent)
  4    the service could not be reached (network, TLS, timeout)
  5    authentication failed
  6    deployment, route or input file not found
  7    the service refused or failed the request (400, 413, 429, 5xx, content filter)
  8    not available in this build of libazaudio
  9    a local file could not be read or written
  10   a batch finished, but some of its inputs failed
  11   realtime: the connection was lost (reset, network, no sign of life) before all of the call's input
       was sent, and no reconnect took over (a close by the service gives 7)
  130  interrupted (Ctrl-C cancels the running call)

environment: AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN, OPENAI_API_VERSION (read by
the library; flags win), AZURE_OPENAI_DEPLOYMENT (a default deployment for every command), AZAUDIO_LIBRARY (the
libazaudio to load)."""

#: How to turn any audio file into one every command takes (ffmpeg and sox are common; either works).
CONVERT_HINT = "convert it first, e.g. `ffmpeg -i {path} -ac 1 -ar 24000 {stem}.wav` (or `sox {path} -c 1 {stem}.wav`)"


class CommandError(Exception):
    """A failure the CLI reports with its own message and exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def exit_code_for(error: BaseException) -> int:
    """The documented exit code for an exception."""
    if isinstance(error, (KeyboardInterrupt, CancelledError)):
        return EXIT_INTERRUPTED
    if isinstance(error, InvalidArgumentError):
        return EXIT_CONFIG
    if isinstance(error, UnsupportedError) and not error.status:
        return EXIT_CONFIG  # refused locally (a file type the service does not take): nothing was sent
    if isinstance(error, ProtocolError) and not error.status:
        return EXIT_CONFIG  # local input the library could not parse (a WAV that is not one)
    if isinstance(error, (NetworkError, TimeoutError)):
        return EXIT_UNREACHABLE
    if isinstance(error, AuthenticationError):
        return EXIT_AUTH
    if isinstance(error, NotFoundError) or _names_no_deployment(error):
        return EXIT_NOT_FOUND
    if isinstance(error, (APIError, UnsupportedError)):
        return EXIT_SERVICE
    if isinstance(error, (FileIOError, OSError)):
        return EXIT_LOCAL_IO
    return EXIT_FAILED


_C_NAMES = re.compile(r"^(?:azaudio_\w+: )+")

#: Service codes of a deployment that does not exist: the REST 404's, and the error event of a session whose
#: settings name one (a transcription session's deployment is a setting, not part of the URL).
_NO_DEPLOYMENT = ("DeploymentNotFound", "deployment_not_found")


def _names_no_deployment(error: BaseException) -> bool:
    return isinstance(error, AzAudioError) and error.service_code in _NO_DEPLOYMENT


def plain(message: str) -> str:
    """A library message without the C function names in front, with the CLI's flag where it names an option."""
    return _C_NAMES.sub("", message).replace("name it in options.model", "pass it with --model")


def explain(error: AzAudioError) -> str:
    """The library's message in user words, followed by the next step."""
    text = plain(str(error))
    if isinstance(error, InvalidArgumentError):
        if "AZURE_OPENAI_" in text:
            return (
                f"{text}: set AZURE_OPENAI_ENDPOINT (https://NAME.openai.azure.com) and AZURE_OPENAI_API_KEY, "
                "or pass --endpoint and --api-key"
            )
        return f"{text} (see `azaudio COMMAND --help`)"
    if isinstance(error, TLSError):
        return f"{text}\nnext: `azaudio doctor` shows the TLS check; --ca-file FILE trusts a private CA"
    if isinstance(error, (NetworkError, TimeoutError)):
        return f"{text}\nnext: `azaudio doctor` shows what the library sees (endpoint, proxy, TLS)"
    if isinstance(error, AuthenticationError):
        return f"{text}\nnext: check the key (--api-key or AZURE_OPENAI_API_KEY); `azaudio doctor` tests it"
    if _names_no_deployment(error):
        return (
            f"{text}\nnext: pass --deployment with the name of a deployment of your resource "
            "(`azaudio doctor --deployment NAME` checks one)"
        )
    if isinstance(error, NotFoundError):
        return f"{text}\nnext: `azaudio doctor` checks the endpoint and the api-version"
    if isinstance(error, RateLimitError):
        wait = f" in {error.retry_after:.0f} s" if error.retry_after else " later"
        return f"{text}\nnext: try again{wait}"
    if isinstance(error, (UnsupportedError, ProtocolError)) and not error.status:
        return text
    if isinstance(error, APIError):
        if not error.request_id:  # a session's error event, for one, carries none
            return f"{text}\nnext: -v shows the request"
        return f"{text}\nnext: -v shows the request; the request id above identifies it to Azure support"
    return text


def error_data(error: AzAudioError) -> dict[str, Any]:
    return {
        "code": error.code,
        "http_status": error.status,
        "service_code": error.service_code,
        "request_id": error.request_id,
    }


def size_text(n: float) -> str:
    """A byte count for people: 950 B, 12.3 kB, 4.5 MB."""
    if n < 1000:
        return f"{n:.0f} B"
    if n < 1000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1000_000:.1f} MB"


class Waiting:
    """On a terminal: "waiting for the service... 3.4 s" on stderr, rewritten every 0.1 s from start() until
    stop() (or the end of the ``with`` block). Prints nothing when disabled (not a terminal, or --json)."""

    def __init__(self, enabled: bool, label: str = "waiting for the service") -> None:
        self.enabled = enabled
        self.label = label
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._shown = False

    def start(self) -> None:
        with self._lock:
            if not self.enabled or self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._run, name="azaudio-cli-waiting", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(0.1):
            with self._lock:
                if self._stop.is_set():
                    return
                sys.stderr.write(f"\r\x1b[K{self.label}... {time.monotonic() - started:.1f} s")
                sys.stderr.flush()
                self._shown = True

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        if self._shown:
            self._shown = False
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    def __enter__(self) -> "Waiting":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class UploadProgress:
    """An upload progress line on stderr when it is a terminal (plain output otherwise): percent, bytes, rate,
    rewritten in place as the library reports progress. When the upload is complete the line ends and the waiting
    indicator (elapsed time until the answer) takes over."""

    def __init__(self, enabled: bool, label: str = "uploading") -> None:
        self.enabled = enabled
        self.label = label
        self.start = time.monotonic()
        self.last_sent = 0
        self.open = False
        self.waiting = Waiting(enabled)

    def __call__(self, sent: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if sent < self.last_sent:  # a retry sends the body again
            self.start = now
        self.last_sent = sent
        elapsed = now - self.start
        rate = f"  {size_text(sent / elapsed)}/s" if elapsed > 0.05 else ""
        done = total > 0 and sent == total
        if total > 0:
            line = f"{self.label} {100 * sent // total:3d}%  {size_text(sent)} of {size_text(total)}{rate}"
        else:
            line = f"{self.label} {size_text(sent)}{rate}"
        if done:
            line = f"uploaded 100%  {size_text(total)} in {elapsed:.1f} s{rate}"
        sys.stderr.write("\r\x1b[K" + line + ("\n" if done else ""))
        sys.stderr.flush()
        self.open = not done
        if done:
            self.waiting.start()

    def __enter__(self) -> "UploadProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.waiting.stop()
        if self.open:  # the call ended before the upload did: end the line before any message
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.open = False
