"""The optional compiled bridge (azaudio._cbridge, built from _cbridge.c when a C compiler was there): the realtime
event callback, send_audio of bytes and the reads of an event's JSON and audio without a ctypes call. Internal.

``BRIDGE`` is the initialised module, or None when it was not built, cannot be imported, or AZAUDIO_PURE_PYTHON=1
asks for the ctypes path (the fallback; same behaviour, slower). The extension does not link libazaudio: it gets the
addresses of the functions it calls from the library _native loaded.
"""

from __future__ import annotations

import ctypes
import os
from types import ModuleType
from typing import Any, Optional

from . import _native as n

__all__ = ["BRIDGE", "address"]


def address(function: Any) -> int:
    """The C address of a ctypes foreign function."""
    value = ctypes.cast(function, ctypes.c_void_p).value
    if not value:
        raise ImportError("a libazaudio function has no address")
    return int(value)


def _load() -> Optional[ModuleType]:
    if os.environ.get("AZAUDIO_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from . import _cbridge
    except ImportError:
        return None
    lib = n.lib
    _cbridge.init(
        address(lib.azaudio_realtime_event_type),
        address(lib.azaudio_realtime_send_audio),
        address(lib.azaudio_realtime_event_json),
        address(lib.azaudio_realtime_event_audio),
        address(lib.azaudio_realtime_event_free),
        address(lib.azaudio_realtime_take_events) if n.has("azaudio_realtime_take_events") else 0,
        address(lib.azaudio_realtime_event_json_data) if n.has("azaudio_realtime_event_json_data") else 0,
    )
    return _cbridge


BRIDGE: Optional[ModuleType] = _load()
