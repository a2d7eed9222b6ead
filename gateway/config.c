/* config.c - parses the command line (see gw_config_usage) and reads the files it names. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_config_usage(const char *argv0) {
    fprintf(
        stderr,
        "usage: %s --sip-listen HOST:PORT --deployment NAME [--rtp-ports A-B] [--instructions TEXT|@FILE]\n"
        "       [--voice V] [--tools FILE.json] [--tool-choice auto|none|required] [--max-calls N] [--register URI "
        "--user U --password P]\n"
        "       [--http-listen HOST:PORT] [--jitter-ms MIN-MAX] [--no-dtmf-items] [--no-rtp-latch]\n"
        "       [--reconnect-attempts N] [--renewal-margin-ms MS] [--call SIP-URI]\n"
        "The endpoint and key come from AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN).\n",
        argv0);
}

static int bad(const char *flag, const char *value, const char *why) {
    fprintf(stderr, "azaudio-gateway: %s %s: %s\n", flag, value ? value : "", why);
    return 2;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out) {
    if (!s || !*s || !isdigit((unsigned char)*s)) return 0;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return 0;
    *out = (uint32_t)v;
    return 1;
}

/* HOST:PORT with a numeric port; [v6]:PORT accepted. */
static int parse_hostport(const char *s, char *host, size_t host_size, uint16_t *port) {
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s) return 0;
    size_t n = (size_t)(colon - s);
    const char *h = s;
    if (*h == '[' && n >= 2 && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    if (n == 0 || n >= host_size) return 0;
    uint32_t p = 0;
    if (!parse_u32(colon + 1, 0, 65535, &p)) return 0;
    memcpy(host, h, n);
    host[n] = 0;
    *port = (uint16_t)p;
    return 1;
}

static int parse_range(const char *s, uint32_t lo, uint32_t hi, uint32_t *a, uint32_t *b) {
    char tmp[32];
    if (strlen(s) >= sizeof tmp) return 0;
    strcpy(tmp, s);
    char *dash = strchr(tmp, '-');
    if (!dash) return 0;
    *dash = 0;
    return parse_u32(tmp, lo, hi, a) && parse_u32(dash + 1, lo, hi, b) && *a <= *b;
}

/* Reads a whole file as a NUL-terminated string (at most 1 MiB). */
static char *read_file(const char *path, const char *flag, int *rc) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "azaudio-gateway: %s %s: %s\n", flag, path, strerror(errno));
        *rc = 1;
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap + 1);
    if (buf) n = fread(buf, 1, cap, f);
    int too_big = buf && n == cap && fgetc(f) != EOF;
    int failed = !buf || ferror(f) || too_big;
    fclose(f);
    if (failed) {
        fprintf(stderr, "azaudio-gateway: %s %s: %s\n", flag, path, too_big ? "larger than 1 MiB" : "cannot read");
        free(buf);
        *rc = 1;
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

/* A light check of the tools file: a JSON array whose text names each function. The library and the service
 * validate the definitions themselves; this catches the common mistakes at start-up. */
static int check_tools(gw_config *cfg, const char *path) {
    const char *p = cfg->tools_json;
    while (*p && isspace((unsigned char)*p)) p++;
    if (*p != '[') {
        fprintf(stderr, "azaudio-gateway: --tools %s: not a JSON array of function definitions\n", path);
        return 1;
    }
    cfg->tools_hang_up = strstr(p, "\"hang_up\"") != NULL;
    cfg->tools_transfer = strstr(p, "\"transfer\"") != NULL;
    return 0;
}

int gw_config_parse(gw_config *cfg, int argc, char **argv) {
    memset(cfg, 0, sizeof *cfg);
    cfg->rtp_min = 20000;
    cfg->rtp_max = 29999;
    cfg->max_calls = 100;
    cfg->jitter_min_ms = 20;
    cfg->jitter_max_ms = 200;
    cfg->reconnect_attempts = 5;
    cfg->renewal_margin_ms = UINT32_MAX;
    cfg->dtmf_items = 1;
    cfg->rtp_latch = 1;
    int have_sip = 0, rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) return -1;
        if (strcmp(flag, "--no-dtmf-items") == 0) {
            cfg->dtmf_items = 0;
            continue;
        }
        if (strcmp(flag, "--no-rtp-latch") == 0) {
            cfg->rtp_latch = 0;
            continue;
        }
        if (strncmp(flag, "--", 2) != 0) return bad(flag, NULL, "unexpected argument (flags start with --)");
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return bad(flag, NULL, "needs a value");
        i++;
        uint32_t a = 0, b = 0;
        if (strcmp(flag, "--sip-listen") == 0) {
            if (!parse_hostport(v, cfg->sip_host, sizeof cfg->sip_host, &cfg->sip_port) || cfg->sip_port == 0)
                return bad(flag, v, "expected HOST:PORT with a port 1..65535");
            have_sip = 1;
        } else if (strcmp(flag, "--http-listen") == 0) {
            if (!parse_hostport(v, cfg->http_host, sizeof cfg->http_host, &cfg->http_port) || cfg->http_port == 0)
                return bad(flag, v, "expected HOST:PORT with a port 1..65535");
        } else if (strcmp(flag, "--rtp-ports") == 0) {
            if (!parse_range(v, 1024, 65534, &a, &b) || b - a < 1)
                return bad(flag, v, "expected A-B, two ports 1024..65534 with A < B");
            cfg->rtp_min = (uint16_t)a;
            cfg->rtp_max = (uint16_t)b;
        } else if (strcmp(flag, "--jitter-ms") == 0) {
            if (!parse_range(v, 20, 1000, &a, &b)) return bad(flag, v, "expected MIN-MAX in ms, 20..1000");
            cfg->jitter_min_ms = a;
            cfg->jitter_max_ms = b;
        } else if (strcmp(flag, "--reconnect-attempts") == 0) {
            if (!parse_u32(v, 0, 100, &cfg->reconnect_attempts)) return bad(flag, v, "expected a number 0..100");
        } else if (strcmp(flag, "--renewal-margin-ms") == 0) {
            if (!parse_u32(v, 0, 86400000, &cfg->renewal_margin_ms))
                return bad(flag, v, "expected milliseconds 0..86400000 (0: no renewal)");
        } else if (strcmp(flag, "--call") == 0) {
            if (strncmp(v, "sip:", 4) != 0 || !v[4]) return bad(flag, v, "expected a SIP URI (sip:user@host:port)");
            cfg->call_uri = v;
        } else if (strcmp(flag, "--deployment") == 0) {
            if (!*v) return bad(flag, v, "must not be empty");
            cfg->deployment = v;
        } else if (strcmp(flag, "--instructions") == 0) {
            free(cfg->instructions);
            cfg->instructions = v[0] == '@' ? read_file(v + 1, flag, &rc) : strdup(v);
            if (!cfg->instructions) return rc ? rc : 1;
        } else if (strcmp(flag, "--voice") == 0) {
            cfg->voice = v;
        } else if (strcmp(flag, "--tools") == 0) {
            free(cfg->tools_json);
            cfg->tools_json = read_file(v, flag, &rc);
            if (!cfg->tools_json) return rc;
            if (check_tools(cfg, v)) return 1;
        } else if (strcmp(flag, "--tool-choice") == 0) {
            if (strcmp(v, "auto") != 0 && strcmp(v, "none") != 0 && strcmp(v, "required") != 0)
                return bad(flag, v, "expected auto, none or required");
            cfg->tool_choice = v;
        } else if (strcmp(flag, "--max-calls") == 0) {
            if (!parse_u32(v, 1, 100000, &cfg->max_calls)) return bad(flag, v, "expected a number 1..100000");
        } else if (strcmp(flag, "--register") == 0) {
            cfg->register_uri = v;
        } else if (strcmp(flag, "--user") == 0) {
            cfg->user = v;
        } else if (strcmp(flag, "--password") == 0) {
            cfg->password = v;
        } else {
            return bad(flag, NULL, "unknown flag (see --help)");
        }
    }
    if (!have_sip) return bad("--sip-listen", NULL, "is required");
    if (!cfg->deployment) return bad("--deployment", NULL, "is required");
    if (cfg->register_uri && (!cfg->user || !cfg->password))
        return bad("--register", cfg->register_uri, "needs --user and --password");
    return 0;
}

void gw_config_free(gw_config *cfg) {
    free(cfg->instructions);
    free(cfg->tools_json);
    cfg->instructions = cfg->tools_json = NULL;
}
