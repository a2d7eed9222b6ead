"""The shared state of one emulator instance.

`EmulatorContext` is the single object handed to every request handler, REST
and realtime alike: the accepted key, the deployment table, the pacing knobs,
the speech engines, the fault queue and the request log. It also builds the two
responses every handler needs: the 401 for a missing or wrong key, and an
Azure-shaped error body.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    from .faults import FaultQueue
    from .requestlog import RequestLog
    from .stt import STTEngine
    from .tts import TTSEngine

#: The exact body Azure OpenAI answers a request that has no valid key with.
UNAUTHORIZED_MESSAGE = (
    "Access denied due to invalid subscription key or wrong API endpoint. "
    "Make sure to provide a valid key for an active subscription and use a "
    "correct regional API endpoint for your resource."
)


@dataclass
class EmulatorContext:
    """Everything a handler needs; one instance per running emulator."""

    api_key: str
    deployments: dict[str, str]
    speed: float
    session_max_seconds: float
    tts: "TTSEngine"
    stt: "STTEngine"
    faults: "FaultQueue"
    log: "RequestLog"

    def check_auth(self, request: web.Request) -> web.Response | None:
        """Return None when `request` carries the accepted key, else Azure's 401.

        Accepted: an ``api-key`` header, an ``Authorization: Bearer`` token, and
        (for the realtime WebSocket routes only, as browsers cannot set headers)
        an ``api-key`` query parameter. Comparison is constant-time.
        """
        candidates = [request.headers.get("api-key", "")]
        authorization = request.headers.get("Authorization", "")
        if authorization[:7].lower() == "bearer ":
            candidates.append(authorization[7:].strip())
        if request.path.rstrip("/").endswith("/realtime"):
            candidates.append(request.query.get("api-key", ""))
        expected = self.api_key.encode()
        for candidate in candidates:
            if candidate and secrets.compare_digest(candidate.encode(), expected):
                return None
        body = {"error": {"code": "401", "message": UNAUTHORIZED_MESSAGE}}
        return web.json_response(body, status=401)

    def azure_error(
        self,
        status: int,
        code: str,
        message: str,
        param: Any = None,
        type_: str = "invalid_request_error",
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        """Build an Azure-shaped ``{"error": {...}}`` JSON response."""
        body = {"error": {"code": code, "message": message, "param": param, "type": type_}}
        return web.Response(
            status=status,
            text=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
