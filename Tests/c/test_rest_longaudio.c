/* Audio of any length: a recording over the upload limit is cut at pauses, sent in pieces and merged
 * (run under azaudio-emulator-run; the emulator refuses audio over 10 s, so every piece must be shorter). The
 * limit is lowered with max_upload_bytes so that a 37-second recording needs several pieces and the suite stays
 * fast; `make bench` runs the hour-long case.
 * emulator-options: --max-audio-seconds 10 */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

#include <math.h>
#include <stdint.h>

#define RATE    24000
#define PHRASES 6
/* The phrases, their voices and where each is placed in the recording (seconds). */
static const char *phrase_text[PHRASES] = {
    "The quick brown fox jumps over the lazy dog.", "One two three four five.",   "Hello world, this is a test.",
    "Please call me back tomorrow morning.",        "The weather is nice today.", "Six seven eight nine ten.",
};
static const char *phrase_voice[PHRASES] = {"alloy", "echo", "alloy", "echo", "alloy", "echo"};
static const double phrase_at[PHRASES] = {0.8, 6.6, 13.0, 18.7, 25.0, 30.6};
/* Where speech really starts in the recording (the phrase's placement plus its clip's leading silence). */
static double speech_onset[PHRASES];
static double total_seconds;
static char long_wav[128], long_mp3[128], long_flac[128], journal_dir[128];

/* The 16-bit mono samples of a WAV file (free them); the rate in *rate. */
static int16_t *wav_samples(const char *path, size_t *count, int *rate) {
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

static void write_wav(const char *path, const int16_t *samples, size_t count) {
    FILE *f = fopen(path, "wb");
    uint32_t data = (uint32_t)(count * 2), riff = data + 36, rate = RATE, byte_rate = RATE * 2, fmt_len = 16;
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
    fwrite(samples, 2, count, f);
    fclose(f);
}

/* Speaks each phrase with the emulator's TTS and places it at its time in one recording with low noise between. */
static void make_recording(void) {
    azaudio_client *c = rest_client();
    total_seconds = phrase_at[PHRASES - 1] + 6.0;
    size_t total = (size_t)(total_seconds * RATE);
    int16_t *mix = calloc(total, sizeof *mix);
    srand(7);
    for (size_t i = 0; i < total; i++) mix[i] = (int16_t)(rand() % 21 - 10); /* a quiet line, not silence */
    for (int p = 0; p < PHRASES; p++) {
        char clip[128];
        snprintf(clip, sizeof clip, "/tmp/azaudio_longaudio_clip_%ld_%d.wav", (long)getpid(), p);
        azaudio_speech_options o;
        AZAUDIO_INIT(speech_options, &o);
        o.deployment = "tts";
        o.response_format = "wav";
        o.voice = phrase_voice[p];
        if (azaudio_speak_to_file(c, phrase_text[p], clip, &o) != AZAUDIO_OK) {
            fprintf(stderr, "setup: speaking phrase %d failed: %s\n", p, azaudio_last_error());
            exit(2);
        }
        size_t n = 0;
        int rate = 0;
        int16_t *s = wav_samples(clip, &n, &rate);
        remove(clip);
        if (!s || rate != RATE) {
            fprintf(stderr, "setup: the TTS WAV is not %d Hz\n", RATE);
            exit(2);
        }
        size_t at = (size_t)(phrase_at[p] * RATE), first = n;
        for (size_t i = 0; i < n; i++) {
            if (first == n && abs(s[i]) > 1000) first = i;
            if (at + i < total) mix[at + i] = s[i];
        }
        speech_onset[p] = phrase_at[p] + (double)first / RATE;
        free(s);
    }
    write_wav(long_wav, mix, total);
    free(mix);
    azaudio_client_destroy(c);
}

static azaudio_transcription_options long_options(const char *format) {
    azaudio_transcription_options o;
    AZAUDIO_INIT(transcription_options, &o);
    o.deployment = "whisper";
    o.response_format = format;
    o.max_upload_bytes = 400000; /* 8 s of 24 kHz 16-bit audio per piece at most */
    return o;
}

static int transcription_requests(void) { return emulator_log_count("/audio/transcriptions"); }

/* Parses "HH:MM:SS,mmm --> " starts of an SRT body into starts[]; returns how many. */
static int srt_starts(const char *srt, double *starts, int max) {
    int n = 0;
    for (const char *p = strstr(srt, " --> "); p && n < max; p = strstr(p + 5, " --> ")) {
        int h, m, s, ms;
        if (p - srt >= 12 && sscanf(p - 12, "%d:%d:%d,%d", &h, &m, &s, &ms) == 4)
            starts[n++] = h * 3600 + m * 60 + s + ms / 1000.0;
    }
    return n;
}

/* Every phrase has a cue starting within 0.5 s of where its speech starts; the cues are numbered from 1. */
static void check_phrases_in_srt(const char *srt) {
    double starts[64];
    int n = srt_starts(srt, starts, 64);
    CHECK(n >= PHRASES);
    CHECK(!strncmp(srt, "1\n", 2));
    for (int p = 0; p < PHRASES; p++) {
        int found = 0;
        for (int i = 0; i < n; i++) found |= fabs(starts[i] - speech_onset[p]) <= 0.5;
        if (!found)
            fprintf(stderr, "  phrase %d (true onset %.2f s) has no cue within 0.5 s\n%s\n", p, speech_onset[p], srt);
        CHECK(found);
    }
    char numbered[16];
    snprintf(numbered, sizeof numbered, "\n\n%d\n", n);
    CHECK_STR_CONTAINS(srt, numbered);
}

typedef struct {
    int stop_after;
    int last_done, last_total, calls;
    double seconds_done, seconds_total;
} progress_log;

static int32_t on_pieces(int32_t done, int32_t total, double seconds_done, double seconds_total, void *user) {
    progress_log *p = user;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    p->seconds_done = seconds_done;
    p->seconds_total = seconds_total;
    return p->stop_after > 0 && done >= p->stop_after ? 1 : 0;
}

TEST(recording_over_the_limit_is_sent_in_pieces_and_the_merged_srt_has_every_phrase_in_time) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("srt");
    progress_log progress = {0};
    o.on_pieces_progress = on_pieces;
    o.pieces_progress_user_data = &progress;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_OK);
    int pieces = transcription_requests();
    CHECK(pieces >= 4);
    /* every piece is under the limit */
    char *log = emulator_requests();
    for (const char *p = strstr(log, "\"bytes\": "); p; p = strstr(p + 1, "\"bytes\": ")) CHECK(atol(p + 9) < 400000);
    CHECK_STR_CONTAINS(log, "\"content_type\": \"audio/flac\"");
    free(log);
    if (t) check_phrases_in_srt(azaudio_transcript_text(t));
    /* progress: once at the start and once per piece, ending with everything done */
    CHECK(progress.calls == progress.last_total + 1);
    CHECK(progress.last_done == progress.last_total && progress.last_total == pieces);
    CHECK(fabs(progress.seconds_done - total_seconds) < 0.05 && fabs(progress.seconds_total - total_seconds) < 0.05);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(merged_verbose_json_has_words_on_the_whole_timeline) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("verbose_json");
    o.timestamp_granularities = AZAUDIO_TIMESTAMP_WORD | AZAUDIO_TIMESTAMP_SEGMENT;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_OK);
    if (t) {
        CHECK(fabs(azaudio_transcript_duration(t) - total_seconds) < 0.1);
        size_t words = azaudio_transcript_word_count(t);
        CHECK(words >= 12);
        double last = -1, start = 0, end = 0;
        for (size_t i = 0; i < words; i++) {
            azaudio_transcript_word(t, i, &start, &end, NULL);
            CHECK(start >= last - 0.01);
            last = start;
        }
        CHECK(last > phrase_at[PHRASES - 1]);
        size_t segments = azaudio_transcript_segment_count(t);
        CHECK(segments >= PHRASES);
    }
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(mp3_and_flac_recordings_are_decoded_and_cut) {
    const char *inputs[2] = {long_mp3, long_flac};
    const char *names[2] = {"mp3", "flac"};
    azaudio_client *c = rest_client();
    for (int i = 0; i < 2; i++) {
        emulator_reset();
        azaudio_transcription_options o = long_options("text");
        o.max_piece_seconds = 8; /* the compressed files may be under the byte limit: the duration ceiling cuts */
        azaudio_transcript *t = NULL;
        CHECK_RESULT(azaudio_transcribe_file(c, inputs[i], &o, &t), AZAUDIO_OK);
        int pieces = transcription_requests();
        if (pieces < 4) fprintf(stderr, "  %s: only %d pieces\n", names[i], pieces);
        CHECK(pieces >= 4);
        if (t) CHECK(strlen(azaudio_transcript_text(t)) > 40);
        azaudio_transcript_free(t);
    }
    azaudio_client_destroy(c);
}

TEST(a_429_storm_slows_the_job_and_loses_nothing) {
    azaudio_client *c = rest_client();
    emulator_reset();
    azaudio_transcription_options o = long_options("srt");
    azaudio_transcript *stormy = NULL;
    CHECK(emulator_fault("{\"kind\":\"status\",\"status\":429,\"count\":8,\"retry_after\":0.3,"
                         "\"match\":\"audio/transcriptions\"}"));
    o.max_retries = 0; /* 429s are the job's business, not a per-piece retry */
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &stormy), AZAUDIO_OK);
    CHECK(transcription_requests() >= 8 + 4);
    if (stormy) check_phrases_in_srt(azaudio_transcript_text(stormy));
    azaudio_transcript_free(stormy);
    azaudio_client_destroy(c);
}

TEST(stopping_mid_job_fails_cancelled_and_keeps_the_finished_pieces_as_a_partial_result) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("verbose_json");
    o.timestamp_granularities = AZAUDIO_TIMESTAMP_SEGMENT;
    o.max_concurrent_pieces = 1;
    progress_log log = {.stop_after = 2};
    azaudio_transcript *partial = NULL, *t = NULL;
    o.on_pieces_progress = on_pieces;
    o.pieces_progress_user_data = &log;
    o.out_partial = &partial;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_ERR_CANCELLED);
    CHECK(t == NULL);
    CHECK(transcription_requests() == 2);
    CHECK(partial != NULL);
    if (partial) {
        CHECK(azaudio_transcript_segment_count(partial) >= 1);
        double start = 0, end = 0;
        azaudio_transcript_segment(partial, azaudio_transcript_segment_count(partial) - 1, &start, &end, NULL);
        CHECK(end < phrase_at[PHRASES - 1]);
    }
    azaudio_transcript_free(partial);
    azaudio_client_destroy(c);
}

TEST(a_job_started_again_with_a_journal_sends_no_finished_piece_again) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("srt");
    o.journal_dir = journal_dir;
    o.max_concurrent_pieces = 1;
    progress_log first = {.stop_after = 2};
    o.on_pieces_progress = on_pieces;
    o.pieces_progress_user_data = &first;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_ERR_CANCELLED);
    CHECK(transcription_requests() == 2);
    char *before = emulator_requests();
    emulator_reset();
    progress_log second = {0};
    o.pieces_progress_user_data = &second;
    CHECK_RESULT(azaudio_transcribe_file(c, long_wav, &o, &t), AZAUDIO_OK);
    CHECK(transcription_requests() == second.last_total - 2);
    /* no piece's audio went twice */
    char *after = emulator_requests();
    for (const char *p = strstr(after, "\"sha256\": \""); p; p = strstr(p + 1, "\"sha256\": \"")) {
        char hash[80];
        snprintf(hash, sizeof hash, "%.75s", p);
        CHECK(strstr(before, hash) == NULL);
    }
    free(before);
    free(after);
    if (t) CHECK(srt_starts(azaudio_transcript_text(t), (double[64]){0}, 64) >= PHRASES);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(a_small_file_is_sent_whole_as_before) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("json");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    CHECK(transcription_requests() == 1);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"filename\": \"azaudio_rest_test_speech_");
    free(log);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(a_large_file_that_cannot_be_decoded_fails_saying_how_to_convert_it) {
    char path[128];
    snprintf(path, sizeof path, "/tmp/azaudio_longaudio_%ld.m4a", (long)getpid());
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 500000; i++) fputc(i * 7, f);
    fclose(f);
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = long_options("json");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, path, &o, &t), AZAUDIO_ERR_PAYLOAD_TOO_LARGE);
    CHECK_STR_CONTAINS(azaudio_last_error(), "convert it to WAV, FLAC, MP3 or Ogg");
    remove(path);
    azaudio_client_destroy(c);
}

TEST(a_translation_of_audio_in_memory_over_the_limit_is_cut_too) {
    emulator_reset();
    azaudio_client *c = rest_client();
    size_t size = 0;
    unsigned char *audio = read_file(long_wav, &size);
    azaudio_translation_options o;
    AZAUDIO_INIT(translation_options, &o);
    o.deployment = "whisper";
    o.response_format = "text";
    o.max_upload_bytes = 400000;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_translate_memory(c, audio, size, "meeting.wav", &o, &t), AZAUDIO_OK);
    CHECK(emulator_log_count("/audio/translations") >= 4);
    if (t) CHECK(strlen(azaudio_transcript_text(t)) > 40);
    azaudio_transcript_free(t);
    free(audio);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    long pid = (long)getpid();
    snprintf(long_wav, sizeof long_wav, "/tmp/azaudio_longaudio_%ld.wav", pid);
    snprintf(long_mp3, sizeof long_mp3, "/tmp/azaudio_longaudio_%ld.mp3", pid);
    snprintf(long_flac, sizeof long_flac, "/tmp/azaudio_longaudio_%ld.flac", pid);
    snprintf(journal_dir, sizeof journal_dir, "/tmp/azaudio_longaudio_journal_%ld", pid);
    make_recording();
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ffmpeg -loglevel error -y -i %s -b:a 48k %s && ffmpeg -loglevel error -y -i %s %s",
             long_wav, long_mp3, long_wav, long_flac);
    if (system(cmd) != 0) {
        fprintf(stderr, "setup: ffmpeg failed\n");
        return 2;
    }
    RUN(recording_over_the_limit_is_sent_in_pieces_and_the_merged_srt_has_every_phrase_in_time);
    RUN(merged_verbose_json_has_words_on_the_whole_timeline);
    RUN(mp3_and_flac_recordings_are_decoded_and_cut);
    RUN(a_429_storm_slows_the_job_and_loses_nothing);
    RUN(stopping_mid_job_fails_cancelled_and_keeps_the_finished_pieces_as_a_partial_result);
    RUN(a_job_started_again_with_a_journal_sends_no_finished_piece_again);
    RUN(a_small_file_is_sent_whole_as_before);
    RUN(a_large_file_that_cannot_be_decoded_fails_saying_how_to_convert_it);
    RUN(a_translation_of_audio_in_memory_over_the_limit_is_cut_too);
    remove(long_wav);
    remove(long_mp3);
    remove(long_flac);
    snprintf(cmd, sizeof cmd, "rm -rf %s", journal_dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", journal_dir);
    rest_teardown();
    return check_summary();
}
