/* A connection lost while the session prepared for a renewal is ready: that session takes the call over at once
 * (no new dial, no backoff), with the conversation and the caller's audio, and the app sees the drop as a
 * reconnect (RESPONSE_INTERRUPTED, RECONNECTING, RECONNECTED with "standby":true), not as a renewal. In pull mode
 * and in callback mode (the call helpers of test_realtime_long_call.c). */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_call_support.h"
#include "realtime_replay_support.h"
#include "realtime_support.h"
#include "rest_support.h"

#include <stdint.h>
#include <unistd.h>

/* Until the emulator's session `index` holds at least `items` items the client created (polled), or `seconds`
 * pass. */
static int wait_for_session_items(int index, int items, double seconds) {
    static char session[65536];
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        char *view = realtime_emulator_sessions();
        int found = view && realtime_session_text(view, index, session, sizeof session) &&
                    occurrences(session, "{\"id\": ") >= items;
        free(view);
        if (found) return 1;
        usleep(20000);
    }
    return 0;
}

/* Sends the spoken question in 20 ms frames (speech the service does not report without turn detection, so no
 * turn boundary comes for a renewal to switch at). Returns the bytes sent. */
static long send_speech(azaudio_realtime_session *s) {
    long sent = 0;
    for (size_t off = 0; off + 960 <= speech_size; off += 960) {
        CHECK_RESULT(azaudio_realtime_send_audio(s, speech_pcm + off, 960), AZAUDIO_OK);
        sent += 960;
    }
    return sent;
}

static void drop_while_the_next_session_is_ready(int callback) {
    emulator_reset();
    /* The first session says it ends 60 s after it opened: the library opens the next one 3 s in. Its connection
     * is reset at the third audio delta of its first reply. The second session takes no fault. */
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":60,\"count\":1}");
    emulator_fault("{\"kind\":\"tcp_reset\",\"after_audio_deltas\":3,\"count\":1}");
    azaudio_realtime_options o = realtime_renewing_options(57000);
    o.keepalive_ms = 200;          /* the renewal is looked at every 50 ms */
    o.reconnect_backoff_ms = 5000; /* a dial would wait 2.5-5 s first; the standby needs none */
    o.reask_interrupted_response = 1;
    call c;
    CHECK(call_open(&c, &o, callback));
    if (!c.s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(c.s, "user", "What is the weather in Oslo?"), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_ITEM_DONE, 1, 20));
    long first_audio = send_speech(c.s); /* the caller speaks: the renewal waits for a boundary */
    /* The next session is ready: the emulator saw the conversation replayed into it. */
    CHECK(call_wait(&c, AZAUDIO_EVENT_RENEWING, 1, 20));
    CHECK(wait_for_session_items(1, 1, 20));
    CHECK_RESULT(azaudio_realtime_create_response(c.s, NULL), AZAUDIO_OK); /* its reply is cut by the reset */
    CHECK(call_wait(&c, AZAUDIO_EVENT_RECONNECTED, 1, 20));
    CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, 1, 20)); /* the cut reply, asked again */
    realtime_send_quiet(c.s, 25);
    long second_audio = 25 * 960;
    CHECK_RESULT(azaudio_realtime_create_text_item(c.s, "user", "And tomorrow?"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(c.s, NULL), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, 2, 20));
    call_settle(&c);
    CHECK(call_count(&c, AZAUDIO_EVENT_CLOSED) == 0);
    CHECK_RESULT(azaudio_realtime_close(c.s), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_CLOSED, 1, 10));
    call_end(&c);

    /* The events: a reconnect by the standby (in order), no renewal completed, nothing asked of the app. */
    fprintf(stderr, "  %s mode: %s\n", call_mode_name[callback], c.reconnected);
    CHECK(c.count[AZAUDIO_EVENT_RENEWING] == 1 && c.count[AZAUDIO_EVENT_RENEWED] == 0);
    CHECK(c.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED] == 1 && c.reasked == 1);
    CHECK(c.count[AZAUDIO_EVENT_RECONNECTING] == 1 && c.count[AZAUDIO_EVENT_RECONNECTED] == 1);
    CHECK(c.at[AZAUDIO_EVENT_RENEWING] < c.at[AZAUDIO_EVENT_RESPONSE_INTERRUPTED]);
    CHECK(c.at[AZAUDIO_EVENT_RESPONSE_INTERRUPTED] < c.at[AZAUDIO_EVENT_RECONNECTING]);
    CHECK(c.at[AZAUDIO_EVENT_RECONNECTING] < c.at[AZAUDIO_EVENT_RECONNECTED]);
    CHECK_STR_CONTAINS(c.reconnecting, "\"standby\":true");
    CHECK_STR_CONTAINS(c.reconnected, "\"attempts\":0,");
    CHECK_STR_CONTAINS(c.reconnected, "\"standby\":true");
    CHECK(c.count[AZAUDIO_EVENT_ERROR] == 0);

    /* The emulator: two sessions (nothing dialled after the drop); every caller frame in exactly one; the second
     * got the conversation before any audio, and answered both questions. */
    char *view = realtime_emulator_sessions();
    static char first[65536], second[65536];
    static replay_item items[REPLAY_MAX_ITEMS];
    CHECK(view && realtime_session_text(view, 0, first, sizeof first));
    CHECK(view && realtime_session_text(view, 1, second, sizeof second));
    CHECK(view && !realtime_session_text(view, 2, first + 0, 1));
    CHECK(realtime_json_number(first, "audio_bytes") == first_audio);
    CHECK(realtime_json_number(second, "audio_bytes") == second_audio);
    int n = replay_before_audio(second, items, 0);
    CHECK(n >= 1);
    CHECK(n >= 1 && strcmp(items[0].type, "message") == 0 && items[0].has_text);
    CHECK_STR_CONTAINS(second, "\"text\": \"What is the weather in Oslo?\"");
    CHECK(occurrences(second, "\"answers\": ") == 2);
    free(view);
    emulator_reset();
}

TEST(a_drop_while_the_next_session_is_ready_hands_the_call_to_it_in_pull_mode) {
    drop_while_the_next_session_is_ready(0);
}

TEST(a_drop_while_the_next_session_is_ready_hands_the_call_to_it_in_callback_mode) {
    drop_while_the_next_session_is_ready(1);
}

/* The next session waits, set up, while the host plays the last reply (the renewal switches at a turn boundary),
 * longer than liveness_timeout_ms, hearing nothing meanwhile. Once the call switches to it, it is not taken for
 * dead: the call goes on in it, with no reconnect. */
TEST(a_next_session_that_waited_longer_than_the_liveness_timeout_carries_the_call_after_the_switch) {
    emulator_reset();
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":60,\"count\":1}");
    azaudio_realtime_options o = realtime_renewing_options(57000); /* the next session opens 3 s in */
    o.keepalive_ms = 200;
    o.liveness_timeout_ms = 1000;
    call c;
    CHECK(call_open(&c, &o, 0));
    if (!c.s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(c.s, "user", "What is the weather in Oslo?"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(c.s, NULL), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_AUDIO_DELTA, 1, 20));
    char reply[64];
    call_reply(&c, reply);
    CHECK_RESULT(azaudio_realtime_audio_played(c.s, reply, 10), AZAUDIO_OK); /* the host starts playing it */
    CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, 1, 20));
    uint32_t ms = call_reply(&c, reply);
    CHECK(ms > 100);
    CHECK(call_wait(&c, AZAUDIO_EVENT_RENEWING, 1, 20));
    CHECK(wait_for_session_items(1, 1, 20));              /* the next session is set up, the conversation replayed */
    CHECK(!call_wait(&c, AZAUDIO_EVENT_RENEWED, 1, 1.5)); /* no switch while the reply plays */
    CHECK_RESULT(azaudio_realtime_audio_played(c.s, reply, ms), AZAUDIO_OK); /* all played: a turn boundary */
    CHECK(call_wait(&c, AZAUDIO_EVENT_RENEWED, 1, 20));
    CHECK_RESULT(azaudio_realtime_create_text_item(c.s, "user", "And tomorrow?"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(c.s, NULL), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, 2, 20));
    call_settle(&c);
    call_end(&c);
    CHECK(c.count[AZAUDIO_EVENT_RECONNECTING] == 0 && c.count[AZAUDIO_EVENT_CLOSED] == 0);
    char *view = realtime_emulator_sessions();
    static char second[65536];
    CHECK(view && realtime_session_text(view, 1, second, sizeof second));
    CHECK(view && !realtime_session_text(view, 2, second + 0, 1)); /* nothing dialled */
    CHECK(occurrences(second, "\"answers\": ") == 1);
    free(view);
    emulator_reset();
}

int main(void) {
    if (!realtime_setup()) return 1;
    RUN(a_drop_while_the_next_session_is_ready_hands_the_call_to_it_in_pull_mode);
    RUN(a_drop_while_the_next_session_is_ready_hands_the_call_to_it_in_callback_mode);
    RUN(a_next_session_that_waited_longer_than_the_liveness_timeout_carries_the_call_after_the_switch);
    realtime_teardown();
    return check_summary();
}
