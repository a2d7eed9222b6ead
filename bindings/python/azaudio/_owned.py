"""The base of the binding's classes that own one library handle. Internal."""

from __future__ import annotations

from types import TracebackType
from typing import Optional, TypeVar

_O = TypeVar("_O", bound="Owned")


class Owned:
    """Owns one library handle: ``close()`` frees it (twice is allowed), leaving a ``with`` block closes it, and so
    does garbage collection as a last resort."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _O) -> _O:
        return self

    def __exit__(
        self, kind: Optional[type[BaseException]], value: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
