"""Exceptions raised by azaudio: one class per libazaudio result code (``AZAUDIO_ERR_*``).

Every exception derives from :class:`AzAudioError` and carries what the library reported: ``code`` (the
``AZAUDIO_ERR_*`` number), ``message`` (the library's own message, also ``str(error)``), and for calls that reached
the service ``status`` (HTTP status), ``service_code`` (e.g. ``"DeploymentNotFound"``), ``request_id``
(``apim-request-id``), ``raw_body`` and ``retry_after`` (seconds the service asked to wait, or ``None``).

Errors coming from HTTP answers derive from :class:`APIError`. A few classes also derive from the built-in exception
a Python programmer would catch: :class:`InvalidArgumentError` is a ``ValueError``, :class:`TimeoutError` is a
``builtins.TimeoutError``, :class:`OutOfMemoryError` is a ``MemoryError``.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

from . import _native as n

__all__ = [
    "AzAudioError",
    "InvalidArgumentError",
    "OutOfMemoryError",
    "NetworkError",
    "TLSError",
    "TimeoutError",
    "CancelledError",
    "APIError",
    "AuthenticationError",
    "RateLimitError",
    "NotFoundError",
    "PayloadTooLargeError",
    "UnsupportedError",
    "ProtocolError",
    "ClosedError",
    "BusyError",
    "BadRequestError",
    "ServerError",
    "ContentFilterError",
    "FileIOError",
    "InvalidStateError",
    "InternalError",
    "error_class",
]


class AzAudioError(Exception):
    """A libazaudio call failed. ``code`` is the ``AZAUDIO_ERR_*`` result, ``message`` the library's message."""

    code: int
    message: str
    status: int
    service_code: str
    request_id: str
    raw_body: str
    retry_after: Optional[float]
    #: A transcription or translation cut into pieces that failed after some pieces were answered: their merged
    #: result (an ``azaudio.results.Transcription``); None otherwise.
    partial: Optional[Any] = None

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: int = 0,
        service_code: str = "",
        request_id: str = "",
        raw_body: str = "",
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.service_code = service_code
        self.request_id = request_id
        self.raw_body = raw_body
        self.retry_after = retry_after

    @property
    def result_name(self) -> str:
        """The library's static text for ``code``, e.g. ``"rate limited"``."""
        return n.text(n.lib.azaudio_result_string(self.code))

    def __str__(self) -> str:
        return self.message or self.result_name

    def __repr__(self) -> str:
        extra = f", status={self.status}" if self.status else ""
        return f"{type(self).__name__}(code={self.code}, message={self.message!r}{extra})"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (
                type(self),
                self.code,
                self.message,
                self.status,
                self.service_code,
                self.request_id,
                self.raw_body,
                self.retry_after,
            ),
        )


def _rebuild(
    cls: type[AzAudioError],
    code: int,
    message: str,
    status: int,
    service_code: str,
    request_id: str,
    raw_body: str,
    retry_after: Optional[float],
) -> AzAudioError:
    return cls(
        code,
        message,
        status=status,
        service_code=service_code,
        request_id=request_id,
        raw_body=raw_body,
        retry_after=retry_after,
    )


class InvalidArgumentError(AzAudioError, ValueError):
    """AZAUDIO_ERR_INVALID_ARGUMENT: a bad argument or option value (also a ``ValueError``)."""


class OutOfMemoryError(AzAudioError, MemoryError):
    """AZAUDIO_ERR_OUT_OF_MEMORY: an allocation failed (also a ``MemoryError``)."""


class NetworkError(AzAudioError):
    """AZAUDIO_ERR_NETWORK: could not resolve, connect, send or receive, or the connection dropped."""


class TLSError(NetworkError):
    """AZAUDIO_ERR_TLS: the TLS handshake or certificate verification failed."""


class TimeoutError(AzAudioError, builtins.TimeoutError):
    """AZAUDIO_ERR_TIMEOUT: the connect or total timeout elapsed (also a built-in ``TimeoutError``)."""


class CancelledError(AzAudioError):
    """AZAUDIO_ERR_CANCELLED: the call was cancelled (Ctrl-C, a cancel token, or a callback asked to stop)."""


class APIError(AzAudioError):
    """AZAUDIO_ERR_HTTP, and the base of every error the service answered with: see ``status``,
    ``service_code``, ``request_id``."""


class AuthenticationError(APIError):
    """AZAUDIO_ERR_AUTH: 401 or 403, or the token provider failed: key or token missing, wrong or expired."""


class RateLimitError(APIError):
    """AZAUDIO_ERR_RATE_LIMITED: 429 after the retries allowed; ``retry_after`` is the wait asked for."""


class NotFoundError(APIError):
    """AZAUDIO_ERR_NOT_FOUND: 404 (unknown deployment or route), or a missing local file."""


class PayloadTooLargeError(APIError):
    """AZAUDIO_ERR_PAYLOAD_TOO_LARGE: the request is over the service's limit (checked before sending, or 413)."""


class BadRequestError(APIError):
    """AZAUDIO_ERR_BAD_REQUEST: 400, the service rejected the request's parameters."""


class ServerError(APIError):
    """AZAUDIO_ERR_SERVER: 5xx, the service failed after the retries allowed."""


class ContentFilterError(APIError):
    """AZAUDIO_ERR_CONTENT_FILTER: the service's content filter blocked the request or the response."""


class UnsupportedError(AzAudioError):
    """AZAUDIO_ERR_UNSUPPORTED: the model, format or feature is not supported (also: not in this build)."""


class ProtocolError(AzAudioError):
    """AZAUDIO_ERR_PROTOCOL: malformed data (a server breaking the protocol, a malformed WAV file)."""


class ClosedError(AzAudioError):
    """AZAUDIO_ERR_CLOSED: the object is closed or the connection was closed."""


class BusyError(AzAudioError):
    """AZAUDIO_ERR_BUSY: a bounded queue is full or the object is busy; try again later."""


class FileIOError(AzAudioError):
    """AZAUDIO_ERR_IO: a local file could not be read or written."""


class InvalidStateError(AzAudioError):
    """AZAUDIO_ERR_INVALID_STATE: the call is not valid in the object's current state."""


class InternalError(AzAudioError):
    """AZAUDIO_ERR_INTERNAL: a bug in libazaudio; please report it with the message."""


#: The one table from result code to exception class. Unknown codes give AzAudioError.
_CLASSES: dict[int, type[AzAudioError]] = {
    n.AZAUDIO_ERR_INVALID_ARGUMENT: InvalidArgumentError,
    n.AZAUDIO_ERR_OUT_OF_MEMORY: OutOfMemoryError,
    n.AZAUDIO_ERR_NETWORK: NetworkError,
    n.AZAUDIO_ERR_TLS: TLSError,
    n.AZAUDIO_ERR_TIMEOUT: TimeoutError,
    n.AZAUDIO_ERR_CANCELLED: CancelledError,
    n.AZAUDIO_ERR_HTTP: APIError,
    n.AZAUDIO_ERR_AUTH: AuthenticationError,
    n.AZAUDIO_ERR_RATE_LIMITED: RateLimitError,
    n.AZAUDIO_ERR_NOT_FOUND: NotFoundError,
    n.AZAUDIO_ERR_PAYLOAD_TOO_LARGE: PayloadTooLargeError,
    n.AZAUDIO_ERR_UNSUPPORTED: UnsupportedError,
    n.AZAUDIO_ERR_PROTOCOL: ProtocolError,
    n.AZAUDIO_ERR_CLOSED: ClosedError,
    n.AZAUDIO_ERR_BUSY: BusyError,
    n.AZAUDIO_ERR_BAD_REQUEST: BadRequestError,
    n.AZAUDIO_ERR_SERVER: ServerError,
    n.AZAUDIO_ERR_CONTENT_FILTER: ContentFilterError,
    n.AZAUDIO_ERR_IO: FileIOError,
    n.AZAUDIO_ERR_INVALID_STATE: InvalidStateError,
    n.AZAUDIO_ERR_INTERNAL: InternalError,
}


def error_class(code: int) -> type[AzAudioError]:
    """The exception class for an ``AZAUDIO_ERR_*`` code."""
    return _CLASSES.get(code, AzAudioError)


def last_error(code: int) -> AzAudioError:
    """The exception for a failed call made without a client, from azaudio_last_error() of this thread. Must be
    called on the thread that made the call, before any other azaudio call."""
    message = n.text(n.lib.azaudio_last_error())
    return error_class(code)(code, message or n.text(n.lib.azaudio_result_string(code)))


def client_error(client: Optional[int], code: int) -> AzAudioError:
    """The exception for a failed call made with ``client`` (a handle), from azaudio_client_last_error() of this
    thread, with the HTTP status, service code, request id and retry-after. Same thread rule as last_error()."""
    if not client:
        return last_error(code)
    details = n.azaudio_error_details()
    if n.lib.azaudio_client_last_error(client, details) != n.AZAUDIO_OK or details.result == n.AZAUDIO_OK:
        return last_error(code)
    message = n.text(details.message) or n.text(n.lib.azaudio_last_error())
    return error_class(code)(
        code,
        message or n.text(n.lib.azaudio_result_string(code)),
        status=details.http_status,
        service_code=n.text(details.service_code),
        request_id=n.text(details.request_id),
        raw_body=n.text(details.raw_body),
        retry_after=details.retry_after_seconds if details.retry_after_seconds > 0 else None,
    )


def check(code: int) -> None:
    """Raise the exception for ``code`` (from azaudio_last_error()) unless it is AZAUDIO_OK."""
    if code != n.AZAUDIO_OK:
        raise last_error(code)
