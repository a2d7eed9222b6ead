"""Turns the harness's results into the Markdown table (goals, ratios, met / not met) and the chart."""

from __future__ import annotations

from typing import Any, Optional

import report_continuity  # issue 18's rows
from bench_common import (  # the contenders' names, as the harness records them
    BARE_EPOLL,
    BARE_EPOLL_WORK,
    BARE_RECV,
    C_COALESCED,
    CURL,
    NA,
    OAI,
    PYB,
    PYB_COUNT,
    PYB_PULL,
    C,
)
from report_continuity import paired  # the ratio within each repetition


def _fmt(x: Optional[float]) -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _cell(s: Any) -> str:
    if s == NA:
        return NA
    if not isinstance(s, dict) or s.get("median") is None:
        return "-"
    if s.get("n", 1) > 1:
        return f"{_fmt(s['median'])} ({_fmt(s['min'])}-{_fmt(s['max'])})"
    return _fmt(s["median"])


def _med(s: Any) -> Optional[float]:
    return s.get("median") if isinstance(s, dict) else None


def _get(b: dict, who: str, key: str) -> Any:
    c = b.get("contenders", {}).get(who)
    if c == NA or c is None:
        return NA if c == NA else None
    return c.get(key)


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b == 0:
        return None
    return a / b


def _server_below_client(server: Optional[float], client: Optional[float]) -> Optional[bool]:
    """The echo-server row: judged only when both figures were measured (no server data is not "met")."""
    if server is None or client is None:
        return None
    return server < client


#: A row with no goal to meet: it reports a figure (issue 16: such rows were marked "met").
REPORT_ONLY = "report"


def _met(ok, smoke: bool) -> str:
    if smoke:
        return "(smoke: not judged)"
    if ok == REPORT_ONLY:
        return "reported"
    if ok is None:
        return "not measured"
    return "**met**" if ok else "**NOT met**"


def rows(r: dict) -> list[list[str]]:
    B, smoke = r["benchmarks"], r.get("smoke", False)
    out: list[list[str]] = []

    def row(name, metric, cells, goal, ratio_text, ok):
        out.append([name, metric] + cells + [goal, ratio_text, _met(ok, smoke)])

    if "rt_cpu" in B:
        b = B["rt_cpu"]
        k = "cpu_ms_per_session_s"
        cells = [_cell(_get(b, w, k)) for w in (C, PYB, OAI)] + ["no realtime"]
        rc, rp, ro = (_med(_get(b, w, k)) for w in (C, PYB, OAI))
        ratio = _ratio(rc, ro)
        rpy = _ratio(rp, ro)
        rt = f"C/openai {_fmt(ratio)} (1/{_fmt(1 / ratio) if ratio else '-'})"
        if rpy:
            rt += f"; Python/openai {_fmt(rpy)} (1/{_fmt(1 / rpy)})"
        row(
            f"realtime CPU ({b['sessions']} sessions x {b['seconds']:g} s)",
            "process CPU ms per session-second",
            cells,
            "<= 1/20 of openai-python's",
            rt,
            None if ratio is None else ratio <= 0.05,
        )
        row(
            "realtime CPU, absolute (issue 5)",
            "same, libazaudio C",
            [_cell(_get(b, C, k)), "", "", ""],
            "report (issue 5's 0.5 ms, retired by issue 18: on these machines the floor itself is 1-2 ms)",
            f"{_fmt(rc)} ms",
            None if rc is None else REPORT_ONLY,
        )
        rpc = _ratio(rp, rc)
        row(
            "realtime CPU, Python binding (issue 15)",
            "same, libazaudio Python vs C",
            ["", _cell(_get(b, PYB, k)), "", ""],
            "<= 1.5x libazaudio C's",
            f"Python/C {_fmt(rpc)}" + paired(b, PYB, C, _fmt),
            None if rpc is None else rpc <= 1.5,
        )
        if PYB_PULL in b.get("contenders", {}):
            rpp = _ratio(_med(_get(b, PYB_PULL, k)), rc)
            row(
                "realtime CPU, Python binding in pull mode (issue 15)",
                "same, one thread taking batches on the event fd, vs C",
                ["", _cell(_get(b, PYB_PULL, k)), "", ""],
                "<= 1.5x libazaudio C's",
                f"Python pull/C {_fmt(rpp)}" + paired(b, PYB_PULL, C, _fmt),
                None if rpp is None else rpp <= 1.5,
            )
            # Pull mode's queue once held every event it had given out (2.6 KB each, about 1 MiB per session after
            # these 8 s): the memory at the end of the run, sessions still open, says whether it lets go again.
            mp, mc = _med(_get(b, PYB_PULL, "rss_per_session_kb")), _med(_get(b, PYB, "rss_per_session_kb"))
            row(
                "",
                "RSS KiB per session at the end of that run, sessions open: pull mode (callbacks next to it)",
                ["", f"{_cell(_get(b, PYB_PULL, 'rss_per_session_kb'))} ({_fmt(mc)})", "", ""],
                "<= 256 KiB per session",
                f"{_fmt(mp)} KiB",
                None if mp is None else mp <= 256,
            )
        if PYB_COUNT in b.get("contenders", {}):
            rpn = _ratio(_med(_get(b, PYB_COUNT, k)), rc)
            row(
                "",
                "same, callbacks whose handler only reads each event's type and audio (the binding's own cost, "
                "without the benchmark's Python bookkeeping), vs C",
                ["", _cell(_get(b, PYB_COUNT, k)), "", ""],
                "report (the goal is the row with the full handler)",
                f"Python count-only/C {_fmt(rpn)}" + paired(b, PYB_COUNT, C, _fmt),
                None if rpn is None else REPORT_ONLY,
            )
        srv = [_cell(_get(b, w, "server_cpu_ms_per_session_s")) for w in (C, PYB, OAI)] + [""]
        row(
            "  echo server's own CPU in those runs",
            "server CPU ms per session-second (10 ms ticks)",
            srv,
            "below the client's",
            "",
            _server_below_client(_med(_get(b, C, "server_cpu_ms_per_session_s")), rc),
        )
    if "rt_floor" in B:
        # A calibration, not a contender: its values sit in the libazaudio C column, and the ratio column compares
        # the library measured in the same alternation with each floor.
        b = B["rt_floor"]
        k = "cpu_ms_per_session_s"
        lib = _med(_get(b, C, k))
        for i, (who, metric) in enumerate(
            (
                (
                    BARE_RECV,
                    "CPU ms per session-second of a bare C loop without libazaudio (libcurl CONNECT_ONLY, "
                    "frames and masks only): one recv attempt per send",
                ),
                (BARE_EPOLL, "same loop, an epoll thread reading what is there (the library's shape)"),
                (
                    BARE_EPOLL_WORK,
                    "same epoll loop doing the receiving work the protocol requires of any client: each message "
                    "checked as UTF-8, the delta's type, response_id, item_id and delta located, its base64 decoded",
                ),
            )
        ):
            floor = _med(_get(b, who, k))
            ratio = _ratio(lib, floor)
            row(
                f"bare C loop (floor, issue 5 calibration; {b['sessions']} sessions x {b['seconds']:g} s)"
                if i == 0
                else "",
                metric,
                [_cell(_get(b, who, k)), "", "", ""],
                "report (issue 5 quoted 0.73 ms on its machine)",
                f"libazaudio C / this floor {_fmt(ratio)}",
                None if floor is None else REPORT_ONLY,
            )
        row(
            "",
            "libazaudio C in the same alternation",
            [_cell(_get(b, C, k)), "", "", ""],
            "report (issue 5's 0.5 ms, retired by issue 18: on these machines the floor itself is 1-2 ms; "
            "issue 18's ratio goal is in its own rows)",
            f"{_fmt(lib)} ms",
            None if lib is None else REPORT_ONLY,
        )
    if "rt_coalesce" in B:
        # The library's input coalescing (input_audio_coalesce_ms): same load, appends of 60 ms instead of 20 ms.
        for b in B["rt_coalesce"]:
            k = "cpu_ms_per_session_s"
            plain, held = _med(_get(b, C, k)), _med(_get(b, C_COALESCED, k))
            ms = b.get("coalesce_ms")
            row(
                f"realtime CPU with input coalescing ({b['sessions']} sessions x {b['seconds']:g} s)",
                f"CPU ms per session-second, libazaudio C: input_audio_coalesce_ms 0 -> {ms}",
                [f"{_cell(_get(b, C, k))} -> {_cell(_get(b, C_COALESCED, k))}", "", "", ""],
                "<= 0.5 ms (issue 5)",
                f"{_fmt(held)} ms ({_fmt(_ratio(held, plain))} of the default); client send -> echo median "
                f"{_fmt(_med(_get(b, C, 'rtt_median_ms')))} -> {_fmt(_med(_get(b, C_COALESCED, 'rtt_median_ms')))} ms",
                None if held is None else held <= 0.5,
            )
    if "rt_density" in B:
        b = B["rt_density"]
        cells = []
        vals = {}
        for w in (C, PYB, OAI):
            c = b["contenders"].get(w)
            if c == NA or c is None:
                cells.append(NA if c == NA else "-")
                continue
            vals[w] = c["sessions"]
            cells.append((">= " if c.get("capped") else "") + str(c["sessions"]))
        ratio = _ratio(vals.get(C), vals.get(OAI))
        row(
            f"realtime density ({b['seconds']:g} s probes)",
            "most sessions with 0 frames lost and p99 <= 50 ms",
            cells + ["no realtime"],
            ">= 10x openai-python's",
            f"C/openai {_fmt(ratio)}x",
            None if ratio is None else ratio >= 10,
        )
    if "rt_mem" in B:
        b = B["rt_mem"]
        k = "rss_per_session_kb"
        cells = [_cell(_get(b, w, k)) for w in (C, PYB, OAI)] + ["no realtime"]
        rc, ro = _med(_get(b, C, k)), _med(_get(b, OAI, k))
        ratio = _ratio(rc, ro)
        row(
            f"realtime memory ({b['sessions']} sessions)",
            "RSS KiB per session",
            cells,
            "<= 1/10 of openai-python's",
            f"C/openai {_fmt(ratio)} (1/{_fmt(1 / ratio) if ratio else '-'})",
            None if ratio is None else ratio <= 0.1,
        )
    if "rt_target" in B:
        j = B["rt_target"]
        n, secs = j.get("sessions"), j.get("seconds")
        lat = j.get("lat_server_ms", {})
        row(
            f"realtime {n} sessions x {_fmt(secs)} s (issue 5)",
            "frames lost (of sent)",
            [f"{j.get('frames_lost')} of {j.get('frames_sent')}", "", "", ""],
            "0",
            "",
            None if j.get("frames_lost") is None else j.get("frames_lost") == 0,
        )
        row(
            "",
            "latency server send -> callback, median / p99 ms",
            [f"{_fmt(lat.get('median'))} / {_fmt(lat.get('p99'))}", "", "", ""],
            "report (p99 <= 50 for density)",
            "",
            None if lat.get("p99") is None else lat.get("p99") <= 50,
        )
        row(
            "",
            "RSS KiB per session",
            [_fmt(j.get("rss_per_session_kb")), "", "", ""],
            "<= 256 KiB",
            "",
            None if j.get("rss_per_session_kb") is None else j["rss_per_session_kb"] <= 256,
        )
        cm = j.get("connect_ms", {})
        row(
            "",
            "connect() -> ready, median / p99 ms",
            [f"{_fmt(cm.get('median'))} / {_fmt(cm.get('p99'))}", "", "", ""],
            "report",
            "",
            REPORT_ONLY if cm else None,
        )
        row(
            "",
            "CPU ms per session-second: library / echo server",
            [f"{_fmt(j.get('cpu_ms_per_session_s'))} / {_fmt(j.get('server_cpu_ms_per_session_s'))}", "", "", ""],
            "<= 0.5 ms (library)",
            "",
            None if j.get("cpu_ms_per_session_s") is None else j["cpu_ms_per_session_s"] <= 0.5,
        )
    if "upload" in B:
        b = B["upload"]
        cells = [_cell(_get(b, w, "ms")) for w in (C, PYB, OAI, CURL)]
        rc, rp, rcu = (_med(_get(b, w, "ms")) for w in (C, PYB, CURL))
        ratio = _ratio(rc, rcu)
        rt = f"C/curl {_fmt(ratio)}"
        if rp:
            rt += f"; Python/curl {_fmt(_ratio(rp, rcu))}"
        row(
            f"upload ({b['mib']} MiB WAV)",
            "wall ms",
            cells,
            "<= 1.15x curl",
            rt,
            None if ratio is None else ratio <= 1.15,
        )
        cells = [_cell(_get(b, w, "rss_growth_kib")) for w in (C, PYB, OAI)] + [
            _cell(_get(b, CURL, "peak_rss_kib")) + " (peak)"
        ]
        g = _med(_get(b, C, "rss_growth_kib"))
        row(
            "",
            "peak RSS growth KiB during the call",
            cells,
            "<= 4096 KiB",
            f"C {_fmt(g)} KiB",
            None if g is None else g <= 4096,
        )
    if "ttfb" in B:
        b = B["ttfb"]
        cells = [_cell(_get(b, w, "ms")) for w in (C, PYB, OAI, CURL)]
        rc, ro, rcu = (_med(_get(b, w, "ms")) for w in (C, OAI, CURL))
        ok = None
        if None not in (rc, ro, rcu):
            ok = rc <= ro and rc <= 1.1 * rcu + 1
        limit = 1.1 * rcu + 1 if rcu is not None else None
        row(
            "TTS first byte (streamed pcm)",
            "ms to the first audio chunk",
            cells,
            "<= openai-python's and <= 1.1x curl + 1 ms",
            f"C/openai {_fmt(_ratio(rc, ro))}; C {_fmt(rc)} vs limit {_fmt(limit)} ms",
            ok,
        )
    if "small" in B:
        b = B["small"]
        cells = [_cell(_get(b, w, "ms")) for w in (C, PYB, OAI, CURL)]
        rc, rp, ro = (_med(_get(b, w, "ms")) for w in (C, PYB, OAI))
        ratio = _ratio(rc, ro)
        rt = f"C/openai {_fmt(ratio)}"
        if rp:
            rt += f"; Python/openai {_fmt(_ratio(rp, ro))}"
        row(
            f"small calls ({b['count']} sequential transcriptions)",
            "total ms",
            cells,
            "<= openai-python's total",
            rt,
            None if ratio is None else ratio <= 1,
        )
    if "startup" in B:
        b = B["startup"]
        cells = [_cell(_get(b, w, "ms")) for w in (C, PYB, OAI)] + ["-"]
        rc, ro = _med(_get(b, C, "ms")), _med(_get(b, OAI, "ms"))
        row(
            "start-up",
            "process wall ms: load + create a client",
            cells,
            "report both",
            f"C/openai {_fmt(_ratio(rc, ro))}",
            REPORT_ONLY if rc is not None and ro is not None else None,
        )
    report_continuity.rows(B, row, _fmt, _cell, REPORT_ONLY)
    return out


def markdown(r: dict) -> str:
    head = ["benchmark", "metric", C, PYB, OAI, CURL, "goal (libazaudio)", "measured ratio", "met"]
    lines = [
        f"Run {r.get('started')} ({'smoke' if r.get('smoke') else 'full'}), {r.get('nproc')} CPUs, "
        f"{r.get('elapsed_s', 0):.0f} s. Values: median (min-max) of {r['config']['reps']} runs, "
        "contenders alternated.",
        "",
        f"Load at start: `{r.get('uptime_start')}`; at end: `{r.get('uptime_end')}`.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for rw in rows(r):
        lines.append("| " + " | ".join(rw) + " |")
    for m in r.get("merged", []):
        lines += ["", f"Re-run and merged {m['started']}: {m['only']} (load at start: `{m['uptime_start']}`)."]
    srv = r.get("rt_server_total")
    if srv:
        lines += [
            "",
            f"Echo server over the whole run: {srv.get('cpu_ms')} ms CPU, {srv.get('connections')} connections, "
            f"{srv.get('deltas')} deltas, peak RSS {srv.get('max_rss_kb')} KiB.",
        ]
    return "\n".join(lines) + "\n"


def chart(r: dict, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    B = r["benchmarks"]
    panels = []
    spec = [
        ("rt_cpu", "cpu_ms_per_session_s", "realtime CPU\nms per session-second (log)", (C, PYB, OAI), True),
        ("rt_mem", "rss_per_session_kb", "realtime memory\nKiB RSS per session (log)", (C, PYB, OAI), True),
        ("upload", "ms", "upload 24 MiB\nwall ms", (C, PYB, OAI, CURL), False),
        ("ttfb", "ms", "TTS first byte\nms", (C, PYB, OAI, CURL), False),
        ("small", "ms", "small calls\ntotal ms", (C, PYB, OAI, CURL), False),
        ("startup", "ms", "start-up\nprocess ms (log)", (C, PYB, OAI), True),
    ]
    for key, field, title, who, logy in spec:
        if key in B:
            panels.append((key, field, title, who, logy))
    has_density = "rt_density" in B
    n = len(panels) + (1 if has_density else 0)
    if n == 0:
        return
    cols = min(4, n)
    rows_ = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows_, cols, figsize=(4.2 * cols, 3.6 * rows_), squeeze=False)
    colors = {C: "#1f77b4", PYB: "#17becf", OAI: "#d62728", CURL: "#7f7f7f"}
    i = 0
    for key, field, title, who, logy in panels:
        ax = axes[i // cols][i % cols]
        i += 1
        names, meds, lo, hi = [], [], [], []
        for w in who:
            s = _get(B[key], w, field)
            if not isinstance(s, dict) or s.get("median") is None:
                continue
            names.append(w.replace("libazaudio ", "lib "))
            meds.append(s["median"])
            lo.append(s["median"] - s["min"])
            hi.append(s["max"] - s["median"])
        ax.bar(
            names,
            meds,
            yerr=[lo, hi],
            capsize=4,
            color=[colors.get(w, "#999") for w in who if isinstance(_get(B[key], w, field), dict)],
        )
        ax.set_title(title, fontsize=9)
        if logy and meds and min(meds) > 0:
            ax.set_yscale("log")
        ax.tick_params(axis="x", labelsize=7, rotation=20)
        for x, m in enumerate(meds):
            ax.annotate(_fmt(m), (x, m), ha="center", va="bottom", fontsize=7)
    if has_density:
        ax = axes[i // cols][i % cols]
        i += 1
        names, vals, cols_ = [], [], []
        for w in (C, PYB, OAI):
            c = B["rt_density"]["contenders"].get(w)
            if isinstance(c, dict):
                names.append(w.replace("libazaudio ", "lib "))
                vals.append(c["sessions"])
                cols_.append(colors[w])
        ax.bar(names, vals, color=cols_)
        ax.set_title("realtime density\nsessions sustained (log)", fontsize=9)
        if vals and min(vals) > 0:
            ax.set_yscale("log")
        ax.tick_params(axis="x", labelsize=7, rotation=20)
        for x, m in enumerate(vals):
            ax.annotate(str(m), (x, m), ha="center", va="bottom", fontsize=7)
    while i < rows_ * cols:
        axes[i // cols][i % cols].axis("off")
        i += 1
    fig.suptitle(
        f"libazaudio vs openai-python vs curl ({'smoke' if r.get('smoke') else 'median of ' + str(r['config']['reps'])}"
        f", {r.get('started')}; error bars: min-max)",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
