/* End-to-end CPU cost of realtime caller-format conversion, per second of audio.
 * Sends 60 s of audio through azaudio_realtime_send_audio (20 ms frames, turn_detection none) for each caller
 * format, and receives replies with and without caller output conversion; CPU is this process's
 * (CLOCK_PROCESS_CPUTIME_ID: the app thread plus the library's I/O thread; the emulator is another process).
 * Run: scripts/bench.sh --micro (under emulator/.venv/bin/azaudio-emulator-run --speed 50). */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}
static azaudio_client *client;

static azaudio_realtime_session *open_session(int session_fmt, int caller_fmt, unsigned caller_rate, int out_fmt,
                                              unsigned out_rate) {
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.input_audio_format = session_fmt;
    o.output_audio_format = session_fmt;
    o.caller_input_format = caller_fmt;
    o.caller_input_rate = caller_rate;
    o.caller_output_format = out_fmt;
    o.caller_output_rate = out_rate;
    o.max_send_queue_bytes = 8 << 20;
    azaudio_realtime_session *s = NULL;
    if (azaudio_realtime_connect(client, &o, &s) != AZAUDIO_OK) {
        fprintf(stderr, "connect: %s\n", azaudio_last_error());
        exit(1);
    }
    return s;
}

static void drain(azaudio_realtime_session *s) {
    azaudio_realtime_event *e;
    while (azaudio_realtime_next_event(s, &e, 0) == AZAUDIO_OK) azaudio_realtime_event_free(e);
}

static double send_bench(const char *name, int session_fmt, int fmt, unsigned rate) {
    const double seconds = 60;
    unsigned bps = fmt == AZAUDIO_FORMAT_PCM16 ? 2 : 1;
    size_t frame = rate / 50 * bps, frames = (size_t)(seconds * 50);
    uint8_t *buf = malloc(frame);
    for (size_t i = 0; i < frame / bps; i++) {
        int16_t v = (int16_t)(8000 * sin(2 * 3.14159 * 440 * i / rate));
        if (bps == 2)
            memcpy(buf + 2 * i, &v, 2);
        else
            azaudio_g711_ulaw_encode(&v, 1, buf + i);
    }
    azaudio_realtime_session *s = open_session(session_fmt, fmt == -1 ? 0 : fmt, fmt == -1 ? 0 : rate, 0, 0);
    double t0 = cpu();
    for (size_t k = 0; k < frames; k++) {
        azaudio_result rc;
        while ((rc = azaudio_realtime_send_audio(s, buf, frame)) == AZAUDIO_ERR_BUSY) usleep(200);
        if (rc != AZAUDIO_OK) {
            fprintf(stderr, "send: %s\n", azaudio_last_error());
            exit(1);
        }
        if (k % 50 == 0) drain(s);
    }
    double ms = (cpu() - t0) * 1000 / seconds;
    printf("send  %-40s %6.3f ms CPU per second of audio\n", name, ms);
    azaudio_realtime_destroy(s);
    free(buf);
    return ms;
}

static double recv_bench(const char *name, int out_fmt, unsigned out_rate) {
    azaudio_realtime_session *s = open_session(AZAUDIO_FORMAT_PCM16, 0, 0, out_fmt, out_rate);
    double busy = 0;
    size_t wire_bytes = 0;
    for (int r = 0; r < 6; r++) {
        azaudio_realtime_create_text_item(
            s, "user", "tell me a long story about the sea and the ships and the wind and the harbour lights at night");
        azaudio_realtime_create_response(s, NULL);
        double t0 = cpu();
        for (;;) {
            azaudio_realtime_event *e = NULL;
            if (azaudio_realtime_next_event(s, &e, 5000) != AZAUDIO_OK) {
                fprintf(stderr, "timeout\n");
                exit(1);
            }
            int t = azaudio_realtime_event_type(e);
            if (t == AZAUDIO_EVENT_AUDIO_DELTA) {
                size_t n;
                azaudio_realtime_event_audio(e, &n);
                wire_bytes += n;
            }
            azaudio_realtime_event_free(e);
            if (t == AZAUDIO_EVENT_RESPONSE_DONE) break;
        }
        busy += cpu() - t0;
    }
    unsigned bps = out_fmt == AZAUDIO_FORMAT_PCM16 ? 2 : (out_fmt == 0 ? 2 : 1);
    double seconds = (double)wire_bytes / bps / (out_rate ? out_rate : 24000);
    double ms = busy * 1000 / seconds;
    printf("recv  %-40s %6.3f ms CPU per second of audio (%.1f s of reply)\n", name, ms, seconds);
    azaudio_realtime_destroy(s);
    return ms;
}

int main(void) {
    azaudio_client_options co;
    azaudio_client_options_init(&co);
    co.endpoint = getenv("AZURE_OPENAI_ENDPOINT");
    co.api_key = getenv("AZURE_OPENAI_API_KEY");
    azaudio_client_create(&co, &client);
    double base24 = send_bench("pcm16 24k, session pcm16 (no conversion)", AZAUDIO_FORMAT_PCM16, -1, 24000);
    double baseu = send_bench("ulaw 8k, session g711_ulaw (no options)", AZAUDIO_FORMAT_ULAW, -1, 8000);
    send_bench("ulaw 8k caller -> g711_ulaw (passthrough)", AZAUDIO_FORMAT_ULAW, AZAUDIO_FORMAT_ULAW, 8000);
    send_bench("ulaw 8k caller -> pcm16 24k", AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_ULAW, 8000);
    send_bench("pcm16 16k caller -> pcm16 24k", AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_PCM16, 16000);
    send_bench("pcm16 48k caller -> pcm16 24k", AZAUDIO_FORMAT_PCM16, AZAUDIO_FORMAT_PCM16, 48000);
    send_bench("pcm16 48k caller -> g711_ulaw 8k", AZAUDIO_FORMAT_ULAW, AZAUDIO_FORMAT_PCM16, 48000);
    (void)base24;
    (void)baseu;
    recv_bench("pcm16 24k (no conversion)", 0, 0);
    recv_bench("-> pcm16 48k", AZAUDIO_FORMAT_PCM16, 48000);
    recv_bench("-> pcm16 16k", AZAUDIO_FORMAT_PCM16, 16000);
    recv_bench("-> ulaw 8k", AZAUDIO_FORMAT_ULAW, 8000);
    azaudio_client_destroy(client);
    return 0;
}
