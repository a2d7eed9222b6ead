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

/* A call: the question, `gap_s` seconds of silence (the reply starts), the caller talking over it, then silence.
 * The caller can only talk over a reply that has started: at the examples' 2x clock the emulator has gap_s / 2
 * real seconds to recognise the question and synthesise the start of its reply, which takes seconds on a loaded
 * machine (6 s of gap, 3 s real, was seen too short under load: no reply was playing, so no barge-in). */
static int write_call_wav(const char *path, uint32_t rate, size_t gap_s) {
    size_t n = 0, q = 0;
    int16_t *speech = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, rate, &n);
    int16_t *question = resample((const int16_t *)question_pcm, question_size / 2, 24000, rate, &q);
    size_t gap = rate * gap_s, tail = rate * 2;
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
 * pause of gap_s seconds, speech): its output is printed and kept in `log`, the format of the reply it wrote in *reply.
 * 0 (a failed check) if the example did not build. */
static int run_call_example(const char *name, uint32_t rate, size_t gap_s, char *log, size_t log_size,
                            azaudio_wav_info *reply) {
    char bin[256], in[128], out[128], cmd[1024];
    if (!build_example(name, bin, sizeof bin)) {
        CHECK(0);
        return 0;
    }
    snprintf(in, sizeof in, "/tmp/azaudio_test_%s_in_%ld.wav", name, (long)getpid());
    snprintf(out, sizeof out, "/tmp/azaudio_test_%s_out_%ld.wav", name, (long)getpid());
    CHECK(write_call_wav(in, rate, gap_s));
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

TEST(phone_bridge_example_runs_a_call_with_barge_in) {
    static char log[65536];
    azaudio_wav_info info;
    /* PCM16 8 kHz: the example converts it to mu-law with the kit */
    if (!run_call_example("phone_bridge", 8000, 12, log, sizeof log, &info)) return;
    CHECK_STR_CONTAINS(log, "g711_ulaw in and out");
    CHECK_STR_CONTAINS(log, "barge-in");
    CHECK_STR_CONTAINS(log, "You said");
    CHECK(client_events("conversation.item.truncate") >= 1);
    CHECK(info.format == AZAUDIO_FORMAT_ULAW && info.sample_rate == 8000 && info.channels == 1);
    CHECK(info.frame_count >= 8000 * 3 && info.frame_count % 160 == 0); /* whole 20 ms frames, the call's length */
}

TEST(game_voice_example_runs_48k_in_and_out) {
    static char log[65536];
    azaudio_wav_info info;
    if (!run_call_example("game_voice", 48000, 6, log, sizeof log, &info)) return;
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
