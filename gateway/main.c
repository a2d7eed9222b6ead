/* azaudio-gateway - a SIP/RTP gateway to an Azure OpenAI realtime voice agent, on libazaudio's C API and libre.
 *
 *   AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_API_KEY=... azaudio-gateway --sip-listen 127.0.0.1:5060 \
 *       --deployment gpt-realtime [--rtp-ports 20000-29999] [--max-calls 100] ...
 *
 * One process, one libre loop for SIP, RTP and every call's 20 ms clock; the realtime sessions share the library's
 * I/O thread. Exit status: 0 after SIGINT/SIGTERM, 2 for a bad command line, 1 when it cannot start. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "call.h"

static gw the_gw;
static struct tmr stop_tmr;

static void stop_now(void *arg) {
    (void)arg;
    re_cancel();
}

/* libre runs this on the loop (it only notes the signal in the handler). First signal: BYE to every call and
 * 500 ms for the BYEs to leave; a second one stops at once. */
static void on_signal(int sig) {
    (void)sig;
    if (the_gw.stopping) {
        re_cancel();
        return;
    }
    the_gw.stopping = 1;
    the_gw.reg = mem_deref(the_gw.reg); /* unregisters (expires 0) while the loop still runs */
    struct le *le;
    for (le = list_head(&the_gw.calls); le; le = le->next) gw_call_end(le->data, "gateway_stopped");
    tmr_start(&stop_tmr, 500, stop_now, NULL);
}

static int fail(const char *what, int err) {
    re_fprintf(stderr, "azaudio-gateway: %s: %m\n", what, err);
    return 1;
}

int main(int argc, char **argv) {
    gw_config cfg;
    int rc = gw_config_parse(&cfg, argc, argv);
    if (rc != 0) {
        gw_config_usage(argv[0]);
        gw_config_free(&cfg);
        return rc < 0 ? 0 : rc;
    }
    gw *g = &the_gw;
    g->cfg = &cfg;
    g->started_us = azaudio_monotonic_us();
    if (azaudio_client_create_from_env(NULL, &g->client) != AZAUDIO_OK) {
        fprintf(stderr, "azaudio-gateway: %s\n", azaudio_last_error());
        gw_config_free(&cfg);
        return 1;
    }
    int err = libre_init();
    if (err) return fail("libre_init", err);
    rc = 1;
    if (gw_sip_start(g) != 0 || gw_status_start(g) != 0) goto out;
    printf("event=listening sip=%s:%u rtp=%u-%u deployment=%s max_calls=%u endpoint=%s\n", cfg.sip_host, cfg.sip_port,
           cfg.rtp_min, cfg.rtp_max, cfg.deployment, cfg.max_calls, azaudio_client_endpoint(g->client));
    fflush(stdout);
    if (cfg.call_uri && (err = gw_outbound_place(g, cfg.call_uri)) != 0)
        re_fprintf(stderr, "azaudio-gateway: --call %s: %m\n", cfg.call_uri, err);
    (void)re_main(on_signal);
    rc = 0;
out:
    tmr_cancel(&stop_tmr);
    while (list_head(&g->calls)) mem_deref(list_head(&g->calls)->data);
    g->http = mem_deref(g->http);
    gw_sip_stop(g);
    azaudio_client_destroy(g->client);
    libre_close();
    gw_config_free(&cfg);
    return rc;
}
