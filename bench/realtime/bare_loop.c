/* bare_loop: the CPU floor of duplex realtime audio on this machine, without libazaudio (issue 5's calibration).
 *
 * Issue 5 asks for <= 0.5 ms of library CPU per session-second and quotes, for calibration, "a bare C loop over
 * libcurl CONNECT_ONLY that only frames and masks (no JSON parsing, one recv attempt per send)" at 0.73 ms on its
 * machine. This is that loop, run under the same conditions as bench_realtime (same echo server, same pacing, same
 * CPU window), so the library's number can be reported next to the floor measured here:
 *
 *   bare_loop --url http://127.0.0.1:PORT [--sessions N] [--seconds T] [--groups G] [--mode recv|epoll]
 *             [--server-pid PID] [--ca FILE] [--work]
 *
 * Per session: libcurl CURLOPT_CONNECT_ONLY (plain TCP; TLS for an https:// URL, verified with --ca FILE), then
 * everything by hand over curl_easy_send/_recv: the WebSocket upgrade (fixed Sec-WebSocket-Key; the answer is checked
 * for 101 only), wait for session.created, send one session.update, wait for session.updated (bench_realtime's sessions
 * do the same before their first frame).
 *
 * Then one pacing thread, exactly as bench_realtime's: every 20 ms tick is split in G sub-ticks (default 4) slept
 * to on CLOCK_MONOTONIC, and session i sends in sub-tick i % G. Each frame is 960 bytes of 24 kHz PCM16 (its first
 * 16 bytes: session index, frame number, send time, as in bench_realtime), base64-encoded into
 * {"type":"input_audio_buffer.append","audio":"..."}, framed as a masked client text frame (mask from a xorshift
 * PRNG) and sent with one curl_easy_send. Receiving, by --mode:
 *   recv  (default) right after each send, one non-blocking curl_easy_recv (64 KiB) on the same session: the
 *         issue's loop. The echo of a frame is usually read by the next frame's attempt, 20 ms later.
 *   epoll a second thread waits in epoll on every socket and makes one curl_easy_recv (64 KiB) per readable socket
 *         ("read what is there", the library's shape). libcurl handles are not for concurrent use, so in this
 *         mode each session's sends and receives hold a per-session mutex (uncontended almost always).
 * Received bytes are only scanned for WebSocket frame headers (state kept per session across reads); a text frame
 * whose payload starts with {"type":"response.output_audio.delta" counts as one echo. No JSON parsing, no base64
 * decoding. The server never fragments, so each data frame is one message.
 * --work adds the receiving work the protocol requires of any client, and nothing more (bare_work.h): each text
 * message kept whole, checked as UTF-8, its type, response_id, item_id and delta located, the delta's base64 decoded
 * (work_bad counts deltas that failed any of it: it must be 0). The floor the issue defines is without it; with it,
 * the floor says what part of the library's cost above the frames-only floor is the protocol's and not the library's.
 *
 * After the last frame: drain until every sent frame was echoed or 5 s pass (recv mode: poll + one recv per
 * readable socket; epoll mode: the reader thread goes on).
 *
 * Prints one JSON object. cpu_ms_per_session_s is getrusage(RUSAGE_SELF) user+sys from the first frame to the end
 * of the drain (connect and teardown excluded), divided by N * T, as in bench_realtime. Also frames sent / echoed /
 * lost, the I/O calls made (recv_eagain: receive attempts that found nothing), and with --server-pid the server's
 * CPU over the same window from /proc/PID/stat (10 ms ticks). */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "bare_connect.h"
#include "bare_wire.h"

/* ---- the measured loop -------------------------------------------------------------------------------------- */

typedef struct {
    session *ss;
    int n, groups, epoll_mode;
    int64_t frames, start_ns;
    uint64_t send_calls, send_partial, recv_calls, recv_eagain, recv_bytes;
} pacer_args;

/* Sends one whole frame (one curl_easy_send unless the socket takes only part of it). */
static void send_frame(session *s, const uint8_t *p, size_t len, pacer_args *a) {
    while (len) {
        size_t n = 0;
        CURLcode rc = curl_easy_send(s->curl, p, len, &n);
        a->send_calls++;
        if (rc == CURLE_OK && n == len) {
            s->sent++;
            return;
        }
        if (rc != CURLE_OK && rc != CURLE_AGAIN) {
            s->send_errors++;
            s->dead = 1;
            return;
        }
        a->send_partial++;
        p += n;
        len -= n;
        if (wait_fd(s->fd, POLLOUT, 1000) <= 0) {
            s->send_errors++;
            s->dead = 1;
            return;
        }
    }
}

/* One non-blocking receive attempt; scans what came. */
static void recv_once(session *s, uint8_t *buf, uint64_t *calls, uint64_t *eagain, uint64_t *bytes) {
    size_t n = 0;
    CURLcode rc = curl_easy_recv(s->curl, buf, RECV_BYTES, &n);
    (*calls)++;
    if (rc == CURLE_AGAIN)
        (*eagain)++;
    else if (rc != CURLE_OK || n == 0)
        s->dead = 1;
    else {
        *bytes += n;
        scan(s, buf, n);
    }
}

static void *pacer(void *arg) {
    pacer_args *a = arg;
    uint8_t audio[FRAME_BYTES], out[APPEND_FRAME];
    uint8_t *buf = malloc(RECV_BYTES);
    for (int i = 0; i < FRAME_BYTES; i++) audio[i] = (uint8_t)(i * 37);
    for (int64_t f = 0; f < a->frames; f++) {
        for (int g = 0; g < a->groups; g++) {
            sleep_until(a->start_ns + f * FRAME_NS + g * (FRAME_NS / a->groups));
            for (int i = g; i < a->n; i += a->groups) {
                session *s = &a->ss[i];
                if (s->dead) {
                    s->send_errors++;
                    continue;
                }
                uint32_t seq = (uint32_t)f;
                int64_t now = mono_ns();
                memcpy(audio, &s->index, 4);
                memcpy(audio + 4, &seq, 4);
                memcpy(audio + 8, &now, 8);
                size_t len = append_frame(out, audio);
                if (a->epoll_mode) {
                    pthread_mutex_lock(&s->lock);
                    send_frame(s, out, len, a);
                    pthread_mutex_unlock(&s->lock);
                } else {
                    send_frame(s, out, len, a);
                    if (!s->dead) recv_once(s, buf, &a->recv_calls, &a->recv_eagain, &a->recv_bytes);
                }
            }
        }
    }
    free(buf);
    return NULL;
}

typedef struct {
    session *ss;
    int ep;
    atomic_int stop;
    uint64_t epoll_waits, recv_calls, recv_eagain, recv_bytes;
} reader_args;

static void *reader(void *arg) {
    reader_args *r = arg;
    uint8_t *buf = malloc(RECV_BYTES);
    struct epoll_event ev[256];
    while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        int k = epoll_wait(r->ep, ev, 256, 50);
        r->epoll_waits++;
        for (int j = 0; j < k; j++) {
            session *s = ev[j].data.ptr;
            pthread_mutex_lock(&s->lock);
            recv_once(s, buf, &r->recv_calls, &r->recv_eagain, &r->recv_bytes);
            pthread_mutex_unlock(&s->lock);
            if (s->dead) epoll_ctl(r->ep, EPOLL_CTL_DEL, s->fd, NULL);
        }
    }
    free(buf);
    return NULL;
}

static uint64_t echoed_total(session *ss, int n) {
    uint64_t t = 0;
    for (int i = 0; i < n; i++) t += atomic_load_explicit(&ss[i].echoed, memory_order_acquire);
    return t;
}

int main(int argc, char **argv) {
    const char *url = NULL, *mode = "recv";
    int n = 10, groups = 4, server_pid = 0;
    double seconds = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--url") && i + 1 < argc)
            url = argv[++i];
        else if (!strcmp(argv[i], "--sessions") && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--groups") && i + 1 < argc)
            groups = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--mode") && i + 1 < argc)
            mode = argv[++i];
        else if (!strcmp(argv[i], "--server-pid") && i + 1 < argc)
            server_pid = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ca") && i + 1 < argc)
            ca_file = argv[++i];
        else if (!strcmp(argv[i], "--work"))
            work_mode = 1;
        else {
            fprintf(stderr,
                    "usage: %s --url URL [--sessions N] [--seconds T] [--groups G] [--mode recv|epoll] "
                    "[--server-pid PID] [--ca FILE] [--work]\n",
                    argv[0]);
            return 2;
        }
    }
    int epoll_mode = !strcmp(mode, "epoll");
    size_t scheme = url && !strncmp(url, "https://", 8) ? 8 : 7;
    if (!url || (strncmp(url, "http://", 7) && scheme == 7) || n < 1 || seconds <= 0 || groups < 1 ||
        (!epoll_mode && strcmp(mode, "recv"))) {
        fprintf(stderr, "bare_loop: --url http[s]://HOST:PORT is required; N, T, G must be positive; "
                        "--mode is recv or epoll\n");
        return 2;
    }
    if (groups > n) groups = n;
    int64_t frames = (int64_t)(seconds * 50 + 0.5);
    char hostport[256];
    snprintf(hostport, sizeof hostport, "%.*s", (int)strcspn(url + scheme, "/"), url + scheme);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    session *ss = calloc((size_t)n, sizeof *ss);
    uint8_t *buf = malloc(RECV_BYTES);
    int connected = 0;
    for (int i = 0; i < n; i++) {
        ss[i].index = (uint32_t)i;
        pthread_mutex_init(&ss[i].lock, NULL);
        if (open_session(&ss[i], url, hostport, buf)) {
            fprintf(stderr, "bare_loop: session %d: connect or handshake failed\n", i);
            break;
        }
        connected++;
    }
    if (connected < n) {
        printf("{\"contender\":\"bare-c-loop\",\"mode\":\"%s\",\"sessions\":%d,\"connected\":%d,"
               "\"error\":\"connect failed\"}\n",
               mode, n, connected);
        return 1;
    }

    reader_args ra = {.ss = ss, .ep = -1};
    pthread_t rth;
    if (epoll_mode) {
        ra.ep = epoll_create1(EPOLL_CLOEXEC);
        for (int i = 0; i < n; i++) {
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &ss[i]};
            epoll_ctl(ra.ep, EPOLL_CTL_ADD, ss[i].fd, &ev);
        }
    }

    /* The measurement window: first frame to the end of the drain. */
    pacer_args pa = {.ss = ss, .n = n, .groups = groups, .epoll_mode = epoll_mode, .frames = frames};
    double u0, s0, u1, s1;
    double srv0 = proc_cpu_ms(server_pid);
    double cpu0 = process_cpu_ms(&u0, &s0);
    int64_t w0 = mono_ns();
    pa.start_ns = w0 + 2000000; /* 2 ms from now */
    if (epoll_mode) pthread_create(&rth, NULL, reader, &ra);
    pthread_t pth;
    pthread_create(&pth, NULL, pacer, &pa);
    pthread_join(pth, NULL);
    uint64_t sent = 0, send_errors = 0;
    for (int i = 0; i < n; i++) {
        sent += ss[i].sent;
        send_errors += ss[i].send_errors;
    }
    /* Drain: the echoes still in flight (up to 5 s). */
    int64_t deadline = mono_ns() + 5000000000LL;
    uint64_t drain_recv_calls = 0, drain_eagain = 0, drain_bytes = 0;
    struct pollfd *pfd = calloc((size_t)n, sizeof *pfd);
    while (echoed_total(ss, n) < sent) {
        int64_t left_ms = (deadline - mono_ns()) / 1000000;
        if (left_ms <= 0) break;
        if (epoll_mode) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            continue;
        }
        for (int i = 0; i < n; i++) pfd[i] = (struct pollfd){.fd = ss[i].dead ? -1 : ss[i].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)n, (int)(left_ms < 100 ? left_ms : 100)) <= 0) continue;
        for (int i = 0; i < n; i++)
            if (pfd[i].revents) recv_once(&ss[i], buf, &drain_recv_calls, &drain_eagain, &drain_bytes);
    }
    int64_t w1 = mono_ns();
    double cpu1 = process_cpu_ms(&u1, &s1);
    double srv1 = proc_cpu_ms(server_pid);
    uint64_t echoed = echoed_total(ss, n);
    if (epoll_mode) {
        atomic_store(&ra.stop, 1);
        pthread_join(rth, NULL);
        close(ra.ep);
    }
    uint64_t other = 0, extra_events = 0, work_bad = 0;
    for (int i = 0; i < n; i++) {
        other += ss[i].other_frames;
        work_bad += ss[i].work_bad;
        free(ss[i].msg);
        free(ss[i].audio);
        extra_events += ss[i].created - 1 + ss[i].updated - 1;
        curl_easy_cleanup(ss[i].curl);
        pthread_mutex_destroy(&ss[i].lock);
    }
    curl_global_cleanup();

    uint64_t recv_calls = pa.recv_calls + ra.recv_calls + drain_recv_calls;
    uint64_t recv_eagain = pa.recv_eagain + ra.recv_eagain + drain_eagain;
    uint64_t recv_bytes = pa.recv_bytes + ra.recv_bytes + drain_bytes;
    double session_seconds = (double)n * (double)frames / 50.0;
    int64_t lost = (int64_t)sent - (int64_t)echoed + (int64_t)send_errors;
    char load[64] = "";
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        double l1, l5, l15;
        if (fscanf(lf, "%lf %lf %lf", &l1, &l5, &l15) == 3) snprintf(load, sizeof load, "%.2f %.2f %.2f", l1, l5, l15);
        fclose(lf);
    }
    printf("{\"contender\":\"bare-c-loop\",\"mode\":\"%s\",\"work\":%d,\"work_bad\":%llu,\"threads\":%d,\"sessions\":%"
           "d,\"groups\":%d,"
           "\"seconds\":%.3f,\"session_seconds\":%.1f,\"window_s\":%.3f,\"cpu_ms\":%.1f,\"cpu_user_ms\":%.1f,"
           "\"cpu_sys_ms\":%.1f,\"cpu_ms_per_session_s\":%.4f,\"frames_planned\":%lld,\"frames_sent\":%llu,"
           "\"send_errors\":%llu,\"frames_echoed\":%llu,\"frames_lost\":%lld,\"other_frames\":%llu,"
           "\"extra_session_events\":%llu,\"send_calls\":%llu,\"send_partial\":%llu,\"recv_calls\":%llu,"
           "\"recv_eagain\":%llu,\"recv_bytes\":%llu,\"drain_recv_calls\":%llu,\"epoll_waits\":%llu,"
           "\"server_cpu_ms\":%.1f,\"server_cpu_ms_per_session_s\":%.4f,\"load\":\"%s\"}\n",
           mode, work_mode, (unsigned long long)work_bad, epoll_mode ? 2 : 1, n, groups, (double)frames / 50.0,
           session_seconds, (double)(w1 - w0) / 1e9, cpu1 - cpu0, u1 - u0, s1 - s0, (cpu1 - cpu0) / session_seconds,
           (long long)(frames * n), (unsigned long long)sent, (unsigned long long)send_errors,
           (unsigned long long)echoed, (long long)lost, (unsigned long long)other, (unsigned long long)extra_events,
           (unsigned long long)pa.send_calls, (unsigned long long)pa.send_partial, (unsigned long long)recv_calls,
           (unsigned long long)recv_eagain, (unsigned long long)recv_bytes, (unsigned long long)drain_recv_calls,
           (unsigned long long)ra.epoll_waits, server_pid ? srv1 - srv0 : -1.0,
           server_pid ? (srv1 - srv0) / session_seconds : -1.0, load);
    free(pfd);
    free(buf);
    free(ss);
    return lost == 0 && work_bad == 0 ? 0 : 3;
}
