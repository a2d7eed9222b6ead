/*
 * azaudio.h - the C interface of libazaudio, a native client for Azure OpenAI audio.
 *
 * libazaudio speaks every Azure OpenAI audio capability (speech to text, translation, text to speech, audio chat
 * completions and realtime speech-in/speech-out sessions) from one shared library, libazaudio.so, with no runtime
 * dependency beyond libcurl and the C library. This header is the whole contract: nothing else needs to be read
 * to use the library.
 *
 * Conventions (they hold for every function below unless its comment says otherwise):
 *
 *  - Every public name starts with azaudio_ or AZAUDIO_. Objects are opaque: created by azaudio_X_create(...,
 *    &out) and released by azaudio_X_destroy(x). Destroying NULL does nothing.
 *  - Functions that can fail return an azaudio_result: AZAUDIO_OK (0) on success, a positive AZAUDIO_ERR_* code
 *    otherwise. On failure, output parameters are left untouched unless documented, and a message describing the
 *    failure is available from azaudio_last_error() on the same thread (and, for calls made through a client,
 *    from azaudio_client_last_error()).
 *  - Options are structs whose first field is struct_size. Always fill one with its azaudio_X_options_init()
 *    function, then change the fields you need: the library reads only the first struct_size bytes, so a program
 *    built against an older header keeps working with a newer library. New fields are only ever appended.
 *  - Strings are NUL-terminated UTF-8. Strings the library returns are owned by the library and valid for the
 *    time the comment states; strings the caller passes in are copied before the call returns unless the comment
 *    says otherwise. The library never frees memory it did not allocate.
 *  - Callbacks receive a void *user_data that the caller supplied next to the callback. Pointers passed to a
 *    callback are valid only during that call. Callbacks must not block for long; they may call any azaudio
 *    function, including ones that close or destroy the object they were called for.
 *  - Every function is thread-safe unless its comment says otherwise.
 *
 * The header is C99 and C++ clean. The ABI is stable within a major version: see abi/ in the source tree.
 */
#ifndef AZAUDIO_H
#define AZAUDIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================================================================
 * Versions
 * ============================================================================================================== */

/* The version of this header. AZAUDIO_VERSION_NUMBER is MAJOR * 1000000 + MINOR * 1000 + PATCH. */
#define AZAUDIO_VERSION_MAJOR 0
#define AZAUDIO_VERSION_MINOR 1
#define AZAUDIO_VERSION_PATCH 0
#define AZAUDIO_VERSION_NUMBER 1000
#define AZAUDIO_VERSION_STRING "0.1.0"

/* The version of the library actually loaded, as AZAUDIO_VERSION_NUMBER computes it. Compare it with
 * AZAUDIO_VERSION_NUMBER to detect a program running against a library other than the one it was built with. */
uint32_t azaudio_version_number(void);

/* The version of the loaded library as text, e.g. "0.1.0". Static storage: never free it. */
const char *azaudio_version_string(void);

/* ================================================================================================================
 * Results and errors
 * ============================================================================================================== */

/* The result of a call. Codes are never renumbered; a code that is retired stays reserved. */
typedef int32_t azaudio_result;

#define AZAUDIO_OK                      0  /* success */
#define AZAUDIO_ERR_INVALID_ARGUMENT    1  /* a NULL pointer, a bad struct_size, an invalid option value */
#define AZAUDIO_ERR_OUT_OF_MEMORY       2  /* an allocation failed */
#define AZAUDIO_ERR_NETWORK             3  /* could not resolve, connect, send or receive; connection dropped */
#define AZAUDIO_ERR_TLS                 4  /* TLS handshake or certificate verification failed */
#define AZAUDIO_ERR_TIMEOUT             5  /* the connect or total timeout elapsed */
#define AZAUDIO_ERR_CANCELLED           6  /* the call was cancelled by the caller */
#define AZAUDIO_ERR_HTTP                7  /* the service answered with an HTTP error not covered by a code below */
#define AZAUDIO_ERR_AUTH                8  /* 401 or 403: key or token missing, wrong or expired */
#define AZAUDIO_ERR_RATE_LIMITED        9  /* 429: rate limited (retries exhausted, or the requested wait is over
                                              the cap set by max_retry_wait_ms) */
#define AZAUDIO_ERR_NOT_FOUND          10  /* 404: unknown deployment or route; also a missing local file */
#define AZAUDIO_ERR_PAYLOAD_TOO_LARGE  11  /* the request body is over the service's limit (checked before sending,
                                              or 413 from the service) */
#define AZAUDIO_ERR_UNSUPPORTED        12  /* the model, format or feature is not supported */
#define AZAUDIO_ERR_PROTOCOL           13  /* the server sent something that breaks the protocol */
#define AZAUDIO_ERR_CLOSED             14  /* the object is closed or the connection was closed */
#define AZAUDIO_ERR_BUSY               15  /* a bounded queue is full, or the object is busy; try again later */
#define AZAUDIO_ERR_BAD_REQUEST        16  /* 400: the service rejected the request's parameters */
#define AZAUDIO_ERR_SERVER             17  /* 5xx: the service failed (after the retries allowed) */
#define AZAUDIO_ERR_CONTENT_FILTER     18  /* the service's content filter blocked the request or response */
#define AZAUDIO_ERR_IO                 19  /* a local file could not be read or written */
#define AZAUDIO_ERR_INVALID_STATE      20  /* the call is not valid in the object's current state */
#define AZAUDIO_ERR_INTERNAL           21  /* a bug in libazaudio: please report it */

/* Static English text for a result code, e.g. "rate limited". Unknown codes give "unknown result code".
 * Never free it. */
const char *azaudio_result_string(azaudio_result result);

/* The message of the last failed azaudio call made on the calling thread, or "" if none failed yet. It describes
 * the failure in full (what was wrong and, for service errors, the HTTP status, the service's error code and
 * message and the apim-request-id). Valid until the next azaudio call on this thread; never free it. Never NULL.
 * It never contains an API key or token. */
const char *azaudio_last_error(void);

/* ================================================================================================================
 * The client
 *
 * A client holds an endpoint, credentials and connection settings, and the connections it keeps open for reuse.
 * Create one per endpoint and share it: every function taking a client is safe to call from several threads at
 * once.
 * ============================================================================================================== */

typedef struct azaudio_client azaudio_client;

/* Log levels, from the most to the least severe. */
#define AZAUDIO_LOG_ERROR 1
#define AZAUDIO_LOG_WARN  2
#define AZAUDIO_LOG_INFO  3
#define AZAUDIO_LOG_DEBUG 4

/* Receives the library's log lines at or above the level set in azaudio_client_options.log_level. Called on
 * whichever thread is doing the work; must not block. `message` is valid only during the call. Lines never contain
 * an API key or a token. */
typedef void (*azaudio_log_fn)(int32_t level, const char *message, void *user_data);

/* Values of the `reason` argument of azaudio_token_fn. */
#define AZAUDIO_TOKEN_NEEDED    0  /* a request is about to be sent: return a valid (possibly cached) token */
#define AZAUDIO_TOKEN_REFRESH   1  /* the service rejected the last token with 401: return a fresh one */

/* Supplies a Microsoft Entra ID access token (scope https://cognitiveservices.azure.com/.default) for the
 * Authorization: Bearer header. Called before each request, on the thread making it, and again with
 * AZAUDIO_TOKEN_REFRESH after a 401 (the request is then sent once more). Write the token, NUL-terminated, into
 * `buffer` of `buffer_size` bytes and return its length in bytes (without the NUL). If it does not fit, return the
 * length it needs: the library calls again with a buffer at least that large. Return a negative value to fail the
 * request with AZAUDIO_ERR_AUTH. Should return quickly: cache tokens until they near expiry. */
typedef int64_t (*azaudio_token_fn)(int32_t reason, char *buffer, size_t buffer_size, void *user_data);

/* The default REST api-version: the newest dated version covering transcription, translation, speech and chat. */
#define AZAUDIO_DEFAULT_API_VERSION "2025-04-01-preview"

/* How to reach and authenticate with an Azure OpenAI resource. Fill with azaudio_client_options_init(). */
typedef struct azaudio_client_options {
    /* sizeof(azaudio_client_options) as the caller compiled it. Set by azaudio_client_options_init(). */
    uint32_t struct_size;

    /* The resource endpoint. Accepted forms: the resource root "https://NAME.openai.azure.com", the same with
     * "/openai" or "/openai/v1", trailing slashes, a full request URL pasted from the portal or docs (the path from
     * "/openai" on is dropped; an api-version in its query is adopted when api_version is NULL), a gateway URL with a
     * path prefix, or "http://127.0.0.1:PORT" for a local emulator. Required. */
    const char *endpoint;

    /* Credentials: exactly one of api_key (sent as the api-key header), bearer_token (a fixed Entra ID token) or
     * token_provider (called for tokens as needed). */
    const char *api_key;
    const char *bearer_token;
    azaudio_token_fn token_provider;
    void *token_provider_user_data;

    /* Selects the REST URL family.
     *  - NULL (default): the deployment-based family with api-version AZAUDIO_DEFAULT_API_VERSION, i.e.
     *    {endpoint}/openai/deployments/{deployment}/audio/transcriptions?api-version=2025-04-01-preview
     *    (if the endpoint was pasted with "/openai/v1", the v1 family instead).
     *  - a dated version such as "2024-10-21" or "2025-04-01-preview": the deployment-based family with it.
     *  - "v1": the v1 family, {endpoint}/openai/v1/audio/transcriptions, the deployment name sent as "model".
     *  - "preview": the v1 family with ?api-version=preview, for preview features.
     * Realtime sessions choose their protocol separately in their own options. */
    const char *api_version;

    /* Milliseconds allowed to establish a connection (TCP and TLS). Default 10000. */
    uint32_t connect_timeout_ms;
    /* Milliseconds allowed for a whole call including retries and waits; 0 means no limit. Default 0: long
     * uploads and streamed speech must not be cut off by a fixed limit. Calls stay cancellable. */
    uint32_t timeout_ms;
    /* How many times a failed request is retried: on 429, 500, 502, 503, 504 and on connection failures that
     * happen before any response data reached the caller. Default 2; 0 disables retries. */
    int32_t max_retries;
    /* The longest wait the library accepts from a server's retry-after-ms / x-ms-retry-after-ms / retry-after
     * header, in milliseconds. A longer requested wait fails the call with AZAUDIO_ERR_RATE_LIMITED and a message
     * naming the wait, rather than sleeping. Default 60000. Waits without such a header use jittered exponential
     * backoff starting at 500 ms. */
    uint32_t max_retry_wait_ms;

    /* TLS: a PEM bundle of CA certificates and/or a directory of hashed CA certificates to trust instead of the
     * system's. Certificate verification is always on unless insecure_skip_tls_verify is set to 1. */
    const char *ca_file;
    const char *ca_path;
    int32_t insecure_skip_tls_verify;

    /* A proxy URL, e.g. "http://proxy.example:3128". NULL: libcurl's defaults (the https_proxy and no_proxy
     * environment variables). "" disables proxies. */
    const char *proxy;

    /* Appended to the User-Agent header ("libazaudio/VERSION SUFFIX"). */
    const char *user_agent_suffix;

    /* Receives log lines at or above log_level (AZAUDIO_LOG_*; default AZAUDIO_LOG_WARN). */
    azaudio_log_fn log_callback;
    void *log_user_data;
    int32_t log_level;
} azaudio_client_options;

/* Fills *options with the defaults described above and sets struct_size. Returns AZAUDIO_ERR_INVALID_ARGUMENT if
 * options is NULL. */
azaudio_result azaudio_client_options_init(azaudio_client_options *options);

/* Creates a client. Validates and normalises the endpoint, checks that exactly one credential is given, and
 * prepares the connection cache; no network traffic happens yet. On success stores the client in *out_client.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL pointers, struct_size 0 or smaller than the fields up to
 * `endpoint`, missing or malformed endpoint, missing or conflicting credentials, bad api_version or option
 * values), AZAUDIO_ERR_OUT_OF_MEMORY. The message is in azaudio_last_error(). */
azaudio_result azaudio_client_create(const azaudio_client_options *options, azaudio_client **out_client);

/* Creates a client from the environment variables that openai-python's AzureOpenAI client reads:
 * AZURE_OPENAI_ENDPOINT (required), AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN (one required), and
 * OPENAI_API_VERSION (optional, as api_version). `options` may be NULL for defaults; otherwise its fields other
 * than the endpoint and credentials are used (its endpoint, api_key, bearer_token and token_provider must be
 * NULL), and its api_version is used only when OPENAI_API_VERSION is unset. Errors as azaudio_client_create(); a
 * missing variable is named in the message. */
azaudio_result azaudio_client_create_from_env(const azaudio_client_options *options, azaudio_client **out_client);

/* Destroys a client: closes its connections and frees it. Calls still running on other threads must have
 * returned first (the caller owns that ordering; cancel them first). NULL is a no-op. */
void azaudio_client_destroy(azaudio_client *client);

/* The normalised endpoint the client uses (scheme, host and any gateway path prefix, no trailing slash), e.g.
 * "https://name.openai.azure.com". Valid as long as the client; never free it. NULL if client is NULL. */
const char *azaudio_client_endpoint(const azaudio_client *client);

/* Details of the last failed call made with a client on the calling thread. */
typedef struct azaudio_error_details {
    uint32_t struct_size;        /* set by the caller: sizeof(azaudio_error_details) */
    azaudio_result result;       /* AZAUDIO_OK if no call failed yet */
    int32_t http_status;         /* the service's HTTP status, or 0 if none was received */
    const char *message;         /* full message, as azaudio_last_error() gives it; "" if none */
    const char *service_code;    /* the service's error code, e.g. "DeploymentNotFound"; "" if none */
    const char *request_id;      /* the apim-request-id (or x-request-id) header; "" if none */
    const char *raw_body;        /* the service's error body as received (at most 64 KiB); "" if none */
    double retry_after_seconds;  /* the wait the service asked for (retry-after headers), or 0 */
} azaudio_error_details;

/* Fills *details with the last failure of a call made with `client` on the calling thread, so that threads sharing
 * a client do not see each other's errors. The strings stay valid until the next call with this client on this
 * thread, or until the client is destroyed; never free them. Returns AZAUDIO_ERR_INVALID_ARGUMENT if client or
 * details is NULL or details->struct_size is 0. */
azaudio_result azaudio_client_last_error(const azaudio_client *client, azaudio_error_details *details);

/* ================================================================================================================
 * Audio kit: G.711, resampling, WAV (no client needed)
 * ============================================================================================================== */

/* ================================================================================================================
 * Speech to text, translation, text to speech and audio chat (REST)
 * ============================================================================================================== */

/* ================================================================================================================
 * Realtime sessions (WebSocket)
 * ============================================================================================================== */

#ifdef __cplusplus
}
#endif

#endif /* AZAUDIO_H */
