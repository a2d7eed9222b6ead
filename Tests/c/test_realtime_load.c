/* Realtime sessions under load, against the local emulator: the bounded send and event queues, sending from
 * several threads, fifty sessions on one I/O thread, and destroying the client first.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "realtime_turn_support.h"

TEST(the_send_queue_is_bounded) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.max_send_queue_bytes = 8192;
    emulator_fault("{\"kind\":\"slow_read\",\"seconds\":2}");
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    static uint8_t second[48000]; /* 1 s of audio: about 64 KB as base64 JSON */
    int busy = 0;
    for (int i = 0; i < 200 && !busy; i++) {
        azaudio_result rc = azaudio_realtime_send_audio(s, second, sizeof second);
        if (rc == AZAUDIO_ERR_BUSY)
            busy = 1;
        else
            CHECK_RESULT(rc, AZAUDIO_OK);
    }
    CHECK(busy);
    CHECK_STR_CONTAINS(azaudio_last_error(), "send queue is full");
    azaudio_realtime_destroy(s);
    emulator_reset();
}

static int reads_paused, reads_resumed;

static void watch_log(int32_t level, const char *message, void *user) {
    (void)level;
    (void)user;
    if (strstr(message, "reading paused")) reads_paused++;
    if (strstr(message, "reading resumed")) reads_resumed++;
}

static size_t reply_audio_bytes(uint32_t max_event_queue, unsigned pause_us) {
    azaudio_client_options co;
    AZAUDIO_INIT(client_options, &co);
    co.endpoint = rest_endpoint;
    co.api_key = getenv("AZURE_OPENAI_API_KEY");
    co.log_callback = watch_log;
    co.log_level = AZAUDIO_LOG_DEBUG;
    azaudio_client *logged = NULL;
    if (azaudio_client_create(&co, &logged) != AZAUDIO_OK) return 0;
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.max_event_queue = max_event_queue;
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_connect(logged, &o, &s);
    azaudio_client_destroy(logged); /* the session keeps it alive */
    if (!s) return 0;
    seen got;
    memset(&got, 0, sizeof got);
    azaudio_realtime_create_text_item(s, "user", "tell me a long story about the sea");
    azaudio_realtime_create_response(s, NULL);
    usleep(pause_us); /* a consumer that falls behind */
    int done = pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30);
    azaudio_realtime_destroy(s);
    return done && got.count[AZAUDIO_EVENT_ERROR] == 0 ? got.audio_bytes : 0;
}

TEST(a_slow_puller_loses_nothing_when_the_event_queue_is_full) {
    size_t normal = reply_audio_bytes(4096, 0);
    CHECK(reads_paused == 0);
    size_t throttled = reply_audio_bytes(16, 1500000);
    CHECK(normal > 0);
    CHECK(throttled == normal);
    CHECK(reads_paused >= 1 && reads_resumed >= 1);
}

static void *send_from_a_thread(void *arg) {
    azaudio_realtime_session *s = arg;
    int16_t frame[480];
    memset(frame, 0, sizeof frame);
    for (int i = 0; i < 100; i++) {
        if (azaudio_realtime_send_audio(s, frame, sizeof frame) != AZAUDIO_OK) return (void *)1;
    }
    return NULL;
}

TEST(send_audio_from_several_threads_at_once) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, send_from_a_thread, s);
    for (int i = 0; i < 4; i++) {
        void *rc = NULL;
        pthread_join(t[i], &rc);
        CHECK(rc == NULL);
    }
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_INPUT_COMMITTED, 10));
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    azaudio_realtime_destroy(s);
}

TEST(fifty_sessions_at_once_on_one_io_thread) {
    enum { N = 50 };
    azaudio_realtime_session *s[N];
    seen got[N];
    memset(got, 0, sizeof got);
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.text_only = 1;
    int connected = 0;
    for (int i = 0; i < N; i++) {
        s[i] = connect_with(&o);
        if (s[i]) connected++;
    }
    CHECK(connected == N);
    for (int i = 0; i < N; i++) {
        if (!s[i]) continue;
        azaudio_realtime_create_text_item(s[i], "user", "hello");
        azaudio_realtime_create_response(s[i], NULL);
    }
    int done = 0;
    for (int i = 0; i < N; i++) {
        if (s[i] && pull_until(s[i], &got[i], AZAUDIO_EVENT_RESPONSE_DONE, 30) &&
            strcmp(got[i].status, "completed") == 0)
            done++;
    }
    CHECK(done == N);
    for (int i = 0; i < N; i++) azaudio_realtime_destroy(s[i]);
}

TEST(destroying_the_client_first_leaves_sessions_usable_until_destroyed) {
    azaudio_client *own = rest_client();
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(own, &o, &s), AZAUDIO_OK);
    azaudio_client_destroy(own);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "still there?"), AZAUDIO_OK);
    azaudio_realtime_destroy(s);
}

int main(void) {
    if (!realtime_setup()) return 2;
    RUN(the_send_queue_is_bounded);
    RUN(a_slow_puller_loses_nothing_when_the_event_queue_is_full);
    RUN(send_audio_from_several_threads_at_once);
    RUN(fifty_sessions_at_once_on_one_io_thread);
    RUN(destroying_the_client_first_leaves_sessions_usable_until_destroyed);
    realtime_teardown();
    return check_summary();
}
