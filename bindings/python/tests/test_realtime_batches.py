"""take_events through azaudio_realtime_take_events: one library call per batch, the events' type, audio and JSON
from the batch's records, against the local emulator."""

from __future__ import annotations

import base64
import json
import select
import time

import azaudio
import pytest
from azaudio import EventType, RealtimeEvent, _event_batch

pytestmark = [
    pytest.mark.usefixtures("realtime"),
    pytest.mark.skipif(not _event_batch.has_batches(), reason="the library has no azaudio_realtime_take_events"),
]


def _whole_turn(session: azaudio.RealtimeSession) -> list[RealtimeEvent]:
    """A spoken reply to "hello there", taken with take_events whenever the event fd is readable, until CLOSED."""
    poller = select.poll()
    poller.register(session.event_fd(), select.POLLIN)
    session.create_text_item("user", "hello there")
    session.create_response()
    taken: list[RealtimeEvent] = []
    deadline = time.monotonic() + 60
    while not session.closed and time.monotonic() < deadline:
        if not poller.poll(1000):
            continue
        batch = session.take_events()
        taken.extend(batch)
        if any(e.type == EventType.RESPONSE_DONE for e in batch):
            session.close()
    return taken


def test_batched_events_carry_their_audio_and_json_even_after_the_session_is_gone(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        taken = _whole_turn(session)
    # the session is destroyed: the events own their C events, and read their fields now, lazily
    deltas = [e for e in taken if e.type == EventType.AUDIO_DELTA]
    assert deltas and sum(len(e.audio) for e in deltas) > 0
    for event in deltas:
        wire = json.loads(event.json_bytes)
        assert wire["type"] == event.name
        assert event.audio == base64.b64decode(wire["delta"])  # the same PCM16 the wire carried
    for event in taken:
        assert event.json_text == event.json_bytes.decode()
        if event.type != EventType.CLOSED:
            assert json.loads(event.json_bytes)["type"] == event.name
        if event.type != EventType.AUDIO_DELTA:
            assert event.audio == b""
    assert [e.type for e in taken][-1] == EventType.CLOSED


def test_a_turn_taken_in_batches_of_two_loses_repeats_and_reorders_nothing(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session._batches = _event_batch.EventBatches(capacity=2)
        taken = _whole_turn(session)
    kinds = [e.type for e in taken]
    assert kinds[:2] == [EventType.SESSION_CREATED, EventType.SESSION_UPDATED]
    assert kinds.count(EventType.CLOSED) == 1 and kinds[-1] == EventType.CLOSED
    deltas = "".join(e.text for e in taken if e.type == EventType.AUDIO_TRANSCRIPT_DELTA)
    done = [e.text for e in taken if e.type == EventType.AUDIO_TRANSCRIPT_DONE]
    assert done == [deltas] and deltas


def test_take_events_takes_everything_waiting_even_past_its_buffer(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
        session._batches = _event_batch.EventBatches(capacity=1)
        kinds = [e.type for e in session.take_events()]  # what connect left waiting: more than one event
        assert kinds[:2] == [EventType.SESSION_CREATED, EventType.SESSION_UPDATED]
        assert session.take_events() == []
