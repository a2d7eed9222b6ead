/* rt_echo_server: just enough of the GA realtime protocol to exercise duplex audio (see rt_echo_server.c). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rt_server.h"

const char *session_format = "{\"type\":\"audio/pcm\",\"rate\":24000}";
uint64_t reset_after_appends;
uint64_t items_every_appends;

uint64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char SESSION_JSON[] =
    "{\"type\":\"realtime\",\"object\":\"realtime.session\",\"id\":\"sess_bench%llu\",\"model\":\"gpt-realtime\","
    "\"output_modalities\":[\"audio\"],\"instructions\":\"\",\"tools\":[],\"tool_choice\":\"auto\","
    "\"max_output_tokens\":\"inf\",\"audio\":{\"input\":{\"format\":%s,"
    "\"transcription\":null,\"noise_reduction\":null,\"turn_detection\":null},\"output\":{\"format\":%s,"
    "\"voice\":\"alloy\",\"speed\":1.0}}}";

int send_session_event(conn *c, const char *type) {
    char session[1024], event[1400];
    snprintf(session, sizeof session, SESSION_JSON, (unsigned long long)c->session_id, session_format, session_format);
    int n = snprintf(event, sizeof event, "{\"type\":\"%s\",\"event_id\":\"event_s%llu\",\"session\":%s}", type,
                     (unsigned long long)c->session_id, session);
    return frame_out(c, 1, event, (size_t)n);
}

/* Finds the string value of "key" (a JSON string without escapes, which is all the benchmark sends) at the top
 * level of a small event; good enough for a benchmark peer. */
static const uint8_t *find_string(const uint8_t *json, size_t len, const char *key, size_t *out_len) {
    size_t klen = strlen(key);
    const uint8_t *end = json + len;
    for (const uint8_t *p = json; p + klen + 3 < end; p++) {
        if (*p != '"' || memcmp(p + 1, key, klen) != 0 || p[1 + klen] != '"') continue;
        const uint8_t *q = p + 2 + klen;
        while (q < end && (*q == ' ' || *q == ':')) q++;
        if (q >= end || *q != '"') return NULL;
        q++;
        const uint8_t *s = memchr(q, '"', (size_t)(end - q));
        if (!s) return NULL;
        *out_len = (size_t)(s - q);
        return q;
    }
    return NULL;
}

/* One response.output_audio.delta carrying the appended audio (still base64) and the server's send time. */
static int echo_append(conn *c, const uint8_t *msg, size_t len, const uint8_t *type, size_t tlen) {
    size_t alen = 0;
    const uint8_t *audio = find_string(type + tlen, (size_t)(msg + len - (type + tlen)), "audio", &alen);
    if (!audio) audio = find_string(msg, len, "audio", &alen);
    if (!audio) return 0;
    static const char head[] = "{\"type\":\"response.output_audio.delta\",\"ts_us\":";
    static const char mid[] = ",\"event_id\":\"event_d\",\"response_id\":\"resp_bench\",\"item_id\":\"item_bench\","
                              "\"output_index\":0,\"content_index\":0,\"delta\":\"";
    size_t max = sizeof head + 24 + sizeof mid + alen + 4;
    uint8_t *p = text_begin(c, max);
    if (!p) return -1;
    uint8_t *w = p;
    memcpy(w, head, sizeof head - 1);
    w += sizeof head - 1;
    w += sprintf((char *)w, "%llu", (unsigned long long)mono_us());
    memcpy(w, mid, sizeof mid - 1);
    w += sizeof mid - 1;
    memcpy(w, audio, alen);
    w += alen;
    *w++ = '"';
    *w++ = '}';
    text_commit(c, (size_t)(w - p));
    stat_deltas++;
    return 0;
}

/* --items-every: a finished turn as the service reports it (the user's item with its transcription, the assistant's
 * item with its transcript), so that a client keeps a conversation (the library's mirror) as in a real call. */
static int send_turn(conn *c) {
    static const char *const text =
        "This is a sentence of a conversation the benchmark server makes up, about as long as a short spoken turn.";
    unsigned long long t = (unsigned long long)c->appends;
    char event[1024];
    int n = snprintf(event, sizeof event,
                     "{\"type\":\"conversation.item.created\",\"event_id\":\"event_u%llu\",\"previous_item_id\":null,"
                     "\"item\":{\"id\":\"item_u%llu\",\"object\":\"realtime.item\",\"type\":\"message\",\"status\":"
                     "\"completed\",\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"transcript\":null}]}}",
                     t, t);
    if (frame_out(c, 1, event, (size_t)n)) return -1;
    n = snprintf(event, sizeof event,
                 "{\"type\":\"conversation.item.input_audio_transcription.completed\",\"event_id\":\"event_t%llu\","
                 "\"item_id\":\"item_u%llu\",\"content_index\":0,\"transcript\":\"%s\"}",
                 t, t, text);
    if (frame_out(c, 1, event, (size_t)n)) return -1;
    n = snprintf(event, sizeof event,
                 "{\"type\":\"response.output_item.done\",\"event_id\":\"event_a%llu\",\"response_id\":\"resp_t%llu\","
                 "\"output_index\":0,\"item\":{\"id\":\"item_a%llu\",\"object\":\"realtime.item\",\"type\":"
                 "\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_audio\","
                 "\"transcript\":\"%s\"}]}}",
                 t, t, t, text);
    return frame_out(c, 1, event, (size_t)n);
}

int on_text(conn *c, const uint8_t *msg, size_t len) {
    size_t tlen = 0;
    /* "type" comes first in every event the clients send; search only the start for it. */
    const uint8_t *type = find_string(msg, len < 128 ? len : 128, "type", &tlen);
    if (!type) type = find_string(msg, len, "type", &tlen);
    if (!type) return 0;
    if (tlen == 25 && !memcmp(type, "input_audio_buffer.append", 25)) {
        stat_appends++;
        c->appends++;
        /* --reset-after: this append is counted as received, its echo is never sent. */
        if (reset_after_appends && c->appends >= reset_after_appends) {
            c->reset = 1;
            return 0;
        }
        if (echo_append(c, msg, len, type, tlen)) return -1;
        return items_every_appends && c->appends % items_every_appends == 0 ? send_turn(c) : 0;
    }
    if (tlen == 14 && !memcmp(type, "session.update", 14)) {
        stat_updates++;
        return send_session_event(c, "session.updated");
    }
    return 0;
}
