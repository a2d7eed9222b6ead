/* realtime.c - one spoken turn with a realtime deployment: stream a WAV file into a session at real-time pace,
 * print the transcripts as they arrive, and write the spoken reply to a WAV file.
 *
 *   AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_API_KEY=... ./realtime question.wav reply.wav [DEPLOYMENT]
 *
 * DEPLOYMENT defaults to gpt-realtime. The input may be mono PCM16, mu-law or A-law WAV at 8, 16, 24 or 48 kHz;
 * it is converted to the session's 24 kHz PCM16 with the library's audio kit. Environment knobs:
 *   AZAUDIO_REALTIME_PROTOCOL=preview      use the preview protocol instead of GA
 *   AZAUDIO_TRANSCRIBE_DEPLOYMENT=whisper  the deployment that transcribes your speech ("" turns it off)
 *   AZAUDIO_SPEEDUP=N                      send N times faster than real time (tests)
 *
 * Events are pulled on this thread with azaudio_realtime_next_event(), between frames: no user code runs on the
 * library's I/O thread. */
#include <azaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE     24000
#define FRAME_MS 20

typedef struct {
    uint8_t *data;
    size_t size, capacity;
} bytes;

static int append(bytes *b, const void *data, size_t size) {
    if (b->size + size > b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 65536;
        while (capacity < b->size + size) capacity *= 2;
        uint8_t *grown = realloc(b->data, capacity);
        if (!grown) return 0;
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->size, data, size);
    b->size += size;
    return 1;
}

static int fail(const char *what) {
    fprintf(stderr, "realtime: %s: %s\n", what, azaudio_last_error());
    return 1;
}

/* Reads a mono WAV and converts it to 24 kHz PCM16. */
static int load_input(const char *path, bytes *out) {
    azaudio_audio_buffer *wav = NULL;
    if (azaudio_wav_read_file(path, &wav) != AZAUDIO_OK) return fail(path);
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    azaudio_audio_buffer_info(wav, &info);
    if (info.channels != 1) {
        fprintf(stderr, "realtime: %s has %u channels; give a mono file\n", path, info.channels);
        azaudio_audio_buffer_destroy(wav);
        return 1;
    }
    size_t samples = (size_t)info.frame_count;
    int16_t *pcm = malloc(samples * sizeof *pcm + 1);
    const void *data = azaudio_audio_buffer_data(wav);
    if (info.format == AZAUDIO_FORMAT_ULAW)
        azaudio_g711_ulaw_decode(data, samples, pcm);
    else if (info.format == AZAUDIO_FORMAT_ALAW)
        azaudio_g711_alaw_decode(data, samples, pcm);
    else
        memcpy(pcm, data, samples * sizeof *pcm);
    azaudio_audio_buffer_destroy(wav);

    int rc = 0;
    if (info.sample_rate == RATE) {
        rc = !append(out, pcm, samples * sizeof *pcm);
    } else {
        azaudio_resampler *r = NULL;
        if (azaudio_resampler_create(info.sample_rate, RATE, &r) != AZAUDIO_OK) {
            free(pcm);
            return fail("resampler");
        }
        size_t capacity = azaudio_resampler_max_output(r, samples) + azaudio_resampler_max_output(r, 0);
        int16_t *converted = malloc(capacity * sizeof *converted);
        size_t n = 0, tail = 0;
        azaudio_resampler_process(r, pcm, samples, converted, capacity, &n);
        azaudio_resampler_flush(r, converted + n, capacity - n, &tail);
        rc = !append(out, converted, (n + tail) * sizeof *converted);
        free(converted);
        azaudio_resampler_destroy(r);
    }
    free(pcm);
    return rc;
}

typedef struct {
    bytes reply;
    int response_done;
    int failed;
    uint64_t speech_end_us, first_audio_us;
} turn;

/* Handles every event waiting now (or within wait_ms); returns 0 when the session ended. */
static int drain(azaudio_realtime_session *session, turn *t, int32_t wait_ms) {
    for (;;) {
        azaudio_realtime_event *e = NULL;
        azaudio_result rc = azaudio_realtime_next_event(session, &e, wait_ms);
        if (rc == AZAUDIO_ERR_TIMEOUT) return 1;
        if (rc != AZAUDIO_OK) return 0;
        wait_ms = 0;
        size_t size = 0;
        const uint8_t *audio = azaudio_realtime_event_audio(e, &size);
        switch (azaudio_realtime_event_type(e)) {
        case AZAUDIO_EVENT_SPEECH_STARTED:
            printf("[%6lld ms] you started speaking\n", (long long)azaudio_realtime_event_audio_ms(e));
            break;
        case AZAUDIO_EVENT_SPEECH_STOPPED:
            t->speech_end_us = azaudio_monotonic_us();
            printf("[%6lld ms] you stopped speaking\n", (long long)azaudio_realtime_event_audio_ms(e));
            break;
        case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
            printf("you said: %s\n", azaudio_realtime_event_text(e));
            break;
        case AZAUDIO_EVENT_AUDIO_DELTA:
            if (!t->first_audio_us) t->first_audio_us = azaudio_monotonic_us();
            append(&t->reply, audio, size);
            break;
        case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA:
        case AZAUDIO_EVENT_TEXT_DELTA:
            printf("%s", azaudio_realtime_event_text(e));
            fflush(stdout);
            break;
        case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE:
        case AZAUDIO_EVENT_TEXT_DONE:
            printf("\n");
            break;
        case AZAUDIO_EVENT_RESPONSE_DONE:
            printf("response %s\n", azaudio_realtime_event_status(e));
            t->response_done = 1;
            if (strcmp(azaudio_realtime_event_status(e), "completed") != 0) t->failed = 1;
            break;
        case AZAUDIO_EVENT_ERROR:
            fprintf(stderr, "service error %s: %s\n", azaudio_realtime_event_error_code(e),
                    azaudio_realtime_event_text(e));
            break;
        case AZAUDIO_EVENT_CLOSED:
            printf("session closed (%d %s)\n", azaudio_realtime_event_close_code(e), azaudio_realtime_event_text(e));
            azaudio_realtime_event_free(e);
            return 0;
        default:
            break;
        }
        azaudio_realtime_event_free(e);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s INPUT.wav OUTPUT.wav [DEPLOYMENT]\n", argv[0]);
        return 2;
    }
    const char *speedup_text = getenv("AZAUDIO_SPEEDUP");
    double speedup = speedup_text ? atof(speedup_text) : 1.0;
    if (speedup <= 0) speedup = 1.0;
    const char *transcriber = getenv("AZAUDIO_TRANSCRIBE_DEPLOYMENT");
    const char *protocol = getenv("AZAUDIO_REALTIME_PROTOCOL");

    bytes input = {0};
    if (load_input(argv[1], &input)) return 1;

    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) return fail("client");

    azaudio_realtime_options options;
    AZAUDIO_INIT(realtime_options, &options);
    options.deployment = argc > 3 ? argv[3] : "gpt-realtime";
    options.protocol = protocol && strcmp(protocol, "preview") == 0 ? AZAUDIO_REALTIME_PREVIEW : AZAUDIO_REALTIME_GA;
    options.instructions = "You are a friendly voice assistant. Answer briefly.";
    options.input_transcription_deployment = transcriber ? (*transcriber ? transcriber : NULL) : "whisper";
    options.turn_detection = AZAUDIO_TURN_SERVER_VAD;

    uint64_t started = azaudio_monotonic_us();
    azaudio_realtime_session *session = NULL;
    if (azaudio_realtime_connect(client, &options, &session) != AZAUDIO_OK) return fail("connect");
    printf("session ready in %.0f ms (%s protocol)\n", (azaudio_monotonic_us() - started) / 1000.0,
           options.protocol == AZAUDIO_REALTIME_GA ? "GA" : "preview");

    /* The question, then a second of silence so the server's VAD ends the turn. */
    size_t frame_bytes = RATE / 1000 * FRAME_MS * 2;
    size_t silence_frames = 1000 / FRAME_MS;
    uint8_t *silence = calloc(1, frame_bytes);
    for (size_t i = 0; i < silence_frames; i++) append(&input, silence, frame_bytes);
    free(silence);

    azaudio_frame_cursor *cursor = NULL;
    azaudio_frame_cursor_create(AZAUDIO_FORMAT_PCM16, RATE, 1, FRAME_MS, input.data, input.size, &cursor);
    turn t;
    memset(&t, 0, sizeof t);
    int open = 1;
    uint64_t begin = azaudio_monotonic_us();
    for (;;) {
        const void *frame = NULL;
        size_t size = 0;
        uint64_t at_us = 0;
        azaudio_frame_cursor_next(cursor, &frame, &size, &at_us);
        if (!frame) break;
        azaudio_sleep_until_us(begin + (uint64_t)(at_us / speedup));
        azaudio_result rc = azaudio_realtime_send_audio(session, frame, size);
        if (rc == AZAUDIO_ERR_BUSY)
            fprintf(stderr, "send queue full: a frame was dropped\n");
        else if (rc != AZAUDIO_OK)
            return fail("send_audio");
        if (!(open = drain(session, &t, 0))) break;
    }
    azaudio_frame_cursor_destroy(cursor);

    /* Wait for the reply to finish (at most 60 s). */
    uint64_t deadline = azaudio_monotonic_us() + 60000000ull;
    while (open && !t.response_done && azaudio_monotonic_us() < deadline) open = drain(session, &t, 200);
    if (t.speech_end_us && t.first_audio_us > t.speech_end_us)
        printf("first reply audio %.0f ms after the end of your speech was detected\n",
               (t.first_audio_us - t.speech_end_us) / 1000.0);

    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    info.format = AZAUDIO_FORMAT_PCM16;
    info.sample_rate = RATE;
    info.channels = 1;
    int status = 0;
    if (!t.response_done || t.failed || t.reply.size == 0) {
        fprintf(stderr, "realtime: no complete spoken reply\n");
        status = 1;
    } else if (azaudio_wav_write_file(argv[2], &info, t.reply.data, t.reply.size) != AZAUDIO_OK) {
        status = fail(argv[2]);
    } else {
        printf("wrote %.2f s of reply audio to %s\n", t.reply.size / (RATE * 2.0), argv[2]);
    }
    azaudio_realtime_destroy(session);
    azaudio_client_destroy(client);
    free(input.data);
    free(t.reply.data);
    return status;
}
