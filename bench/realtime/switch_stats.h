/* Renewal and reconnect figures for bench_realtime (--session-max-ms, --reconnect): per session, when each switch
 * to a new session began (RENEWING / RECONNECTING) and ended (RENEWED / RECONNECTED, with the library's audio_ms:
 * how long input was held, or the outage), and when the first audio came back after it. Header-only.
 *
 * Figures, over every switch of every session:
 *  - held_ms: the library's own figure (RENEWED / RECONNECTED audio_ms);
 *  - extra_ms: the delay the switch added to caller audio, seen from the caller: the largest round trip of the
 *    frames handed over from 40 ms before the switch began to 40 ms after it ended, minus the median round trip
 *    of the whole run (frames whose echo never came, e.g. written to a connection that was reset, do not count);
 *  - first_audio_ms: from the switch's start to the first echoed audio after it ended. */
#ifndef AZAUDIO_BENCH_SWITCH_STATS_H
#define AZAUDIO_BENCH_SWITCH_STATS_H

#include <azaudio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SWITCH_MAX 512

typedef struct {
    int n;        /* switches begun */
    int renewals; /* of which renewals (the others are reconnects) */
    int64_t begin_ns[SWITCH_MAX], end_ns[SWITCH_MAX], first_audio_ns[SWITCH_MAX];
    int64_t held_ms[SWITCH_MAX];
    char renewal[SWITCH_MAX];
} switch_log;

/* Event thread: any event of the session. */
static inline void switch_on_event(switch_log *s, int32_t type, const azaudio_realtime_event *e, int64_t now) {
    if (type == AZAUDIO_EVENT_RENEWING || type == AZAUDIO_EVENT_RECONNECTING) {
        if (s->n > 0 && s->end_ns[s->n - 1] == 0 && type == AZAUDIO_EVENT_RECONNECTING) return; /* same outage */
        if (s->n >= SWITCH_MAX) return;
        s->begin_ns[s->n] = now;
        s->renewal[s->n] = type == AZAUDIO_EVENT_RENEWING;
        s->renewals += type == AZAUDIO_EVENT_RENEWING;
        s->n++;
    } else if ((type == AZAUDIO_EVENT_RENEWED || type == AZAUDIO_EVENT_RECONNECTED) && s->n > 0 &&
               s->end_ns[s->n - 1] == 0) {
        s->end_ns[s->n - 1] = now;
        s->held_ms[s->n - 1] = azaudio_realtime_event_audio_ms(e);
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

/* Prints `"switches":{...}` for one kind (renewal or reconnect). sent_ns / rtt_ms hold each session's frames by
 * frame number (rtt < 0: no echo); `frames` per session; `median_rtt` of the whole run. */
static inline void switch_print(FILE *f, const char *key, int renewal, switch_log *const *logs, int64_t *const *sent_ns,
                                float *const *rtt_ms, int sessions, int64_t frames, double median_rtt) {
    int total = 0;
    for (int i = 0; i < sessions; i++) total += logs[i]->n;
    double *held = malloc(sizeof(double) * (size_t)(total + 1)), *extra = malloc(sizeof(double) * (size_t)(total + 1)),
           *first = malloc(sizeof(double) * (size_t)(total + 1));
    int nh = 0, ne = 0, nf = 0, begun = 0, unfinished = 0;
    for (int i = 0; i < sessions; i++) {
        const switch_log *s = logs[i];
        for (int k = 0; k < s->n; k++) {
            if (s->renewal[k] != renewal) continue;
            begun++;
            if (!s->end_ns[k]) {
                unfinished++;
                continue;
            }
            held[nh++] = (double)s->held_ms[k];
            if (s->first_audio_ns[k]) first[nf++] = (double)(s->first_audio_ns[k] - s->begin_ns[k]) / 1e6;
            double worst = -1;
            for (int64_t q = 0; q < frames; q++) {
                int64_t t = sent_ns[i][q];
                if (rtt_ms[i][q] < 0 || t < s->begin_ns[k] - 40000000LL || t > s->end_ns[k] + 40000000LL) continue;
                if (rtt_ms[i][q] > worst) worst = rtt_ms[i][q];
            }
            if (worst >= 0) extra[ne++] = worst - median_rtt > 0 ? worst - median_rtt : 0;
        }
    }
    fprintf(f, "\"%s\":{\"begun\":%d,\"unfinished\":%d,", key, begun, unfinished);
    switch_print_pct(f, "held_ms", held, nh);
    fputc(',', f);
    switch_print_pct(f, "extra_ms", extra, ne);
    fputc(',', f);
    switch_print_pct(f, "first_audio_ms", first, nf);
    fputc('}', f);
    free(held);
    free(extra);
    free(first);
}

#endif
