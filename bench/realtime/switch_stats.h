/* Renewal and reconnect figures for bench_realtime (--session-max-ms, --reconnect): per session, when each switch
 * to a new session began (RENEWING / RECONNECTING) and ended (RENEWED / RECONNECTED, with the library's audio_ms:
 * how long input was held, or the outage), and when the first audio came back after it. Header-only.
 *
 * Figures, over every switch of every session:
 *  - held_ms: the library's own figure (RENEWED / RECONNECTED audio_ms);
 *  - extra_ms: the delay the switch added to caller audio, seen from the caller: the largest round trip of the
 *    frames handed over from 40 ms before the switch began to 40 ms after it ended, minus the median round trip
 *    of the whole run (frames whose echo never came, e.g. written to a connection that was reset, do not count);
 *  - first_audio_ms: from the switch's start to the first echoed audio after it ended.
 * Renewals are also broken down (why the tail is what it is):
 *  - by RENEWED's "mode" (make_before_break / break_before_make) and "trigger" (turn_boundary, cap: the forced
 *    switch leadMs before the cap; standby_not_ready, standby_failed, short_margin: the break-before-make fallbacks);
 *  - by phase: extra_prep_ms over the frames handed over while the standby was being prepared (from RENEWING to
 *    40 ms before RENEWED: the live session carries them), extra_switch_ms over the frames within 40 ms of RENEWED
 *    (the switch itself);
 *  - switch_after_ms: from RENEWING to RENEWED (how long the standby took and the switch waited);
 *  - control_ms: the same figure as extra_ms over a window of the same length in the same session while no switch
 *    is going on (starting 100 ms after RENEWED): what the machine's own scheduling gives any such window. */
#ifndef AZAUDIO_BENCH_SWITCH_STATS_H
#define AZAUDIO_BENCH_SWITCH_STATS_H

#include <azaudio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWITCH_MAX     512
#define SWITCH_EDGE_NS 40000000LL

enum { SW_MODE_UNKNOWN, SW_MODE_MBB, SW_MODE_BBM };
static const char *const switch_triggers[] = {"turn_boundary",  "cap",          "standby_not_ready",
                                              "standby_failed", "short_margin", "unknown"};
#define SWITCH_TRIGGERS 6

typedef struct {
    int n;        /* switches begun */
    int renewals; /* of which renewals (the others are reconnects) */
    int64_t begin_ns[SWITCH_MAX], end_ns[SWITCH_MAX], first_audio_ns[SWITCH_MAX];
    int64_t held_ms[SWITCH_MAX];
    char renewal[SWITCH_MAX];
    char mode[SWITCH_MAX];    /* SW_MODE_* */
    char trigger[SWITCH_MAX]; /* index into switch_triggers */
} switch_log;

static inline int switch_trigger_of(const char *json) {
    const char *t = json ? strstr(json, "\"trigger\":\"") : NULL;
    if (!t) return SWITCH_TRIGGERS - 1;
    t += 11;
    for (int i = 0; i < SWITCH_TRIGGERS - 1; i++) {
        size_t len = strlen(switch_triggers[i]);
        if (!strncmp(t, switch_triggers[i], len) && t[len] == '"') return i;
    }
    return SWITCH_TRIGGERS - 1;
}

/* Any thread: whether a switch has begun and not ended yet. */
static inline int switch_pending(const switch_log *s) {
    int n = __atomic_load_n(&s->n, __ATOMIC_ACQUIRE);
    return n > 0 && __atomic_load_n(&s->end_ns[n - 1], __ATOMIC_ACQUIRE) == 0;
}

/* Event thread: any event of the session. */
static inline void switch_on_event(switch_log *s, int32_t type, const azaudio_realtime_event *e, int64_t now) {
    if (type == AZAUDIO_EVENT_RENEWING || type == AZAUDIO_EVENT_RECONNECTING) {
        if (s->n > 0 && s->end_ns[s->n - 1] == 0 && type == AZAUDIO_EVENT_RECONNECTING) return; /* same outage */
        if (s->n >= SWITCH_MAX) return;
        s->begin_ns[s->n] = now;
        s->renewal[s->n] = type == AZAUDIO_EVENT_RENEWING;
        s->renewals += type == AZAUDIO_EVENT_RENEWING;
        __atomic_store_n(&s->n, s->n + 1, __ATOMIC_RELEASE);
    } else if ((type == AZAUDIO_EVENT_RENEWED || type == AZAUDIO_EVENT_RECONNECTED) && s->n > 0 &&
               s->end_ns[s->n - 1] == 0) {
        int k = s->n - 1;
        __atomic_store_n(&s->end_ns[k], now, __ATOMIC_RELEASE);
        s->held_ms[k] = azaudio_realtime_event_audio_ms(e);
        if (type == AZAUDIO_EVENT_RENEWED) {
            const char *json = azaudio_realtime_event_json(e);
            s->mode[k] = strstr(json, "\"make_before_break\"")   ? SW_MODE_MBB
                         : strstr(json, "\"break_before_make\"") ? SW_MODE_BBM
                                                                 : SW_MODE_UNKNOWN;
            s->trigger[k] = (char)switch_trigger_of(json);
        }
    } else if (type == AZAUDIO_EVENT_AUDIO_DELTA && s->n > 0 && s->end_ns[s->n - 1] != 0 &&
               s->first_audio_ns[s->n - 1] == 0) {
        s->first_audio_ns[s->n - 1] = now;
    }
}

static int switch_cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static inline void switch_print_pct(FILE *f, const char *name, double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, switch_cmpd);
    if (!n) {
        fprintf(f, "\"%s\":{\"n\":0}", name);
        return;
    }
    fprintf(f, "\"%s\":{\"n\":%d,\"median\":%.3f,\"p99\":%.3f,\"max\":%.3f}", name, n, v[(int)(0.5 * (n - 1) + 0.5)],
            v[(int)(0.99 * (n - 1) + 0.5)], v[n - 1]);
}

/* The worst round trip of the frames handed over in [from, to], above the run's median (0 at least); -1 when no
 * frame of the window was echoed. */
static inline double switch_worst(const int64_t *sent_ns, const float *rtt_ms, int64_t frames, int64_t from, int64_t to,
                                  double median_rtt) {
    double worst = -1;
    for (int64_t q = 0; q < frames; q++) {
        int64_t t = sent_ns[q];
        if (rtt_ms[q] < 0 || t < from || t > to) continue;
        if (rtt_ms[q] > worst) worst = rtt_ms[q];
    }
    if (worst < 0) return -1;
    return worst - median_rtt > 0 ? worst - median_rtt : 0;
}

/* Values collected for one group of switches (a mode, a trigger, or all). */
typedef struct {
    double *held, *extra, *prep, *at, *control, *first, *after;
    int nh, ne, np, na, nc, nf, count;
} switch_group;

static inline void switch_group_init(switch_group *g, int total) {
    memset(g, 0, sizeof *g);
    size_t n = sizeof(double) * (size_t)(total + 1);
    g->held = malloc(n), g->extra = malloc(n), g->prep = malloc(n), g->at = malloc(n), g->control = malloc(n);
    g->first = malloc(n), g->after = malloc(n);
}

static inline void switch_group_free(switch_group *g) {
    free(g->held), free(g->extra), free(g->prep), free(g->at), free(g->control), free(g->first), free(g->after);
}

static inline void switch_group_print(FILE *f, switch_group *g, int phases) {
    fprintf(f, "\"n\":%d,", g->count);
    switch_print_pct(f, "held_ms", g->held, g->nh);
    fputc(',', f);
    switch_print_pct(f, "extra_ms", g->extra, g->ne);
    fputc(',', f);
    switch_print_pct(f, "first_audio_ms", g->first, g->nf);
    if (!phases) return;
    fputc(',', f);
    switch_print_pct(f, "switch_after_ms", g->after, g->count);
    fputc(',', f);
    switch_print_pct(f, "extra_prep_ms", g->prep, g->np);
    fputc(',', f);
    switch_print_pct(f, "extra_switch_ms", g->at, g->na);
    fputc(',', f);
    switch_print_pct(f, "control_ms", g->control, g->nc);
}

/* Prints `,"KEY":{"NAME":{...},...}` for the groups that have switches. */
static inline void switch_print_groups(FILE *f, const char *key, const char *const *names, switch_group *groups,
                                       int count) {
    fprintf(f, ",\"%s\":{", key);
    for (int i = 0, first = 1; i < count; i++) {
        if (!groups[i].count) continue;
        fprintf(f, "%s\"%s\":{", first ? "" : ",", names[i]);
        switch_group_print(f, &groups[i], 1);
        fputc('}', f);
        first = 0;
    }
    fputc('}', f);
}

/* Prints `"KEY":{...}` for one kind (renewal or reconnect). sent_ns / rtt_ms hold each session's frames by frame
 * number (rtt < 0: no echo); `frames` per session; `median_rtt` of the whole run. Renewals add "by_mode",
 * "by_trigger" and the phase figures (see the top of this file). */
static inline void switch_print(FILE *f, const char *key, int renewal, switch_log *const *logs, int64_t *const *sent_ns,
                                float *const *rtt_ms, int sessions, int64_t frames, double median_rtt) {
    int total = 0;
    for (int i = 0; i < sessions; i++) total += logs[i]->n;
    switch_group all, mode[3], trig[SWITCH_TRIGGERS];
    switch_group_init(&all, total);
    for (int m = 0; m < 3; m++) switch_group_init(&mode[m], total);
    for (int t = 0; t < SWITCH_TRIGGERS; t++) switch_group_init(&trig[t], total);
    int begun = 0, unfinished = 0;
    for (int i = 0; i < sessions; i++) {
        const switch_log *s = logs[i];
        for (int k = 0; k < s->n; k++) {
            if (s->renewal[k] != renewal) continue;
            begun++;
            if (!s->end_ns[k]) {
                unfinished++;
                continue;
            }
            int64_t b = s->begin_ns[k], e = s->end_ns[k];
            int64_t next = k + 1 < s->n ? s->begin_ns[k + 1] : INT64_MAX;
            int64_t len = e - b + 2 * SWITCH_EDGE_NS, c0 = e + 100000000LL;
            double extra =
                switch_worst(sent_ns[i], rtt_ms[i], frames, b - SWITCH_EDGE_NS, e + SWITCH_EDGE_NS, median_rtt);
            double prep = switch_worst(sent_ns[i], rtt_ms[i], frames, b, e - SWITCH_EDGE_NS, median_rtt);
            double at = switch_worst(sent_ns[i], rtt_ms[i], frames, e - SWITCH_EDGE_NS, e + SWITCH_EDGE_NS, median_rtt);
            double control =
                c0 + len < next ? switch_worst(sent_ns[i], rtt_ms[i], frames, c0, c0 + len, median_rtt) : -1;
            double first = s->first_audio_ns[k] ? (double)(s->first_audio_ns[k] - b) / 1e6 : -1;
            switch_group *groups[3] = {&all, &mode[(int)s->mode[k]], &trig[(int)s->trigger[k]]};
            for (int g = 0; g < (renewal ? 3 : 1); g++) {
                switch_group *x = groups[g];
                x->after[x->count++] = (double)(e - b) / 1e6;
                x->held[x->nh++] = (double)s->held_ms[k];
                if (extra >= 0) x->extra[x->ne++] = extra;
                if (prep >= 0) x->prep[x->np++] = prep;
                if (at >= 0) x->at[x->na++] = at;
                if (control >= 0) x->control[x->nc++] = control;
                if (first >= 0) x->first[x->nf++] = first;
            }
        }
    }
    fprintf(f, "\"%s\":{\"begun\":%d,\"unfinished\":%d,", key, begun, unfinished);
    switch_group_print(f, &all, renewal);
    if (renewal) {
        static const char *const modes[3] = {"unknown", "make_before_break", "break_before_make"};
        switch_print_groups(f, "by_mode", modes, mode, 3);
        switch_print_groups(f, "by_trigger", switch_triggers, trig, SWITCH_TRIGGERS);
    }
    fputc('}', f);
    switch_group_free(&all);
    for (int m = 0; m < 3; m++) switch_group_free(&mode[m]);
    for (int t = 0; t < SWITCH_TRIGGERS; t++) switch_group_free(&trig[t]);
}

#endif
