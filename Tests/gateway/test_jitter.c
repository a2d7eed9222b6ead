/* test_jitter.c - the gateway's adaptive playout buffer (gateway/jitter.c) on a simulated clock: order, loss
 * concealment, duplicates and late packets, the RFC 3550 jitter estimate, the target and the delay following it,
 * and speech never skipped. Built and run by scripts/test-gateway.sh; prints "N passed, M failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../gateway/jitter.h"

static int failed, passed;
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            printf("  %s:%d: ", __func__, __LINE__);                                                                   \
            printf(__VA_ARGS__);                                                                                       \
            printf("\n");                                                                                              \
            ok = 0;                                                                                                    \
        }                                                                                                              \
    } while (0)

/* A frame whose first byte says which packet it was: loud (speech) or, when `quiet`, silent mu-law. */
static void frame(uint8_t *f, uint16_t seq, int quiet) {
    memset(f, quiet ? 0xFF : 0x10, 160);
    f[0] = quiet ? (uint8_t)(0xFF - seq % 4) : (uint8_t)(seq & 0x7F);
}

typedef struct {
    int frames, conceal, stretch;
    uint16_t order[4096];
    int n;
} outlog;

/* Runs the clock from t0 to t1 (us) in 1 ms steps, taking whatever is due. */
static void drain(gw_jitter *jb, uint64_t t0, uint64_t t1, outlog *o) {
    uint8_t out[GW_JB_MAX_FRAME];
    int kind;
    for (uint64_t t = t0; t < t1; t += 1000)
        while (gw_jitter_get(jb, t, out, &kind) > 0) {
            if (kind == GW_JB_FRAME && o->n < 4096) o->order[o->n++] = out[0];
            o->frames += kind == GW_JB_FRAME;
            o->conceal += kind == GW_JB_CONCEAL;
            o->stretch += kind == GW_JB_STRETCH;
        }
}

static int test_in_order_frames_come_out_once_in_order_after_the_minimum_delay(void) {
    int ok = 1;
    gw_jitter jb;
    gw_jitter_init(&jb, 20, 200, 0);
    outlog o = {0};
    uint8_t f[160];
    for (int i = 0; i < 50; i++) {
        frame(f, (uint16_t)i, 0);
        CHECK(gw_jitter_put(&jb, (uint16_t)(1000 + i), 160u * i, f, 160, 20000ull * i) == 0, "put %d", i);
        drain(&jb, 20000ull * i, 20000ull * (i + 1), &o);
    }
    drain(&jb, 1000000, 1200000, &o);
    CHECK(o.frames == 50 && o.conceal == 0 && o.stretch == 0, "frames %d conceal %d stretch %d", o.frames, o.conceal,
          o.stretch);
    for (int i = 0; i < o.n; i++) CHECK(o.order[i] == (i & 0x7F), "frame %d came out as %d", i, o.order[i]);
    CHECK(jb.jitter_ms < 1.0 && jb.target_ms == 20, "jitter %.1f target %u", jb.jitter_ms, jb.target_ms);
    CHECK(jb.delay_ms >= 15 && jb.delay_ms <= 25, "delay %.1f", jb.delay_ms);
    gw_jitter_free(&jb);
    return ok;
}

static int test_reordered_duplicate_late_and_lost_packets(void) {
    int ok = 1;
    gw_jitter jb;
    gw_jitter_init(&jb, 60, 200, 0);
    outlog o = {0};
    uint8_t f[160];
    /* 0 1 3 2 (swapped) 2 (dup) 5 6 ... (4 lost), 7 arrives after its time (late) */
    int seqs[] = {0, 1, 3, 2, 2, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < (int)(sizeof seqs / sizeof *seqs); i++) {
        frame(f, (uint16_t)seqs[i], 0);
        (void)gw_jitter_put(&jb, (uint16_t)seqs[i], 160u * seqs[i], f, 160, 20000ull * i);
        drain(&jb, 20000ull * i, 20000ull * (i + 1), &o);
    }
    frame(f, 7, 0);
    CHECK(gw_jitter_put(&jb, 7, 160u * 7, f, 160, 400000) == 1, "a packet after its turn is refused");
    drain(&jb, 400000, 800000, &o);
    CHECK(jb.n.dups == 1 && jb.n.late == 1, "dups %u late %u", jb.n.dups, jb.n.late);
    CHECK(o.conceal == 2 && jb.n.lost == 2, "concealed %d lost %u (4 and 7)", o.conceal, jb.n.lost);
    int expect[] = {0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    CHECK(o.n == 14, "%d frames", o.n);
    for (int i = 0; i < o.n && i < 14; i++) CHECK(o.order[i] == expect[i], "frame %d is %d", i, o.order[i]);
    gw_jitter_free(&jb);
    return ok;
}

static int test_the_target_and_the_delay_follow_the_jitter_and_speech_is_never_skipped(void) {
    int ok = 1;
    gw_jitter jb;
    gw_jitter_init(&jb, 20, 200, 0);
    outlog o = {0};
    uint8_t f[160];
    uint64_t t = 0;
    srand(7);
    /* 4 s of silence with 0-100 ms of random extra delay, in arrival order. */
    uint64_t arrival[200];
    for (int i = 0; i < 200; i++) arrival[i] = 20000ull * i + (uint64_t)(rand() % 100) * 1000;
    int order[200];
    for (int i = 0; i < 200; i++) order[i] = i;
    for (int i = 1; i < 200; i++) /* sort by arrival (insertion sort) */
        for (int j = i; j > 0 && arrival[order[j]] < arrival[order[j - 1]]; j--) {
            int x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    for (int k = 0; k < 200; k++) {
        int i = order[k];
        drain(&jb, t, arrival[i], &o);
        t = arrival[i];
        frame(f, (uint16_t)i, 1);
        (void)gw_jitter_put(&jb, (uint16_t)i, 160u * i, f, 160, t);
    }
    CHECK(jb.jitter_ms > 15, "jitter %.1f", jb.jitter_ms);
    CHECK(jb.target_ms >= 60, "target %u", jb.target_ms);
    CHECK(jb.delay_ms >= 45, "delay %.1f", jb.delay_ms);
    /* 4 s steady, loud (speech): the target comes down, but no speech frame is skipped. */
    uint32_t skipped = jb.n.skipped;
    for (int i = 200; i < 400; i++) {
        uint64_t a = 20000ull * i + 100000;
        drain(&jb, t, a, &o);
        t = a;
        frame(f, (uint16_t)i, 0);
        (void)gw_jitter_put(&jb, (uint16_t)i, 160u * i, f, 160, t);
    }
    CHECK(jb.n.skipped == skipped, "speech frames were skipped: %u", jb.n.skipped - skipped);
    CHECK(jb.target_ms <= 40, "target after calm %u", jb.target_ms);
    double deep = jb.delay_ms;
    /* 2 s steady and silent: the delay shrinks towards the target by skipping silence. */
    for (int i = 400; i < 500; i++) {
        uint64_t a = 20000ull * i + 100000;
        drain(&jb, t, a, &o);
        t = a;
        frame(f, (uint16_t)i, 1);
        (void)gw_jitter_put(&jb, (uint16_t)i, 160u * i, f, 160, t);
    }
    CHECK(jb.n.skipped > skipped, "no silence skipped");
    CHECK(jb.delay_ms <= 45 && jb.delay_ms < deep, "delay %.1f (was %.1f)", jb.delay_ms, deep);
    gw_jitter_free(&jb);
    return ok;
}

static int test_bad_packets_are_refused(void) {
    int ok = 1;
    gw_jitter jb;
    gw_jitter_init(&jb, 20, 200, 1);
    uint8_t big[GW_JB_MAX_FRAME + 1] = {0};
    CHECK(gw_jitter_put(&jb, 1, 0, big, 0, 0) == 1, "empty");
    CHECK(gw_jitter_put(&jb, 1, 0, big, sizeof big, 0) == 1, "too large");
    CHECK(gw_jitter_put(&jb, 1, 0, NULL, 160, 0) == 1, "NULL");
    /* A jump far ahead restarts the buffer instead of concealing thousands of frames. */
    CHECK(gw_jitter_put(&jb, 1, 0, big, 160, 0) == 0, "first");
    CHECK(gw_jitter_put(&jb, 30000, 160u * 30000, big, 160, 20000) == 0 && jb.n.restarts == 1, "restarts %u",
          jb.n.restarts);
    gw_jitter_free(&jb);
    return ok;
}

int main(void) {
    struct {
        const char *name;
        int (*fn)(void);
    } tests[] = {
        {"in_order_frames_come_out_once_in_order_after_the_minimum_delay",
         test_in_order_frames_come_out_once_in_order_after_the_minimum_delay},
        {"reordered_duplicate_late_and_lost_packets", test_reordered_duplicate_late_and_lost_packets},
        {"the_target_and_the_delay_follow_the_jitter_and_speech_is_never_skipped",
         test_the_target_and_the_delay_follow_the_jitter_and_speech_is_never_skipped},
        {"bad_packets_are_refused", test_bad_packets_are_refused},
    };
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        int ok = tests[i].fn();
        printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
        ok ? passed++ : failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
