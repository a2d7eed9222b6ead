/* Long bearer tokens are sent whole (issue 16): a 12 KiB fixed bearer_token and a token provider's token at the
 * documented maximum (512 KiB - 1 bytes; the maximum was 1 MiB - 1, which libcurl refused as "out of memory"), on a
 * REST call and on the realtime handshake. The emulator (started with a header limit above the maximum) answers 401,
 * since the token is not its key, and its request log records each bearer token's length and SHA-256, never the token:
 * the test compares them with the token it sent. A token cut at 8 KiB, or anywhere, gives another length and digest.
 * emulator-options: --max-header-bytes 1100000 */
#define _GNU_SOURCE
#include "check.h"
#include "outcome_support.h"
#include "rest_support.h"

#include <openssl/sha.h>

#define MAX_TOKEN ((1u << 19) - 1) /* the header's documented maximum */

/* A token of `n` bytes from the characters a JWT uses, different at every position (no repeating period that a
 * truncation could hide behind). */
static char *make_token(size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    char *t = malloc(n + 1);
    uint64_t x = 0x9E3779B97F4A7C15u ^ n;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t[i] = alphabet[x % (sizeof alphabet - 1)];
    }
    t[n] = 0;
    return t;
}

/* The log fragment the emulator writes for a bearer token: its length and its SHA-256. */
static void expected_record(const char *token, char *out, size_t out_size) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, strlen(token), digest);
    char hex[2 * SHA256_DIGEST_LENGTH + 1];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) sprintf(hex + 2 * i, "%02x", digest[i]);
    snprintf(out, out_size, "\"bytes\": %zu, \"sha256\": \"%s\"", strlen(token), hex);
}

/* The emulator received `token` whole (some logged request carries its length and digest) and never logged it. */
static int emulator_received_whole(const char *token) {
    char record[160];
    expected_record(token, record, sizeof record);
    char *log = emulator_requests();
    int ok = log && strstr(log, record) != NULL;
    if (!ok) fprintf(stderr, "  expected %s in the request log\n", record);
    CHECK(log && strstr(log, token + strlen(token) - 64) == NULL); /* no part of the token itself */
    free(log);
    return ok;
}

static azaudio_client *bearer_client(const char *token, azaudio_token_fn provider, void *user) {
    azaudio_client_options o;
    azaudio_client_options_init(&o);
    o.endpoint = rest_endpoint;
    o.bearer_token = token;
    o.token_provider = provider;
    o.token_provider_user_data = user;
    o.max_retries = 0;
    azaudio_client *c = NULL;
    if (azaudio_client_create(&o, &c) != AZAUDIO_OK) fprintf(stderr, "client: %s\n", azaudio_last_error());
    return c;
}

typedef struct {
    const char *token;
    int calls;
} provider_state;

static int64_t provide(int32_t reason, char *buffer, size_t buffer_size, void *user) {
    (void)reason;
    provider_state *p = user;
    p->calls++;
    size_t n = strlen(p->token);
    if (n + 1 > buffer_size) return (int64_t)n;
    memcpy(buffer, p->token, n + 1);
    return (int64_t)n;
}

TEST(a_12_kib_bearer_token_reaches_the_service_whole_on_a_rest_call) {
    emulator_reset();
    char *token = make_token(12 * 1024);
    azaudio_client *c = bearer_client(token, NULL, NULL);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_ERR_AUTH); /* the emulator's key is another: 401 */
    CHECK(emulator_received_whole(token));
    azaudio_client_destroy(c);
    free(token);
}

TEST(a_12_kib_bearer_token_reaches_the_service_whole_on_the_realtime_handshake) {
    emulator_reset();
    char *token = make_token(12 * 1024);
    azaudio_client *c = bearer_client(token, NULL, NULL);
    CHECK_RESULT(connect_outcome(c), AZAUDIO_ERR_AUTH);
    CHECK(emulator_received_whole(token));
    azaudio_client_destroy(c);
    free(token);
}

TEST(a_provided_token_at_the_documented_maximum_reaches_the_service_whole_on_both) {
    emulator_reset();
    provider_state p = {make_token(MAX_TOKEN), 0};
    azaudio_client *c = bearer_client(NULL, provide, &p);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_ERR_AUTH);
    CHECK(p.calls >= 2); /* asked again with a buffer that fits */
    CHECK(emulator_received_whole(p.token));
    emulator_reset();
    CHECK_RESULT(connect_outcome(c), AZAUDIO_ERR_AUTH);
    CHECK(emulator_received_whole(p.token));
    azaudio_client_destroy(c);
    free((char *)p.token);
}

TEST(a_provided_token_over_the_maximum_is_an_auth_error_and_nothing_is_sent) {
    emulator_reset();
    provider_state p = {make_token(MAX_TOKEN + 1), 0};
    azaudio_client *c = bearer_client(NULL, provide, &p);
    CHECK_RESULT(speak_outcome(c), AZAUDIO_ERR_AUTH);
    CHECK_STR_CONTAINS(azaudio_last_error(), "524288 bytes");
    CHECK(emulator_request_count() == 0);
    azaudio_client_destroy(c);
    free((char *)p.token);
}

TEST(a_fixed_bearer_token_over_the_maximum_is_refused_when_the_client_is_made) {
    char *token = make_token(MAX_TOKEN + 1);
    azaudio_client_options o;
    azaudio_client_options_init(&o);
    o.endpoint = rest_endpoint;
    o.bearer_token = token;
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "bearer_token is 524288 bytes");
    CHECK(c == NULL);
    free(token);
}

int main(void) {
    rest_setup();
    RUN(a_12_kib_bearer_token_reaches_the_service_whole_on_a_rest_call);
    RUN(a_12_kib_bearer_token_reaches_the_service_whole_on_the_realtime_handshake);
    RUN(a_provided_token_at_the_documented_maximum_reaches_the_service_whole_on_both);
    RUN(a_provided_token_over_the_maximum_is_an_auth_error_and_nothing_is_sent);
    RUN(a_fixed_bearer_token_over_the_maximum_is_refused_when_the_client_is_made);
    rest_teardown();
    return check_summary();
}
