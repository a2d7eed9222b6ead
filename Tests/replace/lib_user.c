/* A program that keeps using libazaudio while its library file is replaced (scripts/test-lib-replace.sh): it
 * works in a loop (resampling, G.711, clients, result strings: code spread over the library's pages), prints
 * "ready" after the first round, and after a line on stdin works 200 more rounds and exits 0. If the file it has
 * mapped were rewritten in place, it would die with SIGBUS or SIGSEGV, or run the new bytes. */
#include "azaudio.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int work(void) {
    int16_t in[480], out[4096];
    uint8_t codes[480];
    for (int i = 0; i < 480; i++) in[i] = (int16_t)(i * 67);
    azaudio_resampler *r = NULL;
    if (azaudio_resampler_create(8000, 24000, &r) != AZAUDIO_OK) return 1;
    size_t written = 0;
    azaudio_result rc = azaudio_resampler_process(r, in, 480, out, sizeof out / sizeof out[0], &written);
    azaudio_resampler_destroy(r);
    if (rc != AZAUDIO_OK || written == 0) return 1;
    if (azaudio_g711_ulaw_encode(in, 480, codes) != AZAUDIO_OK) return 1;
    if (azaudio_g711_ulaw_decode(codes, 480, out) != AZAUDIO_OK) return 1;
    azaudio_client_options o;
    azaudio_client_options_init(&o);
    o.endpoint = "http://127.0.0.1:9";
    o.api_key = "k";
    azaudio_client *c = NULL;
    if (azaudio_client_create(&o, &c) != AZAUDIO_OK) return 1;
    azaudio_client_destroy(c);
    return strlen(azaudio_result_string(AZAUDIO_ERR_TIMEOUT)) == 0 || azaudio_version_number() == 0;
}

int main(void) {
    if (work()) return 2;
    printf("ready\n");
    fflush(stdout);
    struct pollfd p = {.fd = 0, .events = POLLIN};
    while (poll(&p, 1, 0) == 0)
        if (work()) return 3;
    for (int i = 0; i < 200; i++)
        if (work()) return 4;
    printf("survived\n");
    return 0;
}
