"""A session kind's background task that emits after the client went away ends quietly (it used to raise
'Cannot write to closing transport' from a task nobody awaited, logged as 'Task exception was never retrieved')."""

import asyncio

from aiohttp.client_exceptions import ClientConnectionResetError
from azaudio_emulator.realtime.json_session import JsonEventSession


class _ClosingSocket:
    closed = False  # aiohttp says "not closed" while its transport is already closing

    def __init__(self) -> None:
        self.attempts = 0

    async def send_str(self, text: str) -> None:
        self.attempts += 1
        raise ClientConnectionResetError("Cannot write to closing transport")


def test_emit_on_a_closing_transport_returns_without_raising():
    ws = _ClosingSocket()
    session = JsonEventSession(ws)  # type: ignore[arg-type]
    asyncio.run(session.emit("session.output_transcript.delta", delta="x"))
    assert ws.attempts == 1
