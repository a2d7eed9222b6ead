/* Helpers shared by the speech-to-text C tests (test_rest_transcribe*.c, run under azaudio-emulator-run): options
 * for a deployment and a read callback that feeds memory in chunks. */
#ifndef AZAUDIO_TRANSCRIBE_SUPPORT_H
#define AZAUDIO_TRANSCRIBE_SUPPORT_H

#include "check.h"
#include "rest_support.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static inline azaudio_transcription_options stt(const char *deployment) {
    azaudio_transcription_options o;
    AZAUDIO_INIT(transcription_options, &o);
    o.deployment = deployment;
    return o;
}

/* What feed() reads from: `data` in pieces of at most `chunk` bytes, each after `delay_ms`. */
typedef struct {
    const unsigned char *data;
    size_t size, offset, chunk;
    int calls;
    int delay_ms;
} feeder;

static inline int64_t feed(uint8_t *buffer, size_t capacity, void *user) {
    feeder *f = user;
    f->calls++;
    if (f->delay_ms) usleep((useconds_t)f->delay_ms * 1000);
    size_t n = f->size - f->offset;
    if (n > capacity) n = capacity;
    if (n > f->chunk) n = f->chunk;
    memcpy(buffer, f->data + f->offset, n);
    f->offset += n;
    return (int64_t)n;
}

#endif
