"""The audio kit through the C functions: G.711, resampler, WAV, frames and pacing."""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import Any

import azaudio
import pytest
from azaudio import audio


def _sine(samples: int, rate: int = 8000, freq: float = 440.0, amplitude: int = 10000) -> bytes:
    return struct.pack(
        f"<{samples}h", *(int(amplitude * math.sin(2 * math.pi * freq * i / rate)) for i in range(samples))
    )


# ---- G.711 ------------------------------------------------------------------------------------------------------


def test_ulaw_encodes_one_byte_per_sample_with_the_g191_values() -> None:
    codes = audio.ulaw_encode(struct.pack("<3h", 0, -1, 32767))
    assert codes == bytes([0xFF, 0x7F, 0x80])


def test_every_ulaw_code_except_negative_zero_survives_decode_then_encode() -> None:
    codes = bytes(range(256))
    again = audio.ulaw_encode(audio.ulaw_decode(codes))
    assert [i for i in range(256) if again[i] != codes[i]] == [0x7F]


def test_every_alaw_code_survives_decode_then_encode() -> None:
    codes = bytes(range(256))
    assert audio.alaw_encode(audio.alaw_decode(codes)) == codes


def test_decoding_gives_the_documented_ranges() -> None:
    ulaw = struct.unpack("<256h", audio.ulaw_decode(bytes(range(256))))
    alaw = struct.unpack("<256h", audio.alaw_decode(bytes(range(256))))
    assert (min(ulaw), max(ulaw)) == (-32124, 32124)
    assert (min(alaw), max(alaw)) == (-32256, 32256)


def test_g711_accepts_bytearray_and_memoryview() -> None:
    pcm = _sine(160)
    expected = audio.alaw_encode(pcm)
    assert audio.alaw_encode(bytearray(pcm)) == expected
    assert audio.alaw_encode(memoryview(pcm)) == expected
    assert audio.alaw_encode(memoryview(bytearray(pcm))[0 : len(pcm)]) == expected


def test_empty_input_gives_empty_output() -> None:
    assert audio.ulaw_encode(b"") == b""
    assert audio.ulaw_decode(b"") == b""


def test_pcm_of_an_odd_number_of_bytes_is_refused() -> None:
    with pytest.raises(azaudio.InvalidArgumentError, match="2-byte"):
        audio.ulaw_encode(b"\x00\x01\x02")


def test_a_non_buffer_is_refused_with_type_error() -> None:
    with pytest.raises(TypeError):
        audio.ulaw_encode("text")


def test_numpy_arrays_go_in_and_come_out_as_arrays() -> None:
    np: Any = pytest.importorskip("numpy")
    pcm = np.frombuffer(_sine(320), dtype=np.int16)
    codes = audio.ulaw_encode(pcm)
    assert isinstance(codes, np.ndarray) and codes.dtype == np.uint8 and codes.shape == (320,)
    assert codes.tobytes() == audio.ulaw_encode(pcm.tobytes())
    back = audio.ulaw_decode(codes)
    assert back.dtype == np.int16 and back.shape == (320,)
    assert int(np.max(np.abs(back.astype(np.int32) - pcm))) < 400


def test_non_contiguous_numpy_arrays_are_accepted() -> None:
    np: Any = pytest.importorskip("numpy")
    pcm = np.frombuffer(_sine(640), dtype=np.int16)[::2]
    assert audio.alaw_encode(pcm).tobytes() == audio.alaw_encode(pcm.tobytes())


# ---- resampler ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "in_rate,out_rate", [(8000, 24000), (24000, 8000), (16000, 48000), (48000, 16000), (24000, 24000)]
)
def test_a_whole_stream_gives_ceil_n_times_the_rate_ratio_samples(in_rate: int, out_rate: int) -> None:
    samples = 1000
    with audio.Resampler(in_rate, out_rate) as resampler:
        out = resampler.process(_sine(samples, in_rate)) + resampler.flush()
    assert len(out) // 2 == math.ceil(samples * out_rate / in_rate)


def test_chunked_input_gives_the_same_output_as_one_piece() -> None:
    pcm = _sine(4000)
    with audio.Resampler(8000, 24000) as whole:
        expected = whole.process(pcm) + whole.flush()
    with audio.Resampler(8000, 24000) as chunked:
        out = b"".join(chunked.process(pcm[i : i + 2 * 37]) for i in range(0, len(pcm), 2 * 37)) + chunked.flush()
    assert out == expected


def test_latency_and_max_output_come_from_the_library() -> None:
    with audio.Resampler(8000, 24000) as resampler:
        assert resampler.latency == 96
        assert resampler.max_output(160) == 576


def test_flush_resets_for_a_new_stream() -> None:
    pcm = _sine(800)
    with audio.Resampler(16000, 8000) as resampler:
        first = resampler.process(pcm) + resampler.flush()
        second = resampler.process(pcm) + resampler.flush()
    assert first == second


def test_reset_drops_held_back_input() -> None:
    with audio.Resampler(8000, 16000) as resampler:
        resampler.process(_sine(100))
        resampler.reset()
        assert resampler.flush() == b""


def test_a_rate_outside_8_to_192_khz_raises_unsupported() -> None:
    with pytest.raises(azaudio.UnsupportedError, match="192001"):
        audio.Resampler(192001, 8000)
    with pytest.raises(azaudio.UnsupportedError, match="7999"):
        audio.Resampler(8000, 7999)


def test_cd_rate_audio_is_resampled_to_the_exact_length() -> None:
    with audio.Resampler(44100, 24000) as resampler:
        out = resampler.process(bytes(2 * 44100)) + resampler.flush()
    assert len(out) == 2 * 24000


def test_a_zero_rate_raises_invalid_argument() -> None:
    with pytest.raises(azaudio.InvalidArgumentError):
        audio.Resampler(0, 8000)


def test_a_closed_resampler_raises_closed() -> None:
    resampler = audio.Resampler(8000, 16000)
    resampler.close()
    resampler.close()
    with pytest.raises(azaudio.ClosedError):
        resampler.process(b"\0\0")


def test_the_resampler_returns_arrays_for_arrays() -> None:
    np: Any = pytest.importorskip("numpy")
    with audio.Resampler(8000, 24000) as resampler:
        out = resampler.process(np.zeros(160, dtype=np.int16))
        tail = resampler.flush(as_array=True)
    assert out.dtype == np.int16 and tail.dtype == np.int16
    assert len(out) + len(tail) == 480


# ---- WAV ----------------------------------------------------------------------------------------------------------


def test_a_written_wav_reads_back_with_its_format_and_samples(tmp_path: Path) -> None:
    pcm = _sine(800, 16000)
    path = tmp_path / "tone.wav"
    audio.write_wav(path, pcm, rate=16000)
    wav = audio.read_wav(path)
    assert (wav.format, wav.rate, wav.channels, wav.frames, wav.bits_per_sample) == (
        audio.FORMAT_PCM16,
        16000,
        1,
        800,
        16,
    )
    assert wav.data == pcm
    assert wav.format_name == "pcm16" and wav.duration == pytest.approx(0.05)


def test_a_mulaw_stereo_wav_round_trips_through_bytes() -> None:
    codes = bytes(range(200))
    image = audio.wav_bytes(codes, rate=8000, channels=2, format=audio.FORMAT_ULAW)
    wav = audio.read_wav(image)
    assert (wav.format_name, wav.channels, wav.frames, wav.data) == ("ulaw", 2, 100, codes)


def test_parse_wav_says_where_the_samples_are_without_copying() -> None:
    image = audio.wav_bytes(b"\x01\x02" * 10, rate=24000)
    info = audio.parse_wav(image)
    assert (info.data_offset, info.data_size) == (44, 20)
    assert image[info.data_offset : info.data_offset + info.data_size] == b"\x01\x02" * 10


def test_wav_header_is_44_bytes_and_accepts_an_unknown_size() -> None:
    header = audio.wav_header(rate=8000, data_size=audio.WAV_SIZE_UNKNOWN, format=audio.FORMAT_ALAW)
    assert len(header) == audio.WAV_HEADER_SIZE and header[:4] == b"RIFF"
    wav = audio.read_wav(header + b"\xd5" * 80)
    assert wav.frames == 80


def test_an_odd_sized_wav_image_gets_its_pad_byte() -> None:
    image = audio.wav_bytes(b"\x01\x02\x03", rate=8000, format=audio.FORMAT_ULAW)
    assert len(image) == 44 + 4
    assert audio.read_wav(image).data == b"\x01\x02\x03"


def test_a_malformed_wav_raises_protocol_with_the_librarys_reason() -> None:
    with pytest.raises(azaudio.ProtocolError, match="RIFF"):
        audio.read_wav(b"RIFF\x00\x00")


def test_a_half_precision_float_wav_raises_unsupported() -> None:
    header = bytearray(audio.wav_header(rate=8000, data_size=8))
    header[20:22] = (3).to_bytes(2, "little")  # WAVE_FORMAT_IEEE_FLOAT, 16 bits
    with pytest.raises(azaudio.UnsupportedError, match="16-bit IEEE float"):
        audio.read_wav(bytes(header) + bytes(8))


def test_float_and_24_bit_wavs_are_read_as_stored() -> None:
    floats = struct.pack("<4f", 0.5, -0.5, 1.0, 0.0)
    wav = audio.read_wav(audio.wav_bytes(floats, rate=44100, channels=2, format=audio.FORMAT_FLOAT32))
    assert (wav.format_name, wav.channels, wav.frames, wav.bits_per_sample) == ("float32", 2, 2, 32)
    assert wav.data == floats
    pcm24 = bytes([0x00, 0x00, 0x40, 0x00, 0x00, 0xC0])  # +0.5 and -0.5 of full scale
    wav24 = audio.read_wav(audio.wav_bytes(pcm24, rate=96000, format=audio.FORMAT_PCM24))
    assert (wav24.format_name, wav24.frames) == ("pcm24", 2)


def test_any_wav_becomes_mono_pcm16_at_the_asked_rate() -> None:
    floats = struct.pack("<2f", 0.5, 0.25) * 4410  # 0.1 s of 44.1 kHz stereo: left 0.5, right 0.25
    image = audio.wav_bytes(floats, rate=44100, channels=2, format=audio.FORMAT_FLOAT32)
    same_rate = audio.read_wav_mono(image)
    assert (same_rate.format_name, same_rate.rate, same_rate.channels, same_rate.frames) == ("pcm16", 44100, 1, 4410)
    assert set(struct.unpack(f"<{same_rate.frames}h", same_rate.data)) == {12288}  # (0.5 + 0.25) / 2 of 32768
    at24 = audio.read_wav_mono(image, rate=24000)
    assert (at24.rate, at24.frames) == (24000, 2400)
    with pytest.raises(azaudio.UnsupportedError, match="4000 Hz"):
        audio.read_wav_mono(audio.wav_bytes(bytes(800), rate=4000), rate=24000)
    with pytest.raises(azaudio.InvalidArgumentError):
        audio.read_wav_mono(image, rate=-1)


def test_to_mono_pcm16_averages_channels_of_any_format() -> None:
    assert audio.to_mono_pcm16(
        struct.pack("<4h", 100, 300, -5, -7), format=audio.FORMAT_PCM16, channels=2
    ) == struct.pack("<2h", 200, -6)
    assert audio.to_mono_pcm16(bytes([0x80, 0xFF]), format=audio.FORMAT_PCM8) == struct.pack("<2h", 0, 32512)
    with pytest.raises(azaudio.InvalidArgumentError):
        audio.to_mono_pcm16(b"\0\0", format=audio.FORMAT_PCM16, channels=0)
    with pytest.raises(azaudio.UnsupportedError):
        audio.to_mono_pcm16(b"\0\0", format=99)


def test_a_missing_wav_file_raises_not_found(tmp_path: Path) -> None:
    with pytest.raises(azaudio.NotFoundError, match="nothing.wav"):
        audio.read_wav(tmp_path / "nothing.wav")


def test_a_directory_is_not_a_readable_wav(tmp_path: Path) -> None:
    with pytest.raises(azaudio.FileIOError):
        audio.read_wav(tmp_path)


def test_writing_into_a_missing_directory_raises_not_found(tmp_path: Path) -> None:
    with pytest.raises(azaudio.NotFoundError):
        audio.write_wav(tmp_path / "no" / "such.wav", b"\0\0", rate=8000)


def test_writing_a_partial_frame_raises_invalid_argument(tmp_path: Path) -> None:
    with pytest.raises(azaudio.InvalidArgumentError):
        audio.write_wav(tmp_path / "x.wav", b"\0\0\0", rate=8000, channels=2, format=audio.FORMAT_ULAW)


def test_an_unknown_format_raises_unsupported(tmp_path: Path) -> None:
    with pytest.raises(azaudio.UnsupportedError):
        audio.write_wav(tmp_path / "x.wav", b"\0\0", rate=8000, format=99)


def test_wav_samples_are_a_numpy_array_shaped_by_channels() -> None:
    np: Any = pytest.importorskip("numpy")
    wav = audio.read_wav(audio.wav_bytes(struct.pack("<4h", 1, 2, 3, 4), rate=8000, channels=2))
    assert wav.samples().tolist() == [[1, 2], [3, 4]]
    assert np.asarray(wav.samples()).dtype == np.int16


def test_a_wav_object_writes_itself(tmp_path: Path) -> None:
    wav = audio.read_wav(audio.wav_bytes(b"\x00\x01" * 8, rate=48000))
    wav.write(tmp_path / "copy.wav")
    assert audio.read_wav(tmp_path / "copy.wav") == wav.__class__(**{**wav.__dict__})


# ---- frames and pacing -----------------------------------------------------------------------------------------


def test_frame_bytes_for_telephony_and_realtime_formats() -> None:
    assert audio.frame_bytes(audio.FORMAT_ULAW, 8000) == 160
    assert audio.frame_bytes(audio.FORMAT_PCM16, 24000) == 960
    assert audio.frame_bytes(audio.FORMAT_PCM16, 16000, channels=2, frame_ms=10) == 640


def test_a_frame_length_that_is_not_whole_samples_is_refused() -> None:
    with pytest.raises(azaudio.InvalidArgumentError):
        audio.frame_bytes(audio.FORMAT_PCM16, 11025, frame_ms=20)


def test_the_cursor_pads_the_last_frame_with_format_silence() -> None:
    with audio.FrameCursor(b"\x01" * 170, format=audio.FORMAT_ULAW, rate=8000) as cursor:
        assert len(cursor) == 2
        frames = list(cursor)
        assert [f.timestamp_us for f in frames] == [0, 20000]
        assert frames[1].data == b"\x01" * 10 + b"\xff" * 150
        cursor.rewind()
        assert next(cursor).data == b"\x01" * 160


def test_frames_paced_follow_the_monotonic_clock() -> None:
    start = audio.monotonic_us()
    count = sum(1 for _ in audio.frames(bytes(160 * 5), format=audio.FORMAT_ALAW, rate=8000, paced=True))
    elapsed = audio.monotonic_us() - start
    assert count == 5
    assert 80_000 <= elapsed < 400_000


def test_sleep_until_a_past_deadline_returns_at_once() -> None:
    start = audio.monotonic_us()
    audio.sleep_until_us(0)
    assert audio.monotonic_us() - start < 50_000
