/* SIP calls answered by the service, against the emulator (run under azaudio-emulator-run): the emulator rings a
 * call by POSTing a signed realtime.call.incoming webhook to a receiver in this test; the test verifies it, reads
 * the call and answers it through the calls endpoints, and controls it over a sideband session.
 * emulator-options: --speed 40 */
#define _GNU_SOURCE
#include "check.h"
#include "rest_support.h"
#include "trap_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define SECRET "whsec_ZW11bGF0b3ItdGVzdC1zZWNyZXQtMzItYnl0ZXMhISE="

/* One received webhook: the three Standard Webhooks headers and the raw body. */
typedef struct {
    char id[128], timestamp[32], signature[256];
    char body[8192];
    size_t body_size;
} delivery;

typedef struct {
    int listener;
    delivery got;
    int ok;
} receiver;

static void header_value(const char *head, const char *name, char *out, size_t cap) {
    out[0] = 0;
    size_t n = strlen(name);
    for (const char *line = head; line && *line; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL) {
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ') v++;
            size_t len = strcspn(v, "\r\n");
            if (len >= cap) len = cap - 1;
            memcpy(out, v, len);
            out[len] = 0;
            return;
        }
    }
}

/* Accepts one connection, reads one POST (head and Content-Length body), answers 200. */
static void *receive_one(void *arg) {
    receiver *r = arg;
    int fd = accept(r->listener, NULL, NULL);
    if (fd < 0) return NULL;
    char buf[16384];
    size_t have = 0;
    char *end = NULL;
    while (!end && have < sizeof buf - 1) {
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n <= 0) break;
        have += (size_t)n;
        buf[have] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    if (end) {
        *end = 0;
        char length[32];
        header_value(buf, "Content-Length", length, sizeof length);
        size_t want = (size_t)atol(length), got = have - (size_t)(end + 4 - buf);
        memmove(r->got.body, end + 4, got < sizeof r->got.body ? got : sizeof r->got.body - 1);
        while (got < want && got < sizeof r->got.body - 1) {
            ssize_t n = read(fd, r->got.body + got, sizeof r->got.body - 1 - got);
            if (n <= 0) break;
            got += (size_t)n;
        }
        r->got.body_size = got;
        r->got.body[got] = 0;
        header_value(buf, "webhook-id", r->got.id, sizeof r->got.id);
        header_value(buf, "webhook-timestamp", r->got.timestamp, sizeof r->got.timestamp);
        header_value(buf, "webhook-signature", r->got.signature, sizeof r->got.signature);
        r->ok = got == want;
    }
    const char *reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    if (write(fd, reply, strlen(reply)) < 0) perror("write");
    close(fd);
    return NULL;
}

/* Rings a call (extra: more JSON members for the control API, or "") and returns its delivery. */
static delivery ring(const char *extra) {
    receiver r;
    memset(&r, 0, sizeof r);
    r.listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(r.listener, (struct sockaddr *)&addr, sizeof addr);
    listen(r.listener, 1);
    getsockname(r.listener, (struct sockaddr *)&addr, &len);
    pthread_t thread;
    pthread_create(&thread, NULL, receive_one, &r);
    char json[512];
    snprintf(json, sizeof json, "{\"webhook_url\":\"http://127.0.0.1:%d/hook\",\"secret\":\"%s\"%s%s}",
             ntohs(addr.sin_port), SECRET, *extra ? "," : "", extra);
    free(emulator_call("POST", "/_emulator/calls", json));
    pthread_join(thread, NULL);
    close(r.listener);
    CHECK(r.ok);
    return r.got;
}

static int verify(const delivery *d, const char *secret) {
    return azaudio_webhook_verify(secret, d->id, d->timestamp, d->signature, d->body, d->body_size, 0, 0);
}

TEST(the_standard_webhooks_test_vector_verifies) {
    const char *body = "{\"test\": 2432232314}";
    const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const char *sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    CHECK_RESULT(azaudio_webhook_verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", sig, body, strlen(body),
                                        1614265330 + 10, 0),
                 AZAUDIO_OK);
    /* Several signatures (a secret rotation): any v1 entry may match. */
    CHECK_RESULT(azaudio_webhook_verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                                        "v1,AAAA v2,xyz v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body,
                                        strlen(body), 1614265330, 0),
                 AZAUDIO_OK);
}

TEST(a_wrong_signature_an_old_timestamp_and_a_tampered_body_are_refused) {
    const char *body = "{\"test\": 2432232314}";
    const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const char *id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const char *sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    CHECK_RESULT(azaudio_webhook_verify(secret, id, "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=",
                                        body, strlen(body), 1614265330, 0),
                 AZAUDIO_ERR_AUTH);
    CHECK_STR_CONTAINS(azaudio_last_error(), "does not match");
    CHECK_RESULT(azaudio_webhook_verify(secret, id, "1614265330", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                                        body, strlen(body), 1614265330, 0),
                 AZAUDIO_ERR_AUTH);
    CHECK_RESULT(azaudio_webhook_verify(secret, id, "1614265330", sig, body, strlen(body), 1614265330 + 301, 0),
                 AZAUDIO_ERR_AUTH);
    CHECK_STR_CONTAINS(azaudio_last_error(), "301 s old");
    CHECK_RESULT(azaudio_webhook_verify(secret, id, "1614265330", sig, body, strlen(body), 1614265330 - 400, 0),
                 AZAUDIO_ERR_AUTH);
    CHECK_RESULT(azaudio_webhook_verify(secret, id, "1614265330", sig, body, strlen(body), 1614265330 + 600, 900),
                 AZAUDIO_OK);
    const char *tampered = "{\"test\": 2432232315}";
    CHECK_RESULT(azaudio_webhook_verify(secret, id, "1614265330", sig, tampered, strlen(tampered), 1614265330, 0),
                 AZAUDIO_ERR_AUTH);
    CHECK_RESULT(azaudio_webhook_verify(secret, "msg_other", "1614265330", sig, body, strlen(body), 1614265330, 0),
                 AZAUDIO_ERR_AUTH);
    CHECK_RESULT(
        azaudio_webhook_verify("whsec_b3RoZXItc2VjcmV0", id, "1614265330", sig, body, strlen(body), 1614265330, 0),
        AZAUDIO_ERR_AUTH);
}

TEST(malformed_inputs_are_invalid_arguments) {
    const char *body = "{}";
    CHECK_RESULT(azaudio_webhook_verify("whsec_!!!", "id", "1", "v1,AAAA", body, 2, 1, 0),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_webhook_verify("whsec_AAAA", "id", "12x", "v1,AAAA", body, 2, 1, 0),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_webhook_verify("whsec_AAAA", "id", "1", "v2,AAAA", body, 2, 1, 0),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_webhook_verify("whsec_AAAA", NULL, "1", "v1,AAAA", body, 2, 1, 0),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_webhook_verify("whsec_AAAA", "id", "1", "v1,AAAA", NULL, 2, 1, 0),
                 AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_incoming_call *call = NULL;
    CHECK_RESULT(azaudio_incoming_call_parse("{\"type\":\"other\"}", 16, &call), AZAUDIO_ERR_PROTOCOL);
    CHECK_RESULT(azaudio_incoming_call_parse("not json", 8, &call), AZAUDIO_ERR_PROTOCOL);
    CHECK(call == NULL);
}

/* Found by fuzz/webhook: created_at is read as a number and was converted with Int64(...), which traps past
 * Int64's range (the whole process died of SIGILL on "created_at": 1e20). Any number must parse. */
TEST(a_webhook_with_an_out_of_range_created_at_parses_without_a_trap) {
    static const char *stamps[] = {"1e20", "-1e20", "1e308", "176722560199999999999", "-0.5", "1767225600"};
    for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"type\":\"realtime.call.incoming\",\"created_at\":%s,\"data\":{\"call_id\":\"rtc_%zu\"}}",
                 stamps[i], i);
        CHECK_NO_TRAP({
            azaudio_incoming_call *call = NULL;
            CHECK_RESULT(azaudio_incoming_call_parse(body, strlen(body), &call), AZAUDIO_OK);
            char id[16];
            snprintf(id, sizeof id, "rtc_%zu", i);
            CHECK(call && strcmp(azaudio_incoming_call_id(call), id) == 0);
            azaudio_incoming_call_free(call);
        });
    }
}

TEST(an_emulated_call_is_verified_parsed_accepted_referred_and_hung_up) {
    delivery d = ring("");
    CHECK_RESULT(verify(&d, SECRET), AZAUDIO_OK);
    azaudio_incoming_call *call = NULL;
    CHECK_RESULT(azaudio_incoming_call_parse(d.body, d.body_size, &call), AZAUDIO_OK);
    const char *id = azaudio_incoming_call_id(call);
    CHECK(strncmp(id, "rtc_", 4) == 0);
    CHECK(azaudio_incoming_call_sip_header_count(call) == 3);
    CHECK_STR_CONTAINS(azaudio_incoming_call_sip_header_value(call, "from"), "+14155550100");
    CHECK(azaudio_incoming_call_sip_header_value(call, "X-Nope") == NULL);
    const char *name = NULL, *value = NULL;
    CHECK_RESULT(azaudio_incoming_call_sip_header(call, 0, &name, &value), AZAUDIO_OK);
    CHECK(strcmp(name, "From") == 0);
    CHECK_RESULT(azaudio_incoming_call_sip_header(call, 3, &name, &value), AZAUDIO_ERR_INVALID_ARGUMENT);

    azaudio_client *c = rest_client();
    azaudio_call_accept_options o;
    AZAUDIO_INIT(call_accept_options, &o);
    o.deployment = "gpt-realtime";
    o.instructions = "Greet the caller.";
    o.voice = "marin";
    CHECK_RESULT(azaudio_call_accept(c, id, &o), AZAUDIO_OK);
    CHECK_RESULT(azaudio_call_refer(c, id, "tel:+14155550123"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_call_hangup(c, id), AZAUDIO_OK);
    char path[128];
    snprintf(path, sizeof path, "/_emulator/calls/%s", id);
    char *state = emulator_call("GET", path, NULL);
    CHECK_STR_CONTAINS(state, "\"state\": \"ended\"");
    CHECK_STR_CONTAINS(state, "\"voice\": \"marin\"");
    CHECK_STR_CONTAINS(state, "\"model\": \"gpt-realtime\"");
    free(state);
    /* Finished: the service refuses another hang-up (409 is an HTTP error the client reports). */
    CHECK(azaudio_call_hangup(c, id) != AZAUDIO_OK);
    azaudio_incoming_call_free(call);
    azaudio_client_destroy(c);
}

TEST(a_call_is_rejected_with_a_sip_status) {
    delivery d = ring("");
    azaudio_incoming_call *call = NULL;
    CHECK_RESULT(azaudio_incoming_call_parse(d.body, d.body_size, &call), AZAUDIO_OK);
    azaudio_client *c = rest_client();
    CHECK_RESULT(azaudio_call_reject(c, azaudio_incoming_call_id(call), 200), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_call_reject(c, azaudio_incoming_call_id(call), 486), AZAUDIO_OK);
    char path[128];
    snprintf(path, sizeof path, "/_emulator/calls/%s", azaudio_incoming_call_id(call));
    char *state = emulator_call("GET", path, NULL);
    CHECK_STR_CONTAINS(state, "\"status_code\": 486");
    free(state);
    azaudio_incoming_call_free(call);
    azaudio_client_destroy(c);
}

TEST(a_tampered_or_replayed_delivery_from_the_emulator_is_refused) {
    delivery tampered = ring("\"tamper\":true");
    CHECK_RESULT(verify(&tampered, SECRET), AZAUDIO_ERR_AUTH);
    delivery old = ring("\"age_seconds\":600");
    CHECK_RESULT(verify(&old, SECRET), AZAUDIO_ERR_AUTH);
    delivery fine = ring("");
    CHECK_RESULT(verify(&fine, "whsec_b3RoZXItc2VjcmV0"), AZAUDIO_ERR_AUTH);
}

TEST(bad_call_arguments_are_refused_before_sending) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_call_accept_options o;
    AZAUDIO_INIT(call_accept_options, &o);
    CHECK_RESULT(azaudio_call_accept(c, "rtc_x", &o), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "deployment is empty");
    o.deployment = "gpt-realtime";
    o.session_json = "{\"model\":\"gpt-realtime\"}";
    CHECK_RESULT(azaudio_call_accept(c, "rtc_x", &o), AZAUDIO_ERR_INVALID_ARGUMENT);
    o.deployment = NULL;
    o.session_json = "[1]";
    CHECK_RESULT(azaudio_call_accept(c, "rtc_x", &o), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_call_refer(c, "rtc_x", "https://example.com"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_call_refer(c, "rtc_x", "tel:+1 555"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_call_hangup(c, ""), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_call_hangup(c, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(emulator_request_count() == 0);
    CHECK_RESULT(azaudio_call_hangup(c, "rtc_unknown"), AZAUDIO_ERR_NOT_FOUND);
    azaudio_client_destroy(c);
}

typedef struct {
    int count[64];
    char keys[16];
    int64_t received_at;
    char transcript[512];
    int close_code;
} sideband_seen;

/* Pulls a sideband session's events until `until` came `times` times (1), or CLOSED / the deadline (0). */
static int sideband_pull(azaudio_realtime_session *s, sideband_seen *got, int until, int times, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        azaudio_realtime_event *e = NULL;
        if (azaudio_realtime_poll_event(s, &e, 100) != AZAUDIO_OK) return 0;
        if (!e) continue;
        int t = azaudio_realtime_event_type(e);
        if (t >= 0 && t < 64) got->count[t]++;
        if (t == AZAUDIO_EVENT_DTMF) {
            strncat(got->keys, azaudio_realtime_event_text(e), sizeof got->keys - strlen(got->keys) - 1);
            got->received_at = azaudio_realtime_event_received_at(e);
        }
        if (t == AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE)
            snprintf(got->transcript, sizeof got->transcript, "%s", azaudio_realtime_event_text(e));
        if (t == AZAUDIO_EVENT_CLOSED) got->close_code = azaudio_realtime_event_close_code(e);
        azaudio_realtime_event_free(e);
        if (t == until && got->count[t] >= times) return 1;
        if (t == AZAUDIO_EVENT_CLOSED) return 0;
    }
    return 0;
}

TEST(a_sideband_session_hears_the_caller_answers_reads_keys_and_ends_with_the_hangup) {
    emulator_reset();
    delivery d = ring("\"caller\":{\"say\":\"What time is it?\",\"dtmf\":\"42\"}");
    CHECK_RESULT(verify(&d, SECRET), AZAUDIO_OK);
    azaudio_incoming_call *call = NULL;
    CHECK_RESULT(azaudio_incoming_call_parse(d.body, d.body_size, &call), AZAUDIO_OK);
    if (!call) return;
    const char *id = azaudio_incoming_call_id(call);
    azaudio_client *c = rest_client();
    azaudio_realtime_options ro;
    azaudio_realtime_options_init(&ro);
    ro.call_id = id;
    azaudio_realtime_session *s = NULL;
    /* not accepted yet: the service refuses the sideband handshake */
    CHECK(azaudio_realtime_connect(c, &ro, &s) != AZAUDIO_OK);
    azaudio_call_accept_options o;
    azaudio_call_accept_options_init(&o);
    o.deployment = "gpt-realtime";
    CHECK_RESULT(azaudio_call_accept(c, id, &o), AZAUDIO_OK);
    ro.instructions = "Answer the caller.";
    ro.output_speed = 1.1;
    CHECK_RESULT(azaudio_realtime_connect(c, &ro, &s), AZAUDIO_OK); /* deployment NULL: the call's */
    if (!s) return;
    sideband_seen got;
    memset(&got, 0, sizeof got);
    /* the scripted caller speaks, the service answers over the call (no audio reaches us), then keys come */
    CHECK(sideband_pull(s, &got, AZAUDIO_EVENT_DTMF, 2, 60));
    CHECK(strcmp(got.keys, "42") == 0);
    CHECK(got.received_at > 1700000000);
    CHECK(got.count[AZAUDIO_EVENT_SPEECH_STARTED] >= 1);
    CHECK(got.count[AZAUDIO_EVENT_OUTPUT_AUDIO_STARTED] == 1);
    CHECK(got.count[AZAUDIO_EVENT_OUTPUT_AUDIO_STOPPED] == 1);
    CHECK(got.count[AZAUDIO_EVENT_AUDIO_DELTA] == 0);
    CHECK_STR_CONTAINS(got.transcript, "what time");
    /* barge-in over the call: cancel (nothing runs any more: the service says so) then clear the played audio */
    CHECK_RESULT(azaudio_realtime_clear_output_audio(s), AZAUDIO_OK);
    CHECK(sideband_pull(s, &got, AZAUDIO_EVENT_OUTPUT_AUDIO_CLEARED, 1, 30));
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"call_id\": \"");
    CHECK_STR_CONTAINS(log, "\"speed\": 1.1");
    CHECK(strstr(log, "\"format\"") == NULL); /* the call's media decides the formats */
    free(log);
    CHECK_RESULT(azaudio_call_hangup(c, id), AZAUDIO_OK);
    CHECK(!sideband_pull(s, &got, -1, 1, 30));
    CHECK(got.close_code == 1000);
    azaudio_realtime_destroy(s);
    azaudio_incoming_call_free(call);
    azaudio_client_destroy(c);
}

TEST(bad_sideband_options_are_refused_before_connecting) {
    emulator_reset();
    azaudio_client *c = rest_client();
    azaudio_realtime_options ro;
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_options_init(&ro);
    ro.call_id = "";
    CHECK_RESULT(azaudio_realtime_connect(c, &ro, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "call_id");
    ro.call_id = "rtc_1";
    ro.reconnect_max_attempts = 2;
    CHECK_RESULT(azaudio_realtime_connect(c, &ro, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "not reconnected");
    ro.reconnect_max_attempts = 0;
    ro.caller_input_format = AZAUDIO_FORMAT_PCM16;
    ro.caller_input_rate = 16000;
    CHECK_RESULT(azaudio_realtime_connect(c, &ro, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "never reaches the application");
    azaudio_realtime_options_init(&ro);
    ro.call_id = "rtc_1";
    ro.protocol = AZAUDIO_REALTIME_PREVIEW;
    ro.deployment = "gpt-realtime";
    CHECK_RESULT(azaudio_realtime_connect(c, &ro, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "GA");
    CHECK(s == NULL);
    CHECK(emulator_request_count() == 0);
    azaudio_client_destroy(c);
}

int main(void) {
    rest_setup();
    RUN(the_standard_webhooks_test_vector_verifies);
    RUN(a_wrong_signature_an_old_timestamp_and_a_tampered_body_are_refused);
    RUN(malformed_inputs_are_invalid_arguments);
    RUN(a_webhook_with_an_out_of_range_created_at_parses_without_a_trap);
    RUN(an_emulated_call_is_verified_parsed_accepted_referred_and_hung_up);
    RUN(a_call_is_rejected_with_a_sip_status);
    RUN(a_tampered_or_replayed_delivery_from_the_emulator_is_refused);
    RUN(bad_call_arguments_are_refused_before_sending);
    RUN(a_sideband_session_hears_the_caller_answers_reads_keys_and_ends_with_the_hangup);
    RUN(bad_sideband_options_are_refused_before_connecting);
    rest_teardown();
    return check_summary();
}
