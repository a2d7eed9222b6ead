"""The official openai SDK, and real speech, against the emulator's realtime routes.

These use the REST half's session-scoped `emulator` fixture (real espeak-ng and
pocketsphinx engines), with its pacing raised while they run.

How each SDK entry point reaches Azure (and so the emulator):

* ``AzureOpenAI(...).beta.realtime.connect(model=D)``: ``/openai/realtime?
  api-version=V&deployment=D``, the PREVIEW protocol it was written for;
* ``OpenAI(base_url=".../openai/v1", websocket_base_url="ws(s)://.../openai/v1")
  .realtime.connect(model=D)``: ``/openai/v1/realtime?model=D`` with a Bearer key,
  the GA protocol (Microsoft's documented way to use GA realtime);
* ``AzureOpenAI(...).realtime.connect(model=D)`` (the GA client code): still the
  deployment URL with ``api-version``, which Azure serves with the PREVIEW
  protocol, so GA session fields are refused there ("Unknown parameter:
  'session.type'"), exactly as users report it against Azure.
"""

from __future__ import annotations

import asyncio
import base64
import subprocess

import pytest
from helpers import API_KEY
from test_realtime_harness import RealtimeClient, names

openai = pytest.importorskip("openai")
pytest.importorskip("websockets")

API_VERSION = "2025-04-01-preview"

#: The SDK's own use of the websockets library warns; nothing to do with the emulator.
pytestmark = pytest.mark.filterwarnings("ignore:connect\\(\\) must be used as a context manager:DeprecationWarning")


@pytest.fixture
def fast_emulator(emulator):
    """The shared emulator with realtime audio paced 50x real time for the test."""
    speed = emulator.ctx.speed
    emulator.ctx.speed = 50.0
    yield emulator
    emulator.ctx.speed = speed


def azure_client(emulator) -> "openai.AzureOpenAI":
    return openai.AzureOpenAI(
        api_key=API_KEY,
        api_version=API_VERSION,
        azure_endpoint=emulator.base_url,
        websocket_base_url=emulator.base_url.replace("http://", "ws://") + "/openai",
    )


def text_turn(connection, text: str) -> tuple[list, str]:
    """Send a user text item and response.create; collect events to response.done."""
    connection.conversation.item.create(
        item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
    )
    connection.response.create()
    events = []
    for event in connection:
        events.append(event)
        if event.type == "response.done":
            break
    return events, "".join(
        getattr(e, "delta", "") or "" for e in events if e.type in ("response.text.delta", "response.output_text.delta")
    )


def test_azure_openai_beta_realtime_runs_a_text_turn_on_the_preview_protocol(fast_emulator):
    client = azure_client(fast_emulator)
    with client.beta.realtime.connect(model="gpt-4o-realtime-preview") as connection:
        connection.session.update(session={"modalities": ["text"], "instructions": "Be brief."})
        first = [connection.recv() for _ in range(3)]
        events, text = text_turn(connection, "Hello from the SDK")
    assert [e.type for e in first] == ["session.created", "conversation.created", "session.updated"]
    assert not [e for e in events if e.type == "error"]
    assert text == "You said: Hello from the SDK."
    assert events[-1].response.status == "completed"


def test_openai_sdk_realtime_runs_a_text_turn_on_the_azure_v1_ga_route(fast_emulator):
    base = fast_emulator.base_url
    client = openai.OpenAI(
        api_key=API_KEY,
        base_url=base + "/openai/v1",
        websocket_base_url=base.replace("http://", "ws://") + "/openai/v1",
    )
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        created = connection.recv()
        updated = connection.recv()
        events, text = text_turn(connection, "Hello GA")
    assert created.type == "session.created" and created.session.type == "realtime"
    assert updated.type == "session.updated" and updated.session.output_modalities == ["text"]
    assert not [e for e in events if e.type == "error"]
    assert text == "You said: Hello GA."
    assert "response.output_text.done" in [e.type for e in events]


def test_openai_sdk_ga_realtime_speaks_pcm_audio_deltas(fast_emulator):
    base = fast_emulator.base_url
    client = openai.OpenAI(
        api_key=API_KEY,
        base_url=base + "/openai/v1",
        websocket_base_url=base.replace("http://", "ws://") + "/openai/v1",
    )
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.session.update(session={"type": "realtime", "audio": {"output": {"voice": "marin"}}})
        events, _ = text_turn(connection, "testing audio")
    audio = b"".join(base64.b64decode(e.delta) for e in events if e.type == "response.output_audio.delta")
    transcript = next(e for e in events if e.type == "response.output_audio_transcript.done").transcript
    assert transcript == "You said: testing audio."
    assert len(audio) > 24000  # more than half a second of 24 kHz speech
    assert not [e for e in events if e.type == "error"]


def test_azure_openai_ga_client_code_gets_azures_unknown_parameter_error_for_ga_session_fields(fast_emulator):
    client = azure_client(fast_emulator)
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        events = [connection.recv() for _ in range(3)]
    assert [e.type for e in events] == ["session.created", "conversation.created", "error"]
    assert events[-1].error.message == "Unknown parameter: 'session.type'."
    assert events[-1].error.param == "session.type"


def test_azure_openai_ga_client_code_without_ga_session_fields_completes_a_turn(fast_emulator):
    client = azure_client(fast_emulator)
    with client.realtime.connect(model="gpt-realtime") as connection:
        events, _ = text_turn(connection, "plain turn")
    kinds = [e.type for e in events]
    assert "error" not in kinds
    assert "response.audio_transcript.done" in kinds  # preview names, as Azure sends them there


def spoken_pcm24(text: str) -> bytes:
    """espeak-ng speech as raw 24 kHz s16le mono (made without the emulator's code)."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "140", "--stdout", text], capture_output=True, check=True
    ).stdout
    return subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", "pipe:0", "-ar", "24000", "-ac", "1", "-f", "s16le", "pipe:1"],
        input=wav,
        capture_output=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_real_speech_is_detected_transcribed_and_answered_with_real_speech(fast_emulator, protocol):
    import aiohttp

    speech = bytes(2 * 24000 // 4) + spoken_pcm24("hello world") + bytes(2 * 24000)
    base = fast_emulator.base_url
    path = (
        "/openai/v1/realtime?model=gpt-realtime"
        if protocol == "ga"
        else f"/openai/realtime?api-version={API_VERSION}&deployment=gpt-4o-realtime-preview"
    )
    transcription = {"model": "gpt-4o-transcribe"}

    async def body():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(base + path, headers={"api-key": API_KEY}, max_msg_size=0) as ws:
                rt = RealtimeClient(ws, protocol)
                await rt.expect("session.created")
                td = {"type": "server_vad", "silence_duration_ms": 500}
                session = (
                    {"type": "realtime", "audio": {"input": {"transcription": transcription, "turn_detection": td}}}
                    if protocol == "ga"
                    else {"input_audio_transcription": transcription, "turn_detection": td}
                )
                await rt.send("session.update", session=session)
                await rt.expect("session.updated")
                await rt.append(speech)
                events = []
                wanted = {"rate_limits.updated", "conversation.item.input_audio_transcription.completed"}
                while wanted:
                    event = await rt.next(30)
                    events.append(event)
                    wanted.discard(event["type"])
                return events

    events = asyncio.run(body())
    n = names(protocol)
    heard = next(e for e in events if e["type"] == "conversation.item.input_audio_transcription.completed")
    assert heard["transcript"].strip()
    transcript = next(e for e in events if e["type"] == n["transcript_done"])["transcript"]
    assert transcript.startswith("You said: ")
    audio = b"".join(base64.b64decode(e["delta"]) for e in events if e["type"] == n["audio_delta"])
    assert len(audio) > 24000
    assert not [e for e in events if e["type"] == "error"]
