/* bare_loop's --work mode (see bare_loop.c): the receiving work any conforming client must do for an audio delta,
 * and nothing more, so the floor can be read both as the issue defines it (frames only) and with the protocol's
 * required work:
 *   - RFC 6455 §8.1: a text message must be valid UTF-8 (checked 8 bytes at a time while they are ASCII, byte-wise
 *     after the first byte that is not);
 *   - the event's fields: the values of "type", "response_id", "item_id" and "delta" located by a scan for their
 *     keys (no JSON tree, no copies of the strings);
 *   - the audio: the delta's base64 decoded into a buffer, strict (any character outside the alphabet fails the
 *     frame): the bulk 16 characters at a time by the project's SIMD decoder (Sources/CBase64, compiled in: the same
 *     code the library uses), the tail 4 at a time through a 256-entry table.
 * The decoded bytes are summed so the compiler cannot drop the work. Header-only, included by bare_loop.c alone. */
#ifndef AZAUDIO_BENCH_BARE_WORK_H
#define AZAUDIO_BENCH_BARE_WORK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cbase64.h" /* (-ISources/CBase64/include) */

/* 1 when p[0..n) is valid UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
static int utf8_valid(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!(w & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        uint8_t c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
        if (!k || c > 0xf4 || i + k >= n) return 0;
        uint8_t c1 = p[i + 1];
        if ((c1 & 0xc0) != 0x80) return 0;
        if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) ||
            (c == 0xf4 && c1 > 0x8f))
            return 0;
        for (size_t j = 2; j <= k; j++)
            if ((p[i + j] & 0xc0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

/* The value of the string field "key" in p[0..n): its start and length, or NULL. The value must not hold escapes
 * (the fields scanned here never do; an escape fails the scan). */
static const uint8_t *field(const uint8_t *p, size_t n, const char *key, size_t *len) {
    size_t kl = strlen(key);
    const uint8_t *end = p + n;
    for (const uint8_t *q = p; q + kl + 4 <= end; q++) {
        q = memchr(q, '"', (size_t)(end - q));
        if (!q || q + kl + 4 > end) return NULL;
        if (memcmp(q + 1, key, kl) || q[kl + 1] != '"' || q[kl + 2] != ':' || q[kl + 3] != '"') continue;
        const uint8_t *v = q + kl + 4;
        const uint8_t *e = memchr(v, '"', (size_t)(end - v));
        if (!e || memchr(v, '\\', (size_t)(e - v))) return NULL;
        *len = (size_t)(e - v);
        return v;
    }
    return NULL;
}

/* Strict base64 into out (room for len / 4 * 3 bytes); returns the bytes written or -1. */
static long base64_decode(uint8_t *out, const uint8_t *in, size_t len) {
    static int8_t table[256];
    static int ready;
    if (!ready) {
        static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        memset(table, -1, sizeof table);
        for (int i = 0; i < 64; i++) table[(uint8_t)abc[i]] = (int8_t)i;
        ready = 1; /* (a benign race: every thread writes the same table) */
    }
    if (len % 4) return -1;
    size_t pad = len && in[len - 1] == '=' ? (in[len - 2] == '=' ? 2 : 1) : 0;
    size_t bulk = cbase64_decode_blocks(in, len, out); /* (stops before a block with padding or a bad character) */
    uint8_t *o = out + bulk / 4 * 3;
    for (size_t i = bulk; i < len; i += 4) {
        int last = i + 4 == len;
        int a = table[in[i]], b = table[in[i + 1]];
        int c = last && pad == 2 ? 0 : table[in[i + 2]];
        int d = last && pad ? 0 : table[in[i + 3]];
        if ((a | b | c | d) < 0) return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        *o++ = (uint8_t)(v >> 16);
        if (!(last && pad == 2)) *o++ = (uint8_t)(v >> 8);
        if (!(last && pad)) *o++ = (uint8_t)v;
    }
    return (long)(o - out);
}

/* The required work for one received text message; returns 1 when it is a well-formed audio delta. */
static int delta_work(const uint8_t *p, size_t n, uint8_t *audio, size_t audio_cap, uint64_t *sum) {
    size_t tl = 0, rl = 0, il = 0, dl = 0;
    if (!utf8_valid(p, n)) return 0;
    const uint8_t *type = field(p, n, "type", &tl);
    if (!type || tl != 27 || memcmp(type, "response.output_audio.delta", 27)) return 0;
    const uint8_t *resp = field(p, n, "response_id", &rl), *item = field(p, n, "item_id", &il);
    const uint8_t *delta = field(p, n, "delta", &dl);
    if (!resp || !item || !delta || dl / 4 * 3 > audio_cap) return 0;
    long got = base64_decode(audio, delta, dl);
    if (got < 0) return 0;
    uint64_t s = rl + il;
    for (long i = 0; i + 8 <= got; i += 8) {
        uint64_t w;
        memcpy(&w, audio + i, 8);
        s += w;
    }
    *sum += s;
    return 1;
}

#endif
