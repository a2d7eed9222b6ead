/* config.h - the gateway's command line: what to listen on, which deployment to call, limits. */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H

#include <stdint.h>

typedef struct gw_config {
    char sip_host[64];
    uint16_t sip_port;
    uint16_t rtp_min, rtp_max; /* RTP port range (even ports for RTP) */
    const char *deployment;
    char *instructions; /* owned: the text or the contents of @FILE */
    const char *voice;
    const char *tool_choice;           /* --tool-choice auto|none|required, or NULL */
    char *tools_json;                  /* owned: contents of --tools FILE (a JSON array), or NULL */
    int tools_hang_up, tools_transfer; /* the tools file defines hang_up / transfer */
    uint32_t max_calls;
    const char *register_uri, *user, *password;
    char http_host[64]; /* status endpoint; http_port 0: none */
    uint16_t http_port;
    uint32_t jitter_min_ms, jitter_max_ms; /* bounds of the adaptive playout delay */
    int dtmf_items;                        /* 1: digits become conversation items (default) */
    uint32_t reconnect_attempts;           /* the library's reconnect_max_attempts (default 5; 0: off) */
    uint32_t renewal_margin_ms;            /* the library's renewal_margin_ms; UINT32_MAX: its default */
    const char *call_uri;                  /* --call: a call to place at start-up, or NULL */
    int rtp_latch;                         /* 1: send RTP where the caller's comes from (default) */
} gw_config;

/* Parses argv into *cfg. Returns 0 on success; on a bad flag or file prints a message naming it to stderr and
 * returns the exit code to use (2: usage, 1: unreadable file). --help prints the usage and returns -1. */
int gw_config_parse(gw_config *cfg, int argc, char **argv);
void gw_config_free(gw_config *cfg);
void gw_config_usage(const char *argv0);

#endif
