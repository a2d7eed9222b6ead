/* jitter.h - the adaptive playout buffer on the caller's RTP. libre 1.1's jbuf holds a fixed number of frames
 * (its depth cannot be read or steered), so the gateway keeps its own: frames by sequence number (reordering and
 * duplicates handled), a playout clock per talkspurt, RFC 3550 interarrival jitter, and a target delay derived
 * from it. The delay follows the target by skipping or inserting 20 ms of silence while the caller is silent; a
 * frame missing when due is concealed (the last frame once, then silence). Plain C, no libre: unit-testable. */
#ifndef GW_JITTER_H
#define GW_JITTER_H

#include <stddef.h>
#include <stdint.h>

#define GW_JB_SLOTS 64       /* frames held at most (1.28 s of 20 ms frames) */
#define GW_JB_MAX_FRAME 1600 /* bytes in one packet (200 ms of G.711) */

typedef struct gw_jb_slot {
    int used;
    uint16_t seq;
    uint64_t arrival_us;
    size_t size;
    uint8_t *data; /* malloc'd */
} gw_jb_slot;

typedef struct gw_jb_stats {
    uint32_t put, late, dups, lost, skipped, stretched, underflows, restarts;
} gw_jb_stats;

typedef struct gw_jitter {
    uint32_t min_ms, max_ms; /* bounds of the target delay */
    uint8_t silence;         /* 0xFF (mu-law) or 0xD5 (A-law) */
    int alaw;
    gw_jb_slot slot[GW_JB_SLOTS];
    int have_seq;      /* play_seq and high_seq are valid */
    uint16_t play_seq; /* the next frame to play */
    uint16_t high_seq; /* the highest sequence number seen */
    int playing;       /* the playout clock runs (else: holding the talkspurt's first frame for the target) */
    uint64_t hold_since_us, clock_us, played_us;
    uint8_t last[GW_JB_MAX_FRAME];
    size_t last_size, frame_bytes; /* the last frame played; the line's frame size */
    uint32_t conceal_run;          /* consecutive frames concealed */
    uint32_t since_adapt;          /* frames played since the last skip or inserted silence */
    /* RFC 3550 section 6.4.1: J += (|D| - J) / 16 over the transit time D of consecutive packets. */
    int have_transit;
    uint64_t last_arrival_us;
    uint32_t last_ts;
    double jitter_ms;
    uint32_t target_ms; /* the delay wanted now */
    uint64_t target_changed_us;
    double delay_ms; /* the delay frames actually waited (arrival to playout), smoothed */
    gw_jb_stats n;
} gw_jitter;

/* What gw_jitter_get() produced. */
enum { GW_JB_NONE = 0, GW_JB_FRAME, GW_JB_CONCEAL, GW_JB_STRETCH };

void gw_jitter_init(gw_jitter *jb, uint32_t min_ms, uint32_t max_ms, int alaw);
/* Drops every frame and starts afresh (a new source); the jitter estimate is kept. */
void gw_jitter_flush(gw_jitter *jb);
void gw_jitter_free(gw_jitter *jb);
/* Takes one packet (its sequence number, RTP timestamp at 8 kHz and payload) that arrived at now_us. Returns 0,
 * or 1 when it was dropped (late, duplicate, empty or too large). */
int gw_jitter_put(gw_jitter *jb, uint16_t seq, uint32_t ts, const uint8_t *data, size_t size, uint64_t now_us);
/* The next frame due at now_us into out (at least GW_JB_MAX_FRAME bytes): its size, or 0 when nothing is due.
 * *kind says whether it is a received frame, a concealed one or inserted silence. Call until it returns 0. */
size_t gw_jitter_get(gw_jitter *jb, uint64_t now_us, uint8_t *out, int *kind);
/* When the next frame held falls due (a time to call gw_jitter_get() again), or 0 when nothing is held. */
uint64_t gw_jitter_next_due(const gw_jitter *jb);

#endif
