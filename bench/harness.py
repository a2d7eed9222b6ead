"""make bench: every benchmark, each contender alternated, medians with min and max; writes bench/results/latest.json,
latest.md and latest.png. Run through scripts/bench.sh (which builds the programs and the bench virtualenv).

    python bench/harness.py [--smoke] [--reps N] [--out DIR]

--smoke: one short repetition of each benchmark (a few seconds each) to prove the harness works; prints
"bench smoke: N passed, N failed" and exits non-zero if any failed. Goals are not judged in smoke runs.

Contenders: libazaudio from C, libazaudio from Python (the ctypes binding in bindings/python of this tree; its
realtime rows say "not available" if the binding has no realtime API), the openai Python SDK, and curl for REST.
rt_floor adds a calibration that is no contender: bench/realtime/bare_loop.c, a bare C loop over libcurl
CONNECT_ONLY that only frames and masks (issue 5's floor), alternated with libazaudio C under rt_cpu's settings.
Servers: the emulator (emulator/.venv) for REST; bench/realtime_server (a lean C echo server) for realtime.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from rt_server import last_json

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
# The floor (rt_floor): bare_loop's two receive shapes.
BARE_RECV, BARE_EPOLL = "bare C loop, recv per send", "bare C loop, epoll reader"
BARE_MODES = {BARE_RECV: "recv", BARE_EPOLL: "epoll"}
# rt_coalesce: libazaudio C with input_audio_coalesce_ms (the default is 0: every frame is its own append).
COALESCE_MS = 60
C_COALESCED = f"libazaudio C, input_audio_coalesce_ms={COALESCE_MS}"
# rt_floor with --baseline-lib DIR: the same bench_realtime loading DIR's libazaudio.so.0 (an older build), in the
# same alternation, for before/after figures of a change.
C_BASELINE = "libazaudio C, baseline library"
BASELINE_LIB: Optional[str] = None
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
    env["PYTHONPATH"] = str(ROOT / "bindings" / "python") + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
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


# ---- servers -----------------------------------------------------------------------------------------------------


class Servers:
    def __init__(self) -> None:
        self.emu = subprocess.Popen(
            [str(EMULATOR), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        line = self.emu.stdout.readline()
        m = re.search(r"listening on (http\S+)", line)
        if not m:
            raise SystemExit(f"bench: the emulator did not start: {line}")
        self.emu_url = m.group(1)
        self.rt = subprocess.Popen(
            [str(BIN / "rt_echo_server")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        m = re.search(r"listening on (http\S+)", self.rt.stdout.readline())
        if not m:
            raise SystemExit("bench: rt_echo_server did not start")
        self.rt_url = m.group(1)

    def rt_stats(self) -> Optional[dict]:
        self.rt.send_signal(signal.SIGUSR1)
        return last_json(self.rt.stdout.readline())

    def stop(self) -> Optional[dict]:
        final = None
        try:
            self.rt.stdin.close()
            final = last_json(self.rt.stdout.read())
            self.rt.wait(5)
        except Exception:
            self.rt.kill()
        self.emu.terminate()
        try:
            self.emu.wait(5)
        except subprocess.TimeoutExpired:
            self.emu.kill()
        return final


# ---- realtime ----------------------------------------------------------------------------------------------------


class Realtime:
    def __init__(self, servers: Servers, results: dict) -> None:
        self.s = servers
        self.results = results
        self.available = {C: True, OAI: True, PYB: self._probe_python()}
        self.available[PYB_PULL] = self.available[PYB]

    def _cmd(self, who: str, n: int, seconds: float) -> tuple[list, Optional[dict]]:
        common = [
            "--url",
            self.s.rt_url,
            "--sessions",
            str(n),
            "--seconds",
            str(seconds),
            "--server-pid",
            str(self.s.rt.pid),
        ]
        if who == C:
            return [str(BIN / "bench_realtime")] + common, None
        if who in BARE_MODES:
            return [str(BIN / "bare_loop"), "--mode", BARE_MODES[who]] + common, None
        if who == C_COALESCED:
            return [str(BIN / "bench_realtime"), "--coalesce-ms", str(COALESCE_MS)] + common, None
        if who == C_BASELINE:
            return [str(BIN / "bench_realtime")] + common, dict(os.environ, LD_LIBRARY_PATH=str(BASELINE_LIB))
        impl = "azaudio" if who in (PYB, PYB_PULL) else "openai"
        delivery = ["--delivery", "pull"] if who == PYB_PULL else []
        return [PY, str(ROOT / "bench" / "realtime" / "py_realtime.py"), "--impl", impl] + delivery + common, py_env()

    def _probe_python(self) -> bool:
        cmd, env = self._cmd(PYB, 1, 0.1)
        r = run_measured(cmd, env, timeout=60)
        j = last_json(r["stdout"])
        ok = r["rc"] == 0 and j is not None and j.get("frames_lost") == 0
        if not ok:
            log(f"realtime: the Python binding's realtime is {NA} ({(j or {}).get('reason', r['stderr'][-200:])})")
        return ok

    def run(self, who: str, n: int, seconds: float, extra: tuple = ()) -> dict:
        cmd, env = self._cmd(who, n, seconds)
        cmd = cmd + list(extra)
        r = run_measured(cmd, env, timeout=seconds * 10 + 120)
        j = last_json(r["stdout"]) or {"error": "no result", "stderr": r["stderr"][-500:]}
        j["rc"] = r["rc"]
        j["load"] = loadavg()
        return j

    @staticmethod
    def sustained(j: dict, p99_limit: float = 50.0) -> bool:
        return (
            j.get("rc") == 0
            and j.get("frames_lost") == 0
            and j.get("error_events", 1) == 0
            and 0 <= j.get("lat_server_ms", {}).get("p99", 1e9) <= p99_limit
        )


def alternate(contenders: list, reps: int, body: Callable[[str, int], Any]) -> None:
    for rep in range(reps):
        k = rep % len(contenders)
        for who in contenders[k:] + contenders[:k]:
            body(who, rep)


def density_search(
    rt: Realtime, who: str, start: int, cap: int, seconds: float, bisect_steps: int, probes: list
) -> int:
    """Doubles from `start` while the level is sustained, then bisects between the last pass and the first fail."""
    good, bad, n = 0, None, start
    while n <= cap:
        j = rt.run(who, n, seconds)
        ok = Realtime.sustained(j)
        probes.append(
            {
                "sessions": n,
                "sustained": ok,
                "frames_lost": j.get("frames_lost"),
                "p99_ms": j.get("lat_server_ms", {}).get("p99"),
                "cpu_ms_per_session_s": j.get("cpu_ms_per_session_s"),
                "load": j.get("load"),
                "error": j.get("error"),
            }
        )
        log(
            f"  density {who}: {n} sessions -> {'sustained' if ok else 'not sustained'} "
            f"(lost {j.get('frames_lost')}, p99 {j.get('lat_server_ms', {}).get('p99')} ms)"
        )
        if not ok:
            bad = n
            break
        good = n
        n *= 2
    if bad is None:
        return good
    for _ in range(bisect_steps):
        if bad - good <= max(2, good // 16):
            break
        mid = (good + bad) // 2
        j = rt.run(who, mid, seconds)
        ok = Realtime.sustained(j)
        probes.append(
            {
                "sessions": mid,
                "sustained": ok,
                "frames_lost": j.get("frames_lost"),
                "p99_ms": j.get("lat_server_ms", {}).get("p99"),
                "load": j.get("load"),
            }
        )
        log(f"  density {who}: {mid} sessions -> {'sustained' if ok else 'not sustained'}")
        if ok:
            good = mid
        else:
            bad = mid
    return good


# ---- the benchmarks ----------------------------------------------------------------------------------------------


def make_inputs(work: Path, big_mib: int) -> dict:
    import struct

    work.mkdir(parents=True, exist_ok=True)
    tiny = work / "tiny.wav"  # 0.1 s of 16 kHz silence: recognition stays cheap
    data = bytes(3200)
    tiny.write_bytes(
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )
    big = work / f"big{big_mib}.wav"  # header declares 2 s; the rest is trailing data the service still receives
    if not big.exists():
        total, declared = big_mib * 1024 * 1024, 64000
        block = bytes(i * 7 & 0x03 for i in range(65536))
        with open(big, "wb") as f:
            f.write(
                b"RIFF"
                + struct.pack("<I", 36 + declared)
                + b"WAVEfmt "
                + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
                + b"data"
                + struct.pack("<I", declared)
            )
            left = total - 44
            while left > 0:
                f.write(block[: min(left, len(block))])
                left -= len(block)
    return {"tiny": str(tiny), "big": str(big)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument(
        "--baseline-lib",
        default=None,
        help="rt_floor also runs bench_realtime with DIR/libazaudio.so.0 (an older build), alternated: before/after",
    )
    ap.add_argument(
        "--merge",
        action="store_true",
        help="with --only: replace just those benchmarks in the existing "
        "latest.json and rewrite latest.md/png and the BENCHMARKS.md table",
    )
    ap.add_argument(
        "--only",
        default="",
        help="comma-separated subset: rt_cpu,rt_floor,rt_coalesce,rt_mem,rt_density,"
        "rt_target,rt_renewal,rt_reconnect,rt_mirror,rt_tls,upload,ttfb,small,startup",
    )
    a = ap.parse_args()
    global BASELINE_LIB
    BASELINE_LIB = a.baseline_lib
    smoke = a.smoke
    reps = a.reps or (1 if smoke else 5)
    only = set(filter(None, a.only.split(",")))

    def want(name: str) -> bool:
        return not only or name in only

    cfg = {
        "reps": reps,
        "rt_cpu": (4, 1.0) if smoke else (20, 8.0),
        "rt_mem": (10, 1.0) if smoke else (100, 3.0),
        "rt_density_seconds": 1.0 if smoke else 6.0,
        "rt_density": (
            {C: (20, 20), PYB: (4, 4), OAI: (4, 4)} if smoke else {C: (200, 1600), PYB: (50, 1600), OAI: (10, 640)}
        ),
        "rt_target": (20, 2.0) if smoke else (200, 30.0),
        "rt_coalesce": [(4, 1.0)] if smoke else [(20, 8.0), (200, 8.0)],
        "upload_mib": 4 if smoke else 24,
        "small_calls": 5 if smoke else 200,
    }
    started = time.time()
    results: dict = {
        "smoke": smoke,
        "config": {
            k: (v if not isinstance(v, dict) else {kk: list(vv) for kk, vv in v.items()}) for k, v in cfg.items()
        },
        "uptime_start": uptime(),
        "nproc": os.cpu_count(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "library": str(LIB),
        "benchmarks": {},
    }
    checks: list[tuple[str, bool]] = []
    log(f"bench: {'smoke' if smoke else 'full'} run, {reps} repetition(s); {results['uptime_start']}")
    servers = Servers()
    B = results["benchmarks"]
    work = ROOT / "build" / "bench" / "inputs"
    inputs = make_inputs(work, cfg["upload_mib"])
    env = dict(
        os.environ,
        AZURE_OPENAI_ENDPOINT=servers.emu_url,
        AZURE_OPENAI_API_KEY="emulator-key",
        OPENAI_API_VERSION=VERSION,
        BENCH_SMALL_FILE=inputs["tiny"],
        no_proxy="*",
    )
    penv = dict(
        py_env(),
        **{
            k: env[k]
            for k in (
                "AZURE_OPENAI_ENDPOINT",
                "AZURE_OPENAI_API_KEY",
                "OPENAI_API_VERSION",
                "BENCH_SMALL_FILE",
                "no_proxy",
            )
        },
    )
    try:
        # ---- realtime ------------------------------------------------------------------------------------------
        if any(want(x) for x in ("rt_cpu", "rt_floor", "rt_coalesce", "rt_mem", "rt_density", "rt_target")):
            rt = Realtime(servers, results)
            rcs = [c for c in (C, PYB, OAI) if rt.available[c]]
            # A contender whose probe failed is a failed check, not a silently shorter table (issue 16).
            for c in (C, PYB, OAI):
                if not rt.available[c]:
                    checks.append((f"realtime probe {c}", False))
            for name, (n, secs) in (("rt_cpu", cfg["rt_cpu"]), ("rt_mem", cfg["rt_mem"])):
                if not want(name):
                    continue
                log(f"{name}: {n} sessions x {secs} s, {reps} repetition(s), contenders alternated")
                # rt_cpu also measures the Python binding's pull mode (issue 15), in the same alternation.
                rcs_here = rcs + [PYB_PULL] if name == "rt_cpu" and rt.available[PYB_PULL] else rcs
                runs: dict = {c: [] for c in rcs_here}

                def body(who: str, rep: int, runs: dict = runs, n: int = n, secs: float = secs) -> None:
                    j = rt.run(who, n, secs)
                    runs[who].append(j)
                    log(
                        f"  {who}: cpu {j.get('cpu_ms_per_session_s', 'ERR')} ms/session-s, rss "
                        f"{j.get('rss_per_session_kb')} KiB/session, lost {j.get('frames_lost')}, p99 "
                        f"{j.get('lat_server_ms', {}).get('p99')} ms, server {j.get('server_cpu_ms_per_session_s')} "
                        f"ms/session-s, load {j.get('load')}"
                    )

                alternate(rcs_here, reps, body)
                entry = {"sessions": n, "seconds": secs, "runs": runs, "contenders": {}}
                for who in (C, PYB, OAI) + ((PYB_PULL,) if PYB_PULL in rcs_here else ()):
                    if who not in rcs_here:
                        entry["contenders"][who] = NA
                        continue
                    rs = runs[who]
                    entry["contenders"][who] = {
                        "cpu_ms_per_session_s": summary([r.get("cpu_ms_per_session_s") for r in rs]),
                        "rss_per_session_kb": summary([r.get("rss_per_session_kb") for r in rs]),
                        "lat_server_p99_ms": summary([r.get("lat_server_ms", {}).get("p99") for r in rs]),
                        "lat_server_median_ms": summary([r.get("lat_server_ms", {}).get("median") for r in rs]),
                        "connect_median_ms": summary([r.get("connect_ms", {}).get("median") for r in rs]),
                        "frames_lost": sum(r.get("frames_lost", 1) or 0 for r in rs),
                        "server_cpu_ms_per_session_s": summary([r.get("server_cpu_ms_per_session_s") for r in rs]),
                    }
                    checks.append((f"{name} {who}", all(r.get("rc") == 0 and r.get("frames_lost") == 0 for r in rs)))
                B[name] = entry
            if want("rt_floor"):
                # Issue 5's calibration: the CPU floor of the same duplex load without libazaudio (bare_loop, both
                # receive shapes), alternated with libazaudio C so all three see the same machine state.
                n, secs = cfg["rt_cpu"]
                who_floor = [BARE_RECV, BARE_EPOLL, C] + ([C_BASELINE] if BASELINE_LIB else [])
                log(
                    f"rt_floor: bare C loop (recv per send, epoll reader) and libazaudio C, {n} sessions x {secs} s, "
                    f"{reps} repetition(s), alternated"
                )
                runs = {w: [] for w in who_floor}

                def floor_body(who: str, rep: int) -> None:
                    j = rt.run(who, n, secs, () if who in BARE_MODES else FLOOR_LIB_ARGS)
                    runs[who].append(j)
                    extra = (
                        f", recv {j.get('recv_calls')} ({j.get('recv_eagain')} EAGAIN), sends {j.get('send_calls')}"
                        if who in BARE_MODES
                        else ""
                    )
                    log(
                        f"  {who}: cpu {j.get('cpu_ms_per_session_s', 'ERR')} ms/session-s (user "
                        f"{j.get('cpu_user_ms')} sys {j.get('cpu_sys_ms')} ms), lost {j.get('frames_lost')}{extra}, "
                        f"server {j.get('server_cpu_ms_per_session_s')} ms/session-s, load {j.get('load')}"
                    )

                alternate(who_floor, reps, floor_body)
                entry = {"sessions": n, "seconds": secs, "runs": runs, "contenders": {}}
                for who in who_floor:
                    rs = runs[who]
                    entry["contenders"][who] = {
                        "cpu_ms_per_session_s": summary([r.get("cpu_ms_per_session_s") for r in rs]),
                        "server_cpu_ms_per_session_s": summary([r.get("server_cpu_ms_per_session_s") for r in rs]),
                        "frames_lost": sum(r.get("frames_lost", 1) or 0 for r in rs),
                    }
                    if who in BARE_MODES:
                        entry["contenders"][who]["recv_eagain_share"] = summary(
                            [r["recv_eagain"] / r["recv_calls"] for r in rs if r.get("recv_calls")]
                        )
                    checks.append((f"rt_floor {who}", all(r.get("rc") == 0 and r.get("frames_lost") == 0 for r in rs)))
                B["rt_floor"] = entry
            if want("rt_coalesce"):
                # The library with and without input coalescing, alternated, at each session count.
                entries = []
                for n, secs in cfg["rt_coalesce"]:
                    log(
                        f"rt_coalesce: libazaudio C with input_audio_coalesce_ms 0 and {COALESCE_MS}, {n} sessions x "
                        f"{secs} s, {reps} repetition(s), alternated"
                    )
                    runs = {w: [] for w in (C, C_COALESCED)}

                    def coalesce_body(who: str, rep: int, runs: dict = runs, n: int = n, secs: float = secs) -> None:
                        j = rt.run(who, n, secs)
                        runs[who].append(j)
                        log(
                            f"  {who}: cpu {j.get('cpu_ms_per_session_s', 'ERR')} ms/session-s, lost "
                            f"{j.get('frames_lost')}, rtt median {j.get('lat_rtt_ms', {}).get('median')} ms, server "
                            f"{j.get('server_cpu_ms_per_session_s')} ms/session-s, load {j.get('load')}"
                        )

                    alternate([C, C_COALESCED], reps, coalesce_body)
                    entry = {"sessions": n, "seconds": secs, "coalesce_ms": COALESCE_MS, "runs": runs, "contenders": {}}
                    for who in (C, C_COALESCED):
                        rs = runs[who]
                        entry["contenders"][who] = {
                            "cpu_ms_per_session_s": summary([r.get("cpu_ms_per_session_s") for r in rs]),
                            "rtt_median_ms": summary([r.get("lat_rtt_ms", {}).get("median") for r in rs]),
                            "server_cpu_ms_per_session_s": summary([r.get("server_cpu_ms_per_session_s") for r in rs]),
                            "frames_lost": sum(r.get("frames_lost", 1) or 0 for r in rs),
                        }
                        checks.append(
                            (f"rt_coalesce {n} {who}", all(r.get("rc") == 0 and r.get("frames_lost") == 0 for r in rs))
                        )
                    entries.append(entry)
                B["rt_coalesce"] = entries
            if want("rt_density"):
                log(f"rt_density: search per contender ({cfg['rt_density_seconds']} s probes)")
                entry = {"seconds": cfg["rt_density_seconds"], "contenders": {}}
                for who in (C, PYB, OAI):
                    if who not in rcs:
                        entry["contenders"][who] = NA
                        continue
                    start, cap = cfg["rt_density"][who]
                    probes: list = []
                    best = density_search(rt, who, start, cap, cfg["rt_density_seconds"], 0 if smoke else 3, probes)
                    entry["contenders"][who] = {"sessions": best, "probes": probes, "capped": best >= cap}
                    # A smoke run proves the probes run and measure; whether a 1 s probe on a loaded machine meets
                    # the 50 ms p99 is a goal, judged only in full runs (a smoke failed make test on it).
                    measured = bool(probes) and all(
                        p.get("error") is None and p.get("p99_ms") is not None for p in probes
                    )
                    checks.append((f"rt_density {who}", measured if smoke else best > 0))
                B["rt_density"] = entry
            if want("rt_target"):
                n, secs = cfg["rt_target"]
                log(f"rt_target (issue 5): libazaudio C, {n} sessions x {secs} s")
                j = rt.run(C, n, secs)
                log(
                    f"  lost {j.get('frames_lost')}, cpu {j.get('cpu_ms_per_session_s')} ms/session-s, p99 "
                    f"{j.get('lat_server_ms', {}).get('p99')} ms, rss {j.get('rss_per_session_kb')} KiB/session"
                )
                B["rt_target"] = j
                checks.append(("rt_target", j.get("rc") == 0 and j.get("frames_lost") == 0))

        # ---- realtime, issue 18: renewal, reconnect, the mirror's CPU, wss:// (each with its own echo server) ------
        def run_json(cmd: list) -> dict:
            r = run_measured(cmd, timeout=600)
            j = last_json(r["stdout"]) or {"error": "no result", "stderr": r["stderr"][-500:]}
            j.update(rc=r["rc"], load=loadavg())
            return j

        import rt_switch
        import rt_tls

        rt_switch.run_all(want, smoke, run_json, log, checks, B)
        if want("rt_tls"):
            B["rt_tls"] = rt_tls.run_tls(cfg, smoke, reps, run_json, log, checks, density_search, FLOOR_LIB_ARGS)

        # ---- REST ----------------------------------------------------------------------------------------------
        curl = shutil.which("curl")
        url_stt = f"{servers.emu_url}/openai/deployments/whisper/audio/transcriptions?api-version={VERSION}"
        url_tts = f"{servers.emu_url}/openai/deployments/tts/audio/speech?api-version={VERSION}"
        text = "Hello, this is a benchmark of the time to the first audio byte of a spoken reply."
        pyrest = [PY, str(ROOT / "bench" / "rest" / "py_rest.py")]

        def kv(out: str) -> dict:
            d = {}
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 2:
                    try:
                        d[parts[0]] = float(parts[1])
                    except ValueError:
                        pass
            return d

        rest_contenders = [C, PYB, OAI, CURL]
        if want("upload"):
            log(f"upload: {cfg['upload_mib']} MiB WAV, {reps} repetition(s)")
            runs = {c: [] for c in rest_contenders}

            def up(who: str, rep: int) -> None:
                if who == C:
                    r = run_wait4([str(BIN / "bench_rest"), "upload", inputs["big"], "whisper", "1"], env)
                    d = kv(r["stdout"])
                    res = {"ms": d.get("lib_upload_ms"), "rss_growth_kib": d.get("lib_peak_rss_above_baseline_kib")}
                elif who in (PYB, OAI):
                    r = run_wait4(
                        pyrest + ["--impl", "azaudio" if who == PYB else "openai", "upload", inputs["big"]], penv
                    )
                    j = last_json(r["stdout"]) or {}
                    res = {"ms": j.get("ms"), "rss_growth_kib": j.get("peak_rss_growth_kib")}
                else:
                    r = run_wait4(
                        [
                            curl,
                            "-s",
                            "-o",
                            "/dev/null",
                            "-w",
                            "%{time_total}",
                            "-H",
                            "api-key: emulator-key",
                            "-F",
                            f"file=@{inputs['big']}",
                            "-F",
                            "response_format=text",
                            url_stt,
                        ],
                        env,
                    )
                    res = {"ms": float(r["stdout"]) * 1e3 if r["rc"] == 0 else None, "rss_growth_kib": None}
                res.update(rc=r["rc"], peak_rss_kib=r["maxrss_kib"], load=loadavg())
                if r["rc"] != 0:
                    res["stderr"] = r["stderr"][-300:]
                runs[who].append(res)
                log(f"  {who}: {res['ms']} ms, growth {res['rss_growth_kib']} KiB, peak {res['peak_rss_kib']} KiB")

            alternate(rest_contenders, reps, up)
            B["upload"] = {
                "mib": cfg["upload_mib"],
                "runs": runs,
                "contenders": {
                    c: {
                        "ms": summary([r["ms"] for r in runs[c]]),
                        "rss_growth_kib": summary([r["rss_growth_kib"] for r in runs[c]]),
                        "peak_rss_kib": summary([r["peak_rss_kib"] for r in runs[c]]),
                    }
                    for c in rest_contenders
                },
            }
            for c in rest_contenders:
                checks.append((f"upload {c}", all(r["rc"] == 0 and r["ms"] for r in runs[c])))

        if want("ttfb"):
            log(f"ttfb: streamed speech, first audio chunk, {reps} repetition(s)")
            runs = {c: [] for c in rest_contenders}
            body_json = json.dumps({"input": text, "voice": "alloy", "response_format": "pcm"})

            def tt(who: str, rep: int) -> None:
                if who == C:
                    r = run_measured([str(BIN / "bench_rest"), "ttfb", text, "tts", "1"], env)
                    d = kv(r["stdout"])
                    res = {"ms": d.get("lib_ttfb_ms"), "total_ms": d.get("lib_total_ms")}
                elif who in (PYB, OAI):
                    r = run_measured(pyrest + ["--impl", "azaudio" if who == PYB else "openai", "ttfb", text], penv)
                    j = last_json(r["stdout"]) or {}
                    res = {"ms": j.get("ttfb_ms"), "total_ms": j.get("total_ms")}
                else:
                    r = run_measured(
                        [
                            curl,
                            "-s",
                            "-o",
                            "/dev/null",
                            "-w",
                            "%{time_starttransfer} %{time_total}",
                            "-H",
                            "api-key: emulator-key",
                            "-H",
                            "Content-Type: application/json",
                            "-d",
                            body_json,
                            url_tts,
                        ],
                        env,
                    )
                    parts = r["stdout"].split()
                    res = (
                        {"ms": float(parts[0]) * 1e3, "total_ms": float(parts[1]) * 1e3}
                        if r["rc"] == 0
                        else {"ms": None}
                    )
                res.update(rc=r["rc"], load=loadavg())
                runs[who].append(res)
                log(f"  {who}: first chunk {res.get('ms')} ms, total {res.get('total_ms')} ms")

            alternate(rest_contenders, reps, tt)
            B["ttfb"] = {
                "runs": runs,
                "contenders": {
                    c: {
                        "ms": summary([r["ms"] for r in runs[c]]),
                        "total_ms": summary([r.get("total_ms") for r in runs[c]]),
                    }
                    for c in rest_contenders
                },
            }
            for c in rest_contenders:
                checks.append((f"ttfb {c}", all(r["rc"] == 0 and r["ms"] for r in runs[c])))

        if want("small"):
            count = cfg["small_calls"]
            log(f"small: {count} sequential transcriptions of a 0.1 s WAV, {reps} repetition(s)")
            runs = {c: [] for c in rest_contenders}

            def sm(who: str, rep: int) -> None:
                if who == C:
                    r = run_measured([str(BIN / "bench_rest"), "many", inputs["tiny"], "whisper", str(count)], env)
                    ms = kv(r["stdout"]).get("lib_many_total_ms")
                    rc = r["rc"]
                elif who in (PYB, OAI):
                    r = run_measured(
                        pyrest + ["--impl", "azaudio" if who == PYB else "openai", "many", inputs["tiny"], str(count)],
                        penv,
                    )
                    ms = (last_json(r["stdout"]) or {}).get("ms")
                    rc = r["rc"]
                else:
                    rc, t0 = 0, time.perf_counter()
                    for _ in range(count):
                        rc |= subprocess.run(
                            [
                                curl,
                                "-s",
                                "-o",
                                "/dev/null",
                                "-f",
                                "-H",
                                "api-key: emulator-key",
                                "-F",
                                f"file=@{inputs['tiny']}",
                                "-F",
                                "response_format=text",
                                url_stt,
                            ]
                        ).returncode
                    ms = (time.perf_counter() - t0) * 1e3
                runs[who].append({"ms": ms, "rc": rc, "load": loadavg()})
                log(f"  {who}: {ms} ms")

            alternate(rest_contenders, reps, sm)
            B["small"] = {
                "count": count,
                "runs": runs,
                "contenders": {c: {"ms": summary([r["ms"] for r in runs[c]])} for c in rest_contenders},
            }
            for c in rest_contenders:
                checks.append((f"small {c}", all(r["rc"] == 0 and r["ms"] for r in runs[c])))

        if want("startup"):
            log(f"startup: load + create a client, whole process, {reps if smoke else reps * 2} repetition(s)")
            st_contenders = [C, PYB, OAI]
            runs = {c: [] for c in st_contenders}
            cmds = {
                C: ([str(BIN / "startup")], env),
                PYB: (
                    [
                        PY,
                        "-c",
                        "import os, azaudio; azaudio.Client(os.environ['AZURE_OPENAI_ENDPOINT'], "
                        "api_key=os.environ['AZURE_OPENAI_API_KEY']).close()",
                    ],
                    penv,
                ),
                OAI: (
                    [
                        PY,
                        "-c",
                        "import os, openai; openai.AzureOpenAI(api_key=os.environ['AZURE_OPENAI_API_KEY'], "
                        "api_version=os.environ['OPENAI_API_VERSION'], "
                        "azure_endpoint=os.environ['AZURE_OPENAI_ENDPOINT'])",
                    ],
                    penv,
                ),
            }
            for who in st_contenders:  # warm the page cache once
                run_measured(*cmds[who])

            def su(who: str, rep: int) -> None:
                r = run_wait4(*cmds[who])
                runs[who].append(
                    {
                        "ms": r["wall_ms"] if r["rc"] == 0 else None,
                        "rc": r["rc"],
                        "peak_rss_kib": r["maxrss_kib"],
                        "load": loadavg(),
                    }
                )

            alternate(st_contenders, reps if smoke else reps * 2, su)
            B["startup"] = {
                "runs": runs,
                "contenders": {
                    c: {
                        "ms": summary([r["ms"] for r in runs[c]]),
                        "peak_rss_kib": summary([r["peak_rss_kib"] for r in runs[c]]),
                    }
                    for c in st_contenders
                },
            }
            for c in st_contenders:
                checks.append((f"startup {c}", all(r["rc"] == 0 for r in runs[c])))
                ms = B["startup"]["contenders"][c]["ms"]
                log(f"  {c}: {ms['median'] if ms else None} ms")
    finally:
        results["rt_server_total"] = servers.stop()
    results["uptime_end"] = uptime()
    results["elapsed_s"] = time.time() - started
    results["checks"] = [{"name": n, "passed": ok} for n, ok in checks]
    passed = sum(1 for _, ok in checks if ok)
    failed = len(checks) - passed
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    prefix = "smoke" if smoke else "latest"
    if a.merge and not smoke and (out / "latest.json").exists():
        old = json.loads((out / "latest.json").read_text())
        old["benchmarks"].update(results["benchmarks"])
        old.setdefault("merged", []).append(
            {
                "only": a.only,
                "started": results["started"],
                "uptime_start": results["uptime_start"],
                "uptime_end": results["uptime_end"],
                "elapsed_s": results["elapsed_s"],
            }
        )
        old["checks"] = [c for c in old.get("checks", []) if c["name"].split()[0] not in only] + results["checks"]
        results = old
        only = set()
    import report

    table = report.markdown(results)
    (out / f"{prefix}.json").write_text(json.dumps(results, indent=1))
    (out / f"{prefix}.md").write_text(table)
    try:
        report.chart(results, out / f"{prefix}.png")
    except Exception as e:  # matplotlib missing or failing must not hide the numbers
        log(f"chart: {e}")
        if not smoke:
            failed += 1
    log(f"wrote {out}/{prefix}.json, .md, .png in {results['elapsed_s']:.0f} s; {results['uptime_end']}")
    if not smoke and not only and Path(a.out).resolve() == (ROOT / "bench" / "results").resolve():
        doc = ROOT / "BENCHMARKS.md"
        text = doc.read_text()
        begin, end = "<!-- bench:table:begin -->", "<!-- bench:table:end -->"
        if begin in text and end in text:
            head, rest = text.split(begin, 1)
            _, tail = rest.split(end, 1)
            doc.write_text(head + begin + "\n" + table + end + tail)
            log("updated the table in BENCHMARKS.md")
    print(table)
    for n, ok in checks:
        if not ok:
            print(f"FAILED: {n}")
    if smoke:
        print(f"bench smoke: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
