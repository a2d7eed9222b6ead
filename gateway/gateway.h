/* gateway.h - the gateway's shared state: one SIP stack and one libre loop, the client shared by every call's
 * realtime session, the list of calls and the counters the status endpoint reports. Everything here is touched
 * only on the libre loop's thread. */
#ifndef GW_GATEWAY_H
#define GW_GATEWAY_H

#include <azaudio.h>
#include <re.h>

#include "config.h"

typedef struct gw_counters {
    uint64_t calls_total, calls_answered, calls_failed, calls_placed;
    uint64_t rejected_busy, rejected_codec, rejected_service;
    uint64_t rtp_in, rtp_out, rtp_foreign, rtp_dropped_busy, rtp_concealed;
    uint64_t digits, barge_ins, replies;
} gw_counters;

typedef struct gw {
    gw_config *cfg;
    azaudio_client *client;
    struct dnsc *dnsc;
    struct sip *sip;
    struct sipsess_sock *sess_sock;
    struct sip_lsnr *lsnr;
    struct sipreg *reg;
    struct http_sock *http; /* the status endpoint, or NULL */
    struct sa media_ip;     /* the address for RTP and SDP c= lines */
    struct list calls;      /* gw_call */
    uint32_t next_call_id;
    uint64_t started_us;
    gw_counters n;
    int stopping;
} gw;

/* sip_server.c */
int gw_sip_start(gw *g);
void gw_sip_stop(gw *g);

/* connector.c: starts opening a call's realtime session (asynchronously, watched by the loop); the outcome comes
 * back as gw_call_connected(). 0, or -1 (logged) when it could not start. */
struct gw_call;
int gw_connect_start(gw *g, struct gw_call *call, int audio_format);

/* status_http.c */
int gw_status_start(gw *g);

uint32_t gw_active_calls(const gw *g);

#endif
