"""Audio of any length from Python: a whole-job timeout raises with the finished pieces' merged result on the
exception, and headerless PCM is decoded and sent in pieces."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import azaudio
import pytest
from conftest import Emulator, emulator_faults

pytestmark = pytest.mark.usefixtures("rest")

#: 4 s of 24 kHz 16-bit audio per piece at most.
LIMIT = 200_000


@pytest.fixture(scope="module")
def pcm(emulator: Emulator) -> bytes:
    """About 16 s of 24 kHz mono pcm16: three spoken phrases with pauses between them."""
    with azaudio.Client(emulator.endpoint, api_key=emulator.key) as client:
        out = bytearray()
        for text in ("one two three four five", "the quick brown fox", "six seven eight nine ten"):
            with wave.open(io.BytesIO(client.speech(text, deployment="tts", response_format="wav"))) as w:
                out += bytes(2 * 24000 * 2) + w.readframes(w.getnframes())
        return bytes(out + bytes(2 * 24000))


class Stop(Exception):
    """Stops a job after its first piece."""


def test_a_whole_job_timeout_raises_with_the_finished_pieces_as_the_partial_result(
    client: azaudio.Client, emulator: Emulator, pcm: bytes, tmp_path: Path
) -> None:
    def stop_after_one(done: int, total: int, seconds: float, seconds_total: float) -> None:
        if done >= 1:
            raise Stop()

    def pieces(**more: Any) -> azaudio.Pieces:
        return azaudio.Pieces(
            max_upload_bytes=LIMIT,
            concurrency=1,
            journal_dir=str(tmp_path),
            raw_format="pcm16",
            raw_sample_rate=24000,
            **more,
        )

    def transcribe(p: azaudio.Pieces) -> azaudio.Transcription:
        return client.transcribe(
            pcm,
            filename="talk.pcm",
            deployment="whisper",
            response_format="verbose_json",
            timestamps=["segment"],
            pieces=p,
        )

    # The first piece is answered and journaled, then every later piece would take a minute.
    with pytest.raises(Stop):
        transcribe(pieces(progress=stop_after_one))
    emulator_faults(
        emulator, "POST", {"kind": "delay_first_byte", "seconds": 60, "count": 100, "match": "audio/transcriptions"}
    )
    try:
        with pytest.raises(azaudio.errors.TimeoutError) as caught:
            transcribe(pieces(job_timeout=3.0))
    finally:
        emulator_faults(emulator, "DELETE")
    assert "job_timeout_ms" in str(caught.value)
    partial = caught.value.partial
    assert partial is not None and partial.segments, "the first piece's segments are kept"
    assert partial.segments[-1].end < len(pcm) / 2 / 24000


def test_headerless_pcm_is_decoded_and_sent_in_flac_pieces(client: azaudio.Client, pcm: bytes) -> None:
    result = client.transcribe(
        pcm,
        filename="talk.pcm",
        deployment="whisper",
        response_format="text",
        pieces=azaudio.Pieces(max_upload_bytes=LIMIT, raw_format="pcm16", raw_sample_rate=24000),
    )
    assert "fox" in result.text.lower()
    with pytest.raises(ValueError, match="raw_format"):
        client.transcribe(pcm, filename="t.pcm", deployment="whisper", pieces=azaudio.Pieces(raw_format="pcm12"))


def test_an_error_from_a_call_that_was_not_cut_has_no_partial_result(client: azaudio.Client) -> None:
    with pytest.raises(azaudio.errors.AzAudioError) as caught:
        client.transcribe(b"RIFF", filename="x.wav", deployment="no-such-deployment", pieces=azaudio.Pieces())
    assert caught.value.partial is None
