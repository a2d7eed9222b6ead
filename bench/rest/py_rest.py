"""REST benchmarks from Python: the openai SDK (AzureOpenAI) or libazaudio's Python binding, one measurement per run.

    python py_rest.py --impl openai|azaudio upload FILE          wall ms of one transcription, peak RSS growth KiB
    python py_rest.py --impl openai|azaudio ttfb TEXT            ms to the first streamed audio chunk, and total
    python py_rest.py --impl openai|azaudio many FILE COUNT      COUNT sequential transcriptions on one client: ms

Endpoint and key from AZURE_OPENAI_ENDPOINT / AZURE_OPENAI_API_KEY (OPENAI_API_VERSION optional). Each mode first
makes one warm-up call (imports, connection) as bench_rest.c does. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

STT, TTS = os.environ.get("BENCH_STT_DEPLOYMENT", "whisper"), os.environ.get("BENCH_TTS_DEPLOYMENT", "tts")
VERSION = os.environ.get("OPENAI_API_VERSION", "2025-04-01-preview")


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


class OpenAIImpl:
    def __init__(self) -> None:
        import openai

        self.client = openai.AzureOpenAI(
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version=VERSION,
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        )

    def transcribe(self, path: str) -> None:
        with open(path, "rb") as f:
            self.client.audio.transcriptions.create(model=STT, file=f, response_format="text")

    def speak_stream(self, text: str):
        with self.client.audio.speech.with_streaming_response.create(
            model=TTS, voice="alloy", input=text, response_format="pcm"
        ) as r:
            yield from r.iter_bytes()


class AzAudioImpl:
    def __init__(self) -> None:
        import azaudio

        self.client = azaudio.Client(
            os.environ["AZURE_OPENAI_ENDPOINT"], api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version=VERSION
        )

    def transcribe(self, path: str) -> None:
        self.client.transcribe(path, deployment=STT, response_format="text")

    def speak_stream(self, text: str):
        yield from self.client.speech_stream(text, deployment=TTS, response_format="pcm")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--impl", choices=["openai", "azaudio"], required=True)
    p.add_argument("--warmup-file", default=os.environ.get("BENCH_SMALL_FILE"))
    p.add_argument("mode", choices=["upload", "ttfb", "many"])
    p.add_argument("arg")
    p.add_argument("count", nargs="?", type=int, default=200)
    a = p.parse_args()
    impl = OpenAIImpl() if a.impl == "openai" else AzAudioImpl()
    out: dict = {"impl": a.impl, "mode": a.mode}
    if a.mode == "upload":
        if a.warmup_file:
            impl.transcribe(a.warmup_file)
        baseline = status_kib("VmRSS:")
        t0 = time.perf_counter()
        impl.transcribe(a.arg)
        out["ms"] = (time.perf_counter() - t0) * 1e3
        out["peak_rss_growth_kib"] = status_kib("VmHWM:") - baseline
        out["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    elif a.mode == "ttfb":
        for _chunk in impl.speak_stream(a.arg):  # warm-up
            pass
        t0 = time.perf_counter()
        first = None
        for chunk in impl.speak_stream(a.arg):
            if first is None and chunk:
                first = time.perf_counter()
        out["ttfb_ms"] = ((first or time.perf_counter()) - t0) * 1e3
        out["total_ms"] = (time.perf_counter() - t0) * 1e3
    else:
        if a.warmup_file:
            impl.transcribe(a.warmup_file)
        t0 = time.perf_counter()
        for _ in range(a.count):
            impl.transcribe(a.arg)
        out["ms"] = (time.perf_counter() - t0) * 1e3
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
