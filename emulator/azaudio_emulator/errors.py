"""Azure-shaped error responses.

Azure OpenAI answers errors with ``{"error": {"code", "message", ...}}``.
Errors raised by the service's validation layer carry ``param`` and ``type``
as well; errors from Azure's gateway (401, 404, api-version) carry only
``code`` and ``message``. `ApiError` models both, and handlers raise it.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

#: The request body cap of the audio routes, answered with 413.
MAX_BODY_BYTES = 26_214_400
#: The emulator's cap for chat completions: room for 20 MB of audio in base64
#: (Azure's limit on chat audio input) plus the rest of the body.
MAX_CHAT_BODY_BYTES = 32 * 1024 * 1024


class ApiError(Exception):
    """An error to answer with an Azure-shaped JSON body."""

    def __init__(
        self,
        status: int,
        code: Any,
        message: str,
        param: Any = None,
        type_: str | None = "invalid_request_error",
        headers: dict[str, str] | None = None,
        gateway: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.type = type_
        self.headers = headers or {}
        self.gateway = gateway

    def body(self) -> dict[str, Any]:
        """The JSON body: gateway errors omit ``param`` and ``type``."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if not self.gateway:
            error["param"] = self.param
            error["type"] = self.type
        return {"error": error}

    def response(self) -> web.Response:
        """Render as an aiohttp response."""
        return web.Response(
            status=self.status,
            text=json.dumps(self.body()),
            content_type="application/json",
            headers=self.headers,
        )


def invalid(message: str, param: str | None = None, code: str | None = "invalid_value") -> ApiError:
    """A 400 ``invalid_request_error`` naming the offending parameter."""
    return ApiError(400, code, message, param)


def resource_not_found() -> ApiError:
    """Azure's answer to an unknown path or a missing ``api-version``."""
    return ApiError(404, "404", "Resource not found", gateway=True)


def deployment_not_found() -> ApiError:
    """Azure's answer to an unknown deployment name."""
    return ApiError(
        404,
        "DeploymentNotFound",
        "The API deployment for this resource does not exist. If you created the "
        "deployment within the last 5 minutes, please wait a moment and try again.",
        gateway=True,
    )


def api_version_not_supported() -> ApiError:
    """Azure's answer to an ``api-version`` it does not know."""
    return ApiError(400, "BadRequest", "API version not supported", gateway=True)


def api_version_too_old(model: str, minimum: str) -> ApiError:
    """Azure's answer when a model needs a newer ``api-version``."""
    return ApiError(
        400,
        "BadRequest",
        f"Model {model} is enabled only for api versions {minimum} and later",
        gateway=True,
    )


def operation_not_supported(operation: str, model: str) -> ApiError:
    """Azure's answer to a model used on a route it does not serve."""
    return ApiError(
        400,
        "OperationNotSupported",
        f"The {operation} operation does not work with the specified model, {model}. "
        "Please choose different model and try again. You can learn more about which "
        "models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.",
        gateway=True,
    )


def body_too_large(limit: int, bytes_read: int) -> ApiError:
    """The 413 answered for a body over `limit` bytes (closes the connection)."""
    return ApiError(
        413,
        None,
        f"Maximum content size limit ({limit}) exceeded ({bytes_read} bytes read)",
        type_="server_error",
        headers={"Connection": "close"},
    )


def internal_error() -> ApiError:
    """A 500 for an unexpected failure inside the emulator."""
    return ApiError(
        500,
        None,
        "The server had an error while processing your request. Sorry about that!",
        type_="server_error",
    )
