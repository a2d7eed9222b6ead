/* Helpers shared by the realtime session C tests (test_realtime.c, test_realtime_errors.c, _load.c, _coalescing.c;
 * run with the emulator's --speed 40): what a session delivered in either delivery mode, options for either
 * protocol, and the test speech in any format. */
#ifndef AZAUDIO_REALTIME_TURN_SUPPORT_H
#define AZAUDIO_REALTIME_TURN_SUPPORT_H

#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"

#include <pthread.h>
#include <stdint.h>

/* What a session delivered, gathered from either delivery mode. */
typedef struct {
    int count[40];
    size_t audio_bytes;
    char transcript[1024];
    char input_transcript[1024];
    char status[64];
    char error_code[128];
    char function_name[64];
    char call_id[64];
    char arguments[256];
    char audio_item[128];
    int close_code;
    int closed;
    int bad_strings; /* events whose JSON broke the accessors' promises (see record) */
} seen;

static inline void record(void *seen_, const azaudio_realtime_event *e) {
    seen *s = seen_;
    int t = azaudio_realtime_event_type(e);
    if (t >= 0 && t < 40) s->count[t]++;
    size_t n = 0;
    azaudio_realtime_event_audio(e, &n);
    s->audio_bytes += n;
    /* An event's strings are made once and live with it (the same pointer on every call); its JSON is the event as
     * received (an audio delta keeps its received bytes: its type and base64 delta are in it) or, for an event the
     * library made, describes it. */
    const char *json = azaudio_realtime_event_json(e);
    if (!json || json != azaudio_realtime_event_json(e) || json[0] != '{')
        s->bad_strings++;
    else if (t == AZAUDIO_EVENT_AUDIO_DELTA &&
             (!strstr(json, "\"delta\"") || !strstr(json, azaudio_realtime_event_name(e))))
        s->bad_strings++;
    else if (t == AZAUDIO_EVENT_CLOSED && !strstr(json, "\"closed\""))
        s->bad_strings++;
    if (azaudio_realtime_event_item_id(e) != azaudio_realtime_event_item_id(e)) s->bad_strings++;
    switch (t) {
    case AZAUDIO_EVENT_AUDIO_DELTA:
        snprintf(s->audio_item, sizeof s->audio_item, "%s", azaudio_realtime_event_item_id(e));
        break;
    case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE:
    case AZAUDIO_EVENT_TEXT_DONE:
        snprintf(s->transcript, sizeof s->transcript, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
        snprintf(s->input_transcript, sizeof s->input_transcript, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_RESPONSE_DONE:
        snprintf(s->status, sizeof s->status, "%s", azaudio_realtime_event_status(e));
        break;
    case AZAUDIO_EVENT_ERROR:
        snprintf(s->error_code, sizeof s->error_code, "%s", azaudio_realtime_event_error_code(e));
        break;
    case AZAUDIO_EVENT_FUNCTION_CALL:
        snprintf(s->function_name, sizeof s->function_name, "%s", azaudio_realtime_event_function_name(e));
        snprintf(s->call_id, sizeof s->call_id, "%s", azaudio_realtime_event_call_id(e));
        snprintf(s->arguments, sizeof s->arguments, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_CLOSED:
        s->close_code = azaudio_realtime_event_close_code(e);
        s->closed = 1;
        break;
    default:
        break;
    }
}

/* Pulls events until one of type `until` (or CLOSED) arrived; returns 1 if `until` came. */
static inline int pull_until(azaudio_realtime_session *session, seen *s, int until, double seconds) {
    return realtime_pull_until(session, record, s, until, seconds, 200);
}

/* A session opened with `o` (NULL, a failed check, if it was not), `got` emptied, and a reply to `text` asked for:
 * a user text item, then response.create. */
static inline azaudio_realtime_session *ask(const azaudio_realtime_options *o, seen *got, const char *text) {
    azaudio_realtime_session *s = connect_with(o);
    CHECK(s != NULL);
    if (!s) return NULL;
    memset(got, 0, sizeof *got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", text), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    return s;
}

static inline azaudio_realtime_options options_for(int protocol) {
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "gpt-realtime";
    o.protocol = protocol;
    return o;
}

/* Converts the 24 kHz test speech to 8 kHz G.711 of the given format. */
static inline uint8_t *speech_as_g711(int format, size_t *out_size) {
    azaudio_resampler *r = NULL;
    azaudio_resampler_create(24000, 8000, &r);
    size_t in = speech_size / 2;
    size_t cap = azaudio_resampler_max_output(r, in) + azaudio_resampler_max_output(r, 0);
    int16_t *pcm8 = malloc(cap * sizeof *pcm8);
    size_t n = 0, tail = 0;
    azaudio_resampler_process(r, (const int16_t *)speech_pcm, in, pcm8, cap, &n);
    azaudio_resampler_flush(r, pcm8 + n, cap - n, &tail);
    n += tail;
    azaudio_resampler_destroy(r);
    uint8_t *codes = malloc(n);
    if (format == AZAUDIO_FORMAT_ULAW)
        azaudio_g711_ulaw_encode(pcm8, n, codes);
    else
        azaudio_g711_alaw_encode(pcm8, n, codes);
    free(pcm8);
    *out_size = n;
    return codes;
}

/* Sends speech then silence in 20 ms frames (as fast as the queue takes them: the emulator's VAD works on the
 * input's own timeline). */
static inline void send_speech(azaudio_realtime_session *s, int format) {
    size_t size = speech_size;
    uint8_t *audio = speech_pcm;
    uint8_t *owned = NULL;
    if (format != AZAUDIO_FORMAT_PCM16) audio = owned = speech_as_g711(format, &size);
    size_t frame = format == AZAUDIO_FORMAT_PCM16 ? 960 : 160;
    for (size_t off = 0; off < size; off += frame) {
        size_t n = size - off < frame ? size - off : frame;
        if (format == AZAUDIO_FORMAT_PCM16) n &= ~(size_t)1;
        if (n) CHECK_RESULT(azaudio_realtime_send_audio(s, audio + off, n), AZAUDIO_OK);
    }
    uint8_t silence[960];
    memset(silence, format == AZAUDIO_FORMAT_PCM16 ? 0 : (format == AZAUDIO_FORMAT_ULAW ? 0xFF : 0xD5), sizeof silence);
    for (int i = 0; i < 75; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, silence, frame), AZAUDIO_OK);
    free(owned);
}

#endif
