/* Clocks and CPU meters shared by the realtime bench drivers (bench_realtime.c, bare_loop.c). Header-only. */
#ifndef AZAUDIO_BENCH_CLOCK_H
#define AZAUDIO_BENCH_CLOCK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static inline int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleeps until the CLOCK_MONOTONIC time t (ns). */
static inline void sleep_until(int64_t t) {
    struct timespec ts = {.tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* This process's CPU (user + system, ms) from getrusage; user and sys separately when not NULL. */
static inline double process_cpu_ms(double *user, double *sys) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double u = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
    double s = ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
    if (user) *user = u;
    if (sys) *sys = s;
    return u + s;
}

/* Another process's CPU (ms, 10 ms ticks) from /proc/PID/stat; -1 when unknown. */
static inline double proc_cpu_ms(int pid) {
    if (pid <= 0) return -1;
    char path[64], line[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = 0;
    char *p = strrchr(line, ')');
    if (!p) return -1;
    unsigned long long ut = 0, st = 0;
    /* fields after the comm: state(3) ... utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return -1;
    return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

#endif
