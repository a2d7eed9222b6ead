"""``/chat/completions`` with the audio models: the deterministic reply, spoken
replies, audio references and streaming."""

from __future__ import annotations

import base64

from conftest import deployment_url
from helpers import probe, sse_events

URL = deployment_url("gpt-4o-audio-preview", "chat/completions")


def audio_part(wav: bytes) -> dict:
    return {"type": "input_audio", "input_audio": {"data": base64.b64encode(wav).decode(), "format": "wav"}}


def test_text_reply_echoes_the_last_user_text(client):
    body = client.post(
        URL,
        json={
            "messages": [
                {"role": "user", "content": "first"},
                {"role": "assistant", "content": "ok"},
                {"role": "user", "content": "hello there"},
            ]
        },
    ).json()
    message = body["choices"][0]["message"]
    assert message == {"role": "assistant", "content": "You said: hello there.", "refusal": None}
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]


def test_input_audio_is_transcribed_into_the_reply(client, speech_wav):
    body = client.post(URL, json={"messages": [{"role": "user", "content": [audio_part(speech_wav)]}]}).json()
    reply = body["choices"][0]["message"]["content"]
    assert reply.startswith("You said: ") and len(reply) > len("You said: .")
    assert body["usage"]["prompt_tokens_details"]["audio_tokens"] > 0


def test_nothing_heard_gives_the_documented_reply(client):
    body = client.post(URL, json={"messages": [{"role": "user", "content": "   "}]}).json()
    assert body["choices"][0]["message"]["content"] == "I did not hear anything."


def test_audio_modality_returns_spoken_reply_with_id_expiry_and_transcript(client):
    body = client.post(
        URL,
        json={
            "modalities": ["text", "audio"],
            "audio": {"voice": "alloy", "format": "wav"},
            "messages": [{"role": "user", "content": "hello there"}],
        },
    ).json()
    message = body["choices"][0]["message"]
    audio = message["audio"]
    assert message["content"] is None
    assert audio["id"].startswith("audio_")
    assert audio["expires_at"] > body["created"]
    assert audio["transcript"] == "You said: hello there."
    assert probe(base64.b64decode(audio["data"]))["format"] == "wav"
    assert body["usage"]["completion_tokens_details"]["audio_tokens"] > 0


def test_each_audio_output_format_is_decodable(client):
    expected = {"mp3": "mp3", "flac": "flac", "opus": "ogg", "aac": "aac", "wav": "wav"}
    for fmt, container in expected.items():
        body = client.post(
            URL,
            json={
                "modalities": ["text", "audio"],
                "audio": {"voice": "echo", "format": fmt},
                "messages": [{"role": "user", "content": "hi"}],
            },
        ).json()
        assert probe(base64.b64decode(body["choices"][0]["message"]["audio"]["data"]))["format"] == container, fmt


def test_pcm16_output_is_raw_samples(client):
    body = client.post(
        URL,
        json={
            "modalities": ["text", "audio"],
            "audio": {"voice": "echo", "format": "pcm16"},
            "messages": [{"role": "user", "content": "hi"}],
        },
    ).json()
    data = base64.b64decode(body["choices"][0]["message"]["audio"]["data"])
    assert len(data) % 2 == 0 and not data.startswith(b"RIFF")


def test_assistant_audio_reference_by_id_is_accepted(client):
    first = client.post(
        URL,
        json={
            "modalities": ["text", "audio"],
            "audio": {"voice": "alloy", "format": "mp3"},
            "messages": [{"role": "user", "content": "hi"}],
        },
    ).json()
    audio_id = first["choices"][0]["message"]["audio"]["id"]
    response = client.post(
        URL,
        json={
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "audio": {"id": audio_id}},
                {"role": "user", "content": "again"},
            ]
        },
    )
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "You said: again."


def test_unknown_assistant_audio_reference_is_400(client):
    response = client.post(
        URL,
        json={
            "messages": [{"role": "assistant", "audio": {"id": "audio_unknown"}}, {"role": "user", "content": "again"}]
        },
    )
    assert response.status_code == 400
    assert "audio_unknown" in response.json()["error"]["message"]


def test_text_stream_sends_preamble_role_content_deltas_finish_and_done(client):
    response = client.post(URL, json={"stream": True, "messages": [{"role": "user", "content": "hello there"}]})
    events = sse_events(response.text)
    assert events[-1] == "[DONE]"
    assert events[0]["choices"] == [] and "prompt_filter_results" in events[0]
    chunks = events[1:-1]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "You said: hello there."
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)


def test_audio_stream_sends_transcript_and_pcm16_data_deltas(client):
    response = client.post(
        URL,
        json={
            "stream": True,
            "stream_options": {"include_usage": True},
            "modalities": ["text", "audio"],
            "audio": {"voice": "alloy", "format": "pcm16"},
            "messages": [{"role": "user", "content": "hello there"}],
        },
    )
    events = sse_events(response.text)
    assert events[-1] == "[DONE]"
    usage_chunk = events[-2]
    assert usage_chunk["choices"] == [] and usage_chunk["usage"]["total_tokens"] > 0
    deltas = [e["choices"][0]["delta"].get("audio") for e in events[1:-2] if e["choices"]]
    deltas = [d for d in deltas if d]
    assert deltas[0]["id"].startswith("audio_")
    assert "".join(d.get("transcript", "") for d in deltas) == "You said: hello there."
    pcm = b"".join(base64.b64decode(d["data"]) for d in deltas if "data" in d)
    assert len(pcm) > 24000  # more than half a second of 24 kHz pcm16


def test_v1_chat_takes_model_from_the_body(client):
    response = client.post(
        "/openai/v1/chat/completions",
        json={"model": "gpt-4o-mini-audio-preview", "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 200
    assert response.json()["model"] == "gpt-4o-mini-audio-preview"
