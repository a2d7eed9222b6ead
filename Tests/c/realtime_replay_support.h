/* Checks on what each new session of a long call was given before the caller's audio reached it, from the
 * emulator's own record (GET /_emulator/realtime/sessions: the items each session received in order, and
 * `items_before_audio`, how many of them came before its first input audio). Include after
 * realtime_call_support.h. */
#ifndef AZAUDIO_REALTIME_REPLAY_SUPPORT_H
#define AZAUDIO_REALTIME_REPLAY_SUPPORT_H

#include "realtime_call_support.h"

#define REPLAY_MAX_ITEMS 256

/* One item a session received, as the emulator shows it. */
typedef struct {
    char id[64];
    char type[32];
    char call_id[64];
    int has_text; /* a non-empty "text" */
} replay_item;

/* A string value after `"key": "` inside [from, to), into out[size] ("" if absent). */
static inline void replay_string(const char *from, const char *to, const char *key, char *out, size_t size) {
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\": \"", key);
    out[0] = 0;
    const char *p = strstr(from, quoted);
    if (!p || p >= to) return;
    p += strlen(quoted);
    const char *end = strchr(p, '"');
    if (!end || end > to) return;
    snprintf(out, size, "%.*s", (int)(end - p), p);
}

/* The items of one session's text (realtime_session_text) received before its first input audio, in order, into
 * items[REPLAY_MAX_ITEMS]: all of them when `all`. Returns their number, or -1 when the session got no audio at all
 * (unless `all`). */
static inline int replay_before_audio(const char *session, replay_item *items, int all) {
    long before =
        strstr(session, "\"items_before_audio\": null") ? -1 : realtime_json_number(session, "items_before_audio");
    if (all) before = REPLAY_MAX_ITEMS;
    if (before < 0) return -1;
    const char *p = strstr(session, "\"items\": [");
    const char *end = strstr(session, "\"audio_bytes\": ");
    int n = 0;
    /* Inside JSON strings a quote is escaped: `{"id": "` starts an item and nothing else in the list. */
    for (p = p ? strstr(p, "{\"id\": ") : NULL; p && end && p < end && n < before && n < REPLAY_MAX_ITEMS;
         p = strstr(p + 1, "{\"id\": ")) {
        const char *next = strstr(p + 1, "{\"id\": ");
        const char *stop = next && next < end ? next : end;
        replay_item *it = &items[n++];
        replay_string(p, stop, "id", it->id, sizeof it->id);
        replay_string(p, stop, "type", it->type, sizeof it->type);
        replay_string(p, stop, "call_id", it->call_id, sizeof it->call_id);
        char text[8];
        replay_string(p, stop, "text", text, sizeof text);
        it->has_text = text[0] != 0;
    }
    return n;
}

/* The index of item `id` (of `type` when not NULL; with `call_id` when not NULL) in items[0..n), or -1. */
static inline int replay_find(const replay_item *items, int n, const char *id, const char *type, const char *call_id) {
    for (int i = 0; i < n; i++)
        if ((!id || strcmp(items[i].id, id) == 0) && (!type || strcmp(items[i].type, type) == 0) &&
            (!call_id || strcmp(items[i].call_id, call_id) == 0))
            return i;
    return -1;
}

/* Whether session text `session` holds a response that answers user item `item`. */
static inline int replay_answers(const char *session, const char *item) {
    char needle[128];
    snprintf(needle, sizeof needle, "\"answers\": \"%s\"", item);
    return strstr(session, needle) != NULL;
}

/* Checks every session of the emulator's `view` opened after the one in which the app created function call
 * `call_id` (and its output): the items it received before its first audio hold the function call followed at once
 * by its output, and, as text, every spoken turn of c->users answered in an earlier session, in the order they
 * were spoken, those spoken before the function call (the first `turns_before_call`) before it and the others after
 * its output. Returns the number of sessions checked. */
static inline int check_replays_hold_turns_and_the_function_call(const char *view, const call *c, const char *call_id,
                                                                 int turns_before_call) {
    static char session[131072];
    static replay_item items[REPLAY_MAX_ITEMS];
    static int answered_in[CALL_MAX_TURNS]; /* the session that answered each spoken turn, or -1 */
    for (int u = 0; u < c->user_count; u++) {
        answered_in[u] = -1;
        for (int k = 0; answered_in[u] < 0 && realtime_session_text(view, k, session, sizeof session); k++)
            if (replay_answers(session, c->users[u])) answered_in[u] = k;
    }
    char quoted[96];
    snprintf(quoted, sizeof quoted, "\"call_id\": \"%s\"", call_id);
    int first = -1, checked = 0;
    for (int k = 0; realtime_session_text(view, k, session, sizeof session); k++) {
        if (first < 0) {
            if (strstr(session, quoted)) first = k; /* the session the app created the call in */
            continue;
        }
        /* A session that served without caller audio (a renewal came before the next turn) answered a response:
         * all it got came before. One with neither audio nor a response is a standby given up (prepared earlier,
         * never caught up): nothing to check. */
        int n = replay_before_audio(session, items, 0);
        if (n < 0 && strstr(session, "\"answers\": ")) n = replay_before_audio(session, items, 1);
        if (n < 0) continue;
        checked++;
        int fn = replay_find(items, n, NULL, "function_call", call_id);
        int out = replay_find(items, n, NULL, "function_call_output", call_id);
        if (fn < 0 || out != fn + 1)
            fprintf(stderr, "  session %d: function call at %d, its output at %d of %d replayed items; %.600s\n", k, fn,
                    out, n, session);
        CHECK(fn >= 0 && out == fn + 1);
        int last = -1;
        for (int u = 0; u < c->user_count; u++) {
            if (answered_in[u] < 0 || answered_in[u] >= k) continue;
            int at = replay_find(items, n, c->users[u], "message", NULL);
            int placed = at >= 0 && items[at].has_text && at > last && (u < turns_before_call ? at < fn : at > out);
            if (!placed)
                fprintf(stderr, "  session %d: turn %d (%s, answered in session %d) at %d of %d replayed items\n", k, u,
                        c->users[u], answered_in[u], at, n);
            CHECK(placed);
            if (at >= 0) last = at;
        }
    }
    CHECK(first >= 0);
    return checked;
}

#endif
