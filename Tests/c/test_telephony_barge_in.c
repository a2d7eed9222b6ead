/* Barge-in in realtime sessions, against the local emulator: truncation at the played position, clamping to
 * the audio received, nothing played, cancelling the response, barge-in off, and both delivery modes.
 * emulator-options: --speed 4 */
#define _DEFAULT_SOURCE
#include "telephony_support.h"

/* ---- barge-in -------------------------------------------------------------------------------------------------- */

TEST(barge_in_truncates_at_the_played_position) {
    azaudio_realtime_options o = options();
    seen got;
    azaudio_realtime_session *s = telephony_session(&o, &got);
    if (!s) return;
    CHECK(start_long_reply(s, &got, 800));
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 200), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 430), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 300), AZAUDIO_OK); /* older report: ignored */
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_PLAYBACK_FLUSH, 10));
    CHECK(strcmp(got.flush_item, got.audio_item) == 0);
    CHECK(got.flush_ms == 430);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_TRUNCATED, 10));
    CHECK(got.truncated_ms == 430); /* the server's echo of the truncate the library sent */
    pull_for(s, &got, 0.3);
    CHECK(got.cancelled == 1);
    CHECK_STR_CONTAINS(got.cancel_reason, "turn_detected"); /* the server cancelled it (interrupt_response) */
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    CHECK(client_events("conversation.item.truncate") == 1);
    CHECK(client_events("response.cancel") == 0); /* not twice: the server's VAD already cancels */
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_clamps_the_position_to_the_audio_received) {
    azaudio_realtime_options o = options();
    seen got;
    /* A host that claims more than it can have played (e.g. it counts wall-clock time). */
    azaudio_realtime_session *s = speak_over_reply(&o, &got, 200, 600000);
    if (!s) return;
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_PLAYBACK_FLUSH, 10));
    size_t received_ms_now = got.audio_bytes / 48; /* everything delivered before the flush */
    CHECK(got.flush_ms > 0 && got.flush_ms < 600000);
    CHECK(got.flush_ms == (int64_t)received_ms_now);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_TRUNCATED, 10));
    CHECK(got.truncated_ms == got.flush_ms);
    pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10);
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0); /* the service accepted it: within what it sent */
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_sends_no_truncate_when_nothing_was_played) {
    azaudio_realtime_options o = options();
    seen got;
    azaudio_realtime_session *s = speak_over_reply(&o, &got, 200, -1);
    if (!s) return;
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_PLAYBACK_FLUSH, 10));
    CHECK(strcmp(got.flush_item, got.audio_item) == 0);
    CHECK(got.flush_ms == 0);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10));
    pull_for(s, &got, 0.3);
    CHECK(got.count[AZAUDIO_EVENT_ITEM_TRUNCATED] == 0);
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    CHECK(client_events("conversation.item.truncate") == 0);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_cancels_the_response_when_the_server_does_not) {
    azaudio_realtime_options o = options();
    o.vad_interrupt_response = 0;
    o.vad_create_response = 0;
    seen got;
    azaudio_realtime_session *s = speak_over_reply(&o, &got, 300, 250);
    if (!s) return;
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10));
    CHECK(got.cancelled == 1);
    CHECK_STR_CONTAINS(got.cancel_reason, "client_cancelled");
    CHECK(got.flush_ms == 250);
    CHECK(got.count[AZAUDIO_EVENT_PLAYBACK_FLUSH] == 1);
    pull_for(s, &got, 0.3);
    CHECK(got.truncated_ms == 250);
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    CHECK(client_events("response.cancel") == 1);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(no_barge_in_once_the_reply_was_all_played) {
    azaudio_realtime_options o = options();
    seen got;
    azaudio_realtime_session *s = telephony_session(&o, &got);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, (uint32_t)(got.audio_bytes / 48)), AZAUDIO_OK);
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_SPEECH_STARTED, 10));
    pull_for(s, &got, 0.3);
    CHECK(got.count[AZAUDIO_EVENT_PLAYBACK_FLUSH] == 0);
    CHECK(client_events("conversation.item.truncate") == 0);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_off_leaves_it_to_the_host) {
    azaudio_realtime_options o = options();
    o.barge_in = 0;
    seen got;
    azaudio_realtime_session *s = speak_over_reply(&o, &got, 300, 250);
    if (!s) return;
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10));
    CHECK(got.count[AZAUDIO_EVENT_PLAYBACK_FLUSH] == 0);
    CHECK(client_events("conversation.item.truncate") == 0);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

/* Callback mode: the flush comes on the I/O thread right after SPEECH_STARTED. */
typedef struct {
    pthread_mutex_t lock;
    seen got;
} shared_seen;

static void on_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session;
    shared_seen *st = user;
    pthread_mutex_lock(&st->lock);
    record(&st->got, e);
    pthread_mutex_unlock(&st->lock);
}

static int wait_for(shared_seen *st, int type, int count, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        pthread_mutex_lock(&st->lock);
        int n = st->got.count[type];
        pthread_mutex_unlock(&st->lock);
        if (n >= count) return 1;
        usleep(5000);
    }
    return 0;
}

TEST(barge_in_in_callback_mode_flushes_right_after_speech_started) {
    emulator_reset();
    shared_seen st;
    memset(&st, 0, sizeof st);
    seen_init(&st.got);
    pthread_mutex_init(&st.lock, NULL);
    azaudio_realtime_options o = options();
    o.event_callback = on_event;
    o.event_user_data = &st;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", LONG_TEXT), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    double deadline = now_seconds() + 20;
    for (;;) {
        pthread_mutex_lock(&st.lock);
        size_t bytes = st.got.audio_bytes;
        pthread_mutex_unlock(&st.lock);
        if (bytes >= 500 * 48 || now_seconds() > deadline) break;
        usleep(2000);
    }
    pthread_mutex_lock(&st.lock);
    char item[128];
    snprintf(item, sizeof item, "%s", st.got.audio_item);
    pthread_mutex_unlock(&st.lock);
    CHECK_RESULT(azaudio_realtime_audio_played(s, item, 320), AZAUDIO_OK);
    speak_over(s);
    CHECK(wait_for(&st, AZAUDIO_EVENT_ITEM_TRUNCATED, 1, 10));
    pthread_mutex_lock(&st.lock);
    CHECK(st.got.flush_ms == 320 && st.got.truncated_ms == 320);
    CHECK(strcmp(st.got.flush_item, item) == 0);
    int next = -1;
    for (int i = 0; i + 1 < st.got.n; i++)
        if (st.got.order[i] == AZAUDIO_EVENT_SPEECH_STARTED) next = st.got.order[i + 1];
    CHECK(next == AZAUDIO_EVENT_PLAYBACK_FLUSH);
    pthread_mutex_unlock(&st.lock);
    azaudio_realtime_destroy(s);
    seen_free(&st.got);
    pthread_mutex_destroy(&st.lock);
}

TEST(audio_played_rejects_unknown_items_and_bad_input) {
    azaudio_realtime_options o = options();
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_audio_played(s, "no-such-item", 100), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "no audio of item");
    CHECK_RESULT(azaudio_realtime_audio_played(s, NULL, 100), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_audio_played(NULL, "x", 100), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_destroy(s);
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : NULL; /* run one test by name */
    if (!telephony_setup()) return 2;
    RUN_SELECTED(barge_in_truncates_at_the_played_position);
    RUN_SELECTED(barge_in_clamps_the_position_to_the_audio_received);
    RUN_SELECTED(barge_in_sends_no_truncate_when_nothing_was_played);
    RUN_SELECTED(barge_in_cancels_the_response_when_the_server_does_not);
    RUN_SELECTED(no_barge_in_once_the_reply_was_all_played);
    RUN_SELECTED(barge_in_off_leaves_it_to_the_host);
    RUN_SELECTED(barge_in_in_callback_mode_flushes_right_after_speech_started);
    RUN_SELECTED(audio_played_rejects_unknown_items_and_bad_input);
    telephony_teardown();
    return check_summary();
}
