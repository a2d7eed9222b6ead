"""Transcription, translation, speech and audio chat against the local emulator (needs the REST C API)."""

from __future__ import annotations

import _thread
import io
import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import azaudio
import pytest
from azaudio import audio
from conftest import Emulator

pytestmark = pytest.mark.usefixtures("rest")


def _control(emulator: Emulator, method: str, path: str, body: "dict[str, Any] | None" = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        emulator.endpoint + path, data=data, method=method, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        text = reply.read()
    return json.loads(text) if text else None


@pytest.fixture
def faults(emulator: Emulator) -> Iterator[Any]:
    def add(**fault: Any) -> None:
        _control(emulator, "POST", "/_emulator/faults", fault)

    yield add
    _control(emulator, "DELETE", "/_emulator/faults")


@pytest.fixture(scope="module")
def hello_wav(tmp_path_factory: pytest.TempPathFactory, emulator: Emulator) -> Path:
    path = tmp_path_factory.mktemp("rest") / "hello.wav"
    with azaudio.Client(emulator.endpoint, api_key=emulator.key) as client:
        client.speech_to_file("hello world", path, deployment="tts", response_format="wav")
    return path


def test_speech_returns_the_whole_audio_in_the_requested_format(client: azaudio.Client) -> None:
    data = client.speech("Hello there.", deployment="tts", response_format="wav", voice="alloy", speed=1.2)
    wav = audio.read_wav(data)
    assert wav.rate == 24000 and wav.frames > 2400


def test_speech_to_file_writes_the_audio(client: azaudio.Client, tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    client.speech_to_file("Writing a file.", path, deployment="tts", response_format="wav")
    assert audio.read_wav(path).frames > 0


def test_speech_stream_yields_chunks_that_add_up_to_the_audio(client: azaudio.Client) -> None:
    chunks = list(client.speech_stream("Streaming speech in chunks.", deployment="tts", response_format="pcm"))
    assert chunks and all(isinstance(c, bytes) for c in chunks)
    assert sum(len(c) for c in chunks) % 2 == 0


def test_leaving_a_speech_stream_early_cancels_it_and_the_client_goes_on(client: azaudio.Client) -> None:
    stream = client.speech_stream(
        "A longer sentence that we will not listen to until its end.", deployment="tts", response_format="pcm"
    )
    for _chunk in stream:
        break
    stream.close()  # type: ignore[attr-defined]
    assert client.speech("after", deployment="tts", response_format="wav")[:4] == b"RIFF"


def test_transcribe_a_path(client: azaudio.Client, hello_wav: Path) -> None:
    result = client.transcribe(hello_wav, deployment="whisper")
    assert isinstance(result, azaudio.Transcription)
    assert result.text and result.status == 200 and result.request_id


def test_transcribe_bytes_and_file_objects_give_the_same_text(client: azaudio.Client, hello_wav: Path) -> None:
    data = hello_wav.read_bytes()
    from_path = client.transcribe(hello_wav, deployment="whisper").text
    assert client.transcribe(data, deployment="whisper", filename="x.wav").text == from_path
    with open(hello_wav, "rb") as f:
        assert client.transcribe(f, deployment="whisper").text == from_path
    assert client.transcribe(io.BytesIO(data), deployment="whisper", filename="y.wav").text == from_path


def test_verbose_json_gives_language_duration_and_word_timestamps(client: azaudio.Client, hello_wav: Path) -> None:
    result = client.transcribe(
        hello_wav, deployment="whisper", response_format="verbose_json", timestamps=["word", "segment"]
    )
    assert result.language and result.duration and result.duration > 0
    assert result.words and all(w.end >= w.start for w in result.words)
    assert json.loads(result.raw)["text"] == result.text


def test_an_unknown_timestamp_granularity_is_refused(client: azaudio.Client, hello_wav: Path) -> None:
    with pytest.raises(azaudio.InvalidArgumentError, match="granularity"):
        client.transcribe(hello_wav, deployment="whisper", timestamps=["sentence"])


def test_transcribe_stream_yields_deltas_then_holds_the_result(client: azaudio.Client, hello_wav: Path) -> None:
    stream = client.transcribe_stream(hello_wav, deployment="gpt-4o-transcribe")
    deltas = list(stream)
    assert deltas and stream.transcription is not None
    assert "".join(deltas).strip() == stream.transcription.text.strip()


def test_translate_gives_english_text(client: azaudio.Client, hello_wav: Path) -> None:
    assert client.translate(hello_wav, deployment="whisper", response_format="text").text


def test_chat_audio_answers_with_text_transcript_and_audio(client: azaudio.Client, hello_wav: Path) -> None:
    reply = client.chat_audio("Please answer.", deployment="gpt-4o-audio-preview", audio=hello_wav, system="Be brief.")
    assert reply.transcript and reply.audio[:4] == b"RIFF" and reply.audio_id
    assert reply.status == 200 and reply.usage is not None


def test_a_conversation_continues_with_the_reply(client: azaudio.Client) -> None:
    with azaudio.Chat() as chat:
        chat.add_message("user", "Say something.")
        reply = client.chat_audio(deployment="gpt-4o-audio-preview", chat=chat)
        chat.add_reply(reply).add_message("user", "And again.")
        assert len(chat) == 3
        assert client.chat_audio(deployment="gpt-4o-audio-preview", chat=chat, audio_output=False).text


def test_streamed_chat_delivers_deltas_to_the_callbacks(client: azaudio.Client) -> None:
    transcript: list[str] = []
    pcm: list[bytes] = []
    reply = client.chat_audio(
        "Hi.", deployment="gpt-4o-audio-preview", stream=True, on_transcript=transcript.append, on_audio=pcm.append
    )
    assert "".join(transcript) == reply.transcript
    assert b"".join(pcm) == reply.audio


def test_an_exception_in_a_callback_stops_the_call_and_is_re_raised(client: azaudio.Client) -> None:
    class Stop(Exception):
        pass

    def on_audio(_chunk: bytes) -> None:
        raise Stop("enough audio")

    with pytest.raises(Stop, match="enough audio"):
        client.chat_audio("Hi.", deployment="gpt-4o-audio-preview", stream=True, on_audio=on_audio)
    assert client.speech("still fine", deployment="tts", response_format="wav")


def test_an_unknown_deployment_raises_not_found_with_the_service_details(client: azaudio.Client) -> None:
    with pytest.raises(azaudio.NotFoundError) as caught:
        client.speech("hi", deployment="no-such-deployment", model="tts")
    error = caught.value
    assert (error.code, error.status, error.service_code) == (10, 404, "DeploymentNotFound")
    assert error.request_id and error.request_id in error.message


def test_a_wrong_key_raises_authentication_error(emulator: Emulator) -> None:
    with azaudio.Client(emulator.endpoint, api_key="wrong") as client:
        with pytest.raises(azaudio.AuthenticationError) as caught:
            client.speech("hi", deployment="tts")
    assert caught.value.status == 401


def test_a_local_check_fails_before_sending(client: azaudio.Client) -> None:
    with pytest.raises(azaudio.InvalidArgumentError, match="speed"):
        client.speech("hi", deployment="tts", speed=9.0)
    with pytest.raises(azaudio.NotFoundError, match="does not exist"):
        client.transcribe("/no/such/file.wav", deployment="whisper")
    with pytest.raises(azaudio.UnsupportedError):
        client.transcribe(b"abc", deployment="whisper", filename="notes.txt")


def test_rate_limiting_raises_with_the_wait_the_service_asked_for(client: azaudio.Client, faults: Any) -> None:
    faults(kind="status", status=429, retry_after=120, match="speech", count=3)
    with pytest.raises(azaudio.RateLimitError) as caught:
        client.speech("hi", deployment="tts", max_retries=1)
    assert caught.value.status in (0, 429)
    assert caught.value.retry_after == pytest.approx(120)


def test_a_server_error_raises_server_error_after_the_retries(client: azaudio.Client, faults: Any) -> None:
    faults(kind="status", status=503, match="speech", count=5)
    with pytest.raises(azaudio.ServerError) as caught:
        client.speech("hi", deployment="tts", max_retries=0)
    assert caught.value.status == 503


def test_a_per_call_timeout_raises_the_builtin_timeout_error(client: azaudio.Client, faults: Any) -> None:
    faults(kind="delay_first_byte", seconds=5, match="speech", count=1)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.speech("hi", deployment="tts", timeout=0.5, max_retries=0)
    assert time.monotonic() - started < 4


def test_ctrl_c_cancels_a_long_call_promptly_and_the_client_goes_on(
    client: azaudio.Client, faults: Any, ctrl_c: None
) -> None:
    assert threading.current_thread() is threading.main_thread()
    faults(kind="delay_first_byte", seconds=8, match="speech", count=1)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        client.speech("hi", deployment="tts", max_retries=0)
    assert time.monotonic() - started < 4
    assert client.speech("after", deployment="tts", response_format="wav")[:4] == b"RIFF"


def test_a_ctrl_c_landing_as_the_call_starts_cancels_it_and_leaves_no_partial_file(
    client: azaudio.Client, faults: Any, ctrl_c: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Ctrl-C comes while the call's worker thread is being started, after the worker began the call (a loaded
    machine can deschedule the caller there). It used to escape without cancelling or waiting for the call: the CLI
    then exited 130 while the library still held the output file, which stayed behind."""
    faults(kind="delay_first_byte", seconds=8, match="speech", count=1)
    target = tmp_path / "x.wav"
    real_start = threading.Thread.start

    def start_then_ctrl_c(self: threading.Thread) -> None:
        real_start(self)
        if self.name != "azaudio-call":
            return
        deadline = time.monotonic() + 5
        while not target.exists() and time.monotonic() < deadline:  # the library is in the call, file open
            time.sleep(0.01)
        _thread.interrupt_main()
        for _ in range(1000):  # the KeyboardInterrupt is raised here, inside start()
            pass

    monkeypatch.setattr(threading.Thread, "start", start_then_ctrl_c)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.speech_to_file("hi", str(target), deployment="tts", response_format="wav", max_retries=0)
    monkeypatch.undo()
    assert time.monotonic() - started < 4
    assert not target.exists()
    assert client.speech("after", deployment="tts", response_format="wav")[:4] == b"RIFF"


def test_calls_from_several_threads_share_one_client(client: azaudio.Client) -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(len(client.speech("threads", deployment="tts", response_format="wav")))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 4


def test_ctrl_c_while_iterating_a_stream_cancels_it(client: azaudio.Client, faults: Any, ctrl_c: None) -> None:
    faults(kind="delay_first_byte", seconds=8, match="speech", count=1)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        for _chunk in client.speech_stream("hi", deployment="tts", response_format="pcm", max_retries=0):
            pass
    assert time.monotonic() - started < 4
    assert client.speech("after", deployment="tts", response_format="wav")[:4] == b"RIFF"


def test_an_exception_in_the_file_objects_read_is_re_raised(client: azaudio.Client) -> None:
    class BrokenFile(io.RawIOBase):
        name = "broken.wav"

        def read(self, size: int = -1) -> bytes:
            raise OSError("disk on fire")

    with pytest.raises(OSError, match="disk on fire"):
        client.transcribe(BrokenFile(), deployment="whisper")  # type: ignore[arg-type]


# ---- upload progress ----------------------------------------------------------------------------------------------


def _last_content_length(emulator: Emulator, operation: str) -> int:
    entries = _control(emulator, "GET", f"/_emulator/requests?path={operation}")["requests"]
    return int(entries[-1]["headers"]["Content-Length"])


def test_transcribe_progress_reaches_the_request_body_size(
    client: azaudio.Client, emulator: Emulator, hello_wav: Path
) -> None:
    calls: list[tuple[int, int]] = []
    assert client.transcribe(hello_wav, deployment="whisper", progress=lambda s, t: calls.append((s, t))).text
    body = _last_content_length(emulator, "audio/transcriptions")
    assert body > hello_wav.stat().st_size  # the multipart form around the file
    assert calls and calls[-1] == (body, body)
    assert [s for s, _ in calls] == sorted(s for s, _ in calls)
    assert all(t in (0, body) for _, t in calls)


def test_progress_of_a_file_object_ends_with_the_total_it_learnt(client: azaudio.Client, hello_wav: Path) -> None:
    calls: list[tuple[int, int]] = []
    with open(hello_wav, "rb") as f:
        client.translate(f, deployment="whisper", progress=lambda s, t: calls.append((s, t)))
    sent, total = calls[-1]
    assert sent == total > hello_wav.stat().st_size
    assert all(t == 0 for _, t in calls[:-1])  # chunked: the length is unknown until the end


def test_chat_audio_progress_counts_the_json_body(client: azaudio.Client, emulator: Emulator, hello_wav: Path) -> None:
    calls: list[tuple[int, int]] = []
    client.chat_audio(
        "Please answer.",
        deployment="gpt-4o-audio-preview",
        audio=hello_wav,
        audio_output=False,
        progress=lambda s, t: calls.append((s, t)),
    )
    body = _last_content_length(emulator, "chat/completions")
    assert body > hello_wav.stat().st_size * 4 // 3  # base64
    assert calls[-1] == (body, body)


def test_an_exception_in_the_progress_callback_stops_the_upload_and_is_re_raised(
    client: azaudio.Client, hello_wav: Path
) -> None:
    class Stop(Exception):
        pass

    def progress(_sent: int, _total: int) -> None:
        raise Stop("no upload today")

    with pytest.raises(Stop, match="no upload today"):
        client.transcribe(hello_wav, deployment="whisper", progress=progress)
    assert client.transcribe(hello_wav, deployment="whisper").text
