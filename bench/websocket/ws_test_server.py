"""A strict WebSocket peer for libazaudio's WebSocket tests and benchmark, built on the `websockets` library.

Usage: python ws_test_server.py [CERT.pem KEY.pem]
Prints the port it listens on (127.0.0.1), then serves until its standard input closes (or 15 minutes pass).

Paths:
  /echo       echoes every message back
  /close4000  closes at once with code 4000 and reason "bye now"
  /ping       pings the client, waits for the pong, sends "pong received", then echoes
  /midclose   after the first message, sends the first fragment of a text message and drops the connection
  /badutf8    sends a text frame that is not UTF-8, then echoes
  /stall      never reads (so the client's writes back up)
  /refuse     answers the upgrade with 401 and an Azure-style JSON error body
"""

import asyncio
import http
import json
import ssl
import sys

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed


async def handler(ws):
    path = ws.request.path
    if path.startswith("/close4000"):
        await ws.close(4000, "bye now")
        return
    if path.startswith("/midclose"):
        await ws.recv()
        ws.transport.write(b"\x01\x05Hello")
        ws.transport.abort()
        return
    if path.startswith("/badutf8"):
        ws.transport.write(b"\x81\x02\xc3\x28")
    if path.startswith("/stall"):
        await ws.wait_closed()
        return
    if path.startswith("/ping"):
        waiter = await ws.ping(b"abc")
        await waiter
        await ws.send("pong received")
    try:
        async for message in ws:
            await ws.send(message)
    except ConnectionClosed:
        pass  # the tests close, abort and send invalid UTF-8 on purpose: an expected end, not a failure to log


def process_request(connection, request):
    if request.path.startswith("/refuse"):
        body = json.dumps({"error": {"code": "401", "message": "Access denied due to invalid subscription key."}})
        response = connection.respond(http.HTTPStatus.UNAUTHORIZED, body)
        response.headers["Content-Type"] = "application/json"
        response.headers["apim-request-id"] = "req-123"
        return response
    return None


async def main():
    context = None
    if len(sys.argv) >= 3:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
    async with serve(
        handler,
        "127.0.0.1",
        0,
        ssl=context,
        process_request=process_request,
        max_size=None,
        compression=None,
        ping_interval=None,
        max_queue=16,
        close_timeout=1,
    ) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        loop = asyncio.get_running_loop()
        stdin_closed = loop.run_in_executor(None, sys.stdin.read)
        await asyncio.wait_for(stdin_closed, timeout=900)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (asyncio.TimeoutError, KeyboardInterrupt):
        pass
