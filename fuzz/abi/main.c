/* libFuzzer target over the exported C ABI (issue 16): drives the audio kit (G.711, resampler, WAV, frame cursor),
 * option structs with random sizes and values, client creation (no network: nothing is sent), chat building,
 * result strings and cancel tokens with arbitrary integers, sizes and bytes. Built with clang
 * -fsanitize=fuzzer,address,undefined against build/lib/libazaudio.so by scripts/fuzz.sh. A Swift trap in the
 * library (overflow, failed allocation) kills the process and libFuzzer reports it as a crash with the input.
 *
 * The harness keeps to the header's contract (buffers as large as stated, valid pointers or NULL), so any crash,
 * trap, sanitizer report or leak is the library's. Sizes of buffers it really touches are capped so that a
 * legitimate huge-but-valid request does not just exhaust the fuzzer's memory. */
#include "azaudio.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static uint64_t take(input *in, size_t bytes) {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes && in->n > 0; i++, in->p++, in->n--) v = (v << 8) | *in->p;
    return v;
}

/* Integers that hit edges often: small values, powers of two +- 1, the type's extremes. */
static uint64_t edgy(input *in) {
    switch (take(in, 1) % 8) {
    case 0:
        return take(in, 1);
    case 1:
        return (uint64_t)1 << (take(in, 1) % 64);
    case 2:
        return ((uint64_t)1 << (take(in, 1) % 64)) - 1;
    case 3:
        return UINT64_MAX - take(in, 1);
    case 4:
        return (uint64_t)INT64_MAX - take(in, 1);
    case 5:
        return (uint64_t)UINT32_MAX - take(in, 1);
    case 6:
        return (uint64_t)INT32_MAX + take(in, 1) - 128;
    default:
        return take(in, 8);
    }
}

/* A NUL-terminated string of up to 64 fuzz bytes (often malformed UTF-8), owned by the caller. */
static char *text(input *in) {
    size_t n = take(in, 1) % 65;
    if (n > in->n) n = in->n;
    char *s = malloc(n + 1);
    memcpy(s, in->p, n);
    s[n] = 0;
    in->p += n;
    in->n -= n;
    return s;
}

static const uint32_t rates[] = {8000, 16000, 24000, 48000, 0, 11025, 44100, 96000};

static void fuzz_resampler(input *in) {
    azaudio_resampler *r = NULL;
    uint32_t a = take(in, 1) & 1 ? rates[take(in, 1) % 8] : (uint32_t)edgy(in);
    uint32_t b = take(in, 1) & 1 ? rates[take(in, 1) % 8] : (uint32_t)edgy(in);
    if (azaudio_resampler_create(a, b, &r) != AZAUDIO_OK) return;
    (void)azaudio_resampler_max_output(r, (size_t)edgy(in));
    (void)azaudio_resampler_latency_samples(r);
    for (int k = 0; k < 4 && in->n > 0; k++) {
        size_t samples = take(in, 2) % 2048;
        if (samples * 2 > in->n) samples = in->n / 2;
        int16_t *pcm = malloc(samples * 2 + 2);
        memcpy(pcm, in->p, samples * 2);
        in->p += samples * 2;
        in->n -= samples * 2;
        size_t cap = azaudio_resampler_max_output(r, samples);
        size_t offered = take(in, 1) & 1 ? cap : (size_t)edgy(in) % (cap + 1);
        int16_t *out = malloc((offered ? offered : 1) * 2);
        size_t written = 0;
        (void)azaudio_resampler_process(r, pcm, samples, out, offered, &written);
        free(out);
        free(pcm);
    }
    size_t cap = azaudio_resampler_max_output(r, 0);
    int16_t *out = malloc((cap ? cap : 1) * 2);
    size_t written = 0;
    (void)azaudio_resampler_flush(r, out, cap, &written);
    free(out);
    (void)azaudio_resampler_reset(r);
    azaudio_resampler_destroy(r);
}

static void fuzz_frames(input *in) {
    int32_t format = (int32_t)(take(in, 1) % 5);
    uint32_t rate = take(in, 1) & 1 ? rates[take(in, 1) % 8] : (uint32_t)edgy(in);
    uint32_t channels = (uint32_t)(take(in, 1) & 1 ? take(in, 1) % 3 : edgy(in));
    uint32_t ms = (uint32_t)(take(in, 1) & 1 ? take(in, 1) % 100 : edgy(in));
    size_t bytes = 0;
    int rc = azaudio_frame_bytes(format, rate, channels, ms, &bytes);
    size_t size = in->n;
    azaudio_frame_cursor *c = NULL;
    if (azaudio_frame_cursor_create(format, rate, channels, ms, in->p, size, &c) != AZAUDIO_OK) return;
    (void)azaudio_frame_cursor_count(c);
    /* Walking frames touches one padded frame: only for frames a test machine can hold. */
    if (rc == AZAUDIO_OK && bytes <= (1u << 20)) {
        const void *frame = NULL;
        size_t n = 0;
        uint64_t ts = 0;
        for (int k = 0; k < 64; k++) {
            if (azaudio_frame_cursor_next(c, &frame, &n, &ts) != AZAUDIO_OK || !frame) break;
            volatile uint8_t touch = ((const uint8_t *)frame)[n - 1];
            (void)touch;
        }
        (void)azaudio_frame_cursor_rewind(c);
    }
    azaudio_frame_cursor_destroy(c);
    /* The largest size_t-as-int64 audio: counting must not overflow (nothing is read). */
    c = NULL;
    if (azaudio_frame_cursor_create(format, rate, channels, ms, in->p, (size_t)edgy(in), &c) == AZAUDIO_OK) {
        (void)azaudio_frame_cursor_count(c);
        azaudio_frame_cursor_destroy(c);
    }
}

static void fuzz_wav(input *in) {
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    info.struct_size = (uint32_t)(take(in, 1) & 1 ? sizeof info : edgy(in) % (sizeof info + 1));
    (void)azaudio_wav_parse(in->p, in->n, &info);
    azaudio_audio_buffer *b = NULL;
    if (azaudio_wav_read_memory(in->p, in->n, &b) == AZAUDIO_OK) {
        azaudio_wav_info got;
        azaudio_wav_info_init(&got);
        (void)azaudio_audio_buffer_info(b, &got);
        const uint8_t *data = azaudio_audio_buffer_data(b);
        size_t n = azaudio_audio_buffer_size(b);
        if (n) {
            volatile uint8_t last = data[n - 1];
            (void)last;
        }
        azaudio_audio_buffer_destroy(b);
    }
    azaudio_wav_info w;
    azaudio_wav_info_init(&w);
    w.format = (int32_t)(take(in, 1) % 5);
    w.sample_rate = (uint32_t)edgy(in);
    w.channels = (uint32_t)edgy(in);
    uint8_t header[AZAUDIO_WAV_HEADER_SIZE];
    (void)azaudio_wav_header(&w, (uint32_t)edgy(in), header, take(in, 1) & 1 ? sizeof header : (size_t)edgy(in) % 64);
}

static void fuzz_g711(input *in) {
    size_t n = in->n / 2;
    int16_t *pcm = malloc(n * 2 + 2);
    uint8_t *codes = malloc(n + 1);
    memcpy(pcm, in->p, n * 2);
    (void)azaudio_g711_ulaw_encode(pcm, n, codes);
    (void)azaudio_g711_ulaw_decode(codes, n, pcm);
    (void)azaudio_g711_alaw_encode(pcm, n, codes);
    (void)azaudio_g711_alaw_decode(codes, n, pcm);
    (void)azaudio_g711_alaw_decode(NULL, (size_t)edgy(in), pcm);
    free(pcm);
    free(codes);
}

static void fuzz_client_and_options(input *in) {
    azaudio_client_options o;
    azaudio_client_options_init(&o);
    char *key = text(in), *version = text(in), *suffix = text(in);
    o.struct_size = (uint32_t)(take(in, 1) & 1 ? sizeof o : edgy(in) % (sizeof o + 8));
    o.endpoint = take(in, 1) & 1 ? "http://127.0.0.1:1" : key;
    o.api_key = key;
    o.api_version = take(in, 1) & 1 ? NULL : version;
    o.user_agent_suffix = suffix;
    o.connect_timeout_ms = (uint32_t)edgy(in);
    o.timeout_ms = (uint32_t)edgy(in);
    o.max_retries = (int32_t)edgy(in);
    o.max_retry_wait_ms = (uint32_t)edgy(in);
    o.log_level = (int32_t)(take(in, 1) % 7);
    o.idle_timeout_ms = (uint32_t)edgy(in);
    o.min_body_bytes_per_s = (uint32_t)edgy(in);
    o.body_rate_window_ms = (uint32_t)edgy(in);
    azaudio_client *c = NULL;
    if (azaudio_client_create(&o, &c) == AZAUDIO_OK) {
        (void)azaudio_client_endpoint(c);
        azaudio_error_details d;
        memset(&d, 0, sizeof d);
        d.struct_size = (uint32_t)(edgy(in) % (sizeof d + 1));
        (void)azaudio_client_last_error(c, &d);
        azaudio_client_destroy(c);
    }
    free(key);
    free(version);
    free(suffix);
}

static void fuzz_chat(input *in) {
    azaudio_chat *chat = NULL;
    if (azaudio_chat_create(&chat) != AZAUDIO_OK) return;
    for (int k = 0; k < 4 && in->n > 0; k++) {
        char *role = text(in), *t = text(in), *format = text(in);
        (void)azaudio_chat_add_message(chat, take(in, 1) & 1 ? "user" : role, t);
        size_t n = take(in, 1) % 64;
        if (n > in->n) n = in->n;
        (void)azaudio_chat_add_audio(chat, in->p, n, take(in, 1) & 1 ? "wav" : format);
        (void)azaudio_chat_add_assistant_audio(chat, t);
        free(role);
        free(t);
        free(format);
    }
    (void)azaudio_chat_message_count(chat);
    azaudio_chat_clear(chat);
    azaudio_chat_destroy(chat);
}

static void fuzz_misc(input *in) {
    (void)azaudio_result_string((int32_t)edgy(in));
    (void)azaudio_last_error();
    (void)azaudio_version_string();
    azaudio_cancel_token *t = NULL;
    if (azaudio_cancel_token_create(&t) == AZAUDIO_OK) {
        if (take(in, 1) & 1) azaudio_cancel_token_cancel(t);
        if (take(in, 1) & 1) azaudio_cancel_token_reset(t);
        azaudio_cancel_token_destroy(t);
    }
    azaudio_speech_options s;
    azaudio_transcription_options tr;
    azaudio_translation_options tl;
    azaudio_chat_options ch;
    azaudio_realtime_options rt;
    (void)azaudio_speech_options_init(&s);
    (void)azaudio_transcription_options_init(&tr);
    (void)azaudio_translation_options_init(&tl);
    (void)azaudio_chat_options_init(&ch);
    (void)azaudio_realtime_options_init(&rt);
    (void)azaudio_sleep_until_us(take(in, 1) & 1 ? 0 : edgy(in) % 1000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input in = {data, size};
    switch (take(&in, 1) % 7) {
    case 0:
        fuzz_resampler(&in);
        break;
    case 1:
        fuzz_frames(&in);
        break;
    case 2:
        fuzz_wav(&in);
        break;
    case 3:
        fuzz_g711(&in);
        break;
    case 4:
        fuzz_client_and_options(&in);
        break;
    case 5:
        fuzz_chat(&in);
        break;
    default:
        fuzz_misc(&in);
        break;
    }
    return 0;
}
