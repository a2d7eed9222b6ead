#define _GNU_SOURCE
#include "clinux.h"

#include <pthread.h>
#include <string.h>

void clinux_set_thread_name(const char *name) {
    char short_name[16];
    strncpy(short_name, name, 15);
    short_name[15] = 0;
    pthread_setname_np(pthread_self(), short_name);
}
