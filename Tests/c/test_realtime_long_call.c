/* One long call against the local emulator, paced faster than real time: spoken turns (server VAD) across six
 * renewals (every session says it ends a few seconds after it opened) and three connection resets mid-reply, a
 * speech-triggered barge-in whose cut reply reaches later sessions, and the option that asks again for a reply
 * a drop cut off. Every spoken turn is answered exactly once (the emulator's record of the responses that ended,
 * and the events), every caller frame reaches exactly one session. The same call runs in pull mode and in
 * callback mode. After the first turn the app puts a function call and its output into the conversation: every
 * session opened after it gets, before the caller's audio, the earlier turns as text and the function call
 * followed by its output (the emulator's record). Then barge-in and truncation on a reply the session before a
 * renewal sent.
 * LONG_CALL_TRACE=1 prints the events (not the audio) as they come.
 * emulator-options: --speed 20 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_call_support.h"
#include "realtime_replay_support.h"
#include "realtime_support.h"
#include "rest_support.h"

#include <stdint.h>

/* The long call in one mode (`callback` 0: pull). */
static void long_call(int callback) {
    emulator_reset();
    /* Every session ends 12 s after it opened (expires_at says so); the library renews 10 s before that, at the
     * first turn boundary once the next session is ready (a turn takes 1-3 s here, 5 s or more on a loaded
     * machine). The boundary has 9 s to come before the switch is forced 1 s before the cap, cutting the reply
     * that runs then (an interruption and a turn answered twice that the checks below would count: with 8 s and
     * 6 s, seen once in a full run at load 3-5, 9 turns in 50 s, pull mode). */
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":12,\"count\":60}");
    emulator_fault("{\"kind\":\"tcp_reset\",\"after_audio_deltas\":3}"); /* the first reply is cut mid-way */
    int drops_queued = 1;
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    o.input_transcription_deployment = "whisper"; /* spoken turns reach the replay as text */
    o.reconnect_max_attempts = 5;
    o.reconnect_backoff_ms = 20;
    o.renewal_margin_ms = 10000;
    o.keepalive_ms = 200; /* the renewal is looked at every 50 ms */
    o.reask_interrupted_response = 1;
    call c;
    CHECK(call_open(&c, &o, callback));
    if (!c.s) return;
    azaudio_realtime_session *s = c.s;
    long sent = 0;
    int barged = 0;
    char cut_item[64] = "", reply[64];
    int turns_before_call = -1;
    double deadline = now_seconds() + 50;
    for (int turn = 0; turn < 40 && now_seconds() < deadline; turn++) {
        int renewals = call_count(&c, AZAUDIO_EVENT_RENEWED), reconnects = call_count(&c, AZAUDIO_EVENT_RECONNECTED);
        if (renewals >= 6 && reconnects >= 3 && barged && renewals >= barged + 2) break;
        int done = call_count(&c, AZAUDIO_EVENT_RESPONSE_DONE);
        sent += (long)call_speak(&c);
        CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, done + 1, 20));
        call_settle(&c); /* a renewal switching at this response's end delivers RENEWED right after it */
        uint32_t received_ms = call_reply(&c, reply);
        if (turns_before_call < 0) { /* the app's tool call, answered at once: both go into the conversation */
            turns_before_call = c.user_count;
            int items = call_count(&c, AZAUDIO_EVENT_ITEM_DONE);
            CHECK_RESULT(azaudio_realtime_send_event_json(
                             s, "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"function_call\","
                                "\"call_id\":\"call_clock\",\"name\":\"read_clock\",\"arguments\":\"{}\"}}"),
                         AZAUDIO_OK);
            CHECK_RESULT(azaudio_realtime_send_function_output(s, "call_clock", "{\"time\":\"noon\"}"), AZAUDIO_OK);
            CHECK(call_wait(&c, AZAUDIO_EVENT_ITEM_DONE, items + 2, 20));
        }
        if (!barged && call_count(&c, AZAUDIO_EVENT_RENEWED) >= 2 && call_count(&c, AZAUDIO_EVENT_RECONNECTED) >= 1 &&
            call_count(&c, AZAUDIO_EVENT_RENEWED) == renewals) {
            /* The barge-in (in the session that sent the reply): the host says it played half of the reply, and
             * the caller speaks again; the library cuts the reply there (speech start, not an explicit truncate).
             * The renewals after it carry the cut reply on. */
            snprintf(cut_item, sizeof cut_item, "%s", reply);
            CHECK_RESULT(azaudio_realtime_audio_played(s, cut_item, received_ms / 2), AZAUDIO_OK);
            int flushes = call_count(&c, AZAUDIO_EVENT_PLAYBACK_FLUSH);
            sent += (long)call_speak(&c);
            CHECK(call_wait(&c, AZAUDIO_EVENT_PLAYBACK_FLUSH, flushes + 1, 20));
            CHECK(call_wait(&c, AZAUDIO_EVENT_ITEM_TRUNCATED, 1, 20));
            barged = call_count(&c, AZAUDIO_EVENT_RENEWED);
            CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, done + 2, 20));
            received_ms = call_reply(&c, reply);
        }
        /* The host played the whole reply (so the next turn is no barge-in). */
        if (reply[0] && received_ms > 0) azaudio_realtime_audio_played(s, reply, received_ms);
        if (call_count(&c, AZAUDIO_EVENT_CLOSED)) break;
        if (drops_queued < 3 && call_count(&c, AZAUDIO_EVENT_RECONNECTED) >= drops_queued &&
            call_count(&c, AZAUDIO_EVENT_RENEWED) >= 2 * drops_queued) {
            /* Every two renewals: the next reply, in whichever session sends it, is reset at its third delta (a
             * session prepared and given up, or one renewed before it replied, leaves the fault for the next). */
            emulator_fault("{\"kind\":\"reply_reset\",\"after_audio_deltas\":3}");
            drops_queued++;
        }
    }
    realtime_send_quiet(s, 5);
    sent += 5 * 960;
    CHECK(call_count(&c, AZAUDIO_EVENT_CLOSED) == 0);
    CHECK_RESULT(azaudio_realtime_close(s), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_CLOSED, 1, 10));
    call_end(&c); /* nothing is recorded after this: the checks below read the call as it ended */
    fprintf(stderr,
            "  %s mode: %d turns, %d renewals (%d make-before-break, %d forced at the cap's lead, longest hold %lld "
            "ms; %d started), %d reconnects, %d interrupted (%d asked again)\n",
            call_mode_name[callback], c.user_count, c.count[AZAUDIO_EVENT_RENEWED], c.make_before_break, c.cap_switches,
            (long long)c.longest_switch_ms, c.count[AZAUDIO_EVENT_RENEWING], c.count[AZAUDIO_EVENT_RECONNECTED],
            c.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED], c.reasked);
    CHECK(c.count[AZAUDIO_EVENT_CLOSED] == 1);
    CHECK(c.count[AZAUDIO_EVENT_RENEWED] >= 6);
    CHECK(c.count[AZAUDIO_EVENT_RENEWING] >= c.count[AZAUDIO_EVENT_RENEWED]); /* (a drop gives one up) */
    CHECK(c.make_before_break >= 5); /* the normal way; a switch may fall back when the machine is slow */
    CHECK(c.count[AZAUDIO_EVENT_RECONNECTED] == 3);
    CHECK(c.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED] == 3 && c.reasked == 3);
    CHECK(barged > 0 && cut_item[0]);

    char *view = realtime_emulator_sessions();
    CHECK(view != NULL);
    if (!view) return;
    /* Every spoken turn answered exactly once, over all sessions; the app got every response that ended once. */
    for (int i = 0; i < c.user_count; i++) {
        char needle[128];
        snprintf(needle, sizeof needle, "\"answers\": \"%s\"", c.users[i]);
        int answers = occurrences(view, needle);
        if (answers != 1) fprintf(stderr, "  turn %d (%s) answered %d times\n", i, c.users[i], answers);
        CHECK(answers == 1);
    }
    CHECK(occurrences(view, "\"answers\": ") == c.count[AZAUDIO_EVENT_RESPONSE_DONE]);
    CHECK(c.count[AZAUDIO_EVENT_RESPONSE_DONE] == c.user_count);
    /* Every caller frame in exactly one session. */
    static char one[65536];
    long total = 0;
    int sessions = 0;
    while (realtime_session_text(view, sessions, one, sizeof one)) {
        total += realtime_json_number(one, "audio_bytes");
        sessions++;
    }
    CHECK(sessions >= 10); /* 1 + 6 renewals + 3 reconnects (a standby given up adds one) */
    CHECK(total == sent);
    /* Every session opened after the function call got the earlier turns and the call with its output first:
     * 6 renewals and 2 of the drops come after it (the first drop cuts the first reply); a session that served
     * too briefly for caller audio or a reply (renewed again at once) has nothing to check. */
    int replays = check_replays_hold_turns_and_the_function_call(view, &c, "call_clock", turns_before_call);
    fprintf(stderr, "  %d sessions opened after the function call, each checked for its replay\n", replays);
    CHECK(replays >= 6);
    /* The cut reply lives on in the last session, cut: its start is there, its whole transcript is not. */
    CHECK(realtime_session_text(view, sessions - 1, one, sizeof one));
    char entry[1024];
    check_cut_in_session(one, cut_item, call_transcript(&c, cut_item), entry);
    free(view);
    emulator_reset();
}

TEST(a_long_call_across_six_renewals_and_three_drops_answers_every_turn_once_in_pull_mode) { long_call(0); }

TEST(a_long_call_across_six_renewals_and_three_drops_answers_every_turn_once_in_callback_mode) { long_call(1); }

/* Options for a call whose first session says it ends 6 s after it opened: the library opens the next one at
 * once and switches at the first turn boundary. */
static azaudio_realtime_options one_renewal_options(azaudio_realtime_options o) {
    emulator_reset();
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":6,\"count\":1}");
    o.reconnect_max_attempts = 3;
    o.reconnect_backoff_ms = 20;
    o.renewal_margin_ms = 5800;
    o.keepalive_ms = 200; /* the renewal is looked at every 50 ms */
    return o;
}

/* Ends the call, then checks: no error, one cut of replayed text, and the emulator's second session holds `item`
 * cut as text, created again in place (after an earlier item). */
static void end_with_the_cut_in_the_second_session(call *c, const char *item) {
    call_settle(c);
    call_end(c);
    if (c->count[AZAUDIO_EVENT_ERROR]) fprintf(stderr, "  error: %s\n", c->last_error);
    CHECK(c->count[AZAUDIO_EVENT_ERROR] == 0);
    CHECK(c->replayed_text_cuts == 1);
    char *view = realtime_emulator_sessions();
    static char second[65536];
    char entry[1024];
    CHECK(view && realtime_session_text(view, 1, second, sizeof second));
    check_cut_in_session(second, item, call_transcript(c, item), entry);
    CHECK(strstr(entry, "\"previous_item_id\": null") == NULL);
    free(view);
    emulator_reset();
}

/* Barge-in right after a renewal, on the reply the session before it sent before the host reported any of it
 * played: the new session holds that reply only as replayed text and refuses a truncate, so the library cuts
 * the text in its place; the app sees the flush and the truncation, no error. */
TEST(a_barge_in_right_after_a_renewal_cuts_the_old_sessions_reply_in_the_new_session) {
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    o.input_transcription_deployment = "whisper";
    o = one_renewal_options(o);
    call c;
    CHECK(call_open(&c, &o, 0));
    if (!c.s) return;
    char reply[64] = "";
    uint32_t ms = 0;
    int switched = 0;
    for (int turn = 0; turn < 4 && !switched; turn++) { /* until a reply's end is the switch */
        int done = call_count(&c, AZAUDIO_EVENT_RESPONSE_DONE);
        call_speak(&c);
        CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, done + 1, 20));
        call_settle(&c);
        ms = call_reply(&c, reply);
        switched = call_count(&c, AZAUDIO_EVENT_RENEWED) == 1;
        if (!switched && ms > 0) azaudio_realtime_audio_played(c.s, reply, ms);
    }
    CHECK(switched && ms > 100);
    /* The host starts playing the reply only now, half of it, and the caller speaks. */
    CHECK_RESULT(azaudio_realtime_audio_played(c.s, reply, ms / 2), AZAUDIO_OK);
    int done = call_count(&c, AZAUDIO_EVENT_RESPONSE_DONE);
    call_speak(&c);
    CHECK(call_wait(&c, AZAUDIO_EVENT_PLAYBACK_FLUSH, 1, 20));
    CHECK(call_wait(&c, AZAUDIO_EVENT_ITEM_TRUNCATED, 1, 20));
    CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, done + 1, 20)); /* the new turn is answered */
    end_with_the_cut_in_the_second_session(&c, reply);
}

/* The same through azaudio_realtime_truncate(): the app cuts a reply of the session before a renewal. */
TEST(truncating_the_old_sessions_reply_after_a_renewal_cuts_its_text_in_the_new_session) {
    azaudio_realtime_options o = one_renewal_options(realtime_manual_options());
    call c;
    CHECK(call_open(&c, &o, 0));
    if (!c.s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(c.s, "user", "Tell me a story."), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(c.s, NULL), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_RESPONSE_DONE, 1, 20));
    CHECK(call_wait(&c, AZAUDIO_EVENT_RENEWED, 1, 10));
    char reply[64];
    uint32_t ms = call_reply(&c, reply);
    CHECK(ms > 100);
    int created = call_count(&c, AZAUDIO_EVENT_ITEM_CREATED);
    CHECK_RESULT(azaudio_realtime_truncate(c.s, reply, 0, ms / 2), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_ITEM_TRUNCATED, 1, 10));
    CHECK(call_wait(&c, AZAUDIO_EVENT_ITEM_CREATED, created + 1, 10)); /* the cut text, in place */
    end_with_the_cut_in_the_second_session(&c, reply);
}

/* A spoken turn's latency figures in order on one clock: speech end -> first reply audio -> first audible reply
 * audio (the level gate on the decoded reply) -> first audio the host reports played (here: as the reply's audio
 * ends, from the callback, before the library reads the response's end). */
TEST(a_spoken_turns_first_audible_audio_comes_between_its_first_audio_and_its_playing) {
    emulator_reset();
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    call c;
    CHECK(call_open(&c, &o, 1));
    if (!c.s) return;
    c.play_at_audio_done = 1;
    call_speak(&c);
    CHECK(call_wait(&c, AZAUDIO_EVENT_TURN_LATENCY, 1, 20));
    uint32_t count = 0;
    int32_t median = -1, p95 = -1;
    CHECK_RESULT(azaudio_realtime_audible_latency_summary(c.s, &count, &median, &p95), AZAUDIO_OK);
    call_end(&c);
    long first_audio = realtime_figure(c.latency, "speech_end_to_first_audio_ms");
    long audible = realtime_figure(c.latency, "speech_end_to_first_audible_ms");
    long played = realtime_figure(c.latency, "speech_end_to_first_played_ms");
    fprintf(stderr, "  first audio %ld ms, audible %ld ms (%ld ms into the reply), played %ld ms\n", first_audio,
            audible, realtime_figure(c.latency, "first_audible_offset_ms"), played);
    CHECK(first_audio >= 0 && audible >= first_audio && played >= audible);
    CHECK(realtime_figure(c.latency, "first_audible_offset_ms") >= 0);
    CHECK(count == 1 && median == audible && p95 == median);
    CHECK_STR_CONTAINS(c.latency, "\"audible_count\":1,");
    CHECK_RESULT(azaudio_realtime_audible_latency_summary(NULL, &count, NULL, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    emulator_reset();
}

/* Off by default: a drop mid-reply is reported, and nothing asks again. */
TEST(an_interrupted_reply_is_not_asked_again_unless_the_option_says_so) {
    emulator_reset();
    emulator_fault("{\"kind\":\"tcp_reset\",\"after_audio_deltas\":3}");
    azaudio_realtime_options o = realtime_manual_options();
    CHECK(o.reask_interrupted_response == 0);
    o.reconnect_max_attempts = 3;
    o.reconnect_backoff_ms = 20;
    call c;
    CHECK(call_open(&c, &o, 0));
    if (!c.s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(c.s, "user", "Tell me a story."), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(c.s, NULL), AZAUDIO_OK);
    CHECK(call_wait(&c, AZAUDIO_EVENT_RECONNECTED, 1, 20));
    CHECK(c.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED] == 1 && c.reasked == 0);
    int created = c.count[AZAUDIO_EVENT_RESPONSE_CREATED];
    CHECK(!call_wait(&c, AZAUDIO_EVENT_RESPONSE_CREATED, created + 1, 1.5)); /* nothing was asked for */
    char *view = realtime_emulator_sessions();
    static char second[16384];
    CHECK(view && realtime_session_text(view, 1, second, sizeof second));
    CHECK(strstr(second, "\"answers\": ") == NULL);
    free(view);
    call_end(&c);

    o.reask_interrupted_response = 2;
    azaudio_realtime_session *bad = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &bad), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "reask_interrupted_response");
    emulator_reset();
}

int main(void) {
    if (!realtime_setup()) return 1;
    RUN(a_long_call_across_six_renewals_and_three_drops_answers_every_turn_once_in_pull_mode);
    RUN(a_long_call_across_six_renewals_and_three_drops_answers_every_turn_once_in_callback_mode);
    RUN(an_interrupted_reply_is_not_asked_again_unless_the_option_says_so);
    RUN(a_spoken_turns_first_audible_audio_comes_between_its_first_audio_and_its_playing);
    RUN(a_barge_in_right_after_a_renewal_cuts_the_old_sessions_reply_in_the_new_session);
    RUN(truncating_the_old_sessions_reply_after_a_renewal_cuts_its_text_in_the_new_session);
    realtime_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
