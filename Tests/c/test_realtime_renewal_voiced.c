/* Renewal while the caller's audio never goes quiet, against the local emulator: with no turn detection the service
 * never reports a speech start, so every turn boundary the renewal plan finds is called off by the caller's loud
 * audio; the switch must then happen at the lead before the cap (trigger "cap"), not never.
 * emulator-options: --speed 20 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"
#include "rest_support.h"

#include <math.h>
#include <stdint.h>

/* Sends `frames` 20 ms frames of a loud 440 Hz tone (PCM16, 24 kHz): loud enough to count as voice. */
static void send_loud(azaudio_realtime_session *s, int frames, long *phase) {
    int16_t frame[480];
    for (int i = 0; i < frames; i++) {
        for (int k = 0; k < 480; k++, (*phase)++) frame[k] = (int16_t)(8000 * sin(2 * M_PI * 440 * (*phase) / 24000.0));
        CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
    }
}

/* Found by the bench smoke (rt_renewal against the echo server, which reports no speech either): the called-off
 * switch gave the standby up and left the plan done, so the session was never renewed and ran into its cap. */
TEST(a_caller_who_never_goes_quiet_is_still_renewed_make_before_break_at_the_caps_lead) {
    emulator_reset();
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":3,\"count\":2}");
    azaudio_realtime_options o = realtime_renewing_options(2500); /* the standby opens 0.5 s in; lead at 2 s */
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    int count[48] = {0}, cap_triggers = 0, make_before_break = 0;
    long phase = 0, frames = 0;
    double deadline = now_seconds() + 40;
    while (count[AZAUDIO_EVENT_RENEWED] < 2 && !count[AZAUDIO_EVENT_CLOSED] && now_seconds() < deadline) {
        send_loud(s, 1, &phase);
        frames++;
        azaudio_realtime_event *e = NULL;
        while (azaudio_realtime_next_event(s, &e, 20) == AZAUDIO_OK) {
            int t = azaudio_realtime_event_type(e);
            if (t >= 0 && t < 48) count[t]++;
            if (t == AZAUDIO_EVENT_RENEWED) {
                const char *json = azaudio_realtime_event_json(e);
                cap_triggers += json && strstr(json, "\"trigger\":\"cap\"") != NULL;
                make_before_break += json && strstr(json, "\"mode\":\"make_before_break\"") != NULL;
            }
            azaudio_realtime_event_free(e);
        }
    }
    CHECK(count[AZAUDIO_EVENT_RENEWING] == 2);
    CHECK(count[AZAUDIO_EVENT_RENEWED] == 2);
    CHECK(make_before_break == 2 && cap_triggers == 2);
    CHECK(count[AZAUDIO_EVENT_RECONNECTING] == 0);
    CHECK(count[AZAUDIO_EVENT_ERROR] == 0); /* no session reached its limit */
    CHECK(count[AZAUDIO_EVENT_CLOSED] == 0);
    /* A round trip, so the emulator has every frame sent before it is asked. */
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    int done = 0;
    azaudio_realtime_event *e = NULL;
    while (!done && realtime_next_before(s, now_seconds() + 20, &e)) {
        done = azaudio_realtime_event_type(e) == AZAUDIO_EVENT_RESPONSE_DONE;
        azaudio_realtime_event_free(e);
    }
    CHECK(done);

    char *view = realtime_emulator_sessions();
    int sessions = 0;
    long total = realtime_input_bytes(view, &sessions);
    CHECK(sessions == 3);
    CHECK(total == frames * 960); /* every frame in exactly one session */
    free(view);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

int main(void) {
    rest_setup();
    client = rest_client();
    RUN(a_caller_who_never_goes_quiet_is_still_renewed_make_before_break_at_the_caps_lead);
    azaudio_client_destroy(client);
    rest_teardown();
    return check_summary();
}
