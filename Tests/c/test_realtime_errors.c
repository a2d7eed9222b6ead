/* Realtime sessions against the local emulator: server closes, expiry, malformed events, refused handshakes and
 * settings, bad input, and the empty poll.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "realtime_turn_support.h"

TEST(server_close_mid_session_ends_with_a_closed_event_and_its_code) {
    emulator_fault("{\"kind\":\"ws_close\",\"code\":1011,\"reason\":\"upstream failed\",\"after_events\":4}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    seen got;
    azaudio_realtime_session *s = ask(&o, &got, "hello");
    if (!s) return;
    CHECK(!pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK(got.closed);
    CHECK(got.close_code == 1011);
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_next_event(s, &e, 0), AZAUDIO_ERR_CLOSED);
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0", 2), AZAUDIO_ERR_CLOSED);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(session_expired_arrives_as_an_error_then_close_1001) {
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":0.3}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 10));
    CHECK(strcmp(got.error_code, "session_expired") == 0);
    CHECK(got.close_code == 1001);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(a_malformed_server_event_is_reported_and_the_session_goes_on) {
    emulator_fault("{\"kind\":\"malformed_event\"}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    seen got;
    azaudio_realtime_session *s = ask(&o, &got, "hello");
    if (!s) return;
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 1);
    CHECK(strcmp(got.error_code, "malformed_server_event") == 0);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(refused_handshakes_fail_connect_with_the_http_status) {
    azaudio_realtime_session *s = NULL;
    emulator_fault("{\"kind\":\"handshake_status\",\"status\":429}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_RATE_LIMITED);
    azaudio_error_details d = rest_details(client);
    CHECK(d.http_status == 429);
    emulator_reset();

    o.deployment = "no-such-deployment";
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_NOT_FOUND);
    d = rest_details(client);
    CHECK(strcmp(d.service_code, "DeploymentNotFound") == 0);

    azaudio_client *wrong = rest_client_with(NULL, "wrong-key");
    o.deployment = "gpt-realtime";
    CHECK_RESULT(azaudio_realtime_connect(wrong, &o, &s), AZAUDIO_ERR_AUTH);
    CHECK(strstr(azaudio_last_error(), "wrong-key") == NULL);
    azaudio_client_destroy(wrong);
    CHECK(s == NULL);
}

TEST(rejected_session_settings_fail_connect_with_the_service_message) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.voice = "no-such-voice";
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_BAD_REQUEST);
    CHECK_STR_CONTAINS(azaudio_last_error(), "rejected the session settings");
    CHECK(s == NULL);
}

TEST(bad_input_gets_invalid_argument_and_a_message) {
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    CHECK_RESULT(azaudio_realtime_options_init(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_connect(NULL, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_connect(client, NULL, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_connect(client, &o, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_options bad = o;
    bad.struct_size = 0;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "struct_size");
    bad = o;
    bad.deployment = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "deployment");
    bad = o;
    bad.input_audio_coalesce_ms = 1001;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "input_audio_coalesce_ms");
    bad = o;
    bad.input_audio_format = 99;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    bad = o;
    bad.temperature = 0.8; /* not part of GA */
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    bad = o;
    bad.tools_json = "{oops";
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    bad = o;
    bad.turn_detection = 7;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);

    s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_send_audio(s, NULL, 10), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0\0", 3), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "whole 16-bit samples");
    CHECK_RESULT(azaudio_realtime_send_event_json(s, "not json"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_event_json(s, "{\"no_type\":1}"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "robot", "x"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_update_session(s, "[1]"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_create_response(s, "nope"), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_next_event(s, NULL, 0), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_next_event(s, &e, -5), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_commit(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(azaudio_realtime_event_type(NULL) == AZAUDIO_EVENT_OTHER);
    CHECK(azaudio_realtime_event_text(NULL) == NULL);
    azaudio_realtime_event_free(NULL);
    azaudio_realtime_destroy(NULL);
    azaudio_realtime_destroy(s);
}

static void ignore_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session, (void)e, (void)user;
}

TEST(an_empty_poll_is_ok_with_no_event_and_leaves_the_last_error_alone) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    azaudio_realtime_session *s = connect_with(&o);
    if (!s) {
        CHECK(0);
        return;
    }
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_SESSION_UPDATED, 10));
    /* A failure of another call, then empty polls: its message stays, each poll is OK with no event. */
    CHECK_RESULT(azaudio_wav_parse(NULL, 44, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    char before[256];
    snprintf(before, sizeof before, "%s", azaudio_last_error());
    for (int i = 0; i < 1000; i++) {
        azaudio_realtime_event *e = (azaudio_realtime_event *)&got; /* not NULL: the call must clear it */
        CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 0), AZAUDIO_OK);
        CHECK(e == NULL);
        if (e != NULL) break;
    }
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 20), AZAUDIO_OK);
    CHECK(e == NULL);
    CHECK(strcmp(azaudio_last_error(), before) == 0);
    /* The existing function keeps its behaviour for old callers. */
    CHECK_RESULT(azaudio_realtime_next_event(s, &e, 0), AZAUDIO_ERR_TIMEOUT);
    CHECK_RESULT(azaudio_realtime_poll_event(s, NULL, 0), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_poll_event(s, &e, -2), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_poll_event(NULL, &e, 0), AZAUDIO_ERR_INVALID_ARGUMENT);
    /* An event that is there is returned; after the CLOSED event, CLOSED. */
    azaudio_realtime_close(s);
    int closed = 0;
    double deadline = now_seconds() + 10;
    while (!closed && now_seconds() < deadline) {
        e = NULL;
        CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 100), AZAUDIO_OK);
        if (e) closed = azaudio_realtime_event_type(e) == AZAUDIO_EVENT_CLOSED;
        azaudio_realtime_event_free(e);
    }
    CHECK(closed);
    CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 0), AZAUDIO_ERR_CLOSED);
    azaudio_realtime_destroy(s);
    /* A session that delivers to a callback has nothing to poll. */
    o.event_callback = ignore_event;
    s = connect_with(&o);
    CHECK(s != NULL);
    if (s) CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 0), AZAUDIO_ERR_INVALID_STATE);
    azaudio_realtime_destroy(s);
}

int main(void) {
    if (!realtime_setup()) return 2;
    RUN(server_close_mid_session_ends_with_a_closed_event_and_its_code);
    RUN(session_expired_arrives_as_an_error_then_close_1001);
    RUN(a_malformed_server_event_is_reported_and_the_session_goes_on);
    RUN(refused_handshakes_fail_connect_with_the_http_status);
    RUN(rejected_session_settings_fail_connect_with_the_service_message);
    RUN(bad_input_gets_invalid_argument_and_a_message);
    RUN(an_empty_poll_is_ok_with_no_event_and_leaves_the_last_error_alone);
    realtime_teardown();
    return check_summary();
}
