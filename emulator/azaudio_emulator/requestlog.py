"""The request log that ``GET /_emulator/requests`` returns.

Entries are JSON-able dictionaries. Secrets never enter the log: credential
headers and the ``api-key`` query parameter are removed by `record`, and large
strings (base64 audio) are summarised by `summarise`.
"""

from __future__ import annotations

import hashlib
import itertools
import sys
import threading
import time
from collections import deque
from typing import Any

from .auth import SECRET_HEADERS

_LONG_STRING = 256
_MAX_DEPTH = 32


def credential_digest(headers: Any) -> dict[str, Any] | None:
    """For a request carrying ``Authorization: Bearer TOKEN``: the token's length in bytes and its SHA-256 (hex),
    so that a test can prove a long token arrived whole without the token itself entering the log. None without
    a bearer token."""
    value = next((v for k, v in dict(headers).items() if k.lower() == "authorization"), "")
    if value[:7].lower() != "bearer ":
        return None
    token = value[7:].encode("utf-8", "surrogateescape")
    return {"scheme": "bearer", "bytes": len(token), "sha256": hashlib.sha256(token).hexdigest()}


def redact_headers(headers: Any) -> dict[str, str]:
    """Copy `headers` without the credential headers."""
    return {k: v for k, v in dict(headers).items() if k.lower() not in SECRET_HEADERS}


def redact_query(query: Any) -> dict[str, str]:
    """Copy `query` without the ``api-key`` parameter."""
    return {k: v for k, v in dict(query).items() if k.lower() != "api-key"}


def summarise(value: Any, depth: int = 0) -> Any:
    """Copy a JSON value, replacing strings longer than 256 characters by a
    short ``<N characters>`` note (request bodies carry base64 audio), and
    anything nested deeper than 32 levels by ``<nested>``."""
    if isinstance(value, str) and len(value) > _LONG_STRING:
        return f"<{len(value)} characters>"
    if isinstance(value, (dict, list)) and depth >= _MAX_DEPTH:
        return "<nested>"
    if isinstance(value, dict):
        return {k: summarise(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [summarise(v, depth + 1) for v in value]
    return value


def log_line(entry: dict[str, Any]) -> str:
    """One line for ``-v``: ``azaudio-emulator: #SEQ METHOD PATH?api-version=... -> STATUS`` plus the faults
    applied. Built from the redacted entry, so no credential can appear."""
    query = entry.get("query") or {}
    version = f"?api-version={query['api-version']}" if "api-version" in query else ""
    faults = entry.get("faults") or []
    extra = f" (faults: {', '.join(str(f) for f in faults)})" if faults else ""
    method = entry.get("method", "GET")
    path = entry.get("path", "?")
    return f"azaudio-emulator: #{entry.get('seq')} {method} {path}{version} -> {entry.get('status')}{extra}"


class RequestLog:
    """A bounded, thread-safe list of what the emulator received."""

    def __init__(self, limit: int = 1000, verbose: bool = False) -> None:
        self._verbose = verbose
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._ids = itertools.count(1)

    def record(self, entry: dict[str, Any]) -> None:
        """Append `entry`, adding ``seq`` and ``time`` and removing secrets
        from its ``headers`` and ``query`` if it has them."""
        entry = dict(entry)
        if "headers" in entry:
            credential = credential_digest(entry["headers"])
            if credential is not None:
                entry["credential"] = credential
            entry["headers"] = redact_headers(entry["headers"])
        if "query" in entry:
            entry["query"] = redact_query(entry["query"])
        entry.setdefault("time", time.time())
        with self._lock:
            entry["seq"] = next(self._ids)
            self._entries.append(entry)
        if self._verbose:
            print(log_line(entry), file=sys.stderr, flush=True)

    def entries(self, path_contains: str = "") -> list[dict[str, Any]]:
        """Entries in arrival order, optionally only those whose path contains a string."""
        with self._lock:
            return [dict(e) for e in self._entries if path_contains in e.get("path", "")]

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
