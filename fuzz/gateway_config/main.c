/* libFuzzer target for the gateway's command line (issue 16): gw_config_parse over arbitrary argument vectors
 * (flags, HOST:PORT and [v6]:PORT values, ranges, numbers), and over the files --tools FILE and
 * --instructions @FILE name, whose contents come from the input too. Built by scripts/fuzz.sh with
 * gateway/config.c (fuzz/gateway_config/cflags), ASan+UBSan over it.
 *
 * Input: arguments separated by 0x00. The value after --tools, and a value starting with '@' after
 * --instructions, is taken as a file's contents: the harness writes it to a private file and passes that path. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define MAX_ARGS 64

static char dir[64];

static void remove_files(void) {
    char path[96];
    for (int k = 0; k < MAX_ARGS; k++) {
        snprintf(path, sizeof path, "%s/f%d", dir, k);
        unlink(path);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    strcpy(dir, "/tmp/azaudio-fuzz-gwcfg-XXXXXX");
    if (!mkdtemp(dir)) abort();
    atexit(remove_files);
    return 0;
}

/* Writes `n` bytes to a file in the private directory; returns its path (static storage for slot k). */
static const char *as_file(int k, const char *bytes, size_t n) {
    static char paths[MAX_ARGS][96];
    snprintf(paths[k], sizeof paths[k], "%s/f%d", dir, k);
    FILE *f = fopen(paths[k], "wb");
    if (!f) abort();
    fwrite(bytes, 1, n, f);
    fclose(f);
    return paths[k];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = 0;
    char *argv[MAX_ARGS + 2];
    char owned[MAX_ARGS + 2][128];
    int argc = 0;
    argv[argc++] = "azaudio-gateway";
    size_t at = 0;
    while (at <= size && argc < MAX_ARGS) {
        char *arg = copy + at;
        size_t len = strlen(arg);
        const char *prev = argc > 1 ? argv[argc - 1] : "";
        if (strcmp(prev, "--tools") == 0) {
            argv[argc] = (char *)as_file(argc, arg, len);
        } else if (strcmp(prev, "--instructions") == 0 && arg[0] == '@') {
            snprintf(owned[argc], sizeof owned[argc], "@%s", as_file(argc, arg + 1, len - 1));
            argv[argc] = owned[argc];
        } else {
            argv[argc] = arg;
        }
        argc++;
        at += len + 1;
    }
    argv[argc] = NULL;
    /* The parser names each bad flag on stderr: keep libFuzzer's log readable. */
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    gw_config cfg;
    int rc = gw_config_parse(&cfg, argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(null);
    if (rc == 0) {
        /* What the parser promises about an accepted command line. */
        if (!cfg.sip_port || !cfg.deployment || !*cfg.deployment || cfg.rtp_min >= cfg.rtp_max) abort();
        if (cfg.jitter_min_ms < 20 || cfg.jitter_max_ms < cfg.jitter_min_ms || cfg.jitter_max_ms > 1000) abort();
        if (cfg.max_calls < 1) abort();
        if (strlen(cfg.sip_host) >= sizeof cfg.sip_host || strlen(cfg.http_host) >= sizeof cfg.http_host) abort();
        if (cfg.register_uri && (!cfg.user || !cfg.password)) abort();
    }
    gw_config_free(&cfg);
    free(copy);
    return 0;
}
