/* libFuzzer target for the gateway's call input (issue 16), with no network: a caller's INVITE (libre's SIP
 * parser, then the gateway's call set-up from it), its SDP offer and a re-INVITE's (libre's SDP parser, then
 * gw_call_apply_sdp: codec choice, remote address, hold), and a stream of RTP packets (libre's RTP header
 * decoder, then gw_media_rtp_recv: address check, payload types, RFC 4733 digits, the jitter buffer) with 20 ms
 * ticks that drain the buffer (concealment, sequence gaps). The call has no RTP socket and no realtime session, so
 * nothing is sent anywhere. Built by scripts/fuzz.sh with the gateway's sources (fuzz/gateway_media/cflags),
 * ASan+UBSan over them.
 *
 * Input: [2-byte length][the INVITE, or a bare SDP body when it is not a SIP message][1 byte: re-INVITE?]
 * [2-byte length][re-INVITE SDP if so] then packets: [1 byte: bit 0 = from a foreign address, bit 1 = a tick after
 * it][2-byte length][RTP packet]... */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"

static gw g;
static gw_config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (libre_init() != 0) abort();
    /* gw_log writes a line per call event on stdout: keep libFuzzer's output readable. */
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 1);
    cfg.jitter_min_ms = 20;
    cfg.jitter_max_ms = 200;
    cfg.dtmf_items = 1;
    cfg.max_calls = 100;
    g.cfg = &cfg;
    if (sa_set_str(&g.media_ip, "127.0.0.1", 0) != 0) abort();
    return 0;
}

static size_t chunk(const uint8_t **p, size_t *n, const uint8_t **out) {
    if (*n < 2) {
        *out = *p;
        return 0;
    }
    size_t len = ((size_t)(*p)[0] << 8) | (*p)[1];
    *p += 2;
    *n -= 2;
    if (len > *n) len = *n;
    *out = *p;
    *p += len;
    *n -= len;
    return len;
}

static struct mbuf *bytes(const uint8_t *p, size_t n) {
    struct mbuf *mb = mbuf_alloc(n ? n : 1);
    if (!mb) abort();
    (void)mbuf_write_mem(mb, p, n);
    mb->pos = 0;
    return mb;
}

/* What offer_handler / invite_handler do with an SDP body; an answer is encoded as libre would send it. */
static void offer(gw_call *call, struct mbuf *body) {
    if (sdp_decode(call->sdp, body, true) != 0) return;
    if (gw_call_apply_sdp(call) != 0) return;
    struct mbuf *answer = NULL;
    if (sdp_encode(&answer, call->sdp, false) == 0) mem_deref(answer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *p = data, *c = NULL;
    size_t n = size;
    size_t len = chunk(&p, &n, &c);
    struct mbuf *first = bytes(c, len);
    struct sip_msg *msg = NULL;
    static const struct sip_msg empty;
    if (sip_msg_decode(&msg, first) != 0) msg = NULL;
    gw_call *call = gw_call_alloc(&g, msg ? msg : &empty);
    if (!call) abort();
    if (gw_call_media_init(call, 20000) != 0) abort();
    if (msg) {
        if (mbuf_get_left(msg->mb) > 0) offer(call, msg->mb);
    } else {
        first->pos = 0;
        offer(call, first);
    }
    call->answered = 1; /* as after the 200: the codec is now fixed for re-INVITEs */
    if (n > 0 && (*p++ & 1)) {
        n--;
        len = chunk(&p, &n, &c);
        struct mbuf *re = bytes(c, len);
        offer(call, re);
        mem_deref(re);
    } else if (n > 0) {
        n--;
    }
    struct sa foreign;
    sa_set_str(&foreign, "127.0.0.2", 4000);
    while (n > 0) {
        uint8_t how = *p++;
        n--;
        len = chunk(&p, &n, &c);
        struct mbuf *mb = bytes(c, len);
        struct rtp_header hdr;
        memset(&hdr, 0, sizeof hdr);
        if (rtp_hdr_decode(&hdr, mb) == 0) gw_media_rtp_recv((how & 1) ? &foreign : &call->remote, &hdr, mb, call);
        mem_deref(mb);
        if (how & 2) gw_media_tick(call);
    }
    if (!call->ended) gw_media_tick(call);
    gw_call_end(call, "fuzz");
    tmr_cancel(&call->reaper);
    mem_deref(call);
    mem_deref(msg);
    mem_deref(first);
    return 0;
}
