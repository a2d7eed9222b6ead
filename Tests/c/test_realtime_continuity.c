/* Realtime calls that last, against the local emulator: liveness (keepalive pings, a half-open peer), reconnect
 * after a reset mid-turn with the conversation replayed and held caller audio delivered once, giving up.
 * emulator-options: --speed 20 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"
#include "rest_support.h"

#include <pthread.h>
#include <stdint.h>

typedef struct {
    int count[48];
    int close_code;
    char close_reason[512];
    char interrupted[128];
    char new_session[128];
} seen;

/* Pulls events until one of type `until` (or CLOSED) arrived; returns 1 if `until` came. */
static int pull_until(azaudio_realtime_session *session, seen *s, int until, double seconds) {
    double deadline = now_seconds() + seconds;
    azaudio_realtime_event *e = NULL;
    while (realtime_next_before(session, deadline, &e)) {
        int t = azaudio_realtime_event_type(e);
        if (t >= 0 && t < 48) s->count[t]++;
        if (t == AZAUDIO_EVENT_CLOSED) {
            s->close_code = azaudio_realtime_event_close_code(e);
            snprintf(s->close_reason, sizeof s->close_reason, "%s", azaudio_realtime_event_text(e));
        }
        if (t == AZAUDIO_EVENT_RESPONSE_INTERRUPTED)
            snprintf(s->interrupted, sizeof s->interrupted, "%s", azaudio_realtime_event_response_id(e));
        if (t == AZAUDIO_EVENT_RECONNECTED)
            snprintf(s->new_session, sizeof s->new_session, "%s", azaudio_realtime_event_text(e));
        azaudio_realtime_event_free(e);
        if (t == until) return 1;
        if (t == AZAUDIO_EVENT_CLOSED) return 0;
    }
    fprintf(stderr, "  timed out waiting for event %d\n", until);
    return 0;
}

TEST(keepalive_pings_keep_a_quiet_session_alive) {
    azaudio_realtime_options o = realtime_manual_options();
    o.keepalive_ms = 100;
    o.liveness_timeout_ms = 600;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(!pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 2.0)); /* 2 s of silence from both sides */
    CHECK(got.count[AZAUDIO_EVENT_CLOSED] == 0);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "still there?"), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_DONE, 10));
    azaudio_realtime_destroy(s);
}

TEST(liveness_ends_a_half_open_connection_with_1006_and_a_timeout_reason) {
    emulator_reset();
    emulator_fault("{\"kind\":\"half_open\",\"after_events\":2}"); /* after session.created and session.updated */
    azaudio_realtime_options o = realtime_manual_options();
    o.keepalive_ms = 100;
    o.liveness_timeout_ms = 500;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    double started = now_seconds();
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 15));
    CHECK(got.close_code == 1006);
    CHECK_STR_CONTAINS(got.close_reason, "liveness_timeout_ms");
    CHECK(now_seconds() - started >= 0.4); /* not before the timeout */
    azaudio_realtime_destroy(s);
    emulator_reset();
}

/* The call: a conversation with a text turn and a function call with its output, caller audio, then a response
 * whose connection is reset at its third audio delta (mid-turn). The library reconnects, replays the conversation into
 * the new session, delivers the audio sent during the outage to it, and the call goes on. */
static void reset_mid_turn_reconnects(int check_audio_counts) {
    emulator_reset();
    emulator_fault("{\"kind\":\"tcp_reset\",\"after_audio_deltas\":3}");
    azaudio_realtime_options o = realtime_manual_options();
    o.reconnect_max_attempts = 3;
    o.reconnect_backoff_ms = 50;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "What is the weather in Oslo?"), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_DONE, 10));
    CHECK_RESULT(
        azaudio_realtime_send_event_json(
            s, "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"function_call\",\"call_id\":\"call_oslo\","
               "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}"),
        AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_DONE, 10));
    CHECK_RESULT(azaudio_realtime_send_function_output(s, "call_oslo", "{\"sky\":\"rain\"}"), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_DONE, 10));
    realtime_send_quiet(s, 50); /* read by the first session before the response below */
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RECONNECTING, 15));
    CHECK(got.interrupted[0] != 0); /* the response the reset cut off */
    CHECK(got.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED] == 1);
    realtime_send_quiet(s, 50); /* held during the outage, delivered to the new session */
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RECONNECTED, 15));
    CHECK(strncmp(got.new_session, "sess", 4) == 0);
    realtime_send_quiet(s, 25);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "And tomorrow?"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK(got.count[AZAUDIO_EVENT_CLOSED] == 0);

    char *view = realtime_emulator_sessions();
    CHECK(view != NULL);
    static char first[16384], second[16384];
    CHECK(view && realtime_session_text(view, 0, first, sizeof first));
    CHECK(view && realtime_session_text(view, 1, second, sizeof second));
    CHECK(view && !realtime_session_text(view, 2, first + 0, 1)); /* exactly two sessions */
    /* The replay: the earlier turns in order, with the function call and its output, each after the previous. */
    CHECK_STR_CONTAINS(second, "\"text\": \"What is the weather in Oslo?\"");
    CHECK_STR_CONTAINS(second, "\"type\": \"function_call\"");
    CHECK_STR_CONTAINS(second, "\"name\": \"get_weather\"");
    CHECK_STR_CONTAINS(second, "\"output\": \"{\\\"sky\\\":\\\"rain\\\"}\"");
    const char *q = strstr(second, "What is the weather"), *call = strstr(second, "\"function_call\""),
               *out = strstr(second, "\"function_call_output\""), *next = strstr(second, "And tomorrow?");
    CHECK(q && call && out && next && q < call && call < out && out < next);
    CHECK(strstr(second, "\"previous_item_id\": \"item") != NULL);
    if (check_audio_counts) {
        /* Every caller frame reached exactly one session: 50 before the reset, 75 after it. */
        CHECK(realtime_json_number(first, "audio_bytes") == 50 * 960);
        CHECK(realtime_json_number(second, "audio_bytes") == 75 * 960);
    }
    free(view);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(a_reset_mid_turn_reconnects_replays_the_conversation_and_delivers_held_audio_once) {
    reset_mid_turn_reconnects(1);
}

TEST(a_drop_the_service_keeps_refusing_ends_with_closed_after_the_attempts) {
    emulator_reset();
    /* Closed with 1011 after its fourth event (session.created, .updated, the item's two), and every handshake
     * after it refused. */
    emulator_fault("{\"kind\":\"ws_close\",\"code\":1011,\"reason\":\"upstream failed\",\"after_events\":4}");
    azaudio_realtime_options o = realtime_manual_options();
    o.reconnect_max_attempts = 2;
    o.reconnect_backoff_ms = 20;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    emulator_fault("{\"kind\":\"handshake_status\",\"status\":503,\"count\":5}");
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello"), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 20));
    CHECK(got.count[AZAUDIO_EVENT_RECONNECTING] == 1);
    CHECK(got.count[AZAUDIO_EVENT_RECONNECTED] == 0);
    CHECK(got.close_code == 1011);
    CHECK_STR_CONTAINS(got.close_reason, "2 attempts");
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0", 2), AZAUDIO_ERR_CLOSED);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(reconnect_is_off_by_default_and_a_drop_closes_the_session) {
    emulator_reset();
    /* Reset after the fourth event (session.created, .updated, then the item's two): a reset may discard what the
     * kernel had not sent yet, so it comes after setup. */
    emulator_fault("{\"kind\":\"tcp_reset\",\"after_events\":4}");
    azaudio_realtime_options o = realtime_manual_options();
    CHECK(o.reconnect_max_attempts == 0 && o.keepalive_ms == 15000 && o.liveness_timeout_ms == 30000);
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello"), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 10));
    CHECK(got.close_code == 1006);
    CHECK(got.count[AZAUDIO_EVENT_RECONNECTING] == 0);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

/* Callback mode: counts per event type, under a lock. */
typedef struct {
    pthread_mutex_t lock;
    int count[48];
} tally;

static void count_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session;
    tally *t = user;
    int type = azaudio_realtime_event_type(e);
    pthread_mutex_lock(&t->lock);
    if (type >= 0 && type < 48) t->count[type]++;
    pthread_mutex_unlock(&t->lock);
}

static int tally_of(tally *t, int type) {
    pthread_mutex_lock(&t->lock);
    int n = t->count[type];
    pthread_mutex_unlock(&t->lock);
    return n;
}

static int wait_tally(tally *t, int type, int at_least, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        if (tally_of(t, type) >= at_least) return 1;
        usleep(20000);
    }
    fprintf(stderr, "  timed out waiting for %d events of type %d (have %d)\n", at_least, type, tally_of(t, type));
    return 0;
}

TEST(callback_mode_survives_three_session_expiries_with_the_conversation_replayed_each_time) {
    emulator_reset();
    /* Each of the first three sessions expires (error session_expired, then close 1001) 0.4 s after it opened. */
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":0.4,\"count\":3}");
    tally t;
    memset(&t, 0, sizeof t);
    pthread_mutex_init(&t.lock, NULL);
    azaudio_realtime_options o = realtime_manual_options();
    o.reconnect_max_attempts = 3;
    o.reconnect_backoff_ms = 20;
    o.renewal_margin_ms = 0; /* no renewal before the limit: each session reaches it */
    o.event_callback = count_event;
    o.event_user_data = &t;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "Remember the number forty-two."), AZAUDIO_OK);
    CHECK(wait_tally(&t, AZAUDIO_EVENT_RECONNECTED, 3, 20));
    realtime_send_quiet(s, 10);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(wait_tally(&t, AZAUDIO_EVENT_RESPONSE_DONE, 1, 20));
    CHECK(tally_of(&t, AZAUDIO_EVENT_RECONNECTING) == 3);
    CHECK(tally_of(&t, AZAUDIO_EVENT_CLOSED) == 0);
    CHECK(tally_of(&t, AZAUDIO_EVENT_SESSION_CREATED) == 1); /* the new sessions' setup is not delivered */
    char *view = realtime_emulator_sessions();
    static char last[16384];
    CHECK(view && realtime_session_text(view, 3, last, sizeof last));
    CHECK(view && !realtime_session_text(view, 4, last + 0, 1));
    CHECK_STR_CONTAINS(last, "Remember the number forty-two.");
    CHECK(realtime_json_number(last, "audio_bytes") == 10 * 960);
    free(view);
    azaudio_realtime_destroy(s);
    pthread_mutex_destroy(&t.lock);
    emulator_reset();
}

/* A call across six renewals (each of the first six sessions says it expires 5 s after it opened, the library
 * renews 4.5 s before that), with caller audio flowing the whole time: every frame reaches exactly one session,
 * the conversation (a text turn, a function call and its output) reaches the last one, and the call goes on. */
TEST(a_call_across_six_renewals_loses_no_frame_and_keeps_its_conversation) {
    emulator_reset();
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":5,\"count\":6}");
    azaudio_realtime_options o = realtime_renewing_options(4500);
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "My account number is 7781."), AZAUDIO_OK);
    CHECK_RESULT(
        azaudio_realtime_send_event_json(
            s, "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"function_call\",\"call_id\":\"call_acct\","
               "\"name\":\"lookup_account\",\"arguments\":\"{\\\"id\\\":7781}\"}}"),
        AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_send_function_output(s, "call_acct", "{\"balance\":12}"), AZAUDIO_OK);
    int frames = 0;
    double deadline = now_seconds() + 60;
    while (got.count[AZAUDIO_EVENT_RENEWED] < 6 && !got.count[AZAUDIO_EVENT_CLOSED] && now_seconds() < deadline) {
        realtime_send_quiet(s, 2);
        frames += 2;
        azaudio_realtime_event *e = NULL;
        while (azaudio_realtime_next_event(s, &e, 20) == AZAUDIO_OK) {
            int t = azaudio_realtime_event_type(e);
            if (t >= 0 && t < 48) got.count[t]++;
            azaudio_realtime_event_free(e);
        }
    }
    CHECK(got.count[AZAUDIO_EVENT_RENEWED] == 6);
    CHECK(got.count[AZAUDIO_EVENT_RENEWING] == 6);
    CHECK(got.count[AZAUDIO_EVENT_RECONNECTING] == 0);
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0); /* no session reached its limit */
    realtime_send_quiet(s, 10);
    frames += 10;
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));

    char *view = realtime_emulator_sessions();
    static char one[16384];
    int sessions = 0;
    long total = realtime_input_bytes(view, &sessions);
    CHECK(sessions == 7);
    CHECK(total == (long)frames * 960); /* every frame in exactly one session */
    CHECK(view && realtime_session_text(view, 6, one, sizeof one));
    CHECK_STR_CONTAINS(one, "My account number is 7781.");
    CHECK_STR_CONTAINS(one, "\"name\": \"lookup_account\"");
    CHECK_STR_CONTAINS(one, "\"output\": \"{\\\"balance\\\":12}\"");
    free(view);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

/* A reply cut by truncation (as barge-in does) is replayed cut into the renewed session. */
TEST(a_truncated_reply_survives_a_renewal_cut_where_it_was_truncated) {
    emulator_reset();
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":8,\"count\":1}");
    azaudio_realtime_options o = realtime_renewing_options(3000); /* due about 5 s after the session opened */
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "Please read me the long list of opening hours."),
                 AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    char item[128] = "", transcript[1024] = "";
    int done = 0;
    double deadline = now_seconds() + 20;
    azaudio_realtime_event *e = NULL;
    while (!done && realtime_next_before(s, deadline, &e)) {
        int t = azaudio_realtime_event_type(e);
        if (t == AZAUDIO_EVENT_AUDIO_DELTA) snprintf(item, sizeof item, "%s", azaudio_realtime_event_item_id(e));
        if (t == AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE)
            snprintf(transcript, sizeof transcript, "%s", azaudio_realtime_event_text(e));
        done = t == AZAUDIO_EVENT_RESPONSE_DONE;
        azaudio_realtime_event_free(e);
    }
    CHECK(done && item[0] && strlen(transcript) > 20);
    CHECK_RESULT(azaudio_realtime_truncate(s, item, 0, 200), AZAUDIO_OK); /* the caller heard 200 ms of it */
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_TRUNCATED, 10));
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RENEWED, 20));
    char *view = realtime_emulator_sessions();
    static char second[16384];
    CHECK(view && realtime_session_text(view, 1, second, sizeof second));
    /* The assistant turn is replayed as text, cut: its start is there, its full transcript is not. */
    char start[32];
    snprintf(start, sizeof start, "\"text\": \"%.3s", transcript);
    CHECK_STR_CONTAINS(second, "\"role\": \"assistant\"");
    CHECK_STR_CONTAINS(second, start);
    CHECK(strstr(second, transcript) == NULL);
    CHECK_STR_CONTAINS(second, "opening hours");
    free(view);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(each_response_is_followed_by_its_latency_figures_and_the_summary_counts_it) {
    emulator_reset();
    azaudio_realtime_options o = realtime_manual_options();
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    uint32_t count = 99;
    int32_t median = 0, p95 = 0;
    CHECK_RESULT(azaudio_realtime_latency_summary(s, &count, &median, &p95), AZAUDIO_OK);
    CHECK(count == 0 && median == -1 && p95 == -1);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    int after_done = 0, done = 0;
    char json[2048] = "";
    int64_t first_audio = -2;
    double deadline = now_seconds() + 20;
    azaudio_realtime_event *e = NULL;
    while (!after_done && realtime_next_before(s, deadline, &e)) {
        int t = azaudio_realtime_event_type(e);
        if (t == AZAUDIO_EVENT_AUDIO_DELTA && !done) {
            CHECK_RESULT(azaudio_realtime_audio_played(s, azaudio_realtime_event_item_id(e), 20), AZAUDIO_OK);
        }
        if (t == AZAUDIO_EVENT_TURN_LATENCY) {
            CHECK(done); /* right after its response.done */
            CHECK(strcmp(azaudio_realtime_event_name(e), "turn_latency") == 0);
            snprintf(json, sizeof json, "%s", azaudio_realtime_event_json(e));
            first_audio = azaudio_realtime_event_audio_ms(e);
            after_done = 1;
        }
        done |= t == AZAUDIO_EVENT_RESPONSE_DONE;
        azaudio_realtime_event_free(e);
    }
    CHECK(after_done);
    CHECK(first_audio >= 0);
    CHECK_STR_CONTAINS(json, "\"speech_end_to_created_ms\":-1"); /* a text turn: no speech end */
    CHECK_STR_CONTAINS(json, "\"created_to_first_audio_ms\":");
    /* The first audible reply audio (a text turn: from the response's start), not before the first delta. */
    long first_delta = realtime_figure(json, "created_to_first_audio_ms");
    CHECK(first_delta >= 0 && realtime_figure(json, "created_to_first_audible_ms") >= first_delta);
    CHECK(realtime_figure(json, "first_audible_offset_ms") >= 0);
    CHECK(realtime_figure(json, "speech_end_to_first_audible_ms") == -1);
    CHECK_STR_CONTAINS(json, "\"handshake_ms\":");
    CHECK(strstr(json, "\"handshake_ms\":-1") == NULL && strstr(json, "\"session_ready_ms\":-1") == NULL);
    CHECK_STR_CONTAINS(json, "\"session\":{\"count\":1,");
    CHECK_RESULT(azaudio_realtime_latency_summary(s, &count, &median, &p95), AZAUDIO_OK);
    CHECK(count == 1 && median == (int32_t)first_audio && p95 == median);
    CHECK_RESULT(azaudio_realtime_latency_summary(NULL, &count, NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_destroy(s);
}

/* RUN, unless a test name was given on the command line and this is not it. */
#define RUN_SELECTED(name)                                                                                             \
    do {                                                                                                               \
        if (!only || strcmp(only, #name) == 0) RUN(name);                                                              \
    } while (0)

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : NULL;
    rest_setup();
    client = rest_client();
    RUN_SELECTED(keepalive_pings_keep_a_quiet_session_alive);
    RUN_SELECTED(liveness_ends_a_half_open_connection_with_1006_and_a_timeout_reason);
    RUN_SELECTED(a_reset_mid_turn_reconnects_replays_the_conversation_and_delivers_held_audio_once);
    RUN_SELECTED(a_call_across_six_renewals_loses_no_frame_and_keeps_its_conversation);
    RUN_SELECTED(a_truncated_reply_survives_a_renewal_cut_where_it_was_truncated);
    RUN_SELECTED(callback_mode_survives_three_session_expiries_with_the_conversation_replayed_each_time);
    RUN_SELECTED(each_response_is_followed_by_its_latency_figures_and_the_summary_counts_it);
    RUN_SELECTED(a_drop_the_service_keeps_refusing_ends_with_closed_after_the_attempts);
    RUN_SELECTED(reconnect_is_off_by_default_and_a_drop_closes_the_session);
    azaudio_client_destroy(client);
    rest_teardown();
    return check_summary();
}
