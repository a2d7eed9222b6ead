/* Speech to text and translation against the emulator: what each input, format and model gives back
 * (run under azaudio-emulator-run). */
#define _GNU_SOURCE
#include "transcribe_support.h"

/* ---- capabilities ---- */

TEST(transcribes_a_file_with_whisper) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    CHECK(t && strlen(azaudio_transcript_text(t)) > 0);
    CHECK(azaudio_transcript_http_status(t) == 200);
    CHECK(strlen(azaudio_transcript_request_id(t)) > 0);
    size_t n = 0;
    CHECK_STR_CONTAINS(azaudio_transcript_raw_body(t, &n), "\"text\"");
    CHECK(n > 0);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "/openai/deployments/whisper/audio/transcriptions");
    CHECK_STR_CONTAINS(log, "\"filename\": \"azaudio_rest_test_speech_");
    CHECK_STR_CONTAINS(log, "\"content_type\": \"audio/wav\"");
    free(log);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(transcribes_memory_with_a_filename) {
    azaudio_client *c = rest_client();
    size_t size = 0;
    unsigned char *audio = read_file(rest_speech_wav, &size);
    azaudio_transcription_options o = stt("gpt-4o-mini-transcribe");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_memory(c, audio, size, "clip.wav", &o, &t), AZAUDIO_OK);
    CHECK(t && strlen(azaudio_transcript_text(t)) > 0);
    azaudio_transcript_free(t);
    free(audio);
    azaudio_client_destroy(c);
}
TEST(transcribes_audio_from_a_read_callback) {
    azaudio_client *c = rest_client();
    size_t size = 0;
    unsigned char *audio = read_file(rest_speech_wav, &size);
    feeder f = {audio, size, 0, 4096, 0, 0};
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_callback(c, "live.wav", &o, &t, feed, &f), AZAUDIO_OK);
    CHECK(f.offset == size);
    CHECK(f.calls > 2);
    CHECK(t && strlen(azaudio_transcript_text(t)) > 0);
    azaudio_transcript_free(t);
    free(audio);
    azaudio_client_destroy(c);
}

TEST(verbose_json_gives_language_duration_segments_and_words) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("whisper");
    o.response_format = "verbose_json";
    o.timestamp_granularities = AZAUDIO_TIMESTAMP_SEGMENT | AZAUDIO_TIMESTAMP_WORD;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    if (t) {
        CHECK(strlen(azaudio_transcript_language(t)) > 0);
        CHECK(azaudio_transcript_duration(t) > 0.5);
        CHECK(azaudio_transcript_segment_count(t) >= 1);
        CHECK(azaudio_transcript_word_count(t) >= 1);
        double start = -1, end = -1;
        const char *text = NULL;
        CHECK_RESULT(azaudio_transcript_segment(t, 0, &start, &end, &text), AZAUDIO_OK);
        CHECK(start >= 0 && end >= start && text != NULL);
        CHECK_RESULT(azaudio_transcript_word(t, 0, &start, &end, &text), AZAUDIO_OK);
        CHECK(text && strlen(text) > 0 && end >= start);
        CHECK_RESULT(azaudio_transcript_word(t, azaudio_transcript_word_count(t), NULL, NULL, NULL),
                     AZAUDIO_ERR_INVALID_ARGUMENT);
    }
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(text_srt_and_vtt_come_back_raw) {
    azaudio_client *c = rest_client();
    const char *formats[] = {"text", "srt", "vtt"};
    for (int i = 0; i < 3; i++) {
        azaudio_transcription_options o = stt("whisper");
        o.response_format = formats[i];
        azaudio_transcript *t = NULL;
        CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
        if (!t) continue;
        size_t n = 0;
        CHECK(strcmp(azaudio_transcript_text(t), azaudio_transcript_raw_body(t, &n)) == 0);
        if (i == 1) CHECK_STR_CONTAINS(azaudio_transcript_text(t), "-->");
        if (i == 2) CHECK_STR_CONTAINS(azaudio_transcript_text(t), "WEBVTT");
        CHECK(azaudio_transcript_duration(t) < 0);
        azaudio_transcript_free(t);
    }
    azaudio_client_destroy(c);
}

typedef struct {
    char text[4096];
    int count;
} deltas;

static int32_t on_delta(const char *text, size_t length, void *user) {
    deltas *d = user;
    d->count++;
    if (strlen(d->text) + length < sizeof d->text) strncat(d->text, text, length);
    return 0;
}

TEST(streamed_transcription_delivers_deltas_and_the_final_text) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("gpt-4o-transcribe");
    deltas d = {{0}, 0};
    o.stream = 1;
    o.on_delta = on_delta;
    o.delta_user_data = &d;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    CHECK(d.count >= 1);
    if (t) {
        CHECK(strlen(azaudio_transcript_text(t)) > 0);
        CHECK(strcmp(azaudio_transcript_text(t), d.text) == 0);
        azaudio_usage u;
        u.struct_size = sizeof u;
        CHECK_RESULT(azaudio_transcript_usage(t, &u), AZAUDIO_OK);
    }
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(logprobs_and_usage_with_gpt_4o_transcribe) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = stt("gpt-4o-transcribe");
    o.include_logprobs = 1;
    o.language = "en";
    o.prompt = "A sentence about a fox.";
    o.temperature = 0.2;
    o.chunking_strategy = "auto";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    if (t) {
        CHECK(azaudio_transcript_logprob_count(t) > 0);
        azaudio_usage u;
        u.struct_size = sizeof u;
        CHECK_RESULT(azaudio_transcript_usage(t, &u), AZAUDIO_OK);
        CHECK(strlen(u.type) > 0);
    }
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(translates_a_file_and_memory) {
    azaudio_client *c = rest_client();
    azaudio_translation_options o;
    AZAUDIO_INIT(translation_options, &o);
    o.deployment = "whisper";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_translate_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    CHECK(t && strlen(azaudio_transcript_text(t)) > 0);
    azaudio_transcript_free(t);
    t = NULL;
    size_t size = 0;
    unsigned char *audio = read_file(rest_speech_wav, &size);
    o.response_format = "text";
    CHECK_RESULT(azaudio_translate_memory(c, audio, size, "x.wav", &o, &t), AZAUDIO_OK);
    CHECK(t && strlen(azaudio_transcript_text(t)) > 0);
    azaudio_transcript_free(t);
    free(audio);
    azaudio_client_destroy(c);
}

TEST(the_v1_family_sends_the_model_in_the_body) {
    emulator_reset();
    azaudio_client *c = rest_client_with("v1", NULL);
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    azaudio_transcript_free(t);
    t = NULL;
    azaudio_translation_options to;
    AZAUDIO_INIT(translation_options, &to);
    to.deployment = "whisper";
    CHECK_RESULT(azaudio_translate_file(c, rest_speech_wav, &to, &t), AZAUDIO_OK);
    azaudio_transcript_free(t);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "/openai/v1/audio/transcriptions");
    CHECK_STR_CONTAINS(log, "/openai/v1/audio/translations");
    free(log);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    RUN(transcribes_a_file_with_whisper);
    RUN(transcribes_memory_with_a_filename);
    RUN(transcribes_audio_from_a_read_callback);
    RUN(verbose_json_gives_language_duration_segments_and_words);
    RUN(text_srt_and_vtt_come_back_raw);
    RUN(streamed_transcription_delivers_deltas_and_the_final_text);
    RUN(logprobs_and_usage_with_gpt_4o_transcribe);
    RUN(translates_a_file_and_memory);
    RUN(the_v1_family_sends_the_model_in_the_body);
    rest_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
