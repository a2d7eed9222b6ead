/* TLS for REST and realtime against the emulator serving https:// and wss:// with a throwaway CA
 * (scripts/make-test-ca.sh): certificate verification is on by default, the right CA file passes, the system
 * store and an unrelated CA fail with AZAUDIO_ERR_TLS, and only an explicit opt-out skips verification. A spoken
 * turn over wss:// arrives whole: the loop reads a TLS connection once per wakeup when OpenSSL holds nothing more,
 * so a reply's last messages must not wait in a TLS buffer for traffic that never comes.
 * emulator-options: --tls-cert build/tls/server.pem --tls-key build/tls/server.key --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "outcome_support.h"
#include "rest_support.h"

#include <stdlib.h>
#include <string.h>

static const char *endpoint;

static azaudio_client *client_with(const char *ca_file, const char *ca_path, int insecure) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = endpoint;
    o.api_key = getenv("AZURE_OPENAI_API_KEY");
    o.ca_file = ca_file;
    o.ca_path = ca_path;
    o.insecure_skip_tls_verify = insecure;
    o.max_retries = 0;
    azaudio_client *c = NULL;
    if (azaudio_client_create(&o, &c) != AZAUDIO_OK) {
        fprintf(stderr, "client: %s\n", azaudio_last_error());
        exit(2);
    }
    return c;
}

TEST(the_endpoint_is_served_over_https) { CHECK(strncmp(endpoint, "https://", 8) == 0); }

TEST(the_right_ca_file_passes_for_rest_and_realtime) {
    azaudio_client *c = client_with("build/tls/ca.pem", NULL, 0);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_OK);
    CHECK_RESULT(connect_outcome(c), AZAUDIO_OK);
    azaudio_client_destroy(c);
}

TEST(the_system_store_does_not_trust_the_test_ca) {
    azaudio_client *c = client_with(NULL, NULL, 0);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_ERR_TLS);
    CHECK_RESULT(connect_outcome(c), AZAUDIO_ERR_TLS);
    azaudio_client_destroy(c);
}

TEST(an_unrelated_ca_fails_verification) {
    azaudio_client *c = client_with("build/tls/other-ca.pem", NULL, 0);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_ERR_TLS);
    CHECK_RESULT(connect_outcome(c), AZAUDIO_ERR_TLS);
    azaudio_client_destroy(c);
}

TEST(a_missing_ca_file_is_a_tls_error_not_a_crash) {
    azaudio_client *c = client_with("build/tls/no-such-ca.pem", NULL, 0);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_ERR_TLS);
    azaudio_client_destroy(c);
}

TEST(only_an_explicit_opt_out_skips_verification) {
    azaudio_client *c = client_with(NULL, NULL, 1);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_OK);
    CHECK_RESULT(connect_outcome(c), AZAUDIO_OK);
    azaudio_client_destroy(c);
}

/* One manual turn over wss:// in pull mode: the question as one large append (several TLS records), then commit
 * and response; every event up to RESPONSE_DONE must come with nothing more sent. */
TEST(a_spoken_reply_over_wss_arrives_to_its_last_event) {
    azaudio_client *c = client_with("build/tls/ca.pem", NULL, 0);
    uint8_t *question = NULL;
    size_t question_size = 0;
    CHECK(rest_speak_pcm(c, "What is the weather like in Seattle this weekend?", NULL, &question, &question_size));
    CHECK(question_size > 48000); /* over a second of 24 kHz PCM16: its append spans several TLS records */
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "gpt-realtime";
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(c, &o, &s), AZAUDIO_OK);
    if (s) {
        CHECK_RESULT(azaudio_realtime_send_audio(s, question, question_size), AZAUDIO_OK);
        CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
        CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
        int deltas = 0, done = 0;
        size_t audio = 0;
        double deadline = now_seconds() + 30;
        while (!done && now_seconds() < deadline) {
            azaudio_realtime_event *e = NULL;
            azaudio_result rc = azaudio_realtime_next_event(s, &e, 100);
            if (rc == AZAUDIO_ERR_TIMEOUT) continue;
            if (rc != AZAUDIO_OK) break;
            int t = azaudio_realtime_event_type(e);
            if (t == AZAUDIO_EVENT_AUDIO_DELTA) {
                size_t n = 0;
                azaudio_realtime_event_audio(e, &n);
                audio += n;
                deltas++;
            }
            done = t == AZAUDIO_EVENT_RESPONSE_DONE;
            int closed = t == AZAUDIO_EVENT_CLOSED;
            azaudio_realtime_event_free(e);
            if (closed) break;
        }
        CHECK(done);
        CHECK(deltas > 1);
        CHECK(audio > 0);
    }
    azaudio_realtime_destroy(s);
    azaudio_free(question);
    azaudio_client_destroy(c);
}

int main(void) {
    endpoint = getenv("AZURE_OPENAI_ENDPOINT");
    if (!endpoint) {
        fprintf(stderr, "run under azaudio-emulator-run\n");
        return 2;
    }
    RUN(the_endpoint_is_served_over_https);
    RUN(the_right_ca_file_passes_for_rest_and_realtime);
    RUN(the_system_store_does_not_trust_the_test_ca);
    RUN(an_unrelated_ca_fails_verification);
    RUN(a_missing_ca_file_is_a_tls_error_not_a_crash);
    RUN(only_an_explicit_opt_out_skips_verification);
    RUN(a_spoken_reply_over_wss_arrives_to_its_last_event);
    return check_summary();
}
