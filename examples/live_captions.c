/* live_captions.c - live captions from a transcription-only realtime session: stream a WAV file (or raw 24 kHz
 * PCM16 from stdin) at real-time pace, show the line being spoken as it grows, print each finished line.
 *
 *   AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_API_KEY=... ./live_captions talk.wav [DEPLOYMENT]
 *   ffmpeg -i talk.mp3 -f s16le -ar 24000 -ac 1 - | ./live_captions - [DEPLOYMENT]
 *
 * DEPLOYMENT (default gpt-4o-transcribe) is the deployment that transcribes; with a diarizing one
 * (gpt-4o-transcribe-diarize) finished lines carry their speaker. The WAV may be mono PCM16, mu-law or A-law at
 * 8, 16, 24 or 48 kHz: the session converts it (caller_input_format / caller_input_rate). Environment knobs:
 *   AZAUDIO_LANGUAGE=en   the spoken language
 *   AZAUDIO_SPEEDUP=N     send N times faster than real time (tests)
 *
 * Events go to a callback on the library's I/O thread; it only prints. */
#define _DEFAULT_SOURCE
#include <azaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MS 100

typedef struct {
    int tty;
    int completed; /* lines finished */
    char speaker[64];
} captions;

static void on_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session;
    captions *c = user;
    switch (azaudio_realtime_event_type(e)) {
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_DELTA:
        if (c->tty) fprintf(stderr, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_SEGMENT:
        snprintf(c->speaker, sizeof c->speaker, "%s", azaudio_realtime_event_speaker(e));
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
        if (c->tty) fprintf(stderr, "\r\033[K");
        if (c->speaker[0])
            printf("[%s] %s\n", c->speaker, azaudio_realtime_event_text(e));
        else
            printf("%s\n", azaudio_realtime_event_text(e));
        fflush(stdout);
        c->speaker[0] = '\0';
        __atomic_add_fetch(&c->completed, 1, __ATOMIC_SEQ_CST);
        break;
    case AZAUDIO_EVENT_ERROR:
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_FAILED:
        fprintf(stderr, "service error (%s): %s\n", azaudio_realtime_event_error_code(e),
                azaudio_realtime_event_text(e));
        break;
    default:
        break;
    }
}

static void sleep_ms(double ms) {
    struct timespec t = {(time_t)(ms / 1000), (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6)};
    nanosleep(&t, NULL);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s talk.wav|- [DEPLOYMENT]\n", argv[0]);
        return 2;
    }
    const char *speedup_env = getenv("AZAUDIO_SPEEDUP");
    double speedup = speedup_env ? atof(speedup_env) : 1.0;
    if (speedup <= 0) speedup = 1.0;

    azaudio_audio_buffer *wav = NULL;
    const uint8_t *pcm = NULL;
    size_t pcm_size = 0;
    int rate = 24000, format = AZAUDIO_FORMAT_PCM16;
    int from_stdin = strcmp(argv[1], "-") == 0;
    if (!from_stdin) {
        azaudio_wav_info info;
        AZAUDIO_INIT(wav_info, &info);
        if (azaudio_wav_read_file(argv[1], &wav) != AZAUDIO_OK || azaudio_audio_buffer_info(wav, &info) != AZAUDIO_OK) {
            fprintf(stderr, "%s: %s\n", argv[1], azaudio_last_error());
            return 1;
        }
        if (info.channels != 1) {
            fprintf(stderr, "%s: mono audio only\n", argv[1]);
            return 1;
        }
        rate = (int)info.sample_rate;
        format = info.format;
        pcm = azaudio_audio_buffer_data(wav);
        pcm_size = azaudio_audio_buffer_size(wav);
    }

    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fprintf(stderr, "client: %s\n", azaudio_last_error());
        return 1;
    }
    captions c = {isatty(2), 0, ""};
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.session_kind = AZAUDIO_SESSION_TRANSCRIPTION;
    o.deployment = argc > 2 ? argv[2] : "gpt-4o-transcribe";
    o.input_transcription_language = getenv("AZAUDIO_LANGUAGE");
    o.caller_input_format = format;
    o.caller_input_rate = (uint32_t)rate;
    o.event_callback = on_event;
    o.event_user_data = &c;
    azaudio_realtime_session *session = NULL;
    if (azaudio_realtime_connect(client, &o, &session) != AZAUDIO_OK) {
        fprintf(stderr, "connect: %s\n", azaudio_last_error());
        azaudio_client_destroy(client);
        return 1;
    }

    size_t bytes_per_sample = format == AZAUDIO_FORMAT_PCM16 ? 2 : 1;
    size_t frame = (size_t)rate * FRAME_MS / 1000 * bytes_per_sample;
    uint8_t *buffer = malloc(frame);
    int failed = 0;
    for (size_t offset = 0;; offset += frame) {
        size_t n;
        if (from_stdin) {
            n = fread(buffer, 1, frame, stdin) & ~(size_t)1;
        } else {
            n = offset < pcm_size ? (pcm_size - offset < frame ? pcm_size - offset : frame) : 0;
            if (n) memcpy(buffer, pcm + offset, n);
        }
        if (n == 0) break;
        if (azaudio_realtime_send_audio(session, buffer, n) != AZAUDIO_OK) {
            fprintf(stderr, "send: %s\n", azaudio_last_error());
            failed = 1;
            break;
        }
        if (!from_stdin) sleep_ms(FRAME_MS / speedup);
    }
    /* Trailing silence so that the service's turn detection ends the last line, then wait for it. */
    memset(buffer, format == AZAUDIO_FORMAT_PCM16 ? 0 : (format == AZAUDIO_FORMAT_ULAW ? 0xFF : 0xD5), frame);
    for (int i = 0; i < 15 && !failed; i++) azaudio_realtime_send_audio(session, buffer, frame);
    int before = -1;
    for (int waited = 0; waited < 300; waited++) { /* up to 30 s; done once nothing new came for 2 s */
        int now = __atomic_load_n(&c.completed, __ATOMIC_SEQ_CST);
        if (now > 0 && now == before && waited % 20 == 0) break;
        if (waited % 20 == 0) before = now;
        sleep_ms(100);
    }
    azaudio_realtime_destroy(session);
    azaudio_client_destroy(client);
    free(buffer);
    azaudio_audio_buffer_destroy(wav);
    return failed || c.completed == 0;
}
