/* Helpers shared by the REST C tests: the emulator's control API (through libcurl), clients for the endpoint that
 * azaudio-emulator-run put in the environment, a spoken test WAV, and a clock. */
#ifndef AZAUDIO_REST_SUPPORT_H
#define AZAUDIO_REST_SUPPORT_H

#include <azaudio.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char rest_endpoint[256];
/* Per process, so that test programs running at once do not share it. */
static char rest_speech_wav[128];

static inline double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    char *data;
    size_t size;
} rest_text;

static inline size_t rest_collect(char *data, size_t size, size_t count, void *user) {
    rest_text *t = user;
    char *grown = realloc(t->data, t->size + size * count + 1);
    if (!grown) return 0;
    t->data = grown;
    memcpy(t->data + t->size, data, size * count);
    t->size += size * count;
    t->data[t->size] = 0;
    return size * count;
}

/* Calls the emulator's control API; returns the body (free it) or NULL. */
static char *emulator_call(const char *method, const char *path, const char *json) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", rest_endpoint, path);
    CURL *curl = curl_easy_init();
    rest_text body = {NULL, 0};
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (json) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, rest_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK || status >= 300) {
        fprintf(stderr, "  emulator %s %s failed: curl %d, HTTP %ld: %s\n", method, path, rc, status,
                body.data ? body.data : "");
        free(body.data);
        return NULL;
    }
    if (!body.data) body.data = calloc(1, 1);
    return body.data;
}

/* Queues a fault, e.g. "{\"kind\":\"status\",\"status\":429,\"retry_after_ms\":100}". A fault that cannot be
 * armed fails the running test (issue 16: callers ignored the result, so a test could pass with no fault applied). */
static inline int emulator_fault(const char *json) {
    char *body = emulator_call("POST", "/_emulator/faults", json);
    free(body);
#ifdef AZAUDIO_CHECK_H
    if (!body) {
        fprintf(stderr, "  FAIL in %s: the emulator refused the fault %s\n", check_current, json);
        check_current_failed = 1;
    }
#endif
    return body != NULL;
}

/* Forgets queued faults and recorded requests. */
static inline void emulator_reset(void) {
    free(emulator_call("DELETE", "/_emulator/faults", NULL));
    free(emulator_call("DELETE", "/_emulator/requests", NULL));
}

/* The recorded requests as JSON text (free it). */
static char *emulator_requests(void) { return emulator_call("GET", "/_emulator/requests", NULL); }

/* How often `quoted` (a JSON string with its quotes, or any text) occurs in the request log since the last reset. */
static inline int emulator_log_count(const char *quoted) {
    char *body = emulator_requests();
    int n = 0;
    for (const char *p = body; p && (p = strstr(p, quoted)); p++) n++;
    free(body);
    return n;
}

/* How many requests the emulator received since the last reset. */
static inline int emulator_request_count(void) { return emulator_log_count("\"seq\""); }

/* How often the emulator saw a realtime client event type (e.g. "input_audio_buffer.append") since the last reset. */
static inline int client_events(const char *type) {
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", type);
    return emulator_log_count(quoted);
}

/* Client options for the emulator: its endpoint and key, the rest at their defaults. */
static inline azaudio_client_options rest_client_options(void) {
    azaudio_client_options o;
    AZAUDIO_INIT(client_options, &o);
    o.endpoint = rest_endpoint;
    o.api_key = getenv("AZURE_OPENAI_API_KEY");
    return o;
}

/* A client from options; the program exits (status 2) if the library refuses them. */
static inline azaudio_client *rest_client_from(const azaudio_client_options *o) {
    azaudio_client *client = NULL;
    if (azaudio_client_create(o, &client) != AZAUDIO_OK) {
        fprintf(stderr, "client: %s\n", azaudio_last_error());
        exit(2);
    }
    return client;
}

/* A client for the emulator (api_version NULL: the default family; "v1": the v1 family), or with another key. */
static azaudio_client *rest_client_with(const char *api_version, const char *key) {
    azaudio_client_options o = rest_client_options();
    if (key) o.api_key = key;
    o.api_version = api_version;
    return rest_client_from(&o);
}

static azaudio_client *rest_client(void) { return rest_client_with(NULL, NULL); }

/* A fresh emulator log with one fault queued (the test fails if the emulator refuses it), and a client. */
static inline azaudio_client *faulted_client(const char *fault) {
    emulator_reset();
    azaudio_client *c = rest_client();
    emulator_fault(fault);
    return c;
}

/* Reads the endpoint from the environment and makes the spoken WAV the tests transcribe. */
static inline void rest_setup(void) {
    const char *endpoint = getenv("AZURE_OPENAI_ENDPOINT");
    if (!endpoint || !getenv("AZURE_OPENAI_API_KEY")) {
        fprintf(stderr, "run under azaudio-emulator-run (AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY unset)\n");
        exit(2);
    }
    snprintf(rest_endpoint, sizeof rest_endpoint, "%s", endpoint);
    snprintf(rest_speech_wav, sizeof rest_speech_wav, "/tmp/azaudio_rest_test_speech_%ld.wav", (long)getpid());
    curl_global_init(CURL_GLOBAL_DEFAULT);
    azaudio_client *client = rest_client();
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    o.response_format = "wav";
    if (azaudio_speak_to_file(client, "The quick brown fox jumps over the lazy dog.", rest_speech_wav, &o) !=
        AZAUDIO_OK) {
        fprintf(stderr, "setup: speaking the test sentence failed: %s\n", azaudio_last_error());
        exit(2);
    }
    azaudio_client_destroy(client);
    emulator_reset();
}

static inline void rest_teardown(void) {
    remove(rest_speech_wav);
    curl_global_cleanup();
}

/* 24 kHz PCM16 speech of `text` in `voice` (NULL: the default) from the emulator's TTS, into a buffer (free it with
 * azaudio_free); 0 on failure, with the reason printed. The tests' one way to make speech. */
static inline int rest_speak_pcm(azaudio_client *c, const char *text, const char *voice, uint8_t **pcm, size_t *size) {
    azaudio_speech_options o;
    AZAUDIO_INIT(speech_options, &o);
    o.deployment = "tts";
    o.voice = voice;
    o.response_format = "pcm";
    if (azaudio_speak_to_buffer(c, text, &o, pcm, size) == AZAUDIO_OK) return 1;
    fprintf(stderr, "setup: speaking failed: %s\n", azaudio_last_error());
    return 0;
}

/* The last error's details for a client. */
static inline azaudio_error_details rest_details(azaudio_client *client) {
    azaudio_error_details d;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    azaudio_client_last_error(client, &d);
    return d;
}

/* Reads a whole file (free it); size in *size. */
static inline unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(n > 0 ? (size_t)n : 1);
    *size = fread(data, 1, (size_t)n, f);
    fclose(f);
    return data;
}

#endif
