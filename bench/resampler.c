/* Benchmark of the audio kit: the resampler's CPU cost per second of audio, and G.711 throughput.
 * Build and run (after `swift build -c release`):
 *   gcc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude bench/resampler.c -L.build/release -lazaudio \
 *       -Wl,-rpath,$PWD/.build/release -lm -o .build/bench-resampler && .build/bench-resampler
 * Audio is fed in 20 ms chunks, as a media thread would. CPU time is the process's (CLOCK_PROCESS_CPUTIME_ID). */
#define _POSIX_C_SOURCE 200809L
#include "azaudio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int16_t *make_signal(size_t n, uint32_t rate) {
    int16_t *s = malloc(n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        s[i] = (int16_t)(9000 * sin(2 * 3.14159265358979 * 440 * i / rate) +
                         4000 * sin(2 * 3.14159265358979 * 2900 * i / rate));
    return s;
}

static void bench_resampler(uint32_t in_rate, uint32_t out_rate, double audio_seconds) {
    azaudio_resampler *r = NULL;
    if (azaudio_resampler_create(in_rate, out_rate, &r) != AZAUDIO_OK) {
        printf("create failed: %s\n", azaudio_last_error());
        return;
    }
    size_t n = (size_t)(in_rate * audio_seconds), chunk = in_rate / 50, written = 0, total = 0;
    int16_t *in = make_signal(n, in_rate);
    size_t cap = azaudio_resampler_max_output(r, chunk);
    int16_t *out = malloc(cap * sizeof *out);
    double start = cpu_seconds();
    for (size_t pos = 0; pos + chunk <= n; pos += chunk) {
        azaudio_resampler_process(r, in + pos, chunk, out, cap, &written);
        total += written;
    }
    azaudio_resampler_flush(r, out, cap, &written);
    double cpu = cpu_seconds() - start;
    printf("resample %5u -> %5u Hz: %7.3f ms CPU per second of audio (%6.0fx real time), %zu samples out\n", in_rate,
           out_rate, cpu * 1000 / audio_seconds, audio_seconds / cpu, total + written);
    free(in);
    free(out);
    azaudio_resampler_destroy(r);
}

static void bench_g711(void) {
    enum { N = 8000 * 20 }; /* 20 s of 8 kHz audio per pass */
    const int passes = 100;
    int16_t *pcm = make_signal(N, 8000);
    uint8_t *codes = malloc(N);
    double t, enc_u, dec_u, enc_a, dec_a;
    unsigned sink = 0;
    t = cpu_seconds();
    for (int p = 0; p < passes; p++) {
        azaudio_g711_ulaw_encode(pcm, N, codes);
        sink += codes[p];
    }
    enc_u = cpu_seconds() - t;
    t = cpu_seconds();
    for (int p = 0; p < passes; p++) {
        azaudio_g711_ulaw_decode(codes, N, pcm);
        sink += (unsigned)pcm[p];
    }
    dec_u = cpu_seconds() - t;
    t = cpu_seconds();
    for (int p = 0; p < passes; p++) {
        azaudio_g711_alaw_encode(pcm, N, codes);
        sink += codes[p];
    }
    enc_a = cpu_seconds() - t;
    t = cpu_seconds();
    for (int p = 0; p < passes; p++) {
        azaudio_g711_alaw_decode(codes, N, pcm);
        sink += (unsigned)pcm[p];
    }
    dec_a = cpu_seconds() - t;
    double samples = (double)N * passes;
    printf("G.711 mu-law encode: %7.1f Msamples/s (%.4f ms CPU per second of 8 kHz audio)\n", samples / enc_u / 1e6,
           enc_u * 1000 / (samples / 8000));
    printf("G.711 mu-law decode: %7.1f Msamples/s (%.4f ms CPU per second of 8 kHz audio)\n", samples / dec_u / 1e6,
           dec_u * 1000 / (samples / 8000));
    printf("G.711 A-law  encode: %7.1f Msamples/s (%.4f ms CPU per second of 8 kHz audio)\n", samples / enc_a / 1e6,
           enc_a * 1000 / (samples / 8000));
    printf("G.711 A-law  decode: %7.1f Msamples/s (%.4f ms CPU per second of 8 kHz audio)\n", samples / dec_a / 1e6,
           dec_a * 1000 / (samples / 8000));
    if (sink == 0xFFFFFFFF) printf("\n");
    free(pcm);
    free(codes);
}

int main(void) {
    const double seconds = 60;
    bench_resampler(8000, 24000, seconds);
    bench_resampler(24000, 8000, seconds);
    bench_resampler(48000, 24000, seconds);
    bench_resampler(24000, 48000, seconds);
    bench_resampler(16000, 24000, seconds);
    bench_resampler(8000, 48000, seconds);
    bench_resampler(48000, 8000, seconds);
    /* Rates beyond the classic four: CD audio, and a ratio too fine for exact phases (interpolated). */
    bench_resampler(44100, 24000, seconds);
    bench_resampler(24000, 44100, seconds);
    bench_resampler(44100, 16000, seconds);
    bench_resampler(8001, 48000, seconds);
    bench_g711();
    return 0;
}
