"""Caller audio as C pointers: bytes-like objects and numpy arrays in, bytes or arrays out. Internal to the audio
kit and the realtime session."""

from __future__ import annotations

import ctypes
import sys
from typing import Any, Optional, Union

from . import _native as n
from .errors import InvalidArgumentError

#: The numpy dtype of one sample of each format (24-bit PCM has none: its samples are 3 raw bytes).
_DTYPES = {
    n.AZAUDIO_FORMAT_PCM16: "<i2",
    n.AZAUDIO_FORMAT_PCM32: "<i4",
    n.AZAUDIO_FORMAT_FLOAT32: "<f4",
    n.AZAUDIO_FORMAT_FLOAT64: "<f8",
}


def _dtype(format: int) -> str:
    """The dtype a numpy array given as samples of ``format`` is converted to (bytes for the byte formats)."""
    return _DTYPES.get(format, "uint8")


#: bytes, bytearray, memoryview, or a numpy array.
Buffer = Union[bytes, bytearray, memoryview, Any]

_P_INT16 = ctypes.POINTER(ctypes.c_int16)
_P_UINT8 = ctypes.POINTER(ctypes.c_uint8)


def _numpy() -> Any:
    """numpy if the program has imported it (an array can only come from a program that did)."""
    return sys.modules.get("numpy")


def _is_array(data: object) -> bool:
    np = _numpy()
    return np is not None and isinstance(data, np.ndarray)


class _Input:
    """A read-only view of caller data as a C pointer: ``address`` (int or None), ``size`` in bytes."""

    def __init__(self, data: Buffer, dtype: str = "uint8") -> None:
        self.keep: Any = data
        if _is_array(data):
            np = _numpy()
            array = np.ascontiguousarray(data, dtype=np.dtype(dtype))
            self.keep = array
            self.address: Optional[int] = int(array.ctypes.data) if array.size else None
            self.size = int(array.nbytes)
            return
        if isinstance(data, memoryview):
            if not data.contiguous or data.readonly:
                data = data.tobytes()
            else:
                data = data.cast("B")
        if isinstance(data, (bytearray, memoryview)):
            array_type = ctypes.c_char * len(data)
            view = array_type.from_buffer(data)
            self.keep = (data, view)
            self.address = ctypes.addressof(view) if len(data) else None
            self.size = len(data)
        elif isinstance(data, bytes):
            pointer = ctypes.c_char_p(data)
            self.keep = (data, pointer)
            self.address = ctypes.cast(pointer, ctypes.c_void_p).value if data else None
            self.size = len(data)
        else:
            raise TypeError(f"expected bytes, bytearray, memoryview or a numpy array, not {type(data).__name__}")

    def as_(self, pointer_type: Any) -> Any:
        return ctypes.cast(self.address, pointer_type) if self.address else None


def _pcm_input(pcm: Buffer) -> tuple[_Input, int]:
    view = _Input(pcm, "int16")
    if view.size % 2:
        raise InvalidArgumentError(
            n.AZAUDIO_ERR_INVALID_ARGUMENT, f"PCM16 audio must be whole 2-byte samples; got {view.size} bytes"
        )
    return view, view.size // 2


class _Output:
    """A buffer the library writes ``count`` items of ``dtype`` into; bytes or a numpy array afterwards."""

    def __init__(self, count: int, dtype: str, as_array: bool) -> None:
        self.count = count
        self.itemsize = 2 if dtype == "int16" else 1
        self.array: Any = None
        if as_array:
            np = _numpy()
            self.array = np.empty(count, dtype=np.dtype(dtype))
            self.address: Optional[int] = int(self.array.ctypes.data) if count else None
        else:
            self.buffer = ctypes.create_string_buffer(max(count * self.itemsize, 1))
            self.address = ctypes.addressof(self.buffer) if count else None

    def as_(self, pointer_type: Any) -> Any:
        return ctypes.cast(self.address, pointer_type) if self.address else None

    def result(self, written: Optional[int] = None) -> Any:
        used = self.count if written is None else written
        if self.array is not None:
            return self.array[:used].copy() if used != self.count else self.array
        return ctypes.string_at(self.buffer, used * self.itemsize) if used else b""
