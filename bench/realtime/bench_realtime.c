/* bench_realtime: N realtime sessions of libazaudio on one client (so over the client's one I/O thread), each
 * sending 24 kHz PCM16 in 20 ms frames at real-time pace for T seconds to an echo server (bench/realtime_server),
 * receiving the echoed audio deltas through the event callback.
 *
 *   bench_realtime --url http://127.0.0.1:PORT [--sessions N] [--seconds T] [--groups G] [--lat-every K]
 *                  [--server-pid PID] [--label TEXT] [--ca FILE]
 *                  [--session-max-ms M --renewal-margin-ms R] [--reconnect A [--backoff-ms B]]
 *
 * One pacing thread sends every frame: session i sends at offset (i % G) * 20 / G ms of each 20 ms tick (default
 * G = 4, so the load is spread like independent calls rather than one burst). Each frame's first 16 bytes carry
 * the session index, the frame number and the client's send time, so lost, duplicated or reordered frames are
 * counted and the round trip is measured on every frame; every K-th frame (default 1) also reads the server's
 * "ts_us" from the event JSON for the server-send -> callback latency (both CLOCK_MONOTONIC, same machine).
 *
 * Prints one JSON object (see the keys at the end of main). Measures:
 *  - cpu_ms_per_session_s: getrusage(RUSAGE_SELF) user+sys from the first frame to the last echo (connect and
 *    teardown excluded), divided by N * T;
 *  - frames sent / echoed / lost (lost = sent - echoed after a drain of up to 5 s; send errors count as lost);
 *  - latency server send -> callback, and client send -> callback, median / p99 / max (ms);
 *  - rss_per_session_kb: (RSS with every session open at the end of the run - RSS before the first connect) / N,
 *    after one warm-up session was opened and closed (one-time costs are not per-session costs);
 *  - connect_ms: azaudio_realtime_connect() until it returned a ready session, median / p99 / max.
 * With --server-pid, the server's CPU over the same window, from /proc/PID/stat (10 ms ticks).
 *
 * --ca FILE: the CA that signed a TLS server's certificate (an https:// URL: the sessions run over wss://).
 * Continuity (switch_stats.h): --session-max-ms / --renewal-margin-ms set the session's time limit and renewal
 * margin (renewal then needs --reconnect, default 5 with them); --reconnect A turns reconnect on (against a server
 * that resets connections: rt_echo_server --reset-after). The JSON then has "renewal" and "reconnect" figures, and
 * frames whose echo never came are reported, not failed (echoes of the old session after RENEWING are not
 * delivered; audio written to a reset connection is lost with it): the harness compares the server's count of
 * appends with frames_sent instead. */
#define _GNU_SOURCE
#include <azaudio.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "switch_stats.h"

#define FRAME_BYTES 960 /* 20 ms of 24 kHz mono PCM16 */
#define FRAME_NS    20000000LL

typedef struct {
    azaudio_realtime_session *session;
    uint32_t index;
    uint32_t sent;
    uint32_t send_errors;
    _Atomic uint32_t received;
    uint32_t next_expected;
    uint32_t reordered;
    uint32_t foreign;
    uint32_t errors;
    uint32_t closed;
    float *lat_server; /* ms, per sampled frame */
    float *lat_rtt;    /* ms, per frame */
    uint32_t n_server, n_rtt, cap;
    switch_log *sw;    /* continuity runs only */
    int64_t *sent_ns;  /* continuity runs only: per frame number, when it was handed over */
    float *rtt_by_seq; /* continuity runs only: per frame number, its round trip (ms; -1: no echo) */
} session_state;

static int lat_every = 1;
static unsigned coalesce_ms = 0;
static int continuity; /* --session-max-ms or --reconnect given */
static _Atomic int sessions_closed;

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void on_event(azaudio_realtime_session *s, const azaudio_realtime_event *e, void *user) {
    (void)s;
    session_state *st = user;
    int32_t type = azaudio_realtime_event_type(e);
    if (st->sw) switch_on_event(st->sw, type, e, mono_ns());
    if (type == AZAUDIO_EVENT_AUDIO_DELTA) {
        int64_t now = mono_ns();
        size_t size = 0;
        const uint8_t *audio = azaudio_realtime_event_audio(e, &size);
        if (size < 16 || size % FRAME_BYTES != 0) {
            st->foreign++;
            return;
        }
        /* One delta per frame, or per several frames when the library coalesces input (--coalesce-ms). */
        uint32_t first_seq = 0;
        for (size_t off = 0; off < size; off += FRAME_BYTES) {
            uint32_t index, seq;
            int64_t sent_ns;
            memcpy(&index, audio + off, 4);
            memcpy(&seq, audio + off + 4, 4);
            memcpy(&sent_ns, audio + off + 8, 8);
            if (index != st->index) {
                st->foreign++;
                return;
            }
            if (off == 0) first_seq = seq;
            if (seq != st->next_expected) st->reordered++;
            st->next_expected = seq + 1;
            if (st->n_rtt < st->cap) st->lat_rtt[st->n_rtt++] = (float)((now - sent_ns) / 1e6);
            if (st->rtt_by_seq && seq < st->cap) {
                st->rtt_by_seq[seq] = (float)((now - sent_ns) / 1e6);
                st->sent_ns[seq] = sent_ns;
            }
            if (off > 0) atomic_fetch_add_explicit(&st->received, 1, memory_order_release);
        }
        uint32_t seq = first_seq;
        if (seq % (uint32_t)lat_every == 0 && st->n_server < st->cap) {
            const char *json = azaudio_realtime_event_json(e);
            const char *ts = strstr(json, "\"ts_us\":");
            if (ts) {
                long long us = atoll(ts + 8);
                st->lat_server[st->n_server++] = (float)((now / 1000 - us) / 1e3);
            }
        }
        atomic_fetch_add_explicit(&st->received, 1, memory_order_release);
    } else if (type == AZAUDIO_EVENT_ERROR) {
        st->errors++;
        if (st->errors <= 3)
            fprintf(stderr, "bench_realtime: session %u: error event: %s\n", st->index, azaudio_realtime_event_json(e));
    } else if (type == AZAUDIO_EVENT_CLOSED) {
        st->closed = 1;
        atomic_fetch_add(&sessions_closed, 1);
    }
}

typedef struct {
    session_state *states;
    int n, groups;
    int64_t frames;
    int64_t start_ns;
} pacer_args;

static void *pacer(void *arg) {
    pacer_args *a = arg;
    uint8_t frame[FRAME_BYTES];
    for (int i = 0; i < FRAME_BYTES; i++) frame[i] = (uint8_t)(i * 37);
    for (int64_t f = 0; f < a->frames; f++) {
        for (int g = 0; g < a->groups; g++) {
            sleep_until(a->start_ns + f * FRAME_NS + g * (FRAME_NS / a->groups));
            for (int i = g; i < a->n; i += a->groups) {
                session_state *st = &a->states[i];
                uint32_t seq = (uint32_t)f;
                int64_t now = mono_ns();
                memcpy(frame, &st->index, 4);
                memcpy(frame + 4, &seq, 4);
                memcpy(frame + 8, &now, 8);
                if (azaudio_realtime_send_audio(st->session, frame, FRAME_BYTES) == AZAUDIO_OK)
                    st->sent++;
                else
                    st->send_errors++;
            }
        }
    }
    return NULL;
}

static int cmpf(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

static double pct(float *v, size_t n, double p) {
    if (!n) return -1;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

int main(int argc, char **argv) {
    const char *url = NULL, *label = "libazaudio-c", *ca = NULL;
    unsigned session_max_ms = 0, renewal_margin_ms = 0, reconnect = 0, backoff_ms = 0;
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
        else if (!strcmp(argv[i], "--lat-every") && i + 1 < argc)
            lat_every = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--coalesce-ms") && i + 1 < argc)
            coalesce_ms = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--server-pid") && i + 1 < argc)
            server_pid = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--label") && i + 1 < argc)
            label = argv[++i];
        else if (!strcmp(argv[i], "--ca") && i + 1 < argc)
            ca = argv[++i];
        else if (!strcmp(argv[i], "--session-max-ms") && i + 1 < argc)
            session_max_ms = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--renewal-margin-ms") && i + 1 < argc)
            renewal_margin_ms = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reconnect") && i + 1 < argc)
            reconnect = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--backoff-ms") && i + 1 < argc)
            backoff_ms = (unsigned)atoi(argv[++i]);
        else {
            fprintf(stderr,
                    "usage: %s --url URL [--sessions N] [--seconds T] [--groups G] [--lat-every K] "
                    "[--coalesce-ms MS] [--server-pid PID] [--label TEXT] [--ca FILE] [--session-max-ms M] "
                    "[--renewal-margin-ms R] [--reconnect A] [--backoff-ms B]\n",
                    argv[0]);
            return 2;
        }
    }
    if (!url || n < 1 || seconds <= 0 || groups < 1 || lat_every < 1) {
        fprintf(stderr, "bench_realtime: --url is required; N, T, G, K must be positive\n");
        return 2;
    }
    if (groups > n) groups = n;
    int64_t frames = (int64_t)(seconds * 50 + 0.5);
    continuity = session_max_ms > 0 || reconnect > 0;
    if (session_max_ms > 0 && reconnect == 0) reconnect = 5; /* renewal needs reconnect on */

    azaudio_client_options co;
    azaudio_client_options_init(&co);
    co.endpoint = url;
    co.api_key = "bench-key";
    co.proxy = "";
    co.ca_file = ca;
    azaudio_client *client = NULL;
    if (azaudio_client_create(&co, &client) != AZAUDIO_OK) {
        fprintf(stderr, "bench_realtime: client: %s\n", azaudio_last_error());
        return 1;
    }
    session_state *states = calloc((size_t)n, sizeof *states);
    float *connect_ms = calloc((size_t)n, sizeof *connect_ms);
    for (int i = 0; i < n; i++) {
        states[i].index = (uint32_t)i;
        states[i].cap = (uint32_t)frames + 16;
        states[i].lat_server = malloc(states[i].cap * sizeof(float));
        states[i].lat_rtt = malloc(states[i].cap * sizeof(float));
        /* touch the arrays now so their pages are not counted as the library's RSS */
        memset(states[i].lat_server, 0, states[i].cap * sizeof(float));
        memset(states[i].lat_rtt, 0, states[i].cap * sizeof(float));
        if (continuity) {
            states[i].sw = calloc(1, sizeof *states[i].sw);
            states[i].sent_ns = calloc(states[i].cap, sizeof(int64_t));
            states[i].rtt_by_seq = malloc(states[i].cap * sizeof(float));
            for (uint32_t k = 0; k < states[i].cap; k++) states[i].rtt_by_seq[k] = -1;
        }
    }
    /* One warm-up session, opened and closed before the baseline, so that one-time costs (the I/O thread, curl's
     * and TLS's global state, lazily built tables) are not counted per session. */
    {
        azaudio_realtime_options o;
        azaudio_realtime_options_init(&o);
        o.deployment = "gpt-realtime";
        o.turn_detection = AZAUDIO_TURN_NONE;
        azaudio_realtime_session *warm = NULL;
        if (azaudio_realtime_connect(client, &o, &warm) != AZAUDIO_OK) {
            fprintf(stderr, "bench_realtime: warm-up connect: %s\n", azaudio_last_error());
            return 1;
        }
        azaudio_realtime_destroy(warm);
    }
    long rss0 = rss_kb();
    double cpu_connect0 = process_cpu_ms(NULL, NULL);
    int connected = 0;
    for (int i = 0; i < n; i++) {
        azaudio_realtime_options o;
        azaudio_realtime_options_init(&o);
        o.deployment = "gpt-realtime";
        o.turn_detection = AZAUDIO_TURN_NONE;
        o.event_callback = on_event;
        o.event_user_data = &states[i];
        o.input_audio_coalesce_ms = coalesce_ms;
        if (continuity) {
            o.reconnect_max_attempts = reconnect;
            if (backoff_ms) o.reconnect_backoff_ms = backoff_ms;
            if (session_max_ms) o.session_max_ms = session_max_ms;
            if (renewal_margin_ms) o.renewal_margin_ms = renewal_margin_ms;
        }
        int64_t t0 = mono_ns();
        azaudio_result rc = azaudio_realtime_connect(client, &o, &states[i].session);
        connect_ms[i] = (float)((mono_ns() - t0) / 1e6);
        if (rc != AZAUDIO_OK) {
            fprintf(stderr, "bench_realtime: connect %d: %s\n", i, azaudio_last_error());
            break;
        }
        connected++;
    }
    double cpu_connect = process_cpu_ms(NULL, NULL) - cpu_connect0;
    if (connected < n) {
        printf("{\"contender\":\"%s\",\"sessions\":%d,\"connected\":%d,\"error\":\"connect failed\"}\n", label, n,
               connected);
        return 1;
    }

    /* The measurement window: first frame to last echo. */
    pacer_args pa = {.states = states, .n = n, .groups = groups, .frames = frames};
    double srv0 = proc_cpu_ms(server_pid);
    double cpu0 = process_cpu_ms(NULL, NULL);
    int64_t w0 = mono_ns();
    pa.start_ns = w0 + 2000000; /* 2 ms from now */
    pthread_t th;
    pthread_create(&th, NULL, pacer, &pa);
    pthread_join(th, NULL);
    long rss1 = rss_kb();
    int64_t sent_total = 0, send_errors = 0;
    for (int i = 0; i < n; i++) {
        sent_total += states[i].sent;
        send_errors += states[i].send_errors;
    }
    /* Drain: wait for the echoes still in flight (up to 5 s). */
    int64_t drain_deadline = mono_ns() + (continuity ? 1000000000LL : 5000000000LL); /* some never come */
    int64_t received_total = 0;
    for (;;) {
        received_total = 0;
        for (int i = 0; i < n; i++) received_total += atomic_load_explicit(&states[i].received, memory_order_acquire);
        /* Continuity: a switch begun near the end is waited for too (it ends at its cap - 1 s at the latest). */
        int switching = 0;
        for (int i = 0; continuity && i < n; i++) switching += switch_pending(states[i].sw);
        if (switching && mono_ns() <= drain_deadline + 4000000000LL) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            continue;
        }
        if (received_total >= sent_total || mono_ns() > drain_deadline) break;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    int64_t w1 = mono_ns();
    double cpu1 = process_cpu_ms(NULL, NULL);
    double srv1 = proc_cpu_ms(server_pid);
    long rss_end = rss_kb();
    if (rss_end > rss1) rss1 = rss_end;

    for (int i = 0; i < n; i++) azaudio_realtime_destroy(states[i].session);
    azaudio_client_destroy(client);

    /* Aggregate. */
    size_t ns_total = 0, nr_total = 0;
    uint64_t reordered = 0, foreign = 0, errors = 0, early_closed = 0;
    for (int i = 0; i < n; i++) {
        ns_total += states[i].n_server;
        nr_total += states[i].n_rtt;
        reordered += states[i].reordered;
        foreign += states[i].foreign;
        errors += states[i].errors;
    }
    (void)early_closed;
    float *server = malloc((ns_total + 1) * sizeof(float)), *rtt = malloc((nr_total + 1) * sizeof(float));
    size_t ks = 0, kr = 0;
    for (int i = 0; i < n; i++) {
        memcpy(server + ks, states[i].lat_server, states[i].n_server * sizeof(float));
        ks += states[i].n_server;
        memcpy(rtt + kr, states[i].lat_rtt, states[i].n_rtt * sizeof(float));
        kr += states[i].n_rtt;
    }
    qsort(server, ns_total, sizeof(float), cmpf);
    qsort(rtt, nr_total, sizeof(float), cmpf);
    qsort(connect_ms, (size_t)n, sizeof(float), cmpf);
    double session_seconds = (double)n * (double)frames / 50.0;
    double window_s = (double)(w1 - w0) / 1e9;
    int64_t lost = sent_total - received_total + send_errors;
    printf("{\"contender\":\"%s\",\"sessions\":%d,\"seconds\":%.3f,\"session_seconds\":%.1f,\"window_s\":%.3f,"
           "\"cpu_ms\":%.1f,\"cpu_ms_per_session_s\":%.4f,\"cpu_connect_ms\":%.1f,"
           "\"frames_planned\":%lld,\"frames_sent\":%lld,\"send_errors\":%lld,\"frames_echoed\":%lld,"
           "\"frames_lost\":%lld,\"reordered\":%llu,\"foreign\":%llu,\"error_events\":%llu,"
           "\"lat_server_ms\":{\"n\":%zu,\"median\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
           "\"lat_rtt_ms\":{\"n\":%zu,\"median\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
           "\"rss_before_kb\":%ld,\"rss_after_kb\":%ld,\"rss_per_session_kb\":%.1f,"
           "\"connect_ms\":{\"median\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
           "\"server_cpu_ms\":%.1f,\"server_cpu_ms_per_session_s\":%.4f,\"coalesce_ms\":%u,\"tls\":%s",
           label, n, (double)frames / 50.0, session_seconds, window_s, cpu1 - cpu0, (cpu1 - cpu0) / session_seconds,
           cpu_connect, (long long)(frames * n), (long long)sent_total, (long long)send_errors,
           (long long)received_total, (long long)lost, (unsigned long long)reordered, (unsigned long long)foreign,
           (unsigned long long)errors, ns_total, pct(server, ns_total, 0.5), pct(server, ns_total, 0.99),
           ns_total ? server[ns_total - 1] : -1.0, nr_total, pct(rtt, nr_total, 0.5), pct(rtt, nr_total, 0.99),
           nr_total ? rtt[nr_total - 1] : -1.0, rss0, rss1, (double)(rss1 - rss0) / n, pct(connect_ms, (size_t)n, 0.5),
           pct(connect_ms, (size_t)n, 0.99), connect_ms[n - 1], server_pid ? srv1 - srv0 : -1.0,
           server_pid ? (srv1 - srv0) / session_seconds : -1.0, coalesce_ms,
           strncmp(url, "https:", 6) ? "false" : "true");
    if (continuity) {
        switch_log **logs = malloc(sizeof *logs * (size_t)n);
        int64_t **sent = malloc(sizeof *sent * (size_t)n);
        float **rtts = malloc(sizeof *rtts * (size_t)n);
        for (int i = 0; i < n; i++) {
            logs[i] = states[i].sw;
            sent[i] = states[i].sent_ns;
            rtts[i] = states[i].rtt_by_seq;
        }
        double median_rtt = pct(rtt, nr_total, 0.5);
        fputs(",", stdout);
        switch_print(stdout, "renewal", 1, logs, sent, rtts, n, frames, median_rtt);
        fputs(",", stdout);
        switch_print(stdout, "reconnect", 0, logs, sent, rtts, n, frames, median_rtt);
    }
    fputs("}\n", stdout);
    return lost == 0 || continuity ? 0 : 3;
}
