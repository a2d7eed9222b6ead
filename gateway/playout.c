/* playout.c - the reply queue: a list of chunks as the session delivered them, consumed 20 ms at a time. */
#include "playout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gw_chunk {
    gw_chunk *next;
    char item[64];
    size_t size, offset;
    uint8_t data[];
};

int gw_playout_push(gw_playout *p, const char *item, const uint8_t *data, size_t size) {
    if (size == 0) return 1;
    gw_chunk *c = malloc(sizeof *c + size);
    if (!c) return 0;
    c->next = NULL;
    snprintf(c->item, sizeof c->item, "%s", item ? item : "");
    c->size = size;
    c->offset = 0;
    memcpy(c->data, data, size);
    if (p->tail)
        p->tail->next = c;
    else
        p->head = c;
    p->tail = c;
    p->queued += size;
    return 1;
}

size_t gw_playout_frame(gw_playout *p, uint8_t *frame, size_t size, uint8_t silence) {
    size_t filled = 0;
    while (filled < size && p->head) {
        gw_chunk *c = p->head;
        if (strcmp(c->item, p->playing) != 0) {
            snprintf(p->playing, sizeof p->playing, "%s", c->item);
            p->played_ms = 0;
        }
        size_t take = c->size - c->offset;
        if (take > size - filled) take = size - filled;
        memcpy(frame + filled, c->data + c->offset, take);
        filled += take;
        c->offset += take;
        p->queued -= take;
        p->played_ms += (uint32_t)(take / 8); /* G.711: 8 bytes per ms */
        if (c->offset == c->size) {
            p->head = c->next;
            if (!p->head) p->tail = NULL;
            free(c);
        }
    }
    memset(frame + filled, silence, size - filled);
    return filled;
}

size_t gw_playout_flush(gw_playout *p) {
    size_t dropped = p->queued;
    while (p->head) {
        gw_chunk *next = p->head->next;
        free(p->head);
        p->head = next;
    }
    p->tail = NULL;
    p->queued = 0;
    return dropped;
}
