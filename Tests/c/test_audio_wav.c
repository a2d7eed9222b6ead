/* C tests of the audio kit: WAV headers, files and memory images, malformed WAVs, other encodings, down-mix and
 * conversion.
 * Run from any directory; it writes its files under a mkdtemp() directory in /tmp. */
#define _POSIX_C_SOURCE 200809L
#include "audio_support.h"

/* ---- WAV --------------------------------------------------------------------------------------------------- */

static void le32(uint8_t *p, uint32_t v) {
    p[0] = v & 0xFF;
    p[1] = (v >> 8) & 0xFF;
    p[2] = (v >> 16) & 0xFF;
    p[3] = v >> 24;
}

TEST(wav_info_init_sets_defaults) {
    azaudio_wav_info info;
    memset(&info, 0xAB, sizeof info);
    CHECK_RESULT(AZAUDIO_INIT(wav_info, &info), AZAUDIO_OK);
    CHECK(info.struct_size == sizeof info && info.format == AZAUDIO_FORMAT_PCM16 && info.sample_rate == 24000);
    CHECK(info.channels == 1 && info.data_size == 0);
    CHECK_RESULT(azaudio_wav_info_init(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    /* The unsized init kept for programs already built fills the same defaults. */
    memset(&info, 0xAB, sizeof info);
    CHECK_RESULT(azaudio_wav_info_init(&info), AZAUDIO_OK);
    CHECK(info.struct_size == sizeof info && info.format == AZAUDIO_FORMAT_PCM16 && info.sample_rate == 24000);
    CHECK(info.channels == 1 && info.data_size == 0);
}

TEST(wav_header_is_the_canonical_44_bytes) {
    azaudio_wav_info info;
    uint8_t h[AZAUDIO_WAV_HEADER_SIZE];
    AZAUDIO_INIT(wav_info, &info);
    info.format = AZAUDIO_FORMAT_ULAW;
    info.sample_rate = 8000;
    CHECK_RESULT(azaudio_wav_header(&info, 1600, h, sizeof h), AZAUDIO_OK);
    CHECK(memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WAVEfmt ", 8) == 0 && memcmp(h + 36, "data", 4) == 0);
    CHECK(h[4] == (uint8_t)(1636 & 0xFF) && h[5] == (1636 >> 8) && h[20] == 7 && h[22] == 1 && h[34] == 8);
    CHECK(h[40] == (1600 & 0xFF) && h[41] == (1600 >> 8));
    /* A streaming header is readable: the data runs to the end. */
    uint8_t file[AZAUDIO_WAV_HEADER_SIZE + 10];
    CHECK_RESULT(azaudio_wav_header(&info, AZAUDIO_WAV_SIZE_UNKNOWN, file, sizeof file), AZAUDIO_OK);
    memset(file + 44, 0xFF, 10);
    azaudio_wav_info parsed;
    AZAUDIO_INIT(wav_info, &parsed);
    CHECK_RESULT(azaudio_wav_parse(file, sizeof file, &parsed), AZAUDIO_OK);
    CHECK(parsed.format == AZAUDIO_FORMAT_ULAW && parsed.data_size == 10 && parsed.frame_count == 10);
}

TEST(wav_header_rejects_bad_arguments) {
    azaudio_wav_info info;
    uint8_t h[64];
    AZAUDIO_INIT(wav_info, &info);
    CHECK_RESULT(azaudio_wav_header(NULL, 0, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_header(&info, 0, NULL, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_header(&info, 0, h, 43), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out_capacity is 43");
    CHECK_RESULT(azaudio_wav_header(&info, 3, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not a whole number of 2-byte frames");
    CHECK_RESULT(azaudio_wav_header(&info, 0xFFFFFFF0u, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    info.format = 42;
    CHECK_RESULT(azaudio_wav_header(&info, 0, h, sizeof h), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "format 42");
    AZAUDIO_INIT(wav_info, &info);
    info.channels = 0;
    CHECK_RESULT(azaudio_wav_header(&info, 0, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "channel count 0");
    AZAUDIO_INIT(wav_info, &info);
    info.sample_rate = 0;
    CHECK_RESULT(azaudio_wav_header(&info, 0, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    AZAUDIO_INIT(wav_info, &info);
    info.struct_size = 8;
    CHECK_RESULT(azaudio_wav_header(&info, 0, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "struct_size is 8");
}

TEST(wav_files_round_trip) {
    static const int32_t formats[3] = {AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_ULAW, AZAUDIO_FORMAT_ALAW};
    uint8_t data[333];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7);
    for (int f = 0; f < 3; f++) {
        azaudio_wav_info info, got;
        azaudio_audio_buffer *buffer = NULL;
        size_t size = formats[f] == AZAUDIO_FORMAT_PCM16 ? 332 : 333;
        AZAUDIO_INIT(wav_info, &info);
        info.format = formats[f];
        info.sample_rate = 8000;
        CHECK_RESULT(azaudio_wav_write_file(tmp_path("rt.wav"), &info, data, size), AZAUDIO_OK);
        CHECK_RESULT(azaudio_wav_read_file(tmp_path("rt.wav"), &buffer), AZAUDIO_OK);
        AZAUDIO_INIT(wav_info, &got);
        CHECK_RESULT(azaudio_audio_buffer_info(buffer, &got), AZAUDIO_OK);
        CHECK(got.format == formats[f] && got.sample_rate == 8000 && got.channels == 1);
        CHECK(got.data_offset == 44 && got.data_size == size && azaudio_audio_buffer_size(buffer) == size);
        CHECK(got.frame_count == size / got.block_align && got.bits_per_sample == (f == 0 ? 16u : 8u));
        CHECK(memcmp(azaudio_audio_buffer_data(buffer), data, size) == 0);
        azaudio_audio_buffer_destroy(buffer);
    }
    azaudio_audio_buffer_destroy(NULL);
    CHECK(azaudio_audio_buffer_data(NULL) == NULL);
    CHECK(azaudio_audio_buffer_size(NULL) == 0);
    unlink(tmp_path("rt.wav"));
}

TEST(wav_read_memory_copies_and_parse_does_not) {
    uint8_t image[44 + 8];
    azaudio_wav_info info, got;
    azaudio_audio_buffer *buffer = NULL;
    AZAUDIO_INIT(wav_info, &info);
    info.channels = 2;
    CHECK_RESULT(azaudio_wav_header(&info, 8, image, sizeof image), AZAUDIO_OK);
    memcpy(image + 44, "\x01\x00\x02\x00\x03\x00\x04\x00", 8);
    CHECK_RESULT(azaudio_wav_read_memory(image, sizeof image, &buffer), AZAUDIO_OK);
    memset(image + 44, 0, 8);
    const int16_t *samples = azaudio_audio_buffer_data(buffer);
    CHECK(samples[0] == 1 && samples[3] == 4);
    AZAUDIO_INIT(wav_info, &got);
    CHECK_RESULT(azaudio_wav_parse(image, sizeof image, &got), AZAUDIO_OK);
    CHECK(got.channels == 2 && got.frame_count == 2 && got.data_offset == 44 && got.data_size == 8);
    azaudio_audio_buffer_destroy(buffer);
}

TEST(wav_reading_rejects_bad_arguments) {
    azaudio_audio_buffer *buffer = NULL;
    azaudio_wav_info info;
    uint8_t image[44];
    AZAUDIO_INIT(wav_info, &info);
    azaudio_wav_header(&info, 0, image, sizeof image);
    CHECK_RESULT(azaudio_wav_read_file(NULL, &buffer), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "azaudio_wav_read_file: path is NULL");
    CHECK_RESULT(azaudio_wav_read_file("x.wav", NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_read_memory(NULL, 44, &buffer), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_read_memory(image, sizeof image, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_read_memory(image, (size_t)-1, &buffer), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_parse(image, sizeof image, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_parse(NULL, 44, &info), AZAUDIO_ERR_INVALID_ARGUMENT);
    info.struct_size = 16;
    CHECK_RESULT(azaudio_wav_parse(image, sizeof image, &info), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "info->struct_size is 16");
    CHECK_RESULT(azaudio_wav_read_memory(image, sizeof image, &buffer), AZAUDIO_OK);
    CHECK_RESULT(azaudio_audio_buffer_info(buffer, &info), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_audio_buffer_info(buffer, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_audio_buffer_info(NULL, &info), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(azaudio_audio_buffer_size(buffer) == 0 && azaudio_audio_buffer_data(buffer) != NULL);
    azaudio_audio_buffer_destroy(buffer);
}

TEST(wav_file_errors_are_reported) {
    azaudio_audio_buffer *buffer = NULL;
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    CHECK_RESULT(azaudio_wav_read_file(tmp_path("missing.wav"), &buffer), AZAUDIO_ERR_NOT_FOUND);
    CHECK_STR_CONTAINS(azaudio_last_error(), "No such file or directory");
    CHECK_RESULT(azaudio_wav_read_file(tmpdir, &buffer), AZAUDIO_ERR_IO);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not a regular file");
    CHECK_RESULT(azaudio_wav_write_file(tmp_path("no/such/dir.wav"), &info, "ab", 2), AZAUDIO_ERR_NOT_FOUND);
    CHECK_RESULT(azaudio_wav_write_file(NULL, &info, "ab", 2), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_write_file(tmp_path("x.wav"), NULL, "ab", 2), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_write_file(tmp_path("x.wav"), &info, NULL, 2), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_write_file(tmp_path("x.wav"), &info, "abc", 3), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_wav_write_file(tmp_path("empty.wav"), &info, NULL, 0), AZAUDIO_OK);
    CHECK(buffer == NULL);
    unlink(tmp_path("empty.wav"));
}

TEST(malformed_wavs_are_rejected_with_clear_errors) {
    uint8_t good[44 + 16];
    uint8_t bad[sizeof good];
    azaudio_wav_info info;
    azaudio_audio_buffer *buffer = NULL;
    AZAUDIO_INIT(wav_info, &info);
    azaudio_wav_header(&info, 16, good, sizeof good);
    memset(good + 44, 1, 16);

    CHECK_RESULT(azaudio_wav_read_memory(good, 11, &buffer), AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "truncated");
    CHECK_RESULT(azaudio_wav_read_memory(good, 50, &buffer), AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "declares 16 bytes but only 6 follow");
    memcpy(bad, good, sizeof good);
    le32(bad + 40, 0x7FFFFFF0u); /* huge declared data size */
    CHECK_RESULT(azaudio_wav_read_memory(bad, sizeof bad, &buffer), AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "declares 2147483632 bytes");
    memcpy(bad, good, sizeof good);
    le32(bad + 16, 0x10000); /* lying fmt size */
    CHECK_RESULT(azaudio_wav_read_memory(bad, sizeof bad, &buffer), AZAUDIO_ERR_PROTOCOL);
    memcpy(bad, good, sizeof good);
    bad[22] = 0; /* zero channels */
    CHECK_RESULT(azaudio_wav_read_memory(bad, sizeof bad, &buffer), AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "0 channels");
    memcpy(bad, good, sizeof good);
    bad[20] = 3; /* 16-bit IEEE float (half precision) */
    CHECK_RESULT(azaudio_wav_read_memory(bad, sizeof bad, &buffer), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "16-bit IEEE float is not supported");
    memcpy(bad, good, sizeof good);
    memcpy(bad, "RIFX", 4);
    CHECK_RESULT(azaudio_wav_read_memory(bad, sizeof bad, &buffer), AZAUDIO_ERR_UNSUPPORTED);
    for (size_t i = 0; i < sizeof bad; i++) bad[i] = (uint8_t)rng();
    CHECK_RESULT(azaudio_wav_read_memory(bad, sizeof bad, &buffer), AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not a WAV file");
    CHECK(buffer == NULL);

    /* The same through a file. */
    FILE *f = fopen(tmp_path("huge.wav"), "wb");
    memcpy(bad, good, sizeof good);
    le32(bad + 40, 0xFFFFFFF0u);
    fwrite(bad, 1, sizeof bad, f);
    fclose(f);
    CHECK_RESULT(azaudio_wav_read_file(tmp_path("huge.wav"), &buffer), AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "azaudio_wav_read_file: malformed WAV");
    unlink(tmp_path("huge.wav"));
}

/* ---- Any WAV in: other encodings, down-mix, conversion --------------------------------------------------- */

static void le16(uint8_t *p, uint16_t v) {
    p[0] = v & 0xFF;
    p[1] = v >> 8;
}

/* A WAV image in `out` (44-byte header) of `frames` frames of a 1 kHz sine at half scale on every channel. */
static size_t sine_wav(uint8_t *out, uint16_t tag, uint16_t bits, uint32_t rate, uint16_t channels, size_t frames) {
    size_t width = bits / 8, size = frames * channels * width;
    memcpy(out, "RIFF", 4);
    le32(out + 4, (uint32_t)(36 + size));
    memcpy(out + 8, "WAVEfmt ", 8);
    le32(out + 16, 16);
    le16(out + 20, tag);
    le16(out + 22, channels);
    le32(out + 24, rate);
    le32(out + 28, (uint32_t)(rate * channels * width));
    le16(out + 32, (uint16_t)(channels * width));
    le16(out + 34, bits);
    memcpy(out + 36, "data", 4);
    le32(out + 40, (uint32_t)size);
    uint8_t *p = out + 44;
    for (size_t i = 0; i < frames; i++) {
        double x = 0.5 * sin(2 * PI * 1000 * (double)i / rate);
        for (int c = 0; c < channels; c++) {
            if (tag == 3 && bits == 32) {
                float f = (float)x;
                memcpy(p, &f, 4);
            } else if (tag == 3)
                memcpy(p, &x, 8);
            else if (bits == 24) {
                int32_t v = (int32_t)lrint(x * 8388607);
                p[0] = v & 0xFF;
                p[1] = (v >> 8) & 0xFF;
                p[2] = (v >> 16) & 0xFF;
            } else if (bits == 32) {
                int32_t v = (int32_t)lrint(x * 2147483647.0);
                memcpy(p, &v, 4);
            } else if (bits == 8)
                p[0] = (uint8_t)(128 + lrint(x * 127));
            else {
                int16_t v = (int16_t)lrint(x * 32767);
                memcpy(p, &v, 2);
            }
            p += width;
        }
    }
    return 44 + size;
}

TEST(wav_reader_takes_8_24_32_bit_pcm_and_float) {
    static uint8_t image[44 + 4410 * 2 * 8];
    static const struct {
        uint16_t tag, bits;
        int32_t format;
    } cases[] = {{1, 8, AZAUDIO_FORMAT_PCM8},   {1, 16, AZAUDIO_FORMAT_PCM16},   {1, 24, AZAUDIO_FORMAT_PCM24},
                 {1, 32, AZAUDIO_FORMAT_PCM32}, {3, 32, AZAUDIO_FORMAT_FLOAT32}, {3, 64, AZAUDIO_FORMAT_FLOAT64}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t size = sine_wav(image, cases[k].tag, cases[k].bits, 44100, 2, 4410);
        azaudio_wav_info info;
        AZAUDIO_INIT(wav_info, &info);
        CHECK_RESULT(azaudio_wav_parse(image, size, &info), AZAUDIO_OK);
        CHECK(info.format == cases[k].format);
        CHECK(info.bits_per_sample == cases[k].bits && info.channels == 2 && info.frame_count == 4410);
        /* Down-mixed to mono PCM16, every width gives the same sine within the coarsest one's rounding. */
        static int16_t mono[4410];
        CHECK_RESULT(azaudio_audio_to_mono_pcm16(info.format, 2, image + 44, 4410, mono), AZAUDIO_OK);
        int worst = 0;
        for (int i = 0; i < 4410; i++) {
            int ideal = (int)lrint(0.5 * 32768 * sin(2 * PI * 1000 * i / 44100.0));
            if (abs(mono[i] - ideal) > worst) worst = abs(mono[i] - ideal);
        }
        CHECK(worst <= (cases[k].bits == 8 ? 260 : 2));
    }
}

TEST(a_44100_hz_stereo_float_wav_becomes_24_khz_mono_pcm16) {
    static uint8_t image[44 + 44100 * 2 * 4];
    size_t size = sine_wav(image, 3, 32, 44100, 2, 44100);
    azaudio_audio_buffer *wav = NULL, *mono = NULL;
    CHECK_RESULT(azaudio_wav_read_memory(image, size, &wav), AZAUDIO_OK);
    CHECK_RESULT(azaudio_audio_buffer_to_mono_pcm16(wav, 24000, &mono), AZAUDIO_OK);
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    CHECK_RESULT(azaudio_audio_buffer_info(mono, &info), AZAUDIO_OK);
    CHECK(info.format == AZAUDIO_FORMAT_PCM16 && info.channels == 1 && info.sample_rate == 24000);
    CHECK(info.frame_count == 24000 && azaudio_audio_buffer_size(mono) == 48000 && info.data_offset == 0);
    CHECK(sine_snr(azaudio_audio_buffer_data(mono), 2400, 24000 - 2400, 0.5 * 32768, 24000) > 80);
    azaudio_audio_buffer_destroy(mono);
    mono = NULL;
    CHECK_RESULT(azaudio_audio_buffer_to_mono_pcm16(wav, 0, &mono), AZAUDIO_OK); /* 0: keep 44.1 kHz */
    CHECK(azaudio_audio_buffer_size(mono) == 44100 * 2);
    azaudio_audio_buffer_destroy(mono);
    azaudio_audio_buffer_destroy(wav);
}

TEST(downmix_and_conversion_reject_bad_values_with_codes) {
    int16_t out[4];
    uint8_t in[16] = {0};
    azaudio_audio_buffer *wav = NULL, *mono = NULL;
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(AZAUDIO_FORMAT_PCM16, 0, in, 1, out), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "channels is 0");
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(AZAUDIO_FORMAT_PCM16, 70000, in, 1, out), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(99, 1, in, 1, out), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(-1, 1, in, 1, out), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(AZAUDIO_FORMAT_FLOAT64, 1, NULL, 1, out), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(AZAUDIO_FORMAT_FLOAT64, 1, in, 1, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(AZAUDIO_FORMAT_FLOAT64, 65535, in, (size_t)-1 / 2, out),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_audio_to_mono_pcm16(AZAUDIO_FORMAT_FLOAT64, 2, NULL, 0, NULL), AZAUDIO_OK);
    CHECK_RESULT(azaudio_audio_buffer_to_mono_pcm16(NULL, 24000, &mono), AZAUDIO_ERR_INVALID_ARGUMENT);
    static uint8_t image[44 + 700 * 2];
    size_t size = sine_wav(image, 1, 16, 7000, 1, 700); /* 7 kHz: below the resampler's range */
    CHECK_RESULT(azaudio_wav_read_memory(image, size, &wav), AZAUDIO_OK);
    CHECK_RESULT(azaudio_audio_buffer_to_mono_pcm16(wav, 24000, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_audio_buffer_to_mono_pcm16(wav, 24000, &mono), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "7000 Hz");
    CHECK_RESULT(azaudio_audio_buffer_to_mono_pcm16(wav, 0xFFFFFFFFu, &mono), AZAUDIO_ERR_UNSUPPORTED);
    CHECK(mono == NULL);
    azaudio_audio_buffer_destroy(wav);
}

int main(void) {
    if (!audio_setup()) return 2;
    RUN(wav_info_init_sets_defaults);
    RUN(wav_header_is_the_canonical_44_bytes);
    RUN(wav_header_rejects_bad_arguments);
    RUN(wav_files_round_trip);
    RUN(wav_read_memory_copies_and_parse_does_not);
    RUN(wav_reading_rejects_bad_arguments);
    RUN(wav_file_errors_are_reported);
    RUN(malformed_wavs_are_rejected_with_clear_errors);
    RUN(wav_reader_takes_8_24_32_bit_pcm_and_float);
    RUN(a_44100_hz_stereo_float_wav_becomes_24_khz_mono_pcm16);
    RUN(downmix_and_conversion_reject_bad_values_with_codes);
    audio_teardown();
    return check_summary();
}
