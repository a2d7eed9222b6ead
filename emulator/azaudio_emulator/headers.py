"""The response headers Azure OpenAI sends on every answer: request ids, the
region, and (synthetic) rate-limit counters that count down within a minute."""

from __future__ import annotations

import threading
import time
import uuid

from aiohttp import web

REGION = "Emulator Local"
REQUESTS_PER_MINUTE = 1000
TOKENS_PER_MINUTE = 1_000_000
TOKENS_PER_REQUEST = 1000

REQUEST_ID = web.RequestKey("request_id", str)


class RateCounter:
    """Requests counted in the current wall-clock minute (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._minute = -1
        self._count = 0

    def count(self) -> int:
        """Count one request; return how many the current minute has seen."""
        with self._lock:
            minute = int(time.time() // 60)
            if minute != self._minute:
                self._minute, self._count = minute, 0
            self._count += 1
            return self._count


RATE_COUNTER = web.AppKey("rate_counter", RateCounter)


def request_id(request: web.Request) -> str:
    """The request's id (created on first use), sent as apim-request-id."""
    if REQUEST_ID not in request:
        request[REQUEST_ID] = str(uuid.uuid4())
    return request[REQUEST_ID]


async def add_azure_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare`` hook: add Azure's headers to every /openai/ answer."""
    if not request.path.startswith("/openai/"):
        return
    used = request.app[RATE_COUNTER].count()
    rid = request_id(request)
    response.headers["apim-request-id"] = rid
    response.headers["x-request-id"] = rid
    response.headers["x-ms-region"] = REGION
    response.headers["x-ratelimit-remaining-requests"] = str(max(0, REQUESTS_PER_MINUTE - used))
    response.headers["x-ratelimit-remaining-tokens"] = str(max(0, TOKENS_PER_MINUTE - used * TOKENS_PER_REQUEST))
