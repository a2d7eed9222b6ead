/* The cost of an empty poll in pull mode (issue: "no event yet" is a normal outcome): ns per call of
 * azaudio_realtime_poll_event(..., 0) (success with no event) against azaudio_realtime_next_event(..., 0) (the
 * AZAUDIO_ERR_TIMEOUT route), on one idle session. Run under azaudio-emulator-run (scripts/bench.sh --micro). */
#define _POSIX_C_SOURCE 200809L
#include "azaudio.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    azaudio_client *client = NULL;
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    o.turn_detection = AZAUDIO_TURN_NONE;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK ||
        azaudio_realtime_connect(client, &o, &s) != AZAUDIO_OK) {
        fprintf(stderr, "poll_cost: %s\n", azaudio_last_error());
        return 1;
    }
    azaudio_realtime_event *e = NULL;
    while (azaudio_realtime_next_event(s, &e, 200) == AZAUDIO_OK) azaudio_realtime_event_free(e); /* setup events */
    for (int round = 0; round < 3; round++) {
        double t0 = now();
        for (long i = 0; i < calls; i++) {
            azaudio_realtime_poll_event(s, &e, 0);
            if (e) azaudio_realtime_event_free(e);
        }
        double t1 = now();
        for (long i = 0; i < calls; i++)
            if (azaudio_realtime_next_event(s, &e, 0) == AZAUDIO_OK) azaudio_realtime_event_free(e);
        double t2 = now();
        printf("empty poll, %ld calls: poll_event %.0f ns/call, next_event (TIMEOUT) %.0f ns/call\n", calls,
               (t1 - t0) / (double)calls * 1e9, (t2 - t1) / (double)calls * 1e9);
    }
    azaudio_realtime_destroy(s);
    azaudio_client_destroy(client);
    return 0;
}
