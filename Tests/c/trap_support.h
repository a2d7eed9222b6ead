/* Runs a piece of a C test in a forked child, so that a trap in the library (a Swift overflow check, a failed
 * allocation, any signal) is reported as a failed check with its signal instead of ending the whole test program.
 * Use: CHECK_NO_TRAP({ ... code using CHECK ... }); (variadic, so commas in the block are fine). The child's CHECK
 * failures make its exit status 1. Needs _POSIX_C_SOURCE 200809L before the first include. */
#ifndef AZAUDIO_TRAP_SUPPORT_H
#define AZAUDIO_TRAP_SUPPORT_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK_NO_TRAP(...)                                                                                             \
    do {                                                                                                               \
        fflush(stdout);                                                                                                \
        fflush(stderr);                                                                                                \
        pid_t trap_pid_ = fork();                                                                                      \
        if (trap_pid_ == 0) {                                                                                          \
            check_current_failed = 0;                                                                                  \
            __VA_ARGS__;                                                                                               \
            fflush(stderr);                                                                                            \
            _exit(check_current_failed ? 1 : 0);                                                                       \
        }                                                                                                              \
        int trap_status_ = 0;                                                                                          \
        if (trap_pid_ < 0 || waitpid(trap_pid_, &trap_status_, 0) != trap_pid_) {                                      \
            fprintf(stderr, "  FAIL %s:%d in %s: fork/wait failed\n", __FILE__, __LINE__, check_current);              \
            check_current_failed = 1;                                                                                  \
        } else if (WIFSIGNALED(trap_status_)) {                                                                        \
            fprintf(stderr, "  FAIL %s:%d in %s: the library killed the process with signal %d\n", __FILE__, __LINE__, \
                    check_current, WTERMSIG(trap_status_));                                                            \
            check_current_failed = 1;                                                                                  \
        } else if (WEXITSTATUS(trap_status_) != 0) {                                                                   \
            check_current_failed = 1;                                                                                  \
        }                                                                                                              \
    } while (0)

#endif
