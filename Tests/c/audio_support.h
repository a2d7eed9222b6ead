/* Helpers shared by the audio kit's C tests (test_audio_*.c, through the public header only): a temporary directory,
 * a reproducible random number generator and the SNR of a sine. */
#ifndef AZAUDIO_AUDIO_SUPPORT_H
#define AZAUDIO_AUDIO_SUPPORT_H

#include "azaudio.h"
#include "check.h"
#include "trap_support.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#define PI 3.14159265358979323846

static char tmpdir[64];

static inline const char *tmp_path(const char *name) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static uint32_t rng_state = 12345;
static inline uint32_t rng(void) {
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}
/* SNR in dB of x[from..to) against a 1 kHz sine of `amplitude` sampled at `rate`. */
static inline double sine_snr(const int16_t *x, int from, int to, double amplitude, double rate) {
    double signal = 0, noise = 0;
    for (int i = from; i < to; i++) {
        double ideal = amplitude * sin(2 * PI * 1000 * i / rate);
        signal += ideal * ideal;
        noise += (x[i] - ideal) * (x[i] - ideal);
    }
    return 10 * log10(signal / noise);
}

/* Makes the temporary directory tmp_path() names files in; 0 on failure. */
static inline int audio_setup(void) {
    strcpy(tmpdir, "/tmp/azaudio-test-audio-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 0;
    }
    return 1;
}

static inline void audio_teardown(void) { rmdir(tmpdir); }

#endif
