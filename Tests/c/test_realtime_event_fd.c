/* azaudio_realtime_event_fd: a pull-mode session driven from a poll() loop, as an event loop (asyncio, libuv)
 * drives it: the descriptor is readable exactly while events wait, and quiet once the CLOSED event was taken.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"
#include "rest_support.h"

#include <poll.h>

TEST(a_poll_loop_takes_a_whole_turn_without_blocking_in_next_event) {
    azaudio_realtime_session *s = realtime_manual_session(1, NULL);
    CHECK(s != NULL);
    if (!s) return;
    int32_t fd = -1, again = -1;
    CHECK_RESULT(azaudio_realtime_event_fd(s, &fd), AZAUDIO_OK);
    CHECK(fd >= 0);
    CHECK_RESULT(azaudio_realtime_event_fd(s, &again), AZAUDIO_OK);
    CHECK(again == fd);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    int text_deltas = 0, closed = 0, empty_wakeups = 0;
    double deadline = now_seconds() + 30;
    while (!closed && now_seconds() < deadline) {
        if (!realtime_fd_readable(fd, 1000)) continue;
        /* readable means an event waits: take everything without waiting */
        azaudio_realtime_event *e = NULL;
        azaudio_result rc = azaudio_realtime_next_event(s, &e, 0);
        if (rc == AZAUDIO_ERR_TIMEOUT) empty_wakeups++;
        while (rc == AZAUDIO_OK) {
            int type = azaudio_realtime_event_type(e);
            if (type == AZAUDIO_EVENT_TEXT_DELTA) text_deltas++;
            if (type == AZAUDIO_EVENT_RESPONSE_DONE) azaudio_realtime_close(s);
            if (type == AZAUDIO_EVENT_CLOSED) closed = 1;
            azaudio_realtime_event_free(e);
            rc = closed ? AZAUDIO_ERR_CLOSED : azaudio_realtime_next_event(s, &e, 0);
        }
    }
    CHECK(closed);
    CHECK(text_deltas > 0);
    CHECK(empty_wakeups == 0);
    CHECK(!realtime_fd_readable(fd, 200)); /* nothing comes after CLOSED */
    azaudio_realtime_destroy(s);
}

TEST(events_that_wait_before_the_first_call_make_it_readable_at_once) {
    azaudio_realtime_session *s = realtime_manual_session(1, NULL);
    CHECK(s != NULL);
    if (!s) return;
    /* connect returns once session.created and session.updated have come: they wait in the queue */
    int32_t fd = -1;
    CHECK_RESULT(azaudio_realtime_event_fd(s, &fd), AZAUDIO_OK);
    CHECK(realtime_fd_readable(fd, 0));
    azaudio_realtime_event *e = NULL;
    while (azaudio_realtime_next_event(s, &e, 0) == AZAUDIO_OK) azaudio_realtime_event_free(e);
    CHECK(!realtime_fd_readable(fd, 0));
    azaudio_realtime_destroy(s);
}

static void ignore(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session, (void)e, (void)user;
}

TEST(bad_calls_get_a_result_and_a_message) {
    int32_t fd = -1;
    CHECK_RESULT(azaudio_realtime_event_fd(NULL, &fd), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_session *s = realtime_manual_session(1, NULL);
    CHECK(s != NULL);
    if (s) {
        CHECK_RESULT(azaudio_realtime_event_fd(s, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
        CHECK_STR_CONTAINS(azaudio_last_error(), "out_fd");
        azaudio_realtime_destroy(s);
    }
    azaudio_realtime_session *cb = realtime_manual_session(1, ignore);
    CHECK(cb != NULL);
    if (cb) {
        CHECK_RESULT(azaudio_realtime_event_fd(cb, &fd), AZAUDIO_ERR_INVALID_STATE);
        CHECK_STR_CONTAINS(azaudio_last_error(), "callback");
        azaudio_realtime_destroy(cb);
    }
}

int main(void) {
    rest_setup();
    client = rest_client();
    RUN(a_poll_loop_takes_a_whole_turn_without_blocking_in_next_event);
    RUN(events_that_wait_before_the_first_call_make_it_readable_at_once);
    RUN(bad_calls_get_a_result_and_a_message);
    azaudio_client_destroy(client);
    rest_teardown();
    return check_summary();
}
