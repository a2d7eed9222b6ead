"""Plumbing for the gateway tests: the gateway process and its log, an RTP recorder, RTP senders, SIPp runs, and
the emulator's control API. The SIP user agents (a caller, a called party) are in sipua.py, re-exported here."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import socket
import struct
import subprocess
import threading
import time
import urllib.request
import uuid

from sipua import SipCallee, SipCaller, recv_sip, sip_headers  # noqa: E402,F401 - the tests use them as gwlib.*

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GATEWAY = os.environ.get("AZAUDIO_GATEWAY", os.path.join(ROOT, "build", "bin", "azaudio-gateway"))
SIPP_DIR = os.path.join(os.path.dirname(__file__), "sipp")
HOST = "127.0.0.1"


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port free for both UDP and TCP (the gateway listens on both)."""
    while True:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((HOST, 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind((HOST, port))
            return port
        except OSError:
            continue
        finally:
            u.close()
            t.close()


class Gateway:
    """azaudio-gateway on a free SIP port, its stdout collected line by line."""

    def __init__(
        self,
        *extra: str,
        wrapper: list[str] | None = None,
        rtp_base: int | None = None,
        env: dict | None = None,
        host: str = HOST,
    ):
        self.sip_port = free_port()
        self.http_port = free_port()
        base = rtp_base or random.randrange(30000, 60000, 200)
        args = [
            GATEWAY,
            "--sip-listen",
            f"{host}:{self.sip_port}",
            "--deployment",
            "gpt-realtime",
            "--rtp-ports",
            f"{base}-{base + 199}",
            "--http-listen",
            f"{HOST}:{self.http_port}",
            *extra,
        ]
        self.proc = subprocess.Popen(
            (wrapper or []) + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for(r"event=listening", 60 if wrapper else 15)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if os.environ.get("GW_TEST_VERBOSE"):
                print("  [gw]", f"{time.time():.3f}", line.rstrip("\n")[:300])

    def wait_for(self, pattern: str, timeout: float = 15.0) -> re.Match | None:
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in list(self.lines):
                m = rx.search(line)
                if m:
                    return m
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        return None

    def events(self, name: str) -> list[str]:
        return [line for line in self.lines if f" event={name}" in line or line.startswith(f"event={name}")]

    def status(self) -> dict:
        with urllib.request.urlopen(f"http://{HOST}:{self.http_port}/status", timeout=5) as r:
            return json.load(r)

    def stop(self) -> int:
        code = stop_process(self.proc, 60)
        self._reader.join(timeout=5)
        return code


class RtpRecorder:
    """Receives RTP on a local port: (arrival, seq, ts, pt, payload) per packet."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.packets: list[tuple[float, int, int, int, bytes]] = []
        self.sources: set = set()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                data, src = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 12:
                continue
            seq, ts = struct.unpack("!HI", data[2:8])
            self.packets.append((time.time(), seq, ts, data[1] & 0x7F, data[12:]))
            self.sources.add(src)

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()

    def audio(self) -> bytes:
        return b"".join(p[4] for p in self.packets)


def stop_process(proc: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM, then SIGKILL if it does not exit in time; returns the exit status."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@contextlib.contextmanager
def answered_call(*gateway_args: str, **gateway_kw):
    """A gateway, an RTP recorder as the caller's media port, and a caller whose INVITE was answered 200."""
    gw = Gateway(*gateway_args, **gateway_kw)
    rec = RtpRecorder()
    caller = SipCaller(gw.sip_port, rec.port)
    try:
        status, _ = caller.invite()
        if status != 200:
            raise AssertionError(f"call: {status}")
        yield gw, rec, caller
    finally:
        caller.close()
        rec.close()
        gw.stop()


def rtp_packet(seq: int, ts: int, ssrc: int, payload: bytes, pt: int = 0, marker: bool = False) -> bytes:
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


class RtpStream:
    """One RTP source: its SSRC and where its sequence numbers and timestamps are."""

    def __init__(self, seed: int = 7) -> None:
        rnd = random.Random(seed)
        self.ssrc, self.seq, self.ts = rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(32)


def send_rtp(
    dst_port: int,
    ulaw: bytes,
    src_sock: socket.socket | None = None,
    loss: float = 0.0,
    reorder: float = 0.0,
    seed: int = 7,
    pt: int = 0,
    stream: RtpStream | None = None,
) -> socket.socket:
    """Sends mu-law audio as 20 ms RTP packets at real-time pace, dropping `loss` of them and swapping `reorder`
    of neighbouring pairs (the second goes first). `stream` continues an earlier call's numbering."""
    rnd = random.Random(seed)
    sock = src_sock or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stream = stream or RtpStream(seed)
    ssrc, seq0, ts0 = stream.ssrc, stream.seq, stream.ts
    frames = [ulaw[i : i + 160].ljust(160, b"\xff") for i in range(0, len(ulaw), 160)]
    stream.seq, stream.ts = (seq0 + len(frames)) & 0xFFFF, (ts0 + 160 * len(frames)) & 0xFFFFFFFF
    start = time.monotonic()
    held = None
    for i, frame in enumerate(frames):
        due = start + i * 0.02
        time.sleep(max(0.0, due - time.monotonic()))
        pkt = rtp_packet(seq0 + i, ts0 + 160 * i, ssrc, frame, pt, marker=(i == 0))
        if i > 0 and rnd.random() < loss:
            continue
        if held is not None:
            sock.sendto(pkt, (HOST, dst_port))
            sock.sendto(held, (HOST, dst_port))
            held = None
        elif i > 0 and rnd.random() < reorder:
            held = pkt
        else:
            sock.sendto(pkt, (HOST, dst_port))
    if held is not None:
        sock.sendto(held, (HOST, dst_port))
    return sock


def sipp(
    scenario: str,
    gw_port: int,
    subst: dict,
    keys: dict | None = None,
    calls: int = 1,
    rate: float = 10,
    timeout: float = 120,
    workdir: str = "/tmp",
    port: int | None = None,
) -> tuple[int, str]:
    """Runs SIPp with a scenario from Tests/gateway/sipp (@NAME@ placeholders replaced from `subst`), on SIP port
    `port` (default: a free one)."""
    with open(os.path.join(SIPP_DIR, scenario)) as f:
        text = f.read()
    for k, v in subst.items():
        text = text.replace(f"@{k}@", str(v))
    path = os.path.join(workdir, f"{uuid.uuid4().hex[:8]}-{scenario}")
    with open(path, "w") as f:
        f.write(text)
    args = [
        "sipp",
        f"{HOST}:{gw_port}",
        "-sf",
        path,
        "-m",
        str(calls),
        "-r",
        str(rate),
        "-i",
        HOST,
        "-p",
        str(port or free_port()),
        "-mi",
        HOST,
        "-mp",
        str(free_port()),
        "-nostdin",
        "-trace_err",
        "-timeout",
        f"{int(timeout)}s",
        "-timeout_error",
    ]
    for k, v in (keys or {}).items():
        args += ["-key", k, str(v)]
    proc = subprocess.run(
        args, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout + 30
    )
    errors = ""
    for name in os.listdir(workdir):
        if name.endswith("_errors.log"):
            with open(os.path.join(workdir, name)) as f:
                errors += f.read()
            os.remove(os.path.join(workdir, name))
    return proc.returncode, errors + proc.stdout[-2000:]


def send_digit(dst_port: int, sock: socket.socket, digit: int, stream: RtpStream, pt: int = 101) -> None:
    """One RFC 4733 key press: three 50 ms updates and the end packet sent three times, all with one timestamp."""
    ts = stream.ts
    for i, (end, duration) in enumerate([(0, 400), (0, 800), (0, 1200), (1, 1600), (1, 1600), (1, 1600)]):
        payload = struct.pack("!BBH", digit, (0x80 if end else 0) | 10, duration)
        sock.sendto(rtp_packet(stream.seq, ts, stream.ssrc, payload, pt, marker=(i == 0)), (HOST, dst_port))
        stream.seq = (stream.seq + 1) & 0xFFFF
        time.sleep(0.05 if i < 3 else 0.005)
    stream.ts = (stream.ts + 1600) & 0xFFFFFFFF


class Emulator:
    """An emulator of its own (for options the shared one does not have), on a free port."""

    def __init__(self, *options: str) -> None:
        exe = os.path.join(ROOT, "emulator", ".venv", "bin", "azaudio-emulator")
        self.proc = subprocess.Popen(
            [exe, "--port", "0", *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.url = ""
        for line in self.proc.stdout:
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                break
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def env(self) -> dict:
        return dict(os.environ, AZURE_OPENAI_ENDPOINT=self.url, AZURE_OPENAI_API_KEY="emulator-key")

    def fault(self, spec: dict) -> None:
        """Queues a fault (POST /_emulator/faults): the next matching connection takes it."""
        req = urllib.request.Request(
            self.url + "/_emulator/faults",
            data=json.dumps(spec).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(req, timeout=10).close()

    def sessions(self) -> list[dict]:
        with urllib.request.urlopen(self.url + "/_emulator/requests", timeout=10) as r:
            return [e for e in json.load(r)["requests"] if e.get("kind") == "realtime"]

    def stop(self) -> None:
        stop_process(self.proc, 15)


def emulator(path: str, method: str = "GET", body: dict | None = None):
    base = os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/")
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"} if data else {}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def realtime_sessions() -> list[dict]:
    return [r for r in emulator("/_emulator/requests")["requests"] if r.get("kind") == "realtime"]


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def run_tests(namespace: dict) -> int:
    """Runs the test_* functions of a module (GW_TEST_ONLY=substring: only the matching ones) and prints
    "N passed, M failed" like the C tests."""
    import traceback

    only = os.environ.get("GW_TEST_ONLY", "")
    tests = [(n, f) for n, f in namespace.items() if n.startswith("test_") and only in n]
    passed = failed = 0
    for name, fn in tests:
        t0 = time.monotonic()
        try:
            fn()
            passed += 1
            print(f"ok   {name} ({time.monotonic() - t0:.1f} s)", flush=True)
        except Exception:  # noqa: BLE001 - report and go on
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - t0:.1f} s)\n{traceback.format_exc()}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
