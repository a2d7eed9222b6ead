/* bare_loop's session setup (see bare_loop.c), blocking and outside the measurement: libcurl CONNECT_ONLY, the
 * WebSocket upgrade by hand, session.created, one session.update, session.updated. Header-only, included by
 * bare_loop.c alone, after bare_wire.h. */
#ifndef AZAUDIO_BENCH_BARE_CONNECT_H
#define AZAUDIO_BENCH_BARE_CONNECT_H

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "bare_wire.h"

/* ---- connect and handshake (blocking, outside the measurement) ---------------------------------------------- */

static int wait_fd(curl_socket_t fd, short events, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = events};
    int rc;
    while ((rc = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    return rc;
}

static int send_all(session *s, const uint8_t *p, size_t len) {
    while (len) {
        size_t n = 0;
        CURLcode rc = curl_easy_send(s->curl, p, len, &n);
        if (rc == CURLE_AGAIN || (rc == CURLE_OK && n < len)) {
            p += n;
            len -= n;
            if (wait_fd(s->fd, POLLOUT, 5000) <= 0) return -1;
            continue;
        }
        if (rc != CURLE_OK) return -1;
        p += n;
        len -= n;
    }
    return 0;
}

/* Receives and scans until *counter reaches want (5 s at most). */
static int wait_event(session *s, uint32_t *counter, uint32_t want, uint8_t *buf) {
    int64_t deadline = mono_ns() + 5000000000LL;
    while (*counter < want) {
        if (s->closed || mono_ns() > deadline) return -1;
        size_t n = 0;
        CURLcode rc = curl_easy_recv(s->curl, buf, RECV_BYTES, &n);
        if (rc == CURLE_AGAIN) {
            wait_fd(s->fd, POLLIN, 100);
            continue;
        }
        if (rc != CURLE_OK || n == 0) return -1;
        scan(s, buf, n);
    }
    return 0;
}

static const char *ca_file; /* --ca */

static int open_session(session *s, const char *url, const char *hostport, uint8_t *buf) {
    s->curl = curl_easy_init();
    if (!s->curl) return -1;
    curl_easy_setopt(s->curl, CURLOPT_URL, url);
    curl_easy_setopt(s->curl, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L); /* else every send saves and restores SIGPIPE's handler */
    curl_easy_setopt(s->curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(s->curl, CURLOPT_PROXY, "");
    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    if (ca_file) curl_easy_setopt(s->curl, CURLOPT_CAINFO, ca_file);
    if (curl_easy_perform(s->curl) != CURLE_OK) return -1;
    if (curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET, &s->fd) != CURLE_OK || s->fd == CURL_SOCKET_BAD) return -1;

    char req[512];
    int len = snprintf(req, sizeof req,
                       "GET /openai/v1/realtime?model=x HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\napi-key: bench-key\r\n\r\n",
                       hostport);
    if (send_all(s, (const uint8_t *)req, (size_t)len)) return -1;
    /* The response head, then whatever followed it in the same reads (session.created, usually). */
    size_t have = 0;
    uint8_t *end = NULL;
    int64_t deadline = mono_ns() + 5000000000LL;
    while (!end) {
        if (have == RECV_BYTES || mono_ns() > deadline) return -1;
        size_t n = 0;
        CURLcode rc = curl_easy_recv(s->curl, buf + have, RECV_BYTES - have, &n);
        if (rc == CURLE_AGAIN) {
            wait_fd(s->fd, POLLIN, 100);
            continue;
        }
        if (rc != CURLE_OK || n == 0) return -1;
        have += n;
        end = memmem(buf, have, "\r\n\r\n", 4);
    }
    if (have < 12 || memcmp(buf + 8, " 101", 4)) return -1;
    size_t head = (size_t)(end + 4 - buf);
    scan(s, buf + head, have - head);
    if (wait_event(s, &s->created, 1, buf)) return -1;

    static const char update[] = "{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"audio\":{\"input\":"
                                 "{\"turn_detection\":null}}}}";
    uint8_t frame[256];
    size_t flen = text_frame(frame, update, sizeof update - 1);
    if (send_all(s, frame, flen)) return -1;
    return wait_event(s, &s->updated, 1, buf);
}

#endif
