/* rt_echo_server: the server side of RFC 6455 (buffers, the upgrade handshake, frames in and out). */
#define _GNU_SOURCE
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rt_server.h"

int buf_reserve(buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

void buf_consume(buf *b, size_t n) {
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

/* Writes a server frame header for `len` bytes at p; returns its size. */
static size_t frame_header(uint8_t *p, int opcode, size_t len) {
    p[0] = (uint8_t)(0x80 | opcode);
    if (len < 126) {
        p[1] = (uint8_t)len;
        return 2;
    }
    if (len < 65536) {
        p[1] = 126;
        p[2] = (uint8_t)(len >> 8);
        p[3] = (uint8_t)len;
        return 4;
    }
    p[1] = 127;
    for (int i = 0; i < 8; i++) p[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
    return 10;
}

/* Appends one unmasked server frame. */
int frame_out(conn *c, int opcode, const void *payload, size_t len) {
    if (buf_reserve(&c->out, len + 10)) return -1;
    uint8_t *p = c->out.data + c->out.len;
    size_t h = frame_header(p, opcode, len);
    memcpy(p + h, payload, len);
    c->out.len += h + len;
    return 0;
}

/* Appends a text frame whose payload is built in place: reserve, then the caller writes up to `max` bytes at the
 * returned pointer and commits the real length with text_commit(). Avoids a copy of the echoed audio. */
uint8_t *text_begin(conn *c, size_t max) {
    if (buf_reserve(&c->out, max + 10)) return NULL;
    return c->out.data + c->out.len + 10; /* leave room for the longest header */
}

void text_commit(conn *c, size_t len) {
    uint8_t *base = c->out.data + c->out.len;
    uint8_t header[10];
    size_t h = frame_header(header, 1, len);
    if (h != 10) memmove(base + h, base + 10, len);
    memcpy(base, header, h);
    c->out.len += h + len;
}

/* Parses the HTTP upgrade request; answers 101 and session.created. Returns 1 when done, 0 for more data (or a 400
 * answer is queued and the connection closing), -1 to drop the connection. */
int ws_handshake(conn *c) {
    uint8_t *end = memmem(c->in.data, c->in.len, "\r\n\r\n", 4);
    if (!end) return c->in.len > 16384 ? -1 : 0;
    size_t hlen = (size_t)(end - c->in.data) + 4;
    const char *key = NULL;
    size_t key_len = 0;
    for (uint8_t *line = c->in.data; line < end;) {
        uint8_t *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
        if (!eol) break;
        if (eol - line > 18 && !strncasecmp((const char *)line, "sec-websocket-key:", 18)) {
            const char *v = (const char *)line + 18;
            while (*v == ' ') v++;
            key = v;
            key_len = (size_t)((const char *)eol - v);
            while (key_len && key[key_len - 1] == ' ') key_len--;
        }
        line = eol + 2;
    }
    if (!key || key_len > 64) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        if (!buf_reserve(&c->out, sizeof bad)) {
            memcpy(c->out.data + c->out.len, bad, sizeof bad - 1);
            c->out.len += sizeof bad - 1;
        }
        c->closing = 1; /* dropped once the answer is written */
        return 0;
    }
    char joined[128];
    memcpy(joined, key, key_len);
    memcpy(joined + key_len, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)joined, key_len + 36, digest);
    unsigned char accept[64];
    EVP_EncodeBlock(accept, digest, SHA_DIGEST_LENGTH);
    char resp[256];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n\r\n",
                     accept);
    if (buf_reserve(&c->out, (size_t)n)) return -1;
    memcpy(c->out.data + c->out.len, resp, (size_t)n);
    c->out.len += (size_t)n;
    buf_consume(&c->in, hlen);
    c->upgraded = 1;
    c->session_id = ++stat_connections;
    if (send_session_event(c, "session.created")) return -1;
    return 1;
}

/* Parses every complete frame in c->in. Returns -1 to drop the connection. */
int ws_frames(conn *c) {
    size_t off = 0;
    while (c->in.len - off >= 2) {
        uint8_t *p = c->in.data + off;
        size_t avail = c->in.len - off;
        int fin = p[0] & 0x80, opcode = p[0] & 0x0f, masked = p[1] & 0x80;
        uint64_t len = p[1] & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = ((uint64_t)p[2] << 8) | p[3];
            h = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 0; i < 8; i++) len = (len << 8) | p[2 + i];
            h = 10;
        }
        if (!masked) return -1; /* RFC 6455 5.1: client frames are masked */
        if (len > (64u << 20)) return -1;
        if (avail < h + 4 + len) break;
        uint8_t mask[4];
        memcpy(mask, p + h, 4);
        uint8_t *payload = p + h + 4;
        for (uint64_t i = 0; i < len; i++) payload[i] ^= mask[i & 3];
        off += h + 4 + (size_t)len;
        switch (opcode) {
        case 0x0:
        case 0x1:
        case 0x2:
            if (opcode != 0 && fin && c->msg.len == 0) {
                if (opcode == 1 && on_text(c, payload, (size_t)len)) return -1;
                break;
            }
            if (opcode != 0) c->msg_opcode = opcode;
            if (buf_reserve(&c->msg, (size_t)len)) return -1;
            memcpy(c->msg.data + c->msg.len, payload, (size_t)len);
            c->msg.len += (size_t)len;
            if (fin) {
                if (c->msg_opcode == 1 && on_text(c, c->msg.data, c->msg.len)) return -1;
                c->msg.len = 0;
            }
            break;
        case 0x8: /* close: answer with the same code, then drop once written */
            frame_out(c, 0x8, payload, len >= 2 ? 2 : 0);
            c->closing = 1;
            break;
        case 0x9:
            frame_out(c, 0xA, payload, (size_t)len);
            break;
        default:
            break;
        }
        if (c->closing || c->reset) break;
    }
    buf_consume(&c->in, off);
    return 0;
}
