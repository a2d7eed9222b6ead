/* The GA protocol's typed session settings and events through the C ABI, against the local emulator: what each
 * setting puts into session.update (as the emulator received it), bad values refused before anything is sent,
 * conversation-only options refused in transcription and translation sessions, the idle timeout, rate limits,
 * out-of-band responses, image items, and the MCP events decoded.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"

#include <math.h>
#include <string.h>

typedef struct {
    int count[64];
    int out_of_band[64]; /* per type: events marked out of band */
    char text[1024];
    char created_json[4096];
    char done_json[4096];
    int64_t timeout_start, timeout_end;
    int64_t requests_limit, requests_remaining, tokens_limit;
    double requests_reset;
    int has_unknown_limit;
    char mcp_items[256];
    char mcp_arguments[256];
} seen;

static void record(void *user, const azaudio_realtime_event *e) {
    seen *s = user;
    int t = azaudio_realtime_event_type(e);
    if (t >= 0 && t < 64) {
        s->count[t]++;
        s->out_of_band[t] += azaudio_realtime_event_out_of_band(e);
    }
    switch (t) {
    case AZAUDIO_EVENT_TEXT_DELTA:
        strncat(s->text, azaudio_realtime_event_text(e), sizeof s->text - strlen(s->text) - 1);
        break;
    case AZAUDIO_EVENT_RESPONSE_CREATED:
        snprintf(s->created_json, sizeof s->created_json, "%s", azaudio_realtime_event_json(e));
        break;
    case AZAUDIO_EVENT_RESPONSE_DONE:
        snprintf(s->done_json, sizeof s->done_json, "%s", azaudio_realtime_event_json(e));
        break;
    case AZAUDIO_EVENT_INPUT_TIMEOUT_TRIGGERED:
        CHECK(azaudio_realtime_event_audio_range(e, &s->timeout_start, &s->timeout_end) == 1);
        CHECK(azaudio_realtime_event_item_id(e)[0] != '\0');
        break;
    case AZAUDIO_EVENT_RATE_LIMITS_UPDATED: {
        int64_t unused = 0;
        CHECK(azaudio_realtime_event_rate_limit(e, "requests", &s->requests_limit, &s->requests_remaining,
                                                &s->requests_reset) == 1);
        CHECK(azaudio_realtime_event_rate_limit(e, "tokens", &s->tokens_limit, NULL, NULL) == 1);
        s->has_unknown_limit = azaudio_realtime_event_rate_limit(e, "minutes", &unused, NULL, NULL);
        CHECK(unused == -1);
        break;
    }
    case AZAUDIO_EVENT_MCP_LIST_TOOLS_IN_PROGRESS:
    case AZAUDIO_EVENT_MCP_LIST_TOOLS_COMPLETED:
    case AZAUDIO_EVENT_MCP_CALL_IN_PROGRESS:
    case AZAUDIO_EVENT_MCP_CALL_COMPLETED:
    case AZAUDIO_EVENT_MCP_CALL_FAILED:
        strncat(s->mcp_items, azaudio_realtime_event_item_id(e), sizeof s->mcp_items - strlen(s->mcp_items) - 2);
        strcat(s->mcp_items, ",");
        break;
    case AZAUDIO_EVENT_MCP_CALL_ARGUMENTS_DELTA:
        strncat(s->mcp_arguments, azaudio_realtime_event_text(e),
                sizeof s->mcp_arguments - strlen(s->mcp_arguments) - 1);
        break;
    case AZAUDIO_EVENT_MCP_CALL_ARGUMENTS_DONE:
        CHECK(strcmp(azaudio_realtime_event_text(e), s->mcp_arguments) == 0);
        break;
    default:
        break;
    }
}

static int pull_until(azaudio_realtime_session *session, seen *s, int until, double seconds) {
    return realtime_pull_until(session, record, s, until, seconds, 100);
}

static void send_speech_then_silence(azaudio_realtime_session *s, int silence_ms) {
    for (size_t off = 0; off < speech_size; off += 9600) {
        size_t n = speech_size - off < 9600 ? speech_size - off : 9600;
        CHECK_RESULT(azaudio_realtime_send_audio(s, speech_pcm + off, n), AZAUDIO_OK);
    }
    static uint8_t silence[4800]; /* 100 ms */
    for (int i = 0; i < silence_ms / 100; i++)
        CHECK_RESULT(azaudio_realtime_send_audio(s, silence, sizeof silence), AZAUDIO_OK);
}

static azaudio_realtime_options ga_options(void) {
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    return o;
}

/* A fresh log, then a GA session without turn detection (the test commits and asks for responses itself). */
static azaudio_realtime_session *connect_manual(void) {
    emulator_reset();
    azaudio_realtime_options o = ga_options();
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    return s;
}

TEST(typed_ga_settings_reach_session_update_in_the_spec_shapes) {
    emulator_reset();
    azaudio_realtime_options o = ga_options();
    o.noise_reduction = AZAUDIO_NOISE_REDUCTION_FAR_FIELD;
    o.idle_timeout_ms = 6000;
    o.reasoning_effort = "low";
    o.truncation = AZAUDIO_TRUNCATION_RETENTION_RATIO;
    o.truncation_retention_ratio = 0.5;
    o.truncation_post_instructions_tokens = 1000;
    o.output_speed = 1.25;
    o.voice = "voice_abc123";
    o.input_transcription_deployment = "gpt-4o-transcribe";
    o.transcription_logprobs = 1;
    o.parallel_tool_calls = 0;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"session_updates\"");
    CHECK_STR_CONTAINS(log, "\"noise_reduction\": {\"type\": \"far_field\"}");
    CHECK_STR_CONTAINS(log, "\"idle_timeout_ms\": 6000");
    CHECK_STR_CONTAINS(log, "\"reasoning\": {\"effort\": \"low\"}");
    CHECK_STR_CONTAINS(log, "\"truncation\": {\"type\": \"retention_ratio\", \"retention_ratio\": 0.5, "
                            "\"token_limits\": {\"post_instructions\": 1000}}");
    CHECK_STR_CONTAINS(log, "\"speed\": 1.25");
    CHECK_STR_CONTAINS(log, "\"voice\": {\"id\": \"voice_abc123\"}");
    CHECK_STR_CONTAINS(log, "\"include\": [\"item.input_audio_transcription.logprobs\"]");
    CHECK_STR_CONTAINS(log, "\"parallel_tool_calls\": false");
    CHECK_STR_CONTAINS(log, "\"max_output_tokens\": \"inf\"");
    free(log);
    azaudio_realtime_destroy(s);

    emulator_reset();
    o = ga_options();
    o.noise_reduction = AZAUDIO_NOISE_REDUCTION_OFF;
    o.truncation = AZAUDIO_TRUNCATION_DISABLED;
    o.parallel_tool_calls = 1;
    o.max_output_tokens = 300;
    s = connect_with(&o);
    CHECK(s != NULL);
    log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"noise_reduction\": null");
    CHECK_STR_CONTAINS(log, "\"truncation\": \"disabled\"");
    CHECK_STR_CONTAINS(log, "\"parallel_tool_calls\": true");
    CHECK_STR_CONTAINS(log, "\"max_output_tokens\": 300");
    CHECK(strstr(log, "\"reasoning\"") == NULL); /* unset: not sent */
    CHECK(strstr(log, "\"speed\"") == NULL);
    free(log);
    azaudio_realtime_destroy(s);
}

/* Connect must fail with INVALID_ARGUMENT and a message containing `needle`. */
static void refused(const azaudio_realtime_options *o, const char *needle) {
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), needle);
    CHECK(s == NULL);
}

TEST(bad_ga_settings_are_refused_before_anything_is_sent) {
    emulator_reset();
    azaudio_realtime_options o = ga_options();
    o.idle_timeout_ms = 1000;
    refused(&o, "idle_timeout_ms 1000 is outside 5000 ... 30000");
    o.idle_timeout_ms = -5; /* only 0 means not sent */
    refused(&o, "idle_timeout_ms -5 is outside 5000 ... 30000");
    o = ga_options();
    o.idle_timeout_ms = 8000;
    o.turn_detection = AZAUDIO_TURN_SEMANTIC_VAD;
    refused(&o, "idle_timeout_ms needs server VAD");
    o = ga_options();
    o.reasoning_effort = "maximum";
    refused(&o, "reasoning_effort 'maximum'");
    o = ga_options();
    o.truncation = 9;
    refused(&o, "options->truncation is 9");
    o = ga_options();
    o.truncation = AZAUDIO_TRUNCATION_RETENTION_RATIO;
    refused(&o, "truncation_retention_ratio -1"); /* required with a retention ratio */
    o.truncation_retention_ratio = 1.5;
    refused(&o, "truncation_retention_ratio 1.5");
    o.truncation_retention_ratio = 0.8;
    o.truncation_post_instructions_tokens = -7;
    refused(&o, "truncation_post_instructions_tokens");
    o = ga_options();
    o.truncation_retention_ratio = 0.8; /* without AZAUDIO_TRUNCATION_RETENTION_RATIO */
    refused(&o, "truncation is not AZAUDIO_TRUNCATION_RETENTION_RATIO");
    o = ga_options();
    o.output_speed = 2.0;
    refused(&o, "output_speed 2.0 is outside 0.25 ... 1.5");
    o.output_speed = 0.1;
    refused(&o, "output_speed");
    o.output_speed = NAN;
    refused(&o, "output_speed nan is outside 0.25 ... 1.5");
    o = ga_options();
    o.parallel_tool_calls = 2;
    refused(&o, "parallel_tool_calls is 2");
    o = ga_options();
    o.transcription_logprobs = 1; /* no input transcription to give log probabilities of */
    refused(&o, "set input_transcription_deployment");
    o = ga_options();
    o.noise_reduction = 7;
    refused(&o, "noise_reduction is 7");
    o = ga_options();
    o.protocol = AZAUDIO_REALTIME_PREVIEW;
    o.reasoning_effort = "low";
    refused(&o, "reasoning_effort is part of the GA realtime protocol only");
    o.reasoning_effort = NULL;
    o.voice = "voice_abc123";
    refused(&o, "custom voice id");
    o = ga_options();
    o.max_output_tokens = 5000;
    refused(&o, "max_output_tokens 5000");
    CHECK(emulator_request_count() == 0);
}

TEST(conversation_only_options_are_refused_by_transcription_and_translation_sessions) {
    emulator_reset();
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.session_kind = AZAUDIO_SESSION_TRANSCRIPTION;
    o.deployment = "gpt-4o-transcribe";
    o.instructions = "Be brief.";
    refused(&o, "options->instructions is for conversation sessions only; a transcription session");
    o.instructions = NULL;
    o.idle_timeout_ms = 6000;
    refused(&o, "idle_timeout_ms is for conversation sessions only");
    o.idle_timeout_ms = 0;
    o.input_transcription_deployment = "whisper";
    refused(&o, "its transcribing deployment is options->deployment");
    azaudio_realtime_options_init(&o);
    o.session_kind = AZAUDIO_SESSION_TRANSLATION;
    o.deployment = "gpt-realtime-translate";
    o.translation_language = "es";
    o.voice = "marin";
    o.tools_json = "[]";
    o.text_only = 1;
    refused(&o, "options->voice, tools_json, text_only are for conversation sessions only; a translation session");
    CHECK(emulator_request_count() == 0);
}

TEST(the_idle_timeout_fires_after_a_reply_and_rate_limits_are_typed) {
    emulator_reset();
    azaudio_realtime_options o = ga_options();
    o.idle_timeout_ms = 5000;
    o.text_only = 1;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    send_speech_then_silence(s, 1000);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RATE_LIMITS_UPDATED, 30));
    CHECK(got.count[AZAUDIO_EVENT_RESPONSE_DONE] == 1);
    CHECK(got.requests_limit == 1000 && got.requests_remaining == 999);
    CHECK(got.requests_reset > 0);
    CHECK(got.tokens_limit == 50000);
    CHECK(got.has_unknown_limit == 0);
    CHECK(got.count[AZAUDIO_EVENT_INPUT_TIMEOUT_TRIGGERED] == 0);
    /* The reply is done: 6 s of silence exceed the 5 s idle timeout. */
    static uint8_t silence[4800];
    for (int i = 0; i < 60; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, silence, sizeof silence), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_INPUT_TIMEOUT_TRIGGERED, 30));
    CHECK(got.timeout_end - got.timeout_start >= 5000);
    CHECK(got.timeout_start >= 0);
    /* the service commits the silence and answers it */
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30));
    CHECK(got.count[AZAUDIO_EVENT_RESPONSE_DONE] == 2);
    azaudio_realtime_destroy(s);
}

TEST(an_out_of_band_response_is_marked_and_sent_with_its_own_settings) {
    azaudio_realtime_session *s = connect_manual();
    if (!s) return;
    azaudio_realtime_response_options r;
    CHECK_RESULT(azaudio_realtime_response_options_init(&r), AZAUDIO_OK);
    r.out_of_band = 1;
    r.instructions = "Classify the message.";
    r.modality = AZAUDIO_RESPONSE_MODALITY_TEXT;
    r.max_output_tokens = AZAUDIO_MAX_OUTPUT_TOKENS_INF;
    r.metadata_json = "{\"purpose\":\"classify\"}";
    r.input_json = "[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                   "\"text\":\"is this spam\"}]}]";
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_OK);
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30));
    CHECK(got.out_of_band[AZAUDIO_EVENT_RESPONSE_CREATED] == 1);
    CHECK(got.count[AZAUDIO_EVENT_TEXT_DELTA] >= 1);
    CHECK(got.out_of_band[AZAUDIO_EVENT_TEXT_DELTA] == got.count[AZAUDIO_EVENT_TEXT_DELTA]);
    CHECK(got.out_of_band[AZAUDIO_EVENT_RESPONSE_DONE] == 1);
    CHECK_STR_CONTAINS(got.text, "is this spam");
    CHECK_STR_CONTAINS(got.done_json, "\"purpose\": \"classify\"");
    CHECK(got.count[AZAUDIO_EVENT_ITEM_CREATED] == 0); /* nothing joined the conversation */
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"conversation\": \"none\"");
    CHECK_STR_CONTAINS(log, "\"instructions\": \"Classify the message.\"");
    CHECK_STR_CONTAINS(log, "\"output_modalities\": [\"text\"]");
    CHECK_STR_CONTAINS(log, "\"max_output_tokens\": \"inf\"");
    CHECK_STR_CONTAINS(log, "\"metadata\": {\"purpose\": \"classify\"}");
    free(log);
    /* an ordinary response afterwards is not marked */
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, NULL), AZAUDIO_OK);
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30));
    CHECK(got.count[AZAUDIO_EVENT_RESPONSE_CREATED] == 1 && got.out_of_band[AZAUDIO_EVENT_RESPONSE_CREATED] == 0);
    CHECK(got.out_of_band[AZAUDIO_EVENT_AUDIO_DELTA] == 0 && got.out_of_band[AZAUDIO_EVENT_RESPONSE_DONE] == 0);
    azaudio_realtime_destroy(s);
}

TEST(bad_response_options_are_refused_before_sending) {
    azaudio_realtime_session *s = connect_manual();
    if (!s) return;
    azaudio_realtime_response_options r;
    azaudio_realtime_response_options_init(&r);
    r.metadata_json = "[1]";
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "metadata_json is not a JSON object");
    r.metadata_json = "{\"n\":1}";
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "is not a string");
    r.metadata_json =
        "{\"a\":\"1\",\"b\":\"1\",\"c\":\"1\",\"d\":\"1\",\"e\":\"1\",\"f\":\"1\",\"g\":\"1\",\"h\":\"1\","
        "\"i\":\"1\",\"j\":\"1\",\"k\":\"1\",\"l\":\"1\",\"m\":\"1\",\"n\":\"1\",\"o\":\"1\",\"p\":\"1\","
        "\"q\":\"1\"}";
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "17 keys");
    r.metadata_json = NULL;
    r.max_output_tokens = 5000;
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    r.max_output_tokens = 0;
    r.modality = 7;
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    r.modality = 0;
    r.input_json = "{}";
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    r.input_json = NULL;
    r.out_of_band = 2;
    CHECK_RESULT(azaudio_realtime_create_response_with_options(s, &r), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_clear_output_audio(s), AZAUDIO_ERR_INVALID_STATE); /* not a sideband session */
    CHECK(client_events("response.create") == 0);
    azaudio_realtime_destroy(s);
}

TEST(an_image_item_goes_as_a_data_url_and_bad_images_are_refused) {
    azaudio_realtime_session *s = connect_manual();
    if (!s) return;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    CHECK_RESULT(azaudio_realtime_send_image(s, png, sizeof png, "image/png", "What is this?", "low"), AZAUDIO_OK);
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_CREATED, 30));
    char *sessions = emulator_call("GET", "/_emulator/realtime/sessions", NULL);
    CHECK_STR_CONTAINS(sessions, "\"mime_type\": \"image/png\", \"bytes\": 16");
    CHECK_STR_CONTAINS(sessions, "\"text\": \"What is this?\"");
    free(sessions);
    CHECK_RESULT(azaudio_realtime_send_image(s, png, sizeof png, "image/bmp", NULL, NULL),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "image/bmp");
    CHECK_RESULT(azaudio_realtime_send_image(s, png, sizeof png, "image/jpeg", NULL, NULL),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not image/jpeg");
    CHECK_RESULT(azaudio_realtime_send_image(s, png, 0, "image/png", NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_image(s, NULL, 4, "image/png", NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_image(s, png, sizeof png, "image/png", NULL, "ultra"),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    size_t big = (10u << 20) + 1;
    uint8_t *huge = calloc(1, big);
    memcpy(huge, png, sizeof png);
    CHECK_RESULT(azaudio_realtime_send_image(s, huge, big, "image/png", NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "at most");
    free(huge);
    /* Sizes past INT64_MAX (a negative count on the Swift side) are refused, never a trap. */
    CHECK_RESULT(azaudio_realtime_send_image(s, png, SIZE_MAX, "image/png", NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "far too large");
    CHECK_RESULT(azaudio_realtime_send_image(s, png, (size_t)INT64_MAX + 1, "image/png", NULL, NULL),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(client_events("conversation.item.create") == 1);
    azaudio_realtime_destroy(s);
}

TEST(mcp_and_output_buffer_events_are_typed_with_their_ids) {
    azaudio_realtime_session *s = connect_manual();
    if (!s) return;
    /* The emulator does not run MCP servers: its test tool sends the spec's events as given. */
    char *sent = emulator_call(
        "POST", "/_emulator/realtime/events",
        "{\"events\":[{\"type\":\"mcp_list_tools.in_progress\",\"item_id\":\"mcpl_1\"},"
        "{\"type\":\"mcp_list_tools.completed\",\"item_id\":\"mcpl_1\"},"
        "{\"type\":\"response.mcp_call_arguments.delta\",\"response_id\":\"resp_1\",\"item_id\":\"mcp_2\","
        "\"output_index\":0,\"delta\":\"{\\\"q\\\":\"},"
        "{\"type\":\"response.mcp_call_arguments.delta\",\"response_id\":\"resp_1\",\"item_id\":\"mcp_2\","
        "\"output_index\":0,\"delta\":\"1}\"},"
        "{\"type\":\"response.mcp_call_arguments.done\",\"response_id\":\"resp_1\",\"item_id\":\"mcp_2\","
        "\"output_index\":0,\"arguments\":\"{\\\"q\\\":1}\"},"
        "{\"type\":\"response.mcp_call.in_progress\",\"output_index\":0,\"item_id\":\"mcp_2\"},"
        "{\"type\":\"response.mcp_call.completed\",\"output_index\":0,\"item_id\":\"mcp_2\"},"
        "{\"type\":\"input_audio_buffer.dtmf_event_received\",\"event\":\"7\",\"received_at\":1763605109},"
        "{\"type\":\"output_audio_buffer.cleared\",\"response_id\":\"resp_1\"}]}");
    CHECK_STR_CONTAINS(sent, "\"sent\": 9");
    free(sent);
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_OUTPUT_AUDIO_CLEARED, 30));
    CHECK(strcmp(got.mcp_items, "mcpl_1,mcpl_1,mcp_2,mcp_2,") == 0);
    CHECK(strcmp(got.mcp_arguments, "{\"q\":1}") == 0);
    CHECK(got.count[AZAUDIO_EVENT_MCP_CALL_ARGUMENTS_DONE] == 1);
    CHECK(got.count[AZAUDIO_EVENT_DTMF] == 1);
    azaudio_realtime_destroy(s);
}

int main(void) {
    if (!realtime_setup()) return 2;
    RUN(typed_ga_settings_reach_session_update_in_the_spec_shapes);
    RUN(bad_ga_settings_are_refused_before_anything_is_sent);
    RUN(conversation_only_options_are_refused_by_transcription_and_translation_sessions);
    RUN(the_idle_timeout_fires_after_a_reply_and_rate_limits_are_typed);
    RUN(an_out_of_band_response_is_marked_and_sent_with_its_own_settings);
    RUN(bad_response_options_are_refused_before_sending);
    RUN(an_image_item_goes_as_a_data_url_and_bad_images_are_refused);
    RUN(mcp_and_output_buffer_events_are_typed_with_their_ids);
    realtime_teardown();
    return check_summary();
}
