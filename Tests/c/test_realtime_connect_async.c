/* azaudio_realtime_connect_async: the session comes back at once and reports CONNECTED or CONNECT_FAILED (then
 * CLOSED) as an event, in pull mode through the readiness descriptor and in callback mode; close() before ready
 * cancels, destroy() before ready leaves no callback behind; bad arguments are refused with no session made.
 * A "silent" endpoint (a loopback TCP listener that never answers) keeps a handshake waiting.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "rest_support.h"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

static azaudio_client *client;

static azaudio_realtime_options text_options(azaudio_realtime_event_fn callback, void *user) {
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "gpt-realtime";
    o.text_only = 1;
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.event_callback = callback;
    o.event_user_data = user;
    return o;
}

static int readable(int32_t fd, int wait_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, wait_ms) == 1 && (p.revents & POLLIN);
}

static char failed_text[512]; /* the last CONNECT_FAILED event's text */

/* Takes events from a poll loop on the readiness descriptor until `until` (returns its result code for
 * CONNECT_FAILED, AZAUDIO_OK otherwise) or the deadline (-1). Records the types seen in order. */
static int pull_until(azaudio_realtime_session *s, int until, double seconds, int *types, int *count, int max) {
    int32_t fd = -1;
    if (azaudio_realtime_event_fd(s, &fd) != AZAUDIO_OK) return -1;
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        if (!readable(fd, 200)) continue;
        azaudio_realtime_event *e = NULL;
        while (azaudio_realtime_poll_event(s, &e, 0) == AZAUDIO_OK && e) {
            int type = azaudio_realtime_event_type(e);
            int result = (int)azaudio_realtime_event_result(e);
            if (*count < max) types[(*count)++] = type;
            if (type == AZAUDIO_EVENT_CONNECT_FAILED)
                snprintf(failed_text, sizeof failed_text, "%s", azaudio_realtime_event_text(e));
            azaudio_realtime_event_free(e);
            if (type == until) return result;
        }
    }
    return -1;
}

static int index_of(const int *types, int count, int type) {
    for (int i = 0; i < count; i++)
        if (types[i] == type) return i;
    return -1;
}

/* A loopback endpoint that accepts TCP connections (the kernel's backlog) and never answers. */
static int silent_listener(char *endpoint, size_t size) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    snprintf(endpoint, size, "http://127.0.0.1:%d", ntohs(a.sin_port));
    return fd;
}

static azaudio_client *client_for(const char *endpoint) {
    azaudio_client_options o = rest_client_options();
    o.endpoint = endpoint;
    return rest_client_from(&o);
}

/* A silent endpoint and a client for it (*listener -1 and NULL when no listener could be made). */
static azaudio_client *silent_client(int *listener, char *endpoint, size_t size) {
    *listener = silent_listener(endpoint, size);
    return *listener >= 0 ? client_for(endpoint) : NULL;
}

TEST(a_pull_session_reports_connected_after_its_setup_events_and_then_works) {
    azaudio_realtime_options o = text_options(NULL, NULL);
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect_async(client, &o, &s), AZAUDIO_OK);
    CHECK(s != NULL);
    if (!s) return;
    int types[64], n = 0;
    CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_CONNECTED, 30, types, &n, 64), AZAUDIO_OK);
    int created = index_of(types, n, AZAUDIO_EVENT_SESSION_CREATED);
    int updated = index_of(types, n, AZAUDIO_EVENT_SESSION_UPDATED);
    int connected = index_of(types, n, AZAUDIO_EVENT_CONNECTED);
    CHECK(created >= 0 && created < updated && updated < connected);
    CHECK(index_of(types, n, AZAUDIO_EVENT_CONNECT_FAILED) < 0);
    /* ready: a whole text turn */
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    n = 0;
    CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_RESPONSE_DONE, 30, types, &n, 64), AZAUDIO_OK);
    CHECK(index_of(types, n, AZAUDIO_EVENT_TEXT_DELTA) >= 0);
    CHECK(index_of(types, n, AZAUDIO_EVENT_CONNECTED) < 0); /* reported once */
    azaudio_realtime_close(s);
    n = 0;
    CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_CLOSED, 30, types, &n, 64), AZAUDIO_OK);
    azaudio_realtime_destroy(s);
}

typedef struct callback_record {
    atomic_int connected, failed, closed, done, after_destroy, destroyed;
    atomic_int result;
    pthread_t thread;
    azaudio_realtime_session *session;
} callback_record;

static void on_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    callback_record *r = user;
    if (atomic_load(&r->destroyed)) atomic_fetch_add(&r->after_destroy, 1);
    r->thread = pthread_self();
    r->session = session;
    switch (azaudio_realtime_event_type(e)) {
    case AZAUDIO_EVENT_CONNECTED:
        atomic_fetch_add(&r->connected, 1);
        /* the callback may drive the session at once */
        azaudio_realtime_create_text_item(session, "user", "hello there");
        azaudio_realtime_create_response(session, NULL);
        break;
    case AZAUDIO_EVENT_CONNECT_FAILED:
        atomic_store(&r->result, (int)azaudio_realtime_event_result(e));
        atomic_fetch_add(&r->failed, 1);
        break;
    case AZAUDIO_EVENT_RESPONSE_DONE:
        atomic_fetch_add(&r->done, 1);
        break;
    case AZAUDIO_EVENT_CLOSED:
        atomic_fetch_add(&r->closed, 1);
        break;
    default:
        break;
    }
}

static int wait_for(atomic_int *counter, double seconds) {
    double deadline = now_seconds() + seconds;
    while (atomic_load(counter) == 0 && now_seconds() < deadline) usleep(10000);
    return atomic_load(counter) > 0;
}

TEST(a_callback_session_is_told_connected_on_the_io_thread_and_can_send_from_there) {
    callback_record r = {0};
    azaudio_realtime_options o = text_options(on_event, &r);
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect_async(client, &o, &s), AZAUDIO_OK);
    if (!s) return;
    CHECK(wait_for(&r.connected, 30));
    CHECK(wait_for(&r.done, 30));
    CHECK(r.session == s);
    CHECK(!pthread_equal(r.thread, pthread_self()));
    CHECK(atomic_load(&r.connected) == 1 && atomic_load(&r.failed) == 0);
    azaudio_realtime_close(s);
    CHECK(wait_for(&r.closed, 30));
    azaudio_realtime_destroy(s);
}

TEST(a_refused_handshake_reports_connect_failed_with_the_result_then_closed) {
    azaudio_realtime_options o = text_options(NULL, NULL);
    o.deployment = "no-such-deployment";
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect_async(client, &o, &s), AZAUDIO_OK);
    if (!s) return;
    int types[16], n = 0;
    CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_CONNECT_FAILED, 30, types, &n, 16), AZAUDIO_ERR_NOT_FOUND);
    CHECK_STR_CONTAINS(failed_text, "404");
    /* CLOSED is the last event, then the queue is over; sends are refused */
    n = 0;
    CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_CLOSED, 10, types, &n, 16), AZAUDIO_OK);
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 0), AZAUDIO_ERR_CLOSED);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hi"), AZAUDIO_ERR_CLOSED);
    azaudio_realtime_destroy(s);

    /* a wrong key: AZAUDIO_ERR_AUTH, its name in error_code, in callback mode */
    azaudio_client *wrong = rest_client_with(NULL, "wrong-key");
    callback_record r = {0};
    azaudio_realtime_options cb = text_options(on_event, &r);
    CHECK_RESULT(azaudio_realtime_connect_async(wrong, &cb, &s), AZAUDIO_OK);
    CHECK(wait_for(&r.failed, 30));
    CHECK(atomic_load(&r.result) == AZAUDIO_ERR_AUTH);
    CHECK(wait_for(&r.closed, 10));
    CHECK(atomic_load(&r.connected) == 0);
    azaudio_realtime_destroy(s);
    azaudio_client_destroy(wrong);
}

TEST(close_before_ready_cancels_at_once_and_a_short_connect_timeout_fails) {
    char endpoint[64];
    int listener;
    azaudio_client *silent = silent_client(&listener, endpoint, sizeof endpoint);
    CHECK(silent != NULL);
    if (!silent) return;
    azaudio_realtime_options o = text_options(NULL, NULL);
    o.connect_timeout_ms = 60000;
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect_async(silent, &o, &s), AZAUDIO_OK);
    if (s) {
        CHECK_RESULT(azaudio_realtime_send_audio(s, "\xff\xff", 2), AZAUDIO_ERR_INVALID_STATE); /* not ready */
        CHECK_STR_CONTAINS(azaudio_last_error(), "still connecting");
        CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hi"), AZAUDIO_ERR_INVALID_STATE);
        int32_t fd = -1;
        CHECK_RESULT(azaudio_realtime_event_fd(s, &fd), AZAUDIO_OK);
        CHECK(!readable(fd, 100)); /* still connecting: nothing to take */
        CHECK_RESULT(azaudio_realtime_close(s), AZAUDIO_OK);
        /* reported long before the 60 s connect timeout */
        int types[8], n = 0;
        CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_CONNECT_FAILED, 20, types, &n, 8), AZAUDIO_ERR_CANCELLED);
        n = 0;
        CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_CLOSED, 10, types, &n, 8), AZAUDIO_OK);
        azaudio_realtime_destroy(s);
    }
    o.connect_timeout_ms = 300;
    CHECK_RESULT(azaudio_realtime_connect_async(silent, &o, &s), AZAUDIO_OK);
    if (s) {
        int types[8], n = 0;
        CHECK_RESULT(pull_until(s, AZAUDIO_EVENT_CONNECT_FAILED, 30, types, &n, 8), AZAUDIO_ERR_TIMEOUT);
        azaudio_realtime_destroy(s);
    }
    azaudio_client_destroy(silent);
    close(listener);
}

/* Starts a callback session on `c` that cannot get ready within 500 ms and destroys it at once. */
static void start_and_destroy(azaudio_client *c, callback_record *r) {
    azaudio_realtime_options o = text_options(on_event, r);
    o.connect_timeout_ms = 500;
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect_async(c, &o, &s), AZAUDIO_OK);
    azaudio_realtime_destroy(s);
    atomic_store(&r->destroyed, 1);
}

TEST(destroy_before_ready_frees_the_session_and_no_callback_follows) {
    char endpoint[64];
    int listener;
    azaudio_client *silent = silent_client(&listener, endpoint, sizeof endpoint);
    CHECK(silent != NULL);
    if (!silent) return;
    callback_record r = {0}, r2 = {0};
    start_and_destroy(silent, &r);
    /* The client may go too while a handshake is still under way (its session was destroyed). */
    azaudio_client *gone = client_for(endpoint);
    start_and_destroy(gone, &r2);
    azaudio_client_destroy(gone);
    /* the handshakes give up after 500 ms on their own threads; whatever they report must reach nobody */
    usleep(1500 * 1000);
    azaudio_client_destroy(silent);
    close(listener);
    CHECK(atomic_load(&r.after_destroy) == 0 && atomic_load(&r2.after_destroy) == 0);
    CHECK(atomic_load(&r.connected) == 0 && atomic_load(&r2.connected) == 0);
}

TEST(bad_arguments_are_refused_with_no_session_made) {
    azaudio_realtime_options o = text_options(NULL, NULL);
    azaudio_realtime_session *s = (azaudio_realtime_session *)&o; /* must be left alone on failure */
    CHECK_RESULT(azaudio_realtime_connect_async(NULL, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "client is NULL");
    CHECK_RESULT(azaudio_realtime_connect_async(client, &o, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "out_session");
    CHECK_RESULT(azaudio_realtime_connect_async(client, NULL, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    o.deployment = NULL;
    CHECK_RESULT(azaudio_realtime_connect_async(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "deployment");
    o = text_options(NULL, NULL);
    o.struct_size = 3;
    CHECK_RESULT(azaudio_realtime_connect_async(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(s == (azaudio_realtime_session *)&o);
    CHECK_RESULT(azaudio_realtime_event_result(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
}

int main(void) {
    rest_setup();
    client = rest_client();
    RUN(a_pull_session_reports_connected_after_its_setup_events_and_then_works);
    RUN(a_callback_session_is_told_connected_on_the_io_thread_and_can_send_from_there);
    RUN(a_refused_handshake_reports_connect_failed_with_the_result_then_closed);
    RUN(close_before_ready_cancels_at_once_and_a_short_connect_timeout_fails);
    RUN(destroy_before_ready_frees_the_session_and_no_callback_follows);
    RUN(bad_arguments_are_refused_with_no_session_made);
    azaudio_client_destroy(client);
    rest_teardown();
    return check_summary();
}
