/* C tests of the audio kit: G.711, the resampler, WAV files, frames and pacing, through the public header only.
 * Build: gcc -std=c99 -Wall -Wextra -Werror -Iinclude Tests/c/test_audio.c -L.build/release -lazaudio
 *        -Wl,-rpath,$PWD/.build/release -lm
 * Run from any directory; it writes its files under a mkdtemp() directory in /tmp. */
#define _POSIX_C_SOURCE 200809L
#include "azaudio.h"
#include "check.h"
#include "trap_support.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#define PI 3.14159265358979323846

static char tmpdir[64];

/* Counts the library's allocations while `counting` is set: this definition of malloc/calloc/realloc interposes on
 * glibc's for the whole process, libazaudio.so included, and forwards to glibc's own. */
static volatile int counting;
static volatile size_t allocations;
#ifndef AZAUDIO_TEST_SANITIZED /* under ASan the sanitizer owns malloc: the count is skipped (scripts/sanitize.sh) */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
void *malloc(size_t n) {
    if (counting) allocations++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m) {
    if (counting) allocations++;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n) {
    if (counting) allocations++;
    return __libc_realloc(p, n);
}
#endif

static const char *tmp_path(const char *name) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

/* ---- G.711 ------------------------------------------------------------------------------------------------- */

TEST(ulaw_decodes_reference_values) {
    uint8_t codes[6] = {0x00, 0x7F, 0xFF, 0x80, 0xCE, 0x4E};
    int16_t pcm[6];
    CHECK_RESULT(azaudio_g711_ulaw_decode(codes, 6, pcm), AZAUDIO_OK);
    CHECK(pcm[0] == -32124 && pcm[1] == 0 && pcm[2] == 0 && pcm[3] == 32124 && pcm[4] == 988 && pcm[5] == -988);
}

TEST(alaw_decodes_reference_values) {
    uint8_t codes[6] = {0xD5, 0x55, 0xAA, 0x2A, 0xFA, 0x7A};
    int16_t pcm[6];
    CHECK_RESULT(azaudio_g711_alaw_decode(codes, 6, pcm), AZAUDIO_OK);
    CHECK(pcm[0] == 8 && pcm[1] == -8 && pcm[2] == 32256 && pcm[3] == -32256 && pcm[4] == 1008 && pcm[5] == -1008);
}

TEST(g711_all_codes_round_trip) {
    uint8_t codes[256], back[256];
    int16_t pcm[256];
    for (int i = 0; i < 256; i++) codes[i] = (uint8_t)i;
    CHECK_RESULT(azaudio_g711_ulaw_decode(codes, 256, pcm), AZAUDIO_OK);
    CHECK_RESULT(azaudio_g711_ulaw_encode(pcm, 256, back), AZAUDIO_OK);
    for (int i = 0; i < 256; i++) CHECK(back[i] == (i == 0x7F ? 0xFF : i));
    CHECK_RESULT(azaudio_g711_alaw_decode(codes, 256, pcm), AZAUDIO_OK);
    CHECK_RESULT(azaudio_g711_alaw_encode(pcm, 256, back), AZAUDIO_OK);
    for (int i = 0; i < 256; i++) CHECK(back[i] == i);
}

TEST(g711_known_pcm_to_code_points) {
    int16_t pcm[5] = {0, -1, 1000, 32767, -32768};
    uint8_t u[5], a[5];
    CHECK_RESULT(azaudio_g711_ulaw_encode(pcm, 5, u), AZAUDIO_OK);
    CHECK_RESULT(azaudio_g711_alaw_encode(pcm, 5, a), AZAUDIO_OK);
    CHECK(u[0] == 0xFF && u[1] == 0x7F && u[2] == 0xCE && u[3] == 0x80 && u[4] == 0x00);
    CHECK(a[0] == 0xD5 && a[1] == 0x55 && a[2] == 0xFA && a[3] == 0xAA && a[4] == 0x2A);
}

TEST(g711_rejects_null_buffers_but_allows_empty) {
    int16_t pcm[1] = {0};
    uint8_t code[1] = {0};
    CHECK_RESULT(azaudio_g711_ulaw_encode(NULL, 1, code), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "azaudio_g711_ulaw_encode: pcm is NULL");
    CHECK_RESULT(azaudio_g711_ulaw_encode(pcm, 1, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out_codes is NULL");
    CHECK_RESULT(azaudio_g711_ulaw_decode(NULL, 1, pcm), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_g711_ulaw_decode(code, 1, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_g711_alaw_encode(NULL, 1, code), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_g711_alaw_encode(pcm, 1, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_g711_alaw_decode(NULL, 1, pcm), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_g711_alaw_decode(code, 1, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "azaudio_g711_alaw_decode: out_pcm is NULL");
    CHECK_RESULT(azaudio_g711_alaw_decode(code, (size_t)-1, pcm), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_g711_ulaw_encode(NULL, 0, NULL), AZAUDIO_OK);
    CHECK_RESULT(azaudio_g711_alaw_decode(NULL, 0, NULL), AZAUDIO_OK);
}

/* ---- Resampler --------------------------------------------------------------------------------------------- */

TEST(resampler_create_validates_rates) {
    azaudio_resampler *r = NULL;
    CHECK_RESULT(azaudio_resampler_create(8000, 24000, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out_resampler is NULL");
    CHECK_RESULT(azaudio_resampler_create(0, 24000, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_resampler_create(8000, 0, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_resampler_create(7999, 48000, &r), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_STR_CONTAINS(azaudio_last_error(), "7999 -> 48000 Hz is not supported");
    CHECK_RESULT(azaudio_resampler_create(8000, 192001, &r), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_RESULT(azaudio_resampler_create(0xFFFFFFFFu, 8000, &r), AZAUDIO_ERR_UNSUPPORTED);
    CHECK(r == NULL);
    CHECK_RESULT(azaudio_resampler_create(16000, 16000, &r), AZAUDIO_OK);
    CHECK(azaudio_resampler_latency_samples(r) == 0);
    azaudio_resampler_destroy(r);
    azaudio_resampler_destroy(NULL);
    CHECK(azaudio_resampler_max_output(NULL, 100) == 0);
    CHECK(azaudio_resampler_latency_samples(NULL) == 0);
}

TEST(resampler_latency_is_32_samples_at_the_lower_rate) {
    static const uint32_t pairs[][3] = {{8000, 24000, 96},  {24000, 8000, 32},  {48000, 24000, 32},
                                        {24000, 48000, 64}, {16000, 24000, 48}, {8000, 48000, 192}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        azaudio_resampler *r = NULL;
        CHECK_RESULT(azaudio_resampler_create(pairs[i][0], pairs[i][1], &r), AZAUDIO_OK);
        CHECK(azaudio_resampler_latency_samples(r) == pairs[i][2]);
        /* 100 ms of input gives 100 ms of output minus the latency. */
        size_t n = pairs[i][0] / 10, written = 0;
        int16_t *in = calloc(n, sizeof *in);
        int16_t *out = calloc(azaudio_resampler_max_output(r, n), sizeof *out);
        CHECK_RESULT(azaudio_resampler_process(r, in, n, out, azaudio_resampler_max_output(r, n), &written),
                     AZAUDIO_OK);
        CHECK(written == pairs[i][1] / 10 - pairs[i][2]);
        CHECK_RESULT(azaudio_resampler_flush(r, out, azaudio_resampler_max_output(r, 0), &written), AZAUDIO_OK);
        CHECK(written == pairs[i][2]);
        free(in);
        free(out);
        azaudio_resampler_destroy(r);
    }
}

TEST(resampler_max_output_matches_the_documented_example) {
    azaudio_resampler *r = NULL;
    CHECK_RESULT(azaudio_resampler_create(8000, 24000, &r), AZAUDIO_OK);
    CHECK(azaudio_resampler_max_output(r, 160) == 576);
    CHECK(azaudio_resampler_max_output(r, (size_t)-1) >= (size_t)1 << 62);
    azaudio_resampler_destroy(r);
}

/* Resamples `in` through a fresh resampler in chunks (chunk == 0: random sizes from 0 to 499), flushes. */
static size_t resample_all(uint32_t in_rate, uint32_t out_rate, const int16_t *in, size_t n, size_t chunk,
                           int16_t *out) {
    azaudio_resampler *r = NULL;
    size_t total = 0, pos = 0, written = 0;
    if (azaudio_resampler_create(in_rate, out_rate, &r) != AZAUDIO_OK) return 0;
    while (pos < n) {
        size_t size = chunk ? chunk : rng() % 500;
        if (size > n - pos) size = n - pos;
        if (azaudio_resampler_process(r, in + pos, size, out + total, azaudio_resampler_max_output(r, size),
                                      &written) != AZAUDIO_OK)
            break;
        total += written;
        pos += size;
    }
    if (azaudio_resampler_flush(r, out + total, azaudio_resampler_max_output(r, 0), &written) == AZAUDIO_OK)
        total += written;
    azaudio_resampler_destroy(r);
    return total;
}

TEST(resampler_random_chunks_give_identical_output) {
    enum { N = 16000 };
    static int16_t in[N], whole[N * 6 + 1000], chunked[N * 6 + 1000];
    static const uint32_t rates[4] = {8000, 16000, 24000, 48000};
    for (int i = 0; i < N; i++) in[i] = (int16_t)(12000 * sin(i * 0.05) + (int)(rng() % 2001) - 1000);
    for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
            if (a == b) continue;
            size_t n1 = resample_all(rates[a], rates[b], in, N, N, whole);
            size_t n2 = resample_all(rates[a], rates[b], in, N, 0, chunked);
            CHECK(n1 == ((size_t)N * rates[b] + rates[a] - 1) / rates[a]);
            CHECK(n1 == n2);
            CHECK(memcmp(whole, chunked, n1 * sizeof whole[0]) == 0);
        }
    }
}

TEST(resampler_takes_cd_and_other_rates_from_8_to_192_khz) {
    enum { N = 44100 };
    static int16_t in[N], whole[N * 5], chunked[N * 5];
    static const uint32_t pairs[][2] = {{44100, 24000}, {24000, 44100}, {22050, 48000}, {11025, 8000},
                                        {192000, 8000}, {8000, 192000}, {8001, 48000}};
    for (int i = 0; i < N; i++) in[i] = (int16_t)(12000 * sin(i * 0.05) + (int)(rng() % 2001) - 1000);
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        uint32_t a = pairs[p][0], b = pairs[p][1];
        size_t n = (size_t)a / 4 < N ? (size_t)a / 4 : N; /* a quarter of a second */
        size_t n1 = resample_all(a, b, in, n, n, whole);
        size_t n2 = resample_all(a, b, in, n, 0, chunked);
        CHECK(n1 == (n * b + a - 1) / a);
        CHECK(n1 == n2);
        CHECK(memcmp(whole, chunked, n1 * sizeof whole[0]) == 0);
    }
}

/* SNR in dB of x[from..to) against a 1 kHz sine of `amplitude` sampled at `rate`. */
static double sine_snr(const int16_t *x, int from, int to, double amplitude, double rate) {
    double signal = 0, noise = 0;
    for (int i = from; i < to; i++) {
        double ideal = amplitude * sin(2 * PI * 1000 * i / rate);
        signal += ideal * ideal;
        noise += (x[i] - ideal) * (x[i] - ideal);
    }
    return 10 * log10(signal / noise);
}

TEST(resampler_sine_44100_to_24000_hz_snr_over_88_db) {
    enum { N = 44100 };
    static int16_t in[N], out[24000 + 100];
    for (int i = 0; i < N; i++) in[i] = (int16_t)lrint(16000 * sin(2 * PI * 1000 * i / 44100.0));
    size_t n = resample_all(44100, 24000, in, N, 882, out);
    CHECK(n == 24000);
    double snr = sine_snr(out, 2400, 24000 - 2400, 16000, 24000);
    printf("  44.1->24 kHz, 1 kHz sine at -6 dBFS, in 20 ms chunks: SNR %.1f dB\n", snr);
    CHECK(snr > 88);
}

TEST(resampler_sine_8_to_24_to_8_khz_snr_over_85_db) {
    enum { N = 8000 };
    static int16_t in[N], up[3 * N + 100], back[N + 100];
    for (int i = 0; i < N; i++) in[i] = (int16_t)lrint(16000 * sin(2 * PI * 1000 * i / 8000.0));
    size_t n_up = resample_all(8000, 24000, in, N, 160, up);
    size_t n_back = resample_all(24000, 8000, up, n_up, 480, back);
    CHECK(n_up == 3 * N && n_back == N);
    double snr = sine_snr(back, 800, N - 800, 16000, 8000);
    printf("  8->24->8 kHz, 1 kHz sine at -6 dBFS, in 20 ms chunks: SNR %.1f dB\n", snr);
    CHECK(snr > 85);
}

TEST(resampler_process_rejects_bad_arguments_and_consumes_nothing) {
    azaudio_resampler *r = NULL;
    int16_t in[480] = {0}, out[2000], reference[2000];
    size_t written = 99, ref_written = 0;
    for (int i = 0; i < 480; i++) in[i] = (int16_t)(i * 50);
    CHECK_RESULT(azaudio_resampler_create(8000, 24000, &r), AZAUDIO_OK);
    CHECK_RESULT(azaudio_resampler_process(NULL, in, 480, out, 2000, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "resampler is NULL");
    CHECK_RESULT(azaudio_resampler_process(r, in, 480, out, 2000, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out_written is NULL");
    CHECK_RESULT(azaudio_resampler_process(r, NULL, 480, out, 2000, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "in is NULL");
    CHECK_RESULT(azaudio_resampler_process(r, in, 480, NULL, 2000, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out is NULL");
    CHECK_RESULT(azaudio_resampler_process(r, in, (size_t)-1, out, 2000, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_resampler_process(r, in, 480, out, 100, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out_capacity is 100 but this call produces 1344 samples");
    CHECK(written == 99);
    /* The failed calls consumed nothing: the output equals a fresh resampler's. */
    CHECK_RESULT(azaudio_resampler_process(r, in, 480, out, 1344, &written), AZAUDIO_OK);
    CHECK(written == 1344);
    azaudio_resampler *fresh = NULL;
    CHECK_RESULT(azaudio_resampler_create(8000, 24000, &fresh), AZAUDIO_OK);
    CHECK_RESULT(azaudio_resampler_process(fresh, in, 480, reference, 2000, &ref_written), AZAUDIO_OK);
    CHECK(ref_written == written && memcmp(out, reference, written * sizeof out[0]) == 0);
    /* Empty calls. */
    CHECK_RESULT(azaudio_resampler_process(r, NULL, 0, NULL, 0, &written), AZAUDIO_OK);
    CHECK(written == 0);
    /* Flush: too small keeps the state, then drains it. */
    CHECK_RESULT(azaudio_resampler_flush(r, out, 10, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "96 samples are pending");
    CHECK_RESULT(azaudio_resampler_flush(NULL, out, 2000, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_resampler_flush(r, out, 2000, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_resampler_flush(r, NULL, 2000, &written), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_resampler_flush(r, out, 2000, &written), AZAUDIO_OK);
    CHECK(written == 96);
    CHECK_RESULT(azaudio_resampler_flush(r, NULL, 0, &written), AZAUDIO_OK);
    CHECK(written == 0);
    /* Reset gives a new stream. */
    CHECK_RESULT(azaudio_resampler_process(r, in, 480, out, 2000, &written), AZAUDIO_OK);
    CHECK_RESULT(azaudio_resampler_reset(r), AZAUDIO_OK);
    CHECK_RESULT(azaudio_resampler_process(r, in, 480, out, 2000, &written), AZAUDIO_OK);
    CHECK(memcmp(out, reference, written * sizeof out[0]) == 0);
    CHECK_RESULT(azaudio_resampler_reset(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_resampler_destroy(fresh);
    azaudio_resampler_destroy(r);
}

TEST(hot_path_never_allocates) {
    static int16_t pcm[4800], out[20000];
    static uint8_t codes[4800];
    azaudio_resampler *up = NULL, *down = NULL;
    size_t written = 0;
    for (int i = 0; i < 4800; i++) pcm[i] = (int16_t)(i * 13);
    CHECK_RESULT(azaudio_resampler_create(8000, 48000, &up), AZAUDIO_OK);
    CHECK_RESULT(azaudio_resampler_create(48000, 16000, &down), AZAUDIO_OK);
    /* Warm up: the first use builds the G.711 decode tables once per process. */
    azaudio_g711_ulaw_decode(codes, 1, out);
    azaudio_g711_alaw_decode(codes, 1, out);
    allocations = 0;
    counting = 1;
    for (int round = 0; round < 20; round++) {
        azaudio_g711_ulaw_encode(pcm, 4800, codes);
        azaudio_g711_ulaw_decode(codes, 4800, pcm);
        azaudio_g711_alaw_encode(pcm, 4800, codes);
        azaudio_g711_alaw_decode(codes, 4800, pcm);
        azaudio_resampler_process(up, pcm, 160 + round * 37, out, 20000, &written);
        azaudio_resampler_process(down, pcm, 960 + round * 91, out, 20000, &written);
    }
    azaudio_resampler_flush(up, out, 20000, &written);
    azaudio_resampler_reset(down);
    counting = 0;
    CHECK(allocations == 0);
    azaudio_resampler_destroy(up);
    azaudio_resampler_destroy(down);
}

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
    CHECK_RESULT(azaudio_wav_info_init(&info), AZAUDIO_OK);
    CHECK(info.struct_size == sizeof info && info.format == AZAUDIO_FORMAT_PCM16 && info.sample_rate == 24000);
    CHECK(info.channels == 1 && info.data_size == 0);
    CHECK_RESULT(azaudio_wav_info_init(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
}

TEST(wav_header_is_the_canonical_44_bytes) {
    azaudio_wav_info info;
    uint8_t h[AZAUDIO_WAV_HEADER_SIZE];
    azaudio_wav_info_init(&info);
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
    azaudio_wav_info_init(&parsed);
    CHECK_RESULT(azaudio_wav_parse(file, sizeof file, &parsed), AZAUDIO_OK);
    CHECK(parsed.format == AZAUDIO_FORMAT_ULAW && parsed.data_size == 10 && parsed.frame_count == 10);
}

TEST(wav_header_rejects_bad_arguments) {
    azaudio_wav_info info;
    uint8_t h[64];
    azaudio_wav_info_init(&info);
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
    azaudio_wav_info_init(&info);
    info.channels = 0;
    CHECK_RESULT(azaudio_wav_header(&info, 0, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "channel count 0");
    azaudio_wav_info_init(&info);
    info.sample_rate = 0;
    CHECK_RESULT(azaudio_wav_header(&info, 0, h, sizeof h), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_wav_info_init(&info);
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
        azaudio_wav_info_init(&info);
        info.format = formats[f];
        info.sample_rate = 8000;
        CHECK_RESULT(azaudio_wav_write_file(tmp_path("rt.wav"), &info, data, size), AZAUDIO_OK);
        CHECK_RESULT(azaudio_wav_read_file(tmp_path("rt.wav"), &buffer), AZAUDIO_OK);
        azaudio_wav_info_init(&got);
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
    azaudio_wav_info_init(&info);
    info.channels = 2;
    CHECK_RESULT(azaudio_wav_header(&info, 8, image, sizeof image), AZAUDIO_OK);
    memcpy(image + 44, "\x01\x00\x02\x00\x03\x00\x04\x00", 8);
    CHECK_RESULT(azaudio_wav_read_memory(image, sizeof image, &buffer), AZAUDIO_OK);
    memset(image + 44, 0, 8);
    const int16_t *samples = azaudio_audio_buffer_data(buffer);
    CHECK(samples[0] == 1 && samples[3] == 4);
    azaudio_wav_info_init(&got);
    CHECK_RESULT(azaudio_wav_parse(image, sizeof image, &got), AZAUDIO_OK);
    CHECK(got.channels == 2 && got.frame_count == 2 && got.data_offset == 44 && got.data_size == 8);
    azaudio_audio_buffer_destroy(buffer);
}

TEST(wav_reading_rejects_bad_arguments) {
    azaudio_audio_buffer *buffer = NULL;
    azaudio_wav_info info;
    uint8_t image[44];
    azaudio_wav_info_init(&info);
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
    azaudio_wav_info_init(&info);
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
    azaudio_wav_info_init(&info);
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

/* ---- Frames and pacing ------------------------------------------------------------------------------------- */

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
        azaudio_wav_info_init(&info);
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
    azaudio_wav_info_init(&info);
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

TEST(frame_bytes_for_common_layouts_and_errors) {
    size_t bytes = 0;
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, &bytes), AZAUDIO_OK);
    CHECK(bytes == 160);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 24000, 1, 20, &bytes), AZAUDIO_OK);
    CHECK(bytes == 960);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 48000, 2, 10, &bytes), AZAUDIO_OK);
    CHECK(bytes == 1920);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 11025, 1, 20, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not a whole number of samples");
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 0, 1, 20, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 8000, 0, 20, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 8000, 1, 0, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_bytes(99, 8000, 1, 20, &bytes), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM24, 44100, 2, 10, &bytes), AZAUDIO_OK);
    CHECK(bytes == 441 * 2 * 3);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_FLOAT64, 48000, 1, 10, &bytes), AZAUDIO_OK);
    CHECK(bytes == 480 * 8);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 48000, 2, 10, &bytes), AZAUDIO_OK);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 8000, 1, 20, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(bytes == 1920);
}

TEST(frame_cursor_cuts_pads_and_times_frames) {
    uint8_t audio[400];
    azaudio_frame_cursor *c = NULL;
    const void *frame = NULL;
    size_t size = 0;
    uint64_t ts = 1;
    for (int i = 0; i < 400; i++) audio[i] = (uint8_t)(i % 100);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, audio, sizeof audio, &c), AZAUDIO_OK);
    CHECK(azaudio_frame_cursor_count(c) == 3);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(frame == audio && size == 160 && ts == 0);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, NULL), AZAUDIO_OK);
    CHECK(frame == audio + 160 && size == 160);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(size == 160 && ts == 40000);
    CHECK(memcmp(frame, audio + 320, 80) == 0 && ((const uint8_t *)frame)[80] == 0xFF &&
          ((const uint8_t *)frame)[159] == 0xFF);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(frame == NULL && size == 0);
    CHECK_RESULT(azaudio_frame_cursor_rewind(c), AZAUDIO_OK);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(frame == audio && ts == 0);
    CHECK_RESULT(azaudio_frame_cursor_next(NULL, &frame, &size, &ts), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_next(c, NULL, &size, &ts), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, NULL, &ts), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_rewind(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(azaudio_frame_cursor_count(NULL) == 0);
    azaudio_frame_cursor_destroy(c);
    azaudio_frame_cursor_destroy(NULL);
}

TEST(frame_cursor_create_rejects_bad_arguments) {
    azaudio_frame_cursor *c = NULL;
    uint8_t audio[10] = {0};
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, audio, 10, NULL),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, NULL, 10, &c),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 0, audio, 10, &c),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_create(0, 8000, 1, 20, audio, 10, &c), AZAUDIO_ERR_UNSUPPORTED);
    CHECK(c == NULL);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_PCM16, 8000, 1, 20, NULL, 0, &c), AZAUDIO_OK);
    CHECK(azaudio_frame_cursor_count(c) == 0);
    azaudio_frame_cursor_destroy(c);
}

/* Issue 16: max_output with a count near INT64_MAX trapped (SIGILL) on an overflow in the engine's arithmetic. */
TEST(resampler_max_output_saturates_for_huge_counts_without_a_trap) {
    static const uint32_t rates[] = {8000, 16000, 24000, 48000};
    static const size_t counts[] = {(size_t)INT64_MAX,      (size_t)INT64_MAX - 1,  (size_t)INT64_MAX - 31,
                                    (size_t)INT64_MAX - 32, (size_t)INT64_MAX - 64, (size_t)INT64_MAX / 2,
                                    (size_t)INT64_MAX / 3,  (size_t)INT64_MAX / 6,  (size_t)INT64_MAX / 48,
                                    (size_t)1 << 62,        ((size_t)1 << 62) + 7,  SIZE_MAX,
                                    SIZE_MAX - 1,           (size_t)INT64_MAX + 1};
    CHECK_NO_TRAP({
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < 4; j++) {
                azaudio_resampler *r = NULL;
                if (azaudio_resampler_create(rates[i], rates[j], &r) != AZAUDIO_OK) {
                    CHECK(0);
                    continue;
                }
                for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
                    size_t n = counts[k], m = azaudio_resampler_max_output(r, n);
                    /* Never below the exact need (saturating at SIZE_MAX/INT64_MAX is enough: no buffer is that big).
                     */
                    double need = (double)n * rates[j] / rates[i];
                    if ((double)m < need && m < (size_t)INT64_MAX) {
                        fprintf(stderr, "    %u -> %u Hz, n %zu: max_output %zu\n", rates[i], rates[j], n, m);
                        CHECK(0);
                    }
                }
                azaudio_resampler_destroy(r);
            }
    });
}

/* Issue 16: a frame the header allows (1 MHz, 1024 channels, 60 s of PCM16: 122.88 GB) over 2 bytes of audio
 * aborted the process ("failed to allocate") instead of returning a result. */
TEST(frame_cursor_with_a_frame_too_large_to_allocate_returns_out_of_memory) {
    uint8_t audio[2] = {1, 2};
    CHECK_NO_TRAP({
        azaudio_frame_cursor *c = NULL;
        int rc = azaudio_frame_cursor_create(AZAUDIO_FORMAT_PCM16, 1000000, 1024, 60000, audio, 2, &c);
        CHECK(rc == AZAUDIO_ERR_OUT_OF_MEMORY);
        CHECK(c == NULL);
        if (rc == AZAUDIO_ERR_OUT_OF_MEMORY) CHECK_STR_CONTAINS(azaudio_last_error(), "122880000000-byte frame");
        /* No partial frame, nothing to pad: nothing is allocated, so the same frame over no audio is fine. */
        CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_PCM16, 1000000, 1024, 60000, NULL, 0, &c), AZAUDIO_OK);
        CHECK(azaudio_frame_cursor_count(c) == 0);
        azaudio_frame_cursor_destroy(c);
        /* The largest size_t-as-Int audio counts its frames without overflowing. */
        c = NULL;
        CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, audio, (size_t)INT64_MAX - 1, &c),
                     AZAUDIO_OK);
        CHECK(azaudio_frame_cursor_count(c) == ((size_t)INT64_MAX - 1) / 160 + 1);
        azaudio_frame_cursor_destroy(c);
    });
}

TEST(pacing_sleeps_until_absolute_deadlines) {
    uint64_t start = azaudio_monotonic_us();
    for (uint64_t k = 1; k <= 5; k++) CHECK_RESULT(azaudio_sleep_until_us(start + k * 20000), AZAUDIO_OK);
    uint64_t elapsed = azaudio_monotonic_us() - start;
    CHECK(elapsed >= 100000); /* never early */
    CHECK(elapsed < 2000000); /* and not stuck (a loaded machine may be late; no tighter bound in a test) */
    CHECK_RESULT(azaudio_sleep_until_us(0), AZAUDIO_OK);
}

int main(void) {
    strcpy(tmpdir, "/tmp/azaudio-test-audio-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    RUN(ulaw_decodes_reference_values);
    RUN(alaw_decodes_reference_values);
    RUN(g711_all_codes_round_trip);
    RUN(g711_known_pcm_to_code_points);
    RUN(g711_rejects_null_buffers_but_allows_empty);
    RUN(resampler_create_validates_rates);
    RUN(resampler_latency_is_32_samples_at_the_lower_rate);
    RUN(resampler_max_output_matches_the_documented_example);
    RUN(resampler_random_chunks_give_identical_output);
    RUN(resampler_takes_cd_and_other_rates_from_8_to_192_khz);
    RUN(resampler_sine_44100_to_24000_hz_snr_over_88_db);
    RUN(resampler_sine_8_to_24_to_8_khz_snr_over_85_db);
    RUN(resampler_process_rejects_bad_arguments_and_consumes_nothing);
    RUN(hot_path_never_allocates);
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
    RUN(frame_bytes_for_common_layouts_and_errors);
    RUN(frame_cursor_cuts_pads_and_times_frames);
    RUN(frame_cursor_create_rejects_bad_arguments);
    RUN(resampler_max_output_saturates_for_huge_counts_without_a_trap);
    RUN(frame_cursor_with_a_frame_too_large_to_allocate_returns_out_of_memory);
    RUN(pacing_sleeps_until_absolute_deadlines);
    rmdir(tmpdir);
    return check_summary();
}
