/* rt_echo_server: a lean realtime server for benchmarks only (never for tests of protocol correctness: the
 * emulator is the strict peer). One thread, epoll, the server side of RFC 6455 over plain TCP or TLS, and just
 * enough of the GA realtime protocol to exercise duplex audio:
 *
 *   - session.created as soon as the WebSocket is open;
 *   - session.updated for every session.update;
 *   - for every input_audio_buffer.append, one response.output_audio.delta carrying the same base64 audio, with
 *     "ts_us": the server's CLOCK_MONOTONIC time in microseconds when the event was built (just before it is
 *     written), so a client on the same machine can measure server-send -> delivery latency;
 *   - ping -> pong, close -> close; every other event is ignored.
 *
 *   rt_echo_server [--port N] [--host ADDR] [--g711] [--tls CERT KEY] [--reset-after N] [--items-every N]
 *
 * --g711: the session reports g711_ulaw (audio/pcmu) both ways instead of pcm16, for G.711 clients such as the SIP
 * gateway's benchmark (the audio is echoed as received either way).
 * --tls CERT KEY: TLS (https/wss) with this certificate chain and key, PEM (scripts/make-test-ca.sh makes them).
 * --reset-after N: a fault for reconnect benchmarks: every connection is dropped with a TCP reset (no close
 * handshake) when its N-th append arrives; that append is counted but not echoed.
 * --items-every N: after every N-th append, a finished turn as the service reports it: a user item, its input
 * transcription, an assistant item with its transcript (what a client's conversation mirror is fed with).
 *
 * Prints "listening on http://HOST:PORT" (https:// with --tls) on stdout once ready. On SIGTERM/SIGINT, or when
 * stdin reaches EOF (so a harness can tie its life to a pipe), it prints one JSON line with its own CPU from
 * getrusage and its counters, then exits. SIGUSR1 prints the same line without exiting (a harness brackets a
 * measurement window with it).
 *
 * Writes are coalesced: everything produced while handling one readable socket goes out in one write().
 * The parts: rt_server.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt_server.h"

uint64_t stat_connections, stat_appends, stat_deltas, stat_updates, stat_bytes_in, stat_bytes_out, stat_resets;

static int ep = -1;
static conn **conns;
static int tls_mode;
static volatile sig_atomic_t stop_flag, report_flag;

static void report(FILE *f, const char *what) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double user = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
    double sys = ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
    fprintf(f,
            "{\"server\":\"%s\",\"cpu_user_ms\":%.1f,\"cpu_sys_ms\":%.1f,\"cpu_ms\":%.1f,\"max_rss_kb\":%ld,"
            "\"connections\":%llu,\"appends\":%llu,\"deltas\":%llu,\"session_updates\":%llu,\"bytes_in\":%llu,"
            "\"bytes_out\":%llu,\"resets\":%llu,\"tls\":%s}\n",
            what, user, sys, user + sys, ru.ru_maxrss, (unsigned long long)stat_connections,
            (unsigned long long)stat_appends, (unsigned long long)stat_deltas, (unsigned long long)stat_updates,
            (unsigned long long)stat_bytes_in, (unsigned long long)stat_bytes_out, (unsigned long long)stat_resets,
            tls_mode ? "true" : "false");
    fflush(f);
}

static void on_signal(int sig) {
    if (sig == SIGUSR1)
        report_flag = 1;
    else
        stop_flag = 1;
}

static void conn_free(conn *c) {
    if (c->reset) { /* SO_LINGER 0: close() sends a reset */
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        stat_resets++;
    }
    tls_free(c);
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    conns[c->fd] = NULL;
    free(c->in.data);
    free(c->out.data);
    free(c->msg.data);
    free(c);
}

static ssize_t conn_read(conn *c, void *p, size_t n) { return c->tls ? tls_read(c, p, n) : read(c->fd, p, n); }

static ssize_t conn_write(conn *c, const void *p, size_t n) { return c->tls ? tls_write(c, p, n) : write(c->fd, p, n); }

static int flush_out(conn *c) {
    if (c->reset) return -1;
    if (c->out.len) c->tls_want_write = 0; /* a read's wish to write stays until a write is tried */
    while (c->out.len) {
        ssize_t n = conn_write(c, c->out.data, c->out.len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            return -1;
        }
        stat_bytes_out += (uint64_t)n;
        buf_consume(&c->out, (size_t)n);
    }
    int want = c->out.len > 0 || c->tls_want_write;
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
        size_t room = c->in.cap - c->in.len;
        ssize_t n = conn_read(c, c->in.data + c->in.len, room);
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
        /* A short plain read drained the socket; TLS reads return one record at a time, so read to EAGAIN. */
        if (!c->tls && (size_t)n < room) break;
    }
    if (!c->upgraded && !c->closing && ws_handshake(c) < 0) {
        conn_free(c);
        return;
    }
    if (c->upgraded && !c->closing && ws_frames(c) < 0) {
        conn_free(c);
        return;
    }
    if (flush_out(c) < 0) conn_free(c);
}

static void accept_all(int lfd) {
    int one = 1;
    for (;;) {
        int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) break;
        if (cfd >= 65536) {
            close(cfd);
            continue;
        }
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(cfd);
            continue;
        }
        c->fd = cfd;
        if (tls_mode && tls_attach(c)) {
            tls_free(c);
            free(c);
            close(cfd);
            continue;
        }
        conns[cfd] = c;
        struct epoll_event cev = {.events = EPOLLIN, .data.fd = cfd};
        epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
    }
}

static void on_event(const struct epoll_event *e) {
    conn *c = conns[e->data.fd];
    if (!c) return;
    if (e->events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        on_readable(c);
        c = conns[e->data.fd];
    }
    if (c && (e->events & EPOLLOUT) && flush_out(c) < 0) conn_free(c);
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *cert = NULL, *key = NULL;
    int port = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--host") && i + 1 < argc)
            host = argv[++i];
        else if (!strcmp(argv[i], "--g711"))
            session_format = "{\"type\":\"audio/pcmu\"}";
        else if (!strcmp(argv[i], "--tls") && i + 2 < argc) {
            cert = argv[++i];
            key = argv[++i];
        } else if (!strcmp(argv[i], "--reset-after") && i + 1 < argc)
            reset_after_appends = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--items-every") && i + 1 < argc)
            items_every_appends = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr,
                    "usage: %s [--port N] [--host ADDR] [--g711] [--tls CERT KEY] [--reset-after N] "
                    "[--items-every N]\n",
                    argv[0]);
            return 2;
        }
    }
    if (cert) {
        if (tls_init(cert, key)) {
            fprintf(stderr, "rt_echo_server: cannot load the TLS certificate %s and key %s\n", cert, key);
            return 1;
        }
        tls_mode = 1;
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
    conns = calloc(65536, sizeof *conns);
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    /* stdin EOF ends the server, so a harness's pipe ties its life to the harness. */
    if (fcntl(0, F_GETFD) != -1) {
        struct epoll_event sev = {.events = EPOLLIN, .data.fd = 0};
        epoll_ctl(ep, EPOLL_CTL_ADD, 0, &sev); /* fails for e.g. /dev/null (not pollable): no watch then */
    }
    printf("listening on %s://%s:%d\n", tls_mode ? "https" : "http", host, ntohs(addr.sin_port));
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
            if (events[i].data.fd == lfd)
                accept_all(lfd);
            else if (events[i].data.fd == 0) {
                char tmp[256];
                if (read(0, tmp, sizeof tmp) <= 0) stop_flag = 1;
            } else
                on_event(&events[i]);
        }
    }
    report(stdout, "exit");
    return 0;
}
