"""What every bench/harness.py part shares: paths, contender names, running a measured process, summaries, the
alternation of contenders."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "build" / "bench"
LIB = ROOT / "build" / "lib" / "libazaudio.so.0"
PY = sys.executable  # the bench virtualenv's python (openai, websockets, matplotlib)
EMULATOR = Path(os.environ.get("EMULATOR", ROOT / "emulator" / ".venv" / "bin" / "azaudio-emulator"))
VERSION = "2025-04-01-preview"
NA = "not available"

C, PYB, OAI, CURL = "libazaudio C", "libazaudio Python", "openai-python", "curl"
# The Python binding in pull mode: one thread sends and takes events in batches when the event fd is readable.
PYB_PULL = "libazaudio Python, pull"
# The binding with a handler that only reads each event's type and audio (py_realtime.py --handler count): what the
# binding itself costs, without the benchmark's Python bookkeeping (frame checks, latency lists).
PYB_COUNT = "libazaudio Python, count-only handler"
# The floor (rt_floor): bare_loop's two receive shapes, and the epoll shape with the receiving work the protocol
# requires of any client (--work: UTF-8 check, the delta's fields located, its base64 decoded; bare_work.h).
BARE_RECV, BARE_EPOLL = "bare C loop, recv per send", "bare C loop, epoll reader"
BARE_EPOLL_WORK = "bare C loop, epoll reader + required receive work"
BARE_MODES = {
    BARE_RECV: ["--mode", "recv"],
    BARE_EPOLL: ["--mode", "epoll"],
    BARE_EPOLL_WORK: ["--mode", "epoll", "--work"],
}
# rt_coalesce: libazaudio C with input_audio_coalesce_ms (the default is 0: every frame is its own append).
COALESCE_MS = 60
C_COALESCED = f"libazaudio C, input_audio_coalesce_ms={COALESCE_MS}"
# rt_floor with --baseline-lib DIR: the same bench_realtime loading DIR's libazaudio.so.0 (an older build), in the
# same alternation, for before/after figures of a change.
C_BASELINE = "libazaudio C, baseline library"
# rt_floor's library runs read the server's timestamp from the JSON of every 50th audio event, not of every one: the
# bare loop parses no JSON at all, and copying each event's JSON to read one number is the benchmark's own work (about
# 0.2 ms per session-second here), not the library's cost per frame. rt_cpu keeps reading it from every event.
FLOOR_LIB_ARGS = ("--lat-every", "50")


def loadavg() -> str:
    return open("/proc/loadavg").read().split(" ")[0:3].__str__()


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def py_env() -> dict:
    env = dict(os.environ)
    # scripts/bench.sh copies the binding there with its compiled bridge built; the source tree otherwise.
    copy = ROOT / "build" / "bench" / "pybinding"
    binding = copy if (copy / "azaudio" / "__init__.py").exists() else ROOT / "bindings" / "python"
    env["PYTHONPATH"] = str(binding) + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["AZAUDIO_LIBRARY"] = str(LIB)
    return env


def run_measured(cmd: list, env: Optional[dict] = None, timeout: float = 600, stdin=None) -> dict:
    """Runs a process; returns its stdout, return code, wall ms and peak RSS (KiB, from wait4)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, stdin=stdin or subprocess.DEVNULL
    )
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return {
            "rc": -9,
            "stdout": out.decode(),
            "stderr": err.decode()[-2000:],
            "wall_ms": timeout * 1e3,
            "maxrss_kib": 0,
        }
    wall = (time.perf_counter() - t0) * 1e3
    # communicate() already reaped the child; peak RSS comes from RUSAGE_CHILDREN deltas is not per child, so the
    # programs report their own where it matters. Keep wall time and output here.
    return {"rc": p.returncode, "stdout": out.decode(), "stderr": err.decode()[-2000:], "wall_ms": wall}


def run_wait4(cmd: list, env: Optional[dict] = None) -> dict:
    """Runs a process and reaps it with wait4 for its own peak RSS."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = (time.perf_counter() - t0) * 1e3
    return {
        "rc": p.returncode,
        "stdout": out.decode(),
        "stderr": err.decode()[-2000:],
        "wall_ms": wall,
        "maxrss_kib": ru.ru_maxrss,
    }


def summary(values: list) -> Optional[dict]:
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "values": values,
    }


def alternate(contenders: list, reps: int, body: Callable[[str, int], Any]) -> None:
    for rep in range(reps):
        k = rep % len(contenders)
        for who in contenders[k:] + contenders[:k]:
            body(who, rep)
