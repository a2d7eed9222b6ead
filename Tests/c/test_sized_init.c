/* AZAUDIO_INIT and the azaudio_X_init_sized functions behind it: the defaults written into min(size, sizeof) bytes
 * only (an older program's smaller struct is never overrun), struct_size set to that, and a size below the first
 * release's refused with nothing written. Run under azaudio-emulator-run. */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

#include <stddef.h>
#include <stdlib.h>

/* The end of a struct's last field in 0.1.0: what the header names for each function. */
#define FIELD_END(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))
/* Bytes after the caller's struct that must survive every call. */
#define GUARD      64
#define GUARD_BYTE 0xA5

typedef azaudio_result (*init_sized_fn)(void *, size_t);

/* One row per struct with a sized init: its name, first-release size, this header's size, and its init. */
typedef struct {
    const char *name;
    size_t first_release;
    size_t current;
    init_sized_fn init;
} sized_kind;

#define SIZED_WRAPPER(kind)                                                                                            \
    static azaudio_result init_##kind(void *p, size_t n) { return azaudio_##kind##_init_sized(p, n); }
SIZED_WRAPPER(client_options)
SIZED_WRAPPER(wav_info)
SIZED_WRAPPER(transcription_options)
SIZED_WRAPPER(translation_options)
SIZED_WRAPPER(speech_options)
SIZED_WRAPPER(chat_options)
SIZED_WRAPPER(realtime_options)
SIZED_WRAPPER(call_accept_options)
SIZED_WRAPPER(realtime_response_options)

#define KIND(kind, last)                                                                                               \
    { #kind, FIELD_END(azaudio_##kind, last), sizeof(azaudio_##kind), init_##kind }
static const sized_kind kinds[] = {
    KIND(client_options, log_level),
    KIND(wav_info, data_size),
    KIND(transcription_options, progress_user_data),
    KIND(translation_options, progress_user_data),
    KIND(speech_options, max_retries),
    KIND(chat_options, progress_user_data),
    KIND(realtime_options, connect_timeout_ms),
    KIND(call_accept_options, max_retries),
    KIND(realtime_response_options, input_json),
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

/* A buffer of `size` bytes followed by GUARD guard bytes, all GUARD_BYTE. */
static unsigned char *guarded(size_t size) {
    unsigned char *buffer = malloc(size + GUARD);
    memset(buffer, GUARD_BYTE, size + GUARD);
    return buffer;
}

static int untouched(const unsigned char *bytes, size_t count) {
    for (size_t i = 0; i < count; i++)
        if (bytes[i] != GUARD_BYTE) return 0;
    return 1;
}

static uint32_t struct_size_of(const unsigned char *buffer) {
    uint32_t size;
    memcpy(&size, buffer, sizeof size);
    return size;
}

TEST(an_older_programs_smaller_struct_is_filled_without_a_byte_written_past_it) {
    int smaller_seen = 0;
    for (size_t i = 0; i < KIND_COUNT; i++) {
        const sized_kind *k = &kinds[i];
        smaller_seen |= k->first_release < k->current;
        unsigned char *buffer = guarded(k->first_release);
        CHECK_RESULT(k->init(buffer, k->first_release), AZAUDIO_OK);
        if (struct_size_of(buffer) != k->first_release || !untouched(buffer + k->first_release, GUARD)) {
            fprintf(stderr, "  %s: struct_size %u (expected %zu), guard %s\n", k->name, struct_size_of(buffer),
                    k->first_release, untouched(buffer + k->first_release, GUARD) ? "intact" : "overwritten");
            CHECK(0);
        }
        free(buffer);
    }
    /* Fields were appended since 0.1.0, so at least one row really is smaller than this header's struct. */
    CHECK(smaller_seen);
}

TEST(a_newer_programs_larger_struct_is_filled_only_up_to_the_librarys_size) {
    for (size_t i = 0; i < KIND_COUNT; i++) {
        const sized_kind *k = &kinds[i];
        unsigned char *buffer = guarded(k->current + GUARD);
        CHECK_RESULT(k->init(buffer, k->current + GUARD), AZAUDIO_OK);
        if (struct_size_of(buffer) != k->current || !untouched(buffer + k->current, 2 * GUARD)) {
            fprintf(stderr, "  %s: struct_size %u (expected %zu)\n", k->name, struct_size_of(buffer), k->current);
            CHECK(0);
        }
        free(buffer);
    }
}

TEST(a_size_below_the_first_release_is_refused_and_nothing_is_written) {
    for (size_t i = 0; i < KIND_COUNT; i++) {
        const sized_kind *k = &kinds[i];
        size_t sizes[] = {0, 4, k->first_release - 1};
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            unsigned char *buffer = guarded(k->current);
            CHECK_RESULT(k->init(buffer, sizes[s]), AZAUDIO_ERR_INVALID_ARGUMENT);
            char expected[96];
            snprintf(expected, sizeof expected, "size is %zu; it must be at least %zu", sizes[s], k->first_release);
            CHECK_STR_CONTAINS(azaudio_last_error(), expected);
            CHECK_STR_CONTAINS(azaudio_last_error(), k->name);
            CHECK(untouched(buffer, k->current + GUARD));
            free(buffer);
        }
    }
}

TEST(a_null_struct_is_refused) {
    for (size_t i = 0; i < KIND_COUNT; i++) {
        CHECK_RESULT(kinds[i].init(NULL, kinds[i].current), AZAUDIO_ERR_INVALID_ARGUMENT);
        CHECK_STR_CONTAINS(azaudio_last_error(), "is NULL");
    }
}

TEST(a_size_past_every_struct_is_read_as_the_librarys_size) {
    azaudio_transcription_options o;
    CHECK_RESULT(azaudio_transcription_options_init_sized(&o, (size_t)-1), AZAUDIO_OK);
    CHECK(o.struct_size == sizeof o);
}

TEST(azaudio_init_passes_the_programs_own_size_and_fills_the_defaults) {
    azaudio_transcription_options o;
    memset(&o, 0, sizeof o);
    CHECK_RESULT(AZAUDIO_INIT(transcription_options, &o), AZAUDIO_OK);
    CHECK(o.struct_size == sizeof o);
    CHECK(o.temperature == -1 && o.timeout_ms == -1 && o.max_retries == -1);
    CHECK(o.max_upload_bytes == 26214400);
    azaudio_wav_info info;
    CHECK_RESULT(AZAUDIO_INIT(wav_info, &info), AZAUDIO_OK);
    CHECK(info.struct_size == sizeof info && info.format == AZAUDIO_FORMAT_PCM16 && info.sample_rate == 24000);
    CHECK(info.channels == 1);
}

TEST(the_unsized_init_kept_for_built_programs_still_fills_this_headers_whole_struct) {
    azaudio_client_options o;
    memset(&o, 0, sizeof o);
    CHECK_RESULT(azaudio_client_options_init(&o), AZAUDIO_OK);
    CHECK(o.struct_size == sizeof o && o.max_retries == 2 && o.min_body_bytes_per_s == 64);
    CHECK(o.body_rate_window_ms == 60000);
}

/* The defaults a small struct gets are the ones the library uses for it: a client made from first-release-size
 * options works against the emulator. */
TEST(a_client_from_first_release_size_options_answers_calls) {
    size_t first = FIELD_END(azaudio_client_options, log_level);
    unsigned char *buffer = guarded(first);
    azaudio_client_options *o = (azaudio_client_options *)buffer;
    CHECK_RESULT(azaudio_client_options_init_sized(o, first), AZAUDIO_OK);
    CHECK(o->max_retries == 2 && o->log_level == AZAUDIO_LOG_WARN && o->endpoint == NULL);
    o->endpoint = rest_endpoint;
    o->api_key = getenv("AZURE_OPENAI_API_KEY");
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(o, &c), AZAUDIO_OK);
    CHECK(untouched(buffer + first, GUARD));
    size_t size = 0;
    unsigned char *audio = read_file(rest_speech_wav, &size);
    azaudio_transcription_options to;
    AZAUDIO_INIT(transcription_options, &to);
    to.deployment = "gpt-4o-mini-transcribe";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_memory(c, audio, size, "clip.wav", &to, &t), AZAUDIO_OK);
    CHECK(t != NULL && azaudio_transcript_text(t)[0] != '\0');
    azaudio_transcript_free(t);
    free(audio);
    azaudio_client_destroy(c);
    free(buffer);
}

int main(void) {
    rest_setup();
    RUN(an_older_programs_smaller_struct_is_filled_without_a_byte_written_past_it);
    RUN(a_newer_programs_larger_struct_is_filled_only_up_to_the_librarys_size);
    RUN(a_size_below_the_first_release_is_refused_and_nothing_is_written);
    RUN(a_null_struct_is_refused);
    RUN(a_size_past_every_struct_is_read_as_the_librarys_size);
    RUN(azaudio_init_passes_the_programs_own_size_and_fills_the_defaults);
    RUN(the_unsized_init_kept_for_built_programs_still_fills_this_headers_whole_struct);
    RUN(a_client_from_first_release_size_options_answers_calls);
    rest_teardown();
    return check_summary();
}
