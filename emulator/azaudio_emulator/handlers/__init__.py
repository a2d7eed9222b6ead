"""REST operation handlers and what they share."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from ..context import EmulatorContext
from ..routing import Target

T = TypeVar("T")

CONTEXT = web.AppKey("context", EmulatorContext)
LOG_EXTRA = web.RequestKey("log_extra", dict)


def context(request: web.Request) -> EmulatorContext:
    """The emulator context of the app serving `request`."""
    return request.app[CONTEXT]


async def blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking engine call in the default executor, keeping the loop free."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args))


def note(request: web.Request, target: Target, fields: dict[str, Any]) -> None:
    """Attach the target and the received fields to the request's log entry."""
    request[LOG_EXTRA] = {
        "deployment": target.deployment,
        "model": target.model_name,
        "api_version": target.api_version,
        "fields": fields,
    }
