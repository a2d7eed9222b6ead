"""Issue 18's continuity benchmarks, each against its own C echo server (rt_server.EchoServer):

rt_renewal    sessions renewed before their time limit (bench_realtime --session-max-ms / --renewal-margin-ms):
              the delay the switch adds to caller audio (the library's held time per switch, and the worst round
              trip of the frames around each switch above the run's median), median and p99 over every switch;
              every frame handed over must reach the server exactly once (its append count = frames sent).
rt_reconnect  a server that resets every connection after N appends (--reset-after): reconnects per session, the
              time from the drop to the first echoed audio of the new session, the outage the library reports.
rt_mirror     the conversation mirror's share of the session's CPU: a server that reports a finished turn (a user
              item with its transcription, an assistant item with its transcript) every N appends
              (--items-every), the client profiled with perf (cpu-clock samples with call chains); the share is the
              samples with the mirror on the stack (ConversationMirror, RealtimeInbound.mirror and the JSON parse
              it makes of each item) over all samples of the process. "not available" without a working perf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Optional

from rt_server import BIN, EchoServer

NAMES = ("rt_renewal", "rt_reconnect", "rt_mirror")
C = "libazaudio C"
#: Mangled-name fragments of the mirror's code (Swift symbols are matched as recorded, not demangled). The mirror's
#: own JSON parse of an item is inlined into RealtimeInbound.track, so a JSONParser frame called from there counts too
#: (the only other parse there is session.created's, once per session).
MIRROR = re.compile(r"ConversationMirror|RealtimeInboundC6mirror")
PARSER, TRACK = "JSONParser", re.compile(r"RealtimeInboundC5track|RealtimeInboundC6mirror")


def _is_mirror(frames: list) -> bool:
    if any(MIRROR.search(f) for f in frames):
        return True
    for i, f in enumerate(frames):
        if PARSER in f:
            caller = next((g for g in frames[i + 1 :] if PARSER not in g), "")
            return bool(TRACK.search(caller))
    return False


def config(smoke: bool) -> dict:
    return {
        # sessions, seconds, session_max_ms, renewal_margin_ms: a renewal about every 1 s (smoke) / 1.5 s per session
        # (the smoke's margin leaves 200 ms for the standby beyond the 1 s lead, so it takes the normal path)
        "rt_renewal": (2, 3.0, 2000, 1200) if smoke else (20, 30.0, 3000, 1500),
        # sessions, seconds, appends per connection before the reset (100 = 2 s of audio)
        "rt_reconnect": (2, 3.0, 50) if smoke else (10, 30.0, 100),
        # sessions, seconds, appends per made-up turn (100 = a turn every 2 s, several times a real call's rate)
        "rt_mirror": (4, 2.0, 50) if smoke else (20, 20.0, 100),
    }


def _client(server: EchoServer, n: int, secs: float, extra: list, run: Callable) -> dict:
    cmd = [str(BIN / "bench_realtime"), *server.client_args(), "--sessions", str(n), "--seconds", str(secs), *extra]
    return run(cmd)


def renewal(smoke: bool, run: Callable, log: Callable, checks: list) -> dict:
    n, secs, max_ms, margin = config(smoke)["rt_renewal"]
    log(f"rt_renewal: {n} sessions x {secs:g} s, session_max_ms {max_ms}, renewal_margin_ms {margin}")
    server = EchoServer()
    try:
        before = server.stats() or {}
        j = _client(server, n, secs, ["--session-max-ms", str(max_ms), "--renewal-margin-ms", str(margin)], run)
        after = server.stats() or {}
    finally:
        server.stop()
    appends = after.get("appends", 0) - before.get("appends", 0)
    r = j.get("renewal", {})
    entry = {"sessions": n, "seconds": secs, "session_max_ms": max_ms, "renewal_margin_ms": margin, "run": j}
    entry.update(server_appends=appends, frames_sent=j.get("frames_sent"), renewal=r)
    log(
        f"  {r.get('begun')} renewals ({r.get('unfinished')} unfinished); held ms {r.get('held_ms')}; extra delay ms "
        f"{r.get('extra_ms')}; server appends {appends} of {j.get('frames_sent')} sent"
    )
    for key in ("by_mode", "by_trigger"):
        for name, g in (r.get(key) or {}).items():
            log(f"    {name}: {g.get('n')} switches, extra delay ms {g.get('extra_ms')}, held ms {g.get('held_ms')}")
    log(f"    extra delay while preparing {r.get('extra_prep_ms')}, at the switch {r.get('extra_switch_ms')}")
    log(f"    control (same window length, no switch) {r.get('control_ms')}")
    ok = j.get("rc") == 0 and r.get("begun", 0) >= 1 and r.get("unfinished") == 0 and appends == j.get("frames_sent")
    checks.append(("rt_renewal", ok))
    return entry


def reconnect(smoke: bool, run: Callable, log: Callable, checks: list) -> dict:
    n, secs, every = config(smoke)["rt_reconnect"]
    log(f"rt_reconnect: {n} sessions x {secs:g} s against a server that resets each connection after {every} appends")
    server = EchoServer("--reset-after", str(every))
    try:
        j = _client(server, n, secs, ["--reconnect", "5"], run)
    finally:
        final = server.stop() or {}
    r = j.get("reconnect", {})
    entry = {"sessions": n, "seconds": secs, "reset_after_appends": every, "run": j, "reconnect": r}
    entry.update(
        server_resets=final.get("resets"), server_appends=final.get("appends"), frames_sent=j.get("frames_sent")
    )
    log(
        f"  {r.get('begun')} reconnects ({r.get('unfinished')} unfinished), {final.get('resets')} resets; first audio "
        f"ms {r.get('first_audio_ms')}; outage ms {r.get('held_ms')}"
    )
    ok = (
        j.get("rc") == 0
        and r.get("begun", 0) >= 1
        and r.get("first_audio_ms", {}).get("n", 0) >= 1
        and (final.get("appends") or 0) <= (j.get("frames_sent") or 0)
    )
    checks.append(("rt_reconnect", ok))
    return entry


def _perf_works(perf: Optional[str]) -> bool:
    if not perf:
        return False
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(
            [perf, "record", "-q", "-e", "cpu-clock", "-o", f"{d}/t.data", "--", "true"], capture_output=True
        )
        return p.returncode == 0


def mirror_share(perf_data: Path, perf: str) -> tuple[int, int]:
    """(samples with the mirror on the stack, all samples) from a perf recording with call chains."""
    out = subprocess.run(
        [perf, "script", "-i", str(perf_data), "-F", "ip,sym"], capture_output=True, text=True, check=True
    ).stdout
    total = hits = 0
    for sample in out.split("\n\n"):
        if not sample.strip():
            continue
        total += 1
        if _is_mirror(sample.splitlines()):
            hits += 1
    return hits, total


def mirror(smoke: bool, run: Callable, log: Callable, checks: list) -> dict:
    n, secs, every = config(smoke)["rt_mirror"]
    perf = shutil.which("perf")
    if not _perf_works(perf):
        log("rt_mirror: perf is not available (or not permitted): not measured")
        return {"available": False}
    log(f"rt_mirror: {n} sessions x {secs:g} s, a finished turn every {every} appends, profiled with perf")
    server = EchoServer("--items-every", str(every))
    with tempfile.TemporaryDirectory() as d:
        data = Path(d) / "mirror.data"
        try:
            rec = [perf, "record", "-q", "-e", "cpu-clock", "-F", "4000", "--call-graph", "fp", "-o", str(data), "--"]
            j = run(
                rec
                + [
                    str(BIN / "bench_realtime"),
                    *server.client_args(),
                    "--sessions",
                    str(n),
                    "--seconds",
                    str(secs),
                    "--reconnect",
                    "3",
                ]
            )
        finally:
            server.stop()
        hits, total = mirror_share(data, perf) if data.exists() else (0, 0)
    share = 100.0 * hits / total if total else None
    log(f"  mirror on the stack in {hits} of {total} samples: {share if share is None else round(share, 3)} %")
    checks.append(("rt_mirror", j.get("rc") == 0 and total > 0))
    return {
        "available": True,
        "sessions": n,
        "seconds": secs,
        "items_every_appends": every,
        "samples": total,
        "mirror_samples": hits,
        "share_percent": share,
        "run": j,
    }


def run_all(want: Callable, smoke: bool, run: Callable, log: Callable, checks: list, B: dict) -> None:
    if want("rt_renewal"):
        B["rt_renewal"] = renewal(smoke, run, log, checks)
    if want("rt_reconnect"):
        B["rt_reconnect"] = reconnect(smoke, run, log, checks)
    if want("rt_mirror"):
        B["rt_mirror"] = mirror(smoke, run, log, checks)
