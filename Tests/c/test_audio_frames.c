/* C tests of the audio kit: frame sizes, the frame cursor and pacing.
 * Run from any directory; it writes its files under a mkdtemp() directory in /tmp. */
#define _POSIX_C_SOURCE 200809L
#include "audio_support.h"

/* ---- Frames and pacing ------------------------------------------------------------------------------------- */

TEST(frame_bytes_for_common_layouts_and_errors) {
    size_t bytes = 0;
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, &bytes), AZAUDIO_OK);
    CHECK(bytes == 160);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 24000, 1, 20, &bytes), AZAUDIO_OK);
    CHECK(bytes == 960);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 48000, 2, 10, &bytes), AZAUDIO_OK);
    CHECK(bytes == 1920);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 11025, 1, 20, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not a whole number of samples");
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 0, 1, 20, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 8000, 0, 20, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 8000, 1, 0, &bytes), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_bytes(99, 8000, 1, 20, &bytes), AZAUDIO_ERR_UNSUPPORTED);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM24, 44100, 2, 10, &bytes), AZAUDIO_OK);
    CHECK(bytes == 441 * 2 * 3);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_FLOAT64, 48000, 1, 10, &bytes), AZAUDIO_OK);
    CHECK(bytes == 480 * 8);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 48000, 2, 10, &bytes), AZAUDIO_OK);
    CHECK_RESULT(azaudio_frame_bytes(AZAUDIO_FORMAT_PCM16, 8000, 1, 20, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(bytes == 1920);
}

TEST(frame_cursor_cuts_pads_and_times_frames) {
    uint8_t audio[400];
    azaudio_frame_cursor *c = NULL;
    const void *frame = NULL;
    size_t size = 0;
    uint64_t ts = 1;
    for (int i = 0; i < 400; i++) audio[i] = (uint8_t)(i % 100);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, audio, sizeof audio, &c), AZAUDIO_OK);
    CHECK(azaudio_frame_cursor_count(c) == 3);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(frame == audio && size == 160 && ts == 0);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, NULL), AZAUDIO_OK);
    CHECK(frame == audio + 160 && size == 160);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(size == 160 && ts == 40000);
    CHECK(memcmp(frame, audio + 320, 80) == 0 && ((const uint8_t *)frame)[80] == 0xFF &&
          ((const uint8_t *)frame)[159] == 0xFF);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(frame == NULL && size == 0);
    CHECK_RESULT(azaudio_frame_cursor_rewind(c), AZAUDIO_OK);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, &size, &ts), AZAUDIO_OK);
    CHECK(frame == audio && ts == 0);
    CHECK_RESULT(azaudio_frame_cursor_next(NULL, &frame, &size, &ts), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_next(c, NULL, &size, &ts), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_next(c, &frame, NULL, &ts), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_rewind(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(azaudio_frame_cursor_count(NULL) == 0);
    azaudio_frame_cursor_destroy(c);
    azaudio_frame_cursor_destroy(NULL);
}

TEST(frame_cursor_create_rejects_bad_arguments) {
    azaudio_frame_cursor *c = NULL;
    uint8_t audio[10] = {0};
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, audio, 10, NULL),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, NULL, 10, &c),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 0, audio, 10, &c),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_frame_cursor_create(0, 8000, 1, 20, audio, 10, &c), AZAUDIO_ERR_UNSUPPORTED);
    CHECK(c == NULL);
    CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_PCM16, 8000, 1, 20, NULL, 0, &c), AZAUDIO_OK);
    CHECK(azaudio_frame_cursor_count(c) == 0);
    azaudio_frame_cursor_destroy(c);
}

/* Issue 16: a frame the header allows (1 MHz, 1024 channels, 60 s of PCM16: 122.88 GB) over 2 bytes of audio
 * aborted the process ("failed to allocate") instead of returning a result. */
TEST(frame_cursor_with_a_frame_too_large_to_allocate_returns_out_of_memory) {
    uint8_t audio[2] = {1, 2};
    CHECK_NO_TRAP({
        azaudio_frame_cursor *c = NULL;
        int rc = azaudio_frame_cursor_create(AZAUDIO_FORMAT_PCM16, 1000000, 1024, 60000, audio, 2, &c);
        CHECK(rc == AZAUDIO_ERR_OUT_OF_MEMORY);
        CHECK(c == NULL);
        if (rc == AZAUDIO_ERR_OUT_OF_MEMORY) CHECK_STR_CONTAINS(azaudio_last_error(), "122880000000-byte frame");
        /* No partial frame, nothing to pad: nothing is allocated, so the same frame over no audio is fine. */
        CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_PCM16, 1000000, 1024, 60000, NULL, 0, &c), AZAUDIO_OK);
        CHECK(azaudio_frame_cursor_count(c) == 0);
        azaudio_frame_cursor_destroy(c);
        /* The largest size_t-as-Int audio counts its frames without overflowing. */
        c = NULL;
        CHECK_RESULT(azaudio_frame_cursor_create(AZAUDIO_FORMAT_ULAW, 8000, 1, 20, audio, (size_t)INT64_MAX - 1, &c),
                     AZAUDIO_OK);
        CHECK(azaudio_frame_cursor_count(c) == ((size_t)INT64_MAX - 1) / 160 + 1);
        azaudio_frame_cursor_destroy(c);
    });
}

TEST(pacing_sleeps_until_absolute_deadlines) {
    uint64_t start = azaudio_monotonic_us();
    for (uint64_t k = 1; k <= 5; k++) CHECK_RESULT(azaudio_sleep_until_us(start + k * 20000), AZAUDIO_OK);
    uint64_t elapsed = azaudio_monotonic_us() - start;
    CHECK(elapsed >= 100000); /* never early */
    CHECK(elapsed < 2000000); /* and not stuck (a loaded machine may be late; no tighter bound in a test) */
    CHECK_RESULT(azaudio_sleep_until_us(0), AZAUDIO_OK);
}

int main(void) {
    if (!audio_setup()) return 2;
    RUN(frame_bytes_for_common_layouts_and_errors);
    RUN(frame_cursor_cuts_pads_and_times_frames);
    RUN(frame_cursor_create_rejects_bad_arguments);
    RUN(frame_cursor_with_a_frame_too_large_to_allocate_returns_out_of_memory);
    RUN(pacing_sleeps_until_absolute_deadlines);
    audio_teardown();
    return check_summary();
}
