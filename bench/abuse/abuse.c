/* Resource limits under abuse (issue 16): realtime sessions opened and destroyed in a loop, clients created and
 * destroyed, cancel tokens created, cancelled and reset from several threads at once. Prints resident memory and
 * open file descriptors after a warm-up tenth and at the end of each phase, and their growth; a leak shows as
 * growth proportional to the count.
 *
 *   abuse ENDPOINT [SESSIONS (10000)] [CLIENTS (1000)] [TOKEN_ROUNDS (100000)]
 *
 * ENDPOINT is a realtime server (bench/realtime_server/rt_echo_server, as scripts/bench.sh starts it). Last line:
 * one JSON object with every figure. Exit status 1 when a phase fails (not for growth: this measures, it does not
 * judge; the README/BENCHMARKS row says what is expected). */
#define _GNU_SOURCE
#include "azaudio.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long rss_kb(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int open_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n - 3; /* ".", ".." and the DIR's own descriptor */
}

typedef struct {
    long rss_warm, rss_end;
    int fd_warm, fd_end;
    double seconds;
} phase;

static double now(void) { return (double)azaudio_monotonic_us() / 1e6; }

static void report(const char *name, long count, const phase *p) {
    printf("%-9s %7ld in %6.1f s: RSS %ld -> %ld KiB (%+ld), fds %d -> %d (%+d)\n", name, count, p->seconds,
           p->rss_warm, p->rss_end, p->rss_end - p->rss_warm, p->fd_warm, p->fd_end, p->fd_end - p->fd_warm);
    fflush(stdout);
}

static azaudio_client *make_client(const char *endpoint) {
    azaudio_client_options o;
    azaudio_client_options_init(&o);
    o.endpoint = endpoint;
    o.api_key = "bench-key";
    azaudio_client *c = NULL;
    return azaudio_client_create(&o, &c) == AZAUDIO_OK ? c : NULL;
}

static int sessions_phase(const char *endpoint, long count, phase *p) {
    azaudio_client *c = make_client(endpoint);
    if (!c) return 0;
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    uint8_t frame[960] = {0};
    double t0 = now();
    for (long i = 0; i < count; i++) {
        azaudio_realtime_session *s = NULL;
        if (azaudio_realtime_connect(c, &o, &s) != AZAUDIO_OK) {
            fprintf(stderr, "session %ld: %s\n", i, azaudio_last_error());
            azaudio_client_destroy(c);
            return 0;
        }
        azaudio_realtime_send_audio(s, frame, sizeof frame);
        azaudio_realtime_destroy(s);
        if (i + 1 == count / 10) {
            p->rss_warm = rss_kb();
            p->fd_warm = open_fds();
        }
    }
    p->seconds = now() - t0;
    p->rss_end = rss_kb();
    p->fd_end = open_fds();
    azaudio_client_destroy(c);
    return 1;
}

static int clients_phase(const char *endpoint, long count, phase *p) {
    double t0 = now();
    for (long i = 0; i < count; i++) {
        azaudio_client *c = make_client(endpoint);
        if (!c) return 0;
        /* A client that did something: one realtime session through it. */
        if (i % 10 == 0) {
            azaudio_realtime_options o;
            azaudio_realtime_options_init(&o);
            o.deployment = "gpt-realtime";
            azaudio_realtime_session *s = NULL;
            if (azaudio_realtime_connect(c, &o, &s) == AZAUDIO_OK) azaudio_realtime_destroy(s);
        }
        azaudio_client_destroy(c);
        if (i + 1 == count / 10) {
            p->rss_warm = rss_kb();
            p->fd_warm = open_fds();
        }
    }
    p->seconds = now() - t0;
    p->rss_end = rss_kb();
    p->fd_end = open_fds();
    return 1;
}

typedef struct {
    azaudio_cancel_token *shared;
    long rounds;
} token_work;

static void *token_thread(void *arg) {
    token_work *w = arg;
    for (long i = 0; i < w->rounds; i++) {
        azaudio_cancel_token *own = NULL;
        if (azaudio_cancel_token_create(&own) == AZAUDIO_OK) {
            azaudio_cancel_token_cancel(own);
            azaudio_cancel_token_destroy(own);
        }
        if (i & 1)
            azaudio_cancel_token_cancel(w->shared);
        else
            azaudio_cancel_token_reset(w->shared);
    }
    return NULL;
}

static int tokens_phase(long rounds, phase *p) {
    azaudio_cancel_token *shared = NULL;
    if (azaudio_cancel_token_create(&shared) != AZAUDIO_OK) return 0;
    token_work w = {shared, rounds / 10};
    pthread_t t[4];
    double t0 = now();
    for (int k = 0; k < 4; k++) pthread_create(&t[k], NULL, token_thread, &w);
    for (int k = 0; k < 4; k++) pthread_join(t[k], NULL);
    p->rss_warm = rss_kb();
    p->fd_warm = open_fds();
    w.rounds = rounds;
    for (int k = 0; k < 4; k++) pthread_create(&t[k], NULL, token_thread, &w);
    for (int k = 0; k < 4; k++) pthread_join(t[k], NULL);
    p->seconds = now() - t0;
    p->rss_end = rss_kb();
    p->fd_end = open_fds();
    azaudio_cancel_token_destroy(shared);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: abuse ENDPOINT [SESSIONS] [CLIENTS] [TOKEN_ROUNDS]\n");
        return 2;
    }
    long sessions = argc > 2 ? atol(argv[2]) : 10000;
    long clients = argc > 3 ? atol(argv[3]) : 1000;
    long rounds = argc > 4 ? atol(argv[4]) : 100000;
    phase ps = {0}, pc = {0}, pt = {0};
    int ok = sessions_phase(argv[1], sessions, &ps);
    if (ok) report("sessions", sessions, &ps);
    ok = ok && clients_phase(argv[1], clients, &pc);
    if (ok) report("clients", clients, &pc);
    ok = ok && tokens_phase(rounds, &pt);
    if (ok) report("tokens", rounds * 4, &pt);
    printf("{\"sessions\":%ld,\"session_rss_growth_kb\":%ld,\"session_fd_growth\":%d,\"session_seconds\":%.1f,"
           "\"clients\":%ld,\"client_rss_growth_kb\":%ld,\"client_fd_growth\":%d,"
           "\"token_ops\":%ld,\"token_rss_growth_kb\":%ld,\"ok\":%s}\n",
           sessions, ps.rss_end - ps.rss_warm, ps.fd_end - ps.fd_warm, ps.seconds, clients, pc.rss_end - pc.rss_warm,
           pc.fd_end - pc.fd_warm, rounds * 4, pt.rss_end - pt.rss_warm, ok ? "true" : "false");
    return ok ? 0 : 1;
}
