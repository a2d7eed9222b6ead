"""The ctypes binding of libazaudio's C ABI (include/azaudio.h). Internal: use the public modules instead.

This module only loads the library and declares what the header declares: every function's argument and result
types, the option structs (with ``struct_size`` taken from :func:`ctypes.sizeof`), the callback types and the
``#define`` constants the package needs. It contains no engine logic.

Which library is loaded, first match wins:

1. the path in the ``AZAUDIO_LIBRARY`` environment variable;
2. ``libazaudio.so.0`` bundled inside this package by the wheel build;
3. ``build/lib/libazaudio.so.0`` of the source tree this package sits in (a development checkout);
4. ``libazaudio.so.0`` from the system's library search path.

Functions of parts of the C API that the loaded library does not export (an older or partial build) are left
undeclared; :func:`has` tells whether one is there and :func:`require` raises a clear error when it is not.

The declarations themselves are in _native_constants (``#define``s), _native_structs (callback typedefs and structs)
and _native_signatures (functions), all read through this module. They are written by hand and checked, not
generated from the header: tests/test_header.py parses include/azaudio.h and compares every function, field,
callback and constant with them, and compiles a C program that prints each struct's size and field offsets to
compare with ctypes'. Generating them would need that parser (a few regular expressions that know the header's
hand-laid style, not a C parser) at build time, in every place the package is built (an sdist or wheel build has
no include/ beside it), and its output would need the same test anyway; a mirror that drifts already fails the
binding's tests with the field's name.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Any, Optional

from ._native_constants import *  # noqa: F403 - the header's constants, read as _native.AZAUDIO_*
from ._native_constants import AZAUDIO_ERR_INVALID_ARGUMENT, AZAUDIO_ERR_UNSUPPORTED
from ._native_signatures import CORE, SIGNATURES
from ._native_structs import *  # noqa: F403 - the struct and callback types, read as _native.azaudio_*

# ---- loading ------------------------------------------------------------------------------------------------------

_SONAME = "libazaudio.so.0"


def _candidates() -> list[str]:
    """Where to look for the library, in order (see the module docstring)."""
    found: list[str] = []
    env = os.environ.get("AZAUDIO_LIBRARY")
    if env:
        return [env]
    here = Path(__file__).resolve().parent
    bundled = here / _SONAME
    if bundled.exists():
        found.append(str(bundled))
    tree = here.parent.parent.parent / "build" / "lib" / _SONAME
    if tree.exists():
        found.append(str(tree))
    found.append(_SONAME)
    return found


class LibraryNotFoundError(ImportError):
    """libazaudio could not be loaded from any of the places this module looks."""


def _load() -> tuple[ctypes.CDLL, str]:
    errors: list[str] = []
    for candidate in _candidates():
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as error:
            errors.append(f"{candidate}: {error}")
    raise LibraryNotFoundError(
        "cannot load libazaudio (set AZAUDIO_LIBRARY to the path of libazaudio.so.0): " + "; ".join(errors)
    )


def _missing(name: str) -> Any:
    """A stand-in for a function the loaded library lacks: calling it raises UnsupportedError."""

    def call(*_args: Any) -> Any:
        require(name)

    call.__name__ = name
    return call


def _declare(library: ctypes.CDLL) -> set[str]:
    present: set[str] = set()
    for name, (restype, argtypes) in SIGNATURES.items():
        try:
            function = getattr(library, name)
        except AttributeError:
            if name in CORE:
                raise LibraryNotFoundError(f"{library._name} is not libazaudio: it does not export {name}") from None
            setattr(library, name, _missing(name))
            continue
        function.restype = restype
        function.argtypes = list(argtypes)
        present.add(name)
    return present


lib, library_path = _load()
_present = _declare(lib)


_EVENT_READERS = {
    f"azaudio_realtime_event_{field}"
    for field in (
        "type",
        "name",
        "json",
        "text",
        "audio",
        "item_id",
        "response_id",
        "call_id",
        "function_name",
        "status",
        "usage_json",
        "error_code",
        "audio_ms",
        "close_code",
        "free",
        "speaker",
        "segment_times",
        "audio_format",
        "rate_limit",
        "audio_range",
        "received_at",
        "out_of_band",
    )
}


def init_struct(struct: ctypes.Structure) -> int:
    """Fills an options mirror with the library's defaults, as AZAUDIO_INIT does in C: the sized init is told the
    mirror's size, so a newer library never writes past it. Returns the azaudio_result."""
    kind = type(struct).__name__
    if f"{kind}_init_sized" in _present:
        return int(getattr(lib, f"{kind}_init_sized")(ctypes.byref(struct), ctypes.sizeof(struct)))
    # A library without the sized inits is older than this mirror: its struct is no larger, so the unsized init
    # cannot overrun it.
    return int(getattr(lib, f"{kind}_init")(ctypes.byref(struct)))


def _event_readers() -> Any:
    """The realtime event accessors again, called WITHOUT releasing the GIL (ctypes.PyDLL): they only read an
    immutable event and never block, so keeping the GIL saves the hand-over to another Python thread in the middle
    of an event callback (the costly part of a short C call when threads compete). Nothing else is declared here:
    a call that can wait on a lock must release the GIL."""
    readers = ctypes.PyDLL(library_path)
    for name, (restype, argtypes) in SIGNATURES.items():
        if name in _EVENT_READERS and name in _present:
            function = getattr(readers, name)
            function.restype = restype
            function.argtypes = list(argtypes)
    return readers


#: The event accessors that keep the GIL (see _event_readers); same names and signatures as on ``lib``.
event_lib = _event_readers()


def has(name: str) -> bool:
    """Whether the loaded library exports the C function ``name``."""
    return name in _present


def require(name: str) -> None:
    """Raise :class:`azaudio.UnsupportedError` if the loaded library lacks the C function ``name``."""
    if name not in _present:
        from .errors import UnsupportedError

        raise UnsupportedError(
            AZAUDIO_ERR_UNSUPPORTED,
            f"this build of libazaudio ({library_path}, version {version_string()}) has no {name}(): "
            "the feature is not available in this build",
        )


#: Where the libcurl that auditwheel puts into the wheel (Debian's build) looks for CA certificates by default.
_GRAFTED_CURL_CA_FILE = "/etc/ssl/certs/ca-certificates.crt"


def wheel_ca_locations(
    grafted: Optional[bool] = None, default_exists: Optional[bool] = None
) -> tuple[Optional[str], Optional[str]]:
    """(ca_file, ca_path) to give a client that sets neither. With the library from the manylinux wheel, whose
    libcurl was built on Debian and looks in /etc/ssl/certs/ca-certificates.crt, a system that keeps its CAs
    elsewhere (Fedora/RHEL: /etc/pki/tls/certs/ca-bundle.crt) gets the locations its OpenSSL knows, as Python's
    ssl module reports them. (None, None) otherwise: the library's own default."""
    if grafted is None:
        grafted = (Path(library_path).resolve().parent.parent / "azaudio.libs").is_dir()
    if not grafted:
        return None, None
    if default_exists is None:
        default_exists = os.path.exists(_GRAFTED_CURL_CA_FILE)
    if default_exists:
        return None, None
    import ssl

    paths = ssl.get_default_verify_paths()
    cafile = paths.cafile or (paths.openssl_cafile if os.path.exists(paths.openssl_cafile) else None)
    capath = paths.capath or (paths.openssl_capath if os.path.isdir(paths.openssl_capath) else None)
    return cafile, capath


def version_string() -> str:
    """azaudio_version_string() as str."""
    raw: Optional[bytes] = lib.azaudio_version_string()
    return (raw or b"").decode()


def text(raw: Optional[bytes]) -> str:
    """A C string result as str ('' for NULL); invalid UTF-8 is replaced rather than raised."""
    return raw.decode("utf-8", "replace") if raw else ""


def encode(value: Optional[str]) -> Optional[bytes]:
    """A Python string as a C string argument (None stays NULL). Embedded NULs are refused."""
    if value is None:
        return None
    return _no_nul(value.encode("utf-8"), value)


def encode_path(path: "str | os.PathLike[str]") -> bytes:
    """A file system path as a C string argument, encoded as the operating system expects."""
    return _no_nul(os.fsencode(path), path)


def _no_nul(data: bytes, original: object) -> bytes:
    if b"\0" in data:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(AZAUDIO_ERR_INVALID_ARGUMENT, f"string contains a NUL character: {original!r}")
    return data
