/* sip_webhook: the webhook receiver of a phone number the service answers (Azure OpenAI SIP calls).
 *
 *   WEBHOOK_SECRET=whsec_... sip_webhook PORT DEPLOYMENT [MAX_CALLS]
 *
 * Listens on 127.0.0.1:PORT (put a TLS reverse proxy in front for the public webhook URL). For each POST it
 * checks the Standard Webhooks signature (a forged, tampered or replayed delivery gets 401), reads the
 * realtime.call.incoming event, answers the webhook with 200, then:
 *   - rejects the call with 486 Busy Here when the caller's From header contains $BLOCKED_CALLER,
 *   - otherwise accepts it with a realtime session on DEPLOYMENT (voice marin) and, when $TRANSFER_TO is set
 *     (a tel: or sip: URI), transfers it there;
 *   - else attaches a sideband session to the call (azaudio_realtime_options.call_id): the service keeps the
 *     audio, this program sees the events: it prints what the caller said (with $TRANSCRIBE_DEPLOYMENT set) and
 *     what the assistant answered, the keys the caller pressed, and hangs up when the caller presses '#'. One
 *     call at a time: a real receiver runs each call on its own thread.
 * It stops after MAX_CALLS calls (default: never). Endpoint and key come from AZURE_OPENAI_ENDPOINT and
 * AZURE_OPENAI_API_KEY. Try it offline: start the emulator, then POST to its /_emulator/calls with
 * {"webhook_url": "http://127.0.0.1:PORT/", "secret": "$WEBHOOK_SECRET", "caller": {"dtmf": "1#"}}: its scripted
 * caller asks a question, presses 1 then # (see emulator/README.md). */
#define _POSIX_C_SOURCE 200809L
#include <azaudio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_REQUEST 65536

static void run_call(azaudio_client *client, const char *call_id);

typedef struct {
    char head[8192];
    char body[MAX_REQUEST];
    size_t body_size;
} request;

/* Copies the value of header `name` from the request head (lines ending in CRLF) into out ("" if absent). */
static void header(const char *head, const char *name, char *out, size_t cap) {
    out[0] = 0;
    size_t n = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
            const char *v = h + n + 1;
            while (*v == ' ') v++;
            size_t len = strcspn(v, "\r\n");
            if (len >= cap) len = cap - 1;
            memcpy(out, v, len);
            out[len] = 0;
            return;
        }
    }
}

/* Reads one HTTP request: its head (up to the blank line, kept with one CRLF at the end) and a Content-Length
 * body. Returns 0 on success. */
static int read_request(int fd, request *r) {
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == sizeof r->head - 1) return -1;
        ssize_t n = read(fd, r->head + have, sizeof r->head - 1 - have);
        if (n <= 0) return -1;
        have += (size_t)n;
        r->head[have] = 0;
        end = strstr(r->head, "\r\n\r\n");
    }
    size_t got = have - (size_t)(end + 4 - r->head);
    memcpy(r->body, end + 4, got);
    end[2] = 0;
    char length[32];
    header(r->head, "Content-Length", length, sizeof length);
    size_t want = (size_t)strtoul(length, NULL, 10);
    if (want > sizeof r->body || got > want) return -1;
    while (got < want) {
        ssize_t n = read(fd, r->body + got, want - got);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    r->body_size = got;
    return 0;
}

static void reply(int fd, const char *status) {
    char text[128];
    int n = snprintf(text, sizeof text, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
    if (write(fd, text, (size_t)n) < 0) perror("sip_webhook: write");
}

/* Verifies, reads and answers one delivery. */
static void handle(azaudio_client *client, const char *secret, const char *deployment, int fd) {
    static request r;
    if (read_request(fd, &r) != 0) {
        reply(fd, "400 Bad Request");
        return;
    }
    char id[256], timestamp[64], signature[1024];
    header(r.head, "webhook-id", id, sizeof id);
    header(r.head, "webhook-timestamp", timestamp, sizeof timestamp);
    header(r.head, "webhook-signature", signature, sizeof signature);
    if (azaudio_webhook_verify(secret, id, timestamp, signature, r.body, r.body_size, 0, 0) != AZAUDIO_OK) {
        fprintf(stderr, "sip_webhook: refused a delivery: %s\n", azaudio_last_error());
        reply(fd, "401 Unauthorized");
        return;
    }
    azaudio_incoming_call *call = NULL;
    if (azaudio_incoming_call_parse(r.body, r.body_size, &call) != AZAUDIO_OK) {
        fprintf(stderr, "sip_webhook: ignored an event: %s\n", azaudio_last_error());
        reply(fd, "200 OK");
        return;
    }
    reply(fd, "200 OK"); /* answer the webhook first: the call is answered with its own requests */
    const char *call_id = azaudio_incoming_call_id(call);
    const char *from = azaudio_incoming_call_sip_header_value(call, "From");
    printf("call %s from %s\n", call_id, from ? from : "(unknown)");
    const char *blocked = getenv("BLOCKED_CALLER");
    const char *transfer = getenv("TRANSFER_TO");
    azaudio_result rc;
    if (blocked && *blocked && from && strstr(from, blocked)) {
        rc = azaudio_call_reject(client, call_id, 486);
        printf("  rejected (486 Busy Here): %s\n", rc == AZAUDIO_OK ? "ok" : azaudio_last_error());
    } else {
        azaudio_call_accept_options options;
        AZAUDIO_INIT(call_accept_options, &options);
        options.deployment = deployment;
        options.instructions = "You answer the phone for Example Corp. Greet the caller and ask how you can help.";
        options.voice = "marin";
        rc = azaudio_call_accept(client, call_id, &options);
        printf("  accepted with %s: %s\n", deployment, rc == AZAUDIO_OK ? "ok" : azaudio_last_error());
        if (rc == AZAUDIO_OK && transfer && *transfer) {
            rc = azaudio_call_refer(client, call_id, transfer);
            printf("  transferred to %s: %s\n", transfer, rc == AZAUDIO_OK ? "ok" : azaudio_last_error());
        } else if (rc == AZAUDIO_OK) {
            fflush(stdout);
            run_call(client, call_id);
        }
    }
    fflush(stdout);
    azaudio_incoming_call_free(call);
}

/* Controls an accepted call over a sideband session until the call ends. */
static void run_call(azaudio_client *client, const char *call_id) {
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.call_id = call_id; /* no deployment: the call's, given at accept */
    o.input_transcription_deployment = getenv("TRANSCRIBE_DEPLOYMENT");
    azaudio_realtime_session *session = NULL;
    if (azaudio_realtime_connect(client, &o, &session) != AZAUDIO_OK) {
        printf("  sideband session: %s\n", azaudio_last_error());
        return;
    }
    printf("  sideband session attached\n");
    for (;;) {
        azaudio_realtime_event *e = NULL;
        if (azaudio_realtime_poll_event(session, &e, 1000) != AZAUDIO_OK) break; /* the session ended */
        if (!e) continue;
        int type = azaudio_realtime_event_type(e);
        if (type == AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED)
            printf("  caller: %s\n", azaudio_realtime_event_text(e));
        else if (type == AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE)
            printf("  assistant: %s\n", azaudio_realtime_event_text(e));
        else if (type == AZAUDIO_EVENT_DTMF) {
            printf("  key %s\n", azaudio_realtime_event_text(e));
            if (strcmp(azaudio_realtime_event_text(e), "#") == 0) {
                azaudio_result rc = azaudio_call_hangup(client, call_id);
                printf("  hung up: %s\n", rc == AZAUDIO_OK ? "ok" : azaudio_last_error());
            }
        } else if (type == AZAUDIO_EVENT_CLOSED) {
            printf("  call ended (%d)\n", (int)azaudio_realtime_event_close_code(e));
            azaudio_realtime_event_free(e);
            break;
        }
        fflush(stdout);
        azaudio_realtime_event_free(e);
    }
    azaudio_realtime_destroy(session);
}

int main(int argc, char **argv) {
    const char *secret = getenv("WEBHOOK_SECRET");
    if (argc < 3 || !secret) {
        fprintf(stderr, "usage: WEBHOOK_SECRET=whsec_... %s PORT DEPLOYMENT [MAX_CALLS]\n", argv[0]);
        return 2;
    }
    int max_calls = argc > 3 ? atoi(argv[3]) : 0;
    azaudio_client *client = NULL;
    if (azaudio_client_create_from_env(NULL, &client) != AZAUDIO_OK) {
        fprintf(stderr, "sip_webhook: %s\n", azaudio_last_error());
        return 1;
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 16) != 0) {
        perror("sip_webhook: listen");
        azaudio_client_destroy(client);
        return 1;
    }
    printf("listening on http://127.0.0.1:%s/\n", argv[1]);
    fflush(stdout);
    for (int calls = 0; max_calls == 0 || calls < max_calls; calls++) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        handle(client, secret, argv[2], fd);
        close(fd);
    }
    close(listener);
    azaudio_client_destroy(client);
    return 0;
}
