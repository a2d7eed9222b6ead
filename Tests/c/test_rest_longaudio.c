/* Audio of any length: a recording over the upload limit is cut at pauses, sent in pieces and merged
 * (run under azaudio-emulator-run; the emulator refuses audio over 10 s, so every piece must be shorter). The
 * limit is lowered with max_upload_bytes so that a 37-second recording needs several pieces and the suite stays
 * fast; `make bench` runs the hour-long case.
 * emulator-options: --max-audio-seconds 10 */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"
#include "longaudio_support.h"

#include <math.h>
#include <stdint.h>

#define PHRASES 6
static la_phrase phrases[PHRASES];
static double total_seconds;
static char long_wav[128], long_mp3[128], long_flac[128], journal_dir[128];

/* Speaks each phrase with the emulator's TTS and places it at its time in one recording with low noise between. */
static void make_recording(void) {
    la_short_phrases(phrases);
    total_seconds = phrases[PHRASES - 1].at + 6.0;
    la_make_recording(long_wav, phrases, PHRASES, total_seconds);
}

/* Pieces of at most 8 s of 24 kHz 16-bit audio. */
static azaudio_transcription_options long_options(const char *format) { return la_whisper_options(format, 400000); }

static int transcription_requests(void) { return emulator_log_count("/audio/transcriptions"); }

/* Every phrase has a cue starting within 0.5 s of where its speech starts; the cues are numbered from 1. */
static void check_phrases_in_srt(const char *srt) {
    double starts[64];
    int n = la_srt_starts(srt, starts, 64);
    CHECK(n >= PHRASES);
    CHECK(!strncmp(srt, "1\n", 2));
    int misses = la_srt_misses(srt, phrases, PHRASES);
    if (misses) fprintf(stderr, "%s\n", srt);
    CHECK(misses == 0);
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
        CHECK(last > phrases[PHRASES - 1].at);
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
        CHECK(end < phrases[PHRASES - 1].at);
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
    if (t) CHECK(la_srt_starts(azaudio_transcript_text(t), (double[64]){0}, 64) >= PHRASES);
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

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
