/* The client object through the C ABI: versions, result codes, options, create/destroy, environment, bad input. */
#define _POSIX_C_SOURCE 200809L
#include "azaudio.h"
#include "check.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static azaudio_result create_with(const char *endpoint, const char *api_version, azaudio_client **out) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = endpoint;
    o.api_key = "test-key";
    o.api_version = api_version;
    return azaudio_client_create(&o, out);
}

/* Creates a client for `endpoint` and checks the normalised form. */
static void check_normalises(const char *endpoint, const char *expected) {
    azaudio_client *c = NULL;
    CHECK_RESULT(create_with(endpoint, NULL, &c), AZAUDIO_OK);
    if (c) {
        if (strcmp(azaudio_client_endpoint(c), expected) != 0) {
            fprintf(stderr, "  '%s' normalised to '%s', expected '%s'\n", endpoint, azaudio_client_endpoint(c),
                    expected);
            CHECK(0);
        }
        azaudio_client_destroy(c);
    }
}

static void check_rejected(const char *endpoint, const char *message_part) {
    azaudio_client *c = (azaudio_client *)0x1;
    CHECK_RESULT(create_with(endpoint, NULL, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(c == (azaudio_client *)0x1); /* untouched on failure */
    CHECK_STR_CONTAINS(azaudio_last_error(), message_part);
}

TEST(version_matches_header) {
    CHECK(azaudio_version_number() == AZAUDIO_VERSION_NUMBER);
    CHECK(strcmp(azaudio_version_string(), AZAUDIO_VERSION_STRING) == 0);
    CHECK(AZAUDIO_VERSION_NUMBER ==
          AZAUDIO_VERSION_MAJOR * 1000000 + AZAUDIO_VERSION_MINOR * 1000 + AZAUDIO_VERSION_PATCH);
}

TEST(every_result_code_has_text_and_unknown_codes_say_so) {
    for (int code = AZAUDIO_OK; code <= AZAUDIO_ERR_INTERNAL; code++) {
        const char *text = azaudio_result_string(code);
        CHECK(text != NULL && text[0] != '\0' && strcmp(text, "unknown result code") != 0);
    }
    CHECK(strcmp(azaudio_result_string(9999), "unknown result code") == 0);
    CHECK(strcmp(azaudio_result_string(-1), "unknown result code") == 0);
    CHECK(strcmp(azaudio_result_string(AZAUDIO_ERR_RATE_LIMITED), "rate limited") == 0);
}

TEST(options_init_fills_defaults_and_rejects_null) {
    azaudio_client_options o;
    memset(&o, 0xAB, sizeof o);
    CHECK_RESULT(AZAUDIO_INIT(client_options, &o), AZAUDIO_OK);
    CHECK(o.struct_size == sizeof o);
    CHECK(o.endpoint == NULL && o.api_key == NULL && o.api_version == NULL && o.token_provider == NULL);
    CHECK(o.connect_timeout_ms == 10000);
    CHECK(o.timeout_ms == 0);
    CHECK(o.max_retries == 2);
    CHECK(o.max_retry_wait_ms == 60000);
    CHECK(o.insecure_skip_tls_verify == 0);
    CHECK(o.log_level == AZAUDIO_LOG_WARN);
    CHECK_RESULT(azaudio_client_options_init(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    /* The unsized init kept for programs already built fills the same defaults. */
    azaudio_client_options unsized;
    memset(&unsized, 0xAB, sizeof unsized);
    CHECK_RESULT(azaudio_client_options_init(&unsized), AZAUDIO_OK);
    CHECK(unsized.struct_size == sizeof unsized && unsized.connect_timeout_ms == 10000 && unsized.max_retries == 2);
    CHECK(unsized.max_retry_wait_ms == 60000 && unsized.log_level == AZAUDIO_LOG_WARN && unsized.endpoint == NULL);
}

TEST(create_rejects_null_options_and_null_out) {
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(NULL, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "options is NULL");
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = "https://x.openai.azure.com";
    o.api_key = "k";
    CHECK_RESULT(azaudio_client_create(&o, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out_client is NULL");
}

TEST(create_rejects_struct_size_zero_or_too_small) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = "https://x.openai.azure.com";
    o.api_key = "k";
    azaudio_client *c = NULL;
    o.struct_size = 0;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "struct_size");
    o.struct_size = 4;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "azaudio_client_options_init");
    CHECK(c == NULL);
}

TEST(create_accepts_a_larger_struct_from_a_newer_header) {
    /* A caller compiled against a future header passes a bigger struct: the library reads what it knows. */
    struct {
        azaudio_client_options known;
        char future[64];
    } bigger;
    memset(&bigger, 0, sizeof bigger);
    AZAUDIO_INIT(client_options, &bigger.known);
    bigger.known.struct_size = sizeof bigger;
    bigger.known.endpoint = "https://x.openai.azure.com";
    bigger.known.api_key = "k";
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(&bigger.known, &c), AZAUDIO_OK);
    azaudio_client_destroy(c);
}

TEST(create_reads_only_the_declared_fields_of_the_first_release_struct) {
    /* A caller may declare the struct up to its last field (no tail padding): the library must accept it. */
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = "https://x.openai.azure.com";
    o.api_key = "k";
    o.struct_size = (uint32_t)(offsetof(azaudio_client_options, log_level) + sizeof o.log_level);
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_OK);
    azaudio_client_destroy(c);
}

TEST(create_rejects_missing_endpoint) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.api_key = "k";
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "endpoint is NULL");
}

TEST(create_rejects_malformed_endpoints_with_clear_messages) {
    check_rejected("", "endpoint is empty");
    check_rejected("   ", "endpoint is empty");
    check_rejected("x.openai.azure.com", "is not a URL");
    check_rejected("ftp://x.openai.azure.com", "scheme 'ftp' is not supported");
    check_rejected("https://", "has no host");
    check_rejected("https:///openai", "has no host");
    check_rejected("https://exa mple.com", "spaces or control characters");
    check_rejected("https://user:secret@x.openai.azure.com", "must not contain user credentials");
    check_rejected("https://x.openai.azure.com:99999", "port");
    check_rejected("https://x.openai.azure.com:abc", "port");
    check_rejected("https://bad$host.com", "not a valid host name");
    check_rejected("https://[::1", "unterminated IPv6");
}

TEST(create_normalises_every_pasted_endpoint_form) {
    check_normalises("https://name.openai.azure.com", "https://name.openai.azure.com");
    check_normalises("https://name.openai.azure.com/", "https://name.openai.azure.com");
    check_normalises("https://name.openai.azure.com///", "https://name.openai.azure.com");
    check_normalises("https://name.openai.azure.com/openai", "https://name.openai.azure.com");
    check_normalises("https://name.openai.azure.com/openai/", "https://name.openai.azure.com");
    check_normalises("  https://NAME.openai.azure.com/openai/v1/  ", "https://name.openai.azure.com");
    check_normalises(
        "https://name.openai.azure.com/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21",
        "https://name.openai.azure.com");
    check_normalises(
        "wss://name.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-realtime",
        "https://name.openai.azure.com");
    check_normalises("http://127.0.0.1:8080", "http://127.0.0.1:8080");
    check_normalises("http://[::1]:8080/openai", "http://[::1]:8080");
    check_normalises("https://gateway.example.com/team-a/openai", "https://gateway.example.com/team-a");
}

TEST(create_requires_exactly_one_credential) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = "https://x.openai.azure.com";
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "no credential");
    o.api_key = "k";
    o.bearer_token = "t";
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "conflicting credentials");
    o.api_key = "";
    o.bearer_token = NULL;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "api_key is empty");
    o.api_key = "key\r\nX-Injected: 1";
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(c == NULL);
}

TEST(create_validates_api_version_and_option_values) {
    azaudio_client *c = NULL;
    const char *good[] = {"2024-10-21", "2025-04-01-preview", "v1", "preview", "V1"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        CHECK_RESULT(create_with("https://x.openai.azure.com", good[i], &c), AZAUDIO_OK);
        azaudio_client_destroy(c);
        c = NULL;
    }
    CHECK_RESULT(create_with("https://x.openai.azure.com", "yesterday", &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "api_version 'yesterday' is not valid");
    CHECK_RESULT(create_with("https://x.openai.azure.com/openai/v1", "2024-10-21", &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "names the v1 API");

    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = "https://x.openai.azure.com";
    o.api_key = "k";
    o.max_retries = -1;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "max_retries");
    o.max_retries = 2;
    o.log_level = 42;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "log_level");
    o.log_level = AZAUDIO_LOG_DEBUG;
    o.user_agent_suffix = "app/1.0\r\nEvil: 1";
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(c == NULL);
}

TEST(api_key_never_appears_in_error_messages) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = "https://x.openai.azure.com";
    o.api_key = "SUPER-SECRET-KEY-1234";
    o.api_version = "not-a-version";
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(strstr(azaudio_last_error(), "SUPER-SECRET") == NULL);
}

TEST(destroy_null_is_a_no_op) {
    azaudio_client_destroy(NULL);
    CHECK(azaudio_client_endpoint(NULL) == NULL);
}

TEST(create_from_env_reads_the_azure_openai_variables) {
    char *saved_endpoint = getenv("AZURE_OPENAI_ENDPOINT") ? strdup(getenv("AZURE_OPENAI_ENDPOINT")) : NULL;
    char *saved_key = getenv("AZURE_OPENAI_API_KEY") ? strdup(getenv("AZURE_OPENAI_API_KEY")) : NULL;
    azaudio_client *c = NULL;

    unsetenv("AZURE_OPENAI_ENDPOINT");
    unsetenv("AZURE_OPENAI_API_KEY");
    unsetenv("AZURE_OPENAI_AD_TOKEN");
    unsetenv("OPENAI_API_VERSION");
    CHECK_RESULT(azaudio_client_create_from_env(NULL, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "AZURE_OPENAI_ENDPOINT is not set");

    setenv("AZURE_OPENAI_ENDPOINT", "https://env-name.openai.azure.com/", 1);
    CHECK_RESULT(azaudio_client_create_from_env(NULL, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "AZURE_OPENAI_API_KEY");

    setenv("AZURE_OPENAI_AD_TOKEN", "eyJ0eXAiOiJKV1Qi.token", 1);
    CHECK_RESULT(azaudio_client_create_from_env(NULL, &c), AZAUDIO_OK);
    if (c) CHECK(strcmp(azaudio_client_endpoint(c), "https://env-name.openai.azure.com") == 0);
    azaudio_client_destroy(c);
    c = NULL;

    setenv("AZURE_OPENAI_API_KEY", "env-key", 1);
    setenv("OPENAI_API_VERSION", "bogus", 1);
    CHECK_RESULT(azaudio_client_create_from_env(NULL, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "api_version 'bogus'");
    setenv("OPENAI_API_VERSION", "2024-10-21", 1);

    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.max_retries = 5;
    CHECK_RESULT(azaudio_client_create_from_env(&o, &c), AZAUDIO_OK);
    azaudio_client_destroy(c);
    c = NULL;
    o.endpoint = "https://other.openai.azure.com";
    CHECK_RESULT(azaudio_client_create_from_env(&o, &c), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "must not set endpoint or credentials");
    CHECK_RESULT(azaudio_client_create_from_env(NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);

    unsetenv("AZURE_OPENAI_AD_TOKEN");
    unsetenv("OPENAI_API_VERSION");
    if (saved_endpoint)
        setenv("AZURE_OPENAI_ENDPOINT", saved_endpoint, 1);
    else
        unsetenv("AZURE_OPENAI_ENDPOINT");
    if (saved_key)
        setenv("AZURE_OPENAI_API_KEY", saved_key, 1);
    else
        unsetenv("AZURE_OPENAI_API_KEY");
    free(saved_endpoint);
    free(saved_key);
}

TEST(client_last_error_is_empty_for_a_new_client_and_checks_its_arguments) {
    azaudio_client *c = NULL;
    CHECK_RESULT(create_with("https://x.openai.azure.com", NULL, &c), AZAUDIO_OK);
    azaudio_error_details d;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    CHECK_RESULT(azaudio_client_last_error(c, &d), AZAUDIO_OK);
    CHECK(d.result == AZAUDIO_OK && d.http_status == 0);
    CHECK(d.message && d.message[0] == '\0' && d.request_id && d.service_code && d.raw_body);
    CHECK_RESULT(azaudio_client_last_error(c, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_client_last_error(NULL, &d), AZAUDIO_ERR_INVALID_ARGUMENT);
    d.struct_size = 0;
    CHECK_RESULT(azaudio_client_last_error(c, &d), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_client_destroy(c);
}

static void *fail_on_a_thread(void *arg) {
    (void)arg;
    azaudio_client *c = NULL;
    create_with("nonsense", NULL, &c);
    return NULL;
}

TEST(last_error_is_per_thread) {
    azaudio_client *c = NULL;
    create_with("ftp://first", NULL, &c);
    CHECK_STR_CONTAINS(azaudio_last_error(), "ftp");
    pthread_t t;
    pthread_create(&t, NULL, fail_on_a_thread, NULL);
    pthread_join(t, NULL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "ftp"); /* the other thread's failure did not replace ours */
}

static void *create_destroy_many(void *arg) {
    (void)arg;
    for (int i = 0; i < 200; i++) {
        azaudio_client *c = NULL;
        if (create_with("https://x.openai.azure.com", NULL, &c) != AZAUDIO_OK) return (void *)1;
        azaudio_client_destroy(c);
    }
    return NULL;
}

TEST(clients_are_created_and_destroyed_concurrently) {
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) pthread_create(&threads[i], NULL, create_destroy_many, NULL);
    for (int i = 0; i < 8; i++) {
        void *rc = NULL;
        pthread_join(threads[i], &rc);
        CHECK(rc == NULL);
    }
}

int main(void) {
    RUN(version_matches_header);
    RUN(every_result_code_has_text_and_unknown_codes_say_so);
    RUN(options_init_fills_defaults_and_rejects_null);
    RUN(create_rejects_null_options_and_null_out);
    RUN(create_rejects_struct_size_zero_or_too_small);
    RUN(create_accepts_a_larger_struct_from_a_newer_header);
    RUN(create_reads_only_the_declared_fields_of_the_first_release_struct);
    RUN(create_rejects_missing_endpoint);
    RUN(create_rejects_malformed_endpoints_with_clear_messages);
    RUN(create_normalises_every_pasted_endpoint_form);
    RUN(create_requires_exactly_one_credential);
    RUN(create_validates_api_version_and_option_values);
    RUN(api_key_never_appears_in_error_messages);
    RUN(destroy_null_is_a_no_op);
    RUN(create_from_env_reads_the_azure_openai_variables);
    RUN(client_last_error_is_empty_for_a_new_client_and_checks_its_arguments);
    RUN(last_error_is_per_thread);
    RUN(clients_are_created_and_destroyed_concurrently);
    return check_summary();
}
