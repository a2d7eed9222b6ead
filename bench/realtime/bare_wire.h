/* bare_loop's wire work (see bare_loop.c): the per-session state, the framing of a client text frame (base64 of
 * the audio in the append's JSON, header, mask) and the scan of received bytes for frame headers only. Header-only,
 * included by bare_loop.c alone. */
#ifndef AZAUDIO_BENCH_BARE_WIRE_H
#define AZAUDIO_BENCH_BARE_WIRE_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bare_work.h"

#define FRAME_BYTES 960 /* 20 ms of 24 kHz mono PCM16 */
#define FRAME_NS    20000000LL
#ifndef RECV_BYTES
#define RECV_BYTES 65536 /* per receive call, as the loop; -DRECV_BYTES=200 tests split frames */
#endif

static const char APPEND_HEAD[] = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"";
#define APPEND_LEN (sizeof APPEND_HEAD - 1 + (FRAME_BYTES + 2) / 3 * 4 + 2)
_Static_assert(APPEND_LEN >= 126 && APPEND_LEN < 65536, "the append frame uses the 16-bit length form");
#define APPEND_FRAME (4 + 4 + APPEND_LEN) /* header with 16-bit length, mask, payload */

static const char DELTA[] = "{\"type\":\"response.output_audio.delta\"";
static const char CREATED[] = "{\"type\":\"session.created\"";
static const char UPDATED[] = "{\"type\":\"session.updated\"";
#define HEAD_KEEP (sizeof DELTA - 1) /* the longest prefix compared */

typedef struct {
    CURL *curl;
    curl_socket_t fd;
    uint32_t index;
    pthread_mutex_t lock; /* epoll mode only: one thread sends, another receives */
    uint32_t sent, send_errors;
    _Atomic int dead; /* set on a failed send or receive */
    /* receive side: the frame being scanned */
    uint8_t hdr[14];
    uint8_t hdr_have;
    int in_payload;
    uint8_t opcode;
    uint64_t left;
    uint8_t head[HEAD_KEEP];
    uint8_t head_have;
    uint32_t deltas; /* written by the receiving thread only */
    _Atomic uint32_t echoed;
    uint32_t created, updated, other_frames, closed;
    /* --work: the whole text message, its decoded audio, and what the work found */
    uint8_t *msg, *audio;
    size_t msg_have, msg_cap;
    uint32_t work_bad;
    uint64_t work_sum;
} session;

static int work_mode; /* --work: each text message is kept whole and checked as a client must (bare_work.h) */

/* ---- framing ------------------------------------------------------------------------------------------------ */

static uint64_t prng = 0x9e3779b97f4a7c15ULL;

static uint32_t next_mask(void) { /* xorshift64 */
    prng ^= prng << 13;
    prng ^= prng >> 7;
    prng ^= prng << 17;
    return (uint32_t)(prng >> 32);
}

static size_t base64(uint8_t *out, const uint8_t *in, size_t len) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t *o = out;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *o++ = (uint8_t)abc[v >> 18];
        *o++ = (uint8_t)abc[(v >> 12) & 63];
        *o++ = (uint8_t)abc[(v >> 6) & 63];
        *o++ = (uint8_t)abc[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
        *o++ = (uint8_t)abc[v >> 18];
        *o++ = (uint8_t)abc[(v >> 12) & 63];
        *o++ = i + 1 < len ? (uint8_t)abc[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    return (size_t)(o - out);
}

static void mask_payload(uint8_t *p, size_t len, const uint8_t key[4]) {
    uint8_t k8[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
    uint64_t k;
    memcpy(&k, k8, 8);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        w ^= k;
        memcpy(p + i, &w, 8);
    }
    for (; i < len; i++) p[i] ^= key[i & 3];
}

/* Writes a masked client text frame carrying `len` payload bytes into out; returns its size. */
static size_t text_frame(uint8_t *out, const void *payload, size_t len) {
    size_t h = 2;
    out[0] = 0x81;
    if (len < 126)
        out[1] = (uint8_t)(0x80 | len);
    else {
        out[1] = 0x80 | 126;
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        h = 4;
    }
    uint32_t m = next_mask();
    memcpy(out + h, &m, 4);
    memcpy(out + h + 4, payload, len);
    mask_payload(out + h + 4, len, out + h);
    return h + 4 + len;
}

/* The per-frame work: JSON around the base64 audio, header, mask, all in place in out (APPEND_FRAME bytes). */
static size_t append_frame(uint8_t *out, const uint8_t *audio) {
    uint8_t *p = out + 8;
    memcpy(p, APPEND_HEAD, sizeof APPEND_HEAD - 1);
    size_t n = sizeof APPEND_HEAD - 1;
    n += base64(p + n, audio, FRAME_BYTES);
    p[n++] = '"';
    p[n++] = '}';
    out[0] = 0x81;
    out[1] = 0x80 | 126;
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    uint32_t m = next_mask();
    memcpy(out + 4, &m, 4);
    mask_payload(p, n, out + 4);
    return 8 + n;
}

/* ---- receiving: frame headers only -------------------------------------------------------------------------- */

static void frame_done(session *s) {
    size_t h = s->head_have;
    if (s->opcode == 0x1 && h >= sizeof DELTA - 1 && !memcmp(s->head, DELTA, sizeof DELTA - 1)) {
        if (work_mode && !delta_work(s->msg, s->msg_have, s->audio, s->msg_cap, &s->work_sum)) s->work_bad++;
        s->deltas++;
        atomic_store_explicit(&s->echoed, s->deltas, memory_order_release);
    } else if (s->opcode == 0x1 && h >= sizeof CREATED - 1 && !memcmp(s->head, CREATED, sizeof CREATED - 1)) {
        s->created++;
    } else if (s->opcode == 0x1 && h >= sizeof UPDATED - 1 && !memcmp(s->head, UPDATED, sizeof UPDATED - 1)) {
        s->updated++;
    } else if (s->opcode == 0x8) {
        s->closed = 1;
    } else {
        s->other_frames++;
    }
    s->in_payload = 0;
    s->hdr_have = 0;
    s->msg_have = 0;
}

/* Consumes received bytes: finds the frames (server frames are unmasked), keeps the first HEAD_KEEP bytes of each
 * payload, skips the rest. Frames may be split anywhere across calls. */
static void scan(session *s, const uint8_t *p, size_t n) {
    while (n) {
        if (!s->in_payload) {
            s->hdr[s->hdr_have++] = *p++;
            n--;
            if (s->hdr_have < 2) continue;
            uint8_t l7 = s->hdr[1] & 0x7f;
            size_t need = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0) + (s->hdr[1] & 0x80 ? 4 : 0);
            if (s->hdr_have < need) continue;
            uint64_t len = l7;
            if (l7 == 126)
                len = (uint64_t)s->hdr[2] << 8 | s->hdr[3];
            else if (l7 == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) len = len << 8 | s->hdr[2 + i];
            }
            s->opcode = s->hdr[0] & 0x0f;
            s->left = len;
            s->head_have = 0;
            s->in_payload = 1;
            if (len == 0) frame_done(s);
            continue;
        }
        size_t take = s->left < n ? (size_t)s->left : n;
        if (work_mode && s->opcode == 0x1) {
            if (s->msg_have + take > s->msg_cap) {
                size_t cap = (s->msg_have + take) * 2;
                uint8_t *m = realloc(s->msg, cap), *a = m ? realloc(s->audio, cap) : NULL;
                if (m) s->msg = m;
                if (!m || !a) abort(); /* (a benchmark: out of memory ends it) */
                s->audio = a;
                s->msg_cap = cap;
            }
            memcpy(s->msg + s->msg_have, p, take);
            s->msg_have += take;
        }
        if (s->head_have < HEAD_KEEP) {
            size_t k = HEAD_KEEP - s->head_have < take ? HEAD_KEEP - s->head_have : take;
            memcpy(s->head + s->head_have, p, k);
            s->head_have = (uint8_t)(s->head_have + k);
        }
        p += take;
        n -= take;
        s->left -= take;
        if (s->left == 0) frame_done(s);
    }
}

#endif
