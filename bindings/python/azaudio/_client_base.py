"""What every part of :class:`azaudio.Client` uses: the handle, the per-thread errors of its callbacks, and the
per-call options every REST call shares. Internal: the client's capabilities (_rest_transcribe, _rest_speech,
_chat, _client_realtime) are mixins on this base, joined in azaudio.client."""

from __future__ import annotations

from typing import Any, Optional

from . import _native as n
from ._calls import Guard, ThreadErrors, finish
from ._options import CallOptions, milliseconds
from ._owned import Owned
from .errors import ClosedError


class ClientBase(Owned):
    """The handle of an azaudio_client and the helpers its calls share."""

    _handle: Optional[int]
    _errors: ThreadErrors

    def _live(self) -> int:
        if self._handle is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the client is closed")
        return self._handle

    def _finish(self, code: int, guard: Optional[Guard] = None) -> None:
        finish(self._handle, code, guard, self._errors)

    def _call_options(self, options: Any, token: Any, call: CallOptions) -> None:
        """Fill the fields every REST call's C options share: the cancel token, ``timeout`` and ``max_retries``."""
        options.cancel_token = token.handle
        options.timeout_ms = milliseconds(call.get("timeout"), unset=-1, name="timeout")
        max_retries = call.get("max_retries")
        if max_retries is not None:
            options.max_retries = max_retries
