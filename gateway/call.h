/* call.h - one phone call: its SIP session, its SDP and RTP, the jitter buffer on the caller's audio, the reply
 * playout and the realtime session it talks to. All on the libre loop's thread. */
#ifndef GW_CALL_H
#define GW_CALL_H

#include "gateway.h"
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
    struct jbuf *jb;
    struct tmr tick, reaper;
    struct sa remote; /* where RTP goes, from the caller's SDP */
    int pt, telev_pt; /* negotiated payload types (telev_pt -1: none) */
    int format;       /* AZAUDIO_FORMAT_ULAW or _ALAW */
    uint8_t silence;  /* 0xFF (mu-law) or 0xD5 (A-law) */
    int late_offer, answered, rejected, established, on_hold, ended;
    struct gw_pending *pending; /* the connect in flight, or NULL */
    azaudio_realtime_session *rt;
    char session_id[64];
    gw_playout out;
    /* outgoing RTP */
    uint64_t start_us, next_tick_us;
    uint32_t ticks, ts;
    int marker;
    /* incoming RTP */
    int rx_started, rx_have_ssrc;
    uint32_t rx_ssrc;
    uint16_t rx_next_seq;
    uint64_t rx_first_us, rx_forwarded_ms;
    uint8_t rx_last[GW_FRAME_BYTES];
    size_t rx_last_size;
    uint32_t last_digit_ts;
    int have_digit;
    /* the agent */
    int responding, response_wanted, hangup_after_reply;
    uint64_t hangup_at_us;
    uint64_t speech_stopped_us, first_delta_us;
    int turn_logged;
    /* counters for the call's log lines */
    uint32_t rtp_in, rtp_out, rtp_foreign, rtp_bad_pt, concealed, dropped_busy, digits, barge_ins, turns;
    char end_reason[96];
    /* continuity.c */
    char history[2048]; /* the latest conversation, for the next session */
    uint32_t resumes;
    int resuming; /* the session closed: a new one is to be opened after this poll */
} gw_call;

/* sip_server.c makes calls; these run them. */
gw_call *gw_call_alloc(gw *g, const struct sip_msg *invite);
int gw_call_media_open(gw_call *call); /* RTP socket and jitter buffer */
/* The jitter buffer and the SDP offered for RTP on rtp_port, without a socket (media_open's second half; the
 * fuzz target fuzz/gateway_media drives the SDP and RTP handling through it). */
int gw_call_media_init(gw_call *call, uint16_t rtp_port);
int gw_call_apply_sdp(gw_call *call); /* after an offer/answer: codec, remote, hold */
void gw_call_connected(gw_call *call, azaudio_realtime_session *rt, azaudio_result rc, const char *error);
void gw_call_start_media(gw_call *call);             /* the 20 ms clock */
void gw_call_end(gw_call *call, const char *reason); /* BYE (if up), close the session, free: deferred */
void gw_call_digit(gw_call *call, int digit);

/* media.c */
void gw_media_rtp_recv(const struct sa *src, const struct rtp_header *hdr, struct mbuf *mb, void *arg);
void gw_media_tick(void *arg);

/* agent.c: the realtime session's events, pulled on every tick. */
void gw_agent_poll(gw_call *call);

/* continuity.c: a new session for a call whose session ended (expired or dropped). */
void gw_history_add(gw_call *call, const char *who, const char *text);
int gw_continuity_lost(gw_call *call, int close_code); /* 1: a new session will be opened */
void gw_continuity_reconnect(gw_call *call);
void gw_continuity_resumed(gw_call *call, azaudio_realtime_session *rt);

/* calllog.c: one structured line per call event on stdout. */
void gw_log(const gw_call *call, const char *event, const char *fmt, ...);

#endif
