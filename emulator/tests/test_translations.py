"""``/audio/translations``: English text in every response format."""

from __future__ import annotations

from conftest import deployment_url


def translate(client, audio, **fields):
    return client.post(
        deployment_url("whisper", "audio/translations"), files={"file": ("speech.wav", audio, "audio/wav")}, data=fields
    )


def test_json_translation_returns_english_text(client, speech_wav):
    response = translate(client, speech_wav)
    assert response.status_code == 200
    assert response.json()["text"].strip()


def test_verbose_json_translation_has_task_translate_and_language_english(client, speech_wav):
    body = translate(client, speech_wav, response_format="verbose_json").json()
    assert body["task"] == "translate"
    assert body["language"] == "english"
    assert body["segments"]


def test_text_srt_and_vtt_translations_are_plain_text(client, speech_wav):
    for fmt in ("text", "srt", "vtt"):
        response = translate(client, speech_wav, response_format=fmt)
        assert response.headers["content-type"].startswith("text/plain"), fmt
        assert response.text.strip()


def test_v1_translation_takes_model_from_the_form(client, speech_wav):
    response = client.post(
        "/openai/v1/audio/translations",
        files={"file": ("speech.mp3", speech_wav, "audio/mpeg")},
        data={"model": "my-whisper", "prompt": "Numbers."},
    )
    assert response.status_code == 200
