"""The realtime benchmark from Python, with the same method and JSON keys as bench_realtime.c.

    python py_realtime.py --impl openai|azaudio --url http://127.0.0.1:PORT [--sessions N] [--seconds T]
                          [--groups G] [--server-pid PID] [--delivery callback|pull] [--handler full|count]

--impl openai: the openai SDK's async realtime client (AsyncOpenAI with base_url .../openai/v1 and
websocket_base_url ws://.../openai/v1, the GA route), every session in one asyncio loop: a sender coroutine paces
all sessions, one receiver task per session iterates its events.
--impl azaudio: libazaudio's Python binding: Client.realtime with an on_event callback on the library's I/O thread
(--delivery callback, the default), or pull mode with one thread (--delivery pull): the sending thread waits on the
sessions' readiness descriptors between sends and takes each ready session's events in one batch.
Exits with status 4 and {"available": false} if the binding has no realtime API.

Frames carry (session index, frame number, client send time) in their first 16 bytes; the server's "ts_us" gives
the server-send -> delivery latency. CPU is this process's getrusage over the window first frame -> last echo.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import resource
import struct
import sys
import time

FRAME_BYTES = 960
FRAME_S = 0.020


def cpu_ms() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000.0


def rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGESIZE") // 1024)


def proc_cpu_ms(pid: int) -> float:
    if pid <= 0:
        return -1.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def pct(v: list[float], p: float) -> float:
    if not v:
        return -1.0
    return v[int(p * (len(v) - 1) + 0.5)]


class State:
    def __init__(self, index: int) -> None:
        self.index = index
        self.sent = 0
        self.send_errors = 0
        self.received = 0
        self.next_expected = 0
        self.reordered = 0
        self.foreign = 0
        self.errors = 0
        self.lat_server: list[float] = []
        self.lat_rtt: list[float] = []

    def on_audio(self, audio: bytes, ts_us: object) -> None:
        now = time.monotonic_ns()
        if len(audio) < 16:
            self.foreign += 1
            return
        index, seq, sent_ns = struct.unpack_from("<IIq", audio)
        if index != self.index:
            self.foreign += 1
            return
        if seq != self.next_expected:
            self.reordered += 1
        self.next_expected = seq + 1
        self.lat_rtt.append((now - sent_ns) / 1e6)
        if isinstance(ts_us, int):
            self.lat_server.append((now // 1000 - ts_us) / 1e3)
        self.received += 1


def frame_for(state: State, seq: int, template: bytearray) -> bytes:
    struct.pack_into("<IIq", template, 0, state.index, seq, time.monotonic_ns())
    return bytes(template)


def report(
    args: argparse.Namespace,
    label: str,
    states: list[State],
    frames: int,
    window: tuple,
    rss: tuple,
    connect_ms: list[float],
    cpu_connect: float,
) -> int:
    (w0, w1, c0, c1, s0, s1) = window
    n = len(states)
    sent = sum(s.sent for s in states)
    send_errors = sum(s.send_errors for s in states)
    received = sum(s.received for s in states)
    server = sorted(x for s in states for x in s.lat_server)
    rtt = sorted(x for s in states for x in s.lat_rtt)
    connect_ms = sorted(connect_ms)
    session_seconds = n * frames / 50.0
    lost = sent - received + send_errors
    out = {
        "contender": label,
        "delivery": getattr(args, "delivery", None) if label == "libazaudio-python" else None,
        "sessions": n,
        "seconds": frames / 50.0,
        "session_seconds": session_seconds,
        "window_s": w1 - w0,
        "cpu_ms": c1 - c0,
        "cpu_ms_per_session_s": (c1 - c0) / session_seconds,
        "cpu_connect_ms": cpu_connect,
        "frames_planned": frames * n,
        "frames_sent": sent,
        "send_errors": send_errors,
        "frames_echoed": received,
        "frames_lost": lost,
        "reordered": sum(s.reordered for s in states),
        "foreign": sum(s.foreign for s in states),
        "error_events": sum(s.errors for s in states),
        "lat_server_ms": {
            "n": len(server),
            "median": pct(server, 0.5),
            "p99": pct(server, 0.99),
            "max": server[-1] if server else -1,
        },
        "lat_rtt_ms": {"n": len(rtt), "median": pct(rtt, 0.5), "p99": pct(rtt, 0.99), "max": rtt[-1] if rtt else -1},
        "rss_before_kb": rss[0],
        "rss_after_kb": rss[1],
        "rss_per_session_kb": (rss[1] - rss[0]) / n,
        "connect_ms": {"median": pct(connect_ms, 0.5), "p99": pct(connect_ms, 0.99), "max": connect_ms[-1]},
        "server_cpu_ms": (s1 - s0) if args.server_pid else -1,
        "server_cpu_ms_per_session_s": (s1 - s0) / session_seconds if args.server_pid else -1,
    }
    print(json.dumps(out))
    return 0 if lost == 0 else 3


# ---- openai SDK ------------------------------------------------------------------------------------------------


async def run_openai(args: argparse.Namespace) -> int:
    import openai

    base = args.url.rstrip("/")
    client = openai.AsyncOpenAI(
        api_key="bench-key",
        base_url=base + "/openai/v1",
        websocket_base_url=base.replace("http://", "ws://") + "/openai/v1",
    )
    n, frames = args.sessions, int(args.seconds * 50 + 0.5)
    states = [State(i) for i in range(n)]
    managers, conns, connect_ms = [], [], []
    # One warm-up session first (imports of the realtime modules and websockets happen on first use), as in C.
    async with client.realtime.connect(model="gpt-realtime") as warm:
        await warm.session.update(session={"type": "realtime", "audio": {"input": {"turn_detection": None}}})
        while (await warm.recv()).type != "session.updated":
            pass
    rss0 = rss_kb()
    cc0 = cpu_ms()
    for _ in range(n):
        t0 = time.monotonic_ns()
        manager = client.realtime.connect(model="gpt-realtime")
        conn = await manager.__aenter__()
        await conn.session.update(session={"type": "realtime", "audio": {"input": {"turn_detection": None}}})
        while True:  # ready = session.updated, as libazaudio's connect() defines it
            event = await conn.recv()
            if event.type == "session.updated":
                break
        connect_ms.append((time.monotonic_ns() - t0) / 1e6)
        managers.append(manager)
        conns.append(conn)
    cpu_connect = cpu_ms() - cc0

    async def receive(conn, state: State) -> None:
        try:
            async for event in conn:
                if event.type == "response.output_audio.delta":
                    extra = event.model_extra or {}
                    state.on_audio(base64.b64decode(event.delta), extra.get("ts_us"))
                elif event.type == "error":
                    state.errors += 1
        except Exception:  # the connection closed at the end
            pass

    receivers = [asyncio.create_task(receive(c, s)) for c, s in zip(conns, states, strict=False)]
    groups = max(1, min(args.groups, n))
    template = bytearray((i * 37) & 0xFF for i in range(FRAME_BYTES))
    s0 = proc_cpu_ms(args.server_pid)
    c0 = cpu_ms()
    w0 = time.monotonic()
    start = w0 + 0.002
    for f in range(frames):
        for g in range(groups):
            delay = start + f * FRAME_S + g * FRAME_S / groups - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            for i in range(g, n, groups):
                st = states[i]
                try:
                    await conns[i].input_audio_buffer.append(
                        audio=base64.b64encode(frame_for(st, f, template)).decode("ascii")
                    )
                    st.sent += 1
                except Exception:
                    st.send_errors += 1
    rss1 = rss_kb()
    sent = sum(s.sent for s in states)
    deadline = time.monotonic() + 5
    while sum(s.received for s in states) < sent and time.monotonic() < deadline:
        await asyncio.sleep(0.001)
    w1 = time.monotonic()
    c1 = cpu_ms()
    s1 = proc_cpu_ms(args.server_pid)
    rss1 = max(rss1, rss_kb())
    for m in managers:
        await m.__aexit__(None, None, None)
    for r in receivers:
        r.cancel()
    return report(
        args, "openai-python", states, frames, (w0, w1, c0, c1, s0, s1), (rss0, rss1), connect_ms, cpu_connect
    )


# ---- azaudio Python binding ------------------------------------------------------------------------------------


def run_azaudio(args: argparse.Namespace) -> int:
    import azaudio

    if not azaudio.has_feature("realtime") or not hasattr(azaudio.Client, "realtime"):
        print(
            json.dumps(
                {
                    "contender": "libazaudio-python",
                    "available": False,
                    "reason": "the Python binding has no realtime API in this tree",
                }
            )
        )
        return 4
    client = azaudio.Client(args.url, api_key="bench-key", proxy="")
    n, frames = args.sessions, int(args.seconds * 50 + 0.5)
    states = [State(i) for i in range(n)]
    audio_delta = azaudio.EventType.AUDIO_DELTA
    error_type = azaudio.EventType.ERROR
    digits_at = re.compile(rb"\d+").match

    def handler(state: State):
        if args.handler == "count":

            def count(event) -> None:  # the binding's own cost: the event's type and audio read, nothing kept
                if event.type == audio_delta and len(event.audio) >= 16:
                    state.received += 1
                elif event.type == error_type:
                    state.errors += 1

            return count

        def on_event(event) -> None:
            if event.type == audio_delta:
                # The server's send time, found in the event's JSON as the C benchmark does (strstr + atoll).
                raw = event.json_bytes
                k = raw.find(b'"ts_us":')
                digits = digits_at(raw, k + 8) if k >= 0 else None
                ts = int(digits.group()) if digits else None
                state.on_audio(event.audio, ts)  # called from one thread only: no lock, as in C
            elif event.type == error_type:
                state.errors += 1

        return on_event

    pull = args.delivery in ("pull", "pull-tick")
    sessions, connect_ms = [], []
    client.realtime(deployment="gpt-realtime", turn_detection=None).destroy()  # warm-up, as in C
    rss0 = rss_kb()
    cc0 = cpu_ms()
    for st in states:
        t0 = time.monotonic_ns()
        on_event = None if pull else handler(st)
        sessions.append(client.realtime(deployment="gpt-realtime", turn_detection=None, on_event=on_event))
        connect_ms.append((time.monotonic_ns() - t0) / 1e6)
    cpu_connect = cpu_ms() - cc0
    wait = _pull_waiter(sessions, states, handler, args.delivery == "pull-tick") if pull else time.sleep
    groups = max(1, min(args.groups, n))
    template = bytearray((i * 37) & 0xFF for i in range(FRAME_BYTES))
    s0 = proc_cpu_ms(args.server_pid)
    c0 = cpu_ms()
    w0 = time.monotonic()
    start = w0 + 0.002
    for f in range(frames):
        for g in range(groups):
            delay = start + f * FRAME_S + g * FRAME_S / groups - time.monotonic()
            if delay > 0:
                wait(delay)
            for i in range(g, n, groups):
                st = states[i]
                try:
                    sessions[i].send_audio(frame_for(st, f, template))
                    st.sent += 1
                except Exception:
                    st.send_errors += 1
    rss1 = rss_kb()
    sent = sum(s.sent for s in states)
    deadline = time.monotonic() + 5
    while sum(s.received for s in states) < sent and time.monotonic() < deadline:
        wait(0.001)
    w1 = time.monotonic()
    c1 = cpu_ms()
    s1 = proc_cpu_ms(args.server_pid)
    rss1 = max(rss1, rss_kb())
    for s in sessions:
        s.destroy()
    client.close()
    return report(
        args, "libazaudio-python", states, frames, (w0, w1, c0, c1, s0, s1), (rss0, rss1), connect_ms, cpu_connect
    )


def _pull_waiter(sessions: list, states: list[State], handler, tick: bool):
    """--delivery pull: the sending thread itself waits for the sessions' readiness descriptors (select.poll) until
    its next send time, and takes every waiting event of each ready session in one batch (take_events). No Python
    code runs on the library's I/O thread, so no thread hands the GIL over per event."""
    import select

    poller = select.poll()
    by_fd = {}
    for session, state in zip(sessions, states, strict=True):
        fd = session.event_fd()
        poller.register(fd, select.POLLIN)
        by_fd[fd] = (session.take_events, handler(state))

    def take_ready() -> None:
        for fd, _ in poller.poll(0):
            take, on_event = by_fd[fd]
            for event in take():
                on_event(event)

    def wait(seconds: float) -> None:
        if tick:  # sleep to the next send, then take what came meanwhile: one wake-up per send tick
            time.sleep(seconds)
            take_ready()
            return
        deadline = time.monotonic() + seconds
        timeout_ms = max(0, int(seconds * 1000))
        while True:
            for fd, _ in poller.poll(timeout_ms):
                take, on_event = by_fd[fd]
                for event in take():
                    on_event(event)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            timeout_ms = int(remaining * 1000)
            if timeout_ms == 0:
                time.sleep(remaining)
                return

    return wait


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--impl", choices=["openai", "azaudio"], required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--groups", type=int, default=4)
    p.add_argument("--server-pid", type=int, default=0)
    p.add_argument(
        "--delivery",
        choices=["callback", "pull", "pull-tick"],
        default="callback",
        help="azaudio: events to on_event on the I/O thread, or pulled in batches by the sending thread (event_fd)",
    )
    p.add_argument(
        "--handler",
        choices=["full", "count"],
        default="full",
        help="azaudio: the handler does what bench_realtime.c's does (frame checks, latencies: the default), or only "
        "reads each event's type and audio and counts it (what the binding itself costs; no latency figures)",
    )
    args = p.parse_args()
    if args.impl == "openai":
        return asyncio.run(run_openai(args))
    return run_azaudio(args)


if __name__ == "__main__":
    sys.exit(main())
