"""The realtime audio pieces on their own: G.711, resampling, the energy VAD."""

from __future__ import annotations

import math
import struct

import pytest
from azaudio_emulator.realtime import audio, g711
from azaudio_emulator.realtime.vad import EnergyVad, VadSettings
from test_realtime_harness import silence, tone

ALL_SAMPLES = struct.pack("<65536h", *range(-32768, 32768))


def test_ulaw_known_codes_match_the_standard():
    assert g711.linear_to_ulaw(0) == 0xFF
    assert g711.linear_to_ulaw(32767) == 0x80
    assert g711.linear_to_ulaw(-32768) == 0x00
    assert g711.ulaw_to_linear(0xFF) == 0
    assert g711.ulaw_to_linear(0x80) == 32124
    assert g711.ulaw_to_linear(0x00) == -32124


def test_alaw_known_codes_match_the_standard():
    assert g711.linear_to_alaw(0) == 0xD5
    assert g711.linear_to_alaw(-8) == 0x55
    assert g711.alaw_to_linear(0xD5) == 8
    assert g711.alaw_to_linear(0x55) == -8
    assert g711.alaw_to_linear(0xAA) == 32256
    assert g711.alaw_to_linear(0x2A) == -32256


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_g711_round_trip_error_stays_within_one_quantisation_step(law):
    decoded = struct.unpack("<65536h", g711.decode(g711.encode(ALL_SAMPLES, law), law))
    for original, back in zip(range(-32768, 32768, 7), decoded[::7], strict=False):
        # the step is at most 1/16 of the segment's top (mu-law 1024, A-law 1024 at full scale)
        assert abs(original - back) <= max(16, abs(original) // 15), (law, original, back)


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_g711_matches_audioop_bit_for_bit_when_audioop_exists(law):
    audioop = pytest.importorskip("audioop")
    encode = audioop.lin2ulaw if law == "ulaw" else audioop.lin2alaw
    decode = audioop.ulaw2lin if law == "ulaw" else audioop.alaw2lin
    assert g711.encode(ALL_SAMPLES, law) == encode(ALL_SAMPLES, 2)
    assert g711.decode(bytes(range(256)), law) == decode(bytes(range(256)), 2)


def test_g711_formats_carry_8khz_so_100ms_is_800_bytes():
    assert len(audio.encode_output("g711_ulaw", tone(100))) == 800
    assert len(audio.encode_output("g711_alaw", tone(100))) == 800
    assert len(audio.encode_output("pcm16", tone(100))) == 4800
    assert len(audio.decode_input("g711_ulaw", bytes(800))) == 4800


def test_resampling_keeps_a_speech_band_tone_level_and_removes_content_above_4khz():
    speech_band = tone(200, 440)
    through = audio.upsample_3x(audio.downsample_3x(speech_band))
    assert abs(audio.rms_dbfs(through) - audio.rms_dbfs(speech_band)) < 1.0
    too_high = tone(200, 7000)
    assert audio.rms_dbfs(audio.downsample_3x(too_high)) < audio.rms_dbfs(too_high) - 12


def test_vad_reports_start_minus_prefix_padding_and_end_plus_silence():
    vad = EnergyVad(VadSettings(threshold=0.5, prefix_padding_ms=100, silence_duration_ms=300))
    events = vad.feed(silence(300) + tone(600) + silence(400), buffer_start_ms=0)
    assert [(e.kind, e.ms) for e in events] == [("started", 200), ("stopped", 1200)]


def test_vad_threshold_decides_what_counts_as_speech():
    quiet = tone(500, amplitude=300)  # about -43 dBFS
    assert EnergyVad(VadSettings(threshold=0.5)).feed(quiet, 0) == []
    started = EnergyVad(VadSettings(threshold=0.2)).feed(quiet, 0)  # -50 dBFS needed
    assert [e.kind for e in started] == ["started"]


def test_vad_never_reports_a_start_before_the_buffered_audio():
    vad = EnergyVad(VadSettings(prefix_padding_ms=300))
    assert vad.feed(tone(100), buffer_start_ms=0)[0].ms == 0


def test_semantic_vad_waits_longer_when_less_eager():
    for eagerness, wait in (("high", 250), ("auto", 500), ("low", 1000)):
        settings = VadSettings.from_turn_detection({"type": "semantic_vad", "eagerness": eagerness})
        assert settings.silence_duration_ms == wait
        events = EnergyVad(settings).feed(tone(300) + silence(1200), 0)
        assert events[-1].kind == "stopped" and events[-1].ms == 300 + wait


def test_rms_of_a_full_scale_sine_is_minus_3_dbfs():
    sine = struct.pack("<2400h", *(int(32767 * math.sin(2 * math.pi * 1000 * n / 24000)) for n in range(2400)))
    assert abs(audio.rms_dbfs(sine) + 3.01) < 0.05


def test_vad_padding_never_reaches_back_into_the_previous_utterance():
    vad = EnergyVad(VadSettings(prefix_padding_ms=300, silence_duration_ms=200))
    events = vad.feed(tone(300) + silence(250) + tone(300) + silence(300), buffer_start_ms=0)
    assert [(e.kind, e.ms) for e in events] == [("started", 0), ("stopped", 500), ("started", 500), ("stopped", 1050)]
