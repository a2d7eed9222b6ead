/* startup: the start-up benchmark's C side. The process loads libazaudio (linked normally, so the dynamic loader
 * maps it before main), creates a client for AZURE_OPENAI_ENDPOINT / AZURE_OPENAI_API_KEY, destroys it and exits.
 * The harness times the whole process (fork to exit); this prints the in-process part (client create) in ms. */
#define _GNU_SOURCE
#include <azaudio.h>
#include <stdio.h>
#include <time.h>

int main(void) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fprintf(stderr, "startup: %s\n", azaudio_last_error());
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    azaudio_client_destroy(client);
    printf("{\"client_create_ms\":%.3f}\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    return 0;
}
