/* Documented result codes that no other C test provoked (issue 16): CANCELLED from an audio, text and read
 * callback, AUTH from a failing token provider, CONTENT_FILTER from the service, TIMEOUT and PROTOCOL from
 * azaudio_realtime_connect (against a raw local socket that stays silent or answers a bad 101), and
 * OUT_OF_MEMORY / HTTP, which test_audio and test_rest_hostile provoke; and a cancel_response that must really
 * cancel. Runs against the emulator. */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

static azaudio_client *client;

typedef struct {
    int calls;
    int stop_at;
} counter;

static int32_t stop_audio(const uint8_t *data, size_t size, void *user) {
    (void)data;
    (void)size;
    counter *c = user;
    return ++c->calls >= c->stop_at ? 7 : 0;
}

static int32_t stop_text(const char *text, size_t length, void *user) {
    (void)text;
    (void)length;
    counter *c = user;
    return ++c->calls >= c->stop_at ? 1 : 0;
}

TEST(an_audio_callback_returning_non_zero_cancels_the_speech_call) {
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    counter c = {0, 1};
    CHECK_RESULT(azaudio_speak(client, "Hello there, this is a cancelled sentence.", &o, stop_audio, &c),
                 AZAUDIO_ERR_CANCELLED);
    CHECK(c.calls == 1); /* nothing delivered after the callback said stop */
}

TEST(a_text_callback_returning_non_zero_cancels_a_streamed_chat) {
    azaudio_chat *chat = NULL;
    azaudio_chat_create(&chat);
    azaudio_chat_add_message(chat, "user", "Tell me something long.");
    azaudio_chat_options o;
    AZAUDIO_INIT(chat_options, &o);
    o.deployment = "gpt-4o-audio-preview";
    o.stream = 1;
    counter c = {0, 1};
    o.on_transcript = stop_text;
    o.transcript_user_data = &c;
    azaudio_chat_reply *reply = NULL;
    CHECK_RESULT(azaudio_chat_complete(client, chat, &o, &reply), AZAUDIO_ERR_CANCELLED);
    CHECK(reply == NULL);
    CHECK(c.calls == 1);
    azaudio_chat_destroy(chat);
}

static int64_t failing_read(uint8_t *buffer, size_t capacity, void *user) {
    (void)buffer;
    (void)capacity;
    (void)user;
    return -1;
}

TEST(a_read_callback_returning_negative_cancels_the_upload) {
    azaudio_transcription_options o;
    AZAUDIO_INIT(transcription_options, &o);
    o.deployment = "whisper";
    azaudio_transcript *t = NULL;
    CHECK_RESULT(azaudio_transcribe_callback(client, "speech.wav", &o, &t, failing_read, NULL), AZAUDIO_ERR_CANCELLED);
    CHECK(t == NULL);
}

static int64_t refusing_provider(int32_t reason, char *buffer, size_t size, void *user) {
    (void)reason;
    (void)buffer;
    (void)size;
    (void)user;
    return -3;
}

TEST(a_token_provider_returning_negative_fails_the_call_with_auth) {
    emulator_reset();
    azaudio_client_options co;
    AZAUDIO_INIT(client_options, &co);
    co.endpoint = rest_endpoint;
    co.token_provider = refusing_provider;
    azaudio_client *c = NULL;
    CHECK_RESULT(azaudio_client_create(&co, &c), AZAUDIO_OK);
    if (!c) return;
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    uint8_t *audio = NULL;
    size_t size = 0;
    CHECK_RESULT(azaudio_speak_to_buffer(c, "hello", &o, &audio, &size), AZAUDIO_ERR_AUTH);
    CHECK_STR_CONTAINS(azaudio_last_error(), "token provider failed (returned -3)");
    CHECK(emulator_request_count() == 0); /* nothing sent without a token */
    azaudio_client_destroy(c);
}

TEST(the_content_filter_is_its_own_result_code) {
    emulator_reset();
    CHECK(emulator_fault("{\"kind\":\"status\",\"match\":\"speech\",\"status\":400,\"code\":\"content_filter\","
                         "\"message\":\"The response was filtered\"}"));
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    uint8_t *audio = NULL;
    size_t size = 0;
    CHECK_RESULT(azaudio_speak_to_buffer(client, "hello", &o, &audio, &size), AZAUDIO_ERR_CONTENT_FILTER);
    CHECK_STR_CONTAINS(azaudio_last_error(), "filtered");
}

/* Issue 16: the only test of cancel_response accepted "completed", so a cancel that did nothing passed. The emulator
 * runs at real-time speed here, so the spoken reply lasts seconds and the cancel lands inside it. */
static int next_of_type(azaudio_realtime_session *s, int type, char *status, size_t status_size) {
    double deadline = now_seconds() + 30;
    while (now_seconds() < deadline) {
        azaudio_realtime_event *e = NULL;
        int rc = azaudio_realtime_next_event(s, &e, 500);
        if (rc == AZAUDIO_ERR_TIMEOUT) continue;
        if (rc != AZAUDIO_OK) return 0;
        int t = azaudio_realtime_event_type(e);
        if (t == type && status) snprintf(status, status_size, "%s", azaudio_realtime_event_status(e));
        azaudio_realtime_event_free(e);
        if (t == type) return 1;
        if (t == AZAUDIO_EVENT_CLOSED) return 0;
    }
    return 0;
}

/* A session (turn detection off; max_send_queue_bytes if not 0) with a spoken reply under way, or NULL. */
static azaudio_realtime_session *long_reply(uint32_t max_send_queue_bytes) {
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "gpt-realtime";
    o.turn_detection = AZAUDIO_TURN_NONE;
    if (max_send_queue_bytes) o.max_send_queue_bytes = max_send_queue_bytes;
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_OK);
    if (!s) return NULL;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "Please tell me a long story about the sea."),
                 AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    return s;
}

TEST(cancel_response_cancels_the_running_response) {
    azaudio_realtime_session *s = long_reply(0);
    if (!s) return;
    CHECK(next_of_type(s, AZAUDIO_EVENT_AUDIO_DELTA, NULL, 0));
    CHECK_RESULT(azaudio_realtime_cancel_response(s), AZAUDIO_OK);
    char status[64] = "";
    CHECK(next_of_type(s, AZAUDIO_EVENT_RESPONSE_DONE, status, sizeof status));
    CHECK(strcmp(status, "cancelled") == 0);
    azaudio_realtime_destroy(s);
}

/* Issue 16: nothing provoked the documented ERROR event "barge_in_failed". The emulator's deaf_barge_in fault stops
 * reading the client's frames once the reply audio starts and, 2 s later, reports the caller speaking. By then the
 * test keeps the send queue full to the byte (sends of ever smaller audio until each is BUSY), so the barge-in's
 * cancel (and truncate) cannot be queued: each becomes an ERROR event with that code. */
TEST(a_barge_in_whose_events_cannot_be_queued_is_an_error_event_barge_in_failed) {
    emulator_reset();
    CHECK(emulator_fault("{\"kind\":\"deaf_barge_in\",\"match\":\"realtime\",\"after_audio_deltas\":1,"
                         "\"seconds\":8,\"speech_after\":2}"));
    azaudio_realtime_session *s = long_reply(65536);
    if (!s) return;
    char item[128] = "";
    double deadline = now_seconds() + 30;
    while (!item[0] && now_seconds() < deadline) {
        azaudio_realtime_event *e = NULL;
        if (azaudio_realtime_next_event(s, &e, 500) != AZAUDIO_OK) continue;
        if (azaudio_realtime_event_type(e) == AZAUDIO_EVENT_AUDIO_DELTA)
            snprintf(item, sizeof item, "%s", azaudio_realtime_event_item_id(e));
        azaudio_realtime_event_free(e);
    }
    CHECK(item[0] != 0);
    CHECK_RESULT(azaudio_realtime_audio_played(s, item, 20), AZAUDIO_OK); /* so the barge-in truncates */
    /* Fill the queue while the server does not read: each size until BUSY, then half of it, down to one sample. */
    static const uint8_t silence[9600];
    int busy = 0;
    for (size_t size = sizeof silence; size >= 2; size /= 2) {
        size -= size % 2;
        for (int i = 0; i < 100000 && now_seconds() < deadline; i++) {
            azaudio_result rc = azaudio_realtime_send_audio(s, silence, size);
            if (rc == AZAUDIO_ERR_BUSY) {
                busy++;
                break;
            }
            if (rc != AZAUDIO_OK) break;
        }
    }
    CHECK(busy > 10);
    int failed = 0, flushed = 0;
    deadline = now_seconds() + 20;
    while (!failed && now_seconds() < deadline) {
        /* Keep it full: the kernel's socket buffers grow for a while after the server stopped reading. */
        for (size_t size = 1024; size >= 2; size /= 2)
            while (azaudio_realtime_send_audio(s, silence, size) == AZAUDIO_OK) {
            }
        azaudio_realtime_event *e = NULL;
        if (azaudio_realtime_next_event(s, &e, 100) != AZAUDIO_OK) continue;
        int t = azaudio_realtime_event_type(e);
        if (t == AZAUDIO_EVENT_PLAYBACK_FLUSH) flushed++;
        if (t == AZAUDIO_EVENT_ERROR && strcmp(azaudio_realtime_event_error_code(e), "barge_in_failed") == 0) {
            failed++;
            CHECK_STR_CONTAINS(azaudio_realtime_event_text(e), "barge-in could not send");
        }
        azaudio_realtime_event_free(e);
    }
    CHECK(flushed == 1); /* the barge-in happened: the host is still told to drop its queued audio */
    CHECK(failed >= 1);
    azaudio_realtime_destroy(s);
}

/* ---- realtime connect against a raw local socket ------------------------------------------------------------ */

typedef struct {
    int listener;
    const char *answer; /* NULL: accept, read, and say nothing */
    volatile int done;
} raw_server;

static void *serve_once(void *arg) {
    raw_server *s = arg;
    int fd = accept(s->listener, NULL, NULL);
    if (fd < 0) return NULL;
    char buffer[4096];
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    (void)n;
    if (s->answer && send(fd, s->answer, strlen(s->answer), 0) < 0) {
    }
    while (!s->done) usleep(10000);
    close(fd);
    return NULL;
}

static int raw_listen(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static int realtime_connect_to_raw(const char *answer, uint32_t connect_timeout_ms) {
    raw_server s = {0, answer, 0};
    int port = 0;
    s.listener = raw_listen(&port);
    if (s.listener < 0) return -1;
    pthread_t t;
    pthread_create(&t, NULL, serve_once, &s);
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    azaudio_client_options co;
    AZAUDIO_INIT(client_options, &co);
    co.endpoint = endpoint;
    co.api_key = "test-key";
    azaudio_client *c = NULL;
    int rc = -1;
    if (azaudio_client_create(&co, &c) == AZAUDIO_OK) {
        azaudio_realtime_options o;
        AZAUDIO_INIT(realtime_options, &o);
        o.deployment = "gpt-realtime";
        o.connect_timeout_ms = connect_timeout_ms;
        azaudio_realtime_session *session = NULL;
        rc = azaudio_realtime_connect(c, &o, &session);
        if (session) azaudio_realtime_destroy(session);
        azaudio_client_destroy(c);
    }
    s.done = 1;
    shutdown(s.listener, SHUT_RDWR);
    pthread_join(t, NULL);
    close(s.listener);
    return rc;
}

TEST(a_silent_server_makes_realtime_connect_time_out) {
    double t0 = now_seconds();
    CHECK_RESULT(realtime_connect_to_raw(NULL, 1000), AZAUDIO_ERR_TIMEOUT);
    CHECK(now_seconds() - t0 < 20);
}

TEST(a_bad_101_answer_makes_realtime_connect_a_protocol_error) {
    CHECK_RESULT(
        realtime_connect_to_raw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBrZXk=\r\n\r\n",
                                5000),
        AZAUDIO_ERR_PROTOCOL);
    CHECK_STR_CONTAINS(azaudio_last_error(), "Sec-WebSocket-Accept");
}

int main(void) {
    rest_setup();
    client = rest_client();
    RUN(an_audio_callback_returning_non_zero_cancels_the_speech_call);
    RUN(a_text_callback_returning_non_zero_cancels_a_streamed_chat);
    RUN(a_read_callback_returning_negative_cancels_the_upload);
    RUN(a_token_provider_returning_negative_fails_the_call_with_auth);
    RUN(the_content_filter_is_its_own_result_code);
    RUN(cancel_response_cancels_the_running_response);
    RUN(a_barge_in_whose_events_cannot_be_queued_is_an_error_event_barge_in_failed);
    RUN(a_silent_server_makes_realtime_connect_time_out);
    RUN(a_bad_101_answer_makes_realtime_connect_a_protocol_error);
    azaudio_client_destroy(client);
    rest_teardown();
    return check_summary();
}
