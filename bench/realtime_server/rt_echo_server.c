/* rt_echo_server: a lean realtime server for benchmarks only (never for tests of protocol correctness: the
 * emulator is the strict peer). One thread, epoll, the server side of RFC 6455 (ws:// only), and just enough of
 * the GA realtime protocol to exercise duplex audio:
 *
 *   - session.created as soon as the WebSocket is open;
 *   - session.updated for every session.update;
 *   - for every input_audio_buffer.append, one response.output_audio.delta carrying the same base64 audio, with
 *     "ts_us": the server's CLOCK_MONOTONIC time in microseconds when the event was built (just before it is
 *     written), so a client on the same machine can measure server-send -> delivery latency;
 *   - ping -> pong, close -> close; every other event is ignored.
 *
 *   rt_echo_server [--port N] [--host ADDR] [--g711]
 *
 * --g711: the session reports g711_ulaw (audio/pcmu) both ways instead of pcm16, for G.711 clients such as the SIP
 * gateway's benchmark (the audio is echoed as received either way).
 *
 * Prints "listening on http://HOST:PORT" on stdout once ready. On SIGTERM/SIGINT, or when stdin reaches EOF (so a
 * harness can tie its life to a pipe), it prints one JSON line with its own CPU from getrusage and its counters,
 * then exits. SIGUSR1 prints the same line without exiting (a harness brackets a measurement window with it).
 *
 * Writes are coalesced: everything produced while handling one readable socket goes out in one write(). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    uint8_t *data;
    size_t len, cap;
} buf;

static int buf_reserve(buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static void buf_consume(buf *b, size_t n) {
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

typedef struct {
    int fd;
    int upgraded;
    int closing;
    int want_out;
    buf in, out;
    buf msg; /* a fragmented message being reassembled */
    int msg_opcode;
    uint64_t session_id;
} conn;

static int ep = -1;
static conn **conns;
static volatile sig_atomic_t stop_flag, report_flag;
static uint64_t stat_connections, stat_appends, stat_deltas, stat_updates, stat_bytes_in, stat_bytes_out;

static uint64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void report(FILE *f, const char *what) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double user = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
    double sys = ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
    fprintf(f,
            "{\"server\":\"%s\",\"cpu_user_ms\":%.1f,\"cpu_sys_ms\":%.1f,\"cpu_ms\":%.1f,\"max_rss_kb\":%ld,"
            "\"connections\":%llu,\"appends\":%llu,\"deltas\":%llu,\"session_updates\":%llu,\"bytes_in\":%llu,"
            "\"bytes_out\":%llu}\n",
            what, user, sys, user + sys, ru.ru_maxrss, (unsigned long long)stat_connections,
            (unsigned long long)stat_appends, (unsigned long long)stat_deltas, (unsigned long long)stat_updates,
            (unsigned long long)stat_bytes_in, (unsigned long long)stat_bytes_out);
    fflush(f);
}

static void on_signal(int sig) {
    if (sig == SIGUSR1)
        report_flag = 1;
    else
        stop_flag = 1;
}

static void conn_free(conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    conns[c->fd] = NULL;
    free(c->in.data);
    free(c->out.data);
    free(c->msg.data);
    free(c);
}

/* Appends one unmasked server frame. */
static int frame_out(conn *c, int opcode, const void *payload, size_t len) {
    if (buf_reserve(&c->out, len + 10)) return -1;
    uint8_t *p = c->out.data + c->out.len;
    p[0] = (uint8_t)(0x80 | opcode);
    size_t h;
    if (len < 126) {
        p[1] = (uint8_t)len;
        h = 2;
    } else if (len < 65536) {
        p[1] = 126;
        p[2] = (uint8_t)(len >> 8);
        p[3] = (uint8_t)len;
        h = 4;
    } else {
        p[1] = 127;
        for (int i = 0; i < 8; i++) p[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
        h = 10;
    }
    memcpy(p + h, payload, len);
    c->out.len += h + len;
    return 0;
}

/* Appends a text frame whose payload is built in place: reserve, then the caller writes up to `max` bytes at the
 * returned pointer and commits the real length with text_commit(). Avoids a copy of the echoed audio. */
static uint8_t *text_begin(conn *c, size_t max) {
    if (buf_reserve(&c->out, max + 10)) return NULL;
    return c->out.data + c->out.len + 10; /* leave room for the longest header */
}

static void text_commit(conn *c, size_t len) {
    uint8_t *base = c->out.data + c->out.len;
    uint8_t *payload = base + 10;
    size_t h = len < 126 ? 2 : len < 65536 ? 4 : 10;
    if (h != 10) memmove(base + h, payload, len);
    base[0] = 0x81;
    if (h == 2)
        base[1] = (uint8_t)len;
    else if (h == 4) {
        base[1] = 126;
        base[2] = (uint8_t)(len >> 8);
        base[3] = (uint8_t)len;
    } else {
        base[1] = 127;
        for (int i = 0; i < 8; i++) base[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
    }
    c->out.len += h + len;
}

static const char SESSION_JSON[] =
    "{\"type\":\"realtime\",\"object\":\"realtime.session\",\"id\":\"sess_bench%llu\",\"model\":\"gpt-realtime\","
    "\"output_modalities\":[\"audio\"],\"instructions\":\"\",\"tools\":[],\"tool_choice\":\"auto\","
    "\"max_output_tokens\":\"inf\",\"audio\":{\"input\":{\"format\":%s,"
    "\"transcription\":null,\"noise_reduction\":null,\"turn_detection\":null},\"output\":{\"format\":%s,"
    "\"voice\":\"alloy\",\"speed\":1.0}}}";
static const char *session_format = "{\"type\":\"audio/pcm\",\"rate\":24000}";

static int send_session_event(conn *c, const char *type) {
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

static int on_text(conn *c, const uint8_t *msg, size_t len) {
    size_t tlen = 0;
    /* "type" comes first in every event the clients send; search only the start for it. */
    const uint8_t *type = find_string(msg, len < 128 ? len : 128, "type", &tlen);
    if (!type) type = find_string(msg, len, "type", &tlen);
    if (!type) return 0;
    if (tlen == 25 && !memcmp(type, "input_audio_buffer.append", 25)) {
        stat_appends++;
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
    if (tlen == 14 && !memcmp(type, "session.update", 14)) {
        stat_updates++;
        return send_session_event(c, "session.updated");
    }
    return 0;
}

/* Parses the HTTP upgrade request; answers 101 and session.created. Returns 1 when done, 0 for more data, -1 to
 * drop the connection. */
static int handshake(conn *c) {
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
        if (write(c->fd, bad, sizeof bad - 1) < 0) { /* dropped anyway */
        }
        return -1;
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
static int frames(conn *c) {
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
        if (c->closing) break;
    }
    buf_consume(&c->in, off);
    return 0;
}

static int flush_out(conn *c) {
    while (c->out.len) {
        ssize_t n = write(c->fd, c->out.data, c->out.len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            return -1;
        }
        stat_bytes_out += (uint64_t)n;
        buf_consume(&c->out, (size_t)n);
    }
    int want = c->out.len > 0;
    if (want != c->want_out) {
        struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.fd = c->fd};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = want;
    }
    if (!c->out.len && c->closing) return -1;
    return 0;
}

static void on_readable(conn *c) {
    for (;;) {
        if (buf_reserve(&c->in, 65536)) {
            conn_free(c);
            return;
        }
        ssize_t n = read(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            conn_free(c);
            return;
        }
        if (n == 0) {
            conn_free(c);
            return;
        }
        stat_bytes_in += (uint64_t)n;
        c->in.len += (size_t)n;
        if ((size_t)n < c->in.cap - c->in.len + (size_t)n) break; /* short read: the socket is drained */
    }
    int rc = 0;
    if (!c->upgraded) {
        rc = handshake(c);
        if (rc < 0) {
            conn_free(c);
            return;
        }
    }
    if (c->upgraded && !c->closing && frames(c) < 0) {
        conn_free(c);
        return;
    }
    if (flush_out(c) < 0) conn_free(c);
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--host") && i + 1 < argc)
            host = argv[++i];
        else if (!strcmp(argv[i], "--g711"))
            session_format = "{\"type\":\"audio/pcmu\"}";
        else {
            fprintf(stderr, "usage: %s [--port N] [--host ADDR] [--g711]\n", argv[0]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) || listen(lfd, 4096)) {
        perror("rt_echo_server: bind/listen");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(lfd, (struct sockaddr *)&addr, &alen);
    size_t maxfd = 65536;
    conns = calloc(maxfd, sizeof *conns);
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    /* stdin EOF ends the server, so a harness's pipe ties its life to the harness. */
    int stdin_watch = fcntl(0, F_GETFD) != -1;
    if (stdin_watch) {
        struct epoll_event sev = {.events = EPOLLIN, .data.fd = 0};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, 0, &sev)) stdin_watch = 0; /* e.g. /dev/null: not pollable */
    }
    printf("listening on http://%s:%d\n", host, ntohs(addr.sin_port));
    fflush(stdout);

    struct epoll_event events[256];
    while (!stop_flag) {
        if (report_flag) {
            report_flag = 0;
            report(stdout, "window");
        }
        int n = epoll_wait(ep, events, 256, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            break;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                for (;;) {
                    int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (cfd < 0) break;
                    if ((size_t)cfd >= maxfd) {
                        close(cfd);
                        continue;
                    }
                    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn *c = calloc(1, sizeof *c);
                    c->fd = cfd;
                    conns[cfd] = c;
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = cfd};
                    epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
                }
            } else if (fd == 0) {
                char tmp[256];
                ssize_t r = read(0, tmp, sizeof tmp);
                if (r <= 0) stop_flag = 1;
            } else {
                conn *c = conns[fd];
                if (!c) continue;
                if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    on_readable(c);
                else if ((events[i].events & EPOLLOUT) && flush_out(c) < 0)
                    conn_free(c);
                if (conns[fd] && (events[i].events & EPOLLOUT) && (events[i].events & EPOLLIN)) {
                    if (flush_out(conns[fd]) < 0) conn_free(conns[fd]);
                }
            }
        }
    }
    report(stdout, "exit");
    return 0;
}
