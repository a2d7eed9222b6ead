"""phone_media_stream.py - a phone carrier's WebSocket media stream bridged to a realtime voice agent (asyncio).

Carriers such as Twilio ("Media Streams") open a WebSocket to your server for each call and send JSON text frames:
``connected``, ``start`` (with the ``streamSid`` and ``mediaFormat`` audio/x-mulaw 8000 Hz), ``media`` (20 ms of the
caller's audio, base64 mu-law, in ``media.payload``), ``mark`` (a mark you sent has been played to the caller),
``dtmf`` and ``stop``. You answer with ``media`` frames (audio to play), ``mark`` frames (tell me when playback
reaches here) and ``clear`` (drop what is queued: the caller interrupted).

This bridge runs one realtime session per call in g711_ulaw both ways, so the carrier's bytes go to the service and
back with no conversion. Barge-in is driven by what the caller has really heard: after each reply chunk the bridge
sends a mark named ``ITEM:MS``; when the carrier echoes it, ``session.audio_played(ITEM, MS)`` tells the library
how much of the reply was played. When the caller talks over the agent the library truncates the reply there and
delivers PLAYBACK_FLUSH, and the bridge sends ``clear``.

    pip install websockets
    AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_API_KEY=... python phone_media_stream.py --port 8765 [--deployment D]

then point the carrier's stream at ``wss://YOUR-HOST/`` (behind a TLS-terminating proxy). Everything runs on one
asyncio loop: no thread of this program waits on the network.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import logging
from typing import Any, Optional

import azaudio
from azaudio import EventType
from azaudio.aio import AsyncClient, AsyncRealtimeSession
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

log = logging.getLogger("phone_media_stream")

ULAW_BYTES_PER_MS = 8  # 8 kHz, one byte per sample


class Call:
    """One carrier WebSocket: waits for ``start``, then bridges media both ways until ``stop`` or a hang-up."""

    def __init__(self, ws: ServerConnection, client: AsyncClient, options: dict[str, Any]) -> None:
        self.ws = ws
        self.client = client
        self.options = options
        self.stream_sid = ""
        self.sent_ms: dict[str, int] = {}  # per reply item: ms of audio sent to the carrier
        self.dropped = 0  # caller frames refused by a full send queue
        self.transcript: list[tuple[str, str]] = []  # ("caller" | "agent", text)

    async def run(self) -> None:
        if not await self._wait_for_start():
            return
        async with self.client.realtime(input_format="g711_ulaw", output_format="g711_ulaw", **self.options) as session:
            replies = asyncio.ensure_future(self._to_carrier(session))
            try:
                await self._from_carrier(session)
            finally:
                await session.close()  # the CLOSED event ends _to_carrier
                await replies

    async def _wait_for_start(self) -> bool:
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("event") == "start":
                start = message["start"]
                self.stream_sid = start.get("streamSid") or message.get("streamSid", "")
                encoding = start.get("mediaFormat", {}).get("encoding", "audio/x-mulaw")
                if encoding != "audio/x-mulaw":
                    log.error("call %s: unsupported media format %s", self.stream_sid, encoding)
                    return False
                log.info("call %s started", self.stream_sid)
                return True
            if message.get("event") == "stop":
                return False
        return False

    async def _from_carrier(self, session: AsyncRealtimeSession) -> None:
        """The caller's audio and the carrier's marks, until ``stop`` or the carrier hangs up."""
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                event = message.get("event")
                if event == "media":
                    media = message["media"]
                    if media.get("track", "inbound") != "inbound":
                        continue
                    try:
                        await session.send_audio(base64.b64decode(media["payload"]))
                    except azaudio.BusyError:
                        self.dropped += 1  # the service is not keeping up: drop 20 ms rather than fall behind
                elif event == "mark":
                    await self._played(session, message["mark"]["name"])
                elif event == "stop":
                    log.info("call %s stopped by the carrier", self.stream_sid)
                    return
        except ConnectionClosed:
            log.info("call %s: the carrier hung up", self.stream_sid)

    async def _played(self, session: AsyncRealtimeSession, mark: str) -> None:
        item, _, ms = mark.rpartition(":")
        if not item or not ms.isdigit():
            return
        try:
            await session.audio_played(item, int(ms))
        except azaudio.InvalidArgumentError:
            pass  # an item the library no longer tracks (its reply was truncated or deleted)

    async def _to_carrier(self, session: AsyncRealtimeSession) -> None:
        """The agent's audio (with a mark after each chunk), clear on barge-in, transcripts to the log."""
        async for event in session:
            try:
                if event.type == EventType.AUDIO_DELTA:
                    self.sent_ms[event.item_id] = (
                        self.sent_ms.get(event.item_id, 0) + len(event.audio) // ULAW_BYTES_PER_MS
                    )
                    await self._send(
                        {
                            "event": "media",
                            "streamSid": self.stream_sid,
                            "media": {"payload": base64.b64encode(event.audio).decode("ascii")},
                        }
                    )
                    await self._send(
                        {
                            "event": "mark",
                            "streamSid": self.stream_sid,
                            "mark": {"name": f"{event.item_id}:{self.sent_ms[event.item_id]}"},
                        }
                    )
                elif event.type == EventType.PLAYBACK_FLUSH:
                    await self._send({"event": "clear", "streamSid": self.stream_sid})
                elif event.type == EventType.INPUT_TRANSCRIPTION_COMPLETED:
                    self.transcript.append(("caller", event.text.strip()))
                    log.info("call %s caller: %s", self.stream_sid, event.text.strip())
                elif event.type == EventType.AUDIO_TRANSCRIPT_DONE:
                    self.transcript.append(("agent", event.text.strip()))
                    log.info("call %s agent: %s", self.stream_sid, event.text.strip())
                elif event.type == EventType.ERROR:
                    log.warning("call %s: service error %s: %s", self.stream_sid, event.error_code, event.text)
            except ConnectionClosed:
                await session.close()  # the carrier is gone: end the session; CLOSED ends this loop

    async def _send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))


async def serve_calls(
    client: AsyncClient,
    host: str,
    port: int,
    options: dict[str, Any],
    ready: Optional["asyncio.Future[int]"] = None,
    calls: Optional[list[Call]] = None,
) -> None:
    """Accept carrier WebSockets on host:port until cancelled. ``ready`` gets the port once listening (port 0
    picks a free one); ``calls`` collects the finished calls (tests)."""

    async def handler(ws: ServerConnection) -> None:
        call = Call(ws, client, options)
        try:
            await call.run()
        except azaudio.AzAudioError as error:
            log.error("call %s failed: %s", call.stream_sid or "?", error)
        finally:
            if calls is not None:
                calls.append(call)

    async with serve(handler, host, port) as server:
        bound = next(iter(server.sockets)).getsockname()[1]
        log.info("listening on ws://%s:%d", host, bound)
        if ready is not None:
            ready.set_result(int(bound))
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--deployment", default="gpt-realtime")
    parser.add_argument("--voice", default=None)
    parser.add_argument("--instructions", default="You are a friendly phone assistant. Answer briefly.")
    parser.add_argument("--transcription-deployment", default="whisper")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    options = {
        "deployment": args.deployment,
        "voice": args.voice,
        "instructions": args.instructions,
        "transcription_deployment": args.transcription_deployment or None,
    }

    async def run() -> None:
        async with AsyncClient.from_env() as client:
            await serve_calls(client, args.host, args.port, options)

    asyncio.run(run())


if __name__ == "__main__":
    main()
