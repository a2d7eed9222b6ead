"""Pull mode from a loop: the session's readiness descriptor (event_fd), batches of waiting events (take_events),
and "no event yet" as a normal outcome that records no error (azaudio_realtime_poll_event), against the local
emulator."""

from __future__ import annotations

import ctypes
import os
import select
import time

import azaudio
import pytest
from azaudio import EventType, RealtimeEvent, _native

pytestmark = pytest.mark.usefixtures("realtime")


def test_a_loop_woken_by_the_event_fd_takes_a_whole_turn_in_batches(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
        fd = session.event_fd()
        assert fd == session.event_fd() and os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:[eventfd]"
        session.create_text_item("user", "hello there")
        session.create_response()
        taken: list[RealtimeEvent] = []
        batches = 0
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + 30
        while not session.closed and time.monotonic() < deadline:
            if not poller.poll(1000):
                continue
            batch = session.take_events()
            batches += 1
            taken.extend(batch)
            if any(e.type == EventType.RESPONSE_DONE for e in batch):
                session.close()
        kinds = [e.type for e in taken]
        assert kinds[:2] == [EventType.SESSION_CREATED, EventType.SESSION_UPDATED]
        assert kinds[-1] == EventType.CLOSED and kinds.count(EventType.RESPONSE_DONE) == 1
        assert "hello there" in "".join(e.text for e in taken if e.type == EventType.TEXT_DELTA)
        assert 0 < batches < len(taken)  # several events per wake-up
        assert poller.poll(50) == []  # never readable again once CLOSED was taken
        assert session.take_events() == []  # and nothing more to take
        with pytest.raises(azaudio.ClosedError):
            session.next_event(0)


def test_an_empty_wait_is_no_error_and_leaves_the_threads_error_record_alone(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
        kinds = [e.type for e in session.events(timeout=2)]  # what the connect left waiting, then a quiet session
        assert EventType.SESSION_UPDATED in kinds
        assert session.take_events() == []
        out = ctypes.c_void_p()
        code = _native.lib.azaudio_realtime_poll_event(session._live(), ctypes.byref(out), -5)
        assert code == _native.AZAUDIO_ERR_INVALID_ARGUMENT  # a failure on this thread, recorded
        before = _native.lib.azaudio_last_error()
        assert b"timeout_ms" in before
        assert session.next_event(timeout=0.05) is None
        assert session.next_event(timeout=0) is None
        assert _native.lib.azaudio_last_error() == before  # the empty waits recorded nothing over it


def test_the_event_fd_of_a_callback_session_is_refused(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=lambda e: None) as session:
        with pytest.raises(azaudio.InvalidStateError):
            session.event_fd()
        with pytest.raises(azaudio.InvalidStateError):
            session.take_events()
