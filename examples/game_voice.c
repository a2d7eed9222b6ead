/* game_voice.c - a voice character in a game engine: the mixer runs at 48 kHz PCM16, the realtime session at
 * 24 kHz. The library converts both ways (caller_input_* / caller_output_* options, its streaming resampler), so
 * the game sends 48 kHz microphone frames and gets 48 kHz reply audio to mix.
 *
 *   AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_API_KEY=... ./game_voice mic.wav speaker.wav [DEPLOYMENT] [--speedup N]
 *
 * mic.wav stands in for the microphone: mono PCM16, mu-law or A-law at 8, 16, 24 or 48 kHz, brought to 48 kHz
 * PCM16 with the audio kit first (that is the mixer's format). speaker.wav receives what the game's audio device
 * plays: 48 kHz PCM16, 10 ms per audio callback, silence when the character is quiet. DEPLOYMENT defaults to
 * gpt-realtime. --speedup N (or AZAUDIO_SPEEDUP=N) runs the clock N times faster than real time (tests).
 *
 * Events arrive by callback on the library's I/O thread: it only moves reply audio into a locked queue (or drops
 * the queue on PLAYBACK_FLUSH) and notes what to print; the main loop plays the role of the audio device callback,
 * pulling 10 ms at a time and reporting what it played (azaudio_realtime_audio_played) so that barge-in cuts the
 * reply where the player stopped hearing it. Exit status: 0 on success, 1 on failure. */
#define _DEFAULT_SOURCE
#include <azaudio.h>
#include "example_clock.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE         48000
#define TICK_MS      10
#define TICK_SAMPLES (RATE / 1000 * TICK_MS) /* 480 */
#define MAX_MS       120000
#define QUIET_END_MS 1500

/* Shared between the I/O thread (callback) and the game loop. */
typedef struct {
    pthread_mutex_t lock;
    int16_t *queue; /* reply samples waiting to be played */
    size_t queued, capacity;
    char item[64]; /* the reply item the queue's audio belongs to */
    int responding, replies, barge_ins, errors, closed;
    int unanswered; /* the player spoke after the last completed reply (a cancelled one answers nothing) */
    size_t reply_samples;
    char log[8192]; /* lines for the game loop to print */
} voice;

static void say(voice *v, const char *line) {
    size_t used = strlen(v->log);
    snprintf(v->log + used, sizeof v->log - used, "%s\n", line);
}

static void on_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session;
    voice *v = user;
    char line[512];
    pthread_mutex_lock(&v->lock);
    switch (azaudio_realtime_event_type(e)) {
    case AZAUDIO_EVENT_AUDIO_DELTA: {
        size_t bytes = 0;
        const uint8_t *audio = azaudio_realtime_event_audio(e, &bytes); /* already 48 kHz */
        size_t n = bytes / 2;
        if (v->queued + n > v->capacity) {
            size_t capacity = (v->queued + n) * 2;
            int16_t *grown = realloc(v->queue, capacity * sizeof *grown);
            if (!grown) break;
            v->queue = grown;
            v->capacity = capacity;
        }
        memcpy(v->queue + v->queued, audio, n * 2);
        v->queued += n;
        v->reply_samples += n;
        snprintf(v->item, sizeof v->item, "%s", azaudio_realtime_event_item_id(e));
        break;
    }
    case AZAUDIO_EVENT_PLAYBACK_FLUSH:
        snprintf(line, sizeof line,
                 "barge-in: the player interrupted; reply cut at %lld ms, %zu ms of queued audio dropped",
                 (long long)azaudio_realtime_event_audio_ms(e), v->queued / (RATE / 1000));
        say(v, line);
        v->queued = 0;
        v->barge_ins++;
        break;
    case AZAUDIO_EVENT_SPEECH_STARTED:
        v->unanswered = 1;
        say(v, "player speaking");
        break;
    case AZAUDIO_EVENT_RESPONSE_CREATED:
        v->responding = 1;
        break;
    case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE:
        snprintf(line, sizeof line, "character: %s", azaudio_realtime_event_text(e));
        say(v, line);
        break;
    case AZAUDIO_EVENT_RESPONSE_DONE:
        v->responding = 0;
        v->replies++;
        if (strcmp(azaudio_realtime_event_status(e), "completed") == 0) v->unanswered = 0;
        snprintf(line, sizeof line, "reply %s", azaudio_realtime_event_status(e));
        say(v, line);
        break;
    case AZAUDIO_EVENT_ERROR:
        snprintf(line, sizeof line, "error %s: %s", azaudio_realtime_event_error_code(e),
                 azaudio_realtime_event_text(e));
        say(v, line);
        v->errors++;
        break;
    case AZAUDIO_EVENT_CLOSED:
        v->closed = 1;
        break;
    default:
        break;
    }
    pthread_mutex_unlock(&v->lock);
}

/* The microphone recording as 48 kHz PCM16 (samples in *out_samples). */
static int16_t *load_mic(const char *path, size_t *out_samples) {
    azaudio_audio_buffer *wav = NULL;
    if (azaudio_wav_read_file(path, &wav) != AZAUDIO_OK) {
        fprintf(stderr, "game_voice: %s: %s\n", path, azaudio_last_error());
        return NULL;
    }
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    azaudio_audio_buffer_info(wav, &info);
    size_t n = (size_t)info.frame_count;
    int16_t *pcm = NULL, *out = NULL;
    azaudio_resampler *r = NULL;
    if (info.channels != 1) {
        fprintf(stderr, "game_voice: %s has %u channels; give a mono file\n", path, info.channels);
    } else if (azaudio_resampler_create(info.sample_rate, RATE, &r) != AZAUDIO_OK) {
        fprintf(stderr, "game_voice: %s: %s\n", path, azaudio_last_error());
    } else {
        const void *data = azaudio_audio_buffer_data(wav);
        pcm = malloc(n * sizeof *pcm + 2);
        if (info.format == AZAUDIO_FORMAT_PCM16)
            memcpy(pcm, data, n * 2);
        else if (info.format == AZAUDIO_FORMAT_ULAW)
            azaudio_g711_ulaw_decode(data, n, pcm);
        else
            azaudio_g711_alaw_decode(data, n, pcm);
        size_t cap = azaudio_resampler_max_output(r, n) + azaudio_resampler_max_output(r, 0);
        out = malloc(cap * sizeof *out + 2);
        size_t done = 0, tail = 0;
        azaudio_resampler_process(r, pcm, n, out, cap, &done);
        azaudio_resampler_flush(r, out + done, cap - done, &tail);
        *out_samples = done + tail;
        printf("microphone: %s, %u Hz, %zu ms, mixed at 48 kHz\n", path, info.sample_rate, *out_samples / 48);
    }
    free(pcm);
    azaudio_resampler_destroy(r);
    azaudio_audio_buffer_destroy(wav);
    return out;
}

int main(int argc, char **argv) {
    double speedup = parse_speedup(&argc, argv);
    if (argc < 3) {
        fprintf(stderr, "usage: %s mic.wav speaker.wav [DEPLOYMENT] [--speedup N]\n", argv[0]);
        return 1;
    }
    size_t mic_samples = 0;
    int16_t *mic = load_mic(argv[1], &mic_samples);
    if (!mic) return 1;

    voice v;
    memset(&v, 0, sizeof v);
    pthread_mutex_init(&v.lock, NULL);
    /* AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN): the message names a missing one. */
    azaudio_client *client = NULL;
    azaudio_realtime_session *session = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fprintf(stderr, "game_voice: client: %s\n", azaudio_last_error());
        free(mic);
        return 1;
    }
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = argc > 3 ? argv[3] : "gpt-realtime";
    o.instructions = "You are a friendly character in a game. Answer in one or two sentences.";
    o.caller_input_format = AZAUDIO_FORMAT_PCM16; /* the mixer's format; the session stays 24 kHz PCM16 */
    o.caller_input_rate = RATE;
    o.caller_output_format = AZAUDIO_FORMAT_PCM16;
    o.caller_output_rate = RATE;
    o.event_callback = on_event;
    o.event_user_data = &v;
    if (azaudio_realtime_connect(client, &o, &session) != AZAUDIO_OK) {
        fprintf(stderr, "game_voice: connect: %s\n", azaudio_last_error());
        azaudio_client_destroy(client);
        free(mic);
        return 1;
    }
    printf("connected: %s, game audio 48 kHz PCM16 in and out, session 24 kHz PCM16 (resampled by the library), "
           "%.3gx real time\n",
           o.deployment, speedup);

    FILE *speaker = fopen(argv[2], "wb");
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    info.sample_rate = RATE;
    uint8_t header[AZAUDIO_WAV_HEADER_SIZE];
    azaudio_wav_header(&info, AZAUDIO_WAV_SIZE_UNKNOWN, header, sizeof header);
    if (!speaker || fwrite(header, 1, sizeof header, speaker) != sizeof header) {
        fprintf(stderr, "game_voice: cannot write %s\n", argv[2]);
        azaudio_realtime_destroy(session);
        azaudio_client_destroy(client);
        free(mic);
        return 1;
    }

    int failed = 0;
    int16_t out[TICK_SAMPLES], quiet[TICK_SAMPLES];
    memset(quiet, 0, sizeof quiet);
    char playing[64] = "";
    uint32_t played_ms = 0, quiet_ms = 0;
    size_t written = 0;
    uint64_t start = azaudio_monotonic_us();
    for (uint64_t tick = 0; tick * TICK_MS < MAX_MS; tick++) {
        uint64_t t_ms = tick * TICK_MS;
        azaudio_sleep_until_us(start + (uint64_t)((double)t_ms * 1000.0 / speedup));

        /* Microphone: the next 10 ms at 48 kHz (silence after the recording). */
        size_t at = (size_t)tick * TICK_SAMPLES;
        const int16_t *frame = at + TICK_SAMPLES <= mic_samples ? mic + at : quiet;
        azaudio_result rc = azaudio_realtime_send_audio(session, frame, sizeof quiet);
        if (rc != AZAUDIO_OK && rc != AZAUDIO_ERR_BUSY) {
            fprintf(stderr, "game_voice: send: %s\n", azaudio_last_error());
            failed = 1;
            break;
        }

        /* Audio device callback: take 10 ms of the character's voice. */
        pthread_mutex_lock(&v.lock);
        size_t take = v.queued < TICK_SAMPLES ? v.queued : TICK_SAMPLES;
        memcpy(out, v.queue, take * 2);
        memmove(v.queue, v.queue + take, (v.queued - take) * 2);
        v.queued -= take;
        if (take > 0 && strcmp(playing, v.item) != 0) {
            snprintf(playing, sizeof playing, "%s", v.item);
            played_ms = 0;
        }
        int responding = v.responding, replies = v.replies, closed = v.closed, errors = v.errors;
        int unanswered = v.unanswered;
        size_t waiting = v.queued;
        for (char *line = v.log, *end; *line; line = end + 1) {
            end = strchr(line, '\n');
            printf("[%6llu ms] %.*s\n", (unsigned long long)t_ms, (int)(end - line), line);
        }
        v.log[0] = 0;
        pthread_mutex_unlock(&v.lock);
        memset(out + take, 0, (TICK_SAMPLES - take) * 2);
        if (take > 0) {
            played_ms += (uint32_t)(take / (RATE / 1000));
            azaudio_realtime_audio_played(session, playing, played_ms);
        }
        if (fwrite(out, 2, TICK_SAMPLES, speaker) != TICK_SAMPLES) {
            failed = 1;
            break;
        }
        written += TICK_SAMPLES * 2;
        if (closed || errors) {
            failed = 1;
            break;
        }
        quiet_ms = (take == 0 && !responding && waiting == 0) ? quiet_ms + TICK_MS : 0;
        if (at >= mic_samples && replies > 0 && !unanswered && quiet_ms >= QUIET_END_MS) break;
    }
    azaudio_realtime_destroy(session); /* no callback runs after this */
    printf("%s", v.log);
    printf("done: %zu ms played, %zu ms of 48 kHz reply audio received, %d repl%s, %d barge-in%s\n", written / 96,
           v.reply_samples / 48, v.replies, v.replies == 1 ? "y" : "ies", v.barge_ins, v.barge_ins == 1 ? "" : "s");
    azaudio_wav_header(&info, (uint32_t)written, header, sizeof header);
    if (fseek(speaker, 0, SEEK_SET) != 0 || fwrite(header, 1, sizeof header, speaker) != sizeof header) failed = 1;
    if (fclose(speaker) != 0) failed = 1;
    if (v.replies == 0) {
        fprintf(stderr, "game_voice: the character never replied\n");
        failed = 1;
    }
    azaudio_client_destroy(client);
    free(v.queue);
    free(mic);
    pthread_mutex_destroy(&v.lock);
    return failed ? 1 : 0;
}
