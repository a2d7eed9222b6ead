/* Speech to text: service errors, retries, timeouts and cancellation (run under azaudio-emulator-run). */
#define _GNU_SOURCE
#include "transcribe_support.h"

/* ---- service errors ---- */

TEST(a_wrong_key_is_an_auth_error) {
    azaudio_client *c = rest_client_with(NULL, "wrong-key");
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_AUTH);
    CHECK(rest_details(c).http_status == 401);
    CHECK(strstr(azaudio_last_error(), "wrong-key") == NULL);
    azaudio_client_destroy(c);
}

TEST(a_413_from_the_service_is_payload_too_large) {
    azaudio_client *c = faulted_client("{\"kind\":\"status\",\"status\":413,\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_PAYLOAD_TOO_LARGE);
    CHECK(rest_details(c).http_status == 413);
    azaudio_client_destroy(c);
}

TEST(a_429_with_retry_after_ms_is_retried_then_succeeds) {
    azaudio_client *c =
        faulted_client("{\"kind\":\"status\",\"status\":429,\"retry_after_ms\":300,\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    double start = now_seconds();
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    CHECK(now_seconds() - start >= 0.29);
    CHECK(t != NULL);
    CHECK(emulator_request_count() == 2);
    azaudio_transcript_free(t);
    azaudio_client_destroy(c);
}

TEST(a_429_asking_for_too_long_a_wait_fails_at_once) {
    azaudio_client *c =
        faulted_client("{\"kind\":\"status\",\"status\":429,\"retry_after\":86400,\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    double start = now_seconds();
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_RATE_LIMITED);
    CHECK(now_seconds() - start < 2);
    CHECK_STR_CONTAINS(azaudio_last_error(), "86400 s");
    CHECK(rest_details(c).retry_after_seconds == 86400);
    azaudio_client_destroy(c);
}

TEST(a_500_is_retried_and_max_retries_0_per_call_is_honoured) {
    azaudio_client *c = faulted_client("{\"kind\":\"status\",\"status\":500,\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("whisper");
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    CHECK(emulator_request_count() == 2);
    azaudio_transcript_free(t);
    t = NULL;
    emulator_reset();
    emulator_fault("{\"kind\":\"status\",\"status\":500,\"match\":\"transcriptions\"}");
    o.max_retries = 0;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_SERVER);
    CHECK(rest_details(c).http_status == 500);
    CHECK(emulator_request_count() == 1);
    azaudio_client_destroy(c);
}

TEST(a_connection_cut_mid_body_is_a_network_error) {
    azaudio_client *c = faulted_client("{\"kind\":\"cut_mid_body\",\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("whisper");
    o.response_format = "verbose_json";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_NETWORK);
    CHECK(t == NULL);
    azaudio_client_destroy(c);
}

TEST(a_truncated_transcription_stream_is_a_network_error) {
    azaudio_client *c = faulted_client("{\"kind\":\"truncate_sse\",\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("gpt-4o-transcribe");
    o.stream = 1;
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_NETWORK);
    CHECK(t == NULL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "transcript.text.done");
    azaudio_client_destroy(c);
}

TEST(a_per_call_timeout_overrides_the_client) {
    azaudio_client *c = faulted_client("{\"kind\":\"delay_first_byte\",\"seconds\":3,\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("whisper");
    o.timeout_ms = 500;
    azaudio_transcript *t = NULL;
    double start = now_seconds();
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_TIMEOUT);
    CHECK(now_seconds() - start < 2.5); /* before the 3 s delay ends */
    azaudio_client_destroy(c);
}

/* ---- cancellation ---- */

typedef struct {
    azaudio_cancel_token *token;
    int after_ms;
    double cancelled_at;
} canceller;

static void *cancel_later(void *arg) {
    canceller *k = arg;
    usleep((useconds_t)k->after_ms * 1000);
    k->cancelled_at = now_seconds();
    azaudio_cancel_token_cancel(k->token);
    return NULL;
}

TEST(cancelling_mid_upload_returns_cancelled_promptly) {
    azaudio_client *c = rest_client();
    static unsigned char audio[4 << 20];
    memset(audio, 0, sizeof audio);
    memcpy(audio, "RIFF", 4);
    feeder f = {audio, sizeof audio, 0, 16384, 0, 5}; /* ~1.3 s of upload at 5 ms per 16 KiB */
    azaudio_transcription_options o = stt("whisper");
    canceller k = {NULL, 300, 0};
    azaudio_cancel_token_create(&k.token);
    o.cancel_token = k.token;
    pthread_t thread;
    pthread_create(&thread, NULL, cancel_later, &k);
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_callback(c, "live.wav", &o, &t, feed, &f), AZAUDIO_ERR_CANCELLED);
    double returned = now_seconds();
    pthread_join(thread, NULL);
    CHECK(returned - k.cancelled_at < 2.0); /* the reply is 5 s away: prompt, with room for a slow machine */
    CHECK(f.offset > 0 && f.offset < sizeof audio);
    CHECK(azaudio_cancel_token_is_cancelled(k.token) == 1);
    /* A cancelled token fails the next call at once; reset makes it usable again, and the client still works. */
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_CANCELLED);
    azaudio_cancel_token_reset(k.token);
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_OK);
    azaudio_transcript_free(t);
    azaudio_cancel_token_destroy(k.token);
    azaudio_client_destroy(c);
}

TEST(cancelling_while_waiting_for_the_reply_returns_promptly) {
    azaudio_client *c = faulted_client("{\"kind\":\"delay_first_byte\",\"seconds\":5,\"match\":\"transcriptions\"}");
    azaudio_transcription_options o = stt("whisper");
    canceller k = {NULL, 300, 0};
    azaudio_cancel_token_create(&k.token);
    o.cancel_token = k.token;
    pthread_t thread;
    pthread_create(&thread, NULL, cancel_later, &k);
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &o, &t), AZAUDIO_ERR_CANCELLED);
    double returned = now_seconds();
    pthread_join(thread, NULL);
    CHECK(returned - k.cancelled_at < 2.0); /* the reply is 5 s away: prompt, with room for a slow machine */
    azaudio_cancel_token_destroy(k.token);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    RUN(a_wrong_key_is_an_auth_error);
    RUN(a_413_from_the_service_is_payload_too_large);
    RUN(a_429_with_retry_after_ms_is_retried_then_succeeds);
    RUN(a_429_asking_for_too_long_a_wait_fails_at_once);
    RUN(a_500_is_retried_and_max_retries_0_per_call_is_honoured);
    RUN(a_connection_cut_mid_body_is_a_network_error);
    RUN(a_truncated_transcription_stream_is_a_network_error);
    RUN(a_per_call_timeout_overrides_the_client);
    RUN(cancelling_mid_upload_returns_cancelled_promptly);
    RUN(cancelling_while_waiting_for_the_reply_returns_promptly);
    rest_teardown();
    return check_summary();
}
