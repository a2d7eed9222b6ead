"""From a request to its target: api-version, deployment, model, operation.

Deployment-based routes name the deployment in the path and are checked before
the body is read; v1 routes name it in the body's ``model`` field, so they are
checked after.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from . import apiversions, errors
from .context import EmulatorContext
from .models import ModelInfo, lookup_model

B = TypeVar("B")


@dataclass(frozen=True)
class Target:
    """Where a request goes."""

    deployment: str
    model_name: str
    model: ModelInfo
    api_version: str | None
    v1: bool


def resolve(ctx: EmulatorContext, deployment: str, operation: str, api_version: str | None, v1: bool) -> Target:
    """Find `deployment` and check that its model serves `operation`."""
    model_name = ctx.deployments.get(deployment)
    model = lookup_model(model_name) if model_name else None
    if model is None:
        raise errors.deployment_not_found()
    if operation not in model.operations:
        raise errors.operation_not_supported(operation, model_name)
    apiversions.check_model(api_version, model, model_name)
    return Target(deployment, model_name, model, api_version, v1)


async def open_request(
    request: web.Request,
    ctx: EmulatorContext,
    operation: str,
    read_body: Callable[[web.Request], Awaitable[B]],
    model_of: Callable[[B], Any],
) -> tuple[Target, B]:
    """Check the route, read the body, and return the target with the body.

    `model_of` extracts the ``model`` field from the body (v1 routes only).
    """
    v1 = "deployment" not in request.match_info
    api_version = apiversions.check(request.query, v1)
    target = None if v1 else resolve(ctx, request.match_info["deployment"], operation, api_version, v1)
    body = await read_body(request)
    if target is None:
        model = model_of(body)
        if model is None:
            raise errors.invalid("Missing required parameter: 'model'.", "model", "missing_required_parameter")
        if not isinstance(model, str):
            raise errors.invalid("Invalid type for 'model': expected a string.", "model", "invalid_type")
        target = resolve(ctx, model, operation, api_version, v1)
    return target, body
