/* Text to speech against the emulator (run under azaudio-emulator-run). */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

#include <pthread.h>
#include <unistd.h>

static azaudio_speech_options tts(const char *deployment) {
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = deployment;
    return o;
}

typedef struct {
    size_t bytes;
    int chunks;
    double first_at;
    unsigned char head[16];
    int slow_ms;
    volatile int *first_flag;
} audio_sink;

static int32_t on_audio(const uint8_t *data, size_t size, void *user) {
    audio_sink *s = user;
    if (s->chunks == 0) {
        s->first_at = now_seconds();
        memcpy(s->head, data, size < 16 ? size : 16);
        if (s->first_flag) *s->first_flag = 1;
    }
    s->chunks++;
    s->bytes += size;
    if (s->slow_ms) usleep((useconds_t)s->slow_ms * 1000);
    return 0;
}

static const char *sentence = "Hello from the speech test. This sentence is long enough to arrive in several chunks.";

TEST(speak_streams_audio_chunks_to_the_callback) {
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts");
    o.response_format = "wav";
    audio_sink s = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_OK);
    CHECK(s.bytes > 1000);
    CHECK(s.chunks > 1);
    CHECK(memcmp(s.head, "RIFF", 4) == 0);
    azaudio_client_destroy(c);
}

TEST(sse_deltas_are_decoded_before_the_callback) {
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("gpt-4o-mini-tts");
    o.response_format = "pcm";
    o.stream_format = "sse";
    o.instructions = "Speak cheerfully.";
    o.voice = "coral";
    o.speed = 1.25;
    audio_sink s = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_OK);
    CHECK(s.bytes > 1000);
    CHECK(s.bytes % 2 == 0); /* 16-bit samples, not base64 text */
    CHECK(memcmp(s.head, "{", 1) != 0 && memcmp(s.head, "data", 4) != 0);
    azaudio_client_destroy(c);
}

TEST(speak_to_file_and_to_buffer_give_the_same_kind_of_audio) {
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts-hd");
    o.response_format = "wav";
    const char *path = "/tmp/azaudio-speech-test.wav";
    CHECK_RESULT(azaudio_speak_to_file(c, sentence, path, &o), AZAUDIO_OK);
    size_t file_size = 0;
    unsigned char *file = read_file(path, &file_size);
    CHECK(file && file_size > 1000 && memcmp(file, "RIFF", 4) == 0);
    uint8_t *buffer = NULL;
    size_t size = 0;
    CHECK_RESULT(azaudio_speak_to_buffer(c, sentence, &o, &buffer, &size), AZAUDIO_OK);
    CHECK(buffer && size > 1000 && memcmp(buffer, "RIFF", 4) == 0);
    azaudio_free(buffer);
    free(file);
    remove(path);
    azaudio_client_destroy(c);
}

TEST(the_v1_family_speaks_too) {
    emulator_reset();
    azaudio_client *c = rest_client_with("v1", NULL);
    azaudio_speech_options o = tts("gpt-4o-mini-tts");
    audio_sink s = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_OK);
    CHECK(s.bytes > 100);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "/openai/v1/audio/speech");
    free(log);
    azaudio_client_destroy(c);
}

static void expect_local(azaudio_client *c, const char *text, azaudio_speech_options *o, azaudio_result expected,
                         const char *words) {
    emulator_reset();
    audio_sink s = {0};
    CHECK_RESULT(azaudio_speak(c, text, o, on_audio, &s), expected);
    CHECK(s.chunks == 0);
    CHECK_STR_CONTAINS(azaudio_last_error(), words);
    CHECK(emulator_request_count() == 0);
}

TEST(local_checks_refuse_bad_requests_before_sending) {
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts");
    expect_local(c, "", &o, AZAUDIO_ERR_INVALID_ARGUMENT, "empty");
    expect_local(c, "   \n", &o, AZAUDIO_ERR_INVALID_ARGUMENT, "empty");
    static char long_text[4098];
    memset(long_text, 'a', 4097);
    expect_local(c, long_text, &o, AZAUDIO_ERR_PAYLOAD_TOO_LARGE, "4097 characters");
    o.speed = 4.5;
    expect_local(c, sentence, &o, AZAUDIO_ERR_INVALID_ARGUMENT, "speed");
    o.speed = 0.1;
    expect_local(c, sentence, &o, AZAUDIO_ERR_INVALID_ARGUMENT, "speed");
    o = tts("tts");
    o.instructions = "whisper it";
    expect_local(c, sentence, &o, AZAUDIO_ERR_UNSUPPORTED, "instructions");
    o = tts("tts-1-hd");
    o.stream_format = "sse";
    expect_local(c, sentence, &o, AZAUDIO_ERR_UNSUPPORTED, "stream_format sse");
    o = tts("tts");
    o.response_format = "ogg";
    expect_local(c, sentence, &o, AZAUDIO_ERR_INVALID_ARGUMENT, "response_format");
    o = tts("whisper");
    expect_local(c, sentence, &o, AZAUDIO_ERR_UNSUPPORTED, "does not do text to speech");
    /* 4096 characters of multi-byte text are still within the limit. */
    static char accents[4096 * 2 + 1];
    for (int i = 0; i < 4096; i++) memcpy(accents + 2 * i, "\xc3\xa9", 2);
    o = tts("tts");
    emulator_reset();
    audio_sink s = {0};
    azaudio_result rc = azaudio_speak(c, accents, &o, on_audio, &s);
    CHECK(rc != AZAUDIO_ERR_PAYLOAD_TOO_LARGE && emulator_request_count() == 1);
    azaudio_client_destroy(c);
}

TEST(a_failed_speak_to_file_leaves_no_file) {
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts");
    const char *path = "/tmp/azaudio-speech-none.mp3";
    remove(path);
    CHECK_RESULT(azaudio_speak_to_file(c, "", path, &o), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(access(path, F_OK) != 0);
    CHECK_RESULT(azaudio_speak_to_file(c, sentence, "/nonexistent-dir/x.mp3", &o), AZAUDIO_ERR_IO);
    azaudio_client_destroy(c);
}

TEST(a_connection_cut_mid_audio_is_a_network_error_and_nothing_is_kept) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts");
    o.response_format = "wav";
    emulator_fault("{\"kind\":\"cut_mid_body\",\"match\":\"speech\",\"count\":3}");
    audio_sink s = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_ERR_NETWORK);
    CHECK_STR_CONTAINS(azaudio_last_error(), "cut off");
    const char *path = "/tmp/azaudio-speech-cut.wav";
    CHECK_RESULT(azaudio_speak_to_file(c, sentence, path, &o), AZAUDIO_ERR_NETWORK);
    CHECK(access(path, F_OK) != 0);
    uint8_t *buffer = (uint8_t *)"untouched";
    size_t size = 12345;
    CHECK_RESULT(azaudio_speak_to_buffer(c, sentence, &o, &buffer, &size), AZAUDIO_ERR_NETWORK);
    CHECK(size == 12345 && strcmp((char *)buffer, "untouched") == 0);
    azaudio_client_destroy(c);
}

TEST(a_truncated_sse_stream_is_a_network_error) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("gpt-4o-mini-tts");
    o.stream_format = "sse";
    emulator_fault("{\"kind\":\"truncate_sse\",\"match\":\"speech\"}");
    audio_sink s = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_ERR_NETWORK);
    CHECK_STR_CONTAINS(azaudio_last_error(), "speech.audio.done");
    azaudio_client_destroy(c);
}

TEST(service_errors_carry_status_code_and_request_id) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("missing-deployment");
    audio_sink s = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_ERR_NOT_FOUND);
    azaudio_error_details d = rest_details(c);
    CHECK(d.http_status == 404 && strcmp(d.service_code, "DeploymentNotFound") == 0 && strlen(d.request_id) > 0);
    o = tts("tts");
    emulator_fault("{\"kind\":\"status\",\"status\":429,\"retry_after_ms\":100,\"match\":\"speech\"}");
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_OK);
    emulator_fault("{\"kind\":\"status\",\"status\":503,\"match\":\"speech\",\"count\":5}");
    o.max_retries = 1;
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_ERR_SERVER);
    CHECK_STR_CONTAINS(azaudio_last_error(), "after 2 attempts");
    emulator_reset();
    azaudio_client_destroy(c);
}

TEST(a_null_audio_callback_is_an_invalid_argument) {
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts");
    CHECK_RESULT(azaudio_speak(c, sentence, &o, (azaudio_audio_fn)NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_client_destroy(c);
}

static int32_t stop_after_first(const uint8_t *data, size_t size, void *user) {
    (void)data;
    (void)size;
    ++*(int *)user;
    return 1;
}

/* Issue 16: the test of this name used to pass a NULL callback, so a non-zero return was never checked in C. */
TEST(a_callback_returning_non_zero_stops_the_call) {
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts");
    o.response_format = "pcm";
    int calls = 0;
    CHECK_RESULT(azaudio_speak(c, sentence, &o, stop_after_first, &calls), AZAUDIO_ERR_CANCELLED);
    CHECK(calls == 1);
    CHECK_STR_CONTAINS(azaudio_last_error(), "returned 1");
    azaudio_client_destroy(c);
}

typedef struct {
    azaudio_cancel_token *token;
    volatile int *flag;
    double cancelled_at;
} canceller;

static void *cancel_after_first_audio(void *arg) {
    canceller *k = arg;
    for (int i = 0; i < 10000 && !*k->flag; i++) usleep(1000); /* at most 10 s */
    k->cancelled_at = now_seconds();
    azaudio_cancel_token_cancel(k->token);
    return NULL;
}

TEST(cancelling_mid_download_stops_the_audio_promptly) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts("tts");
    o.response_format = "pcm";
    volatile int first = 0;
    canceller k = {NULL, &first, 0};
    azaudio_cancel_token_create(&k.token);
    o.cancel_token = k.token;
    static char text[2000];
    for (int i = 0; i < 40; i++) strcat(text, "This is a long sentence to speak. ");
    audio_sink s = {0};
    s.slow_ms = 30;
    s.first_flag = &first;
    pthread_t thread;
    pthread_create(&thread, NULL, cancel_after_first_audio, &k);
    CHECK_RESULT(azaudio_speak(c, text, &o, on_audio, &s), AZAUDIO_ERR_CANCELLED);
    double returned = now_seconds();
    pthread_join(thread, NULL);
    CHECK(returned - k.cancelled_at < 2.0); /* promptly: well before the rest of the audio (speed is for benchmarks) */
    CHECK(s.chunks >= 1 && s.chunks < 10);
    if (s.chunks >= 10) fprintf(stderr, "  %d chunks, %.3f s after cancel\n", s.chunks, returned - k.cancelled_at);
    azaudio_cancel_token_destroy(k.token);
    /* The client is still fine afterwards. */
    o.cancel_token = NULL;
    audio_sink s2 = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s2), AZAUDIO_OK);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    RUN(speak_streams_audio_chunks_to_the_callback);
    RUN(sse_deltas_are_decoded_before_the_callback);
    RUN(speak_to_file_and_to_buffer_give_the_same_kind_of_audio);
    RUN(the_v1_family_speaks_too);
    RUN(local_checks_refuse_bad_requests_before_sending);
    RUN(a_failed_speak_to_file_leaves_no_file);
    RUN(a_connection_cut_mid_audio_is_a_network_error_and_nothing_is_kept);
    RUN(a_truncated_sse_stream_is_a_network_error);
    RUN(service_errors_carry_status_code_and_request_id);
    RUN(a_null_audio_callback_is_an_invalid_argument);
    RUN(a_callback_returning_non_zero_stops_the_call);
    RUN(cancelling_mid_download_stops_the_audio_promptly);
    rest_teardown();
    return check_summary();
}
