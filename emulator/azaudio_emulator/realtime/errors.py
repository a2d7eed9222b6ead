"""The payloads of realtime ``error`` events.

A client event the service cannot act on is answered with one ``error`` event;
the session stays open. Its ``error`` object carries ``type``, ``code``,
``message``, ``param`` and ``event_id`` (the offending client event's own
``event_id``, or null). `RealtimeError` is raised by handlers and turned into
that event by the session.
"""

from __future__ import annotations

from typing import Any

from .schema import SchemaError


class RealtimeError(Exception):
    """A client event was refused; becomes one ``error`` event."""

    def __init__(
        self,
        code: str | None,
        message: str,
        param: str | None = None,
        type_: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param
        self.type = type_

    @classmethod
    def from_schema(cls, exc: SchemaError) -> "RealtimeError":
        """Wrap a validation failure."""
        return cls(exc.code, exc.message, exc.param)

    @classmethod
    def check(cls, schema: Any, value: Any, name: str) -> None:
        """Validate ``value`` against ``schema``; raise the first problem as a RealtimeError."""
        try:
            schema.check(value, name)
        except SchemaError as exc:
            raise cls.from_schema(exc) from None

    def payload(self, client_event_id: Any) -> dict:
        """The ``error`` object of the event (``event_id`` echoes the client's)."""
        return {
            "type": self.type,
            "code": self.code,
            "message": self.message,
            "param": self.param,
            "event_id": client_event_id if isinstance(client_event_id, str) else None,
        }


def not_found(kind: str, item_id: str, param: str = "item_id") -> RealtimeError:
    """An unknown conversation item."""
    return RealtimeError(
        "item_not_found",
        f"Error {kind} item: the item with id '{item_id}' does not exist.",
        param,
    )


#: The message the service sends when a session reaches its maximum duration.
def session_expired(max_seconds: float) -> RealtimeError:
    """The error event sent just before the 1001 close at the session limit."""
    minutes = max_seconds / 60.0
    if max_seconds >= 60 and float(minutes).is_integer():
        span = f"{int(minutes)} minutes"
    else:
        span = f"{max_seconds:g} seconds"
    return RealtimeError("session_expired", f"Your session hit the maximum duration of {span}.", None)
