/* A spoken call as the long-call tests drive it (test_realtime_long_call.c), in pull mode or callback mode with
 * the same code: the events are recorded in a `call` (counts per type, the spoken turns, renewals by mode, the
 * latest reply's item and audio, reply transcripts). In callback mode the handler records on the library's I/O
 * thread under the call's lock and the test thread waits on its condition; in pull mode the waits pull.
 * Include after realtime_support.h. LONG_CALL_TRACE=1 prints the events (not the audio) as they come. */
#ifndef AZAUDIO_REALTIME_CALL_SUPPORT_H
#define AZAUDIO_REALTIME_CALL_SUPPORT_H

#include "realtime_support.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define CALL_MAX_TURNS 64

typedef struct {
    azaudio_realtime_session *s;
    int callback; /* 1: events come to call_handler; 0: the waits pull them */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    long events; /* all events recorded */
    int count[64];
    long at[64];                    /* the number (1-based, in order of arrival) of the latest event of each type */
    char users[CALL_MAX_TURNS][64]; /* the spoken turns' items (INPUT_COMMITTED), in order */
    int user_count;
    int make_before_break; /* RENEWED events of each mode */
    int break_before_make;
    int cap_switches;          /* RENEWED at the cap's lead (no turn boundary came in time), either mode */
    int64_t longest_switch_ms; /* the longest input hold of a make-before-break switch */
    int reasked;               /* RESPONSE_INTERRUPTED saying the library asks again */
    int replayed_text_cuts;    /* ITEM_TRUNCATED the library made for replayed text */
    char reply_item[64];       /* the latest reply's item and how much of its audio came */
    size_t reply_bytes;
    char transcript[64][256]; /* reply transcripts by order of arrival, to find a cut one */
    char transcript_item[64][64];
    int transcripts;
    char last_error[256];
    char latency[1024];     /* the latest TURN_LATENCY's JSON */
    char reconnecting[256]; /* the latest RECONNECTING's and RECONNECTED's JSON */
    char reconnected[256];
    int play_at_audio_done; /* callback mode: the host reports a reply all played as its audio ends */
} call;

static const char *const call_mode_name[2] = {"pull", "callback"};

static inline void call_note_locked(call *c, const azaudio_realtime_event *e) {
    int t = azaudio_realtime_event_type(e);
    c->events++;
    if (t >= 0 && t < 64) {
        c->count[t]++;
        c->at[t] = c->events;
    }
    const char *json = azaudio_realtime_event_json(e);
    if (getenv("LONG_CALL_TRACE") && t != AZAUDIO_EVENT_AUDIO_DELTA && t != AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA)
        fprintf(stderr, "    %.3f %s %s %.80s\n", now_seconds(), azaudio_realtime_event_name(e),
                azaudio_realtime_event_item_id(e), (t >= 34 && t <= 39) || t == AZAUDIO_EVENT_ERROR ? json : "");
    switch (t) {
    case AZAUDIO_EVENT_INPUT_COMMITTED:
        if (c->user_count < CALL_MAX_TURNS)
            snprintf(c->users[c->user_count++], sizeof c->users[0], "%s", azaudio_realtime_event_item_id(e));
        break;
    case AZAUDIO_EVENT_RENEWED:
        if (strstr(json, "\"trigger\":\"cap\"")) c->cap_switches++;
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
    case AZAUDIO_EVENT_ITEM_TRUNCATED:
        if (strstr(json, "\"replayed_text\":true")) c->replayed_text_cuts++;
        break;
    case AZAUDIO_EVENT_ERROR:
        snprintf(c->last_error, sizeof c->last_error, "%s", json);
        break;
    case AZAUDIO_EVENT_RECONNECTING:
        snprintf(c->reconnecting, sizeof c->reconnecting, "%s", json);
        break;
    case AZAUDIO_EVENT_RECONNECTED:
        snprintf(c->reconnected, sizeof c->reconnected, "%s", json);
        break;
    case AZAUDIO_EVENT_TURN_LATENCY:
        snprintf(c->latency, sizeof c->latency, "%s", json);
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

static inline void call_note(call *c, const azaudio_realtime_event *e) {
    pthread_mutex_lock(&c->lock);
    call_note_locked(c, e);
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->lock);
}

/* The latest reply's item (copied into item[64]) and the milliseconds of its audio received (PCM16 24 kHz). */
static inline uint32_t call_reply(call *c, char *item) {
    pthread_mutex_lock(&c->lock);
    snprintf(item, 64, "%s", c->reply_item);
    uint32_t ms = (uint32_t)(c->reply_bytes / 48);
    pthread_mutex_unlock(&c->lock);
    return ms;
}

/* Callback mode: every event, on the library's I/O thread (in order: a played report made here comes before
 * the library reads the response's end). */
static inline void call_handler(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    call *c = user;
    call_note(c, e);
    if (c->play_at_audio_done && azaudio_realtime_event_type(e) == AZAUDIO_EVENT_AUDIO_DONE) {
        char item[64];
        uint32_t ms = call_reply(c, item);
        if (ms > 0) CHECK_RESULT(azaudio_realtime_audio_played(session, item, ms), AZAUDIO_OK);
    }
}

/* Opens the call's session with `o` in the given mode (o's callback fields are set here); 0 on failure. */
static inline int call_open(call *c, azaudio_realtime_options *o, int callback) {
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->changed, NULL);
    c->callback = callback;
    o->event_callback = callback ? call_handler : NULL;
    o->event_user_data = callback ? c : NULL;
    c->s = connect_with(o);
    return c->s != NULL;
}

/* Destroys the session (no event comes after) and the call's lock. */
static inline void call_end(call *c) {
    azaudio_realtime_destroy(c->s);
    c->s = NULL;
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
}

static inline int call_count(call *c, int type) {
    pthread_mutex_lock(&c->lock);
    int n = c->count[type];
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* Callback mode: waits on the condition until `deadline` at the most, with the lock held. */
static inline void call_wait_locked(call *c, double deadline) {
    double until = now_seconds() + 0.1 < deadline ? now_seconds() + 0.1 : deadline;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double wait = until - now_seconds();
    if (wait < 0) wait = 0;
    long ns = ts.tv_nsec + (long)(wait * 1e9);
    ts.tv_sec += ns / 1000000000L;
    ts.tv_nsec = ns % 1000000000L;
    pthread_cond_timedwait(&c->changed, &c->lock, &ts);
}

/* Until `type` was seen `at_least` times in all (1), or CLOSED came or `seconds` passed (0). */
static inline int call_wait(call *c, int type, int at_least, double seconds) {
    double deadline = now_seconds() + seconds;
    if (c->callback) {
        pthread_mutex_lock(&c->lock);
        while (c->count[type] < at_least && !c->count[AZAUDIO_EVENT_CLOSED] && now_seconds() < deadline)
            call_wait_locked(c, deadline);
        pthread_mutex_unlock(&c->lock);
    } else {
        azaudio_realtime_event *e = NULL;
        while (call_count(c, type) < at_least && !call_count(c, AZAUDIO_EVENT_CLOSED) &&
               realtime_next_before(c->s, deadline, &e)) {
            call_note(c, e);
            azaudio_realtime_event_free(e);
        }
    }
    int n = call_count(c, type);
    if (n < at_least) fprintf(stderr, "  timed out waiting for event %d x%d\n", type, at_least);
    return n >= at_least;
}

/* Takes the events that follow at once (the library delivers a response's latency figures, and a renewal's
 * switch at its end, right after RESPONSE_DONE): until 50 ms pass without one. */
static inline void call_settle(call *c) {
    if (c->callback) {
        pthread_mutex_lock(&c->lock);
        for (long seen = -1; seen != c->events;) {
            seen = c->events;
            call_wait_locked(c, now_seconds() + 0.05);
        }
        pthread_mutex_unlock(&c->lock);
        return;
    }
    azaudio_realtime_event *e = NULL;
    while (realtime_next(c->s, &e, 50) == 1) {
        call_note(c, e);
        azaudio_realtime_event_free(e);
    }
}

/* Speaks the question (all at once: the emulator reads input as fast as it comes) and the silence that ends the
 * turn (600 ms, over server VAD's 500). Returns the bytes sent. */
static inline size_t call_speak(call *c) {
    size_t sent = 0;
    for (size_t off = 0; off + 1 < speech_size; off += 960) {
        size_t n = speech_size - off < 960 ? (speech_size - off) & ~(size_t)1 : 960;
        CHECK_RESULT(azaudio_realtime_send_audio(c->s, speech_pcm + off, n), AZAUDIO_OK);
        sent += n;
    }
    realtime_send_quiet(c->s, 30);
    return sent + 30 * 960;
}

/* The whole transcript of reply `item` as it arrived (NULL if none came). Read once the session is destroyed. */
static inline const char *call_transcript(const call *c, const char *item) {
    for (int i = 0; i < c->transcripts; i++)
        if (strcmp(c->transcript_item[i], item) == 0) return c->transcript[i];
    return NULL;
}

/* How many times `needle` occurs in `text`. */
static inline int occurrences(const char *text, const char *needle) {
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* Checks that the last item `item_id` created in the emulator's session text `session` holds the start of
 * `full` but not all of it (a reply cut by barge-in, carried as text); writes that entry to entry[1024]. */
static inline void check_cut_in_session(const char *session, const char *item_id, const char *full, char *entry) {
    char id[96], start[64];
    snprintf(id, sizeof id, "\"id\": \"%s\"", item_id);
    const char *found = NULL;
    for (const char *p = strstr(session, id); p; p = strstr(p + 1, id)) found = p;
    const char *end = found ? strchr(found, '}') : NULL;
    CHECK(found && end && full && strlen(full) > 10);
    entry[0] = 0;
    if (!found || !end || !full) return;
    snprintf(entry, 1024, "%.*s", (int)(end - found), found);
    snprintf(start, sizeof start, "\"text\": \"%.6s", full);
    CHECK_STR_CONTAINS(entry, start);
    CHECK(strstr(entry, full) == NULL);
}

#endif
