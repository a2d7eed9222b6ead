/* Realtime input coalescing against the local emulator: fewer appends for the same speech, held audio sent on
 * a pause, dropped by clear and sent by close.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "realtime_turn_support.h"

/* ---- input coalescing ------------------------------------------------------------------------------------------ */

/* True when no input_audio_buffer.append follows the first `type` in the emulator's log of client events. */
static int no_append_after(const char *type) {
    char *body = emulator_requests();
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", type);
    const char *at = body ? strstr(body, quoted) : NULL;
    int ok = at && !strstr(at, "\"input_audio_buffer.append\"");
    free(body);
    return ok;
}

/* A manual-commit turn with `coalesce_ms`: returns the appends the emulator received and fills `heard` with the
 * input transcription. */
static int coalesced_turn(uint32_t coalesce_ms, char *heard, size_t heard_size) {
    emulator_reset();
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.input_transcription_deployment = "whisper";
    o.input_audio_coalesce_ms = coalesce_ms;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return -1;
    seen got;
    memset(&got, 0, sizeof got);
    send_speech(s, AZAUDIO_FORMAT_PCM16);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30));
    CHECK(strcmp(got.status, "completed") == 0);
    CHECK(no_append_after("input_audio_buffer.commit")); /* held audio went out before the commit */
    snprintf(heard, heard_size, "%s", got.input_transcript);
    int appends = client_events("input_audio_buffer.append");
    azaudio_realtime_destroy(s);
    return appends;
}

TEST(coalesced_input_sends_fewer_appends_and_the_service_hears_the_same) {
    size_t frames = (speech_size + 959) / 960 + 75; /* send_speech: the speech in 20 ms frames, then 75 of silence */
    char plain[1024], coalesced[1024];
    int plain_appends = coalesced_turn(0, plain, sizeof plain);
    int coalesced_appends = coalesced_turn(100, coalesced, sizeof coalesced);
    CHECK(plain_appends == (int)frames);
    /* 100 ms (4800 bytes) or up to one frame more per append; the last, shorter one goes out with the commit. */
    size_t bytes = speech_size + 75 * 960;
    CHECK(coalesced_appends >= (int)(bytes / (4800 + 960)) && coalesced_appends <= (int)(bytes / 4800) + 1);
    fprintf(stderr, "  %d appends without coalescing, %d with 100 ms\n", plain_appends, coalesced_appends);
    CHECK(plain[0] != 0);
    CHECK(strcmp(plain, coalesced) == 0); /* every byte arrived, in order */
    if (strcmp(plain, coalesced) != 0) fprintf(stderr, "  heard '%s' vs '%s'\n", plain, coalesced);
}

/* A manual-commit GA session holding input for `coalesce_ms`, after an emulator reset. */
static azaudio_realtime_session *coalescing_session(uint32_t coalesce_ms) {
    emulator_reset();
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.input_audio_coalesce_ms = coalesce_ms;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    return s;
}

TEST(held_audio_goes_out_when_the_caller_stops_sending) {
    azaudio_realtime_session *s = coalescing_session(200);
    if (!s) return;
    uint8_t frame[960];
    memset(frame, 0, sizeof frame);
    for (int i = 0; i < 3; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
    CHECK(client_events("input_audio_buffer.append") == 0); /* 60 ms held of 200 */
    double deadline = now_seconds() + 5;
    while (client_events("input_audio_buffer.append") == 0 && now_seconds() < deadline) usleep(20000);
    CHECK(client_events("input_audio_buffer.append") == 1); /* the I/O thread sent it, in one append */
    azaudio_realtime_destroy(s);
}

TEST(clear_drops_held_audio_and_close_sends_it) {
    azaudio_realtime_session *s = coalescing_session(1000);
    if (!s) return;
    uint8_t frame[960];
    memset(frame, 0, sizeof frame);
    CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_clear(s), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_close(s), AZAUDIO_OK);
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 10) && got.closed);
    CHECK(client_events("input_audio_buffer.clear") == 1);
    CHECK(client_events("input_audio_buffer.append") == 1); /* the frame sent after the clear, at close */
    CHECK(no_append_after("input_audio_buffer.clear") == 0);
    azaudio_realtime_destroy(s);
}

int main(void) {
    if (!realtime_setup()) return 2;
    RUN(coalesced_input_sends_fewer_appends_and_the_service_hears_the_same);
    RUN(held_audio_goes_out_when_the_caller_stops_sending);
    RUN(clear_drops_held_audio_and_close_sends_it);
    realtime_teardown();
    return check_summary();
}
