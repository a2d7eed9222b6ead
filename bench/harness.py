"""make bench: every benchmark, each contender alternated, medians with min and max; writes bench/results/latest.json,
latest.md and latest.png. Run through scripts/bench.sh (which builds the programs and the bench virtualenv).

    python bench/harness.py [--smoke] [--reps N] [--out DIR] [--only ROWS] [--baseline-lib DIR] [--merge]

--smoke: one short repetition of each benchmark (a few seconds each) to prove the harness works; prints
"bench smoke: N passed, N failed" and exits non-zero if any failed. Goals are not judged in smoke runs.

Contenders: libazaudio from C, libazaudio from Python (the binding in bindings/python of this tree, run from a copy in
build/bench/pybinding with its compiled bridge built by scripts/bench.sh, ctypes where that failed; its realtime rows
say "not available" if the binding has no realtime API), the openai Python SDK, and curl for REST.
rt_floor adds a calibration that is no contender: bench/realtime/bare_loop.c, a bare C loop over libcurl
CONNECT_ONLY that only frames and masks (issue 5's floor), alternated with libazaudio C under rt_cpu's settings.
Servers: the emulator (emulator/.venv; started only for the REST rows) for REST; bench/realtime_server (a lean C
echo server) for realtime.

This file holds the command line, the servers and the results; the rows are in rt_rows.py (realtime),
rt_switch.py and rt_tls.py (issue 18), rest_rows.py (REST); shared helpers in bench_common.py; the tables and the
chart in report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rest_rows  # noqa: E402
import rt_rows  # noqa: E402
from bench_common import BIN, EMULATOR, LIB, OAI, PYB, ROOT, VERSION, C, log, py_env, uptime  # noqa: E402
from rt_server import last_json  # noqa: E402

# ---- servers -----------------------------------------------------------------------------------------------------


class Servers:
    """The emulator (REST rows only: `emulator` false leaves it out) and the shared C echo server."""

    def __init__(self, emulator: bool = True) -> None:
        self.emu: Optional[subprocess.Popen] = None
        self.emu_url = ""
        if emulator:
            self._start_emulator()
        self.rt = subprocess.Popen(
            [str(BIN / "rt_echo_server")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        m = re.search(r"listening on (http\S+)", self.rt.stdout.readline())
        if not m:
            raise SystemExit("bench: rt_echo_server did not start")
        self.rt_url = m.group(1)

    def _start_emulator(self) -> None:
        self.emu = subprocess.Popen(
            [str(EMULATOR), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        line = self.emu.stdout.readline()
        m = re.search(r"listening on (http\S+)", line)
        if not m:
            raise SystemExit(f"bench: the emulator did not start: {line}")
        self.emu_url = m.group(1)

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
        if self.emu:
            self.emu.terminate()
            try:
                self.emu.wait(5)
            except subprocess.TimeoutExpired:
                self.emu.kill()
        return final


def run_rest(want, cfg: dict, reps: int, smoke: bool, servers: Servers, checks: list, B: dict) -> None:
    """The REST rows, with the emulator's address and the inputs they need."""
    work = ROOT / "build" / "bench" / "inputs"
    inputs = rest_rows.make_inputs(work, cfg["upload_mib"])
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
    rest_rows.run(want, cfg, reps, smoke, servers, env, penv, inputs, checks, B)


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
        "rt_target,rt_renewal,rt_reconnect,rt_mirror,rt_tls,rt_cache,upload,ttfb,small,startup",
    )
    a = ap.parse_args()
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
    rest = any(want(x) for x in rest_rows.NAMES)
    servers = Servers(emulator=rest)
    B = results["benchmarks"]
    try:
        rt_rows.run(want, cfg, reps, smoke, servers, results, checks, B, a.baseline_lib)
        if rest:
            run_rest(want, cfg, reps, smoke, servers, checks, B)
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
    sys.exit(main())
