/* playout.h - reply audio waiting to go out as RTP, tagged with the realtime item it belongs to, so the gateway
 * can report how much of each item has been played (barge-in truncates there). */
#ifndef GW_PLAYOUT_H
#define GW_PLAYOUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_chunk gw_chunk;

typedef struct gw_playout {
    gw_chunk *head, *tail;
    size_t queued;      /* bytes waiting */
    char playing[64];   /* the item being played */
    uint32_t played_ms; /* how much of it has been played */
} gw_playout;

/* Queues audio of `item`. Returns 0 when out of memory (the audio is dropped). */
int gw_playout_push(gw_playout *p, const char *item, const uint8_t *data, size_t size);
/* Fills frame[0..size) from the queue and the rest with `silence`; returns the queued bytes it took. When it took
 * any, p->playing / p->played_ms say how far that item has now been played. */
size_t gw_playout_frame(gw_playout *p, uint8_t *frame, size_t size, uint8_t silence);
/* Drops everything queued (barge-in); returns the bytes dropped. */
size_t gw_playout_flush(gw_playout *p);

#endif
