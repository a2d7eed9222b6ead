"""``azaudio doctor``: what the library itself sees. Every network check is a real request made by libazaudio
(libcurl, with the same endpoint, proxy, CA and timeout options as every other command), and a failure shows the
library's own error details. Internal to azaudio.cli."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from . import _native, audio
from ._cli_output import EXIT_FAILED, EXIT_OK, CommandError, error_data, plain
from .client import DEFAULT_API_VERSION, Client
from .errors import APIError, AuthenticationError, AzAudioError, NetworkError, NotFoundError, TimeoutError, TLSError

if TYPE_CHECKING:
    from .cli import Settings

_PROBE_DEPLOYMENT = "azaudio-doctor-probe"
#: The variables libcurl reads for proxies (it, not this program, decides which applies).
_PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY")


@dataclass
class Check:
    name: str
    status: str  # "ok", "fail", "warn", "skip"
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


def _redacted(proxy: str) -> str:
    """A proxy URL with its user name and password (if any) replaced by ***: the report is meant to be shared."""
    scheme, sep, rest = proxy.rpartition("://")
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return proxy
    return f"{scheme}{sep}***@{authority.rpartition('@')[2]}{slash}{path}"


def _proxy_check(settings: "Settings") -> Check:
    ca = f"; its certificate checked with {settings.proxy_ca_file}" if settings.proxy_ca_file else ""
    if settings.proxy is not None:
        if settings.proxy == "":
            return Check("proxy", "ok", "none (--proxy '')", {"proxy": ""})
        shown = _redacted(settings.proxy)
        return Check("proxy", "ok", f"{shown} (--proxy){ca}", {"proxy": shown, "proxy_ca_file": settings.proxy_ca_file})
    found = {name: _redacted(os.environ[name]) for name in _PROXY_VARIABLES if os.environ.get(name)}
    if not found:
        return Check("proxy", "ok", "none (no proxy variable is set)", {"proxy": None})
    shown = ", ".join(f"{k}={v}" for k, v in found.items())
    data = {"proxy": None, "variables": found, "proxy_ca_file": settings.proxy_ca_file}
    return Check("proxy", "ok", f"libcurl applies {shown}{ca}", data)


def _connect_checks(settings: "Settings", client: Client, checks: list[Check]) -> Optional[AzAudioError]:
    """One request through the library (text to speech on a made-up deployment: it needs no audio and costs
    nothing). Adds the connect and tls checks; returns the library's error for the request (None: it succeeded,
    which a made-up deployment should not)."""
    started = time.monotonic()
    outcome: Optional[AzAudioError] = None
    try:
        client.speech("ok", deployment=_PROBE_DEPLOYMENT, model="tts", response_format="pcm", max_retries=0)
    except AzAudioError as error:
        outcome = error
    elapsed = (time.monotonic() - started) * 1000
    https = client.endpoint.startswith("https://")
    if isinstance(outcome, TLSError):
        checks.append(Check("connect", "ok", f"reached {client.endpoint} (the TLS handshake failed)"))
        checks.append(Check("tls", "fail", f"{plain(str(outcome))} (CA: {_ca_source(settings)})", error_data(outcome)))
        return outcome
    if isinstance(outcome, (NetworkError, TimeoutError)):
        checks.append(Check("connect", "fail", plain(str(outcome)), error_data(outcome)))
        return outcome
    if outcome is not None and not isinstance(outcome, APIError):
        checks.append(Check("connect", "fail", plain(str(outcome)), error_data(outcome)))
        return outcome
    checks.append(
        Check(
            "connect",
            "ok",
            f"{client.endpoint} answered in {elapsed:.0f} ms (through libcurl)",
            {"answer_ms": round(elapsed, 1)},
        )
    )
    if not https:
        checks.append(Check("tls", "skip", "plain http:// endpoint (a local emulator?): no TLS"))
    elif settings.insecure:
        checks.append(Check("tls", "warn", "certificate verification is OFF (--insecure)"))
    else:
        checks.append(Check("tls", "ok", f"certificate verified by libcurl (CA: {_ca_source(settings)})"))
    return outcome


def _ca_source(settings: "Settings") -> str:
    return settings.ca_file or settings.ca_path or "the system's CA certificates"


def _service_checks(settings: "Settings", client: Client, outcome: Optional[AzAudioError], checks: list[Check]) -> None:
    """Auth and api-version from the probe's answer, then the deployment if one was named."""
    version = settings.api_version or os.environ.get("OPENAI_API_VERSION") or DEFAULT_API_VERSION
    if outcome is None:
        checks.append(
            Check("auth", "warn", f"the service accepted a request for a made-up deployment ({_PROBE_DEPLOYMENT})")
        )
    elif isinstance(outcome, NotFoundError):
        checks.append(
            Check(
                "auth",
                "ok",
                "the credential was accepted (a made-up deployment gave "
                f"{outcome.status} {outcome.service_code or 'not found'})",
                {"request_id": outcome.request_id},
            )
        )
        if outcome.service_code == "DeploymentNotFound":
            checks.append(Check("api-version", "ok", f"{version}: the route exists"))
        else:
            checks.append(
                Check(
                    "api-version",
                    "warn",
                    f"{version}: a made-up deployment gave {outcome.status} "
                    f"{outcome.service_code!r}, not DeploymentNotFound: check "
                    "the api-version and the endpoint's path",
                )
            )
    elif isinstance(outcome, AuthenticationError):
        checks.append(Check("auth", "fail", plain(str(outcome)), error_data(outcome)))
    elif isinstance(outcome, AzAudioError):
        checks.append(Check("auth", "warn", f"inconclusive: {plain(str(outcome))}", error_data(outcome)))
    if not settings.deployment:
        checks.append(Check("deployment", "skip", "no --deployment (or AZURE_OPENAI_DEPLOYMENT) given"))
        return
    silence = audio.wav_bytes(bytes(16000), rate=16000)  # 0.5 s
    try:
        client.transcribe(
            silence, deployment=settings.deployment, model="whisper", filename="doctor.wav", max_retries=0
        )
        checks.append(Check("deployment", "ok", f"{settings.deployment} exists and transcribes"))
    except NotFoundError as error:
        checks.append(Check("deployment", "fail", f"{settings.deployment}: {plain(str(error))}", error_data(error)))
    except (AuthenticationError, NetworkError, TimeoutError) as error:
        checks.append(Check("deployment", "fail", plain(str(error)), error_data(error)))
    except APIError as error:
        checks.append(
            Check(
                "deployment",
                "ok",
                f"{settings.deployment} exists (it answered a transcription "
                f"probe with {error.status} {error.service_code})",
                error_data(error),
            )
        )
    except AzAudioError as error:
        checks.append(Check("deployment", "warn", f"{settings.deployment}: {plain(str(error))}", error_data(error)))


def _realtime_check(client: Client, checks: list[Check], deployment: str, protocol: str, timeout: float) -> None:
    """Open a realtime session on ``deployment`` and close it again (the WebSocket upgrade, auth, the deployment,
    session.created/updated, and a clean close)."""
    if not _native.has("azaudio_realtime_connect"):
        checks.append(Check("realtime", "skip", "this build of libazaudio has no realtime session API"))
        return
    from .realtime import EventType

    started = time.monotonic()
    try:
        session = client.realtime(
            deployment=deployment, protocol=protocol, turn_detection=None, text_only=True, connect_timeout=timeout
        )
    except AzAudioError as error:
        checks.append(
            Check(
                "realtime",
                "fail",
                f"{deployment} ({protocol}): {plain(str(error))}",
                {**error_data(error), "deployment": deployment, "protocol": protocol},
            )
        )
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
        checks.append(
            Check(
                "realtime",
                "warn",
                f"{deployment} ({protocol}): session ready in {connect_ms:.0f} ms, "
                f"but it did not close within {timeout:.0f} s",
                data,
            )
        )
    else:
        checks.append(
            Check(
                "realtime",
                "ok",
                f"{deployment} ({protocol}): session ready in {connect_ms:.0f} ms, closed with {close_code}",
                data,
            )
        )


def doctor(settings: "Settings", realtime_deployment: Optional[str] = None, realtime_protocol: str = "ga") -> int:
    checks: list[Check] = []
    rest = _native.has("azaudio_speak_to_buffer")
    checks.append(
        Check(
            "library",
            "ok",
            f"libazaudio {_native.version_string()} ({_native.library_path}); "
            f"REST API: {'yes' if rest else 'no'}; "
            f"realtime: {'yes' if _native.has('azaudio_realtime_connect') else 'no'}",
            {"version": _native.version_string(), "path": _native.library_path},
        )
    )
    client: Optional[Client] = None
    try:
        client = settings.client(max_retries=0)
    except CommandError as error:
        checks.append(Check("config", "fail", str(error)))
    except AzAudioError as error:
        checks.append(Check("config", "fail", f"{plain(str(error))}: set it, or pass the flag (--endpoint, --api-key)"))
    if client is not None:
        with client:
            checks.append(Check("config", "ok", settings.describe(client), {"endpoint": client.endpoint}))
            checks.append(_proxy_check(settings))
            if not rest:
                checks.append(Check("connect", "skip", "this build of libazaudio has no REST API to probe with"))
            else:
                outcome = _connect_checks(settings, client, checks)
                if not isinstance(outcome, (NetworkError, TimeoutError)) and (
                    outcome is None or isinstance(outcome, APIError)
                ):
                    _service_checks(settings, client, outcome, checks)
            if realtime_deployment and not any(c.status == "fail" for c in checks):
                _realtime_check(client, checks, realtime_deployment, realtime_protocol, settings.timeout or 10.0)
    failed = [c for c in checks if c.status == "fail"]
    code = EXIT_OK if not failed else EXIT_FAILED
    if settings.json:
        print(
            json.dumps(
                {
                    "ok": not failed,
                    "exit_code": code,
                    "checks": [{"name": c.name, "status": c.status, "detail": c.detail, **c.data} for c in checks],
                },
                indent=2,
            )
        )
    else:
        for c in checks:
            print(f"{c.status:5} {c.name:12} {c.detail}")
        print("all checks passed" if not failed else f"{len(failed)} check(s) failed")
    return code
