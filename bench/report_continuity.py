"""Rows of the Markdown table for issue 18's realtime benchmarks (bench/rt_switch.py, bench/rt_tls.py) and the
library-to-floor ratio goal of rt_floor (<= 1.15x the bare C loop measured in the same alternation)."""

from __future__ import annotations

import statistics
from typing import Any, Callable, Optional

from bench_common import BARE_EPOLL, BARE_EPOLL_WORK, BARE_RECV, C
from bench_common import C_BASELINE as BASELINE  # bench/harness.py --baseline-lib

RATIO_GOAL = 1.15
SWITCH_P99_GOAL_MS = 40.0
MIRROR_GOAL_PERCENT = 2.0


def _med(c: Any, key: str) -> Optional[float]:
    s = c.get(key) if isinstance(c, dict) else None
    return s.get("median") if isinstance(s, dict) else None


def _pct(s: Any, fmt: Callable) -> str:
    if not isinstance(s, dict) or not s.get("n"):
        return "-"
    return f"{fmt(s['median'])} / {fmt(s['p99'])} (max {fmt(s['max'])}, n {s['n']})"


def paired(b: dict, lib_key: str, floor_key: str, fmt: Callable) -> str:
    """The ratio within each repetition (lib_key's run over floor_key's run of the same round of the
    alternation, so minutes apart at most): median and range. Drift of the machine between rounds cancels out of
    these; the judged figure stays the ratio of the medians."""
    k = "cpu_ms_per_session_s"
    runs = b.get("runs") or {}
    pairs = [
        a[k] / f[k]
        for a, f in zip(runs.get(lib_key) or [], runs.get(floor_key) or [], strict=False)
        if isinstance(a.get(k), (int, float)) and isinstance(f.get(k), (int, float)) and f[k] > 0
    ]
    if len(pairs) < 2:
        return ""
    return f" (per repetition: median {fmt(statistics.median(pairs))}x, {fmt(min(pairs))}-{fmt(max(pairs))}x)"


def _floor_rows(b: dict, lib_key: str, floors: tuple, row: Callable, fmt: Callable, title: str) -> None:
    k = "cpu_ms_per_session_s"
    lib = _med(b["contenders"].get(lib_key), k)
    for i, who in enumerate(floors):
        floor = _med(b["contenders"].get(who), k)
        ratio = lib / floor if lib is not None and floor else None
        row(
            title if i == 0 else "",
            f"{lib_key} / {who} (CPU per session-second, same alternation)",
            [f"{fmt(lib)} / {fmt(floor)}", "", "", ""],
            f"<= {RATIO_GOAL}x the floor (issue 18)",
            f"{fmt(ratio)}x" + paired(b, lib_key, who, fmt),
            None if ratio is None else ratio <= RATIO_GOAL,
        )


def _renewal_breakdown(r: dict, row: Callable, fmt: Callable, report_only: str) -> None:
    """The renewal's added delay by RENEWED's mode and trigger, by phase, and against a quiet window."""
    for key, label in (("by_mode", "mode"), ("by_trigger", "trigger")):
        for name, g in (r.get(key) or {}).items():
            row(
                "",
                f"{label} {name}: {g.get('n')} switches; added delay, median / p99 ms (input held p99 "
                f"{fmt((g.get('held_ms') or {}).get('p99'))} ms, RENEWING -> RENEWED median "
                f"{fmt((g.get('switch_after_ms') or {}).get('median'))} ms)",
                [_pct(g.get("extra_ms"), fmt), "", "", ""],
                "report",
                "",
                report_only if (g.get("extra_ms") or {}).get("n") else None,
            )
    for key, what in (
        ("extra_prep_ms", "while the standby is prepared (RENEWING to 40 ms before RENEWED)"),
        ("extra_switch_ms", "within 40 ms of the switch (RENEWED)"),
        ("control_ms", "control: a window as long in the same session with no switch going on"),
    ):
        row(
            "",
            f"added delay {what}, median / p99 ms",
            [_pct(r.get(key), fmt), "", "", ""],
            "report",
            "",
            report_only if (r.get(key) or {}).get("n") else None,
        )


def rows(B: dict, row: Callable, fmt: Callable, cell: Callable, report_only: str) -> None:
    if "rt_floor" in B:
        b = B["rt_floor"]
        _floor_rows(
            b,
            C,
            (BARE_RECV, BARE_EPOLL),
            row,
            fmt,
            f"realtime CPU against the floor ({b['sessions']} sessions x {b['seconds']:g} s)",
        )
        k = "cpu_ms_per_session_s"
        lib, work = _med(b["contenders"].get(C), k), _med(b["contenders"].get(BARE_EPOLL_WORK), k)
        if work is not None:  # not a goal: what share of the gap is the protocol's, not the library's
            row(
                "",
                f"{C} / {BARE_EPOLL_WORK} (CPU per session-second, same alternation)",
                [f"{fmt(lib)} / {fmt(work)}", "", "", ""],
                "report (the goal is against the frames-only floors above)",
                f"{fmt(lib / work if lib is not None and work else None)}x",
                report_only,
            )
        if BASELINE in b["contenders"]:  # --baseline-lib: an older build in the same alternation
            _floor_rows(b, BASELINE, (BARE_RECV, BARE_EPOLL), row, fmt, "")
            k = "cpu_ms_per_session_s"
            new, old = _med(b["contenders"].get(C), k), _med(b["contenders"].get(BASELINE), k)
            ratio = new / old if new is not None and old else None
            row(
                "",
                f"{C} / {BASELINE}",
                [f"{fmt(new)} / {fmt(old)}", "", "", ""],
                "report",
                f"{fmt(ratio)}x",
                report_only if ratio is not None else None,
            )
    if "rt_renewal" in B:
        b = B["rt_renewal"]
        r = b.get("renewal", {})
        title = (
            f"renewal before the session cap ({b['sessions']} sessions x {b['seconds']:g} s, session_max_ms "
            f"{b['session_max_ms']}, margin {b['renewal_margin_ms']})"
        )
        extra = r.get("extra_ms", {})
        row(
            title,
            "delay the switch adds to caller audio, median / p99 ms (worst round trip around each switch "
            "above the run's median)",
            [_pct(extra, fmt), "", "", ""],
            f"p99 <= {SWITCH_P99_GOAL_MS:g} ms",
            f"{r.get('begun')} renewals",
            None if not extra.get("n") else extra["p99"] <= SWITCH_P99_GOAL_MS,
        )
        _renewal_breakdown(r, row, fmt, report_only)
        row(
            "",
            "caller input held per switch (RENEWED audio_ms), median / p99 ms",
            [_pct(r.get("held_ms"), fmt), "", "", ""],
            "report",
            "",
            report_only if r.get("held_ms", {}).get("n") else None,
        )
        row(
            "",
            "switch start -> first echoed audio of the new session, median / p99 ms",
            [_pct(r.get("first_audio_ms"), fmt), "", "", ""],
            "report",
            "",
            report_only if r.get("first_audio_ms", {}).get("n") else None,
        )
        sent, got = b.get("frames_sent"), b.get("server_appends")
        row(
            "",
            "frames handed over / appends the server received",
            [f"{sent} / {got}", "", "", ""],
            "equal (each frame reaches exactly one session)",
            "",
            None if sent is None else sent == got,
        )
    if "rt_reconnect" in B:
        b = B["rt_reconnect"]
        r = b.get("reconnect", {})
        row(
            f"reconnect after a TCP reset ({b['sessions']} sessions x {b['seconds']:g} s, a reset every "
            f"{b['reset_after_appends']} appends)",
            "drop -> first echoed audio of the new session, median / p99 ms (default backoff 250 ms, jittered)",
            [_pct(r.get("first_audio_ms"), fmt), "", "", ""],
            "report",
            f"{r.get('begun')} reconnects, {b.get('server_resets')} resets",
            report_only if r.get("first_audio_ms", {}).get("n") else None,
        )
        row(
            "",
            "outage the library reports (RECONNECTED audio_ms), median / p99 ms",
            [_pct(r.get("held_ms"), fmt), "", "", ""],
            "report",
            "",
            report_only if r.get("held_ms", {}).get("n") else None,
        )
    if "rt_mirror" in B:
        b = B["rt_mirror"]
        if not b.get("available"):
            row(
                "conversation mirror CPU",
                "share of the session's CPU",
                ["not available (no perf)", "", "", ""],
                f"<= {MIRROR_GOAL_PERCENT:g} %",
                "",
                None,
            )
        else:
            share = b.get("share_percent")
            row(
                f"conversation mirror CPU ({b['sessions']} sessions x {b['seconds']:g} s, a turn every "
                f"{b['items_every_appends']} appends)",
                "share of the process's CPU samples with the mirror on the stack (perf)",
                [f"{fmt(share)} %", "", "", ""],
                f"<= {MIRROR_GOAL_PERCENT:g} %",
                f"{b.get('mirror_samples')} of {b.get('samples')} samples",
                None if share is None else share <= MIRROR_GOAL_PERCENT,
            )
    if "rt_tls" in B:
        import rt_tls

        b = B["rt_tls"]
        k = "cpu_ms_per_session_s"
        row(
            f"realtime CPU over wss:// ({b['sessions']} sessions x {b['seconds']:g} s)",
            "CPU ms per session-second, libazaudio C",
            [cell(b["contenders"][rt_tls.C_TLS].get(k)), "", "", ""],
            "report",
            "",
            report_only if _med(b["contenders"][rt_tls.C_TLS], k) is not None else None,
        )
        _floor_rows(b, rt_tls.C_TLS, (rt_tls.BARE_RECV_TLS, rt_tls.BARE_EPOLL_TLS), row, fmt, "")
        mem = b.get("memory", {})
        row(
            f"realtime memory over wss:// ({mem.get('sessions')} sessions)",
            "RSS KiB per session",
            [fmt(mem.get("rss_per_session_kb")), "", "", ""],
            "<= 256 KiB",
            "",
            None if mem.get("rss_per_session_kb") is None else mem["rss_per_session_kb"] <= 256,
        )
        d = b.get("density", {})
        row(
            f"realtime density over wss:// ({d.get('seconds')} s probes)",
            "most sessions with 0 frames lost and p99 <= 50 ms",
            [(">= " if d.get("capped") else "") + str(d.get("sessions")), "", "", ""],
            "report",
            "",
            report_only if d.get("sessions") else None,
        )
    if "rt_cache" in B:
        import rt_cache

        rt_cache.rows(B["rt_cache"], row, fmt, report_only)
