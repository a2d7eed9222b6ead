/* REST calls against a hostile or broken server (issue 18 item 6): a stalled answer and a trickled body fail with
 * AZAUDIO_ERR_TIMEOUT under the stall rules; a speech answer that is not audio (HTML, JSON, empty) is
 * AZAUDIO_ERR_PROTOCOL with the content type and first bytes, and is never handed over as audio nor left in a
 * file; a 302 to another host is an error naming that host, never followed. Faults come from the emulator. */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"
#include "trap_support.h"

#include <unistd.h>

static const char *sentence = "Hello from the hostile server test.";

static azaudio_speech_options tts(void) {
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    o.response_format = "wav";
    return o;
}

/* A client with short stall rules so the tests take seconds, not minutes. */
static azaudio_client *client_with_stall_rules(uint32_t idle_ms, uint32_t min_rate, uint32_t window_ms) {
    azaudio_client_options o = rest_client_options();
    o.max_retries = 0;
    o.idle_timeout_ms = idle_ms;
    o.min_body_bytes_per_s = min_rate;
    o.body_rate_window_ms = window_ms;
    return rest_client_from(&o);
}

typedef struct {
    size_t bytes;
} sink;

static int32_t on_audio(const uint8_t *data, size_t size, void *user) {
    (void)data;
    ((sink *)user)->bytes += size;
    return 0;
}

TEST(the_stall_rules_have_documented_defaults) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    CHECK(o.idle_timeout_ms == 600000);
    CHECK(o.min_body_bytes_per_s == 64);
    CHECK(o.body_rate_window_ms == 60000);
}

TEST(an_answer_that_stops_mid_body_fails_with_timeout_after_the_idle_limit) {
    emulator_reset();
    azaudio_client *c = client_with_stall_rules(1500, 0, 0);
    CHECK(emulator_fault("{\"kind\":\"stall_body\",\"match\":\"speech\",\"after_bytes\":10,\"seconds\":60}"));
    azaudio_speech_options o = tts();
    sink s = {0};
    double t0 = now_seconds();
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_ERR_TIMEOUT);
    double took = now_seconds() - t0;
    CHECK_STR_CONTAINS(azaudio_last_error(), "idle_timeout_ms");
    CHECK(took >= 1.4); /* never before the limit */
    CHECK(took < 30);   /* and long before the stalled server gives up (60 s) */
    CHECK(s.bytes == 10);
    azaudio_client_destroy(c);
}

TEST(a_server_that_never_answers_fails_with_timeout_after_the_idle_limit) {
    emulator_reset();
    azaudio_client *c = client_with_stall_rules(1500, 0, 0);
    CHECK(emulator_fault("{\"kind\":\"delay_first_byte\",\"match\":\"speech\",\"seconds\":60}"));
    azaudio_speech_options o = tts();
    sink s = {0};
    double t0 = now_seconds();
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_ERR_TIMEOUT);
    CHECK(now_seconds() - t0 < 30);
    CHECK(s.bytes == 0);
    azaudio_client_destroy(c);
}

TEST(a_trickled_body_fails_with_timeout_under_the_minimum_rate) {
    emulator_reset();
    /* The idle rule alone would never fire: a byte arrives every 0.2 s. */
    azaudio_client *c = client_with_stall_rules(5000, 1000, 2000);
    CHECK(
        emulator_fault("{\"kind\":\"trickle_body\",\"match\":\"speech\",\"chunk_bytes\":8,\"interval_seconds\":0.2}"));
    azaudio_speech_options o = tts();
    const char *path = "/tmp/azaudio-hostile-trickle.wav";
    remove(path);
    double t0 = now_seconds();
    CHECK_RESULT(azaudio_speak_to_file(c, sentence, path, &o), AZAUDIO_ERR_TIMEOUT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "trickled");
    CHECK(now_seconds() - t0 < 30);
    CHECK(access(path, F_OK) != 0);
    /* The same client with the rule off takes the trickle (a slow but moving answer is not an idle one). */
    azaudio_client_destroy(c);
    c = client_with_stall_rules(5000, 0, 0);
    CHECK(emulator_fault(
        "{\"kind\":\"trickle_body\",\"match\":\"speech\",\"chunk_bytes\":4096,\"interval_seconds\":0.05}"));
    CHECK_RESULT(azaudio_speak_to_file(c, sentence, path, &o), AZAUDIO_OK);
    remove(path);
    azaudio_client_destroy(c);
}

/* A 200 that is not audio: the error names the content type and shows the first bytes; no audio, no file. */
static void expect_not_audio(const char *fault, const char *content_type, const char *excerpt) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts();
    const char *path = "/tmp/azaudio-hostile-portal.wav";
    remove(path);
    CHECK(emulator_fault(fault));
    CHECK_RESULT(azaudio_speak_to_file(c, sentence, path, &o), AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), content_type);
    CHECK_STR_CONTAINS(azaudio_last_error(), excerpt);
    CHECK(access(path, F_OK) != 0);
    CHECK(emulator_fault(fault));
    sink s = {0};
    CHECK_RESULT(azaudio_speak(c, sentence, &o, on_audio, &s), AZAUDIO_ERR_PROTOCOL);
    CHECK(s.bytes == 0);
    azaudio_client_destroy(c);
}

TEST(a_captive_portal_html_page_is_a_protocol_error_not_audio) {
    expect_not_audio("{\"kind\":\"fake_answer\",\"match\":\"speech\",\"content_type\":\"text/html; charset=utf-8\","
                     "\"body\":\"<html><title>Hotel WiFi login</title></html>\"}",
                     "text/html", "<html><title>Hotel WiFi login");
}

TEST(a_json_200_is_a_protocol_error_not_audio) {
    expect_not_audio("{\"kind\":\"fake_answer\",\"match\":\"speech\",\"content_type\":\"application/json\","
                     "\"body\":\"{\\\"status\\\":\\\"ok\\\"}\"}",
                     "application/json", "{\"status\":\"ok\"}");
}

TEST(an_empty_200_is_a_protocol_error) {
    expect_not_audio("{\"kind\":\"fake_answer\",\"match\":\"speech\",\"content_type\":\"text/plain\",\"body\":\"\"}",
                     "text/plain", "empty body");
    /* Even with an audio content type, an answer without a byte of audio is not success. */
    expect_not_audio("{\"kind\":\"fake_answer\",\"match\":\"speech\",\"content_type\":\"audio/wav\",\"body\":\"\"}",
                     "audio/wav", "carried no audio");
}

TEST(a_redirect_to_another_host_is_an_error_naming_it_and_is_not_followed) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_speech_options o = tts();
    const char *path = "/tmp/azaudio-hostile-redirect.wav";
    remove(path);
    CHECK(emulator_fault("{\"kind\":\"redirect\",\"match\":\"speech\",\"status\":302,"
                         "\"location\":\"http://127.0.0.9:9/login?next=x\"}"));
    CHECK_RESULT(azaudio_speak_to_file(c, sentence, path, &o), AZAUDIO_ERR_HTTP);
    CHECK_STR_CONTAINS(azaudio_last_error(), "HTTP 302");
    CHECK_STR_CONTAINS(azaudio_last_error(), "host '127.0.0.9:9'");
    CHECK_STR_CONTAINS(azaudio_last_error(), "never followed");
    CHECK(strstr(azaudio_last_error(), "next=x") == NULL);
    CHECK(access(path, F_OK) != 0);
    CHECK(emulator_request_count() == 1); /* one request, no retry, no second hop */
    azaudio_error_details d = rest_details(c);
    CHECK(d.http_status == 302);
    /* A transcription redirected is refused the same way. */
    CHECK(emulator_fault("{\"kind\":\"redirect\",\"match\":\"transcriptions\",\"status\":307,"
                         "\"location\":\"https://portal.example.net/\"}"));
    azaudio_transcription_options to;
    AZAUDIO_INIT(transcription_options, &to);
    to.deployment = "whisper";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_file(c, rest_speech_wav, &to, &t), AZAUDIO_ERR_HTTP);
    CHECK_STR_CONTAINS(azaudio_last_error(), "host 'portal.example.net'");
    azaudio_client_destroy(c);
}

/* A 429 asking for an absurd wait (Retry-After: 1e+300 seconds, or as many milliseconds) is refused with
 * RATE_LIMITED and a message naming the wait. The message formatted the wait with Int(...), which trapped: the
 * whole process died of SIGILL. Found by the conversion audit (issue 16 item 6). */
TEST(an_absurd_retry_after_is_rate_limited_not_a_trap) {
    static const char *faults[] = {
        "{\"kind\":\"status\",\"match\":\"speech\",\"status\":429,\"retry_after\":1e300}",
        "{\"kind\":\"status\",\"match\":\"speech\",\"status\":429,\"retry_after_ms\":1e300}",
        "{\"kind\":\"status\",\"match\":\"speech\",\"status\":429,\"retry_after\":1e19}",
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        emulator_reset();
        CHECK(emulator_fault(faults[i]));
        CHECK_NO_TRAP({
            azaudio_client_options o;
            azaudio_client_options_init(&o);
            o.endpoint = rest_endpoint;
            o.api_key = getenv("AZURE_OPENAI_API_KEY");
            o.max_retries = 2;
            azaudio_client *c = NULL;
            CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_OK);
            azaudio_speech_options so = tts();
            sink s = {0};
            CHECK_RESULT(azaudio_speak(c, sentence, &so, on_audio, &s), AZAUDIO_ERR_RATE_LIMITED);
            CHECK_STR_CONTAINS(azaudio_last_error(), "asked to wait");
            CHECK(s.bytes == 0);
            azaudio_client_destroy(c);
        });
    }
}

int main(void) {
    rest_setup();
    RUN(the_stall_rules_have_documented_defaults);
    RUN(an_answer_that_stops_mid_body_fails_with_timeout_after_the_idle_limit);
    RUN(a_server_that_never_answers_fails_with_timeout_after_the_idle_limit);
    RUN(a_trickled_body_fails_with_timeout_under_the_minimum_rate);
    RUN(a_captive_portal_html_page_is_a_protocol_error_not_audio);
    RUN(a_json_200_is_a_protocol_error_not_audio);
    RUN(an_empty_200_is_a_protocol_error);
    RUN(a_redirect_to_another_host_is_an_error_naming_it_and_is_not_followed);
    RUN(an_absurd_retry_after_is_rate_limited_not_a_trap);
    rest_teardown();
    return check_summary();
}
