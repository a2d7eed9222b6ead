"""The fault queue: faults that tests ask for, applied to the next matching requests.

A fault is queued with ``{"kind": ..., "match": "<path substring>", "count": N,
...params}``. Each time a handler reaches the point where a kind of fault can
happen it calls `FaultQueue.take`, which pops one use of the oldest queued
fault of that kind whose ``match`` occurs in the request path.
"""

from __future__ import annotations

import itertools
import math
import threading
from typing import Any

_NUMBER = (int, float)

#: Every kind, with its parameters and their JSON types. REST handlers apply
#: the first five and the four hostile-server kinds; the realtime handler applies the rest.
KINDS: dict[str, dict[str, tuple[type, ...]]] = {
    "status": {
        "status": (int,),
        "retry_after": _NUMBER,
        "retry_after_ms": _NUMBER,
        "x_ms_retry_after_ms": _NUMBER,
        "code": (str, int),
        "message": (str,),
    },
    "delay_first_byte": {"seconds": _NUMBER},
    # A hostile or broken server (issue 18): the body stops after `after_bytes` (the head is sent) and the
    # connection stays open for `seconds`; the body dribbles out `chunk_bytes` every `interval_seconds`; a 200
    # (or `status`) that is not what was asked for; a redirect to another host.
    "stall_body": {"after_bytes": (int,), "seconds": _NUMBER},
    "trickle_body": {"chunk_bytes": (int,), "interval_seconds": _NUMBER},
    "fake_answer": {"status": (int,), "content_type": (str,), "body": (str,)},
    "redirect": {"status": (int,), "location": (str,)},
    "cut_mid_body": {},
    "truncate_sse": {},
    "malformed_json": {},
    "ws_close": {"code": (int,), "reason": (str,), "after_events": (int,)},
    "session_expired": {"after_seconds": _NUMBER},
    "malformed_event": {"after_events": (int,)},
    "slow_read": {"seconds": _NUMBER},
    "handshake_status": {
        "status": (int,),
        "code": (str, int),
        "message": (str,),
        "retry_after": _NUMBER,
        "retry_after_ms": _NUMBER,
        "location": (str,),
    },
    "tcp_reset": {"after_events": (int,), "after_audio_deltas": (int,)},
    # Taken by the first session that sends reply audio once it is queued (not by the next connection).
    "reply_reset": {"after_audio_deltas": (int,)},
    "half_open": {"after_events": (int,)},
    "deaf_barge_in": {"after_audio_deltas": (int,), "seconds": _NUMBER, "speech_after": _NUMBER},
    "slow_reply": {"seconds": _NUMBER},
}

_RESERVED = {"kind", "match", "count"}


class FaultSpecError(ValueError):
    """A queued fault was malformed; the message says how."""


def _check_param(kind: str, name: str, value: Any) -> None:
    allowed = KINDS[kind].get(name)
    if allowed is None:
        known = ", ".join(sorted(KINDS[kind])) or "none"
        raise FaultSpecError(f"fault kind {kind!r} has no parameter {name!r} (parameters: {known})")
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise FaultSpecError(f"fault parameter {name!r} has the wrong type")
    if isinstance(value, _NUMBER) and not (math.isfinite(value) and value >= 0):
        raise FaultSpecError(f"fault parameter {name!r} must be a finite number, not negative")
    if name == "status" and not 100 <= value <= 599:
        raise FaultSpecError("fault parameter 'status' must be an HTTP status (100-599)")


class FaultQueue:
    """Thread-safe queue of faults, consumed one use at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def add(self, spec: Any) -> dict[str, Any]:
        """Validate and queue `spec`; return the stored fault (with its ``id``).

        Raises FaultSpecError when the kind, count, match or a parameter is wrong.
        """
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault is a JSON object")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultSpecError(f"unknown fault kind {kind!r} (kinds: {', '.join(KINDS)})")
        count = spec.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise FaultSpecError("'count' must be a positive integer")
        match = spec.get("match", "")
        if not isinstance(match, str):
            raise FaultSpecError("'match' must be a string")
        params = {k: v for k, v in spec.items() if k not in _RESERVED}
        for name, value in params.items():
            _check_param(kind, name, value)
        fault = {"id": next(self._ids), "kind": kind, "match": match, "count": count, **params}
        with self._lock:
            self._faults.append(fault)
        return dict(fault)

    def take(self, kind: str, path: str) -> dict[str, Any] | None:
        """Pop one use of the oldest `kind` fault whose ``match`` is in `path`.

        Returns the fault's parameters (plus ``kind``, ``match`` and ``id``),
        or None when none is queued.
        """
        with self._lock:
            for fault in self._faults:
                if fault["kind"] == kind and fault["match"] in path:
                    fault["count"] -= 1
                    if fault["count"] == 0:
                        self._faults.remove(fault)
                    taken = dict(fault)
                    del taken["count"]
                    return taken
        return None

    def pending(self) -> list[dict[str, Any]]:
        """The faults still queued, with their remaining counts."""
        with self._lock:
            return [dict(f) for f in self._faults]

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()
