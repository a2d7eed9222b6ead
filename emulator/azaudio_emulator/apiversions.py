"""The ``api-version`` rules.

Deployment-based routes require a known dated ``api-version``; v1 routes take
none, or ``preview``/``latest``. Some models need a recent enough version.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import errors
from .models import ModelInfo

DATED_VERSIONS = frozenset(
    {
        "2022-12-01",
        "2023-05-15",
        "2024-02-01",
        "2024-06-01",
        "2024-10-21",
        "2023-06-01-preview",
        "2023-07-01-preview",
        "2023-08-01-preview",
        "2023-09-01-preview",
        "2023-10-01-preview",
        "2023-12-01-preview",
        "2024-02-15-preview",
        "2024-03-01-preview",
        "2024-04-01-preview",
        "2024-05-01-preview",
        "2024-07-01-preview",
        "2024-08-01-preview",
        "2024-09-01-preview",
        "2024-10-01-preview",
        "2024-12-01-preview",
        "2025-01-01-preview",
        "2025-02-01-preview",
        "2025-03-01-preview",
        "2025-04-01-preview",
    }
)
V1_VERSIONS = frozenset({"preview", "latest"})

#: Model family -> the first api-version (by date) that serves it.
MINIMUM_BY_FAMILY = {
    "whisper": "2023-09-01-preview",
    "gpt-4o-transcribe": "2025-03-01-preview",
    # Which dated version first served these is not documented: the emulator takes them where it takes
    # gpt-4o-transcribe (the v1 URLs are what Azure's 2026 docs show).
    "gpt-4o-transcribe-diarize": "2025-03-01-preview",
    "gpt-transcribe": "2025-03-01-preview",
    "tts": "2024-02-15-preview",
    "gpt-4o-mini-tts": "2025-03-01-preview",
    "audio-chat": "2025-01-01-preview",
    "realtime": "2024-10-01-preview",
    # Transcription and translation sessions exist only on the GA (v1) realtime URLs.
    "realtime-transcribe": "2026-01-01-preview",
    "realtime-translate": "2026-01-01-preview",
}


def check(query: Mapping[str, str], v1: bool) -> str | None:
    """Return the request's ``api-version``, raising Azure's error when it is
    missing (deployment routes) or unknown."""
    version = query.get("api-version")
    if v1:
        if version is not None and version not in V1_VERSIONS:
            raise errors.api_version_not_supported()
        return version
    if not version:
        raise errors.resource_not_found()
    if version not in DATED_VERSIONS:
        raise errors.api_version_not_supported()
    return version


def check_model(version: str | None, model: ModelInfo, model_name: str) -> None:
    """Raise Azure's error when a dated `version` predates `model`."""
    minimum = MINIMUM_BY_FAMILY[model.family]
    if version and version not in V1_VERSIONS and version[:10] < minimum[:10]:
        raise errors.api_version_too_old(model_name, minimum)
