/* jitter.c - the adaptive playout buffer (see jitter.h).
 *
 * A talkspurt's first frame is held for the target delay, then a playout clock runs at the line's rate: each
 * frame is played when the clock reaches it. The delay a frame actually waited (arrival to playout) is smoothed;
 * when it is more than the target by over a frame and the frame due is silent, that frame is skipped (the delay
 * shrinks by a frame; at most one per 10 frames, every other frame when over by more than 3 frames); when it is
 * less by over half a frame and the frame due is silent, 20 ms of silence is played before it (the delay grows by
 * a frame). A frame missing when due, with later ones waiting, is lost:
 * concealed. Nothing waiting at all stops the clock (the caller paused, or a packet is late): the next frame
 * starts a new hold, which is how a late burst grows the delay at once. */
#include "jitter.h"

#include <stdlib.h>
#include <string.h>

#define US_PER_BYTE 125 /* G.711 at 8 kHz: one byte per 125 us */
#define COOLDOWN 10     /* frames played between two adaptations */

void gw_jitter_init(gw_jitter *jb, uint32_t min_ms, uint32_t max_ms, int alaw) {
    memset(jb, 0, sizeof *jb);
    jb->min_ms = min_ms;
    jb->max_ms = max_ms < min_ms ? min_ms : max_ms;
    jb->alaw = alaw;
    jb->silence = alaw ? 0xD5 : 0xFF;
    jb->frame_bytes = 160;
    jb->target_ms = min_ms;
    jb->delay_ms = min_ms;
}

static void slot_clear(gw_jb_slot *s) {
    free(s->data);
    memset(s, 0, sizeof *s);
}

static uint32_t held(const gw_jitter *jb) {
    uint32_t n = 0;
    for (int i = 0; i < GW_JB_SLOTS; i++) n += jb->slot[i].used != 0;
    return n;
}

void gw_jitter_flush(gw_jitter *jb) {
    for (int i = 0; i < GW_JB_SLOTS; i++) slot_clear(&jb->slot[i]);
    jb->have_seq = jb->playing = jb->have_transit = 0;
    jb->conceal_run = 0;
}

void gw_jitter_free(gw_jitter *jb) { gw_jitter_flush(jb); }

/* The target delay for the jitter seen: three times the mean deviation, in whole frames, within the bounds. It
 * rises at once and falls one frame per half second, so that a calm spell inside a rough patch does not undo it. */
static void update_target(gw_jitter *jb, uint64_t now_us) {
    uint32_t frame_ms = (uint32_t)(jb->frame_bytes / 8);
    if (frame_ms == 0) frame_ms = 20;
    double want = 3.0 * jb->jitter_ms;
    uint32_t t = (uint32_t)((want + frame_ms - 1) / frame_ms) * frame_ms;
    if (t < jb->min_ms) t = jb->min_ms;
    if (t > jb->max_ms) t = jb->max_ms;
    if (t > jb->target_ms) {
        jb->target_ms = t;
        jb->target_changed_us = now_us;
    } else if (t < jb->target_ms && now_us - jb->target_changed_us >= 500000) {
        jb->target_ms = jb->target_ms - frame_ms < t ? t : jb->target_ms - frame_ms;
        jb->target_changed_us = now_us;
    }
}

int gw_jitter_put(gw_jitter *jb, uint16_t seq, uint32_t ts, const uint8_t *data, size_t size, uint64_t now_us) {
    if (!data || size == 0 || size > GW_JB_MAX_FRAME) return 1;
    /* RFC 3550 6.4.1: D = (R_i - R_j) - (S_i - S_j) between packets in order, in microseconds (the timestamp
     * difference taken as signed 32 bits, so a wrap is no jump). A gap over 10 s is a new talkspurt, not jitter. */
    if (jb->have_transit && (int16_t)(seq - jb->high_seq) > 0) {
        int64_t d = (int64_t)(now_us - jb->last_arrival_us) - (int64_t)(int32_t)(ts - jb->last_ts) * US_PER_BYTE;
        if (d < 0) d = -d;
        if (d < 10 * 1000 * 1000) jb->jitter_ms += ((double)d / 1000.0 - jb->jitter_ms) / 16.0;
    }
    if (!jb->have_transit || (int16_t)(seq - jb->high_seq) > 0) {
        jb->have_transit = 1;
        jb->last_arrival_us = now_us;
        jb->last_ts = ts;
    }
    jb->frame_bytes = size;
    update_target(jb, now_us);
    if (!jb->have_seq) {
        jb->have_seq = 1;
        jb->play_seq = jb->high_seq = seq;
        jb->playing = 0;
    }
    int16_t ahead = (int16_t)(seq - jb->play_seq);
    uint32_t count = held(jb);
    if (ahead < 0 && !(count == 0 && !jb->playing && ahead < -GW_JB_SLOTS)) {
        jb->n.late++;
        return 1;
    }
    if (ahead < 0 || ahead >= GW_JB_SLOTS) {
        /* The stream jumped (or the buffer fell far behind): start over from this packet. */
        for (int i = 0; i < GW_JB_SLOTS; i++) slot_clear(&jb->slot[i]);
        jb->n.restarts++;
        jb->play_seq = jb->high_seq = seq;
        jb->playing = 0;
        count = 0;
    }
    gw_jb_slot *s = &jb->slot[seq % GW_JB_SLOTS];
    if (s->used && s->seq == seq) {
        jb->n.dups++;
        return 1;
    }
    slot_clear(s);
    s->data = malloc(size);
    if (!s->data) return 1;
    memcpy(s->data, data, size);
    s->size = size;
    s->seq = seq;
    s->arrival_us = now_us;
    s->used = 1;
    jb->n.put++;
    if ((int16_t)(seq - jb->high_seq) > 0) jb->high_seq = seq;
    if (!jb->playing && count == 0) jb->hold_since_us = now_us;
    return 0;
}

/* Silent: every sample below about -30 dBFS (G.711 segment 0-2; mu-law is stored inverted, A-law XOR 0x55). */
static int is_silent(const gw_jitter *jb, const uint8_t *d, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint8_t v = jb->alaw ? (uint8_t)(d[i] ^ 0x55) : (uint8_t)~d[i];
        if (((v >> 4) & 7) >= 3) return 0;
    }
    return 1;
}

static size_t fill(gw_jitter *jb, uint8_t *out, size_t size, int copy_last) {
    if (size == 0 || size > GW_JB_MAX_FRAME) size = 160;
    if (copy_last && jb->last_size == size)
        memcpy(out, jb->last, size);
    else
        memset(out, jb->silence, size);
    jb->played_us += size * US_PER_BYTE;
    return size;
}

uint64_t gw_jitter_next_due(const gw_jitter *jb) {
    if (!jb->have_seq || held(jb) == 0) return 0;
    if (!jb->playing) return jb->hold_since_us + (uint64_t)jb->target_ms * 1000;
    return jb->clock_us + jb->played_us;
}

size_t gw_jitter_get(gw_jitter *jb, uint64_t now_us, uint8_t *out, int *kind) {
    *kind = GW_JB_NONE;
    if (!jb->have_seq) return 0;
    if (!jb->playing) {
        if (held(jb) == 0 || now_us - jb->hold_since_us < (uint64_t)jb->target_ms * 1000) return 0;
        /* Start at the first frame held (packets lost before it are not concealed). */
        for (int i = 0; i < GW_JB_SLOTS && !jb->slot[jb->play_seq % GW_JB_SLOTS].used; i++) jb->play_seq++;
        /* The clock starts when the first frame fell due, not when it was asked for (at a tick or the next
         * arrival, up to a frame later): so each later frame falls due as the one after it arrives. */
        jb->playing = 1;
        jb->clock_us = jb->hold_since_us + (uint64_t)jb->target_ms * 1000;
        jb->played_us = 0;
    }
    if (now_us < jb->clock_us || jb->played_us > now_us - jb->clock_us) return 0;
    double frame_ms = (double)jb->frame_bytes / 8.0;
    for (;;) {
        gw_jb_slot *s = &jb->slot[jb->play_seq % GW_JB_SLOTS];
        if (s->used && s->seq == jb->play_seq) {
            int silent = is_silent(jb, s->data, s->size);
            jb->since_adapt++;
            /* Far too deep (a burst after a stall): skip every other silent frame; else one per cooldown. */
            uint32_t cool = jb->delay_ms > jb->target_ms + 3 * frame_ms ? 1 : COOLDOWN;
            if (silent && jb->since_adapt > cool && jb->delay_ms > jb->target_ms + frame_ms && held(jb) >= 2) {
                /* Too deep: this silent frame is dropped and the next plays in its place. */
                slot_clear(s);
                jb->play_seq++;
                jb->n.skipped++;
                jb->delay_ms -= frame_ms;
                jb->since_adapt = 0;
                continue;
            }
            if (silent && jb->since_adapt > COOLDOWN && jb->delay_ms + frame_ms / 2 < jb->target_ms) {
                /* Too shallow: a frame of silence first; this frame waits one more. */
                jb->n.stretched++;
                jb->delay_ms += frame_ms;
                jb->since_adapt = 0;
                *kind = GW_JB_STRETCH;
                return fill(jb, out, s->size, 0);
            }
            memcpy(out, s->data, s->size);
            size_t n = s->size;
            double waited = (double)(now_us - s->arrival_us) / 1000.0;
            jb->delay_ms += (waited - jb->delay_ms) / 8.0;
            memcpy(jb->last, s->data, n);
            jb->last_size = n;
            jb->conceal_run = 0;
            slot_clear(s);
            jb->play_seq++;
            jb->played_us += n * US_PER_BYTE;
            *kind = GW_JB_FRAME;
            return n;
        }
        if (held(jb) > 0) {
            /* Lost (later frames are here): the last frame once, then silence. */
            jb->play_seq++;
            jb->n.lost++;
            *kind = GW_JB_CONCEAL;
            return fill(jb, out, jb->last_size ? jb->last_size : jb->frame_bytes, jb->conceal_run++ == 0);
        }
        /* Nothing waiting: the caller paused or the next packet is late. The clock stops; the next packet is
         * held for the target again. */
        jb->playing = 0;
        jb->n.underflows++;
        return 0;
    }
}
