/* Measures libazaudio's REST calls; bench/rest/run.sh compares them with curl.
 *
 *   bench_rest upload FILE DEPLOYMENT RUNS     transcription wall time (ms) and peak RSS above baseline (KiB)
 *   bench_rest ttfb TEXT DEPLOYMENT RUNS       speech: time to the first audio byte in the callback, and total (ms)
 *   bench_rest many FILE DEPLOYMENT COUNT      COUNT sequential transcriptions on one client: total (ms)
 *
 * Endpoint and key from AZURE_OPENAI_ENDPOINT / AZURE_OPENAI_API_KEY. Prints "key value" lines. */
#define _GNU_SOURCE
#include <azaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long value = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, strlen(field))) value = atol(line + strlen(field));
    if (f) fclose(f);
    return value;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int transcribe(azaudio_client *c, const char *file, const char *deployment) {
    azaudio_transcription_options o;
    azaudio_transcription_options_init(&o);
    o.deployment = deployment;
    o.response_format = "text";
    azaudio_transcript *t = NULL;
    azaudio_result rc = azaudio_transcribe_file(c, file, &o, &t);
    if (rc != AZAUDIO_OK) fprintf(stderr, "bench: %s\n", azaudio_last_error());
    azaudio_transcript_free(t);
    return rc == AZAUDIO_OK ? 0 : 1;
}

typedef struct {
    double start, first;
} ttfb_state;

static int32_t on_audio(const uint8_t *data, size_t size, void *user) {
    (void)data;
    (void)size;
    ttfb_state *s = user;
    if (s->first == 0) s->first = now_ms();
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s upload|ttfb|many ARG DEPLOYMENT N\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1], *arg = argv[2], *deployment = argv[3];
    int n = atoi(argv[4]);
    azaudio_client *c = NULL;
    if (azaudio_client_create_from_env(NULL, &c) != AZAUDIO_OK) {
        fprintf(stderr, "bench: %s\n", azaudio_last_error());
        return 1;
    }
    double *times = calloc((size_t)n, sizeof *times);
    if (!strcmp(mode, "upload")) {
        const char *small = getenv("BENCH_SMALL_FILE");
        if (small && transcribe(c, small, deployment)) return 1; /* warm up: handles, connection, TLS */
        long baseline = status_kib("VmRSS:");
        for (int i = 0; i < n; i++) {
            double t0 = now_ms();
            if (transcribe(c, arg, deployment)) return 1;
            times[i] = now_ms() - t0;
        }
        printf("lib_upload_ms %.1f\n", median(times, n));
        printf("lib_peak_rss_above_baseline_kib %ld\n", status_kib("VmHWM:") - baseline);
    } else if (!strcmp(mode, "ttfb")) {
        azaudio_speech_options o;
        azaudio_speech_options_init(&o);
        o.deployment = deployment;
        o.response_format = "pcm";
        double *totals = calloc((size_t)n, sizeof *totals);
        for (int i = -1; i < n; i++) { /* run -1 warms up */
            ttfb_state s = {now_ms(), 0};
            if (azaudio_speak(c, arg, &o, on_audio, &s) != AZAUDIO_OK) {
                fprintf(stderr, "bench: %s\n", azaudio_last_error());
                return 1;
            }
            if (i >= 0) {
                times[i] = s.first - s.start;
                totals[i] = now_ms() - s.start;
            }
        }
        printf("lib_ttfb_ms %.2f\n", median(times, n));
        printf("lib_total_ms %.2f\n", median(totals, n));
        free(totals);
    } else if (!strcmp(mode, "many")) {
        double t0 = now_ms();
        for (int i = 0; i < n; i++)
            if (transcribe(c, arg, deployment)) return 1;
        printf("lib_many_total_ms %.1f\n", now_ms() - t0);
    }
    free(times);
    azaudio_client_destroy(c);
    return 0;
}
