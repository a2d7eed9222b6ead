/* A realtime session over ws:// through an HTTP CONNECT proxy (Tests/c/proxy_support.h): the connection is a
 * tunnel the proxy opened, and a spoken turn arrives to its last event through it; through an HTTPS proxy too,
 * where the plain WebSocket rides inside the proxy's TLS (the test CA from scripts/make-test-ca.sh, as
 * proxy_ca_file). (wss:// and https:// through a proxy: test_tls.c.)
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "proxy_support.h"
#include "rest_support.h"
#include "realtime_pull_support.h"

#include <stdio.h>

/* A spoken turn through a proxy started with this certificate (NULL: a plain HTTP proxy). */
static void check_turn_through_proxy(const char *cert, const char *key) {
    test_proxy proxy;
    CHECK(test_proxy_start_with(&proxy, cert, key));
    char url[64];
    snprintf(url, sizeof url, "%s://127.0.0.1:%d", cert ? "https" : "http", proxy.port);
    azaudio_client *direct = rest_client();
    uint8_t *question = NULL;
    size_t question_size = 0;
    CHECK(rest_speak_pcm(direct, "What time is it?", NULL, &question, &question_size));
    azaudio_client_destroy(direct);
    azaudio_client_options o = rest_client_options();
    o.proxy = url;
    o.proxy_ca_file = cert ? "build/tls/ca.pem" : NULL;
    azaudio_client *proxied = rest_client_from(&o);
    realtime_check_spoken_turn(proxied, question, question_size);
    CHECK(test_proxy_tunnels(&proxy) == 1);
    azaudio_client_destroy(proxied);
    azaudio_free(question);
    test_proxy_stop(&proxy);
}

TEST(a_spoken_turn_over_ws_through_an_http_proxy_arrives_to_its_last_event) { check_turn_through_proxy(NULL, NULL); }

TEST(a_spoken_turn_over_ws_through_an_https_proxy_arrives_to_its_last_event) {
    check_turn_through_proxy("build/tls/server.pem", "build/tls/server.key");
}

int main(void) {
    rest_setup();
    RUN(a_spoken_turn_over_ws_through_an_http_proxy_arrives_to_its_last_event);
    RUN(a_spoken_turn_over_ws_through_an_https_proxy_arrives_to_its_last_event);
    rest_teardown();
    return check_summary();
}
