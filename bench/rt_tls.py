"""rt_tls: the realtime rows over wss://, as every Azure session is TLS (issue 18): the C echo server in its TLS
mode (OpenSSL, a throwaway CA from scripts/make-test-ca.sh), the library's CPU per session-second alternated with
the bare C loop over the same TLS (libcurl CONNECT_ONLY with TLS, frames and masks only: bare_loop --ca), the
library's memory per session and its density (most sessions with 0 frames lost and p99 <= 50 ms).
Goal as over ws://: the library within 1.15x the floor measured in the same alternation (its runs there read every
50th event's JSON, as in rt_floor: harness.FLOOR_LIB_ARGS)."""

from __future__ import annotations

import statistics
from typing import Callable

from rt_server import BIN, EchoServer

NAMES = ("rt_tls",)
C_TLS = "libazaudio C, wss://"
BARE_RECV_TLS, BARE_EPOLL_TLS = "bare C loop over TLS, recv per send", "bare C loop over TLS, epoll reader"
MODES = {BARE_RECV_TLS: "recv", BARE_EPOLL_TLS: "epoll"}


def _summary(values: list):
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


class TlsRealtime:
    """Runs one contender against the TLS server (the shape harness.density_search expects)."""

    def __init__(self, server: EchoServer, run: Callable) -> None:
        self.server, self._run = server, run

    def run(self, who: str, n: int, seconds: float, extra: tuple = ()) -> dict:
        common = [*self.server.client_args(), "--sessions", str(n), "--seconds", str(seconds)]
        if who in MODES:
            return self._run([str(BIN / "bare_loop"), "--mode", MODES[who], *common])
        return self._run([str(BIN / "bench_realtime"), "--label", "libazaudio-c-wss", *common, *extra])


def run_tls(
    cfg: dict,
    smoke: bool,
    reps: int,
    run: Callable,
    log: Callable,
    checks: list,
    density_search: Callable,
    floor_lib_args: tuple,
) -> dict:
    n, secs = cfg["rt_cpu"]
    server = EchoServer(tls=True)
    rt = TlsRealtime(server, run)
    try:
        who_all = [BARE_RECV_TLS, BARE_EPOLL_TLS, C_TLS]
        log(
            f"rt_tls: over wss://, bare C loop (both shapes) and libazaudio C, {n} sessions x {secs:g} s, {reps} "
            "repetition(s), alternated"
        )
        runs: dict = {w: [] for w in who_all}
        for rep in range(reps):
            k = rep % len(who_all)
            for who in who_all[k:] + who_all[:k]:
                j = rt.run(who, n, secs, () if who in MODES else floor_lib_args)  # as rt_floor
                runs[who].append(j)
                log(
                    f"  {who}: cpu {j.get('cpu_ms_per_session_s', 'ERR')} ms/session-s, lost {j.get('frames_lost')}, "
                    f"server {j.get('server_cpu_ms_per_session_s')} ms/session-s"
                )
        entry: dict = {"sessions": n, "seconds": secs, "runs": runs, "contenders": {}}
        for who in who_all:
            rs = runs[who]
            entry["contenders"][who] = {
                "cpu_ms_per_session_s": _summary([r.get("cpu_ms_per_session_s") for r in rs]),
                "server_cpu_ms_per_session_s": _summary([r.get("server_cpu_ms_per_session_s") for r in rs]),
                "rss_per_session_kb": _summary([r.get("rss_per_session_kb") for r in rs]),
                "frames_lost": sum(r.get("frames_lost", 1) or 0 for r in rs),
            }
            checks.append((f"rt_tls {who}", all(r.get("rc") == 0 and r.get("frames_lost") == 0 for r in rs)))
        mn, msecs = cfg["rt_mem"]
        log(f"rt_tls: memory, libazaudio C over wss://, {mn} sessions x {msecs:g} s")
        j = rt.run(C_TLS, mn, msecs)
        entry["memory"] = {"sessions": mn, "rss_per_session_kb": j.get("rss_per_session_kb"), "run": j}
        checks.append(("rt_tls memory", j.get("rc") == 0 and j.get("frames_lost") == 0))
        start, cap = cfg["rt_density"]["libazaudio C"]
        probes: list = []
        best = density_search(rt, C_TLS, start, cap, cfg["rt_density_seconds"], 0 if smoke else 3, probes)
        entry["density"] = {
            "sessions": best,
            "capped": best >= cap,
            "probes": probes,
            "seconds": cfg["rt_density_seconds"],
        }
        checks.append(("rt_tls density", best > 0))
        log(f"  density over wss://: {best} sessions")
    finally:
        entry_server = server.stop()
    entry["server_total"] = entry_server
    return entry
