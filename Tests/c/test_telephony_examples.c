/* The phone bridge and game voice examples, built and run end to end against the local emulator.
 * emulator-options: --speed 4 */
#define _DEFAULT_SOURCE
#include "telephony_support.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the examples, end to end ---------------------------------------------------------------------------------- */

/* Builds an example with the test flags (warnings are errors) into /tmp; returns 1 on success. */
static int build_example(const char *name, char *binary, size_t size) {
    snprintf(binary, size, "/tmp/azaudio_test_%s_%ld", name, (long)getpid());
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "${CC:-cc} -std=c99 -Wall -Wextra -Werror -O1 -Iinclude examples/%s.c -o %s -Lbuild/lib -lazaudio "
             "-Wl,-rpath,$PWD/build/lib -lm",
             name, binary);
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "  building examples/%s.c failed: %s\n", name, cmd);
    return rc == 0;
}

/* Runs a command, capturing stdout+stderr into out; returns its exit status. */
static int run_capture(const char *cmd, char *out, size_t size) {
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, size - 1, p);
    out[n] = 0;
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A call: the question, `gap_ms` of silence (the reply starts), the caller talking over it, then silence; with
 * gap_ms 0, the question and silence only. */
static int write_call_wav(const char *path, uint32_t rate, size_t gap_ms) {
    size_t n = 0, q = 0;
    int16_t *speech = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, rate, &n);
    int16_t *question = resample((const int16_t *)question_pcm, question_size / 2, 24000, rate, &q);
    size_t gap = (size_t)rate * gap_ms / 1000, tail = rate * 2;
    if (gap_ms == 0) n = 0;
    size_t total = q + gap + n + tail;
    int16_t *call = calloc(total, sizeof *call);
    memcpy(call, question, q * sizeof *call);
    memcpy(call + q + gap, speech, n * sizeof *call);
    free(question);
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    info.sample_rate = rate;
    int ok = azaudio_wav_write_file(path, &info, call, total * sizeof *call) == AZAUDIO_OK;
    free(speech);
    free(call);
    return ok;
}

/* Builds example `name` and runs it against the emulator's gpt-realtime on a call recorded at `rate` Hz (speech, a
 * pause of gap_ms, speech; gap_ms 0: one question): its output is printed and kept in `log`, the format of the reply it
 * wrote in *reply. 0 (a failed check) if the example did not build. */
static int run_call_example(const char *name, uint32_t rate, size_t gap_ms, char *log, size_t log_size,
                            azaudio_wav_info *reply) {
    char bin[256], in[128], out[128], cmd[1024];
    if (!build_example(name, bin, sizeof bin)) {
        CHECK(0);
        return 0;
    }
    snprintf(in, sizeof in, "/tmp/azaudio_test_%s_in_%ld.wav", name, (long)getpid());
    snprintf(out, sizeof out, "/tmp/azaudio_test_%s_out_%ld.wav", name, (long)getpid());
    CHECK(write_call_wav(in, rate, gap_ms));
    emulator_reset();
    snprintf(cmd, sizeof cmd, "%s %s %s gpt-realtime --speedup %d 2>&1", bin, in, out, EXAMPLE_SPEEDUP);
    int rc = run_capture(cmd, log, log_size);
    printf("%s", log);
    CHECK(rc == 0);
    azaudio_audio_buffer *buffer = NULL;
    CHECK_RESULT(azaudio_wav_read_file(out, &buffer), AZAUDIO_OK);
    AZAUDIO_INIT(wav_info, reply);
    azaudio_audio_buffer_info(buffer, reply);
    azaudio_audio_buffer_destroy(buffer);
    remove(in);
    remove(out);
    remove(bin);
    return 1;
}

/* Writes all of `data` to fd (blocking); 1 on success. */
static int write_all(int fd, const uint8_t *data, size_t size) {
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        data += n;
        size -= (size_t)n;
    }
    return 1;
}

/* Reads the child's output into log (appending, NUL-terminated) until it contains `until` (NULL: until end of
 * output) or `seconds` pass; returns 1 if `until` was seen (or the output ended, for NULL). */
static int read_log_until(int fd, char *log, size_t size, size_t *len, const char *until, double seconds) {
    double deadline = azaudio_monotonic_us() / 1e6 + seconds;
    for (;;) {
        if (until && strstr(log, until)) return 1;
        double left = deadline - azaudio_monotonic_us() / 1e6;
        if (left <= 0) return 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) continue;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return until == NULL;
        size_t keep = (size_t)n < size - 1 - *len ? (size_t)n : size - 1 - *len;
        memcpy(log + *len, buf, keep);
        *len += keep;
        log[*len] = 0;
        fwrite(buf, 1, (size_t)n, stdout);
    }
}

/* The test is the caller, live on the phone bridge's stdin: it asks its question, waits until the bridge's timeline
 * says the agent is speaking (however long the emulator took to start the reply), talks over it, and hangs up its
 * side (end of input). The emulator first takes `fault` (JSON) when not NULL. The bridge's output in `log`. */
static void live_call_with_barge_in(const char *fault, char *log, size_t log_size) {
    char bin[256], out[128], cmd[1024];
    if (!build_example("phone_bridge", bin, sizeof bin)) {
        CHECK(0);
        return;
    }
    snprintf(out, sizeof out, "/tmp/azaudio_test_phone_bridge_live_%ld.wav", (long)getpid());
    size_t question_n = 0, speech_n = 0;
    uint8_t *question = ulaw_8k(question_pcm, question_size, &question_n);
    uint8_t *speech = ulaw_8k(speech_pcm, speech_size, &speech_n);
    emulator_reset();
    if (fault) CHECK(emulator_fault(fault));
    snprintf(cmd, sizeof cmd, "exec %s - %s gpt-realtime --speedup %d 2>&1", bin, out, EXAMPLE_SPEEDUP);
    int to_child[2], from_child[2];
    CHECK(pipe(to_child) == 0 && pipe(from_child) == 0);
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(to_child[0], STDIN_FILENO);
        dup2(from_child[1], STDOUT_FILENO);
        close(to_child[0]);
        close(to_child[1]);
        close(from_child[0]);
        close(from_child[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    size_t len = 0;
    log[0] = 0;
    CHECK(write_all(to_child[1], question, question_n));
    /* The bridge gives up after 120 s of call time (60 s here at 2x); the reply starts well before that. */
    int spoke = read_log_until(from_child[0], log, log_size, &len, " ms] agent speaking\n", 90);
    CHECK(spoke);
    if (spoke) CHECK(write_all(to_child[1], speech, speech_n));
    close(to_child[1]); /* the caller is done once the bridge has played it all */
    CHECK(read_log_until(from_child[0], log, log_size, &len, NULL, 120));
    close(from_child[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_STR_CONTAINS(log, "live 8 kHz mu-law from stdin");
    CHECK_STR_CONTAINS(log, "barge-in: agent cut"); /* (not "0 barge-ins" in the summary line) */
    azaudio_audio_buffer *buffer = NULL;
    CHECK_RESULT(azaudio_wav_read_file(out, &buffer), AZAUDIO_OK);
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    azaudio_audio_buffer_info(buffer, &info);
    azaudio_audio_buffer_destroy(buffer);
    CHECK(info.format == AZAUDIO_FORMAT_ULAW && info.sample_rate == 8000 && info.channels == 1);
    CHECK(info.frame_count >= (question_n + speech_n) && info.frame_count % 160 == 0); /* whole frames, the call */
    free(question);
    free(speech);
    remove(out);
    remove(bin);
}

TEST(phone_bridge_example_lets_a_live_caller_talk_over_the_agent) {
    static char log[65536];
    live_call_with_barge_in(NULL, log, sizeof log);
    CHECK_STR_CONTAINS(log, "g711_ulaw in and out");
    CHECK_STR_CONTAINS(log, "You said");
    CHECK(client_events("conversation.item.truncate") >= 1);
}

TEST(phone_bridge_example_waits_for_the_answer_to_the_callers_last_turn) {
    /* The reply to each turn starts 3 s (wall clock, 6 s of the bridge's line) after the turn ends: the bridge must
     * not hang up in that silence once the caller is done, though a reply (the cut one) has already ended. */
    static char log[65536];
    live_call_with_barge_in("{\"kind\":\"slow_reply\",\"seconds\":3}", log, sizeof log);
    CHECK_STR_CONTAINS(log, "You said"); /* the answer to the question that barged in (the cut reply had no text) */
    CHECK_STR_CONTAINS(log, ", 2 replies,");
}

TEST(phone_bridge_example_transcodes_a_pcm16_call_and_answers) {
    static char log[65536];
    azaudio_wav_info info;
    /* PCM16 8 kHz, one question: the example converts it to mu-law with the kit. (Barge-in, which needs the caller
     * to talk while a reply plays, is the live test's: how soon a reply starts depends on the machine's load.) */
    if (!run_call_example("phone_bridge", 8000, 0, log, sizeof log, &info)) return;
    CHECK_STR_CONTAINS(log, "transcoded to 8 kHz mu-law");
    CHECK_STR_CONTAINS(log, "g711_ulaw in and out");
    CHECK_STR_CONTAINS(log, "agent speaking");
    CHECK_STR_CONTAINS(log, "You said");
    CHECK(info.format == AZAUDIO_FORMAT_ULAW && info.sample_rate == 8000 && info.channels == 1);
    CHECK(info.frame_count >= 8000 * 3 && info.frame_count % 160 == 0); /* whole 20 ms frames, the call's length */
}

TEST(game_voice_example_runs_48k_in_and_out) {
    static char log[65536];
    azaudio_wav_info info;
    if (!run_call_example("game_voice", 48000, 6000, log, sizeof log, &info)) return;
    CHECK_STR_CONTAINS(log, "48 kHz");
    CHECK_STR_CONTAINS(log, "You said");
    CHECK(info.format == AZAUDIO_FORMAT_PCM16 && info.sample_rate == 48000 && info.channels == 1);
    CHECK(info.frame_count >= 48000 * 3);
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : NULL; /* run one test by name */
    if (!telephony_setup()) return 2;
    RUN_SELECTED(phone_bridge_example_lets_a_live_caller_talk_over_the_agent);
    RUN_SELECTED(phone_bridge_example_waits_for_the_answer_to_the_callers_last_turn);
    RUN_SELECTED(phone_bridge_example_transcodes_a_pcm16_call_and_answers);
    RUN_SELECTED(game_voice_example_runs_48k_in_and_out);
    telephony_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
