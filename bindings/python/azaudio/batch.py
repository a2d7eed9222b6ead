"""Batches: many recordings transcribed or translated into one output directory, resumable and shardable.

Each input gets one output file ``<output_dir>/<name>.<format extension>``, written under a temporary name and
renamed when complete, so an existing output always means a finished input; a run started again skips those. Inside
an input cut into pieces, each answered piece is kept in ``<output_dir>/.azaudio-journal`` (the library's piece
journal), so an input interrupted halfway (Ctrl-C, a crash, kill -9) sends only its missing pieces next time.

``shard=(i, n)`` keeps the inputs whose position in the sorted list is ``i`` modulo ``n``: n machines or jobs
(cron, Slurm array jobs, Kubernetes indexed jobs, Ray tasks) each run the same command with their own ``i`` and
together cover the batch once, with no coordination beyond the shared output directory.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional

from .errors import AzAudioError
from .pieces import Pieces

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client
    from .results import Transcription

#: Extensions taken from a directory.
AUDIO_EXTENSIONS = (".flac", ".m4a", ".mp3", ".mp4", ".mpeg", ".mpga", ".ogg", ".wav", ".webm")
_OUTPUT_EXTENSIONS = {"json": "json", "verbose_json": "json", "text": "txt", "srt": "srt", "vtt": "vtt"}
JOURNAL_DIR = ".azaudio-journal"


@dataclass
class BatchResult:
    """One input's outcome: ``output`` written, or ``error`` (the input failed alone); ``skipped`` when its output
    already existed from an earlier run."""

    input: str
    output: str
    transcription: Optional["Transcription"] = None
    error: Optional[AzAudioError] = None
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files as given, and the audio files inside directories (recursively), sorted and without duplicates."""
    found: set[str] = set()
    for item in inputs:
        if os.path.isdir(item):
            for root, _dirs, files in os.walk(item):
                for name in files:
                    if name.lower().endswith(AUDIO_EXTENSIONS):
                        found.add(os.path.join(root, name))
        else:
            found.add(item)
    return sorted(found)


def output_path(input_path: str, output_dir: str, response_format: Optional[str]) -> str:
    """Where an input's result goes."""
    stem = os.path.splitext(os.path.basename(input_path))[0]
    return os.path.join(output_dir, f"{stem}.{_OUTPUT_EXTENSIONS.get(response_format or 'json', 'txt')}")


def transcribe_many(
    client: "Client",
    inputs: Iterable[str],
    *,
    output_dir: str,
    deployment: str,
    task: str = "transcribe",
    jobs: int = 2,
    shard: tuple[int, int] = (0, 1),
    response_format: Optional[str] = None,
    pieces: Optional[Pieces] = None,
    on_pieces: Optional[Callable[[str, int, int, float, float], object]] = None,
    **options: Any,
) -> Iterator[BatchResult]:
    """Transcribe (``task="transcribe"``) or translate (``"translate"``) files and directories into ``output_dir``,
    ``jobs`` inputs at a time; yields each input's :class:`BatchResult` as it finishes. Inputs whose output exists
    are yielded at once as skipped. ``options`` go to :meth:`Client.transcribe` / :meth:`Client.translate`. A
    failing input (e.g. a corrupt file) is reported in its result and does not stop the others.
    ``on_pieces(input, pieces_done, pieces_total, seconds_done, seconds_total)`` follows each input cut into pieces
    (on the worker thread running that input)."""
    index, count = shard
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"shard {index}/{count}: use I/N with 0 <= I < N")
    if task not in ("transcribe", "translate"):
        raise ValueError(f"task {task!r}: use 'transcribe' or 'translate'")
    os.makedirs(output_dir, exist_ok=True)
    journal = os.path.join(output_dir, JOURNAL_DIR)
    pieces = replace(pieces or Pieces(), journal_dir=(pieces.journal_dir if pieces and pieces.journal_dir else journal))
    mine = [p for i, p in enumerate(expand_inputs(inputs)) if i % count == index]
    call = client.transcribe if task == "transcribe" else client.translate
    lock = threading.Lock()

    def one(path: str, out: str) -> BatchResult:
        mine_pieces = pieces
        if on_pieces is not None:
            mine_pieces = replace(pieces, progress=lambda d, t, s, st: on_pieces(path, d, t, s, st))
        try:
            result = call(path, deployment=deployment, response_format=response_format, pieces=mine_pieces, **options)
        except AzAudioError as error:
            return BatchResult(path, out, error=error)
        body = result.raw or result.text
        temporary = f"{out}.part{os.getpid()}.{threading.get_ident()}"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(body)
        with lock:
            os.replace(temporary, out)
        return BatchResult(path, out, transcription=result)

    pending: list[tuple[str, str]] = []
    for path in mine:
        out = output_path(path, output_dir, response_format)
        if os.path.exists(out):
            yield BatchResult(path, out, skipped=True)
        else:
            pending.append((path, out))
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="azaudio-batch") as pool:
        running: set[Future[BatchResult]] = set()
        queue = iter(pending)
        try:
            for item in queue:
                running.add(pool.submit(one, *item))
                if len(running) >= max(1, jobs):
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield future.result()
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in running:
                future.cancel()
