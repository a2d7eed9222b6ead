/* TLS for REST and realtime against the emulator serving https:// and wss:// with a throwaway CA
 * (scripts/make-test-ca.sh): certificate verification is on by default, the right CA file passes, the system
 * store and an unrelated CA fail with AZAUDIO_ERR_TLS, and only an explicit opt-out skips verification.
 * emulator-options: --tls-cert build/tls/server.pem --tls-key build/tls/server.key --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "outcome_support.h"

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
    return check_summary();
}
