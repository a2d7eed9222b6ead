/* phone_bridge.c - what a SIP/RTP gateway does with a realtime voice agent: 8 kHz mu-law in 20 ms frames at
 * real-time pace, passed straight through to a g711_ulaw session (no resampling), the agent's mu-law reply played
 * out in 20 ms frames as a jitter-free RTP playout would, and barge-in driven by what has really been played.
 *
 *   AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_API_KEY=... ./phone_bridge caller.wav|- reply.wav [DEPLOYMENT] [--speedup N]
 *
 * caller.wav stands in for the RTP stream from the phone: mono mu-law 8 kHz is used as is; PCM16 or A-law at 8,
 * 16, 24 or 48 kHz is converted to 8 kHz mu-law first with the audio kit, as a gateway would transcode. Given "-"
 * instead, the caller is live: raw 8 kHz mu-law read from stdin as it arrives, one 20 ms frame per tick, silence in
 * any tick with no whole frame waiting (as a jitter buffer conceals a late packet); end of input is the caller
 * done. The timeline on stdout is line-buffered, so whatever drives the caller can react to it. reply.wav
 * stands in for the RTP stream to the phone: one 20 ms mu-law frame per tick for the whole call, silence when the
 * agent has nothing queued, so it has the call's length and timing. DEPLOYMENT defaults to gpt-realtime.
 * --speedup N (or AZAUDIO_SPEEDUP=N) runs the clock N times faster than real time (tests).
 *
 * One thread does it all, once per 20 ms tick: send the caller's next frame, pull the session's events
 * (azaudio_realtime_next_event with no wait), play one frame of reply audio and tell the library how much of the
 * reply item has been played (azaudio_realtime_audio_played). When the caller talks over the agent, the library
 * cancels/truncates the reply at that played position and sends PLAYBACK_FLUSH: the bridge drops what it had
 * queued, so the caller stops hearing the agent at once. Exit status: 0 on success, 1 on failure. */
#define _POSIX_C_SOURCE 200809L /* read, fcntl */
#include <azaudio.h>
#include "example_clock.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATE            8000
#define FRAME_MS        20
#define FRAME_BYTES     160    /* 20 ms of 8 kHz mu-law */
#define MAX_CALL_MS     120000 /* give up after two minutes of call time */
#define HANGUP_AFTER_MS 1500   /* after the caller's audio ends and the agent went quiet */

/* ---- the playout queue: reply audio waiting to be played, tagged with its item ----------------------------------- */

typedef struct chunk {
    struct chunk *next;
    char item[64];
    size_t size, offset;
    uint8_t data[];
} chunk;

typedef struct {
    chunk *head, *tail;
    size_t queued;
    char playing[64];   /* the item being played */
    uint32_t played_ms; /* of that item */
} playout;

static int queue_audio(playout *p, const char *item, const uint8_t *data, size_t size) {
    chunk *c = malloc(sizeof *c + size);
    if (!c) return 0;
    c->next = NULL;
    snprintf(c->item, sizeof c->item, "%s", item);
    c->size = size;
    c->offset = 0;
    memcpy(c->data, data, size);
    if (p->tail)
        p->tail->next = c;
    else
        p->head = c;
    p->tail = c;
    p->queued += size;
    return 1;
}

static size_t drop_queued(playout *p) {
    size_t dropped = p->queued;
    while (p->head) {
        chunk *next = p->head->next;
        free(p->head);
        p->head = next;
    }
    p->tail = NULL;
    p->queued = 0;
    return dropped;
}

/* Fills one frame from the queue (silence where it runs out); returns the reply bytes it took. */
static size_t play_frame(playout *p, azaudio_realtime_session *session, uint8_t frame[FRAME_BYTES]) {
    size_t filled = 0;
    while (filled < FRAME_BYTES && p->head) {
        chunk *c = p->head;
        if (strcmp(c->item, p->playing) != 0) {
            snprintf(p->playing, sizeof p->playing, "%s", c->item);
            p->played_ms = 0;
        }
        size_t take = c->size - c->offset;
        if (take > FRAME_BYTES - filled) take = FRAME_BYTES - filled;
        memcpy(frame + filled, c->data + c->offset, take);
        filled += take;
        c->offset += take;
        p->queued -= take;
        p->played_ms += (uint32_t)(take / 8); /* 8 bytes per ms */
        /* Tell the library how far the caller has heard this item: barge-in truncates there. */
        azaudio_realtime_audio_played(session, p->playing, p->played_ms);
        if (c->offset == c->size) {
            p->head = c->next;
            if (!p->head) p->tail = NULL;
            free(c);
        }
    }
    memset(frame + filled, 0xFF, FRAME_BYTES - filled); /* mu-law silence */
    return filled;
}

/* ---- input: any mono WAV to 8 kHz mu-law ------------------------------------------------------------------------- */

static int fail(const char *what) {
    fprintf(stderr, "phone_bridge: %s: %s\n", what, azaudio_last_error());
    return 0;
}

static int load_caller(const char *path, uint8_t **out, size_t *out_size) {
    azaudio_audio_buffer *wav = NULL;
    if (azaudio_wav_read_file(path, &wav) != AZAUDIO_OK) return fail(path);
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    azaudio_audio_buffer_info(wav, &info);
    const void *data = azaudio_audio_buffer_data(wav);
    size_t samples = (size_t)info.frame_count;
    int ok = 1;
    if (info.channels != 1) {
        fprintf(stderr, "phone_bridge: %s has %u channels; a phone call is mono\n", path, info.channels);
        ok = 0;
    } else if (info.format == AZAUDIO_FORMAT_ULAW && info.sample_rate == RATE) {
        *out = malloc(samples + 1);
        memcpy(*out, data, samples);
        *out_size = samples;
        printf("caller audio: %s, 8 kHz mu-law, %zu ms (used as is)\n", path, samples / 8);
    } else {
        /* Transcode: decode G.711 if needed, resample to 8 kHz, encode mu-law. */
        int16_t *pcm = malloc(samples * sizeof *pcm + 2);
        if (info.format == AZAUDIO_FORMAT_PCM16)
            memcpy(pcm, data, samples * sizeof *pcm);
        else if (info.format == AZAUDIO_FORMAT_ULAW)
            azaudio_g711_ulaw_decode(data, samples, pcm);
        else
            azaudio_g711_alaw_decode(data, samples, pcm);
        azaudio_resampler *r = NULL;
        if (azaudio_resampler_create(info.sample_rate, RATE, &r) != AZAUDIO_OK) {
            ok = fail("the caller WAV's rate");
        } else {
            size_t cap = azaudio_resampler_max_output(r, samples) + azaudio_resampler_max_output(r, 0);
            int16_t *pcm8 = malloc(cap * sizeof *pcm8 + 2);
            size_t n = 0, tail = 0;
            azaudio_resampler_process(r, pcm, samples, pcm8, cap, &n);
            azaudio_resampler_flush(r, pcm8 + n, cap - n, &tail);
            n += tail;
            *out = malloc(n + 1);
            azaudio_g711_ulaw_encode(pcm8, n, *out);
            *out_size = n;
            free(pcm8);
            azaudio_resampler_destroy(r);
            printf("caller audio: %s, %u Hz %s, %zu ms (transcoded to 8 kHz mu-law)\n", path, info.sample_rate,
                   info.format == AZAUDIO_FORMAT_PCM16 ? "PCM16" : "A-law", n / 8);
        }
        free(pcm);
    }
    azaudio_audio_buffer_destroy(wav);
    return ok;
}

/* ---- input: a live caller on stdin ---------------------------------------------------------------------------------
 */

typedef struct {
    uint8_t frame[FRAME_BYTES];
    size_t have; /* bytes of the next frame read so far */
    int ended;   /* end of input (or a read error) */
} live_caller;

/* Takes the next whole frame if one has arrived (never waits); returns 1 and fills frame, else 0. */
static int live_next(live_caller *c, uint8_t frame[FRAME_BYTES]) {
    while (!c->ended && c->have < FRAME_BYTES) {
        ssize_t n = read(STDIN_FILENO, c->frame + c->have, FRAME_BYTES - c->have);
        if (n > 0)
            c->have += (size_t)n;
        else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            c->ended = 1;
        else if (errno != EINTR)
            break;
    }
    if (c->have < FRAME_BYTES) return 0; /* (a partial frame at the end of input is dropped) */
    memcpy(frame, c->frame, FRAME_BYTES);
    c->have = 0;
    return 1;
}

/* ---- output: a streaming mu-law WAV ------------------------------------------------------------------------------ */

static FILE *open_reply(const char *path) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "phone_bridge: cannot create %s\n", path);
        return NULL;
    }
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    info.format = AZAUDIO_FORMAT_ULAW;
    info.sample_rate = RATE;
    uint8_t header[AZAUDIO_WAV_HEADER_SIZE];
    azaudio_wav_header(&info, AZAUDIO_WAV_SIZE_UNKNOWN, header, sizeof header); /* final size written at the end */
    fwrite(header, 1, sizeof header, f);
    return f;
}

static int close_reply(FILE *f, uint32_t data_size) {
    azaudio_wav_info info;
    AZAUDIO_INIT(wav_info, &info);
    info.format = AZAUDIO_FORMAT_ULAW;
    info.sample_rate = RATE;
    uint8_t header[AZAUDIO_WAV_HEADER_SIZE];
    azaudio_wav_header(&info, data_size, header, sizeof header);
    int ok = fseek(f, 0, SEEK_SET) == 0 && fwrite(header, 1, sizeof header, f) == sizeof header;
    return fclose(f) == 0 && ok;
}

/* ---- the call ---------------------------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    double speedup = parse_speedup(&argc, argv);
    if (argc < 3) {
        fprintf(stderr, "usage: %s caller.wav|- reply.wav [DEPLOYMENT] [--speedup N]\n", argv[0]);
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* the timeline, line by line, even into a pipe */
    uint8_t *caller = NULL;
    size_t caller_size = 0;
    live_caller live = {.have = 0, .ended = 0};
    int is_live = strcmp(argv[1], "-") == 0;
    if (is_live) {
        int flags = fcntl(STDIN_FILENO, F_GETFL);
        if (flags < 0 || fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK) != 0) {
            perror("phone_bridge: stdin");
            return 1;
        }
        printf("caller audio: live 8 kHz mu-law from stdin\n");
    } else if (!load_caller(argv[1], &caller, &caller_size)) {
        return 1;
    }

    /* AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN): the message names a missing one. */
    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fail("client");
        free(caller);
        return 1;
    }
    /* The session speaks the phone's codec both ways: mu-law frames go out untouched (base64 only). Barge-in is on
     * by default; the server's VAD finds the caller's turns and interrupts the agent. */
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = argc > 3 ? argv[3] : "gpt-realtime";
    o.input_audio_format = AZAUDIO_FORMAT_ULAW;
    o.output_audio_format = AZAUDIO_FORMAT_ULAW;
    o.instructions = "You are a helpful voice agent on a phone line. Keep answers short.";
    azaudio_realtime_session *session = NULL;
    if (azaudio_realtime_connect(client, &o, &session) != AZAUDIO_OK) {
        fail("connect");
        azaudio_client_destroy(client);
        free(caller);
        return 1;
    }
    printf("connected: %s, g711_ulaw in and out (passthrough, no resampling), 20 ms frames, %.3gx real time\n",
           o.deployment, speedup);

    FILE *reply = open_reply(argv[2]);
    azaudio_frame_cursor *cursor = NULL;
    if (!reply || azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, RATE, 1, FRAME_MS, caller, caller_size, &cursor) !=
                      AZAUDIO_OK) {
        if (reply) fclose(reply);
        azaudio_realtime_destroy(session);
        azaudio_client_destroy(client);
        free(caller);
        return fail("setup");
    }

    playout out;
    memset(&out, 0, sizeof out);
    uint8_t silence[FRAME_BYTES], frame[FRAME_BYTES];
    memset(silence, 0xFF, sizeof silence);
    int failed = 0, responding = 0, replies = 0, barge_ins = 0, closed = 0, speaking = 0;
    int unanswered = 0; /* the caller spoke after the last completed reply (a cancelled one answers nothing) */
    uint32_t written = 0, reply_ms = 0, quiet_ms = 0;
    uint64_t start = azaudio_monotonic_us();
    for (uint64_t tick = 0; !closed && tick * FRAME_MS < MAX_CALL_MS; tick++) {
        uint64_t call_ms = tick * FRAME_MS;
        azaudio_sleep_until_us(start + (uint64_t)((double)call_ms * 1000.0 / speedup));

        /* 1. The caller's next 20 ms (silence once the recording ends: the line stays open). */
        const void *in = NULL;
        size_t in_size = 0;
        uint8_t live_frame[FRAME_BYTES];
        if (is_live)
            in = live_next(&live, live_frame) ? live_frame : NULL;
        else
            azaudio_frame_cursor_next(cursor, &in, &in_size, NULL);
        if (!in) in = silence;
        azaudio_result rc = azaudio_realtime_send_audio(session, in, FRAME_BYTES);
        if (rc == AZAUDIO_ERR_BUSY)
            fprintf(stderr, "[%6llu ms] send queue full: frame dropped\n", (unsigned long long)call_ms);
        else if (rc != AZAUDIO_OK) {
            failed = !fail("send");
            break;
        }

        /* 2. Whatever the session has for us (no waiting: this is the media thread). */
        azaudio_realtime_event *e = NULL;
        while (azaudio_realtime_next_event(session, &e, 0) == AZAUDIO_OK) {
            size_t n = 0;
            const uint8_t *audio = azaudio_realtime_event_audio(e, &n);
            switch (azaudio_realtime_event_type(e)) {
            case AZAUDIO_EVENT_AUDIO_DELTA:
                queue_audio(&out, azaudio_realtime_event_item_id(e), audio, n);
                reply_ms += (uint32_t)(n / 8);
                break;
            case AZAUDIO_EVENT_SPEECH_STARTED:
                unanswered = 1;
                printf("[%6llu ms] caller speaking (input at %lld ms)\n", (unsigned long long)call_ms,
                       (long long)azaudio_realtime_event_audio_ms(e));
                break;
            case AZAUDIO_EVENT_PLAYBACK_FLUSH: {
                size_t dropped = drop_queued(&out);
                barge_ins++;
                long long at = (long long)azaudio_realtime_event_audio_ms(e);
                if (at > 0)
                    printf("[%6llu ms] barge-in: agent cut at %lld ms of its reply (what the caller heard), %zu ms of "
                           "queued reply dropped\n",
                           (unsigned long long)call_ms, at, dropped / 8);
                else
                    printf("[%6llu ms] barge-in before any reply was heard: %zu ms of queued reply dropped, no "
                           "truncate\n",
                           (unsigned long long)call_ms, dropped / 8);
                break;
            }
            case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
                printf("[%6llu ms] caller said: %s\n", (unsigned long long)call_ms, azaudio_realtime_event_text(e));
                break;
            case AZAUDIO_EVENT_RESPONSE_CREATED:
                responding = 1;
                break;
            case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE:
                printf("[%6llu ms] agent: %s\n", (unsigned long long)call_ms, azaudio_realtime_event_text(e));
                break;
            case AZAUDIO_EVENT_RESPONSE_DONE:
                responding = 0;
                replies++;
                if (strcmp(azaudio_realtime_event_status(e), "completed") == 0) unanswered = 0;
                printf("[%6llu ms] reply %s%s%s\n", (unsigned long long)call_ms, azaudio_realtime_event_status(e),
                       *azaudio_realtime_event_text(e) ? ": " : "", azaudio_realtime_event_text(e));
                break;
            case AZAUDIO_EVENT_ERROR:
                fprintf(stderr, "[%6llu ms] error %s: %s\n", (unsigned long long)call_ms,
                        azaudio_realtime_event_error_code(e), azaudio_realtime_event_text(e));
                failed = 1;
                break;
            case AZAUDIO_EVENT_CLOSED:
                fprintf(stderr, "[%6llu ms] session closed (%d): %s\n", (unsigned long long)call_ms,
                        azaudio_realtime_event_close_code(e), azaudio_realtime_event_text(e));
                closed = 1;
                failed = 1;
                break;
            default:
                break;
            }
            azaudio_realtime_event_free(e);
        }

        /* 3. Play one frame to the phone, like a jitter buffer emptying at the line's rate. */
        size_t took = play_frame(&out, session, frame);
        if ((took > 0) != speaking) {
            speaking = took > 0;
            printf("[%6llu ms] agent %s\n", (unsigned long long)call_ms, speaking ? "speaking" : "quiet");
        }
        if (fwrite(frame, 1, FRAME_BYTES, reply) != FRAME_BYTES) {
            fprintf(stderr, "phone_bridge: writing %s failed\n", argv[2]);
            failed = 1;
            break;
        }
        written += FRAME_BYTES;

        /* Hang up once the caller's recording is over and the agent has answered it and finished talking. */
        int caller_done = is_live ? live.ended : call_ms >= caller_size / 8;
        quiet_ms = (took == 0 && !responding && out.queued == 0) ? quiet_ms + FRAME_MS : 0;
        if (caller_done && replies > 0 && !unanswered && quiet_ms >= HANGUP_AFTER_MS) break;
    }
    printf("call over: %u ms on the line, %u ms of reply audio received, %d repl%s, %d barge-in%s\n", written / 8,
           reply_ms, replies, replies == 1 ? "y" : "ies", barge_ins, barge_ins == 1 ? "" : "s");

    azaudio_realtime_destroy(session);
    azaudio_client_destroy(client);
    azaudio_frame_cursor_destroy(cursor);
    drop_queued(&out);
    free(caller);
    if (!close_reply(reply, written)) {
        fprintf(stderr, "phone_bridge: finishing %s failed\n", argv[2]);
        failed = 1;
    }
    if (replies == 0) {
        fprintf(stderr, "phone_bridge: the agent never replied\n");
        failed = 1;
    }
    return failed ? 1 : 0;
}
