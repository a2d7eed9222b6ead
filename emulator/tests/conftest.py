"""Fixtures: one emulator served on a free port of 127.0.0.1 for the whole
session (real engines), an HTTP client for it, and spoken test audio."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest
from aiohttp import web
from azaudio_emulator.app import create_app
from azaudio_emulator.context import EmulatorContext
from azaudio_emulator.faults import FaultQueue
from azaudio_emulator.models import DEFAULT_DEPLOYMENTS
from azaudio_emulator.requestlog import RequestLog
from azaudio_emulator.stt import STTEngine
from azaudio_emulator.tts import TTSEngine
from helpers import API_KEY, spoken

API_VERSION = "2025-04-01-preview"


class ServedEmulator:
    """An emulator running on its own event loop in a background thread."""

    def __init__(self, ctx: EmulatorContext) -> None:
        self.ctx = ctx
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(30)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(create_app(self.ctx), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)


@pytest.fixture(scope="session")
def emulator() -> Iterator[ServedEmulator]:
    ctx = EmulatorContext(
        api_key=API_KEY,
        deployments=dict(DEFAULT_DEPLOYMENTS, **{"my-whisper": "whisper-1", "old-tts": "tts-1-hd"}),
        speed=1.0,
        session_max_seconds=60.0,
        tts=TTSEngine(),
        stt=STTEngine(),
        faults=FaultQueue(),
        log=RequestLog(),
    )
    served = ServedEmulator(ctx)
    yield served
    served.stop()


@pytest.fixture(autouse=True)
def _clean_state(request) -> Iterator[None]:
    """Every test starts with no queued faults and an empty request log."""
    yield
    if "emulator" in request.fixturenames:
        emulator = request.getfixturevalue("emulator")
        emulator.ctx.faults.clear()
        emulator.ctx.log.clear()


@pytest.fixture
def client(emulator: ServedEmulator) -> Iterator[httpx.Client]:
    """An httpx client for the emulator, sending the right key."""
    with httpx.Client(base_url=emulator.base_url, headers={"api-key": API_KEY}, timeout=60) as c:
        yield c


@pytest.fixture(scope="session")
def speech_wav() -> bytes:
    """A WAV of espeak-ng clearly saying "one two three four five"."""
    return spoken("one two three four five", "wav")


def deployment_url(deployment: str, operation: str) -> str:
    """The deployment-based URL of an operation."""
    return f"/openai/deployments/{deployment}/{operation}?api-version={API_VERSION}"
