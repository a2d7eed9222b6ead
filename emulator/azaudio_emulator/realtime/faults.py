"""Realtime faults, taken from ``ctx.faults`` when a connection arrives.

Queued with ``POST /_emulator/faults`` (``{"kind": ..., "match": ..., "count": N,
...params}``); each connection takes at most one fault of each kind:

=====================  =======================================================
kind                   effect (parameters, defaults)
=====================  =======================================================
``handshake_status``   refuse the upgrade with HTTP ``status`` (503) and
                       Azure's error body; optional ``code``, ``message``,
                       ``retry_after`` (seconds, sets ``Retry-After``),
                       ``location`` (sets ``Location``: with a 3xx status,
                       the redirect Azure was seen sending, e.g. to a path
                       without ``/openai``)
``ws_close``           close the WebSocket with ``code`` (1011) and ``reason``
                       after ``after_events`` (0) server events
``session_expired``    the session expires after ``after_seconds`` (1.0)
                       instead of ``ctx.session_max_seconds``
``malformed_event``    a text frame that is not JSON is sent after
                       ``after_events`` (1: right after ``session.created``)
                       server events
``slow_read``          the server stops reading client frames for ``seconds``
                       (2.0) right after ``session.created``
``tcp_reset``          the TCP connection is reset (RST, no close frame) after
                       ``after_events`` (0) server events, or after
                       ``after_audio_deltas`` reply audio deltas (mid-turn);
                       a transcription session takes ``after_events`` only
``reply_reset``        like ``tcp_reset`` with ``after_audio_deltas`` (1), but
                       taken when a session sends reply audio, not when a
                       connection arrives: the first session to send a reply
                       audio delta after it was queued is reset at its
                       ``after_audio_deltas``-th delta from then (a session
                       that never replies, e.g. one prepared and given up,
                       leaves it for the next)
``half_open``          after ``after_events`` (1) server events the server
                       stops reading and writing (no pong either) and never
                       closes: a dead peer behind a live TCP connection
``deaf_barge_in``       once ``after_audio_deltas`` (1) reply audio deltas
                       were sent, the server stops reading client frames for
                       ``seconds`` (6.0), and ``speech_after`` (1.5) seconds
                       into that sends ``input_audio_buffer.speech_started``
                       as if the caller spoke: a barge-in while the client's
                       frames back up (its send queue fills)
``slow_reply``         each reply that turn detection starts waits
                       ``seconds`` (3.0, wall clock) after the turn's
                       ``speech_stopped`` before it begins: a model slow to
                       answer (the session keeps reading and detecting)
=====================  =======================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HANDSHAKE_MESSAGES = {
    400: ("BadRequest", "The request was refused by the emulator (handshake_status fault)."),
    401: (
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
        "valid key for an active subscription and use a correct regional API endpoint for your "
        "resource.",
    ),
    403: ("Forbidden", "Access denied (handshake_status fault)."),
    404: (
        "DeploymentNotFound",
        "The API deployment for this resource does not exist. If you created the "
        "deployment within the last 5 minutes, please wait a moment and try again.",
    ),
    408: ("Timeout", "The operation was timeout."),
    429: (
        "429",
        "Requests to the Realtime API have exceeded call rate limit of your current OpenAI S0 pricing "
        "tier. Please retry after 1 second.",
    ),
    500: ("InternalServerError", "The server had an error processing your request."),
    502: ("BadGateway", "Bad gateway."),
    503: ("ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later."),
}

#: What the WebSocket close code 1001 reason reads at the session limit.
EXPIRED_REASON = "Session expired"


def _number(params: dict, key: str, default: float) -> float:
    value = params.get(key, default)
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


@dataclass
class SessionFaults:
    """The faults one connection took."""

    close_code: int | None = None
    close_reason: str = ""
    close_after_events: int = 0
    expire_after: float | None = None
    malformed_after_events: int | None = None
    slow_read_seconds: float = 0.0
    reset_after_events: int | None = None
    reset_after_audio_deltas: int | None = None
    half_open_after_events: int | None = None
    deaf_after_audio_deltas: int | None = None
    deaf_seconds: float = 6.0
    deaf_speech_after: float = 1.5
    reply_delay_seconds: float = 0.0

    @classmethod
    def take(cls, faults: Any, path: str) -> "SessionFaults":
        """Pop one queued fault of each session kind matching `path`."""
        taken = cls()
        close = faults.take("ws_close", path)
        if close is not None:
            taken.close_code = int(_number(close, "code", 1011))
            taken.close_reason = str(close.get("reason", "emulator ws_close fault"))
            taken.close_after_events = int(_number(close, "after_events", 0))
        expired = faults.take("session_expired", path)
        if expired is not None:
            taken.expire_after = _number(expired, "after_seconds", 1.0)
        malformed = faults.take("malformed_event", path)
        if malformed is not None:
            taken.malformed_after_events = int(_number(malformed, "after_events", 1))
        slow = faults.take("slow_read", path)
        if slow is not None:
            taken.slow_read_seconds = _number(slow, "seconds", 2.0)
        reset = faults.take("tcp_reset", path)
        if reset is not None:
            if "after_audio_deltas" in reset:
                taken.reset_after_audio_deltas = int(_number(reset, "after_audio_deltas", 1))
            else:
                taken.reset_after_events = int(_number(reset, "after_events", 0))
        half_open = faults.take("half_open", path)
        if half_open is not None:
            taken.half_open_after_events = int(_number(half_open, "after_events", 1))
        deaf = faults.take("deaf_barge_in", path)
        if deaf is not None:
            taken.deaf_after_audio_deltas = int(_number(deaf, "after_audio_deltas", 1))
            taken.deaf_seconds = _number(deaf, "seconds", 6.0)
            taken.deaf_speech_after = _number(deaf, "speech_after", 1.5)
        slow_reply = faults.take("slow_reply", path)
        if slow_reply is not None:
            taken.reply_delay_seconds = max(0.0, _number(slow_reply, "seconds", 3.0))
        return taken


def handshake_refusal(fault: dict) -> tuple[int, str, str, dict[str, str]]:
    """(status, code, message, headers) for a ``handshake_status`` fault."""
    status = int(_number(fault, "status", 503))
    default_code, default_message = HANDSHAKE_MESSAGES.get(status, (str(status), f"HTTP {status} (emulator fault)."))
    headers: dict[str, str] = {}
    if "retry_after" in fault:
        headers["Retry-After"] = str(fault["retry_after"])
    if "retry_after_ms" in fault:
        headers["retry-after-ms"] = str(fault["retry_after_ms"])
    if "location" in fault:
        headers["Location"] = str(fault["location"])
    return status, str(fault.get("code", default_code)), str(fault.get("message", default_message)), headers
