/* The long-audio acceptance run (`make test-longaudio`, part of `make test`; the 2.5-minute cases are
 * Tests/c/test_rest_longaudio_speakers.c):
 * a generated recording of MINUTES (default 60) with known phrases at known times in two voices (the emulator's
 * low onyx and high shimmer, with pauses of 2-4 s) goes through the library in pieces against the emulator:
 *   - whisper, srt: every phrase has a cue within 0.5 s of its true onset, every piece under the limit;
 *   - gpt-4o-transcribe-diarize, diarized_json: every phrase has a segment within 0.5 s and each voice keeps one
 *     label across every piece.
 * The recording repeats 22 synthesized clips (11 sentences in both voices), so it is written in seconds; the
 * emulator recognises uploads past a minute utterance by utterance and recognises a repeated utterance once (it is
 * never told the phrases: every word and time comes from the uploaded audio). The recording is cached in
 * build/bench (its phrase times beside it). Run under azaudio-emulator-run:
 *   emulator/.venv/bin/azaudio-emulator-run -- build/bench/longaudio_acceptance [MINUTES]
 * Prints the figures and exits 1 when a check fails. */
#define _GNU_SOURCE
#include "rest_support.h"
#include "longaudio_support.h"

#include <sys/stat.h>

/* Writes the recording phrase by phrase (never whole in memory) and the phrase times beside it. */
static int generate(const char *wav, const char *times, la_phrase *phrases, int count, double total_seconds) {
    azaudio_client *c = rest_client();
    int16_t *clips[22] = {0};
    size_t sizes[22] = {0};
    size_t firsts[22] = {0}, lasts[22] = {0};
    for (int k = 0; k < 22; k++) {
        clips[k] = la_speak(c, phrases[k].text, phrases[k].voice, &sizes[k]);
        firsts[k] = sizes[k];
        for (size_t i = 0; i < sizes[k]; i++)
            if (abs(clips[k][i]) > 1000) {
                if (firsts[k] == sizes[k]) firsts[k] = i;
                lasts[k] = i;
            }
    }
    azaudio_client_destroy(c);
    size_t total = (size_t)(total_seconds * LA_RATE);
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    info.sample_rate = LA_RATE;
    uint8_t header[AZAUDIO_WAV_HEADER_SIZE];
    if (azaudio_wav_header(&info, total * 2, header, sizeof header) != AZAUDIO_OK) return -1;
    FILE *f = fopen(wav, "wb"), *t = fopen(times, "w");
    if (!f || !t) return -1;
    fwrite(header, 1, sizeof header, f);
    srand(7);
    size_t at = 0;
    for (int p = 0; p <= count; p++) {
        size_t until = p < count ? (size_t)(phrases[p].at * LA_RATE) : total;
        int16_t noise[4096];
        while (at < until) {
            size_t n = until - at < 4096 ? until - at : 4096;
            for (size_t i = 0; i < n; i++) noise[i] = (int16_t)(rand() % 21 - 10);
            fwrite(noise, 2, n, f);
            at += n;
        }
        if (p == count) break;
        int k = p % 22; /* phrase p says what phrase p % 22 says, in the same voice */
        fwrite(clips[k], 2, sizes[k], f);
        at += sizes[k];
        phrases[p].onset = phrases[p].at + (double)firsts[k] / LA_RATE;
        phrases[p].end = phrases[p].at + (double)lasts[k] / LA_RATE;
        fprintf(t, "%.4f %.4f %s\n", phrases[p].onset, phrases[p].end, phrases[p].voice);
    }
    for (int k = 0; k < 22; k++) free(clips[k]);
    fclose(t);
    return fclose(f);
}

int main(int argc, char **argv) {
    int minutes = argc > 1 ? atoi(argv[1]) : 60;
    if (minutes < 3 || minutes > 600) { /* 3 minutes hold every sentence in both voices */
        fprintf(stderr, "usage: longaudio_acceptance [MINUTES 3-600]\n");
        return 2;
    }
    rest_setup();
    int cap = minutes * 12 + 16;
    la_phrase *phrases = calloc((size_t)cap, sizeof *phrases);
    int count = la_dialogue(phrases, cap, minutes * 60.0);
    double total_seconds = minutes * 60.0;
    char wav[256], times[256];
    mkdir("build", 0755);
    mkdir("build/bench", 0755);
    snprintf(wav, sizeof wav, "build/bench/longaudio-acceptance-%dmin.wav", minutes);
    snprintf(times, sizeof times, "build/bench/longaudio-acceptance-%dmin.times", minutes);
    FILE *cached = fopen(times, "r");
    int have = 0;
    if (cached) {
        for (; have < count; have++)
            if (fscanf(cached, "%lf %lf %*s", &phrases[have].onset, &phrases[have].end) != 2) break;
        fclose(cached);
    }
    struct stat st;
    if (have != count || stat(wav, &st) != 0) {
        printf("generating a %d-minute two-voice recording (%d phrases) in %s\n", minutes, count, wav);
        double began = now_seconds();
        if (generate(wav, times, phrases, count, total_seconds) != 0) {
            fprintf(stderr, "generating %s failed\n", wav);
            return 2;
        }
        printf("generated in %.1f s\n", now_seconds() - began);
    }
    azaudio_client *c = rest_client();
    int failed = 0;

    /* whisper, srt: 4 MB pieces, 44 of them for an hour (the 25 MB default would give 7 pieces of about 9 minutes) */
    azaudio_transcription_options o;
    azaudio_transcription_options_init(&o);
    o.deployment = "whisper";
    o.response_format = "srt";
    o.max_upload_bytes = 4 * 1024 * 1024;
    azaudio_transcript *t = NULL;
    emulator_reset();
    double start = now_seconds();
    azaudio_result rc = azaudio_transcribe_file(c, wav, &o, &t);
    double took = now_seconds() - start;
    int pieces = emulator_log_count("/audio/transcriptions"), misses = -1;
    char *log = emulator_requests();
    long largest = 0;
    for (const char *p = strstr(log, "\"bytes\": "); p; p = strstr(p + 1, "\"bytes\": "))
        if (atol(p + 9) > largest) largest = atol(p + 9);
    free(log);
    if (rc == AZAUDIO_OK) misses = la_srt_misses(azaudio_transcript_text(t), phrases, count);
    printf("srt:      %d phrases, %d pieces (largest upload %ld bytes, limit %lld), %d phrases off by > 0.5 s, "
           "%.1f s\n",
           count, pieces, largest, (long long)o.max_upload_bytes, misses, took);
    if (rc != AZAUDIO_OK) printf("  failed: %s\n", azaudio_last_error());
    failed |= rc != AZAUDIO_OK || misses != 0 || largest >= o.max_upload_bytes;
    azaudio_transcript_free(t);

    /* diarized: pieces of at most 5 minutes, 1 in a short run (chunking "auto", as the service wants for audio over
     * 30 s) */
    azaudio_transcription_options_init(&o);
    o.deployment = "gpt-4o-transcribe-diarize";
    o.response_format = "diarized_json";
    o.chunking_strategy = "auto";
    o.max_piece_seconds = minutes > 10 ? 300 : 60; /* the short smoke run still needs several pieces */
    t = NULL;
    emulator_reset();
    start = now_seconds();
    rc = azaudio_transcribe_file(c, wav, &o, &t);
    took = now_seconds() - start;
    pieces = emulator_log_count("/audio/transcriptions");
    int faults = rc == AZAUDIO_OK ? la_speaker_faults(t, phrases, count) : -1;
    printf("diarized: %d pieces, %d speaker or timing faults, %.1f s\n", pieces, faults, took);
    if (rc != AZAUDIO_OK) printf("  failed: %s\n", azaudio_last_error());
    failed |= rc != AZAUDIO_OK || faults != 0;
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
    free(phrases);
    rest_teardown();
    printf("acceptance: %s\n", failed ? "FAILED" : "passed");
    return failed ? 1 : 0;
}
