/* Realtime audio in the caller's own format and rate, against the local emulator: 8 kHz mu-law passthrough,
 * 16/48/44.1 kHz PCM (mono and stereo) in and out, A-law in, and the caller format options' checks.
 * emulator-options: --speed 4 */
#define _DEFAULT_SOURCE
#include "telephony_support.h"

/* ---- caller formats -------------------------------------------------------------------------------------------- */

/* One spoken turn in 8 kHz mu-law; returns the reply audio and the VAD positions in *got. */
static void ulaw_turn(int caller_formats, seen *got) {
    azaudio_realtime_options o = options();
    o.input_audio_format = AZAUDIO_FORMAT_ULAW;
    o.output_audio_format = AZAUDIO_FORMAT_ULAW;
    o.input_transcription_deployment = "whisper";
    if (caller_formats) {
        o.caller_input_format = AZAUDIO_FORMAT_ULAW;
        o.caller_input_rate = 8000;
        o.caller_output_format = AZAUDIO_FORMAT_ULAW;
        o.caller_output_rate = 8000;
    }
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    size_t size = 0;
    uint8_t *codes = speech_ulaw(&size);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_SESSION_UPDATED, 5));
    send_frames(s, codes, size, 160, 0xFF, 60);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    free(codes);
    azaudio_realtime_destroy(s);
}

TEST(mulaw_8k_passes_straight_through_a_g711_ulaw_session) {
    seen plain, caller;
    seen_init(&plain);
    seen_init(&caller);
    ulaw_turn(0, &plain);
    ulaw_turn(1, &caller);
    CHECK_STR_CONTAINS(caller.session_json, "\"audio/pcmu\""); /* the service confirmed g711_ulaw both ways */
    CHECK(strstr(caller.session_json, "audio/pcm\"") == NULL);
    /* Same bytes in (the server's VAD saw the same audio at the same positions) and out (identical reply). */
    CHECK(caller.speech_started_ms == plain.speech_started_ms && caller.speech_stopped_ms == plain.speech_stopped_ms);
    CHECK(caller.audio_bytes > 4000 && caller.audio_bytes == plain.audio_bytes);
    CHECK(caller.audio_bytes == plain.audio_bytes && memcmp(caller.audio, plain.audio, caller.audio_bytes) == 0);
    CHECK(caller.tail_deltas == 0);
    CHECK(caller.input_transcript[0] != '\0' && strcmp(caller.input_transcript, plain.input_transcript) == 0);
    seen_free(&plain);
    seen_free(&caller);
}

/* The test speech sent at `rate` Hz PCM16 with `channels` channels (each a copy; converted to the session's 24 kHz
 * mono by the library). */
static void pcm_input_turn_channels(uint32_t rate, uint32_t channels, seen *got) {
    azaudio_realtime_options o = options();
    o.input_transcription_deployment = "whisper";
    o.caller_input_format = AZAUDIO_FORMAT_PCM16;
    o.caller_input_rate = rate;
    o.caller_input_channels = channels;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    size_t n = 0;
    int16_t *mono = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, rate, &n);
    int16_t *pcm = malloc(n * channels * sizeof *pcm);
    for (size_t i = 0; i < n * channels; i++) pcm[i] = mono[i / channels];
    free(mono);
    size_t frame = rate / 50 * 2 * channels; /* 20 ms */
    send_frames(s, (const uint8_t *)pcm, n * 2 * channels, frame, 0, 60);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_SPEECH_STOPPED, 10));
    CHECK(pull_until(s, got, AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED, 20));
    free(pcm);
    azaudio_realtime_destroy(s);
}

static void pcm_input_turn(uint32_t rate, seen *got) { pcm_input_turn_channels(rate, 1, got); }

TEST(pcm_16k_and_48k_input_is_resampled_to_the_session_rate) {
    seen ref, at16, at48;
    seen_init(&ref);
    seen_init(&at16);
    seen_init(&at48);
    pcm_input_turn(24000, &ref); /* the session's own format: sent as is */
    pcm_input_turn(16000, &at16);
    pcm_input_turn(48000, &at48);
    /* The server's VAD places speech at the same input times: the converted stream has the right duration. */
    CHECK(ref.speech_stopped_ms > 0);
    CHECK(llabs(at16.speech_started_ms - ref.speech_started_ms) <= 10);
    CHECK(llabs(at16.speech_stopped_ms - ref.speech_stopped_ms) <= 10);
    CHECK(llabs(at48.speech_started_ms - ref.speech_started_ms) <= 10);
    CHECK(llabs(at48.speech_stopped_ms - ref.speech_stopped_ms) <= 10);
    CHECK(at16.input_transcript[0] != '\0' && at48.input_transcript[0] != '\0'); /* heard as speech */
    seen_free(&ref);
    seen_free(&at16);
    seen_free(&at48);
}

TEST(pcm_44100_hz_stereo_input_is_mixed_and_resampled_to_the_session_rate) {
    seen ref, at44;
    seen_init(&ref);
    seen_init(&at44);
    pcm_input_turn(24000, &ref);
    pcm_input_turn_channels(44100, 2, &at44); /* CD audio: 44.1 kHz stereo */
    CHECK(ref.speech_stopped_ms > 0);
    CHECK(llabs(at44.speech_started_ms - ref.speech_started_ms) <= 10);
    CHECK(llabs(at44.speech_stopped_ms - ref.speech_stopped_ms) <= 10);
    CHECK(at44.input_transcript[0] != '\0');
    seen_free(&ref);
    seen_free(&at44);
}

/* A deterministic reply ("You said: hello there.") in the caller output format. */
static void reply_in_channels(int32_t format, uint32_t rate, uint32_t channels, seen *got) {
    azaudio_realtime_options o = options();
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.caller_output_format = format;
    o.caller_output_rate = rate;
    o.caller_output_channels = channels;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    azaudio_realtime_destroy(s);
}

static double rms_db(const int16_t *x, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)x[i] * x[i];
    return n ? 10 * log10(sum / n + 1e-9) : -1000;
}

static void reply_in(int32_t format, uint32_t rate, seen *got) { reply_in_channels(format, rate, 0, got); }

TEST(output_at_44100_hz_stereo_has_the_reply_duration_on_both_channels) {
    seen ref, cd;
    seen_init(&ref);
    seen_init(&cd);
    reply_in(AZAUDIO_CALLER_FORMAT_SESSION, 0, &ref);
    reply_in_channels(AZAUDIO_FORMAT_PCM16, 44100, 2, &cd);
    size_t n = ref.audio_bytes / 2; /* 24 kHz samples */
    CHECK(n > 12000);
    size_t frames = cd.audio_bytes / 4;
    CHECK(cd.audio_bytes % 4 == 0 && frames == (n * 147 + 79) / 80); /* ceil(N * 44100 / 24000) */
    const int16_t *pcm = (const int16_t *)cd.audio;
    int same = 1;
    for (size_t i = 0; i < frames; i++) same &= pcm[2 * i] == pcm[2 * i + 1];
    CHECK(same);
    seen_free(&ref);
    seen_free(&cd);
}

TEST(pcm_16k_and_48k_and_mulaw_output_has_the_reply_duration) {
    seen ref, at16, at48, ulaw8;
    seen_init(&ref);
    seen_init(&at16);
    seen_init(&at48);
    seen_init(&ulaw8);
    reply_in(AZAUDIO_CALLER_FORMAT_SESSION, 0, &ref);
    reply_in(AZAUDIO_FORMAT_PCM16, 16000, &at16);
    reply_in(AZAUDIO_FORMAT_PCM16, 48000, &at48);
    reply_in(AZAUDIO_FORMAT_ULAW, 8000, &ulaw8);
    size_t n = ref.audio_bytes / 2; /* 24 kHz samples */
    CHECK(n > 12000);
    /* A stream of N samples gives ceil(N * out / in) samples once the resampler's tail is out. */
    CHECK(at16.audio_bytes / 2 == (n * 2 + 2) / 3);
    CHECK(at48.audio_bytes / 2 == n * 2);
    CHECK(ulaw8.audio_bytes == (n + 2) / 3);
    CHECK(at16.tail_deltas == 1 && at48.tail_deltas == 1 && ulaw8.tail_deltas == 1);
    CHECK(ref.tail_deltas == 0);
    /* Same loudness: the same speech, not noise or silence. */
    double r = rms_db((const int16_t *)ref.audio, n);
    CHECK(fabs(rms_db((const int16_t *)at48.audio, n * 2) - r) < 0.5);
    CHECK(fabs(rms_db((const int16_t *)at16.audio, at16.audio_bytes / 2) - r) < 1.0);
    seen_free(&ref);
    seen_free(&at16);
    seen_free(&at48);
    seen_free(&ulaw8);
}

/* One refused caller-format setting: the fields it sets over options() and what the error must name ("" for no
 * particular text). */
typedef struct {
    int32_t input_format;
    uint32_t input_rate, input_channels;
    int32_t output_format;
    uint32_t output_rate, output_channels;
    int32_t barge_in;
    const char *names;
} refused_format;

static const refused_format refused_formats[] = {
    {.input_format = AZAUDIO_FORMAT_PCM16, .input_rate = 192001, .names = "caller_input_rate"},
    {.input_format = AZAUDIO_FORMAT_PCM16, .input_rate = 7999, .names = ""},
    {.input_format = AZAUDIO_FORMAT_PCM16, .input_rate = 0xFFFFFFFFu, .names = ""},
    /* convert with azaudio_audio_to_mono_pcm16() first */
    {.input_format = AZAUDIO_FORMAT_FLOAT32, .names = ""},
    {.input_format = AZAUDIO_FORMAT_PCM16, .input_channels = 33, .names = "caller_input_channels is 33"},
    {.input_format = AZAUDIO_FORMAT_PCM16, .input_channels = 0xFFFFFFFFu, .names = ""},
    {.output_channels = 2, .names = "caller_output_format"}, /* without a format */
    {.output_rate = 48000, .names = "caller_output_format"}, /* without a format */
    {.output_format = 9, .names = ""},
    {.barge_in = 2, .names = ""},
};

TEST(caller_format_options_are_checked) {
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_options o;
    for (size_t i = 0; i < sizeof refused_formats / sizeof refused_formats[0]; i++) {
        const refused_format *r = &refused_formats[i];
        o = options();
        if (r->input_format) o.caller_input_format = r->input_format;
        if (r->input_rate) o.caller_input_rate = r->input_rate;
        if (r->input_channels) o.caller_input_channels = r->input_channels;
        if (r->output_format) o.caller_output_format = r->output_format;
        if (r->output_rate) o.caller_output_rate = r->output_rate;
        if (r->output_channels) o.caller_output_channels = r->output_channels;
        if (r->barge_in) o.barge_in = r->barge_in;
        CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
        CHECK_STR_CONTAINS(azaudio_last_error(), r->names);
    }
    CHECK(s == NULL);

    /* A program built against the 0.1.0 header (struct_size up to connect_timeout_ms) still connects. */
    o = options();
    o.struct_size = (uint32_t)offsetof(azaudio_realtime_options, caller_input_format);
    o.caller_input_rate = 12345; /* beyond its struct_size: never read */
    s = connect_with(&o);
    CHECK(s != NULL);
    azaudio_realtime_destroy(s);

    /* PCM16 caller input must be whole samples; G.711 at 48 kHz is allowed (odd sizes fine). */
    o = options();
    o.caller_input_format = AZAUDIO_FORMAT_PCM16;
    o.caller_input_rate = 48000;
    s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0\0", 3), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0\0\0", 4), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK); /* sends the resampler's tail first */
    azaudio_realtime_destroy(s);
}

TEST(alaw_8k_into_a_pcm16_session_is_decoded_and_resampled) {
    azaudio_realtime_options o = options();
    o.input_transcription_deployment = "whisper";
    o.caller_input_format = AZAUDIO_FORMAT_ALAW;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    size_t n = 0;
    int16_t *pcm8 = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, 8000, &n);
    uint8_t *codes = malloc(n);
    azaudio_g711_alaw_encode(pcm8, n, codes);
    seen got;
    seen_init(&got);
    send_frames(s, codes, n, 160, 0xD5, 60);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED, 20));
    CHECK(got.input_transcript[0] != '\0'); /* heard as speech, not noise */
    CHECK(got.speech_stopped_ms > 0);
    free(pcm8);
    free(codes);
    seen_free(&got);
    azaudio_realtime_destroy(s);
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : NULL; /* run one test by name */
    if (!telephony_setup()) return 2;
    RUN_SELECTED(mulaw_8k_passes_straight_through_a_g711_ulaw_session);
    RUN_SELECTED(pcm_16k_and_48k_input_is_resampled_to_the_session_rate);
    RUN_SELECTED(pcm_44100_hz_stereo_input_is_mixed_and_resampled_to_the_session_rate);
    RUN_SELECTED(pcm_16k_and_48k_and_mulaw_output_has_the_reply_duration);
    RUN_SELECTED(output_at_44100_hz_stereo_has_the_reply_duration_on_both_channels);
    RUN_SELECTED(caller_format_options_are_checked);
    RUN_SELECTED(alaw_8k_into_a_pcm16_session_is_decoded_and_resampled);
    telephony_teardown();
    return check_summary();
}
