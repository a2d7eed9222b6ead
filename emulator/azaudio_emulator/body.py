"""Reading request bodies: JSON and multipart/form-data, with the 26,214,400-byte cap.

The cap is checked twice, as Azure's front end does: against the declared
``Content-Length`` before anything is read, and against the bytes actually
received while reading (chunked uploads declare no length).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from .errors import MAX_BODY_BYTES, ApiError, body_too_large, invalid

_CHUNK = 65_536


@dataclass
class UploadedFile:
    """A file part of a multipart body."""

    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Form:
    """A parsed multipart body: text fields (repeatable) and file parts."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def names(self) -> set[str]:
        """Every part name present."""
        return set(self.fields) | set(self.files)

    def summary(self) -> dict[str, Any]:
        """What the request log shows: fields, and files without their bytes."""
        summary: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in self.fields.items()}
        for name, f in self.files.items():
            summary[name] = {
                "filename": f.filename,
                "content_type": f.content_type,
                "bytes": len(f.data),
                "sha256": hashlib.sha256(f.data).hexdigest(),
            }
        return summary


def unreadable_body() -> ApiError:
    """The body could not be read (a broken transfer or content encoding); the
    connection cannot be reused after it."""
    error = invalid("The request body could not be read.", code=None)
    error.headers["Connection"] = "close"
    return error


def _check_declared_length(request: web.Request, limit: int) -> None:
    declared = request.content_length
    if declared is not None and declared > limit:
        raise body_too_large(limit, declared)


def _check_received(request: web.Request, limit: int) -> None:
    if request.content.total_bytes > limit:
        raise body_too_large(limit, request.content.total_bytes)


async def read_bytes(request: web.Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, refusing more than `limit` bytes."""
    _check_declared_length(request, limit)
    chunks = []
    try:
        async for chunk in request.content.iter_chunked(_CHUNK):
            chunks.append(chunk)
            _check_received(request, limit)
    except web.RequestPayloadError:
        raise unreadable_body() from None
    return b"".join(chunks)


def is_multipart(request: web.Request) -> bool:
    """True when the body is declared multipart/form-data."""
    return request.content_type == "multipart/form-data"


async def read_json(request: web.Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """A JSON object body of at most `limit` bytes; 400 when the body is not one."""
    if request.content_type != "application/json":
        raise invalid(
            f"Invalid Content-Type header ({request.content_type or 'none'}), expected application/json.",
            code=None,
        )
    raw = await read_bytes(request, limit)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise invalid(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
            "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
            "sent was not valid JSON.)",
            code=None,
        ) from None
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.", code=None)
    return body


async def read_form(request: web.Request) -> Form:
    """A multipart/form-data body; 400 when the body is not one."""
    if not is_multipart(request):
        raise invalid(
            f"Invalid Content-Type header ({request.content_type or 'none'}), expected multipart/form-data.",
            code=None,
        )
    _check_declared_length(request, MAX_BODY_BYTES)
    form = Form()
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or not part.name:
                raise invalid("Every multipart part needs a name.", code=None)
            data = bytearray()
            while chunk := await part.read_chunk(_CHUNK):
                data += chunk
                _check_received(request, MAX_BODY_BYTES)
            if part.filename is not None:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                form.files[part.name] = UploadedFile(part.name, part.filename, content_type, bytes(data))
            else:
                text = bytes(data).decode(part.get_charset("utf-8"))
                form.fields.setdefault(part.name, []).append(text)
    except ApiError:
        raise
    except web.RequestPayloadError:
        raise unreadable_body() from None
    except (ValueError, LookupError, AssertionError, RuntimeError, HttpProcessingError):
        raise invalid("The multipart/form-data body could not be parsed.", code=None) from None
    return form
