"""API key checks: the ``api-key`` header, ``Authorization: Bearer``, and for
the realtime routes only the ``api-key`` query parameter (browsers cannot set
WebSocket headers)."""

from __future__ import annotations

import secrets

from aiohttp import web

from .errors import ApiError

UNAUTHORIZED_MESSAGE = (
    "Access denied due to invalid subscription key or wrong API endpoint. "
    "Make sure to provide a valid key for an active subscription and use a "
    "correct regional API endpoint for your resource."
)

#: Header names whose values are credentials and never logged or echoed.
SECRET_HEADERS = frozenset({"api-key", "authorization", "proxy-authorization", "cookie", "ocp-apim-subscription-key"})


def is_realtime_path(path: str) -> bool:
    """True for the realtime WebSocket routes."""
    return path.rstrip("/").endswith("/realtime")


def presented_keys(request: web.Request) -> list[str]:
    """Every credential the request presents, in the places Azure reads them."""
    keys = [request.headers.get("api-key", "")]
    authorization = request.headers.get("Authorization", "")
    if authorization[:7].lower() == "bearer ":
        keys.append(authorization[7:].strip())
    if is_realtime_path(request.path):
        keys.append(request.query.get("api-key", ""))
    return [key for key in keys if key]


def is_authorised(request: web.Request, api_key: str) -> bool:
    """True when one presented credential equals `api_key` (constant time)."""
    expected = api_key.encode()
    return any(secrets.compare_digest(key.encode(), expected) for key in presented_keys(request))


def unauthorised() -> ApiError:
    """Azure's 401."""
    return ApiError(401, "401", UNAUTHORIZED_MESSAGE, gateway=True)
