"""The shared state of one emulator instance.

`EmulatorContext` is the single object handed to every request handler, REST
and realtime alike: the accepted key, the deployment table, the pacing knobs,
the speech engines, the fault queue and the request log. It also builds the two
responses every handler needs: the 401 for a missing or wrong key, and an
Azure-shaped error body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import auth
from .errors import ApiError

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    from .faults import FaultQueue
    from .requestlog import RequestLog
    from .stt import STTEngine
    from .tts import TTSEngine


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
    #: Transcription and translation audio longer than this gets 400; None: no ceiling.
    max_audio_seconds: float | None = None

    def check_auth(self, request: web.Request) -> web.Response | None:
        """Return None when `request` carries the accepted key, else Azure's 401.

        Accepted: an ``api-key`` header, an ``Authorization: Bearer`` token, and
        (for the realtime WebSocket routes only, as browsers cannot set headers)
        an ``api-key`` query parameter. Comparison is constant-time.
        """
        if auth.is_authorised(request, self.api_key):
            return None
        return auth.unauthorised().response()

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
        return ApiError(status, code, message, param, type_, headers).response()
