/* A minimal test harness for the C tests: TEST(name) { CHECK(...); }, then RUN(name) in main, then
 * return check_summary(); which prints "N passed, N failed" and returns the exit status. */
#ifndef AZAUDIO_CHECK_H
#define AZAUDIO_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed, check_current_failed;
static const char *check_current;

#define TEST(name) static void name(void)

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "  FAIL %s:%d in %s: %s\n", __FILE__, __LINE__, check_current, #cond);                     \
            check_current_failed = 1;                                                                                  \
        }                                                                                                              \
    } while (0)

/* Checks a result code; on mismatch prints both codes and azaudio_last_error(). */
#define CHECK_RESULT(expr, expected)                                                                                   \
    do {                                                                                                               \
        int check_rc_ = (int)(expr);                                                                                   \
        if (check_rc_ != (int)(expected)) {                                                                            \
            fprintf(stderr, "  FAIL %s:%d in %s: %s gave %d (%s), expected %d; last error: %s\n", __FILE__, __LINE__,  \
                    check_current, #expr, check_rc_, azaudio_result_string(check_rc_), (int)(expected),                \
                    azaudio_last_error());                                                                             \
            check_current_failed = 1;                                                                                  \
        }                                                                                                              \
    } while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                                                           \
    do {                                                                                                               \
        const char *check_h_ = (haystack);                                                                             \
        if (!check_h_ || !strstr(check_h_, (needle))) {                                                                \
            fprintf(stderr, "  FAIL %s:%d in %s: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, check_current, \
                    check_h_ ? check_h_ : "(null)", (needle));                                                         \
            check_current_failed = 1;                                                                                  \
        }                                                                                                              \
    } while (0)

#define RUN(name)                                                                                                      \
    do {                                                                                                               \
        check_current = #name;                                                                                         \
        check_current_failed = 0;                                                                                      \
        name();                                                                                                        \
        if (check_current_failed) {                                                                                    \
            check_failed++;                                                                                            \
            fprintf(stderr, "not ok - %s\n", #name);                                                                   \
        } else {                                                                                                       \
            check_passed++;                                                                                            \
            printf("ok - %s\n", #name);                                                                                \
        }                                                                                                              \
        fflush(stdout);                                                                                                \
    } while (0)

static int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
