/* call.c - a call's life: made from an INVITE, given an RTP port and a jitter buffer, its SDP negotiated (codec,
 * where to send, hold), answered once its realtime session is open (or refused with 503), and ended: BYE when
 * established, the session closed, one log line with the call's figures. */
#include <string.h>

#include "call.h"

static void call_destructor(void *arg) {
    gw_call *call = arg;
    tmr_cancel(&call->tick);
    tmr_cancel(&call->reaper);
    tmr_cancel(&call->rx_due);
    call->sess = mem_deref(call->sess); /* sends BYE if the call was up */
    call->rtp = mem_deref(call->rtp);
    gw_jitter_free(&call->jb);
    call->media = NULL;
    call->sdp = mem_deref(call->sdp);
    gw_agent_detach(call);
    gw_playout_flush(&call->out);
    list_unlink(&call->le);
}

static void pl_copy(char *dst, size_t size, const struct pl *pl) {
    if (pl && pl->p)
        (void)pl_strcpy(pl, dst, size);
    else if (size)
        dst[0] = 0;
}

gw_call *gw_call_new(gw *g) {
    gw_call *call = mem_zalloc(sizeof *call, call_destructor);
    if (!call) return NULL;
    call->g = g;
    call->id = ++g->next_call_id;
    call->format = AZAUDIO_FORMAT_ULAW;
    call->line_format = AZAUDIO_FORMAT_ULAW;
    call->silence = 0xFF;
    call->pt = 0;
    call->telev_pt = -1;
    call->event_fd = -1;
    gw_jitter_init(&call->jb, g->cfg->jitter_min_ms, g->cfg->jitter_max_ms, 0);
    tmr_init(&call->tick);
    tmr_init(&call->reaper);
    tmr_init(&call->rx_due);
    list_append(&g->calls, &call->le, call);
    return call;
}

gw_call *gw_call_alloc(gw *g, const struct sip_msg *invite) {
    gw_call *call = gw_call_new(g);
    if (!call) return NULL;
    pl_copy(call->callid, sizeof call->callid, &invite->callid);
    pl_copy(call->from, sizeof call->from, &invite->from.auri);
    pl_copy(call->to, sizeof call->to, &invite->to.auri);
    return call;
}

int gw_call_media_open(gw_call *call) {
    gw *g = call->g;
    int err = rtp_listen(&call->rtp, IPPROTO_UDP, &g->media_ip, g->cfg->rtp_min, g->cfg->rtp_max, false,
                         gw_media_rtp_recv, NULL, call);
    return err ? err : gw_call_media_init(call, sa_port(rtp_local(call->rtp)));
}

int gw_call_media_init(gw_call *call, uint16_t rtp_port) {
    gw *g = call->g;
    int err = sdp_session_alloc(&call->sdp, &g->media_ip);
    if (!err) err = sdp_media_add(&call->media, call->sdp, sdp_media_audio, rtp_port, sdp_proto_rtpavp);
    /* What the gateway takes: G.711 both laws (passed straight to a g711 session) and RFC 4733 digits. A call it
     * places offers both too: its session opened in mu-law before the answer, and an A-law line is converted. */
    if (!err) err = sdp_format_add(NULL, call->media, false, "0", "PCMU", 8000, 1, NULL, NULL, NULL, false, NULL);
    if (!err) err = sdp_format_add(NULL, call->media, false, "8", "PCMA", 8000, 1, NULL, NULL, NULL, false, NULL);
    if (!err)
        err = sdp_format_add(NULL, call->media, false, "101", telev_rtpfmt, 8000, 1, NULL, NULL, NULL, false, "0-15");
    if (!err) err = sdp_media_set_lattr(call->media, true, sdp_attr_ptime, "%u", GW_FRAME_MS);
    return err;
}

/* The first G.711 format of the remote list that both sides support (the caller's preference order). */
static const struct sdp_format *pick_codec(const struct sdp_media *m) {
    struct le *le;
    for (le = list_head(sdp_media_format_lst(m, false)); le; le = le->next) {
        const struct sdp_format *f = le->data;
        if (!f->sup || f->srate != 8000) continue;
        if (str_casecmp(f->name, "PCMU") == 0 || str_casecmp(f->name, "PCMA") == 0) return f;
    }
    return NULL;
}

int gw_call_apply_sdp(gw_call *call) {
    const struct sdp_format *f = pick_codec(call->media);
    if (!f || sdp_media_rport(call->media) == 0) return -1;
    int format = str_casecmp(f->name, "PCMA") == 0 ? AZAUDIO_FORMAT_ALAW : AZAUDIO_FORMAT_ULAW;
    if (call->answered && format != call->line_format) return -1; /* the line's law stays for the whole call */
    call->line_format = format;
    if (!call->rt) {
        /* No session yet: it will open in the line's law, and G.711 passes straight through. Once it is open its
         * law is fixed; a line in the other law (a late offer, a call placed) is converted in media.c. */
        call->format = format;
        call->silence = format == AZAUDIO_FORMAT_ALAW ? 0xD5 : 0xFF;
        call->jb.alaw = format == AZAUDIO_FORMAT_ALAW; /* the buffer holds the session's law */
        call->jb.silence = call->silence;
    }
    call->pt = f->pt;
    const struct sdp_format *te = sdp_media_rformat(call->media, telev_rtpfmt);
    call->telev_pt = te ? te->pt : -1;
    /* Where to send: what the SDP names, until the caller's RTP shows where it really comes from (media.c). A new
     * address in a re-offer is taken as the new one (and latched afresh). */
    if (!call->latched || !sa_cmp(sdp_media_raddr(call->media), &call->remote, SA_ADDR)) {
        call->remote = *sdp_media_raddr(call->media);
        call->latched = 0;
    }
    /* Hold: the caller sends sendonly / inactive (or the old c=0.0.0.0): stop sending until it resumes. */
    enum sdp_dir dir = sdp_media_dir(call->media);
    call->on_hold = !(dir & SDP_SENDONLY) || sa_is_any(&call->remote);
    return 0;
}

void gw_call_connected(gw_call *call, azaudio_result rc, const char *error) {
    gw *g = call->g;
    if (call->outbound) {
        gw_outbound_connected(call, rc, error);
        return;
    }
    if (rc != AZAUDIO_OK) {
        g->n.rejected_service++;
        char why[160];
        gw_log_quote(error, why, sizeof why);
        gw_log(call, "rejected", "status=503 result=%d reason=\"%s\"", (int)rc, why);
        (void)sipsess_reject(call->sess, 503, "Service Unavailable", "Warning: 399 azaudio-gateway \"%s\"\r\n", why);
        call->rejected = 1;
        gw_call_end(call, "service_refused");
        return;
    }
    struct mbuf *desc = NULL;
    /* An INVITE without SDP (late offer): the 200 carries the offer and the ACK the answer. */
    int err = sdp_encode(&desc, call->sdp, call->late_offer);
    if (!err)
        err =
            sipsess_answer(call->sess, 200, "OK", desc, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY\r\n");
    mem_deref(desc);
    if (err) {
        gw_log(call, "error", "what=answer err=\"%m\"", err);
        gw_call_end(call, "answer_failed");
        return;
    }
    gw_call_answered(call);
}

void gw_call_answered(gw_call *call) {
    call->answered = 1;
    call->g->n.calls_answered++;
    gw_log(call, "answered", "codec=%s pt=%d telev_pt=%d remote=%J",
           call->line_format == AZAUDIO_FORMAT_ALAW ? "PCMA" : "PCMU", call->pt, call->telev_pt, &call->remote);
    gw_call_start_media(call);
    /* A call the gateway placed: the agent speaks first. */
    if (call->outbound && call->rt) call->responding = azaudio_realtime_create_response(call->rt, NULL) == AZAUDIO_OK;
}

void gw_call_start_media(gw_call *call) {
    call->start_us = azaudio_monotonic_us();
    call->next_tick_us = call->start_us;
    call->ts = rand_u32();
    call->marker = 1;
    tmr_start(&call->tick, 0, gw_media_tick, call);
}

static void reap(void *arg) {
    gw_call *call = arg;
    /* An INVITE still unanswered (not cancelled, not refused yet) gets a final answer before the session goes. */
    if (call->sess && !call->answered && !call->rejected && strcmp(call->end_reason, "cancelled") != 0)
        (void)sipsess_reject(call->sess, 500, "Server Internal Error", "Warning: 399 azaudio-gateway \"%s\"\r\n",
                             call->end_reason);
    const gw_jb_stats *js = &call->jb.n;
    gw_log(call, "ended",
           "reason=%s duration_ms=%llu rtp_in=%u rtp_out=%u rtp_foreign=%u rtp_bad_pt=%u latched=%d jb_lost=%u "
           "jb_late=%u jb_dups=%u jb_skipped=%u jb_stretched=%u jb_underflows=%u jb_target_ms=%u jb_delay_ms=%.0f "
           "jitter_ms=%.1f concealed=%u dropped_busy=%u digits=%u barge_ins=%u turns=%u reconnects=%u renewals=%u",
           call->end_reason,
           call->start_us ? (unsigned long long)((azaudio_monotonic_us() - call->start_us) / 1000) : 0ULL, call->rtp_in,
           call->rtp_out, call->rtp_foreign, call->rtp_bad_pt, call->latched, js->lost, js->late, js->dups, js->skipped,
           js->stretched, js->underflows, call->jb.target_ms, call->jb.delay_ms, call->jb.jitter_ms, call->concealed,
           call->dropped_busy, call->digits, call->barge_ins, call->turns, call->reconnects, call->renewals);
    mem_deref(call);
}

void gw_call_end(gw_call *call, const char *reason) {
    if (call->ended) return;
    call->ended = 1;
    re_snprintf(call->end_reason, sizeof call->end_reason, "%s", reason);
    tmr_cancel(&call->tick);
    tmr_cancel(&call->rx_due);
    gw_agent_unwatch(call);
    /* Freed from the loop, not from inside the libre or library callback that ended it. */
    tmr_start(&call->reaper, 0, reap, call);
}

void gw_call_digit(gw_call *call, int digit) {
    call->digits++;
    call->g->n.digits++;
    gw_log(call, "digit", "digit=%c", digit);
    if (!call->rt || !call->g->cfg->dtmf_items) return;
    char text[64];
    re_snprintf(text, sizeof text, "The caller pressed %c.", digit);
    azaudio_result rc = azaudio_realtime_create_text_item(call->rt, "user", text);
    /* The model answers the key press; if it is answering already, as soon as that response is done. */
    if (rc == AZAUDIO_OK && call->responding)
        call->response_wanted = 1;
    else if (rc == AZAUDIO_OK)
        rc = azaudio_realtime_create_response(call->rt, NULL);
    if (rc != AZAUDIO_OK) gw_log(call, "error", "what=digit result=%d", (int)rc);
}

uint32_t gw_active_calls(const gw *g) {
    uint32_t n = 0;
    struct le *le;
    for (le = list_head(&g->calls); le; le = le->next) n += !((gw_call *)le->data)->ended;
    return n;
}
