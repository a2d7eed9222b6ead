"""The public surface stays what users import and call: the names of each public module, and the keyword arguments
of every call (written once, as TypedDicts in azaudio._options, since the package was split by capability). The
keyword lists below are those of the explicit signatures the calls had before, checked both ways: at run time
(an unknown or missing keyword raises TypeError, as Python does for a signature) and for a type checker."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import azaudio
import azaudio.aio
import azaudio.audio
import azaudio.cli
import azaudio.client
import azaudio.realtime
import pytest
from azaudio import _options

PUBLIC_NAMES = {
    azaudio: 50,  # 49 + GASettings (issue 12)
    azaudio.audio: 30,
    azaudio.aio: 3,
    azaudio.realtime: 7,
    azaudio.client: 13,
    azaudio.cli: 17,
}

_SPEECH = {"deployment", "instructions", "max_retries", "model", "response_format", "speed", "stream_format"}
_SPEECH |= {"timeout", "voice"}
_UPLOAD = {"deployment", "filename", "max_retries", "model", "progress", "prompt", "response_format", "temperature"}
_UPLOAD |= {"timeout"}
_SETTINGS = {"api_version", "ca_file", "ca_path", "connect_timeout", "insecure_skip_tls_verify", "log", "log_level"}
_SETTINGS |= {"max_retries", "max_retry_wait", "proxy", "proxy_ca_file", "timeout", "user_agent_suffix"}
_SESSION = {"caller_input_format", "caller_input_rate", "connect_timeout", "deployment", "input_audio_coalesce_ms"}
_VAD = {"vad_threshold", "vad_prefix_padding_ms", "vad_silence_duration_ms", "vad_create_response"}
_VAD |= {"vad_interrupt_response", "semantic_vad_eagerness"}
_TRANSPORT = {"keepalive_ms", "liveness_timeout_ms", "max_event_queue", "max_send_queue_bytes"}
_REALTIME = _SESSION | _VAD | {"api_version", "barge_in", "caller_output_format", "caller_output_rate"}
_REALTIME |= {"history_max_chars", "history_max_items", "input_format", "instructions", "keepalive_ms"}
_REALTIME |= {"liveness_timeout_ms", "max_event_queue", "max_output_tokens", "max_send_queue_bytes", "output_format"}
_REALTIME |= {"protocol", "reconnect_backoff_ms", "reconnect_max_attempts", "reconnect_max_total_ms"}
_REALTIME |= {"renewal_margin_ms", "session_max_ms", "temperature", "text_only", "tool_choice", "tools"}
_REALTIME |= {"transcription_deployment", "transcription_language", "turn_detection", "voice"}
_REALTIME |= {"reask_interrupted_response", "ga", "call_id"}  # issues 18 and 12

#: call -> (keywords, required keywords). realtime()'s former internal ``session`` keyword is gone (the session
#: kinds have their own openers; it took a private SessionKind and was never documented). transcription_session's
#: former ``**vad`` passed any realtime() keyword on: it now names the vad, queue and liveness settings, and still
#: takes realtime()'s other keywords at run time with a DeprecationWarning (test_session_kinds.py).
KEYWORDS: dict[str, tuple[set[str], set[str]]] = {
    "__init__": (_SETTINGS | {"api_key", "bearer_token", "token_provider"}, set()),
    "from_env": (_SETTINGS, set()),
    "transcribe": (
        _UPLOAD
        | {"chunking_strategy", "include_logprobs", "language", "timestamps", "pieces"}
        | {"keywords", "known_speakers", "languages", "on_segment"},
        {"deployment"},
    ),
    "transcribe_stream": (_UPLOAD | {"chunking_strategy", "include_logprobs", "language"}, {"deployment"}),
    "translate": (_UPLOAD | {"pieces"}, {"deployment"}),
    "speech": (_SPEECH, {"deployment"}),
    "speech_to_file": (_SPEECH, {"deployment"}),
    "speech_stream": (_SPEECH, {"deployment"}),
    "chat_audio": (
        {"audio", "audio_format", "audio_output", "chat", "deployment", "max_completion_tokens", "max_retries"}
        | {"model", "on_audio", "on_text", "on_transcript", "output_format", "progress", "stream", "system"}
        | {"temperature", "timeout", "voice"},
        {"deployment"},
    ),
    "realtime": (_REALTIME | {"on_event"}, {"deployment"}),
    "transcription_session": (
        _SESSION
        | _VAD
        | _TRANSPORT
        | {"delay", "input_format", "language", "logprobs", "noise_reduction", "on_event"}
        | {"prompt", "turn_detection"},
        {"deployment"},
    ),
    "translation_session": (
        _SESSION | {"noise_reduction", "on_event", "path", "to", "transcription_deployment"},
        {"deployment", "to"},
    ),
    "accept_call": ({"deployment", "instructions", "max_retries", "session_json", "timeout", "voice"}, set()),
}


@pytest.mark.parametrize("module", list(PUBLIC_NAMES), ids=lambda m: m.__name__)
def test_every_public_name_of_a_module_still_resolves(module: Any) -> None:
    assert len(module.__all__) == PUBLIC_NAMES[module]
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{module.__name__}.{name}"


def test_the_names_users_import_from_the_split_modules_are_where_they_were() -> None:
    from azaudio.cli import COMMANDS, EXIT_CONFIG, SPEECH_FORMATS, build_parser, exit_code_for, main  # noqa: F401
    from azaudio.client import (  # noqa: F401
        DEFAULT_API_VERSION,
        AudioInput,
        Chat,
        Client,
        LogCallback,
        ProgressCallback,
        StreamCall,
        TokenProvider,
        TranscriptionStream,
    )
    from azaudio.realtime import AUDIO_FORMATS, PROTOCOLS, TURN_DETECTION, EventCallback  # noqa: F401

    assert azaudio.Client is Client and azaudio.Chat is Chat and azaudio.TranscriptionStream is TranscriptionStream
    assert azaudio.audio.read_wav and azaudio.audio.Wav and azaudio.audio.WavInfo and azaudio.audio.Buffer
    assert azaudio.aio.AsyncStream and azaudio.aio.AsyncRealtimeSession


def _keywords(method: Callable[..., Any]) -> tuple[set[str], set[str]]:
    """The keywords a method takes and requires, from its ``**options: Unpack[SomeOptions]``."""
    annotation = str(inspect.signature(method).parameters["options"].annotation)
    match = re.fullmatch(r"Unpack\[(\w+)\]", annotation)
    assert match, annotation
    options = getattr(_options, match.group(1))
    return set(options.__required_keys__ | options.__optional_keys__), set(options.__required_keys__)


@pytest.mark.parametrize("call", sorted(KEYWORDS))
def test_each_call_takes_exactly_its_former_keywords(call: str) -> None:
    taken, required = _keywords(getattr(azaudio.Client, call))
    assert (taken, required) == KEYWORDS[call]


@pytest.mark.parametrize("call", sorted(set(KEYWORDS) - {"accept_call"}))
def test_the_async_client_takes_the_same_keywords_without_an_event_callback(call: str) -> None:
    taken, required = _keywords(getattr(azaudio.aio.AsyncClient, call))
    expected, expected_required = KEYWORDS[call]
    assert (taken, required) == (expected - {"on_event"}, expected_required)


@pytest.fixture
def offline_client() -> Any:
    with azaudio.Client("http://127.0.0.1:9", api_key="k") as client:  # nothing is sent: the checks come first
        yield client


@pytest.mark.parametrize(
    "call, args",
    [
        ("transcribe", ("a.wav",)),
        ("translate", ("a.wav",)),
        ("transcribe_stream", ("a.wav",)),
        ("speech", ("hi",)),
        ("speech_stream", ("hi",)),
        ("chat_audio", ("hi",)),
        ("realtime", ()),
        ("transcription_session", ()),
        ("translation_session", ()),
    ],
)
def test_a_misspelt_keyword_raises_type_error_naming_it(offline_client: Any, call: str, args: tuple[Any, ...]) -> None:
    required = {"deployment": "d", "to": "fr"} if call == "translation_session" else {"deployment": "d"}
    with pytest.raises(TypeError, match=rf"{call}\(\) got an unexpected keyword argument 'deploymnt'"):
        getattr(offline_client, call)(*args, **required, deploymnt="d")


@pytest.mark.parametrize("call, args", [("transcribe", ("a.wav",)), ("speech", ("hi",)), ("realtime", ())])
def test_a_missing_deployment_raises_type_error(offline_client: Any, call: str, args: tuple[Any, ...]) -> None:
    with pytest.raises(TypeError, match=rf"{call}\(\) missing required keyword argument 'deployment'"):
        getattr(offline_client, call)(*args)


def test_a_translation_session_without_a_target_language_raises_type_error(offline_client: Any) -> None:
    with pytest.raises(TypeError, match="'to'"):
        offline_client.translation_session(deployment="gpt-realtime-translate")


def test_an_unknown_client_setting_raises_type_error() -> None:
    with pytest.raises(TypeError, match="'api_keys'"):
        azaudio.Client("http://127.0.0.1:9", api_keys="k")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'endpoint'"):
        azaudio.Client.from_env(endpoint="http://127.0.0.1:9")  # type: ignore[call-arg]


_TYPED_USE = """
import azaudio
import azaudio.aio

def use(client: azaudio.Client, aclient: azaudio.aio.AsyncClient) -> None:
    client.transcribe("a.wav", deployment="w", timestamps=["word"])  # fine
    client.transcribe("a.wav", deploymnt="w")  # line 7: unknown keyword (and deployment missing)
    client.speech("hi")  # line 8: deployment missing
    client.realtime(deployment="d", turn_detection=3)  # line 9: wrong type
    client.transcription_session(deployment="d", vad_thresold=0.5)  # line 10: unknown keyword
    aclient.realtime(deployment="d", on_event=print)  # line 11: the async client takes no callback
    client.translation_session(deployment="d", to="fr", vad_threshold=0.5)  # line 12: not a translation setting
"""


def test_a_type_checker_still_checks_every_keyword(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    source = tmp_path / "use.py"
    source.write_text(_TYPED_USE)
    package = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(source)],
        capture_output=True,
        text=True,
        cwd=package if (package / "azaudio").exists() else tmp_path,
    )
    lines = {int(line.split(":")[1]) for line in result.stdout.splitlines() if line.startswith(str(source))}
    assert lines == {7, 8, 9, 10, 11, 12}, result.stdout
