/* Long-audio benchmark: a generated recording (tone bursts separated by pauses, 16 kHz mono WAV) transcribed in
 * pieces against bench/longaudio/fake_service.py, with 4 pieces at once and then one at a time (the sequential
 * upload of the same pieces). Prints wall times, their ratio, peak RSS and CPU per audio hour.
 *
 *   bench_longaudio ENDPOINT MINUTES     (run.sh starts the fake service and passes its endpoint)
 */
#define _GNU_SOURCE
#include <azaudio.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define RATE 16000

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

/* Writes `minutes` of "speech" (2.5 s tone bursts with a little noise) and 0.7 s pauses, a block at a time. */
static void write_recording(const char *path, double minutes) {
    FILE *f = fopen(path, "wb");
    uint32_t frames = (uint32_t)(minutes * 60 * RATE), data = frames * 2, riff = data + 36, rate = RATE;
    uint32_t byte_rate = RATE * 2, fmt_len = 16;
    uint16_t pcm = 1, channels = 1, align = 2, bits = 16;
    fwrite("RIFF", 1, 4, f);
    fwrite(&riff, 4, 1, f);
    fwrite("WAVEfmt ", 1, 8, f);
    fwrite(&fmt_len, 4, 1, f);
    fwrite(&pcm, 2, 1, f);
    fwrite(&channels, 2, 1, f);
    fwrite(&rate, 4, 1, f);
    fwrite(&byte_rate, 4, 1, f);
    fwrite(&align, 2, 1, f);
    fwrite(&bits, 2, 1, f);
    fwrite("data", 1, 4, f);
    fwrite(&data, 4, 1, f);
    int16_t block[RATE];
    srand(3);
    for (uint32_t at = 0; at < frames;) {
        uint32_t n = frames - at < RATE ? frames - at : RATE;
        for (uint32_t i = 0; i < n; i++) {
            double t = (double)(at + i) / RATE, phase = fmod(t, 3.2);
            double v = phase < 2.5 ? 6000 * sin(2 * M_PI * (180 + 40 * sin(t)) * t) : 0;
            block[i] = (int16_t)(v + rand() % 41 - 20);
        }
        fwrite(block, 2, n, f);
        at += n;
    }
    fclose(f);
}

static double run(azaudio_client *c, const char *path, int concurrency, int *pieces) {
    azaudio_transcription_options o;
    azaudio_transcription_options_init(&o);
    o.deployment = "whisper";
    o.max_concurrent_pieces = concurrency;
    azaudio_transcript *t = NULL;
    double start = now();
    if (azaudio_transcribe_file(c, path, &o, &t) != AZAUDIO_OK) {
        fprintf(stderr, "transcription failed: %s\n", azaudio_last_error());
        exit(1);
    }
    double wall = now() - start;
    const char *text = azaudio_transcript_text(t);
    *pieces = 0;
    for (const char *p = strstr(text, "piece of"); p; p = strstr(p + 1, "piece of")) (*pieces)++;
    azaudio_transcript_free(t);
    return wall;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_longaudio ENDPOINT MINUTES\n");
        return 2;
    }
    double minutes = atof(argv[2]);
    char path[128];
    snprintf(path, sizeof path, "/tmp/azaudio_bench_long_%ld.wav", (long)getpid());
    write_recording(path, minutes);
    azaudio_client_options co;
    azaudio_client_options_init(&co);
    co.endpoint = argv[1];
    co.api_key = "bench";
    azaudio_client *c = NULL;
    if (azaudio_client_create(&co, &c) != AZAUDIO_OK) {
        fprintf(stderr, "%s\n", azaudio_last_error());
        return 1;
    }
    int pieces4 = 0, pieces1 = 0;
    double cpu0 = cpu_seconds();
    double wall4 = run(c, path, 4, &pieces4);
    double cpu4 = cpu_seconds() - cpu0;
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    double wall1 = run(c, path, 1, &pieces1);
    printf("long audio: %.0f min of 16 kHz mono WAV, %d pieces\n", minutes, pieces4);
    printf("  wall, 4 pieces at once:  %.1f s\n", wall4);
    printf("  wall, one at a time:     %.1f s\n", wall1);
    printf("  ratio:                   %.2f (target <= 0.35)\n", wall4 / wall1);
    printf("  peak RSS:                %.1f MiB (target <= 64)\n", u.ru_maxrss / 1024.0);
    printf("  CPU (decode, detect, encode, upload) per audio hour: %.1f s\n", cpu4 / (minutes / 60));
    azaudio_client_destroy(c);
    remove(path);
    return pieces1 == pieces4 ? 0 : 1;
}
