/* One long call against the local emulator, paced faster than real time: spoken turns (server VAD) across six
 * renewals (every session says it ends a few seconds after it opened) and three connection resets mid-reply, a
 * speech-triggered barge-in whose cut reply reaches later sessions, and the option that asks again for a reply
 * a drop cut off. Every spoken turn is answered exactly once (the emulator's record of the responses that ended,
 * and the events), every caller frame reaches exactly one session.
 * LONG_CALL_TRACE=1 prints the events (not the audio) as they come.
 * emulator-options: --speed 20 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"
#include "rest_support.h"

#include <stdint.h>

#define MAX_TURNS 64

typedef struct {
    int count[48];
    char users[MAX_TURNS][64]; /* the spoken turns' items (INPUT_COMMITTED), in order */
    int user_count;
    int make_before_break; /* RENEWED events of each mode */
    int break_before_make;
    int64_t longest_switch_ms; /* the longest input hold of a make-before-break switch */
    int reasked;               /* RESPONSE_INTERRUPTED saying the library asks again */
    char reply_item[64];       /* the latest reply's item and how much of its audio came */
    size_t reply_bytes;
    char transcript[64][256]; /* reply transcripts by order of arrival, to find the cut one */
    char transcript_item[64][64];
    int transcripts;
} call_log;

static void note(call_log *c, const azaudio_realtime_event *e) {
    int t = azaudio_realtime_event_type(e);
    if (t >= 0 && t < 48) c->count[t]++;
    const char *json = azaudio_realtime_event_json(e);
    if (getenv("LONG_CALL_TRACE") && t != AZAUDIO_EVENT_AUDIO_DELTA && t != AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA)
        fprintf(stderr, "    %.3f %s %s %.80s\n", now_seconds(), azaudio_realtime_event_name(e),
                azaudio_realtime_event_item_id(e), t >= 34 && t <= 38 ? json : "");
    switch (t) {
    case AZAUDIO_EVENT_INPUT_COMMITTED:
        if (c->user_count < MAX_TURNS)
            snprintf(c->users[c->user_count++], sizeof c->users[0], "%s", azaudio_realtime_event_item_id(e));
        break;
    case AZAUDIO_EVENT_RENEWED:
        if (strstr(json, "\"mode\":\"make_before_break\"")) {
            c->make_before_break++;
            int64_t ms = azaudio_realtime_event_audio_ms(e);
            if (ms > c->longest_switch_ms) c->longest_switch_ms = ms;
        } else {
            c->break_before_make++;
        }
        break;
    case AZAUDIO_EVENT_RESPONSE_INTERRUPTED:
        if (strstr(json, "\"reask\":true")) c->reasked++;
        break;
    case AZAUDIO_EVENT_AUDIO_DELTA: {
        size_t size = 0;
        azaudio_realtime_event_audio(e, &size);
        if (strcmp(c->reply_item, azaudio_realtime_event_item_id(e)) != 0) {
            snprintf(c->reply_item, sizeof c->reply_item, "%s", azaudio_realtime_event_item_id(e));
            c->reply_bytes = 0;
        }
        c->reply_bytes += size;
        break;
    }
    case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE:
        if (c->transcripts < 64) {
            snprintf(c->transcript[c->transcripts], sizeof c->transcript[0], "%s", azaudio_realtime_event_text(e));
            snprintf(c->transcript_item[c->transcripts++], sizeof c->transcript_item[0], "%s",
                     azaudio_realtime_event_item_id(e));
        }
        break;
    default:
        break;
    }
}

/* Takes events until `type` was seen `at_least` times in all (1), CLOSED came or `seconds` passed (0). */
static int pull_until_count(azaudio_realtime_session *s, call_log *c, int type, int at_least, double seconds) {
    double deadline = now_seconds() + seconds;
    azaudio_realtime_event *e = NULL;
    while (c->count[type] < at_least && realtime_next_before(s, deadline, &e)) {
        note(c, e);
        azaudio_realtime_event_free(e);
        if (c->count[AZAUDIO_EVENT_CLOSED]) return 0;
    }
    if (c->count[type] < at_least) fprintf(stderr, "  timed out waiting for event %d x%d\n", type, at_least);
    return c->count[type] >= at_least;
}

/* Takes the events already waiting (the library delivers a response's latency figures, and a renewal's
 * switch at its end, right after RESPONSE_DONE). */
static void drain(azaudio_realtime_session *s, call_log *c) {
    azaudio_realtime_event *e = NULL;
    while (realtime_next(s, &e, 50) == 1) {
        note(c, e);
        azaudio_realtime_event_free(e);
    }
}

/* Speaks the question (all at once: the emulator reads input as fast as it comes) and the silence that ends the
 * turn (600 ms, over server VAD's 500). Returns the bytes sent. */
static size_t speak(azaudio_realtime_session *s) {
    size_t sent = 0;
    for (size_t off = 0; off + 1 < speech_size; off += 960) {
        size_t n = speech_size - off < 960 ? (speech_size - off) & ~(size_t)1 : 960;
        CHECK_RESULT(azaudio_realtime_send_audio(s, speech_pcm + off, n), AZAUDIO_OK);
        sent += n;
    }
    realtime_send_quiet(s, 30);
    return sent + 30 * 960;
}

/* How many times `needle` occurs in `text`. */
static int occurrences(const char *text, const char *needle) {
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

TEST(a_long_call_across_six_renewals_and_three_drops_answers_every_turn_once) {
    emulator_reset();
    /* Every session ends 8 s after it opened (expires_at says so); the library renews 6 s before that, at the
     * first turn boundary once the next session is ready (a turn takes 1-3 s here). */
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":8,\"count\":60}");
    emulator_fault("{\"kind\":\"tcp_reset\",\"after_audio_deltas\":3}"); /* the first reply is cut mid-way */
    int drops_queued = 1;
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    o.input_transcription_deployment = "whisper"; /* spoken turns reach the replay as text */
    o.reconnect_max_attempts = 5;
    o.reconnect_backoff_ms = 20;
    o.renewal_margin_ms = 6000;
    o.keepalive_ms = 200; /* the renewal is looked at every 50 ms */
    o.reask_interrupted_response = 1;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    call_log c;
    memset(&c, 0, sizeof c);
    long sent = 0;
    int barged = 0;
    char cut_item[64] = "";
    double deadline = now_seconds() + 50;
    for (int turn = 0; turn < 40 && now_seconds() < deadline; turn++) {
        if (c.count[AZAUDIO_EVENT_RENEWED] >= 6 && c.count[AZAUDIO_EVENT_RECONNECTED] >= 3 && barged &&
            c.count[AZAUDIO_EVENT_RENEWED] >= barged + 2)
            break;
        int done = c.count[AZAUDIO_EVENT_RESPONSE_DONE], renewed = c.count[AZAUDIO_EVENT_RENEWED];
        sent += (long)speak(s);
        CHECK(pull_until_count(s, &c, AZAUDIO_EVENT_RESPONSE_DONE, done + 1, 20));
        drain(s, &c); /* a renewal switching at this response's end delivers RENEWED right after it */
        uint32_t received_ms = (uint32_t)(c.reply_bytes / 48);
        if (!barged && c.count[AZAUDIO_EVENT_RENEWED] >= 2 && c.count[AZAUDIO_EVENT_RECONNECTED] >= 1 &&
            c.count[AZAUDIO_EVENT_RENEWED] == renewed) {
            /* The barge-in (in the session that sent the reply): the host says it played half of the reply, and
             * the caller speaks again; the library cuts the reply there (speech start, not an explicit truncate).
             * The renewals after it carry the cut reply on. */
            snprintf(cut_item, sizeof cut_item, "%s", c.reply_item);
            CHECK_RESULT(azaudio_realtime_audio_played(s, cut_item, received_ms / 2), AZAUDIO_OK);
            int flushes = c.count[AZAUDIO_EVENT_PLAYBACK_FLUSH];
            sent += (long)speak(s);
            CHECK(pull_until_count(s, &c, AZAUDIO_EVENT_PLAYBACK_FLUSH, flushes + 1, 20));
            CHECK(pull_until_count(s, &c, AZAUDIO_EVENT_ITEM_TRUNCATED, 1, 20));
            barged = c.count[AZAUDIO_EVENT_RENEWED];
            CHECK(pull_until_count(s, &c, AZAUDIO_EVENT_RESPONSE_DONE, done + 2, 20));
            received_ms = (uint32_t)(c.reply_bytes / 48);
        }
        /* The host played the whole reply (so the next turn is no barge-in). */
        if (c.reply_item[0] && received_ms > 0) azaudio_realtime_audio_played(s, c.reply_item, received_ms);
        if (c.count[AZAUDIO_EVENT_CLOSED]) break;
        if (drops_queued < 3 && c.count[AZAUDIO_EVENT_RECONNECTED] >= drops_queued) {
            /* The next session opened (a renewal's or a reconnect's) is reset at its third reply delta. */
            emulator_fault("{\"kind\":\"tcp_reset\",\"after_audio_deltas\":3}");
            drops_queued++;
        }
    }
    realtime_send_quiet(s, 5);
    sent += 5 * 960;
    fprintf(stderr,
            "  %d turns, %d renewals (%d make-before-break, longest hold %lld ms; %d started), %d reconnects, "
            "%d interrupted (%d asked again)\n",
            c.user_count, c.count[AZAUDIO_EVENT_RENEWED], c.make_before_break, (long long)c.longest_switch_ms,
            c.count[AZAUDIO_EVENT_RENEWING], c.count[AZAUDIO_EVENT_RECONNECTED],
            c.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED], c.reasked);
    CHECK(c.count[AZAUDIO_EVENT_CLOSED] == 0);
    CHECK(c.count[AZAUDIO_EVENT_RENEWED] >= 6);
    CHECK(c.count[AZAUDIO_EVENT_RENEWING] >= c.count[AZAUDIO_EVENT_RENEWED]); /* (a drop gives one up) */
    CHECK(c.make_before_break >= 5); /* the normal way; a switch may fall back when the machine is slow */
    CHECK(c.count[AZAUDIO_EVENT_RECONNECTED] == 3);
    CHECK(c.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED] == 3 && c.reasked == 3);
    CHECK(barged > 0 && cut_item[0]);
    CHECK_RESULT(azaudio_realtime_close(s), AZAUDIO_OK);
    CHECK(pull_until_count(s, &c, AZAUDIO_EVENT_CLOSED, 1, 10) || c.count[AZAUDIO_EVENT_CLOSED] == 1);

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
    /* The cut reply lives on in the last session, cut: its start is there, its whole transcript is not. */
    CHECK(realtime_session_text(view, sessions - 1, one, sizeof one));
    const char *full = NULL;
    for (int i = 0; i < c.transcripts; i++)
        if (strcmp(c.transcript_item[i], cut_item) == 0) full = c.transcript[i];
    CHECK(full != NULL && strlen(full) > 10);
    char id[96];
    snprintf(id, sizeof id, "\"id\": \"%s\"", cut_item);
    const char *entry = strstr(one, id), *entry_end = entry ? strchr(entry, '}') : NULL;
    CHECK(entry && entry_end);
    if (full && entry && entry_end) {
        char item[1024], start[64];
        snprintf(item, sizeof item, "%.*s", (int)(entry_end - entry), entry);
        snprintf(start, sizeof start, "\"text\": \"%.6s", full);
        CHECK_STR_CONTAINS(item, start);
        CHECK(strstr(item, full) == NULL);
    }
    free(view);
    azaudio_realtime_destroy(s);
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
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    call_log c;
    memset(&c, 0, sizeof c);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "Tell me a story."), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until_count(s, &c, AZAUDIO_EVENT_RECONNECTED, 1, 20));
    CHECK(c.count[AZAUDIO_EVENT_RESPONSE_INTERRUPTED] == 1 && c.reasked == 0);
    int created = c.count[AZAUDIO_EVENT_RESPONSE_CREATED];
    CHECK(!pull_until_count(s, &c, AZAUDIO_EVENT_RESPONSE_CREATED, created + 1, 1.5)); /* nothing was asked for */
    char *view = realtime_emulator_sessions();
    static char second[16384];
    CHECK(view && realtime_session_text(view, 1, second, sizeof second));
    CHECK(strstr(second, "\"answers\": ") == NULL);
    free(view);
    azaudio_realtime_destroy(s);

    o.reask_interrupted_response = 2;
    azaudio_realtime_session *bad = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &bad), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "reask_interrupted_response");
    emulator_reset();
}

int main(void) {
    if (!realtime_setup()) return 1;
    RUN(a_long_call_across_six_renewals_and_three_drops_answers_every_turn_once);
    RUN(an_interrupted_reply_is_not_asked_again_unless_the_option_says_so);
    realtime_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
