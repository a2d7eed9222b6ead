"""``azaudio transcribe|translate`` on long recordings and on batches: the flags (--output-dir, --jobs, --shard,
--pieces, --max-upload-bytes), the progress line (inputs, pieces, audio minutes, rate, time left) and the batch
command itself (see :mod:`azaudio.batch`). Internal to azaudio.cli."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Optional

from ._cli_output import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, CommandError, plain
from .batch import expand_inputs, transcribe_many
from .pieces import Pieces

if TYPE_CHECKING:
    from .cli import Settings


class PiecesProgress:
    """A progress line on stderr (when it is a terminal) for recordings cut into pieces and for batches: inputs
    done, pieces, audio minutes done, the rate against real time and the time left."""

    def __init__(self, enabled: bool, inputs: int = 1) -> None:
        self.enabled = enabled
        self.inputs = inputs
        self.finished = 0
        self.failed = 0
        self.start = time.monotonic()
        self.state: dict[str, tuple[int, int, float, float]] = {}
        self.lock = threading.Lock()
        self.open = False

    def pieces(self, name: str, done: int, total: int, seconds: float, seconds_total: float) -> None:
        with self.lock:
            self.state[name] = (done, total, seconds, seconds_total)
            self._draw()

    def input_done(self, failed: bool) -> None:
        with self.lock:
            self.finished += 1
            self.failed += 1 if failed else 0
            self._draw()

    def line(self) -> str:
        """The progress line as it is drawn (without the terminal's control characters)."""
        done = sum(s[0] for s in self.state.values())
        total = sum(s[1] for s in self.state.values())
        seconds = sum(s[2] for s in self.state.values())
        seconds_total = sum(s[3] for s in self.state.values())
        elapsed = max(time.monotonic() - self.start, 1e-3)
        rate = seconds / elapsed
        eta = f"  ETA {(seconds_total - seconds) / rate / 60:.1f} min" if rate > 0 and seconds_total > seconds else ""
        files = f"files {self.finished}/{self.inputs}" + (f" ({self.failed} failed)" if self.failed else "") + "  "
        return (
            f"{files if self.inputs > 1 else ''}pieces {done}/{total}  audio {seconds / 60:.1f} of "
            f"{seconds_total / 60:.1f} min  {rate:.1f}x real time{eta}"
        )

    def _draw(self) -> None:
        if not self.enabled:
            return
        sys.stderr.write("\r\x1b[K" + self.line())
        sys.stderr.flush()
        self.open = True

    def __enter__(self) -> "PiecesProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.open:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.open = False


def add_batch_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("long recordings and batches")
    g.add_argument(
        "--output-dir",
        metavar="DIR",
        help="batch: one result file per input here; a journal beside them lets a restarted run skip "
        "finished inputs and send no finished piece again",
    )
    g.add_argument("--jobs", type=int, default=2, metavar="N", help="batch: inputs at a time (default 2)")
    g.add_argument(
        "--shard",
        metavar="I/N",
        help="batch: take only every N-th input from the I-th (0-based), so N "
        "machines or jobs share one batch without coordination",
    )
    g.add_argument(
        "--pieces", type=int, metavar="N", help="pieces of one long recording sent at once (1-16, default 4)"
    )
    g.add_argument(
        "--max-upload-bytes",
        type=int,
        metavar="B",
        help="cut recordings whose upload would be larger (default 26214400, the service's limit)",
    )


def is_batch(args: argparse.Namespace) -> bool:
    """Several inputs, a directory, or --output-dir: a batch rather than one recording."""
    files: list[str] = args.file
    return bool(args.output_dir) or len(files) > 1 or os.path.isdir(files[0])


def pieces_for(args: argparse.Namespace, progress: Any = None) -> Pieces:
    """The --pieces and --max-upload-bytes flags as a :class:`Pieces` (progress: see PiecesProgress)."""
    return Pieces(concurrency=args.pieces, max_upload_bytes=args.max_upload_bytes, progress=progress)


def parse_shard(text: Optional[str]) -> tuple[int, int]:
    if not text:
        return (0, 1)
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise CommandError(f"--shard {text!r}: use I/N, e.g. 0/4", EXIT_USAGE) from None
    if n < 1 or not 0 <= i < n:
        raise CommandError(f"--shard {text!r}: use I/N with 0 <= I < N", EXIT_USAGE)
    return (i, n)


def cmd_batch(settings: "Settings", args: argparse.Namespace, kind: str) -> int:
    """Many files or directories into --output-dir, resumable (see azaudio.batch). Exit 10 (EXIT_PARTIAL) when
    some inputs failed; each is named on stderr (or in the --json results)."""
    if not args.output_dir:
        raise CommandError("several inputs or a directory need --output-dir", EXIT_USAGE)
    if "-" in args.file:
        raise CommandError("- (stdin) cannot be part of a batch", EXIT_USAGE)
    if kind == "transcribe" and (args.stream or args.format == "diarized_json"):
        raise CommandError(
            "a batch writes whole results: --stream and --format diarized_json take one file", EXIT_USAGE
        )
    deployment = settings.deployment_for(kind)
    index, count = parse_shard(args.shard)
    inputs = [p for i, p in enumerate(expand_inputs(args.file)) if i % count == index]
    extra: dict[str, Any] = {"prompt": args.prompt, "model": args.model}
    if kind == "transcribe":
        extra["language"] = args.language
    failed = 0
    results: list[dict[str, Any]] = []
    terminal = sys.stderr.isatty() and not settings.json
    with settings.client() as client, PiecesProgress(terminal, len(inputs)) as bar:
        for r in transcribe_many(
            client,
            inputs,
            output_dir=args.output_dir,
            deployment=deployment,
            task=kind,
            jobs=args.jobs,
            response_format=args.format,
            pieces=pieces_for(args),
            on_pieces=bar.pieces,
            **extra,
        ):
            bar.input_done(not r.ok)
            failed += 0 if r.ok else 1
            error = plain(str(r.error)) if r.error is not None else None
            results.append({"input": r.input, "output": r.output, "skipped": r.skipped, "error": error})
            if not settings.json and error is not None:
                sys.stderr.write(("\r\x1b[K" if bar.open else "") + f"azaudio: {r.input}: {error}\n")
    if settings.json:
        print(json.dumps({"results": results, "failed": failed}, indent=2, ensure_ascii=False))
    else:
        done = sum(1 for r in results if not r["skipped"] and not r["error"])
        skipped = sum(1 for r in results if r["skipped"])
        print(f"{done} done, {skipped} already done, {failed} failed; outputs in {args.output_dir}")
    return EXIT_OK if failed == 0 else EXIT_PARTIAL
