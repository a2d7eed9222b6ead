/* call.h - one phone call: its SIP session, its SDP and RTP, the jitter buffer on the caller's audio, the reply
 * playout and the realtime session it talks to. All on the libre loop's thread. */
#ifndef GW_CALL_H
#define GW_CALL_H

#include "gateway.h"
#include "jitter.h"
#include "playout.h"

#define GW_FRAME_MS 20
#define GW_FRAME_BYTES 160 /* 20 ms of 8 kHz G.711 */

typedef struct gw_call {
    struct le le;
    gw *g;
    uint32_t id;
    char callid[128], from[128], to[128];
    struct sipsess *sess;
    struct sdp_session *sdp;
    struct sdp_media *media;
    struct rtp_sock *rtp;
    gw_jitter jb; /* the caller's audio (jitter.c) */
    struct tmr tick, reaper;
    struct tmr rx_due; /* the caller's next frame falls due */
    struct sa remote;  /* where RTP goes: the caller's SDP, then where its RTP comes from (latched) */
    int latched;       /* remote is the source the caller's RTP arrived from */
    int pt, telev_pt;  /* negotiated payload types (telev_pt -1: none) */
    int format;        /* the session's law: AZAUDIO_FORMAT_ULAW or _ALAW */
    int line_format;   /* the law on the wire; differs from format when the session opened before the codec was
                          chosen (a call the gateway placed, answered with PCMA): media.c converts */
    uint8_t silence;   /* 0xFF (mu-law) or 0xD5 (A-law) */
    int late_offer, answered, rejected, established, on_hold, ended;
    int outbound;   /* the gateway placed this call (outbound.c) */
    int connecting; /* the session's connect is in flight (connector.c) */
    azaudio_realtime_session *rt;
    int event_fd; /* the session's readiness descriptor, watched by the loop; -1: none */
    char session_id[64];
    gw_playout out;
    /* outgoing RTP */
    uint64_t start_us, next_tick_us;
    uint32_t ticks, ts;
    int marker;
    /* incoming RTP */
    int rx_have_ssrc;
    uint32_t rx_ssrc;
    uint64_t jb_logged_us;
    uint32_t jb_logged_target, jb_logged_delay;
    uint32_t last_digit_ts;
    int have_digit;
    /* the agent */
    int responding, response_wanted, hangup_after_reply;
    uint64_t hangup_at_us;
    uint64_t speech_stopped_us, first_delta_us;
    int turn_logged;
    /* counters for the call's log lines */
    uint32_t rtp_in, rtp_out, rtp_foreign, rtp_bad_pt, concealed, dropped_busy, digits, barge_ins, turns;
    uint32_t reconnects, renewals; /* the library moved the call to a new session (continuity) */
    char end_reason[96];
} gw_call;

/* sip_server.c makes calls; these run them. */
gw_call *gw_call_new(gw *g);                                 /* a call with no SIP side yet */
gw_call *gw_call_alloc(gw *g, const struct sip_msg *invite); /* a call from an INVITE */
int gw_call_media_open(gw_call *call);                       /* RTP socket, then media_init */
/* The SDP offered for RTP on rtp_port, without a socket (media_open's second half; the fuzz target
 * fuzz/gateway_media drives the SDP and RTP handling through it). */
int gw_call_media_init(gw_call *call, uint16_t rtp_port);
int gw_call_apply_sdp(gw_call *call); /* after an offer/answer: codec, remote, hold */
/* The session's connect finished: AZAUDIO_OK (answer or dial), or why it failed (refuse the call). */
void gw_call_connected(gw_call *call, azaudio_result rc, const char *error);
void gw_call_answered(gw_call *call);                /* the call is up: counted, logged, media started */
void gw_call_start_media(gw_call *call);             /* the 20 ms clock */
void gw_call_end(gw_call *call, const char *reason); /* BYE (if up), close the session, free: deferred */
void gw_call_digit(gw_call *call, int digit);

/* outbound.c: calls the gateway places (--call, POST /call). */
int gw_outbound_place(gw *g, const char *uri); /* 0, or an errno (EBUSY at --max-calls) */
void gw_outbound_connected(gw_call *call, azaudio_result rc, const char *error);

/* sip_server.c: sends the INVITE of a call the gateway places, with `offer` as its SDP. */
int gw_sip_dial(gw_call *call, struct mbuf *offer);

/* media.c */
void gw_media_rtp_recv(const struct sa *src, const struct rtp_header *hdr, struct mbuf *mb, void *arg);
void gw_media_tick(void *arg);

/* agent.c: the realtime session's events, taken when its readiness descriptor wakes the loop. */
int gw_agent_attach(gw_call *call, azaudio_realtime_session *rt); /* watch the session; 0 or an errno */
void gw_agent_unwatch(gw_call *call);                             /* stop watching (the call ended) */
void gw_agent_detach(gw_call *call);                              /* stop watching and destroy the session */
/* connector.c: CONNECTED or CONNECT_FAILED came (agent.c hands it over). */
void gw_connect_outcome(gw_call *call, const azaudio_realtime_event *e);

/* calllog.c: one structured line per call event on stdout. */
void gw_log(const gw_call *call, const char *event, const char *fmt, ...);
/* Copies text for a quoted log value or SIP header: double quotes become single ones, line breaks spaces. */
void gw_log_quote(const char *text, char *out, size_t size);

#endif
