/* C tests of the audio kit: G.711 and the resampler (accuracy, chunking, rates, bad arguments, no allocation on
 * the hot path).
 * Run from any directory; it writes its files under a mkdtemp() directory in /tmp. */
#define _POSIX_C_SOURCE 200809L
#include "audio_support.h"

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

int main(void) {
    if (!audio_setup()) return 2;
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
    RUN(resampler_max_output_saturates_for_huge_counts_without_a_trap);
    audio_teardown();
    return check_summary();
}
