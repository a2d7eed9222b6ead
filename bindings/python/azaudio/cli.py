"""The ``azaudio`` command line: doctor, transcribe, translate, speak, chat, realtime.

Endpoint and credentials come from the same environment variables as the library (AZURE_OPENAI_ENDPOINT,
AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN, OPENAI_API_VERSION), with flags over them. See ``azaudio --help``
and the exit codes below (also printed by ``azaudio --help``).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import ssl
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from . import _native, audio
from .client import DEFAULT_API_VERSION, LOG_DEBUG, LOG_INFO, LOG_WARN, Client
from .errors import (
    APIError,
    AuthenticationError,
    AzAudioError,
    BusyError,
    CancelledError,
    ClosedError,
    FileIOError,
    InvalidArgumentError,
    NetworkError,
    NotFoundError,
    TimeoutError,
    UnsupportedError,
)

# ---- exit codes ---------------------------------------------------------------------------------------------------

EXIT_OK = 0  #: success
EXIT_FAILED = 1  #: doctor found a problem; or an unexpected library error
EXIT_USAGE = 2  #: bad command line (argparse)
EXIT_CONFIG = 3  #: missing or invalid endpoint, credentials, options or input (InvalidArgumentError)
EXIT_UNREACHABLE = 4  #: the service could not be reached: network, TLS or timeout
EXIT_AUTH = 5  #: authentication failed (401/403, or the token could not be obtained)
EXIT_NOT_FOUND = 6  #: the deployment, route or a local input file does not exist
EXIT_SERVICE = 7  #: the service refused or failed the request (400, 413, 429, 5xx, content filter, unsupported)
EXIT_UNAVAILABLE = 8  #: the command is not available in this build of libazaudio
EXIT_LOCAL_IO = 9  #: a local file could not be read or written
EXIT_CALL_DROPPED = 10  #: realtime: the connection was lost before all of the call's input was sent
EXIT_INTERRUPTED = 130  #: interrupted by Ctrl-C (the running call was cancelled)

EXIT_CODES_HELP = """exit codes:
  0    success
  1    doctor found a problem, or an unexpected error
  2    bad command line
  3    missing or invalid endpoint, credentials, options or input
  4    the service could not be reached (network, TLS, timeout)
  5    authentication failed
  6    deployment, route or input file not found
  7    the service refused or failed the request (400, 413, 429, 5xx, content filter)
  8    not available in this build of libazaudio
  9    a local file could not be read or written
  10   realtime: the connection was lost (reset, network, no sign of life) before all of the call's input
       was sent, and no reconnect took over (a close by the service gives 7)
  130  interrupted (Ctrl-C cancels the running call)

environment: AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN, OPENAI_API_VERSION,
AZURE_OPENAI_DEPLOYMENT (a default deployment for every command), AZAUDIO_LIBRARY (the libazaudio to load)."""

#: The deployment each command uses when neither --deployment nor AZURE_OPENAI_DEPLOYMENT is given: the model's
#: own name, which is how the emulator (and many resources) name deployments.
DEFAULT_DEPLOYMENTS = {
    "transcribe": "whisper",
    "translate": "whisper",
    "speak": "tts",
    "chat": "gpt-4o-audio-preview",
    "realtime": "gpt-realtime",
}

SPEECH_FORMATS = {".mp3": "mp3", ".wav": "wav", ".opus": "opus", ".ogg": "opus", ".aac": "aac", ".flac": "flac",
                  ".pcm": "pcm", ".raw": "pcm"}
CHAT_AUDIO_FORMATS = {".wav": "wav", ".mp3": "mp3", ".flac": "flac", ".opus": "opus", ".aac": "aac",
                      ".pcm": "pcm16", ".raw": "pcm16"}
DEFAULT_CHAT_PROMPT = "Say hello in one short sentence."


def exit_code_for(error: BaseException) -> int:
    """The documented exit code for an exception."""
    if isinstance(error, KeyboardInterrupt) or isinstance(error, CancelledError):
        return EXIT_INTERRUPTED
    if isinstance(error, InvalidArgumentError):
        return EXIT_CONFIG
    if isinstance(error, (NetworkError, TimeoutError)):
        return EXIT_UNREACHABLE
    if isinstance(error, AuthenticationError):
        return EXIT_AUTH
    if isinstance(error, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(error, (APIError, UnsupportedError)):
        return EXIT_SERVICE
    if isinstance(error, FileIOError) or isinstance(error, OSError):
        return EXIT_LOCAL_IO
    return EXIT_FAILED


class CommandError(Exception):
    """A failure the CLI reports with its own message and exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


# ---- settings -----------------------------------------------------------------------------------------------------


@dataclass
class Settings:
    """Where the endpoint, credentials and options come from (flags over environment)."""

    endpoint: Optional[str]
    endpoint_source: str
    api_key: Optional[str]
    ad_token: Optional[str]
    credential_source: str
    api_version: Optional[str]
    api_version_source: str
    deployment: Optional[str]
    ca_file: Optional[str]
    ca_path: Optional[str]
    proxy: Optional[str]
    insecure: bool
    timeout: Optional[float]
    verbose: int
    json: bool

    @staticmethod
    def from_args(args: argparse.Namespace) -> "Settings":
        env = os.environ

        def pick(flag: Optional[str], *names: str) -> tuple[Optional[str], str]:
            if flag:
                return flag, "flag"
            for name in names:
                if env.get(name):
                    return env[name], name
            return None, ""

        endpoint, endpoint_source = pick(_opt(args, "endpoint"), "AZURE_OPENAI_ENDPOINT")
        api_key, key_source = pick(_opt(args, "api_key"), "AZURE_OPENAI_API_KEY")
        ad_token: Optional[str] = None
        if api_key is None and env.get("AZURE_OPENAI_AD_TOKEN"):
            ad_token, key_source = env["AZURE_OPENAI_AD_TOKEN"], "AZURE_OPENAI_AD_TOKEN"
        api_version, version_source = pick(_opt(args, "api_version"), "OPENAI_API_VERSION")
        deployment, _ = pick(_opt(args, "deployment"), "AZURE_OPENAI_DEPLOYMENT")
        return Settings(
            endpoint=endpoint, endpoint_source=endpoint_source, api_key=api_key, ad_token=ad_token,
            credential_source=key_source, api_version=api_version, api_version_source=version_source or "default",
            deployment=deployment, ca_file=_opt(args, "ca_file"), ca_path=_opt(args, "ca_path"),
            proxy=_opt(args, "proxy"), insecure=bool(_opt(args, "insecure")), timeout=_opt(args, "timeout"),
            verbose=int(_opt(args, "verbose") or 0), json=bool(_opt(args, "json")),
        )

    def client(self, *, max_retries: Optional[int] = None) -> Client:
        if not self.endpoint:
            raise CommandError("no endpoint: pass --endpoint or set AZURE_OPENAI_ENDPOINT", EXIT_CONFIG)
        if not self.api_key and not self.ad_token:
            raise CommandError(
                "no credential: pass --api-key or set AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN)", EXIT_CONFIG
            )
        log: Optional[Callable[[int, str], None]] = None
        if self.verbose:
            names = {1: "error", 2: "warn", 3: "info", 4: "debug"}

            def log(level: int, message: str) -> None:
                print(f"azaudio: {names.get(level, level)}: {message}", file=sys.stderr)

        return Client(
            self.endpoint, api_key=self.api_key, bearer_token=self.ad_token, api_version=self.api_version,
            timeout=self.timeout, ca_file=self.ca_file, ca_path=self.ca_path, insecure_skip_tls_verify=self.insecure,
            proxy=self.proxy, max_retries=max_retries, log=log,
            log_level=LOG_DEBUG if self.verbose > 1 else LOG_INFO if self.verbose else LOG_WARN,
            user_agent_suffix="azaudio-cli",
        )

    def deployment_for(self, command: str) -> str:
        return self.deployment or DEFAULT_DEPLOYMENTS[command]


def _opt(args: argparse.Namespace, name: str) -> Any:
    return getattr(args, name, None)


def _require_rest(command: str) -> None:
    if not _native.has("azaudio_transcribe_file"):
        raise CommandError(
            f"'{command}' is not available in this build: the loaded libazaudio ({_native.library_path}, "
            f"{_native.version_string()}) has no REST API (transcription, translation, speech, chat)",
            EXIT_UNAVAILABLE,
        )


def _emit(settings: Settings, value: Any, text: str) -> None:
    if settings.json:
        print(json.dumps(value, indent=2, ensure_ascii=False))
    elif text:
        print(text)


# ---- doctor -------------------------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    status: str  # "ok", "fail", "warn", "skip"
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


def _proxy_for(settings: Settings, scheme: str, host: str) -> Optional[str]:
    """The proxy libcurl would use: the client's proxy option, else https_proxy / no_proxy as curl reads them."""
    if settings.proxy is not None:
        return settings.proxy or None
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get("all")
    if proxy and urllib.request.proxy_bypass_environment(host):  # type: ignore[attr-defined]
        return None
    return proxy or None


def _connect(host: str, port: int, timeout: float) -> tuple[socket.socket, float]:
    started = time.monotonic()
    sock = socket.create_connection((host, port), timeout=timeout)
    return sock, (time.monotonic() - started) * 1000


def _tunnel(sock: socket.socket, host: str, port: int) -> str:
    target = f"{host}:{port}"
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: azaudio-doctor\r\n\r\n".encode())
    reply = b""
    while b"\r\n\r\n" not in reply and len(reply) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    return reply.split(b"\r\n", 1)[0].decode("latin-1", "replace")


def _doctor_network(settings: Settings, endpoint: str, checks: list[Check], timeout: float) -> bool:
    """DNS, TCP and TLS reachability of the endpoint (through the proxy when one applies). True if reachable."""
    url = urllib.parse.urlsplit(endpoint)
    host = url.hostname or ""
    scheme = url.scheme
    port = url.port or (443 if scheme == "https" else 80)
    proxy = _proxy_for(settings, scheme, host)
    connect_host, connect_port = host, port
    if proxy:
        purl = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
        connect_host = purl.hostname or ""
        connect_port = purl.port or (443 if purl.scheme == "https" else 1080 if purl.scheme.startswith("socks")
                                     else 80)
        checks.append(Check("proxy", "ok", f"{purl.scheme}://{connect_host}:{connect_port} (for {host})",
                            {"proxy": f"{purl.scheme}://{connect_host}:{connect_port}"}))
        if purl.scheme != "http":
            checks.append(Check("tcp", "skip", f"{purl.scheme} proxies are not probed; the library will use it"))
            return True
    try:
        infos = socket.getaddrinfo(connect_host, connect_port, type=socket.SOCK_STREAM)
        addresses = sorted({str(info[4][0]) for info in infos})
        checks.append(Check("dns", "ok", f"{connect_host} -> {', '.join(addresses)}", {"addresses": addresses}))
    except OSError as error:
        checks.append(Check("dns", "fail", f"cannot resolve {connect_host}: {error}"))
        return False
    try:
        sock, elapsed = _connect(connect_host, connect_port, timeout)
    except OSError as error:
        checks.append(Check("tcp", "fail", f"cannot connect to {connect_host}:{connect_port}: {error}"))
        return False
    with sock:
        checks.append(Check("tcp", "ok", f"connected to {connect_host}:{connect_port} in {elapsed:.0f} ms",
                            {"connect_ms": round(elapsed, 1)}))
        if proxy and scheme != "https":
            checks.append(Check("tls", "skip", "plain http:// endpoint: the proxy forwards requests, no tunnel"))
            return True
        if proxy:
            status = _tunnel(sock, host, port)
            if " 200" not in status:
                checks.append(Check("proxy-connect", "fail", f"the proxy refused CONNECT {host}:{port}: {status}"))
                return False
            checks.append(Check("proxy-connect", "ok", f"tunnel to {host}:{port}: {status}"))
        if scheme != "https":
            checks.append(Check("tls", "skip", "plain http:// endpoint (a local emulator?): no TLS"))
            return True
        context = ssl.create_default_context(cafile=settings.ca_file, capath=settings.ca_path)
        if settings.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                cert = tls.getpeercert() or {}
                subject = dict(x[0] for x in cert.get("subject", ()))  # type: ignore[misc]
                issuer = dict(x[0] for x in cert.get("issuer", ()))  # type: ignore[misc]
                detail = (f"{tls.version()}, certificate for {subject.get('commonName', '?')} issued by "
                          f"{issuer.get('organizationName') or issuer.get('commonName', '?')}, valid until "
                          f"{cert.get('notAfter', '?')}")
                if settings.insecure:
                    detail += " (verification OFF: --insecure)"
                source = settings.ca_file or settings.ca_path or "the system's CA certificates"
                checks.append(Check("tls", "warn" if settings.insecure else "ok", f"{detail}; trusted via {source}",
                                    {"version": tls.version(), "not_after": cert.get("notAfter")}))
        except ssl.SSLCertVerificationError as error:
            checks.append(Check("tls", "fail", f"certificate verification failed: {error.verify_message} "
                                               f"(CA: {settings.ca_file or settings.ca_path or 'system'})"))
            return False
        except (ssl.SSLError, OSError) as error:
            checks.append(Check("tls", "fail", f"TLS handshake failed: {error}"))
            return False
    return True


def _silence_wav() -> bytes:
    return audio.wav_bytes(bytes(16000), rate=16000)  # 0.5 s of silence


def _doctor_service(settings: Settings, client: Client, checks: list[Check]) -> None:
    """Auth, api-version and deployment checks through REST calls (only when the library has the REST API)."""
    if not _native.has("azaudio_speak_to_buffer"):
        for name in ("auth", "api-version", "deployment"):
            checks.append(Check(name, "skip", "this build of libazaudio has no REST API to check with"))
        return
    probe = "azaudio-doctor-probe"
    version = settings.api_version or DEFAULT_API_VERSION
    try:
        client.speech("ok", deployment=probe, model="tts", response_format="pcm", max_retries=0)
        checks.append(Check("auth", "warn", f"the service accepted a request for a made-up deployment ({probe})"))
    except NotFoundError as error:
        checks.append(Check("auth", "ok", "the credential was accepted (a made-up deployment gave "
                                          f"{error.status} {error.service_code or 'not found'})",
                            {"request_id": error.request_id}))
        if error.service_code == "DeploymentNotFound":
            checks.append(Check("api-version", "ok", f"{version} ({settings.api_version_source}): the route exists"))
        else:
            checks.append(Check("api-version", "warn", f"{version}: a made-up deployment gave {error.status} "
                                                       f"{error.service_code!r}, not DeploymentNotFound: check "
                                                       "the api-version and the endpoint's path"))
    except AuthenticationError as error:
        checks.append(Check("auth", "fail", str(error), _error_data(error)))
    except AzAudioError as error:
        checks.append(Check("auth", "fail" if not isinstance(error, APIError) else "warn",
                            f"inconclusive: {error}", _error_data(error)))
    if not settings.deployment:
        checks.append(Check("deployment", "skip", "no --deployment (or AZURE_OPENAI_DEPLOYMENT) given"))
        return
    try:
        client.transcribe(_silence_wav(), deployment=settings.deployment, model="whisper", filename="doctor.wav",
                          max_retries=0)
        checks.append(Check("deployment", "ok", f"{settings.deployment} exists and transcribes"))
    except NotFoundError as error:
        checks.append(Check("deployment", "fail", f"{settings.deployment}: {error}", _error_data(error)))
    except (AuthenticationError, NetworkError, TimeoutError) as error:
        checks.append(Check("deployment", "fail", str(error), _error_data(error)))
    except APIError as error:
        checks.append(Check("deployment", "ok", f"{settings.deployment} exists (it answered a transcription "
                                                f"probe with {error.status} {error.service_code})",
                            _error_data(error)))
    except AzAudioError as error:
        checks.append(Check("deployment", "warn", f"{settings.deployment}: {error}", _error_data(error)))


def _doctor_realtime(client: Client, checks: list[Check], deployment: str, protocol: str,
                     timeout: float) -> None:
    """Open a realtime session on ``deployment`` and close it again (the WebSocket upgrade, auth, the deployment,
    session.created/updated, and a clean close)."""
    if not _native.has("azaudio_realtime_connect"):
        checks.append(Check("realtime", "skip", "this build of libazaudio has no realtime session API"))
        return
    from .realtime import EventType

    started = time.monotonic()
    try:
        session = client.realtime(deployment=deployment, protocol=protocol, turn_detection=None, text_only=True,
                                  connect_timeout=timeout)
    except AzAudioError as error:
        checks.append(Check("realtime", "fail", f"{deployment} ({protocol}): {error}",
                            {**_error_data(error), "deployment": deployment, "protocol": protocol}))
        return
    connect_ms = round((time.monotonic() - started) * 1000, 1)
    with session:
        session.close()
        close_code = None
        for event in session.events(timeout=timeout):
            if event.type == EventType.CLOSED:
                close_code = event.close_code
    data = {"deployment": deployment, "protocol": protocol, "connect_ms": connect_ms, "close_code": close_code}
    if close_code is None:
        checks.append(Check("realtime", "warn", f"{deployment} ({protocol}): session ready in {connect_ms:.0f} ms, "
                                                f"but it did not close within {timeout:.0f} s", data))
    else:
        checks.append(Check("realtime", "ok", f"{deployment} ({protocol}): session ready in {connect_ms:.0f} ms, "
                                              f"closed with {close_code}", data))


def _error_data(error: AzAudioError) -> dict[str, Any]:
    return {"code": error.code, "http_status": error.status, "service_code": error.service_code,
            "request_id": error.request_id}


def doctor(settings: Settings, realtime_deployment: Optional[str] = None, realtime_protocol: str = "ga") -> int:
    checks: list[Check] = []
    checks.append(Check("library", "ok", f"libazaudio {_native.version_string()} ({_native.library_path}); "
                                         f"REST API: {'yes' if _native.has('azaudio_transcribe_file') else 'no'}; "
                                         f"realtime: {'yes' if _native.has('azaudio_realtime_connect') else 'no'}",
                        {"version": _native.version_string(), "path": _native.library_path}))
    client: Optional[Client] = None
    try:
        client = settings.client(max_retries=0)
    except (CommandError, AzAudioError) as error:
        checks.append(Check("config", "fail", str(error)))
    if client is not None:
        with client:
            credential = ("api-key" if settings.api_key else "Entra ID token") + f" ({settings.credential_source})"
            checks.append(Check(
                "config", "ok",
                f"endpoint {client.endpoint} (from {settings.endpoint_source}: {settings.endpoint}); api-version "
                f"{settings.api_version or DEFAULT_API_VERSION} ({settings.api_version_source}); {credential}",
                {"endpoint": client.endpoint, "endpoint_given": settings.endpoint,
                 "api_version": settings.api_version or DEFAULT_API_VERSION, "credential": credential},
            ))
            if _doctor_network(settings, client.endpoint, checks, settings.timeout or 10.0):
                _doctor_service(settings, client, checks)
                if realtime_deployment:
                    _doctor_realtime(client, checks, realtime_deployment, realtime_protocol,
                                     settings.timeout or 10.0)
    failed = [c for c in checks if c.status == "fail"]
    code = EXIT_OK if not failed else EXIT_FAILED
    if settings.json:
        print(json.dumps({"ok": not failed, "exit_code": code,
                          "checks": [{"name": c.name, "status": c.status, "detail": c.detail, **c.data}
                                     for c in checks]}, indent=2))
    else:
        for c in checks:
            print(f"{c.status:5} {c.name:14} {c.detail}")
        print("all checks passed" if not failed else f"{len(failed)} check(s) failed")
    return code


# ---- REST commands ------------------------------------------------------------------------------------------------


def _transcription_json(result: Any) -> dict[str, Any]:
    return {
        "text": result.text, "language": result.language, "duration": result.duration,
        "segments": [vars(s) for s in result.segments], "words": [vars(w) for w in result.words],
        "usage": vars(result.usage) if result.usage else None, "request_id": result.request_id,
    }


def _audio_input(path: str) -> Any:
    if path == "-":
        return sys.stdin.buffer.read()
    return path


def _size(n: float) -> str:
    """A byte count for people: 950 B, 12.3 kB, 4.5 MB."""
    if n < 1000:
        return f"{n:.0f} B"
    if n < 1000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1000_000:.1f} MB"


class _UploadProgress:
    """An upload progress line on stderr when it is a terminal (plain output otherwise): percent, bytes, rate,
    rewritten in place as the library reports progress, ended when the upload completes or the command ends."""

    def __init__(self, enabled: bool, label: str = "uploading") -> None:
        self.enabled = enabled
        self.label = label
        self.start = time.monotonic()
        self.last_sent = 0
        self.open = False

    def __call__(self, sent: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if sent < self.last_sent:  # a retry sends the body again
            self.start = now
        self.last_sent = sent
        elapsed = now - self.start
        rate = f"  {_size(sent / elapsed)}/s" if elapsed > 0.05 else ""
        done = total > 0 and sent == total
        if total > 0:
            line = f"{self.label} {100 * sent // total:3d}%  {_size(sent)} of {_size(total)}{rate}"
        else:
            line = f"{self.label} {_size(sent)}{rate}"
        if done:
            line = f"uploaded 100%  {_size(total)} in {elapsed:.1f} s{rate}"
        sys.stderr.write("\r\x1b[K" + line + ("\n" if done else ""))
        sys.stderr.flush()
        self.open = not done

    def __enter__(self) -> "_UploadProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.open:  # the call ended before the upload did: end the line before any message
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.open = False


def cmd_transcribe(settings: Settings, args: argparse.Namespace, kind: str) -> int:
    _require_rest(kind)
    deployment = settings.deployment_for(kind)
    filename = os.path.basename(args.file) if args.file != "-" else (args.filename or "audio.wav")
    with settings.client() as client, _UploadProgress(sys.stderr.isatty() and not settings.json) as progress:
        if kind == "transcribe" and args.stream:
            stream = client.transcribe_stream(_audio_input(args.file), deployment=deployment, language=args.language,
                                              prompt=args.prompt, response_format=args.format, filename=filename,
                                              progress=progress)
            for delta in stream:
                if not settings.json:
                    print(delta, end="", flush=True)
            if not settings.json:
                print()
            elif stream.transcription is not None:
                _emit(settings, _transcription_json(stream.transcription), "")
            return EXIT_OK
        if kind == "transcribe":
            timestamps = [t for t in (args.timestamps or "").split(",") if t]
            result = client.transcribe(_audio_input(args.file), deployment=deployment, language=args.language,
                                       prompt=args.prompt, response_format=args.format, timestamps=timestamps,
                                       filename=filename, progress=progress)
        else:
            result = client.translate(_audio_input(args.file), deployment=deployment, prompt=args.prompt,
                                      response_format=args.format, filename=filename, progress=progress)
    _emit(settings, _transcription_json(result), result.text)
    return EXIT_OK


def cmd_speak(settings: Settings, args: argparse.Namespace) -> int:
    _require_rest("speak")
    text = sys.stdin.read() if args.text == "-" else args.text
    fmt = args.format
    if fmt is None and args.output != "-":
        fmt = SPEECH_FORMATS.get(os.path.splitext(args.output)[1].lower())
        if fmt is None:
            raise CommandError(f"cannot tell the audio format from {args.output!r}: pass --format "
                               f"({', '.join(sorted(set(SPEECH_FORMATS.values())))})", EXIT_CONFIG)
    options: dict[str, Any] = {"deployment": settings.deployment_for("speak"), "voice": args.voice,
                               "response_format": fmt, "speed": args.speed, "instructions": args.instructions}
    with settings.client() as client:
        if args.output == "-":
            total = 0
            for chunk in client.speech_stream(text, **options):
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
                total += len(chunk)
            return EXIT_OK
        client.speech_to_file(text, args.output, **options)
    size = os.path.getsize(args.output)
    _emit(settings, {"output": args.output, "format": fmt, "bytes": size}, "")
    if not settings.json and sys.stderr.isatty():
        print(f"wrote {size} bytes of {fmt} to {args.output}", file=sys.stderr)
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
            raise CommandError(f"cannot tell the audio format from {args.audio_out!r} (use .wav, .mp3, .flac, "
                               ".opus, .aac or .pcm)", EXIT_CONFIG)
    # Progress only when there is audio to upload: a text prompt goes out in one packet.
    show = sys.stderr.isatty() and not settings.json and args.audio_in is not None
    with settings.client() as client, _UploadProgress(show) as progress:
        reply = client.chat_audio(prompt, deployment=settings.deployment_for("chat"), audio=args.audio_in,
                                  system=args.system, voice=args.voice, output_format=output_format,
                                  audio_output=args.audio_out is not None or not args.text_only, progress=progress)
    if args.audio_out:
        with open(args.audio_out, "wb") as out:
            out.write(reply.audio)
    answer = reply.text or reply.transcript
    _emit(settings, {"text": reply.text, "transcript": reply.transcript, "audio_bytes": len(reply.audio),
                     "audio_out": args.audio_out, "finish_reason": reply.finish_reason,
                     "usage": vars(reply.usage) if reply.usage else None, "request_id": reply.request_id}, answer)
    return EXIT_OK


REALTIME_RATE = 24000
REALTIME_FRAME_MS = 20
REALTIME_TRAILING_SILENCE_MS = 1000  #: after the input, so that the server's VAD ends the turn
REALTIME_REPLY_WAIT = 60.0  #: seconds to wait for the reply once the input was sent


def _require_realtime() -> None:
    if not _native.has("azaudio_realtime_connect"):
        raise CommandError(
            f"'realtime' is not available in this build: the loaded libazaudio ({_native.library_path}, "
            f"{_native.version_string()}) has no realtime session API", EXIT_UNAVAILABLE)


def _realtime_input(path: str) -> bytes:
    """The WAV at ``path`` as 24 kHz mono PCM16 (G.711 decoded and resampled with the audio kit)."""
    wav = audio.read_wav(path)
    if wav.channels != 1:
        raise CommandError(f"{path} has {wav.channels} channels; give a mono file", EXIT_CONFIG)
    pcm: bytes = wav.data
    if wav.format == audio.FORMAT_ULAW:
        pcm = audio.ulaw_decode(pcm)
    elif wav.format == audio.FORMAT_ALAW:
        pcm = audio.alaw_decode(pcm)
    if wav.rate != REALTIME_RATE:
        try:
            with audio.Resampler(wav.rate, REALTIME_RATE) as resampler:
                pcm = resampler.process(pcm) + resampler.flush()
        except UnsupportedError as error:
            raise CommandError(f"{path}: {error}", EXIT_CONFIG) from None
    return pcm


class _Timeline:
    """Realtime progress on stderr when it is a terminal: one line per turn event, with the time since start.
    Lines that come while a transcript is being printed on the same terminal wait for the end of its line."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.hold = False
        self.held: list[str] = []

    def __call__(self, text: str) -> None:
        if not self.enabled:
            return
        line = f"[{(time.monotonic() - self.start) * 1000:7.0f} ms] {text}"
        if self.hold:
            self.held.append(line)
        else:
            print(line, file=sys.stderr, flush=True)

    def release(self) -> None:
        self.hold = False
        for line in self.held:
            print(line, file=sys.stderr, flush=True)
        self.held.clear()


def cmd_realtime(settings: Settings, args: argparse.Namespace) -> int:
    """Stream a WAV file into a session at real-time pace (20 ms frames), print the transcripts as they arrive,
    write the spoken reply to a WAV file."""
    _require_realtime()
    if args.speedup <= 0:
        raise CommandError(f"--speedup is {args.speedup}; it must be > 0", EXIT_CONFIG)
    from .realtime import EventType, RealtimeEvent

    pcm = _realtime_input(args.input)
    pcm += bytes(REALTIME_RATE * 2 * REALTIME_TRAILING_SILENCE_MS // 1000)
    show_text = not settings.json
    timeline = _Timeline(sys.stderr.isatty() and not settings.json)
    reply = bytearray()
    transcript: list[str] = []
    heard: list[str] = []
    errors: list[dict[str, str]] = []
    summary: dict[str, Any] = {"deployment": settings.deployment_for("realtime"), "protocol": args.protocol,
                               "input": args.input, "output": args.output}
    state: dict[str, Any] = {"done": None, "closed": None, "speech_end": None, "first_audio": None,
                             "midline": False}
    reconnects: list[dict[str, Any]] = []
    renewals: list[dict[str, Any]] = []
    latency: list[dict[str, Any]] = []
    interrupted: list[str] = []

    def handle(event: RealtimeEvent) -> None:
        kind = event.type
        if kind == EventType.SPEECH_STARTED:
            timeline(f"speech started at {event.audio_ms} ms of input")
        elif kind == EventType.SPEECH_STOPPED:
            state["speech_end"] = time.monotonic()
            timeline(f"speech stopped at {event.audio_ms} ms of input")
        elif kind == EventType.INPUT_TRANSCRIPTION_COMPLETED:
            heard.append(event.text)
            if show_text:
                _realtime_line(state, f"you said: {event.text}")
        elif kind == EventType.RESPONSE_CREATED:
            timeline("response started")
        elif kind == EventType.AUDIO_DELTA:
            if state["first_audio"] is None:
                state["first_audio"] = time.monotonic()
                timeline("first reply audio")
            reply.extend(event.audio)
        elif kind in (EventType.AUDIO_TRANSCRIPT_DELTA, EventType.TEXT_DELTA):
            transcript.append(event.text)
            if show_text:
                print(event.text, end="", flush=True)
                state["midline"] = timeline.hold = True
        elif kind in (EventType.AUDIO_TRANSCRIPT_DONE, EventType.TEXT_DONE):
            if show_text and state["midline"]:
                print(flush=True)
                state["midline"] = False
            timeline.release()
        elif kind == EventType.RESPONSE_DONE:
            state["done"] = event
            timeline(f"response {event.status}")
        elif kind == EventType.ERROR:
            errors.append({"code": event.error_code, "message": event.text})
            print(f"azaudio: service error {event.error_code}: {event.text}", file=sys.stderr)
        elif kind == EventType.CLOSED:
            state["closed"] = event
            timeline(f"session closed ({event.close_code} {event.text})".rstrip())
        elif kind == EventType.RESPONSE_INTERRUPTED:
            interrupted.append(event.response_id)
            timeline(f"response {event.response_id} interrupted by the lost connection")
        elif kind == EventType.RECONNECTING:
            reconnects.append({"lost": f"{event.close_code} {event.text}".rstrip()})
            timeline(f"connection lost ({event.close_code} {event.text}); reconnecting".replace(" )", ")"))
        elif kind == EventType.TURN_LATENCY:
            figures = event.json or {}
            latency.append({k: v for k, v in figures.items() if k not in ("type", "session")})
            timeline(f"latency: first audio {figures.get('speech_end_to_first_audio_ms')} ms after speech end, "
                     f"{figures.get('created_to_first_audio_ms')} ms after response start")
        elif kind == EventType.RENEWING:
            timeline("renewing the session before its time limit")
        elif kind == EventType.RENEWED:
            renewals.append({"session_id": event.text, "switch_ms": event.audio_ms})
            timeline(f"renewed: session {event.text}, input held {event.audio_ms} ms")
        elif kind == EventType.RECONNECTED:
            details = event.json or {}
            if reconnects:
                reconnects[-1].update({"session_id": event.text, "outage_ms": details.get("outage_ms"),
                                       "replayed_items": details.get("replayed_items")})
            timeline(f"reconnected: session {event.text} after {details.get('outage_ms')} ms, "
                     f"{details.get('replayed_items')} items replayed")

    with settings.client() as client:
        started = time.monotonic()
        session = client.realtime(
            deployment=summary["deployment"], protocol=args.protocol, voice=args.voice,
            instructions=args.instructions, transcription_deployment=args.transcription_deployment or None,
            turn_detection="server_vad", reconnect_max_attempts=args.reconnect,
        )
        input_sent = False
        with session:
            summary["connect_ms"] = round((time.monotonic() - started) * 1000, 1)
            timeline(f"session ready in {summary['connect_ms']:.0f} ms ({args.protocol} protocol)")
            dropped = 0
            begin = audio.monotonic_us()
            with audio.FrameCursor(pcm, format=audio.FORMAT_PCM16, rate=REALTIME_RATE,
                                   frame_ms=REALTIME_FRAME_MS) as cursor:
                for frame in cursor:
                    audio.sleep_until_us(begin + int(frame.timestamp_us / args.speedup))
                    try:
                        session.send_audio(frame.data)
                    except BusyError:
                        dropped += 1
                    except ClosedError:  # the service ended the session: its CLOSED event says why
                        for event in session.events(timeout=5):
                            handle(event)
                        break
                    for event in session.events(timeout=0):
                        handle(event)
                    if state["closed"] is not None:
                        break
                else:
                    input_sent = state["closed"] is None
            summary["frames_dropped"] = dropped
            timeline("input sent")
            deadline = time.monotonic() + REALTIME_REPLY_WAIT
            while state["done"] is None and not session.closed and time.monotonic() < deadline:
                for event in session.events(timeout=min(0.2, max(0.0, deadline - time.monotonic()))):
                    handle(event)
                    if state["done"] is not None:
                        break
            if state["done"] is not None and not session.closed:
                for event in session.events(timeout=1.0):  # its latency figures follow response.done
                    handle(event)
                    if event.type == EventType.TURN_LATENCY:
                        break
    if show_text and state["midline"]:
        print()
    timeline.release()
    done: Optional[RealtimeEvent] = state["done"]
    closed: Optional[RealtimeEvent] = state["closed"]
    summary.update({
        "status": done.status if done is not None else None,
        "transcript": "".join(transcript), "heard": " ".join(heard),
        "reply_bytes": len(reply), "reply_seconds": round(len(reply) / (REALTIME_RATE * 2), 3),
        "usage": done.usage if done is not None else None, "errors": errors,
        "close_code": closed.close_code if closed is not None else None,
        "reconnects": reconnects, "renewals": renewals, "interrupted_responses": interrupted,
        "input_sent": input_sent, "latency": latency,
    })
    if state["speech_end"] is not None and state["first_audio"] is not None \
            and state["first_audio"] > state["speech_end"]:
        summary["first_audio_after_speech_ms"] = round((state["first_audio"] - state["speech_end"]) * 1000, 1)
    if not input_sent:
        reason = f" ({closed.close_code} {closed.text})".rstrip() if closed is not None else ""
        after = f" after {len(reconnects)} reconnect(s)" if reconnects else ""
        if closed is None or closed.close_code == 1006:
            raise CommandError(f"the connection was lost before the call's input was sent{reason}{after}",
                               EXIT_CALL_DROPPED)
        raise CommandError(f"the session closed before a reply{reason}{after}", EXIT_SERVICE)
    if done is None:
        if closed is not None:
            raise CommandError(f"the session closed before a reply ({closed.close_code} {closed.text})".rstrip(),
                               EXIT_SERVICE)
        raise CommandError(f"no reply within {REALTIME_REPLY_WAIT:.0f} s of the end of the input"
                           + (" (was speech heard?)" if not heard else ""), EXIT_UNREACHABLE)
    if done.status != "completed" or not reply:
        reason = f": {done.text}" if done.text else ""
        raise CommandError(f"no complete spoken reply (response {done.status}{reason})", EXIT_SERVICE)
    audio.write_wav(args.output, bytes(reply), rate=REALTIME_RATE)
    if settings.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    elif sys.stderr.isatty():
        print(f"wrote {summary['reply_seconds']:.2f} s of reply audio to {args.output}", file=sys.stderr)
    return EXIT_OK


def _realtime_line(state: dict[str, Any], text: str) -> None:
    if state["midline"]:
        print()
        state["midline"] = False
    print(text, flush=True)


# ---- parser -------------------------------------------------------------------------------------------------------


def _global_flags() -> argparse.ArgumentParser:
    """Flags accepted before or after the command (defaults suppressed so the two positions do not clash)."""
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("connection (flags over environment variables)")
    s = argparse.SUPPRESS
    g.add_argument("--endpoint", default=s, help="resource endpoint (AZURE_OPENAI_ENDPOINT)")
    g.add_argument("--api-key", default=s, help="API key (AZURE_OPENAI_API_KEY)")
    g.add_argument("--api-version", default=s, help="REST api-version, 'v1' or 'preview' (OPENAI_API_VERSION)")
    g.add_argument("--deployment", default=s, help="deployment name (AZURE_OPENAI_DEPLOYMENT; else per command)")
    g.add_argument("--ca-file", default=s, help="PEM bundle of CA certificates to trust instead of the system's")
    g.add_argument("--ca-path", default=s, help="directory of hashed CA certificates")
    g.add_argument("--proxy", default=s, help="proxy URL ('' disables; default: https_proxy/no_proxy)")
    g.add_argument("--insecure", action="store_true", default=s, help="skip TLS certificate verification")
    g.add_argument("--timeout", type=float, default=s, help="seconds for a whole call (default: no limit)")
    g.add_argument("--json", action="store_true", default=s, help="machine-readable output")
    g.add_argument("-v", "--verbose", action="count", default=s, help="library log lines on stderr (-vv: debug)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _global_flags()
    parser = argparse.ArgumentParser(
        prog="azaudio", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Azure OpenAI audio from the command line (libazaudio).", epilog=EXIT_CODES_HELP,
    )
    parser.add_argument("--version", action="version",
                        version=f"azaudio {__import__('azaudio').__version__} (libazaudio "
                                f"{_native.version_string()})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text, epilog=EXIT_CODES_HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = add("doctor", "check the configuration, reachability, TLS, auth, api-version and deployment")
    p.add_argument("--realtime-deployment", metavar="D",
                   help="also open (and close) a realtime session on this deployment")
    p.add_argument("--realtime-protocol", choices=("ga", "preview"), default="ga",
                   help="the protocol for --realtime-deployment (default ga)")
    p = add("transcribe", "speech to text (default deployment: whisper)")
    p.add_argument("file", metavar="FILE", help="audio file (flac, m4a, mp3, mp4, mpeg, mpga, ogg, wav, webm) or -")
    p.add_argument("--language", help="ISO-639-1 code of the spoken language")
    p.add_argument("--prompt", help="text to guide the style")
    p.add_argument("--format", help="json (default), text, srt, vtt, verbose_json")
    p.add_argument("--timestamps", help="segment,word (with --format verbose_json)")
    p.add_argument("--stream", action="store_true", help="print text as it arrives (gpt-4o-*-transcribe)")
    p.add_argument("--filename", help="the name (for its extension) of audio read from -")
    p = add("translate", "speech in any language to English text (default deployment: whisper)")
    p.add_argument("file", metavar="FILE", help="audio file or -")
    p.add_argument("--prompt", help="text in English to guide the style")
    p.add_argument("--format", help="json (default), text, srt, vtt, verbose_json")
    p.add_argument("--filename", help="the name (for its extension) of audio read from -")
    p = add("speak", "text to speech (default deployment: tts)")
    p.add_argument("text", metavar="TEXT", help="the text, or - to read it from stdin")
    p.add_argument("-o", "--output", required=True, help="output file (format from its extension) or - for stdout")
    p.add_argument("--format", help="mp3, opus, aac, flac, wav or pcm (default: from the extension)")
    p.add_argument("--voice", help="alloy (default), ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer...")
    p.add_argument("--speed", type=float, help="0.25 to 4.0")
    p.add_argument("--instructions", help="how to speak (gpt-4o-mini-tts)")
    p = add("chat", "audio chat completion (default deployment: gpt-4o-audio-preview)")
    p.add_argument("--text", help="the user's text (default prompt when neither --text nor --audio-in is given)")
    p.add_argument("--audio-in", help="the user's audio (.wav or .mp3)")
    p.add_argument("--audio-out", help="write the spoken reply here (format from the extension)")
    p.add_argument("--system", help="a system message")
    p.add_argument("--voice", help="the reply's voice (default alloy)")
    p.add_argument("--text-only", action="store_true", help="ask for a text reply (no audio)")
    p = add("realtime", "one spoken turn in a realtime session (default deployment: gpt-realtime): streams --input "
                        "at real-time pace, prints the transcripts, writes the spoken reply to --output")
    p.add_argument("--input", required=True, help="mono WAV (PCM16, mu-law or A-law; 8, 16, 24 or 48 kHz)")
    p.add_argument("--output", required=True, help="WAV to write the reply to (24 kHz PCM16)")
    p.add_argument("--protocol", choices=("ga", "preview"), default="ga", help="realtime protocol (default ga)")
    p.add_argument("--voice", help="the reply's voice (alloy, ash, ballad, coral, echo, sage, shimmer, verse...)")
    p.add_argument("--instructions", default="You are a friendly voice assistant. Answer briefly.",
                   help="system instructions")
    p.add_argument("--transcription-deployment", default="whisper",
                   help="the deployment that transcribes your speech (default whisper; '' turns it off)")
    p.add_argument("--speedup", type=float, default=1.0,
                   help="send the input N times faster than real time (default 1)")
    p.add_argument("--reconnect", type=int, default=0, metavar="N",
                   help="reconnect up to N times after a lost connection, replaying the conversation (default 0: "
                        "off). A call whose connection is lost before its input was sent exits with 10")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_args(args)
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
        parser.error(f"unknown command {args.command}")
    except KeyboardInterrupt:
        print("azaudio: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CommandError as error:
        return _fail(settings, str(error), error.code)
    except AzAudioError as error:
        return _fail(settings, str(error), exit_code_for(error), _error_data(error))
    except OSError as error:
        return _fail(settings, str(error), EXIT_LOCAL_IO)
    return EXIT_FAILED


def _fail(settings: Settings, message: str, code: int, data: Optional[dict[str, Any]] = None) -> int:
    if settings.json:
        print(json.dumps({"error": message, "exit_code": code, **(data or {})}, indent=2))
    print(f"azaudio: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
