"""make bench-gateway: azaudio-gateway under N concurrent SIPp calls, each streaming mu-law RTP both ways, against
bench/realtime_server/rt_echo_server (every append comes back as reply audio, so the gateway plays out as much as
it takes in). Prints, per N: calls answered, RTP packets the gateway dropped (send queue full, jitter-buffer
overflow or late), the p50/p99/max gap between consecutive outgoing RTP packets of a call (target p99 <= 25 ms
at 20 ms pacing), the gateway's CPU per call-second and RSS per call.

    emulator/.venv/bin/python bench/gateway/bench_gateway.py [--calls 10,25,50] [--seconds 20]
    ... --smoke    (5 calls, 3 s: the harness cannot rot; numbers not checked)
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import select
import socket
import struct
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "gateway"))
import gwlib  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE


def tone_wav(path: str, seconds: float) -> None:
    import math

    sys.path.insert(0, os.path.join(ROOT, "emulator"))
    from azaudio_emulator.realtime import g711

    pcm = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(int(8000 * seconds))
    )
    import audio_tools

    audio_tools.write_ulaw_wav(path, g711.encode(pcm, "ulaw"))


def record(sock: socket.socket, until: float) -> dict:
    """Arrival times per SSRC until `until` (monotonic)."""
    per: dict = {}
    while time.monotonic() < until:
        r, _, _ = select.select([sock], [], [], 0.1)
        if not r:
            continue
        while True:
            try:
                data = sock.recv(2048)
            except BlockingIOError:
                break
            if len(data) >= 12:
                per.setdefault(struct.unpack("!I", data[8:12])[0], []).append(time.monotonic())
    return per


def run(n: int, seconds: float, echo_url: str, work: str) -> dict:
    env = dict(os.environ, AZURE_OPENAI_ENDPOINT=echo_url, AZURE_OPENAI_API_KEY="bench")
    # SIPp sends from its media port while its SDP names the capture socket: asymmetric RTP, so no latching.
    gw = gwlib.Gateway("--max-calls", str(n + 5), "--no-rtp-latch", env=env, rtp_base=20000)
    pid = gw.proc.pid
    wav = os.path.join(work, f"tone-{seconds}.wav")
    if not os.path.exists(wav):
        tone_wav(wav, seconds + 1)
    cap = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    cap.bind(("127.0.0.1", 0))
    cap.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    cap.setblocking(False)
    rss0 = rss_bytes(pid)
    import threading

    result: dict = {}
    sipp = threading.Thread(
        target=lambda: result.update(
            sipp=gwlib.sipp(
                "call.xml",
                gw.sip_port,
                {
                    "CALLER_WAV": wav,
                    "DTMF_PCAP": "/usr/share/sip-tester/dtmf_2833_1.pcap",
                    "SPEECH_MS": int(seconds * 1000),
                    "HOLD_MS": 200,
                },
                keys={"capture_port": cap.getsockname()[1]},
                calls=n,
                rate=max(n, 10),
                timeout=seconds + 60,
                workdir=work,
            )
        )
    )
    sipp.start()
    # The measurement window: from when all calls are up to just before they end.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(gw.events("established")) < n:
        time.sleep(0.05)
    t0, c0 = time.monotonic(), cpu_seconds(pid)
    window = max(1.0, seconds - 1.5)
    per = record(cap, t0 + window)
    t1, c1 = time.monotonic(), cpu_seconds(pid)
    rss1 = rss_bytes(pid)
    sipp.join()
    gw.wait_for(r"event=ended", 10)
    time.sleep(0.5)
    status = gw.status()
    gw.stop()
    cap.close()
    gaps = sorted(b - a for times in per.values() for a, b in zip(times, times[1:], strict=False))
    dropped = status["rtp_dropped_busy"]
    for line in gw.events("ended"):
        for key in ("jb_overflow", "jb_late"):
            m = re.search(rf"{key}=(\d+)", line)
            dropped += int(m.group(1)) if m else 0

    def pct(p: float) -> float:
        return 1000 * gaps[min(len(gaps) - 1, int(p * len(gaps)))] if gaps else float("nan")

    return {
        "calls": n,
        "answered": status["calls_answered"],
        "streams_seen": len(per),
        "dropped": dropped,
        "rtp_in": status["rtp_in"],
        "rtp_out": status["rtp_out"],
        "gap_p50_ms": pct(0.5),
        "gap_p99_ms": pct(0.99),
        "gap_max_ms": 1000 * gaps[-1] if gaps else float("nan"),
        "cpu_ms_per_call_s": 1000 * (c1 - c0) / (n * (t1 - t0)),
        "rss_kib_per_call": (rss1 - rss0) / 1024 / n,
        "sipp_rc": result.get("sipp", (None,))[0],
    }


def added_delay(echo_url: str, bursts: int) -> list[float]:
    """One call: silence with a loud 20 ms frame every 500 ms; the time from sending each loud frame to the loud
    echo arriving back is what the gateway adds both ways (jitter buffer, 20 ms clocks, playout) plus the
    library's WebSocket round trip to the echo server on loopback (about a millisecond)."""
    env = dict(os.environ, AZURE_OPENAI_ENDPOINT=echo_url, AZURE_OPENAI_API_KEY="bench")
    gw = gwlib.Gateway(env=env, rtp_base=24000)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    caller = gwlib.SipCaller(gw.sip_port, sock.getsockname()[1])
    delays: list[float] = []
    try:
        if caller.invite(15)[0] != 200:
            return delays
        dst = ("127.0.0.1", caller.remote_rtp)
        stream = gwlib.RtpStream(3)
        loud = bytes([0x80, 0x00] * 80)  # full-scale mu-law, alternating sign
        start = time.monotonic()
        sent_at = None
        for i in range(bursts * 25 + 25):
            due = start + i * 0.02
            while time.monotonic() < due:
                r, _, _ = select.select([sock], [], [], max(0.0, due - time.monotonic()))
                if r:
                    data = sock.recv(2048)
                    if sent_at is not None and len(data) > 12 and min(b & 0x7F for b in data[12:]) < 16:
                        delays.append(1000 * (time.monotonic() - sent_at))
                        sent_at = None
            is_loud = i % 25 == 12 and i < bursts * 25
            payload = loud if is_loud else b"\xff" * 160
            sock.sendto(gwlib.rtp_packet(stream.seq + i, stream.ts + 160 * i, stream.ssrc, payload), dst)
            if is_loud:
                sent_at = time.monotonic()
        caller.bye()
    finally:
        caller.close()
        sock.close()
        gw.stop()
    return delays


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", default="10,25,50")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        args.calls, args.seconds = "5", 3
    work = os.path.join("/tmp", f"azaudio-gw-bench.{os.getpid()}")
    os.makedirs(work, exist_ok=True)
    server = os.path.join(ROOT, "build", "bench", "rt_echo_server_gw")
    os.makedirs(os.path.dirname(server), exist_ok=True)  # rebuilt every run: small, and it must have --g711
    subprocess.run(
        [
            "cc",
            "-std=c11",
            "-O2",
            *sorted(glob.glob(os.path.join(ROOT, "bench", "realtime_server", "*.c"))),
            "-o",
            server,
            "-lssl",
            "-lcrypto",
        ],
        check=True,
    )
    port = gwlib.free_port()
    echo = subprocess.Popen(
        [server, "--port", str(port), "--host", "127.0.0.1", "--g711"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    echo.stdout.readline()
    failed = 0
    try:
        print("calls answered streams dropped  gap p50/p99/max ms   CPU ms per call-s  RSS KiB per call")
        for n in [int(x) for x in args.calls.split(",")]:
            r = run(n, args.seconds, f"http://127.0.0.1:{port}", work)
            print(
                f"{r['calls']:5d} {r['answered']:8d} {r['streams_seen']:7d} {r['dropped']:7d}  "
                f"{r['gap_p50_ms']:5.1f} / {r['gap_p99_ms']:5.1f} / {r['gap_max_ms']:5.1f}   "
                f"{r['cpu_ms_per_call_s']:8.2f}            {r['rss_kib_per_call']:8.1f}",
                flush=True,
            )
            failed += r["answered"] != n or r["sipp_rc"] != 0
        d = sorted(added_delay(f"http://127.0.0.1:{port}", 4 if args.smoke else 20))
        if d:
            print(
                f"added delay, caller -> gateway -> session -> gateway -> caller: median {d[len(d) // 2]:.1f} ms, "
                f"max {d[-1]:.1f} ms ({len(d)} bursts; target <= 60 ms)"
            )
        else:
            print("added delay: no burst came back")
            failed += 1
    finally:
        echo.stdin.close()
        echo.wait(timeout=10)
    print(f"gateway bench: {'ok' if not failed else 'some calls failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
