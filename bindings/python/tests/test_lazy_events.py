"""RealtimeEvent reads its fields from the library's event on first access: the values must be the same as the
event's JSON says, whenever and on whichever thread they are read, for pulled events and for callback events that
the callback kept (the C event behind those is gone once the callback returned)."""

from __future__ import annotations

import base64
import queue
import threading
from typing import Any

import azaudio
import pytest
from azaudio import EventType, RealtimeEvent

pytestmark = pytest.mark.usefixtures("realtime")


def _delta_audio(event: RealtimeEvent) -> bytes:
    wire: dict[str, Any] = event.json
    return base64.b64decode(wire["delta"])


def test_a_hand_made_event_has_the_given_fields_and_compares_by_value() -> None:
    a = RealtimeEvent(EventType.TEXT_DELTA, name="response.output_text.delta", text="hi", item_id="i1")
    b = RealtimeEvent(EventType.TEXT_DELTA, name="response.output_text.delta", text="hi", item_id="i1")
    assert a == b and a.text == "hi" and a.audio == b"" and a.audio_ms is None and a.json is None
    assert a != RealtimeEvent(EventType.TEXT_DELTA, text="ho")
    assert "text='hi'" in repr(a)


def test_pulled_events_stay_readable_after_the_session_is_destroyed(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.create_text_item("user", "good morning")
        session.create_response()
        events = []
        for event in session.events(timeout=30):
            events.append(event)
            if event.type == EventType.RESPONSE_DONE:
                session.close()
    deltas = [e for e in events if e.type == EventType.AUDIO_DELTA]
    assert deltas, [e.name for e in events]
    for event in deltas:  # nothing was read before the session was freed
        assert event.audio == _delta_audio(event) and len(event.audio) > 0
        assert event.item_id == event.json["item_id"] and event.response_id == event.json["response_id"]
    done = next(e for e in events if e.type == EventType.RESPONSE_DONE)
    assert done.status == "completed" and done.usage is not None and done.usage == done.json["response"]["usage"]
    assert events[-1].type == EventType.CLOSED and events[-1].close_code == 1000


def test_callback_events_kept_by_the_callback_have_every_field_after_it_returned(rt: azaudio.Client) -> None:
    kept: list[RealtimeEvent] = []
    read_inside: list[tuple[str, bytes]] = []
    finished = threading.Event()

    def on_event(event: RealtimeEvent) -> None:
        if event.type == EventType.AUDIO_DELTA and len(read_inside) < 3:
            read_inside.append((event.item_id, event.audio))  # some fields read inside, the rest later
        kept.append(event)
        if event.type in (EventType.RESPONSE_DONE, EventType.CLOSED):
            finished.set()

    with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=on_event) as session:
        session.create_text_item("user", "good morning")
        session.create_response()
        assert finished.wait(30)
    deltas = [e for e in kept if e.type == EventType.AUDIO_DELTA]
    assert len(deltas) > 3
    for i, event in enumerate(deltas):
        assert event.audio == _delta_audio(event)
        assert event.name == event.json["type"] and event.item_id == event.json["item_id"]
        if i < 3:
            assert (event.item_id, event.audio) == read_inside[i]
    assert next(e for e in kept if e.type == EventType.RESPONSE_DONE).status == "completed"


def test_callback_events_handed_to_another_thread_read_the_same_values_there(rt: azaudio.Client) -> None:
    handed: "queue.Queue[RealtimeEvent]" = queue.Queue()
    checked: list[str] = []
    failures: list[str] = []

    def consumer() -> None:
        while True:
            event = handed.get()
            if event.type == EventType.CLOSED:
                return
            if event.type == EventType.AUDIO_DELTA:
                audio = event.audio  # races with the callback's return: must still be right
                if audio != _delta_audio(event):
                    failures.append(f"audio of {event.item_id} differs from its JSON")
            checked.append(event.name)

    worker = threading.Thread(target=consumer)
    worker.start()
    holder: dict[str, azaudio.RealtimeSession] = {}

    def on_event(event: RealtimeEvent) -> None:
        handed.put(event)
        if event.type == EventType.RESPONSE_DONE:
            holder["session"].close()

    try:
        with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=on_event) as session:
            holder["session"] = session
            session.create_text_item("user", "tell me a story")
            session.create_response()
            assert session.wait_closed(30)
    finally:
        handed.put(RealtimeEvent(EventType.CLOSED))
        worker.join(30)
    assert not failures
    assert "response.output_audio.delta" in checked and "response.done" in checked
