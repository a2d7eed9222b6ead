"""Streamed REST calls as iterators: the blocking call runs on a worker thread and hands each item (a text delta,
an audio chunk) through a bounded queue to the consumer. Internal: made by Client.transcribe_stream and
Client.speech_stream; azaudio.aio runs the same blocking ``call`` itself."""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable, Iterator, Optional

from ._calls import Guard
from .results import Transcription

__all__ = ["TranscriptionStream", "StreamCall", "ItemStream"]

_STREAM_QUEUE_ITEMS = 64


class TranscriptionStream:
    """The text deltas of a streamed transcription, as an iterator; ``transcription`` is the whole result once the
    iteration has ended."""

    def __init__(self, call: Callable[[Callable[[str], object], Guard], Transcription]) -> None:
        self.transcription: Optional[Transcription] = None

        def run_call(on_delta: Callable[[str], object], guard: Guard) -> Transcription:
            self.transcription = call(on_delta, guard)
            return self.transcription

        self._chunks = ItemStream(run_call)
        #: The blocking call behind the iterator (azaudio.aio runs it itself).
        self.call: StreamCall = run_call

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        chunk: str = next(self._chunks)
        return chunk

    def close(self) -> None:
        """Stop the request if it is still running."""
        self._chunks.close()


_END = object()

#: A blocking streamed call: ``call(on_item, guard)`` passes each item to on_item and stops when guard is cancelled.
StreamCall = Callable[[Callable[[Any], object], Guard], object]


def _stream(call: StreamCall) -> Iterator[Any]:
    """Run ``call(on_item, guard)`` on a worker thread and yield what it passes to on_item, in order, through a
    bounded queue. Closing the iterator early (break, garbage collection, Ctrl-C) stops the call and joins it."""
    items: "queue.Queue[Any]" = queue.Queue(maxsize=_STREAM_QUEUE_ITEMS)
    guard = Guard()
    outcome: list[BaseException] = []

    def on_item(item: Any) -> None:
        while not guard.stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            call(on_item, guard)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            outcome.append(error)
        while True:
            try:
                items.put(_END, timeout=0.1)
                return
            except queue.Full:
                if guard.stop.is_set():
                    return

    def generate() -> Iterator[Any]:
        worker = threading.Thread(target=work, name="azaudio-stream", daemon=True)
        worker.start()
        try:
            while True:
                try:
                    item = items.get(timeout=0.25)
                except queue.Empty:
                    if not worker.is_alive() and items.empty():
                        break
                    continue
                if item is _END:
                    break
                yield item
            worker.join()
            if outcome:
                raise outcome[0]
        finally:
            if worker.is_alive():
                guard.cancel()
                _drain_and_join(worker, items)

    return generate()


class ItemStream(Iterator[Any]):
    """What speech_stream returns: the iterator of _stream, keeping its blocking ``call`` (for azaudio.aio). Nothing
    runs until the first next()."""

    def __init__(self, call: StreamCall) -> None:
        self.call = call
        self._items = _stream(call)

    def __next__(self) -> Any:
        return next(self._items)

    def close(self) -> None:
        """Stop the request if it is still running."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()


def _drain_and_join(worker: threading.Thread, items: "queue.Queue[Any]") -> None:
    while worker.is_alive():
        try:
            while True:
                items.get_nowait()
        except queue.Empty:
            pass
        try:
            worker.join(0.1)
        except KeyboardInterrupt:
            continue
