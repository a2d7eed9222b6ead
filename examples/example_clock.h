/* example_clock.h - shared by the examples that run at real-time pace (game_voice.c, phone_bridge.c): the
 * --speedup N option (or AZAUDIO_SPEEDUP=N) that runs their clock N times faster than real time, for tests. */
#ifndef AZAUDIO_EXAMPLE_CLOCK_H
#define AZAUDIO_EXAMPLE_CLOCK_H

#include <stdlib.h>
#include <string.h>

/* Removes "--speedup N" from argv and returns N (default AZAUDIO_SPEEDUP, else 1). */
static double parse_speedup(int *argc, char **argv) {
    double speedup = getenv("AZAUDIO_SPEEDUP") ? atof(getenv("AZAUDIO_SPEEDUP")) : 1.0;
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--speedup") == 0 && i + 1 < *argc)
            speedup = atof(argv[++i]);
        else
            argv[out++] = argv[i];
    }
    *argc = out;
    return speedup > 0 ? speedup : 1.0;
}

#endif
