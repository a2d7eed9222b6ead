/* The phone bridge and game voice examples, built and run end to end against the local emulator.
 * emulator-options: --speed 4 */
#define _DEFAULT_SOURCE
#include "telephony_support.h"

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

/* A call: the question, `gap_ms` of silence (the reply starts), the caller talking over it, then silence. */
static int write_call_wav(const char *path, uint32_t rate, size_t gap_ms) {
    size_t n = 0, q = 0;
    int16_t *speech = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, rate, &n);
    int16_t *question = resample((const int16_t *)question_pcm, question_size / 2, 24000, rate, &q);
    size_t gap = (size_t)rate * gap_ms / 1000, tail = rate * 2;
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
 * pause of gap_ms, speech): its output is printed and kept in `log`, the format of the reply it wrote in *reply.
 * 0 (a failed check) if the example did not build. */
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

/* The line time (ms) of the phone bridge's first "[ T ms] agent speaking" / "agent quiet" line at or after `from`;
 * -1 if none. */
static long agent_line(const char *log, const char *what, long from) {
    char needle[32];
    snprintf(needle, sizeof needle, " ms] agent %s\n", what);
    for (const char *p = log; (p = strstr(p, needle)) != NULL; p++) {
        const char *open = p;
        while (open > log && *open != '[') open--;
        long at = strtol(open + 1, NULL, 10);
        if (at >= from) return at;
    }
    return -1;
}

/* After a call with no barge-in: the pause that puts the caller's second question into the first reply, from when
 * the call's log says the agent spoke; -1 if the log cannot tell (or a reply was playing when the caller spoke: then
 * the missing barge-in is the finding). A reply that had ended: the middle of it. A reply that had not started yet:
 * its start is later than the pause, so the next pause is one reply longer (the question's reply lasts about 5.5 s
 * of line time, and the recogniser's time grows with the question's length, so the short second question's quicker
 * reply tells little about it). */
static long gap_for_barge_in(const char *log, long gap_ms) {
    long question = (long)(question_size / 48), second = question + gap_ms;
    long spoke = agent_line(log, "speaking", 0);
    if (spoke < 0) return -1;
    if (spoke < second) { /* the first reply played, and ended before the caller spoke again */
        long quiet = agent_line(log, "quiet", spoke);
        if (quiet < 0 || quiet >= second) return -1;
        return (spoke + quiet) / 2 - question;
    }
    return gap_ms + 5000;
}

TEST(phone_bridge_example_runs_a_call_with_barge_in) {
    static char log[65536];
    azaudio_wav_info info;
    /* PCM16 8 kHz: the example converts it to mu-law with the kit. The caller can only talk over a reply that is
     * playing: how long the emulator takes to start one depends on the machine's load (3 s to 17 s of line time
     * seen at the examples' 2x clock), so a call without a barge-in is placed again (twice at most) with the pause
     * between the caller's two questions taken from when its log says the agent spoke. */
    long gap_ms = 12000;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (!run_call_example("phone_bridge", 8000, (size_t)gap_ms, log, sizeof log, &info)) return;
        if (strstr(log, "barge-in: agent cut") || attempt == 2) break;
        long next = gap_for_barge_in(log, gap_ms);
        if (next < 500) break;
        fprintf(stderr,
                "  no barge-in with a %ld ms pause (the reply did not play then); placing the call again "
                "with %ld ms\n",
                gap_ms, next);
        gap_ms = next;
    }
    CHECK_STR_CONTAINS(log, "g711_ulaw in and out");
    CHECK_STR_CONTAINS(log, "agent speaking");
    CHECK_STR_CONTAINS(log, "barge-in: agent cut"); /* (not "0 barge-ins" in the summary line) */
    CHECK_STR_CONTAINS(log, "You said");
    CHECK(client_events("conversation.item.truncate") >= 1);
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
    RUN_SELECTED(phone_bridge_example_runs_a_call_with_barge_in);
    RUN_SELECTED(game_voice_example_runs_48k_in_and_out);
    telephony_teardown();
    return check_summary();
}

/* test-cost: long (scripts/run-c-tests.sh starts it first) */
