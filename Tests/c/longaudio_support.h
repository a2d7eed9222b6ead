/* Helpers of the audio-of-any-length tests: recordings of known phrases at known times, spoken by the emulator's
 * TTS voices, and checks of merged SRT and diarized results against them. Include after check.h and
 * rest_support.h. */
#ifndef AZAUDIO_LONGAUDIO_SUPPORT_H
#define AZAUDIO_LONGAUDIO_SUPPORT_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LA_RATE 24000

/* One phrase of a test recording: what is said, by which voice, where it is placed (seconds); la_make_recording
 * fills where its speech really starts and ends (the clip's leading and trailing silence left out). */
typedef struct {
    const char *text;
    const char *voice;
    double at;
    double onset, end;
} la_phrase;

/* Fills the six phrases of the 37-second recording of the piece tests: two voices (alloy, echo), about 6 s apart. */
static inline void la_short_phrases(la_phrase out[6]) {
    static const la_phrase six[6] = {
        {"The quick brown fox jumps over the lazy dog.", "alloy", 0.8, 0, 0},
        {"One two three four five.", "echo", 6.6, 0, 0},
        {"Hello world, this is a test.", "alloy", 13.0, 0, 0},
        {"Please call me back tomorrow morning.", "echo", 18.7, 0, 0},
        {"The weather is nice today.", "alloy", 25.0, 0, 0},
        {"Six seven eight nine ten.", "echo", 30.6, 0, 0},
    };
    memcpy(out, six, sizeof six);
}

/* Lays out a dialogue of `seconds`: sentences the emulator's recogniser hears well, in turn, spoken alternately by
 * onyx (low) and shimmer (high), 5.6 to 7 s apart (pauses of 2 to 4 s), from 0.8 s to 6 s before the end. Returns
 * how many phrases (at most `cap`). */
static inline int la_dialogue(la_phrase *phrases, int cap, double seconds) {
    static const char *const sentences[11] = {
        "The quick brown fox jumps over the lazy dog.",
        "One two three four five.",
        "Hello world, this is a test.",
        "Please call me back tomorrow morning.",
        "The weather is nice today.",
        "Six seven eight nine ten.",
        "I would like to order a pizza.",
        "The meeting starts at nine.",
        "Thank you for calling.",
        "We will ship the package on Monday.",
        "Can you hear me now?",
    };
    int count = 0;
    for (double at = 0.8; at + 6 < seconds && count < cap; count++) {
        phrases[count] = (la_phrase){sentences[count % 11], count % 2 ? "shimmer" : "onyx", at, 0, 0};
        at += 5.6 + (count % 3) * 0.7;
    }
    return count;
}

/* Options of a whisper transcription cut into pieces of at most `max_upload_bytes`. */
static inline azaudio_transcription_options la_whisper_options(const char *format, int64_t max_upload_bytes) {
    azaudio_transcription_options o;
    azaudio_transcription_options_init(&o);
    o.deployment = "whisper";
    o.response_format = format;
    o.max_upload_bytes = max_upload_bytes;
    return o;
}

/* The 16-bit mono samples of a WAV file (free them); the rate in *rate. */
static inline int16_t *la_wav_samples(const char *path, size_t *count, int *rate) {
    size_t size = 0;
    unsigned char *b = read_file(path, &size);
    if (!b) return NULL;
    size_t at = 12;
    int16_t *out = NULL;
    while (at + 8 <= size) {
        uint32_t len = b[at + 4] | b[at + 5] << 8 | b[at + 6] << 16 | (uint32_t)b[at + 7] << 24;
        if (!memcmp(b + at, "fmt ", 4)) *rate = (int)(b[at + 12] | b[at + 13] << 8 | b[at + 14] << 16);
        if (!memcmp(b + at, "data", 4)) {
            if (len > size - at - 8) len = (uint32_t)(size - at - 8);
            *count = len / 2;
            out = malloc(len + 2);
            memcpy(out, b + at + 8, len);
            break;
        }
        at += 8 + len + (len & 1);
    }
    free(b);
    return out;
}

/* Writes 24 kHz mono 16-bit samples as a WAV file (through the library's own writer). */
static inline void la_write_wav(const char *path, const int16_t *samples, size_t count) {
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    info.sample_rate = LA_RATE;
    if (azaudio_wav_write_file(path, &info, (const uint8_t *)samples, count * 2) != AZAUDIO_OK) {
        fprintf(stderr, "setup: writing %s failed: %s\n", path, azaudio_last_error());
        exit(2);
    }
}

/* 24 kHz pcm16 speech of `text` in `voice` from the emulator's TTS (free it). */
static inline int16_t *la_speak(azaudio_client *c, const char *text, const char *voice, size_t *count) {
    uint8_t *data = NULL;
    size_t size = 0;
    if (!rest_speak_pcm(c, text, voice, &data, &size)) exit(2);
    *count = size / 2;
    return (int16_t *)data;
}

/* Speaks each phrase and places it at its time in one recording of `total_seconds` with a quiet line (not
 * silence) between; fills each phrase's onset and end. The samples in *out (free them), their count returned. */
static inline size_t la_make_samples(azaudio_client *c, la_phrase *phrases, int count, double total_seconds,
                                     int16_t **out) {
    size_t total = (size_t)(total_seconds * LA_RATE);
    int16_t *mix = calloc(total, sizeof *mix);
    srand(7);
    for (size_t i = 0; i < total; i++) mix[i] = (int16_t)(rand() % 21 - 10);
    for (int p = 0; p < count; p++) {
        size_t n = 0;
        int16_t *s = la_speak(c, phrases[p].text, phrases[p].voice, &n);
        size_t at = (size_t)(phrases[p].at * LA_RATE), first = n, last = 0;
        for (size_t i = 0; i < n; i++) {
            if (abs(s[i]) > 1000) {
                if (first == n) first = i;
                last = i;
            }
            if (at + i < total) mix[at + i] = s[i];
        }
        phrases[p].onset = phrases[p].at + (double)first / LA_RATE;
        phrases[p].end = phrases[p].at + (double)last / LA_RATE;
        free(s);
    }
    *out = mix;
    return total;
}

static inline void la_make_recording(const char *path, la_phrase *phrases, int count, double total_seconds) {
    azaudio_client *c = rest_client();
    int16_t *mix = NULL;
    size_t total = la_make_samples(c, phrases, count, total_seconds, &mix);
    la_write_wav(path, mix, total);
    free(mix);
    azaudio_client_destroy(c);
}

/* Parses "HH:MM:SS,mmm --> " starts of an SRT body into starts[]; returns how many. */
static inline int la_srt_starts(const char *srt, double *starts, int max) {
    int n = 0;
    for (const char *p = strstr(srt, " --> "); p && n < max; p = strstr(p + 5, " --> ")) {
        int h, m, s, ms;
        if (p - srt >= 12 && sscanf(p - 12, "%d:%d:%d,%d", &h, &m, &s, &ms) == 4)
            starts[n++] = h * 3600 + m * 60 + s + ms / 1000.0;
    }
    return n;
}

/* Phrases of an SRT body with no cue starting within 0.5 s of their onset (each printed). */
static inline int la_srt_misses(const char *srt, const la_phrase *phrases, int count) {
    int max = count * 4 + 16, misses = 0;
    double *starts = calloc((size_t)max, sizeof *starts);
    int n = la_srt_starts(srt, starts, max);
    for (int p = 0; p < count; p++) {
        int found = 0;
        for (int i = 0; i < n; i++) found |= fabs(starts[i] - phrases[p].onset) <= 0.5;
        if (!found) {
            fprintf(stderr, "  phrase %d (true onset %.2f s) has no cue within 0.5 s\n", p, phrases[p].onset);
            misses++;
        }
    }
    free(starts);
    return misses;
}

/* Checks a diarized result against the phrases: every phrase has a segment starting within 0.5 s of its onset,
 * and each voice has one label for the whole recording, different from the other voices'. Returns the number of
 * faults (each printed). */
static inline int la_speaker_faults(const azaudio_transcript *t, const la_phrase *phrases, int count) {
    const char *voices[8] = {0}, *labels[8] = {0};
    int nvoices = 0, faults = 0;
    size_t segments = azaudio_transcript_segment_count(t);
    for (int p = 0; p < count; p++) {
        const char *label = NULL;
        for (size_t i = 0; i < segments && !label; i++) {
            azaudio_segment s = {.struct_size = sizeof s};
            if (azaudio_transcript_segment_info(t, i, &s) == AZAUDIO_OK && fabs(s.start - phrases[p].onset) <= 0.5)
                label = s.speaker;
        }
        if (!label) {
            fprintf(stderr, "  phrase %d (onset %.2f s) has no segment within 0.5 s\n", p, phrases[p].onset);
            faults++;
            continue;
        }
        int v = 0;
        while (v < nvoices && strcmp(voices[v], phrases[p].voice)) v++;
        if (v == nvoices && nvoices < 8) {
            voices[nvoices] = phrases[p].voice;
            labels[nvoices++] = label;
        } else if (v < nvoices && strcmp(labels[v], label)) {
            fprintf(stderr, "  phrase %d: voice %s labelled %s, earlier %s\n", p, phrases[p].voice, label, labels[v]);
            faults++;
        }
    }
    for (int a = 0; a < nvoices; a++)
        for (int b = a + 1; b < nvoices; b++)
            if (!strcmp(labels[a], labels[b])) {
                fprintf(stderr, "  voices %s and %s share label %s\n", voices[a], voices[b], labels[a]);
                faults++;
            }
    return faults;
}

#endif
