/* media.c - the call's RTP. In: packets from the caller's address go to the adaptive playout buffer (jitter.c,
 * G.711) or the digit decoder (RFC 4733); what is due goes into the realtime session as it arrives and on every
 * tick (lost packets concealed there). Out: one 20 ms frame of reply (or silence) per tick of the call's clock,
 * timestamps +160 per frame, sent to where the caller's RTP comes from (symmetric RTP), and the library told how
 * much of the reply item has left on the wire. */
#include <string.h>

#include "call.h"

#define MAX_CATCH_UP 5   /* ticks sent back to back after the loop stalled; beyond that the clock restarts */
#define MAX_PAYLOAD 1600 /* 200 ms of G.711 */

/* RFC 4733: event, E bit + volume, duration. A new event has a new RTP timestamp; the key press goes to the model
 * on its first packet, retransmissions and the end packets are ignored. */
static void telephone_event(gw_call *call, const struct rtp_header *hdr, struct mbuf *mb) {
    if (mbuf_get_left(mb) < 4) return;
    const uint8_t *p = mbuf_buf(mb);
    if (call->have_digit && hdr->ts == call->last_digit_ts) return;
    call->have_digit = 1;
    call->last_digit_ts = hdr->ts;
    int digit = telev_code2digit(p[0]);
    if (digit > 0) gw_call_digit(call, digit);
}

static void drain_caller(gw_call *call, uint64_t now_us);

/* A-law <-> mu-law for a line whose law is not the session's (call.h: line_format): through 16-bit linear with the
 * library's G.711 codecs, once, into two tables. */
static uint8_t alaw_to_ulaw[256], ulaw_to_alaw[256];

static void convert_law(gw_call *call, uint8_t *p, size_t n, int to_line) {
    static int ready;
    if (!ready) {
        uint8_t codes[256];
        int16_t pcm[256];
        for (int i = 0; i < 256; i++) codes[i] = (uint8_t)i;
        (void)azaudio_g711_alaw_decode(codes, 256, pcm);
        (void)azaudio_g711_ulaw_encode(pcm, 256, alaw_to_ulaw);
        (void)azaudio_g711_ulaw_decode(codes, 256, pcm);
        (void)azaudio_g711_alaw_encode(pcm, 256, ulaw_to_alaw);
        ready = 1;
    }
    int from_alaw = to_line ? call->format == AZAUDIO_FORMAT_ALAW : call->line_format == AZAUDIO_FORMAT_ALAW;
    const uint8_t *table = from_alaw ? alaw_to_ulaw : ulaw_to_alaw;
    for (size_t i = 0; i < n; i++) p[i] = table[p[i]];
}

void gw_media_rtp_recv(const struct sa *src, const struct rtp_header *hdr, struct mbuf *mb, void *arg) {
    gw_call *call = arg;
    if (call->ended) return;
    /* Only the address the caller's SDP named may send (any port: symmetric-RTP peers and NATs change it). */
    if (!sa_cmp(src, &call->remote, SA_ADDR)) {
        call->rtp_foreign++;
        call->g->n.rtp_foreign++;
        return;
    }
    call->rtp_in++;
    call->g->n.rtp_in++;
    if ((int)hdr->pt == call->telev_pt) {
        telephone_event(call, hdr, mb);
        return;
    }
    size_t n = mbuf_get_left(mb);
    if ((int)hdr->pt != call->pt || n == 0 || n > MAX_PAYLOAD) {
        call->rtp_bad_pt++;
        return;
    }
    /* Symmetric RTP (RFC 4961): the reply goes where the caller's RTP comes from, once it has been seen, which is
     * where a phone behind a NAT or with a separate send socket can hear it. Latched on the first audio packet and
     * again when a new audio source (SSRC) starts (digits may come from elsewhere). */
    if (call->g->cfg->rtp_latch && (!call->latched || (call->rx_have_ssrc && hdr->ssrc != call->rx_ssrc))) {
        if (!sa_cmp(src, &call->remote, SA_ALL)) gw_log(call, "rtp_latched", "from=%J sdp=%J", src, &call->remote);
        call->remote = *src;
        call->latched = 1;
    }
    /* A new source (the caller's phone changed stream, e.g. after a transfer or re-INVITE): its sequence numbers
     * have nothing to do with the old one's, so start the buffer afresh. */
    if (call->rx_have_ssrc && hdr->ssrc != call->rx_ssrc) gw_jitter_flush(&call->jb);
    call->rx_have_ssrc = 1;
    call->rx_ssrc = hdr->ssrc;
    uint64_t now = azaudio_monotonic_us();
    if (call->line_format != call->format) convert_law(call, mbuf_buf(mb), n, 0); /* into the session's law */
    /* Late and duplicate packets are refused. */
    (void)gw_jitter_put(&call->jb, hdr->seq, hdr->ts, mbuf_buf(mb), n, now);
    drain_caller(call, now); /* a frame due now goes at once, not at the next tick */
}

static void send_caller_audio(gw_call *call, const uint8_t *data, size_t size) {
    if (!call->rt) return;
    azaudio_result rc = azaudio_realtime_send_audio(call->rt, data, size);
    if (rc == AZAUDIO_ERR_BUSY) {
        call->dropped_busy++;
        call->g->n.rtp_dropped_busy++;
    }
}

/* A log line when the playout target or the delay moved by a frame or more, at most once a second. */
static void log_jitter(gw_call *call, uint64_t now_us) {
    const gw_jitter *jb = &call->jb;
    uint32_t delay = jb->delay_ms > 0 ? (uint32_t)(jb->delay_ms + 0.5) : 0;
    int moved = jb->target_ms != call->jb_logged_target ||
                (delay > call->jb_logged_delay ? delay - call->jb_logged_delay : call->jb_logged_delay - delay) >= 20;
    if (!moved || now_us - call->jb_logged_us < 1000000) return;
    call->jb_logged_us = now_us;
    call->jb_logged_target = jb->target_ms;
    call->jb_logged_delay = delay;
    gw_log(call, "jitter", "jitter_ms=%.1f target_ms=%u delay_ms=%u skipped=%u stretched=%u underflows=%u lost=%u",
           jb->jitter_ms, jb->target_ms, delay, jb->n.skipped, jb->n.stretched, jb->n.underflows, jb->n.lost);
}

static void rx_due(void *arg) {
    gw_call *call = arg;
    if (!call->ended) drain_caller(call, azaudio_monotonic_us());
}

/* Moves caller audio that is due from the playout buffer to the session, and wakes up again when the next frame
 * falls due (not at the next 20 ms tick, whose phase has nothing to do with the caller's packets). */
static void drain_caller(gw_call *call, uint64_t now_us) {
    uint8_t frame[GW_JB_MAX_FRAME];
    int kind = GW_JB_NONE;
    size_t n;
    while ((n = gw_jitter_get(&call->jb, now_us, frame, &kind)) > 0) {
        send_caller_audio(call, frame, n);
        if (kind == GW_JB_CONCEAL) {
            call->concealed++;
            call->g->n.rtp_concealed++;
        }
    }
    log_jitter(call, now_us);
    uint64_t due = gw_jitter_next_due(&call->jb);
    if (due)
        tmr_start(&call->rx_due, due > now_us ? (due - now_us + 999) / 1000 : 1, rx_due, call);
    else
        tmr_cancel(&call->rx_due);
}

/* One 20 ms frame to the caller: reply audio if any is queued, else silence, so the stream keeps its clock. */
static void send_frame(gw_call *call) {
    uint8_t frame[GW_FRAME_BYTES];
    size_t took = gw_playout_frame(&call->out, frame, sizeof frame, call->silence);
    if (took && call->rt && call->out.playing[0])
        (void)azaudio_realtime_audio_played(call->rt, call->out.playing, call->out.played_ms);
    if (call->line_format != call->format) convert_law(call, frame, sizeof frame, 1);
    if (!call->on_hold && sa_isset(&call->remote, SA_ALL)) {
        struct mbuf *mb = mbuf_alloc(RTP_HEADER_SIZE + sizeof frame);
        if (mb) {
            mb->pos = RTP_HEADER_SIZE;
            (void)mbuf_write_mem(mb, frame, sizeof frame);
            mb->pos = RTP_HEADER_SIZE;
            if (rtp_send(call->rtp, &call->remote, false, call->marker, (uint8_t)call->pt, call->ts, mb) == 0) {
                call->rtp_out++;
                call->g->n.rtp_out++;
                call->marker = 0;
            }
            mem_deref(mb);
        }
    }
    if (took && call->speech_stopped_us && !call->turn_logged) {
        /* The turn's figures: caller stopped (the service's VAD) -> first reply audio -> first reply frame sent. */
        uint64_t now = azaudio_monotonic_us();
        call->turn_logged = 1;
        call->turns++;
        gw_log(call, "turn", "item=%s first_audio_ms=%llu on_wire_ms=%llu", call->out.playing,
               call->first_delta_us ? (unsigned long long)((call->first_delta_us - call->speech_stopped_us) / 1000)
                                    : 0ULL,
               (unsigned long long)((now - call->speech_stopped_us) / 1000));
    }
    call->ts += GW_FRAME_BYTES;
    call->ticks++;
}

void gw_media_tick(void *arg) {
    gw_call *call = arg;
    uint64_t now = azaudio_monotonic_us();
    if (call->ended) return;
    drain_caller(call, now);
    int sent = 0;
    while (call->next_tick_us <= now && sent < MAX_CATCH_UP) {
        send_frame(call);
        call->next_tick_us += GW_FRAME_MS * 1000;
        sent++;
    }
    if (call->next_tick_us <= now) call->next_tick_us = now + GW_FRAME_MS * 1000; /* stalled: restart the clock */
    /* After hang_up / transfer: end once the reply in progress has been played out. */
    if (call->hangup_after_reply && !call->hangup_at_us && !call->responding && call->out.queued == 0)
        call->hangup_at_us = now + 200000;
    if (call->hangup_at_us && now >= call->hangup_at_us) {
        gw_call_end(call, "agent_hang_up");
        return;
    }
    uint64_t wait_ms = (call->next_tick_us - now + 999) / 1000;
    tmr_start(&call->tick, wait_ms, gw_media_tick, call);
}
