/* Diarized transcription (gpt-4o-transcribe-diarize) and gpt-transcribe against the emulator (run under
 * azaudio-emulator-run): speakers told apart, known speakers from a file and from memory, streamed segments, and
 * the local refusals, each with its own message, before anything is sent. */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

#include <unistd.h>

#define DIARIZE "gpt-4o-transcribe-diarize"

static char dialogue_wav[128], low_clip_wav[128], high_clip_wav[128], short_clip_wav[128];

static azaudio_transcription_options diarize_options(void) {
    azaudio_transcription_options o;
    AZAUDIO_INIT(transcription_options, &o);
    o.deployment = DIARIZE;
    o.response_format = "diarized_json";
    return o;
}

/* 24 kHz pcm16 speech of `text` in `voice` (free it); the setup fails without it. */
static uint8_t *speak_pcm(azaudio_client *c, const char *text, const char *voice, size_t *size) {
    uint8_t *data = NULL;
    if (!rest_speak_pcm(c, text, voice, &data, size)) exit(2);
    return data;
}

/* Writes the parts, a second of silence apart, as a 24 kHz mono WAV; `max_bytes` (0: all) cuts the result. */
static void write_wav(const char *path, uint8_t *parts[], size_t sizes[], int count, size_t max_bytes) {
    size_t gap = 48000, total = 0;
    for (int i = 0; i < count; i++) total += sizes[i] + (i ? gap : 0);
    uint8_t *pcm = calloc(total, 1), *p = pcm;
    for (int i = 0; i < count; i++) {
        if (i) p += gap;
        memcpy(p, parts[i], sizes[i]);
        p += sizes[i];
    }
    if (max_bytes && total > max_bytes) total = max_bytes;
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    if (azaudio_wav_write_file(path, &info, pcm, total) != AZAUDIO_OK) {
        fprintf(stderr, "setup: writing %s failed: %s\n", path, azaudio_last_error());
        exit(2);
    }
    free(pcm);
}

static void diarize_setup(void) {
    long pid = (long)getpid();
    snprintf(dialogue_wav, sizeof dialogue_wav, "/tmp/azaudio_diarize_dialogue_%ld.wav", pid);
    snprintf(low_clip_wav, sizeof low_clip_wav, "/tmp/azaudio_diarize_low_%ld.wav", pid);
    snprintf(high_clip_wav, sizeof high_clip_wav, "/tmp/azaudio_diarize_high_%ld.wav", pid);
    snprintf(short_clip_wav, sizeof short_clip_wav, "/tmp/azaudio_diarize_short_%ld.wav", pid);
    azaudio_client *c = rest_client();
    size_t n[3];
    uint8_t *low = speak_pcm(c, "hello there how are you today", "onyx", &n[0]);
    uint8_t *high = speak_pcm(c, "i am fine thank you", "shimmer", &n[1]);
    uint8_t *low2 = speak_pcm(c, "good to hear that", "onyx", &n[2]);
    uint8_t *dialogue[] = {low, high, low2};
    write_wav(dialogue_wav, dialogue, n, 3, 0);
    size_t m[2];
    uint8_t *low_clip = speak_pcm(c, "this is the customer calling about my order", "onyx", &m[0]);
    uint8_t *high_clip = speak_pcm(c, "this is the agent speaking to you now", "shimmer", &m[1]);
    write_wav(low_clip_wav, &low_clip, &m[0], 1, 0);
    write_wav(high_clip_wav, &high_clip, &m[1], 1, 0);
    write_wav(short_clip_wav, &low_clip, &m[0], 1, 48000); /* one second */
    free(low), free(high), free(low2), free(low_clip), free(high_clip);
    azaudio_client_destroy(c);
    emulator_reset();
}

static const char *speakers_of(const azaudio_transcript *t, char *out, size_t cap) {
    out[0] = 0;
    for (size_t i = 0; i < azaudio_transcript_segment_count(t); i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", i ? "," : "", azaudio_transcript_segment_speaker(t, i));
    }
    return out;
}

TEST(two_voices_of_different_pitch_are_two_speakers) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = diarize_options();
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_OK);
    char speakers[128];
    CHECK(strcmp(speakers_of(t, speakers, sizeof speakers), "A,B,A") == 0);
    azaudio_segment s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    CHECK_RESULT(azaudio_transcript_segment_info(t, 1, &s), AZAUDIO_OK);
    CHECK(strcmp(s.speaker, "B") == 0 && strcmp(s.id, "seg_002") == 0);
    CHECK(s.start > 1.0 && s.start < s.end && strlen(s.text) > 0);
    CHECK(azaudio_transcript_duration(t) > 4);
    CHECK_RESULT(azaudio_transcript_segment_info(t, 3, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(azaudio_transcript_segment_speaker(t, 99), "") == 0);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(known_speakers_from_a_file_and_from_memory_name_the_segments) {
    azaudio_client *c = rest_client();
    size_t size = 0;
    unsigned char *agent = read_file(high_clip_wav, &size);
    azaudio_known_speaker speakers[2] = {
        {"customer", low_clip_wav, NULL, 0, NULL},
        {"agent", NULL, agent, size, "agent.wav"},
    };
    azaudio_transcription_options o = diarize_options();
    o.known_speakers = speakers;
    o.known_speaker_count = 2;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_OK);
    char labels[128];
    CHECK(strcmp(speakers_of(t, labels, sizeof labels), "customer,agent,customer") == 0);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "known_speaker_names[]");
    free(log);
    azaudio_transcript_free(t);
    free(agent);
    azaudio_client_destroy(c);
}

typedef struct {
    int count;
    char speakers[64];
} segment_log;

static int32_t on_segment(const azaudio_segment *s, void *user) {
    segment_log *log = user;
    size_t len = strlen(log->speakers);
    snprintf(log->speakers + len, sizeof log->speakers - len, "%s%s", log->count++ ? "," : "", s->speaker);
    return 0;
}

TEST(a_streamed_diarization_hands_each_segment_to_the_callback) {
    azaudio_client *c = rest_client();
    segment_log log = {0, ""};
    azaudio_transcription_options o = diarize_options();
    o.stream = 1;
    o.on_segment = on_segment;
    o.segment_user_data = &log;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_OK);
    CHECK(log.count == 3 && strcmp(log.speakers, "A,B,A") == 0);
    CHECK(azaudio_transcript_segment_count(t) == 3);
    CHECK(strlen(azaudio_transcript_text(t)) > 0);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

static int32_t stop_at_first(const azaudio_segment *s, void *user) {
    (void)s, (void)user;
    return 1;
}

TEST(returning_non_zero_from_the_segment_callback_cancels) {
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = diarize_options();
    o.stream = 1;
    o.on_segment = stop_at_first;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_ERR_CANCELLED);
    CHECK(t == NULL);
    azaudio_client_destroy(c);
}

/* Expects transcribing `path` with `o` to fail with `code` and a message containing `words`, with nothing sent. */
static void check_refused_at(const char *path, azaudio_transcription_options *o, azaudio_result code,
                             const char *words) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, path, o, &t), code);
    CHECK_STR_CONTAINS(azaudio_last_error(), words);
    CHECK(emulator_request_count() == 0);
    azaudio_client_destroy(c);
}

/* As check_refused_at() for the dialogue. */
static void check_refused(azaudio_transcription_options *o, azaudio_result code, const char *words) {
    check_refused_at(dialogue_wav, o, code, words);
}

TEST(the_diarizing_model_refuses_locally_what_it_does_not_take) {
    azaudio_transcription_options o = diarize_options();
    o.prompt = "a prompt";
    check_refused(&o, AZAUDIO_ERR_UNSUPPORTED, "does not take a prompt");
    o = diarize_options();
    o.response_format = "verbose_json";
    check_refused(&o, AZAUDIO_ERR_UNSUPPORTED, "use diarized_json");
    o = diarize_options();
    o.response_format = "json";
    o.include_logprobs = 1;
    check_refused(&o, AZAUDIO_ERR_UNSUPPORTED, "include logprobs");
    o = diarize_options();
    o.response_format = "verbose_json";
    o.model = DIARIZE;
    o.deployment = "team-stt";
    o.timestamp_granularities = AZAUDIO_TIMESTAMP_SEGMENT;
    check_refused(&o, AZAUDIO_ERR_UNSUPPORTED, "timestamp granularities");
    o = diarize_options();
    o.deployment = "whisper";
    check_refused(&o, AZAUDIO_ERR_UNSUPPORTED, "only gpt-4o-transcribe-diarize labels speakers");
}

TEST(bad_known_speakers_are_refused_before_sending) {
    azaudio_known_speaker five[5] = {
        {"a", low_clip_wav, NULL, 0, NULL}, {"b", low_clip_wav, NULL, 0, NULL}, {"c", low_clip_wav, NULL, 0, NULL},
        {"d", low_clip_wav, NULL, 0, NULL}, {"e", low_clip_wav, NULL, 0, NULL},
    };
    azaudio_transcription_options o = diarize_options();
    o.known_speakers = five;
    o.known_speaker_count = 5;
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "at most 4");
    azaudio_known_speaker short_clip = {"agent", short_clip_wav, NULL, 0, NULL};
    o.known_speakers = &short_clip;
    o.known_speaker_count = 1;
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "1.0 s long; it must be 2 to 10 s");
    azaudio_known_speaker both = {"agent", low_clip_wav, (const uint8_t *)"x", 1, "a.wav"};
    o.known_speakers = &both;
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "both a path and data");
    azaudio_known_speaker unnamed = {"", low_clip_wav, NULL, 0, NULL};
    o.known_speakers = &unnamed;
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "empty name");
    azaudio_known_speaker text = {"agent", NULL, (const uint8_t *)"x", 1, "agent.txt"};
    o.known_speakers = &text;
    check_refused(&o, AZAUDIO_ERR_UNSUPPORTED, "'.txt'");
    azaudio_known_speaker missing = {"agent", "/nonexistent/agent.wav", NULL, 0, NULL};
    o.known_speakers = &missing;
    check_refused(&o, AZAUDIO_ERR_NOT_FOUND, "agent.wav");
    o.known_speakers = NULL;
    o.known_speaker_count = 1;
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "known_speakers is NULL");
    azaudio_known_speaker fine = {"agent", low_clip_wav, NULL, 0, NULL};
    o = diarize_options();
    o.response_format = "json";
    o.known_speakers = &fine;
    o.known_speaker_count = 1;
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "need response_format diarized_json");
}

TEST(gpt_transcribe_sends_languages_and_keywords_and_others_refuse_them) {
    emulator_reset();
    azaudio_client *c = rest_client();
    const char *languages[] = {"en", "de"};
    const char *keywords[] = {"fox"};
    azaudio_transcription_options o;
    AZAUDIO_INIT(transcription_options, &o);
    o.deployment = "gpt-transcribe";
    o.languages = languages;
    o.language_count = 2;
    o.keywords = keywords;
    o.keyword_count = 1;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    CHECK(t && strlen(azaudio_transcript_text(t)) > 0);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "languages[]");
    CHECK_STR_CONTAINS(log, "keywords[]");
    free(log);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
    o.deployment = "gpt-4o-transcribe";
    check_refused(&o, AZAUDIO_ERR_UNSUPPORTED, "only gpt-transcribe");
    o.deployment = "gpt-transcribe";
    o.language = "en";
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "either language or languages");
    const char *bad[] = {NULL};
    o.language = NULL;
    o.languages = bad;
    o.language_count = 1;
    check_refused(&o, AZAUDIO_ERR_INVALID_ARGUMENT, "languages[0] is NULL");
}

TEST(an_unknown_deployment_name_may_ask_for_diarized_json) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcription_options o = diarize_options();
    o.deployment = "team-speakers";
    azaudio_transcript *t = NULL;
    /* Not a known model: the library sends it, and the service (here: no such deployment) decides. */
    CHECK_RESULT(azaudio_transcribe_file(c, dialogue_wav, &o, &t), AZAUDIO_ERR_NOT_FOUND);
    CHECK(emulator_request_count() >= 1);
    azaudio_client_destroy(c);
}

TEST(audio_over_30_s_without_a_chunking_strategy_is_refused_before_sending) {
    char long_wav[128];
    snprintf(long_wav, sizeof long_wav, "/tmp/azaudio_diarize_long_%ld.wav", (long)getpid());
    size_t size = 24000 * 2 * 31; /* 31 s of 24 kHz PCM16 */
    uint8_t *pcm = calloc(size, 1);
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    CHECK_RESULT(azaudio_wav_write_file(long_wav, &info, pcm, size), AZAUDIO_OK);
    free(pcm);
    azaudio_transcription_options o = diarize_options();
    check_refused_at(long_wav, &o, AZAUDIO_ERR_INVALID_ARGUMENT, "is 31.0 s long");
    CHECK_STR_CONTAINS(azaudio_last_error(), "chunking_strategy");
    /* the same from memory */
    size_t n = 0;
    unsigned char *bytes = read_file(long_wav, &n);
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_memory(c, bytes, n, "long.wav", &o, &t), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "over 30 s");
    CHECK(emulator_request_count() == 0);
    /* with a chunking strategy it goes */
    o.chunking_strategy = "auto";
    azaudio_result rc = azaudio_transcribe_memory(c, bytes, n, "long.wav", &o, &t);
    CHECK(rc != AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(emulator_request_count() == 1);
    azaudio_transcript_free(t);
    free(bytes);
    /* other models are not held to it */
    o = diarize_options();
    o.deployment = "gpt-4o-transcribe";
    o.response_format = "json";
    emulator_reset();
    rc = azaudio_transcribe_file(c, long_wav, &o, &t);
    CHECK(rc != AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(emulator_request_count() == 1);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
    remove(long_wav);
}

int main(void) {
    rest_setup();
    diarize_setup();
    RUN(two_voices_of_different_pitch_are_two_speakers);
    RUN(known_speakers_from_a_file_and_from_memory_name_the_segments);
    RUN(a_streamed_diarization_hands_each_segment_to_the_callback);
    RUN(returning_non_zero_from_the_segment_callback_cancels);
    RUN(the_diarizing_model_refuses_locally_what_it_does_not_take);
    RUN(bad_known_speakers_are_refused_before_sending);
    RUN(gpt_transcribe_sends_languages_and_keywords_and_others_refuse_them);
    RUN(an_unknown_deployment_name_may_ask_for_diarized_json);
    RUN(audio_over_30_s_without_a_chunking_strategy_is_refused_before_sending);
    remove(dialogue_wav), remove(low_clip_wav), remove(high_clip_wav), remove(short_clip_wav);
    rest_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
