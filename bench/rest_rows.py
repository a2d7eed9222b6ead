"""bench/harness.py's REST rows against the emulator: upload (transcription of a large WAV), ttfb (speech's first
byte), small (many small calls), startup (load + create a client); libazaudio from C and Python against the openai
SDK and curl."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from bench_common import (
    BIN,
    CURL,
    OAI,
    PY,
    PYB,
    ROOT,
    VERSION,
    C,
    alternate,
    loadavg,
    log,
    run_measured,
    run_wait4,
    summary,
)
from rt_server import last_json

NAMES = ("upload", "ttfb", "small", "startup")


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


def run(
    want: Callable[[str], bool],
    cfg: dict,
    reps: int,
    smoke: bool,
    servers: Any,
    env: dict,
    penv: dict,
    inputs: dict,
    checks: list,
    B: dict,
) -> None:
    """Runs the REST rows asked for (`want`) into B, their checks into `checks`."""
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
                r = run_wait4(pyrest + ["--impl", "azaudio" if who == PYB else "openai", "upload", inputs["big"]], penv)
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
                res = {"ms": float(parts[0]) * 1e3, "total_ms": float(parts[1]) * 1e3} if r["rc"] == 0 else {"ms": None}
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
