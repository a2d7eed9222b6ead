/* media.c - the call's RTP. In: packets from the caller's address go to the jitter buffer (G.711) or the digit
 * decoder (RFC 4733); the 20 ms clock drains the buffer at the line's rate into the realtime session, filling
 * lost packets with the last frame once and then silence. Out: one 20 ms frame of reply (or silence) per tick,
 * timestamps +160 per frame, and the library told how much of the reply item has left on the wire. */
#include <string.h>

#include "call.h"

#define MAX_CATCH_UP 5   /* ticks sent back to back after the loop stalled; beyond that the clock restarts */
#define MAX_CONCEAL 5    /* lost frames filled in one gap; a longer gap is a new talkspurt */
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
    /* A new source (the caller's phone changed stream, e.g. after a transfer or re-INVITE): its sequence numbers
     * have nothing to do with the old one's, so start the buffer afresh. */
    if (call->rx_have_ssrc && hdr->ssrc != call->rx_ssrc) {
        jbuf_flush(call->jb);
        call->rx_started = 0;
    }
    call->rx_have_ssrc = 1;
    call->rx_ssrc = hdr->ssrc;
    (void)jbuf_put(call->jb, hdr, mb); /* holds a reference to mb; duplicates and late packets are refused */
}

static void send_caller_audio(gw_call *call, const uint8_t *data, size_t size) {
    if (!call->rt) return;
    azaudio_result rc = azaudio_realtime_send_audio(call->rt, data, size);
    if (rc == AZAUDIO_ERR_BUSY) {
        call->dropped_busy++;
        call->g->n.rtp_dropped_busy++;
    }
}

/* Fills a gap of `lost` frames before the packet just taken: the last frame once, then silence. */
static void conceal(gw_call *call, uint16_t lost) {
    uint8_t fill[GW_FRAME_BYTES];
    for (uint16_t i = 0; i < lost; i++) {
        if (i == 0 && call->rx_last_size == GW_FRAME_BYTES)
            memcpy(fill, call->rx_last, sizeof fill);
        else
            memset(fill, call->silence, sizeof fill);
        send_caller_audio(call, fill, sizeof fill);
        call->rx_forwarded_ms += GW_FRAME_MS;
        call->concealed++;
        call->g->n.rtp_concealed++;
    }
}

/* Moves caller audio from the jitter buffer to the session, as much as the line's clock says has been spoken. */
static void drain_caller(gw_call *call, uint64_t now_us) {
    for (;;) {
        if (call->rx_started && call->rx_forwarded_ms * 1000 > now_us - call->rx_first_us) return;
        struct rtp_header hdr;
        void *mem = NULL;
        int err = jbuf_get(call->jb, &hdr, &mem);
        if (err && err != EAGAIN) {
            /* Empty: the caller paused (or the buffer is refilling); restart the clock at the next packet. */
            if (call->rx_started && call->rx_forwarded_ms * 1000 + 100000 < now_us - call->rx_first_us)
                call->rx_started = 0;
            return;
        }
        struct mbuf *mb = mem;
        size_t n = mbuf_get_left(mb);
        if (!call->rx_started) {
            call->rx_started = 1;
            call->rx_first_us = now_us;
            call->rx_forwarded_ms = 0;
        } else {
            uint16_t gap = (uint16_t)(hdr.seq - call->rx_next_seq);
            if (gap > 0 && gap <= MAX_CONCEAL) conceal(call, gap);
        }
        call->rx_next_seq = (uint16_t)(hdr.seq + 1);
        send_caller_audio(call, mbuf_buf(mb), n);
        call->rx_forwarded_ms += n / 8;
        call->rx_last_size = n < sizeof call->rx_last ? n : sizeof call->rx_last;
        memcpy(call->rx_last, mbuf_buf(mb), call->rx_last_size);
        mem_deref(mb);
    }
}

/* One 20 ms frame to the caller: reply audio if any is queued, else silence, so the stream keeps its clock. */
static void send_frame(gw_call *call) {
    uint8_t frame[GW_FRAME_BYTES];
    size_t took = gw_playout_frame(&call->out, frame, sizeof frame, call->silence);
    if (took && call->rt && call->out.playing[0])
        (void)azaudio_realtime_audio_played(call->rt, call->out.playing, call->out.played_ms);
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
    gw_agent_poll(call);
    if (call->ended) return;
    drain_caller(call, now);
    int sent = 0;
    while (call->next_tick_us <= now && sent < MAX_CATCH_UP) {
        send_frame(call);
        call->next_tick_us += GW_FRAME_MS * 1000;
        sent++;
    }
    if (call->next_tick_us <= now) call->next_tick_us = now + GW_FRAME_MS * 1000; /* stalled: restart the clock */
    if (call->hangup_at_us && now >= call->hangup_at_us) {
        gw_call_end(call, "agent_hang_up");
        return;
    }
    uint64_t wait_ms = (call->next_tick_us - now + 999) / 1000;
    tmr_start(&call->tick, wait_ms, gw_media_tick, call);
}
