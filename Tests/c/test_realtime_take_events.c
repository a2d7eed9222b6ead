/* azaudio_realtime_take_events: pull mode in batches. Every event is taken once, in order, across batches of any
 * capacity; each record carries what the accessors give (its JSON is azaudio_realtime_event_json_data()'s: the same
 * bytes, not a copy); bad arguments get a result code and take nothing.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"
#include "rest_support.h"

#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A record says what the accessors of its event say. */
static int record_matches_its_event(const azaudio_realtime_event_record *r) {
    size_t size = 0;
    const uint8_t *audio = azaudio_realtime_event_audio(r->event, &size);
    const char *json = azaudio_realtime_event_json(r->event);
    size_t data_size = 0;
    const char *data = azaudio_realtime_event_json_data(r->event, &data_size);
    return r->type == azaudio_realtime_event_type(r->event) && r->audio == audio && r->audio_size == size &&
           r->json != NULL && r->json_size == strlen(json) && memcmp(r->json, json, r->json_size) == 0 &&
           data == r->json && data_size == r->json_size;
}

/* Appends text to a growing buffer. */
static void append(char **buffer, size_t *length, const char *text) {
    size_t add = strlen(text);
    *buffer = realloc(*buffer, *length + add + 1);
    memcpy(*buffer + *length, text, add + 1);
    *length += add;
}

TEST(events_past_the_capacity_stay_queued_in_order) {
    azaudio_realtime_session *s = realtime_manual_session(1, NULL);
    CHECK(s != NULL);
    if (!s) return;
    /* connect returns once session.created and session.updated have come: both wait in the queue */
    azaudio_realtime_event_record r;
    size_t count = 99;
    CHECK_RESULT(azaudio_realtime_take_events(s, &r, sizeof r, 1, &count, 0), AZAUDIO_OK);
    CHECK(count == 1);
    CHECK(r.type == AZAUDIO_EVENT_SESSION_CREATED);
    CHECK(record_matches_its_event(&r));
    CHECK(r.audio == NULL && r.audio_size == 0);
    azaudio_realtime_event_free(r.event);
    CHECK_RESULT(azaudio_realtime_take_events(s, &r, sizeof r, 1, &count, 0), AZAUDIO_OK);
    CHECK(count == 1);
    CHECK(r.type == AZAUDIO_EVENT_SESSION_UPDATED);
    azaudio_realtime_event_free(r.event);
    CHECK_RESULT(azaudio_realtime_take_events(s, &r, sizeof r, 1, &count, 0), AZAUDIO_OK);
    CHECK(count == 0); /* an empty take is a success, not a timeout */
    azaudio_realtime_destroy(s);
}

/* A whole spoken turn taken in batches of 3 from a poll() loop: the transcript deltas add up to the final
 * transcript (none lost, repeated or reordered across batches), the audio records point at the events' audio, and
 * the batch that takes CLOSED ends there. */
TEST(a_spoken_turn_taken_in_small_batches_loses_and_repeats_nothing) {
    azaudio_realtime_session *s = realtime_manual_session(0, NULL);
    CHECK(s != NULL);
    if (!s) return;
    int32_t fd = -1;
    CHECK_RESULT(azaudio_realtime_event_fd(s, &fd), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    char *deltas = NULL, *done = NULL;
    size_t deltas_length = 0;
    int closed = 0, audio_events = 0, mismatched = 0, after_closed = 0, response_done = 0;
    size_t audio_bytes = 0;
    double deadline = now_seconds() + 60;
    while (!closed && now_seconds() < deadline) {
        if (!realtime_fd_readable(fd, 1000)) continue;
        azaudio_realtime_event_record batch[3];
        size_t count = 0;
        CHECK_RESULT(azaudio_realtime_take_events(s, batch, sizeof batch[0], 3, &count, 0), AZAUDIO_OK);
        CHECK(count >= 1 && count <= 3); /* readable means at least one event waits */
        for (size_t i = 0; i < count; i++) {
            azaudio_realtime_event_record *r = &batch[i];
            if (closed) after_closed++;
            if (!record_matches_its_event(r)) mismatched++;
            if (r->type == AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA)
                append(&deltas, &deltas_length, azaudio_realtime_event_text(r->event));
            if (r->type == AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE) done = strdup(azaudio_realtime_event_text(r->event));
            if (r->type == AZAUDIO_EVENT_AUDIO_DELTA && r->audio_size > 0 && r->audio != NULL) {
                audio_events++;
                audio_bytes += r->audio_size;
            }
            if (r->type == AZAUDIO_EVENT_RESPONSE_DONE && !response_done++) azaudio_realtime_close(s);
            if (r->type == AZAUDIO_EVENT_CLOSED) closed = 1;
            azaudio_realtime_event_free(r->event);
        }
    }
    CHECK(closed);
    CHECK(after_closed == 0);
    CHECK(mismatched == 0);
    CHECK(audio_events > 0 && audio_bytes > 0);
    CHECK(done != NULL && deltas != NULL);
    if (done && deltas) CHECK(strcmp(deltas, done) == 0);
    azaudio_realtime_event_record r;
    size_t count = 99;
    CHECK_RESULT(azaudio_realtime_take_events(s, &r, sizeof r, 1, &count, 0), AZAUDIO_ERR_CLOSED);
    CHECK(count == 0);
    CHECK(!realtime_fd_readable(fd, 200)); /* nothing comes after CLOSED */
    free(deltas);
    free(done);
    azaudio_realtime_destroy(s);
}

TEST(a_larger_record_from_a_newer_header_gets_its_unknown_tail_zeroed) {
    azaudio_realtime_session *s = realtime_manual_session(1, NULL);
    CHECK(s != NULL);
    if (!s) return;
    struct {
        azaudio_realtime_event_record known;
        unsigned char appended[16];
    } records[2];
    memset(records, 0xAB, sizeof records);
    size_t count = 0;
    CHECK_RESULT(azaudio_realtime_take_events(s, &records[0].known, sizeof records[0], 2, &count, 1000), AZAUDIO_OK);
    CHECK(count == 2);
    int tails_zero = 1;
    for (size_t i = 0; i < count; i++) {
        for (size_t b = 0; b < sizeof records[i].appended; b++) tails_zero &= records[i].appended[b] == 0;
    }
    CHECK(tails_zero);
    CHECK(records[0].known.type == AZAUDIO_EVENT_SESSION_CREATED && record_matches_its_event(&records[0].known));
    CHECK(records[1].known.type == AZAUDIO_EVENT_SESSION_UPDATED && record_matches_its_event(&records[1].known));
    for (size_t i = 0; i < count; i++) azaudio_realtime_event_free(records[i].known.event);
    azaudio_realtime_destroy(s);
}

static void ignore(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session, (void)e, (void)user;
}

TEST(bad_arguments_get_a_result_and_a_message_and_take_nothing) {
    azaudio_realtime_event_record r[2];
    size_t count = 99;
    CHECK(azaudio_realtime_event_json_data(NULL, &count) == NULL && count == 0);
    CHECK(azaudio_realtime_event_json_data(NULL, NULL) == NULL);
    CHECK_RESULT(azaudio_realtime_take_events(NULL, r, sizeof r[0], 2, &count, 0), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(count == 0);
    azaudio_realtime_session *s = realtime_manual_session(1, NULL);
    CHECK(s != NULL);
    if (s) {
        struct {
            azaudio_realtime_event_record *records;
            size_t record_size, capacity;
            size_t *out_count;
            int32_t timeout_ms;
            const char *named;
        } bad[] = {
            {NULL, sizeof r[0], 2, &count, 0, "records"},
            {r, sizeof r[0], 2, NULL, 0, "out_count"},
            {r, sizeof r[0], 0, &count, 0, "capacity"},
            {r, sizeof r[0], SIZE_MAX, &count, 0, "capacity"},
            {r, sizeof r[0], SIZE_MAX / sizeof r[0] + 1, &count, 0, "capacity"},
            {r, 0, 2, &count, 0, "record_size"},
            {r, sizeof r[0] - 8, 2, &count, 0, "record_size"},
            {r, sizeof r[0] + 4, 2, &count, 0, "record_size"},
            {r, 4104, 2, &count, 0, "record_size"},
            {r, SIZE_MAX, 2, &count, 0, "record_size"},
            {r, sizeof r[0], 2, &count, -2, "timeout_ms"},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            count = 99;
            CHECK_RESULT(azaudio_realtime_take_events(s, bad[i].records, bad[i].record_size, bad[i].capacity,
                                                      bad[i].out_count, bad[i].timeout_ms),
                         AZAUDIO_ERR_INVALID_ARGUMENT);
            CHECK_STR_CONTAINS(azaudio_last_error(), bad[i].named);
            if (bad[i].out_count) CHECK(count == 0);
        }
        /* nothing was taken: the first event is still the first */
        CHECK_RESULT(azaudio_realtime_take_events(s, r, sizeof r[0], 1, &count, 0), AZAUDIO_OK);
        CHECK(count == 1 && r[0].type == AZAUDIO_EVENT_SESSION_CREATED);
        if (count == 1) azaudio_realtime_event_free(r[0].event);
        azaudio_realtime_destroy(s);
    }
    azaudio_realtime_session *cb = realtime_manual_session(1, ignore);
    CHECK(cb != NULL);
    if (cb) {
        CHECK_RESULT(azaudio_realtime_take_events(cb, r, sizeof r[0], 2, &count, 0), AZAUDIO_ERR_INVALID_STATE);
        CHECK_STR_CONTAINS(azaudio_last_error(), "callback");
        azaudio_realtime_destroy(cb);
    }
}

int main(void) {
    rest_setup();
    client = rest_client();
    RUN(events_past_the_capacity_stay_queued_in_order);
    RUN(a_spoken_turn_taken_in_small_batches_loses_and_repeats_nothing);
    RUN(a_larger_record_from_a_newer_header_gets_its_unknown_tail_zeroed);
    RUN(bad_arguments_get_a_result_and_a_message_and_take_nothing);
    azaudio_client_destroy(client);
    rest_teardown();
    return check_summary();
}
