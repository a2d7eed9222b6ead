/* TLS for REST and realtime against the emulator serving https:// and wss:// with a throwaway CA
 * (scripts/make-test-ca.sh): certificate verification is on by default, the right CA file passes, the system
 * store and an unrelated CA fail with AZAUDIO_ERR_TLS, and only an explicit opt-out skips verification. A spoken
 * turn over wss:// arrives whole: the loop reads a TLS connection once per wakeup when OpenSSL holds nothing more,
 * so a reply's last messages must not wait in a TLS buffer for traffic that never comes. Through an HTTP CONNECT
 * proxy (Tests/c/proxy_support.h) both work, the reply too, and through an HTTPS proxy (TLS inside TLS) its own
 * certificate is verified against proxy_ca_file; an empty proxy setting ignores the proxy variables.
 * emulator-options: --tls-cert build/tls/server.pem --tls-key build/tls/server.key --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "outcome_support.h"
#include "proxy_support.h"
#include "rest_support.h"
#include "realtime_pull_support.h"

#include <stdlib.h>
#include <string.h>

static const char *endpoint;

static const char *proxy_ca_file; /* for client_via's clients */

static azaudio_client *client_via(const char *ca_file, const char *ca_path, int insecure, const char *proxy) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = endpoint;
    o.api_key = getenv("AZURE_OPENAI_API_KEY");
    o.ca_file = ca_file;
    o.ca_path = ca_path;
    o.insecure_skip_tls_verify = insecure;
    o.proxy = proxy;
    o.proxy_ca_file = proxy_ca_file;
    o.max_retries = 0;
    azaudio_client *c = NULL;
    if (azaudio_client_create(&o, &c) != AZAUDIO_OK) {
        fprintf(stderr, "client: %s\n", azaudio_last_error());
        exit(2);
    }
    return c;
}

static azaudio_client *client_with(const char *ca_file, const char *ca_path, int insecure) {
    return client_via(ca_file, ca_path, insecure, NULL);
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
 * and response; every event up to RESPONSE_DONE must come with nothing more sent. Through `proxy` when not NULL
 * (then the loop reads until EAGAIN: it cannot ask OpenSSL what it holds under a proxy's own layer). */
static void check_spoken_reply_arrives(const char *proxy) {
    azaudio_client *c = client_via("build/tls/ca.pem", NULL, 0, proxy);
    uint8_t *question = NULL;
    size_t question_size = 0;
    CHECK(rest_speak_pcm(c, "What is the weather like in Seattle this weekend?", NULL, &question, &question_size));
    CHECK(question_size > 48000); /* over a second of 24 kHz PCM16: its append spans several TLS records */
    realtime_check_spoken_turn(c, question, question_size);
    azaudio_free(question);
    azaudio_client_destroy(c);
}

TEST(a_spoken_reply_over_wss_arrives_to_its_last_event) { check_spoken_reply_arrives(NULL); }

TEST(rest_and_realtime_go_through_an_http_proxy_when_one_is_set) {
    test_proxy proxy;
    CHECK(test_proxy_start(&proxy));
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", proxy.port);
    azaudio_client *c = client_via("build/tls/ca.pem", NULL, 0, url);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_OK);
    CHECK(test_proxy_tunnels(&proxy) >= 1);
    int after_rest = test_proxy_tunnels(&proxy);
    CHECK_RESULT(connect_outcome(c), AZAUDIO_OK);
    CHECK(test_proxy_tunnels(&proxy) > after_rest);
    azaudio_client_destroy(c);
    check_spoken_reply_arrives(url);
    test_proxy_stop(&proxy);
}

TEST(through_an_https_proxy_its_certificate_is_checked_against_proxy_ca_file) {
    test_proxy proxy;
    CHECK(test_proxy_start_with(&proxy, "build/tls/server.pem", "build/tls/server.key"));
    char url[64];
    snprintf(url, sizeof url, "https://127.0.0.1:%d", proxy.port);
    proxy_ca_file = NULL; /* the system's store: it does not trust the test CA, and ca_file is the service's only */
    azaudio_client *untrusted = client_via("build/tls/ca.pem", NULL, 0, url);
    CHECK_RESULT(speak_outcome(untrusted), AZAUDIO_ERR_TLS);
    CHECK_RESULT(connect_outcome(untrusted), AZAUDIO_ERR_TLS);
    azaudio_client_destroy(untrusted);
    CHECK(test_proxy_tunnels(&proxy) == 0);
    proxy_ca_file = "build/tls/other-ca.pem";
    azaudio_client *unrelated = client_via("build/tls/ca.pem", NULL, 1, url); /* (the opt-out is not the proxy's) */
    CHECK_RESULT(connect_outcome(unrelated), AZAUDIO_ERR_TLS);
    azaudio_client_destroy(unrelated);
    proxy_ca_file = "build/tls/ca.pem";
    azaudio_client *c = client_via("build/tls/ca.pem", NULL, 0, url);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_OK);
    CHECK_RESULT(connect_outcome(c), AZAUDIO_OK);
    CHECK(test_proxy_tunnels(&proxy) >= 2);
    azaudio_client_destroy(c);
    check_spoken_reply_arrives(url);
    proxy_ca_file = NULL;
    test_proxy_stop(&proxy);
}

TEST(an_empty_proxy_setting_ignores_the_proxy_variables) {
    /* https_proxy names a port nothing listens on: libcurl's default (proxy NULL) uses it and fails; "" does not. */
    setenv("https_proxy", "http://127.0.0.1:9", 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    azaudio_client *direct = client_via("build/tls/ca.pem", NULL, 0, "");
    CHECK_RESULT(speak_outcome(direct), AZAUDIO_OK);
    CHECK_RESULT(connect_outcome(direct), AZAUDIO_OK);
    azaudio_client_destroy(direct);
    azaudio_client *by_default = client_via("build/tls/ca.pem", NULL, 0, NULL);
    CHECK_RESULT(speak_outcome(by_default), AZAUDIO_ERR_NETWORK);
    CHECK_RESULT(connect_outcome(by_default), AZAUDIO_ERR_NETWORK);
    azaudio_client_destroy(by_default);
    unsetenv("https_proxy");
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
    RUN(rest_and_realtime_go_through_an_http_proxy_when_one_is_set);
    RUN(through_an_https_proxy_its_certificate_is_checked_against_proxy_ca_file);
    RUN(an_empty_proxy_setting_ignores_the_proxy_variables);
    return check_summary();
}
