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
 *  - Options are structs whose first field is struct_size. Always fill one with AZAUDIO_INIT(kind, &options)
 *    (e.g. AZAUDIO_INIT(transcription_options, &o), see "Sized initialisation"), then change the fields you need: it
 *    passes the struct's size as your program was compiled, so a newer library writes no more than that, and the
 *    library reads only the first struct_size bytes, so a program built against an older header keeps working
 *    with a newer library. New fields are only ever appended. (The older azaudio_X_options_init(&o) functions
 *    stay for programs already built: they write the whole struct as the library's own header declares it, which
 *    overruns a smaller struct from an older header.)
 *    One rule holds for every struct with a struct_size, passed in or filled in: struct_size must be at least the
 *    struct's size in its first release (0.1.0; each function names the last field that covers), else the call
 *    fails with AZAUDIO_ERR_INVALID_ARGUMENT and changes nothing. A struct passed in is read up to
 *    min(struct_size, the library's sizeof): the fields past an older caller's struct_size take their defaults, a
 *    newer caller's extra fields are ignored. A struct filled in is written up to the same bound only, and its
 *    struct_size is set to the number of bytes written.
 *  - Strings are NUL-terminated UTF-8. Strings the library returns are owned by the library and valid for the
 *    time the comment states; strings the caller passes in are copied before the call returns unless the comment
 *    says otherwise. The library never frees memory it did not allocate. A string the library sends to the
 *    service (text, prompts, instructions, messages, option values, JSON) that is not valid UTF-8 (overlong forms,
 *    surrogates, truncated sequences, stray continuation bytes, 0xC0/0xC1/0xF5..0xFF) is refused with
 *    AZAUDIO_ERR_INVALID_ARGUMENT and a message naming the field and the byte offset; it is never repaired and
 *    sent. File paths are passed to the operating system as they are.
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
#define AZAUDIO_VERSION_MAJOR  0
#define AZAUDIO_VERSION_MINOR  1
#define AZAUDIO_VERSION_PATCH  0
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

/* clang-format off */
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
/* clang-format on */

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
/* clang-format off */
#define AZAUDIO_TOKEN_NEEDED    0  /* a request is about to be sent: return a valid (possibly cached) token */
#define AZAUDIO_TOKEN_REFRESH   1  /* the service rejected the last token with 401: return a fresh one */
/* clang-format on */

/* Supplies a Microsoft Entra ID access token (scope https://cognitiveservices.azure.com/.default) for the
 * Authorization: Bearer header. Called before each request, on the thread making it, and again with
 * AZAUDIO_TOKEN_REFRESH after a 401 (the request is then sent once more). Write the token, NUL-terminated, into
 * `buffer` of `buffer_size` bytes and return its length in bytes (without the NUL). If it does not fit, return the
 * length it needs: the library calls again with a buffer at least that large. A token may be up to 524287 bytes
 * (512 KiB - 1) and is sent whole; a longer one fails the request with AZAUDIO_ERR_AUTH before anything is sent.
 * Return a negative value to fail the request with AZAUDIO_ERR_AUTH. Should return quickly: cache tokens until they
 * near expiry. */
typedef int64_t (*azaudio_token_fn)(int32_t reason, char *buffer, size_t buffer_size, void *user_data);

/* The default REST api-version: the newest dated version covering transcription, translation, speech and chat. */
#define AZAUDIO_DEFAULT_API_VERSION "2025-04-01-preview"

/* How to reach and authenticate with an Azure OpenAI resource. Fill with AZAUDIO_INIT(client_options, &o). */
typedef struct azaudio_client_options {
    /* sizeof(azaudio_client_options) as the caller compiled it. Set by AZAUDIO_INIT(). */
    uint32_t struct_size;

    /* The resource endpoint. Accepted forms: the resource root "https://NAME.openai.azure.com", the same with
     * "/openai" or "/openai/v1", trailing slashes, a full request URL pasted from the portal or docs (the path from
     * "/openai" on is dropped; an api-version in its query is adopted when api_version is NULL), a gateway URL with a
     * path prefix, or "http://127.0.0.1:PORT" for a local emulator. Required. */
    const char *endpoint;

    /* Credentials: exactly one of api_key (sent as the api-key header), bearer_token (a fixed Entra ID token, at
     * most 524287 bytes like a provider's: a longer one is AZAUDIO_ERR_INVALID_ARGUMENT) or token_provider (called
     * for tokens as needed). */
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

    /* Stall rules for every REST attempt (appended in 0.2). A call fails with AZAUDIO_ERR_TIMEOUT when no byte
     * has moved either way for idle_timeout_ms. Default 600000 (10 minutes, openai-python's read timeout: a
     * transcription of a long file may legitimately think for minutes before its first byte); 0: no idle limit.
     * timeout_ms still bounds the whole call. */
    uint32_t idle_timeout_ms;
    /* Once an answer's body has started, each body_rate_window_ms window must bring at least
     * min_body_bytes_per_s bytes per second, else AZAUDIO_ERR_TIMEOUT (a body that trickles to dodge the idle
     * rule). Defaults 64 bytes/s over 60000 ms, far below any real answer; 0 in either turns the rule off. */
    uint32_t min_body_bytes_per_s;
    uint32_t body_rate_window_ms;

    /* A PEM bundle of CA certificates that verify an HTTPS proxy's own certificate (a proxy URL starting with
     * "https://", set in `proxy` or in the proxy environment variables), for a proxy the system's store does not
     * trust (appended in 0.2). NULL: the system's CA certificates. `ca_file`, `ca_path` and
     * insecure_skip_tls_verify apply to the service's certificate only; the proxy's is always verified. */
    const char *proxy_ca_file;
} azaudio_client_options;

/* Fills *options with the defaults described above and sets struct_size. Returns AZAUDIO_ERR_INVALID_ARGUMENT if
 * options is NULL.
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(client_options, &x). */
azaudio_result azaudio_client_options_init(azaudio_client_options *options);

/* Creates a client. Validates and normalises the endpoint, checks that exactly one credential is given, and
 * prepares the connection cache; no network traffic happens yet. On success stores the client in *out_client.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL pointers, a struct_size not covering the fields up to `log_level`
 * (132 bytes on LP64), missing or malformed endpoint, missing or conflicting credentials, bad api_version or option
 * values), AZAUDIO_ERR_OUT_OF_MEMORY. The message is in azaudio_last_error(). */
azaudio_result azaudio_client_create(const azaudio_client_options *options, azaudio_client **out_client);

/* Creates a client from the environment variables that openai-python's AzureOpenAI client reads:
 * AZURE_OPENAI_ENDPOINT (required), AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN (one required), and
 * OPENAI_API_VERSION (optional, as api_version). `options` may be NULL for defaults; otherwise its fields other
 * than the endpoint and credentials are used (its endpoint, api_key, bearer_token and token_provider must be
 * NULL), and its api_version is used only when OPENAI_API_VERSION is unset. Errors as azaudio_client_create(); a
 * missing variable is named in the message. */
azaudio_result azaudio_client_create_from_env(const azaudio_client_options *options, azaudio_client **out_client);

/* Destroys the caller's client handle. REST calls still running on other threads must have returned first (the
 * caller owns that ordering; cancel them first). Realtime sessions created from this client are not closed: each
 * holds a reference to the client, so its connection, I/O thread and callbacks keep working until
 * azaudio_realtime_destroy(); the client's idle REST connections, I/O thread and memory are freed when the handle
 * and the last of its sessions are gone. Using `client` itself after this call is undefined. NULL is a no-op. */
void azaudio_client_destroy(azaudio_client *client);

/* The normalised endpoint the client uses (scheme, host and any gateway path prefix, no trailing slash), e.g.
 * "https://name.openai.azure.com". Valid as long as the client; never free it. NULL if client is NULL. */
const char *azaudio_client_endpoint(const azaudio_client *client);

/* Details of the last failed call made with a client on the calling thread. */
typedef struct azaudio_error_details {
    uint32_t struct_size;       /* set by the caller: sizeof(azaudio_error_details) */
    azaudio_result result;      /* AZAUDIO_OK if no call failed yet */
    int32_t http_status;        /* the service's HTTP status, or 0 if none was received */
    const char *message;        /* full message, as azaudio_last_error() gives it; "" if none */
    const char *service_code;   /* the service's error code, e.g. "DeploymentNotFound"; "" if none */
    const char *request_id;     /* the apim-request-id (or x-request-id) header; "" if none */
    const char *raw_body;       /* the service's error body as received (at most 64 KiB); "" if none */
    double retry_after_seconds; /* the wait the service asked for (retry-after headers), or 0 */
} azaudio_error_details;

/* Fills *details with the last failure of a call made with `client` on the calling thread, so that threads sharing
 * a client do not see each other's errors: a thin alias of azaudio_last_error_details() that reports the thread's
 * last failure of a client call when that call went through `client` (AZAUDIO_OK and "" otherwise: no call with a
 * client failed on this thread yet, or the latest one that did used another client). The strings stay valid until
 * the next failing azaudio call on this thread; never free them. Returns AZAUDIO_ERR_INVALID_ARGUMENT if client or
 * details is NULL or details->struct_size does not cover `retry_after_seconds` (56 bytes on LP64); only
 * struct_size bytes are written. */
azaudio_result azaudio_client_last_error(const azaudio_client *client, azaudio_error_details *details);

/* Fills *details with the last failure of any azaudio call made on the calling thread (with or without a client):
 * the same record azaudio_last_error() gives the message of, with every detail. AZAUDIO_OK and "" when none failed
 * yet. The strings stay valid until the next failing azaudio call on this thread; never free them. Returns
 * AZAUDIO_ERR_INVALID_ARGUMENT (itself then the thread's last failure) if details is NULL or details->struct_size
 * does not cover `retry_after_seconds` (56 bytes on LP64); only struct_size bytes are written. */
azaudio_result azaudio_last_error_details(azaudio_error_details *details);

/* ================================================================================================================
 * Audio kit: G.711, resampling, WAV (no client needed)
 *
 * Plain functions over caller buffers, usable without a client. Encoding, decoding and resampling never allocate
 * and never block, so they can run on a real-time audio or media thread. Samples are mono unless a function says
 * otherwise; PCM16 samples are int16_t in host byte order, which is little-endian on every supported platform and
 * so also the byte order of PCM16 WAV data.
 * ============================================================================================================== */

/* Sample formats, as used by the WAV and frame functions below. */
/* clang-format off */
#define AZAUDIO_FORMAT_PCM16 1  /* signed 16-bit linear PCM, 2 bytes per sample */
#define AZAUDIO_FORMAT_ULAW  2  /* ITU-T G.711 mu-law, 1 byte per sample */
#define AZAUDIO_FORMAT_ALAW  3  /* ITU-T G.711 A-law, 1 byte per sample */
/* clang-format on */
/* Added with "any WAV in": the other encodings of ordinary WAV files. The WAV reader, the WAV writer, the frame
 * functions and azaudio_audio_to_mono_pcm16() take them; the resampler, the G.711 functions and the realtime
 * session (input_audio_format, caller_*_format) do not: convert with azaudio_audio_to_mono_pcm16() first. */
/* clang-format off */
#define AZAUDIO_FORMAT_PCM8    4  /* unsigned 8-bit linear PCM (128 is silence), 1 byte per sample */
#define AZAUDIO_FORMAT_PCM24   5  /* signed 24-bit linear PCM, 3 bytes little-endian per sample */
#define AZAUDIO_FORMAT_PCM32   6  /* signed 32-bit linear PCM, 4 bytes little-endian per sample */
#define AZAUDIO_FORMAT_FLOAT32 7  /* IEEE 754 float, 4 bytes little-endian, full scale -1.0 to 1.0 */
#define AZAUDIO_FORMAT_FLOAT64 8  /* IEEE 754 double, 8 bytes little-endian, full scale -1.0 to 1.0 */
/* clang-format on */

/* ---- G.711 -------------------------------------------------------------------------------------------------------
 *
 * Bit-exact with the ITU-T reference implementation (the G.191 Software Tool Library's g711.c). Encoding keeps
 * the top 14 (mu-law) or 13 (A-law) bits of each sample, negative samples taken in one's complement, so x and -x-1
 * get codes that differ only in the sign bit (Sun's widely copied g711.c differs from this for a few negative
 * values at interval edges, e.g. it encodes -1 as mu-law 0x7E instead of 0x7F). Decoding gives the G.711
 * reconstruction level scaled to 16 bits: -32124..32124 for mu-law, -32256..32256 for A-law. mu-law codes 0x7F
 * and 0xFF both decode to 0, and 0 encodes to 0xFF; every other code survives decode then encode unchanged.
 *
 * Each function converts `samples` samples from the first buffer into the second, which the caller allocates
 * (`samples` bytes of codes, or `samples` int16_t). The buffers must not overlap. With samples == 0 the pointers
 * may be NULL. Errors: AZAUDIO_ERR_INVALID_ARGUMENT if a pointer is NULL while samples > 0.
 * ------------------------------------------------------------------------------------------------------------------ */

/* mu-law: PCM16 samples to codes. */
azaudio_result azaudio_g711_ulaw_encode(const int16_t *pcm, size_t samples, uint8_t *out_codes);
/* mu-law: codes to PCM16 samples. */
azaudio_result azaudio_g711_ulaw_decode(const uint8_t *codes, size_t samples, int16_t *out_pcm);
/* A-law: PCM16 samples to codes. */
azaudio_result azaudio_g711_alaw_encode(const int16_t *pcm, size_t samples, uint8_t *out_codes);
/* A-law: codes to PCM16 samples. */
azaudio_result azaudio_g711_alaw_decode(const uint8_t *codes, size_t samples, int16_t *out_pcm);

/* ---- Resampler ---------------------------------------------------------------------------------------------------
 *
 * A streaming sample-rate converter for mono PCM16 between any two rates from 8000 to 192000 Hz (equal rates are
 * allowed and copy; 11025, 22050, 44100, 96000 ... as well as 8000, 16000, 24000 and 48000). It is a rational
 * polyphase Kaiser-windowed-sinc FIR filter; with `low` the lower of the two rates:
 *  - passband 0 to 0.41 * low (3.28 kHz at 8 kHz, 9.84 kHz at 24 kHz), ripple under 0.001 dB;
 *  - stopband from 0.5 * low (nothing above the lower rate's Nyquist frequency aliases), attenuation >= 90 dB;
 *  - 64 taps per output sample counted at the lower rate (64 at the input rate when upsampling, 64 * in / out
 *    when downsampling, rounded up to a multiple of 8); a 1 kHz sine at -6 dBFS comes out of 8 -> 24 -> 8 kHz
 *    with 94 dB SNR, and of 44100 -> 24000 Hz with over 90 dB;
 *  - when the ratio in lowest terms L/M has a large L (e.g. 8001 -> 48000 Hz) the filter is kept on a grid of 512
 *    phases per input sample and interpolated linearly between them (error under 1e-5 of full scale), which costs
 *    twice the multiply-adds; every pair of the rates listed above uses exact phases;
 *  - zero phase: output sample n is the input at time n * in_rate / out_rate, so output lines up with input and a
 *    whole stream of N input samples gives ceil(N * out_rate / in_rate) output samples (after the flush);
 *  - latency: output trails input by 32 samples at the lower rate, a little more when the ratio is not whole (4 ms
 *    for 8 kHz, 2 ms for 16 kHz, 1.33 ms for 24 kHz, 0.73 ms for 44.1 kHz), because each output sample needs
 *    input from up to 32 low-rate samples after its instant. Those last
 *    samples come out of azaudio_resampler_flush().
 * The filter state is kept between calls: feeding a signal in chunks of any sizes gives output identical, bit for
 * bit, to feeding it in one piece, so chunk borders cause no clicks or phase jumps.
 *
 * Threads: a resampler is not thread-safe (an exception to the rule at the top of this header); use each one from
 * one thread at a time. Different resamplers are independent.
 * ------------------------------------------------------------------------------------------------------------------ */

typedef struct azaudio_resampler azaudio_resampler;

/* Creates a resampler from in_rate to out_rate Hz and stores it in *out_resampler. Allocates all its memory here.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT if out_resampler is NULL or a rate is 0; AZAUDIO_ERR_UNSUPPORTED if a rate
 * is below 8000 or above 192000. */
azaudio_result azaudio_resampler_create(uint32_t in_rate, uint32_t out_rate, azaudio_resampler **out_resampler);

/* Frees a resampler. NULL is a no-op. */
void azaudio_resampler_destroy(azaudio_resampler *resampler);

/* An output capacity, in samples, that is always enough for azaudio_resampler_process() with in_samples input
 * samples, whatever the resampler's state: ceil((in_samples + L) * out_rate / in_rate), L being the latency in
 * input samples. azaudio_resampler_max_output(r, 0) is enough for azaudio_resampler_flush(). For 20 ms frames:
 * 8 -> 24 kHz gives 576 for 160 input samples. Returns 0 if resampler is NULL. */
size_t azaudio_resampler_max_output(const azaudio_resampler *resampler, size_t in_samples);

/* The latency in output samples (see above): after N input samples, process() has produced exactly
 * ceil(N * out_rate / in_rate) - latency output samples once N is past the latency when out_rate / in_rate is
 * whole or its inverse is (so for any two of 8000, 16000, 24000 and 48000), and within one sample of it
 * otherwise. 0 for equal rates or NULL. */
uint32_t azaudio_resampler_latency_samples(const azaudio_resampler *resampler);

/* Consumes all in_samples samples of `in`, writes the output samples they complete to `out` and stores their
 * number in *out_written. `out` holds out_capacity samples; azaudio_resampler_max_output(r, in_samples) is always
 * enough. If out_capacity is smaller than what this call produces, nothing is consumed or written and the call
 * fails. `in` and `out` must not overlap. Never allocates. `in` may be NULL when in_samples is 0 and `out` when
 * out_capacity is 0. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL resampler, out_written, or buffer with a nonzero
 * count; in_samples over 2^40; out_capacity too small, the message gives the size needed). */
azaudio_result azaudio_resampler_process(azaudio_resampler *resampler, const int16_t *in, size_t in_samples,
                                         int16_t *out, size_t out_capacity, size_t *out_written);

/* Ends the stream: writes the output samples still held back (as if silence followed the input; at most
 * azaudio_resampler_max_output(r, 0)), stores their number in *out_written, and resets the resampler for a new
 * stream. If out_capacity is too small, nothing is written and the state is kept. Never allocates. Errors:
 * AZAUDIO_ERR_INVALID_ARGUMENT (NULL resampler or out_written, NULL out with a nonzero capacity, capacity too
 * small). */
azaudio_result azaudio_resampler_flush(azaudio_resampler *resampler, int16_t *out, size_t out_capacity,
                                       size_t *out_written);

/* Drops the held-back input and history without output: the next process() starts a new stream. Errors:
 * AZAUDIO_ERR_INVALID_ARGUMENT if resampler is NULL. */
azaudio_result azaudio_resampler_reset(azaudio_resampler *resampler);

/* ---- WAV files ---------------------------------------------------------------------------------------------------
 *
 * Reads and writes RIFF/WAVE files holding 16-bit PCM, 8-bit mu-law or 8-bit A-law samples, any rate and channel
 * count (channels interleaved); and, since "any WAV in", 8-bit (unsigned), 24-bit and 32-bit PCM and 32-bit and
 * 64-bit IEEE float (AZAUDIO_FORMAT_PCM8 ... _FLOAT64). azaudio_audio_buffer_to_mono_pcm16() turns any of them
 * into mono PCM16 at the rate you need (e.g. a 44.1 kHz stereo float WAV into 24 kHz mono for a realtime session).
 *
 * Reading accepts a plain fmt chunk (16 bytes or more) or WAVE_FORMAT_EXTENSIBLE with the standard PCM, float,
 * mu-law or A-law sub-format (PCM with fewer valid bits than its container, e.g. 24 in 32, reads as the container:
 * the valid bits are the high ones),
 * skips other chunks (LIST, fact, JUNK, ... with their pad byte when odd-sized), and allows data before fmt. It
 * tolerates what real writers produce: a RIFF size that disagrees with the file (it is not used), a data size of
 * 0xFFFFFFFF (AZAUDIO_WAV_SIZE_UNKNOWN, written by streaming writers: the data runs to the end of the file), data
 * ending in a partial frame (left out), and anything after the fmt and data chunks (ignored). A declared size is
 * never trusted beyond the bytes really present, and nothing is allocated until the data size has been checked
 * against them. Errors when reading:
 *  - AZAUDIO_ERR_PROTOCOL: not a WAV file, or a malformed one: truncated, a chunk (data or other) declaring more
 *    bytes than remain, no fmt or no data chunk, two fmt chunks, a fmt chunk under 16 bytes (40 for EXTENSIBLE),
 *    zero channels, sample rate 0, a block align that disagrees with channels and sample size, more than 4096
 *    chunks before fmt and data;
 *  - AZAUDIO_ERR_UNSUPPORTED: a valid WAV in another format: PCM containers other than 8/16/24/32 bits, float other
 *    than 32/64 bits, ADPCM and other codecs, RIFX (big-endian) or RF64 files, a non-standard EXTENSIBLE
 *    sub-format;
 *  - AZAUDIO_ERR_NOT_FOUND: the file or a directory on its path does not exist; AZAUDIO_ERR_IO: it cannot be read
 *    (permissions, a directory, a read error);
 *  - AZAUDIO_ERR_OUT_OF_MEMORY: the samples do not fit in memory; AZAUDIO_ERR_INVALID_ARGUMENT: NULL pointers.
 * azaudio_last_error() says what was wrong, with the offset of the offending chunk where there is one.
 * ------------------------------------------------------------------------------------------------------------------ */

/* A WAV file's format and the position of its samples. Set struct_size (AZAUDIO_INIT(wav_info, &i) does) before
 * passing one to the library. */
typedef struct azaudio_wav_info {
    uint32_t struct_size;     /* sizeof(azaudio_wav_info) as the caller compiled it */
    int32_t format;           /* AZAUDIO_FORMAT_PCM16, _ULAW or _ALAW (or _PCM8, _PCM24, _PCM32, _FLOAT32, _FLOAT64) */
    uint32_t sample_rate;     /* frames per second, e.g. 8000 */
    uint32_t channels;        /* interleaved channels, at least 1 */
    uint32_t bits_per_sample; /* 16 for PCM16, 8 for mu-law and A-law, the container size for the others (filled in
                               * by the library; ignored on input) */
    uint32_t block_align;     /* bytes per frame: channels * bits_per_sample / 8 (likewise) */
    uint64_t frame_count;     /* frames in the data chunk (likewise) */
    uint64_t data_offset;     /* byte offset of the first sample in the file or memory image (likewise) */
    uint64_t data_size;       /* bytes of samples, frame_count * block_align (likewise) */
} azaudio_wav_info;

/* The size of the header azaudio_wav_header() and azaudio_wav_write_file() write. */
#define AZAUDIO_WAV_HEADER_SIZE 44
/* A data size meaning "unknown, to the end of the file", for writers that cannot seek back. */
#define AZAUDIO_WAV_SIZE_UNKNOWN 0xFFFFFFFFu

/* Sets struct_size and the defaults: PCM16, 24000 Hz, 1 channel (the Azure OpenAI realtime format), zero sizes.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT if info is NULL.
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(wav_info, &x). */
azaudio_result azaudio_wav_info_init(azaudio_wav_info *info);

/* Parses the WAV image of `size` bytes at `data` without copying anything: on success fills *info; the samples
 * are then the info->data_size bytes at (const uint8_t *)data + info->data_offset. info->struct_size must be set;
 * the library writes only that many bytes of *info. Errors: as listed above for reading; also
 * AZAUDIO_ERR_INVALID_ARGUMENT for a NULL info or data with size > 0, or a struct_size below 48 (through
 * `data_size`). */
azaudio_result azaudio_wav_parse(const void *data, size_t size, azaudio_wav_info *info);

/* Samples read from a WAV file or image, owned by the library: read them through the accessors and release the
 * buffer with azaudio_audio_buffer_destroy(). */
typedef struct azaudio_audio_buffer azaudio_audio_buffer;

/* Reads the WAV file at `path` and stores its samples in a new buffer in *out_buffer. Reads only the chunk headers
 * it needs and the samples, allocating exactly their size. Errors: as listed above for reading. */
azaudio_result azaudio_wav_read_file(const char *path, azaudio_audio_buffer **out_buffer);

/* As azaudio_wav_read_file(), from the WAV image of `size` bytes at `data`, which is copied: the caller may free
 * it as soon as the call returns. */
azaudio_result azaudio_wav_read_memory(const void *data, size_t size, azaudio_audio_buffer **out_buffer);

/* Fills *info with the buffer's format (data_offset is where the samples were in the source). info->struct_size
 * must be set; the library writes only that many bytes. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL pointers,
 * struct_size below 48, through `data_size`). */
azaudio_result azaudio_audio_buffer_info(const azaudio_audio_buffer *buffer, azaudio_wav_info *info);

/* The samples, as stored in the file: interleaved, little-endian for PCM16 (so an int16_t array on little-endian
 * hosts), aligned for int16_t. Valid until the buffer is destroyed; never free it. NULL if buffer is NULL; never
 * NULL otherwise, even when the size is 0. */
const void *azaudio_audio_buffer_data(const azaudio_audio_buffer *buffer);

/* The number of bytes at azaudio_audio_buffer_data(): info.data_size. 0 if buffer is NULL. */
size_t azaudio_audio_buffer_size(const azaudio_audio_buffer *buffer);

/* Frees a buffer and its samples. NULL is a no-op. */
void azaudio_audio_buffer_destroy(azaudio_audio_buffer *buffer);

/* Converts `frames` frames of interleaved audio in `format` (any AZAUDIO_FORMAT_*) with `channels` channels at
 * `in` into `frames` mono PCM16 samples at out_pcm: each frame's channels are averaged (a plain down-mix), then
 * rounded to 16 bits (mono PCM16 is copied unchanged; 24/32-bit PCM is rounded to nearest; floats are clamped to
 * -1.0..1.0, 1.0 gives 32767, NaN gives 0; G.711 is decoded as azaudio_g711_*_decode()). The buffers must not
 * overlap. Never allocates, never blocks. `in` and out_pcm may be NULL when frames is 0.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (channels 0 or over 65535, NULL pointers with frames > 0, frames so large
 * that the input size overflows); AZAUDIO_ERR_UNSUPPORTED (an unknown format). */
azaudio_result azaudio_audio_to_mono_pcm16(int32_t format, uint32_t channels, const void *in, size_t frames,
                                           int16_t *out_pcm);

/* Converts a whole buffer (as read by azaudio_wav_read_file() / _memory(), in any format and channel count) into
 * a new buffer of mono PCM16 at sample_rate Hz, stored in *out_buffer: channels averaged as
 * azaudio_audio_to_mono_pcm16(), then resampled with the resampler above and flushed, so N input frames give
 * ceil(N * sample_rate / rate) samples. sample_rate 0 keeps the buffer's rate (no resampling, any rate). The new
 * buffer's info says AZAUDIO_FORMAT_PCM16, 1 channel, data_offset 0; release it with azaudio_audio_buffer_destroy().
 * `buffer` is not changed. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL pointers); AZAUDIO_ERR_UNSUPPORTED
 * (resampling needed and a rate outside 8000..192000); AZAUDIO_ERR_OUT_OF_MEMORY. */
azaudio_result azaudio_audio_buffer_to_mono_pcm16(const azaudio_audio_buffer *buffer, uint32_t sample_rate,
                                                  azaudio_audio_buffer **out_buffer);

/* Writes the canonical 44-byte WAV header (RIFF, a 16-byte fmt chunk, the data chunk header) for `info`'s format,
 * sample_rate and channels and `data_size` bytes of samples into `out`, which holds out_capacity bytes. For
 * streaming writers: write the header, append the samples, then either write the header again at offset 0 with the
 * final size, or pass AZAUDIO_WAV_SIZE_UNKNOWN if the output cannot seek (this library and ffmpeg read such
 * files to the end; SoX too, with a warning). Odd data sizes need one pad byte (0) after the data. The same
 * 44-byte layout is used for mu-law and A-law (ffmpeg, SoX and this library read it). Only info's struct_size,
 * format, sample_rate and channels are read.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL pointers, out_capacity < 44, a struct_size below 48, channels 0 or
 * over 1024, sample_rate 0, data_size not a whole number of frames or over 0xFFFFFFFF - 37 unless
 * AZAUDIO_WAV_SIZE_UNKNOWN); AZAUDIO_ERR_UNSUPPORTED (an unknown format). */
azaudio_result azaudio_wav_header(const azaudio_wav_info *info, uint32_t data_size, uint8_t *out, size_t out_capacity);

/* Creates or replaces the file at `path` with a WAV of info's format, sample_rate and channels holding the `size`
 * bytes at `data` (interleaved; little-endian for PCM16). Only info's struct_size, format, sample_rate and channels
 * are read. `data` may be NULL when size is 0. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (as azaudio_wav_header(), and
 * NULL path or data); AZAUDIO_ERR_UNSUPPORTED (an unknown format); AZAUDIO_ERR_NOT_FOUND (a directory on the path
 * does not exist); AZAUDIO_ERR_IO (anything else the system refuses: permissions, a full disk). A failed write may
 * leave a partial file. */
azaudio_result azaudio_wav_write_file(const char *path, const azaudio_wav_info *info, const void *data, size_t size);

/* ---- Frames and pacing -------------------------------------------------------------------------------------------
 *
 * Telephony and real-time audio move in fixed frames, typically 20 ms (160 bytes of 8 kHz mu-law, 960 bytes of
 * 24 kHz PCM16). A sender paces frames against an absolute clock: frame k is due at start + k * frame_ms, which
 * keeps the rate exact however long each send takes (sleeping frame_ms after each send drifts).
 * ------------------------------------------------------------------------------------------------------------------ */

/* Stores in *out_bytes the size of one frame_ms frame of `format` at sample_rate with `channels` channels.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL out_bytes; sample_rate 0 or over 1000000; channels 0 or over 1024;
 * frame_ms 0 or over 60000; frame_ms not a whole number of samples at sample_rate, e.g. 20 ms at 11025 Hz);
 * AZAUDIO_ERR_UNSUPPORTED (an unknown format). */
azaudio_result azaudio_frame_bytes(int32_t format, uint32_t sample_rate, uint32_t channels, uint32_t frame_ms,
                                   size_t *out_bytes);

/* Cuts a buffer of audio into frames. Not thread-safe: use each cursor from one thread at a time. */
typedef struct azaudio_frame_cursor azaudio_frame_cursor;

/* Creates a cursor over the `size` bytes at `data`, in frames of frame_ms (arguments as azaudio_frame_bytes()).
 * The cursor borrows `data`, which must stay valid and unchanged until the cursor is destroyed. When `size` is not
 * a whole number of frames, the cursor allocates one frame here to pad the last one. Errors: those of
 * azaudio_frame_bytes(), AZAUDIO_ERR_INVALID_ARGUMENT for NULL out_cursor or NULL data with size > 0, and
 * AZAUDIO_ERR_OUT_OF_MEMORY when that one-frame allocation fails (a frame of gigabytes over a few bytes). */
azaudio_result azaudio_frame_cursor_create(int32_t format, uint32_t sample_rate, uint32_t channels, uint32_t frame_ms,
                                           const void *data, size_t size, azaudio_frame_cursor **out_cursor);

/* Gives the next frame: *out_frame points to exactly azaudio_frame_bytes() bytes, *out_size is that size, and
 * *out_timestamp_us (optional, may be NULL) is the frame's start in microseconds from the first frame
 * (k * frame_ms * 1000). A partial last frame is completed with silence (0 for PCM16, 0xFF for mu-law, 0xD5 for
 * A-law, 0x80 for 8-bit PCM, zero bytes for the other PCM and float formats) in the cursor's own memory. The
 * frame pointer is valid until the next call on the cursor or its destruction. After the last frame it returns
 * AZAUDIO_OK with *out_frame = NULL and *out_size = 0. Errors:
 * AZAUDIO_ERR_INVALID_ARGUMENT (NULL cursor, out_frame or out_size). */
azaudio_result azaudio_frame_cursor_next(azaudio_frame_cursor *cursor, const void **out_frame, size_t *out_size,
                                         uint64_t *out_timestamp_us);

/* The number of frames the cursor gives in all, counting a partial last one. 0 if cursor is NULL. */
size_t azaudio_frame_cursor_count(const azaudio_frame_cursor *cursor);

/* Goes back to the first frame. Errors: AZAUDIO_ERR_INVALID_ARGUMENT if cursor is NULL. */
azaudio_result azaudio_frame_cursor_rewind(azaudio_frame_cursor *cursor);

/* Frees a cursor (not the audio it borrows). NULL is a no-op. */
void azaudio_frame_cursor_destroy(azaudio_frame_cursor *cursor);

/* Microseconds of CLOCK_MONOTONIC: the clock for azaudio_sleep_until_us(). */
uint64_t azaudio_monotonic_us(void);

/* Sleeps until azaudio_monotonic_us() reaches deadline_us; returns at once if it already has. Resumes after
 * signals. Pace frames with: start = azaudio_monotonic_us(); for each frame: azaudio_sleep_until_us(start +
 * timestamp_us); send it. Always returns AZAUDIO_OK. */
azaudio_result azaudio_sleep_until_us(uint64_t deadline_us);

/* ================================================================================================================
 * Speech to text, translation, text to speech and audio chat (REST)
 *
 * The calls in this section are blocking: they run on the caller's thread and return when the service's reply is
 * complete (or the call failed). Streamed output (text deltas, audio chunks) reaches the caller's callbacks on the
 * same thread, in order, as it comes off the wire. Any call can be cancelled from another thread with a cancel
 * token (see below); timeouts and retries come from the client's options and can be overridden per call.
 *
 * Before any byte is sent, every call checks what it can locally and fails with its own code and a message:
 *   - an audio file that does not exist:                        AZAUDIO_ERR_NOT_FOUND
 *   - an audio file that cannot be read (permissions, not a regular file), or a file that cannot be written:
 *                                                               AZAUDIO_ERR_IO
 *   - a file name whose extension the service does not accept (transcription and translation take flac, m4a,
 *     mp3, mp4, mpeg, mpga, ogg, wav, webm; chat input audio takes wav and mp3):    AZAUDIO_ERR_UNSUPPORTED
 *   - a request body over the service's limit of 26,214,400 bytes (25 MB), text to speak over 4096 characters,
 *     chat input audio over 20 MB:                              AZAUDIO_ERR_PAYLOAD_TOO_LARGE
 *   - empty text, an empty file, a speed outside 0.25..4.0, an unknown response format, options that contradict
 *     each other (e.g. timestamps without verbose_json):        AZAUDIO_ERR_INVALID_ARGUMENT
 *   - an option the model does not support (e.g. verbose_json with gpt-4o-transcribe, instructions with tts),
 *     when the model is known: named in the options' `model` field, or the deployment is named after a model
 *     (whisper, gpt-4o-transcribe, gpt-4o-mini-transcribe, gpt-4o-transcribe-diarize, gpt-transcribe, tts, tts-hd,
 *     gpt-4o-mini-tts, gpt-4o-audio-preview, gpt-4o-mini-audio-preview, gpt-audio, gpt-audio-mini, and the
 *     realtime models gpt-realtime, gpt-realtime-mini, gpt-realtime-1.5, gpt-realtime-2, gpt-realtime-translate,
 *     gpt-realtime-whisper, gpt-live-transcribe, gpt-4o-realtime-preview, gpt-4o-mini-realtime-preview; each
 *     optionally with a -YYYY-MM-DD suffix such as gpt-4o-mini-tts-2025-12-15; whisper-1, tts-1, tts-1-hd too).
 *     Deployment names are otherwise arbitrary: for an unknown name the service decides.
 *                                                               AZAUDIO_ERR_UNSUPPORTED
 * Service errors map to AZAUDIO_ERR_BAD_REQUEST (400), _AUTH (401/403), _NOT_FOUND (404, e.g. DeploymentNotFound),
 * _PAYLOAD_TOO_LARGE (413), _RATE_LIMITED (429), _SERVER (5xx), _CONTENT_FILTER; azaudio_client_last_error() then
 * gives the HTTP status, the service's error code and message, and the apim-request-id. A connection that breaks
 * gives AZAUDIO_ERR_NETWORK, also when part of a streamed reply had already been delivered: no call reports
 * success for a reply it did not receive whole.
 * ============================================================================================================== */

/* Frees memory the library allocated for the caller (e.g. the buffer of azaudio_speak_to_buffer()). NULL is a
 * no-op. */
void azaudio_free(void *pointer);

/* ---- Cancellation ------------------------------------------------------------------------------------------- */

/* A cancel token lets any thread stop a blocking call. Put it in a call's options (cancel_token); calling
 * azaudio_cancel_token_cancel() from another thread (or from a callback of the call) makes the call return
 * AZAUDIO_ERR_CANCELLED promptly, whether it is connecting, uploading, waiting for the reply, downloading or waiting
 * to retry; its connection is closed and nothing more is delivered to its callbacks. A token stays cancelled
 * until azaudio_cancel_token_reset(); a call started with a cancelled token fails at once. One token may serve
 * several calls (cancelling it cancels all of them). */
typedef struct azaudio_cancel_token azaudio_cancel_token;

/* Creates a token in the not-cancelled state. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (out_token NULL). */
azaudio_result azaudio_cancel_token_create(azaudio_cancel_token **out_token);

/* Cancels every call using the token, now and until reset. Any thread, any number of times. NULL is a no-op. */
void azaudio_cancel_token_cancel(azaudio_cancel_token *token);

/* Returns the token to the not-cancelled state so it can serve another call. NULL is a no-op. */
void azaudio_cancel_token_reset(azaudio_cancel_token *token);

/* 1 if the token is cancelled, 0 if not (or token is NULL). */
int32_t azaudio_cancel_token_is_cancelled(const azaudio_cancel_token *token);

/* Destroys a token. No call may still be using it. NULL is a no-op. */
void azaudio_cancel_token_destroy(azaudio_cancel_token *token);

/* ---- Shared types ------------------------------------------------------------------------------------------- */

/* The per-call settings every options struct below carries:
 *   azaudio_cancel_token *cancel_token;  NULL: the call cannot be cancelled
 *   int64_t timeout_ms;                  milliseconds for the whole call including retries; -1 (default): the
 *                                        client's timeout_ms; 0: no limit
 *   int32_t max_retries;                 -1 (default): the client's max_retries; 0: no retries */

/* What a call consumed, as the service reported it. Numbers it did not report are -1. */
typedef struct azaudio_usage {
    uint32_t struct_size;  /* set by the caller: sizeof(azaudio_usage) */
    const char *type;      /* "tokens", "duration" or "" when the service reported no usage; never free it */
    int64_t input_tokens;  /* input_tokens (prompt_tokens for chat) */
    int64_t output_tokens; /* output_tokens (completion_tokens for chat) */
    int64_t total_tokens;
    double seconds; /* for usage of type "duration" */
} azaudio_usage;

/* Receives a piece of text as it arrives (a transcription delta, a chat text or transcript delta). `text` is
 * UTF-8, `length` bytes long and also NUL-terminated; valid only during the call. Called on the thread that made
 * the request. Return 0 to continue; any other value stops the call, which then returns AZAUDIO_ERR_CANCELLED. */
typedef int32_t (*azaudio_text_fn)(const char *text, size_t length, void *user_data);

/* Receives audio bytes as they arrive (already decoded when the service sent base64). `data` is valid only during
 * the call. Called on the thread that made the request. Return 0 to continue; any other value stops the call,
 * which then returns AZAUDIO_ERR_CANCELLED. */
typedef int32_t (*azaudio_audio_fn)(const uint8_t *data, size_t size, void *user_data);

/* Supplies audio that is still being produced: write up to `capacity` bytes into `buffer` and return how many,
 * 0 at the end of the audio, or a negative value to abort the call (AZAUDIO_ERR_CANCELLED). It may block until
 * data is available (the call is then only as prompt to cancel as the callback). Called on the thread that made
 * the request. */
typedef int64_t (*azaudio_read_fn)(uint8_t *buffer, size_t capacity, void *user_data);

/* Reports the progress of a request body's upload (an audio file, audio in memory or from a read callback, a chat
 * conversation carrying audio), so a caller can show it. Called on the thread that made the request, from inside
 * the transfer, at most about every 100 ms while bytes go out, plus one final call when the upload completes.
 *   bytes_sent:  bytes of the request body sent so far, counted as they go on the wire: for transcription and
 *                translation that is the whole multipart/form-data body including its boundaries and part headers
 *                (not the HTTP headers), for chat the JSON body with its base64 audio. Never decreases within one
 *                attempt; a retry sends the body again, so the counts restart at 0.
 *   bytes_total: the body's length in bytes, or 0 while it is unknown (audio from a read callback is sent with
 *                chunked transfer encoding; bytes_sent then also counts its chunk framing). In the final call
 *                bytes_sent == bytes_total, also for a body whose length was unknown.
 * A body the service rejects before reading it all (e.g. a 413) gets no final call. Must not block (the upload
 * waits for it). Return 0 to continue; any other value stops the call, which then returns AZAUDIO_ERR_CANCELLED.
 * Set by the on_progress / progress_user_data fields of azaudio_transcription_options, azaudio_translation_options
 * and azaudio_chat_options; NULL (the default): no progress calls. */
typedef int32_t (*azaudio_progress_fn)(uint64_t bytes_sent, uint64_t bytes_total, void *user_data);

/* ---- Audio of any length -------------------------------------------------------------------------------------
 * The service refuses request bodies over 25 MB (and some models refuse long audio). When a transcription or
 * translation of a file or of memory would exceed max_upload_bytes, or the audio is longer than the piece duration
 * ceiling, the library cuts it into pieces and the caller still sees one result, as if the service had taken the
 * whole file:
 *   - the audio is decoded with libsndfile (WAV of any PCM/float layout, FLAC, MP3, Ogg Vorbis/Opus), streamed
 *     from the file with bounded memory, mixed down to mono at its own sample rate;
 *   - an energy detector finds pauses (quieter than the recording's noise floor plus 12 dB for 0.3 s or more);
 *     each piece ends at the pause nearest below the limit; where there is none, a hard cut overlaps the next
 *     piece by 1 s and each side keeps the results whose middle lies on its side of the overlap's midpoint;
 *   - pieces are encoded as 16-bit FLAC (or WAV) into a private temporary directory ($TMPDIR or /tmp) just before
 *     they are sent, up to max_concurrent_pieces at once on the library's own threads, and deleted when answered;
 *     a piece's size is budgeted as 16-bit PCM, so every piece fits whatever the audio sounds like;
 *   - the results are merged: text in order; verbose_json segments and words (and any other members they carry,
 *     e.g. a diarized speaker) on the whole recording's timeline with ids renumbered; SRT/VTT cues shifted and
 *     renumbered; usage summed; "duration" the whole recording's;
 *   - a 429 slows the whole job (Retry-After honoured, concurrency halved, raised again by one after each run of
 *     successes) instead of failing a piece; other transient failures (5xx, network) are retried per piece up to
 *     max_retries; a piece that finally fails fails the call with a message naming the piece and its times, and
 *     the merged result of the pieces that finished is returned through out_partial;
 *   - cancel_token (or a non-zero return from a progress callback) stops every piece in flight;
 *   - on_progress (bytes) is called with milliseconds of audio finished and in total instead of bytes, and
 *     on_pieces_progress with pieces and seconds;
 *   - streaming (stream = 1) is not used for pieces: on_delta receives the merged text once at the end;
 *   - diarized_json (gpt-4o-transcribe-diarize): one voice keeps one label across the whole result. The first
 *     piece is sent alone; then a reference clip of each voice heard so far (its longest segment, 2 to 8 s, cut
 *     from the decoded audio) goes with every later piece as a known speaker, in the slots the caller's own
 *     known_speakers leave free (4 in all), and the labels each piece answers are mapped back to the first ones
 *     ("A", "B", ... in order of discovery; the caller's known speakers keep their names). The clips' size is
 *     kept out of each piece's byte budget. A piece that hears a voice it was not told about while other pieces
 *     found clips of voices it was not told about (pieces run at the same time) is sent again with those clips,
 *     at most 3 times, so a voice first heard in two pieces at once keeps one label; the duration ceiling of
 *     gpt-4o-transcribe-diarize is 1400 s.
 * Audio from a read callback is uploaded as it is read (chunked) while a copy goes to a private temporary file
 * (disk, not memory); when it proves larger than max_upload_bytes, that upload is abandoned, the rest of the
 * stream is read into the file and the file is cut as above (the duration ceiling is not applied to callback
 * audio). A file too large that libsndfile cannot decode (MP4, M4A, WebM) fails with
 * AZAUDIO_ERR_PAYLOAD_TOO_LARGE saying how to convert it; one small enough is sent as it is. Headerless PCM
 * (raw_format) is always decoded and sent as FLAC or WAV pieces, whatever its size. */

/* The result of a transcription or translation: free it with azaudio_transcript_free(). Its accessors may be
 * called from any thread; strings they return live as long as the result. */
typedef struct azaudio_transcript azaudio_transcript;

/* Reports the progress of a transcription or translation cut into pieces: pieces answered (or taken from the
 * journal) out of the total, and seconds of audio they cover out of the whole recording's; called on the thread
 * that made the call, once at the start and after each piece. Must not block. Return 0 to continue; any other value
 * stops every piece and the call returns AZAUDIO_ERR_CANCELLED. */
typedef int32_t (*azaudio_pieces_progress_fn)(int32_t pieces_done, int32_t pieces_total, double seconds_done,
                                              double seconds_total, void *user_data);

/* Values of piece_encoding. */
/* clang-format off */
#define AZAUDIO_PIECE_FLAC 0  /* lossless 16-bit FLAC (about half the size of PCM for speech) */
#define AZAUDIO_PIECE_WAV  1  /* uncompressed 16-bit PCM in WAV */
/* clang-format on */

/* ---- Speech to text ------------------------------------------------------------------------------------------ */

/* Bits of azaudio_transcription_options.timestamp_granularities (they need response_format "verbose_json"). */
#define AZAUDIO_TIMESTAMP_SEGMENT 1
#define AZAUDIO_TIMESTAMP_WORD    2

/* A speaker the diarizing model (gpt-4o-transcribe-diarize) should label by name, with a reference clip of their
 * voice: 2 to 10 seconds in any format transcription accepts, from a file (`path`) or from memory (`data`/`size`
 * with a `filename` whose extension gives the format, e.g. "agent.wav"). The clip is read and sent as a data URL
 * inside the request. The library checks before sending: a non-empty name (at most 64 bytes, unique), exactly
 * one of path and data, an accepted extension, a clip under 4 MB, and for WAV clips the 2-10 s duration (other
 * formats are measured by the service). Used through azaudio_transcription_options.known_speakers. */
typedef struct azaudio_known_speaker {
    const char *name;    /* a short identifier, e.g. "agent"; it becomes the segments' speaker label */
    const char *path;    /* the clip's file; NULL when the clip is in memory */
    const uint8_t *data; /* the clip in memory (when path is NULL), `size` bytes, copied during the call */
    size_t size;
    const char *filename; /* with data: a name whose extension gives the format */
} azaudio_known_speaker;

/* One segment of a diarized transcript (response_format "diarized_json") or of a verbose_json transcript. The
 * strings are valid as long as the transcript (or, in an azaudio_segment_fn, during the call). */
typedef struct azaudio_segment {
    uint32_t struct_size; /* set by the caller: sizeof(azaudio_segment) */
    const char *id;       /* the service's id, e.g. "seg_001" (verbose_json: the number as text) */
    const char *speaker;  /* the speaker label: a known speaker's name or "A", "B", ...; "" when none */
    double start;         /* seconds from the start of the audio */
    double end;
    const char *text;
} azaudio_segment;

/* Receives each completed segment of a streamed diarized transcription (stream = 1 with response_format
 * "diarized_json"), in order, on the thread that made the request; `segment` is valid only during the call.
 * Return 0 to continue; any other value stops the call, which then returns AZAUDIO_ERR_CANCELLED. */
typedef int32_t (*azaudio_segment_fn)(const azaudio_segment *segment, void *user_data);

/* Options of a transcription. Fill with AZAUDIO_INIT(transcription_options, &o), then set the fields you need. */
typedef struct azaudio_transcription_options {
    uint32_t struct_size;
    /* The deployment (the model name for the v1 URL family, where it is sent as "model"). Required. */
    const char *deployment;
    /* The model behind the deployment, used only for the local checks (see the top of this section); NULL: the
     * deployment's name is tried as a model name. */
    const char *model;
    const char *language; /* ISO-639-1 code of the spoken language, e.g. "en"; NULL: detected */
    const char *prompt;   /* text to guide the style or continue a previous segment; NULL: none */
    /* "json" (default), "text", "srt", "vtt", "verbose_json" (language, duration, segments, words) or
     * "diarized_json" (segments with speakers; gpt-4o-transcribe-diarize). gpt-4o-transcribe,
     * gpt-4o-mini-transcribe and gpt-transcribe take only json and text. */
    const char *response_format;
    double temperature;              /* 0..1; negative (default -1): not sent */
    int32_t timestamp_granularities; /* AZAUDIO_TIMESTAMP_* bits; 0 (default): not sent */
    int32_t include_logprobs;        /* 1: ask for token logprobs (gpt-4o-*-transcribe, json only) */
    const char *chunking_strategy;   /* "auto" or a server_vad JSON object text; NULL: not sent */
    /* 1: ask the service to stream (gpt-4o-*-transcribe; not whisper): on_delta receives each text delta. */
    int32_t stream;
    azaudio_text_fn on_delta;
    void *delta_user_data;
    azaudio_cancel_token *cancel_token;
    int64_t timeout_ms;
    int32_t max_retries;
    /* Upload progress (see azaudio_progress_fn), on the calling thread; NULL (default): none. */
    azaudio_progress_fn on_progress;
    void *progress_user_data;
    /* Appended for the 2026 service. Diarization (gpt-4o-transcribe-diarize, response_format
     * "diarized_json"): up to 4 known speakers (see azaudio_known_speaker); NULL/0 (default): none, segments are
     * labelled "A", "B", ... Known speakers need diarized_json. With stream = 1, on_segment receives each
     * completed segment. gpt-4o-transcribe-diarize takes json, text or diarized_json and refuses prompt,
     * timestamp granularities and include_logprobs (checked locally when the model is known); chunking_strategy
     * "auto" is required by the service for audio over 30 s (checked locally when the library can measure the
     * audio, a file or buffer libsndfile decodes: AZAUDIO_ERR_INVALID_ARGUMENT before anything is sent). */
    const azaudio_known_speaker *known_speakers;
    size_t known_speaker_count;
    azaudio_segment_fn on_segment;
    void *segment_user_data;
    /* gpt-transcribe: candidate languages (ISO-639-1 codes, not together with `language`) and words or phrases
     * that guide recognition; NULL/0 (default): not sent. Arrays of `*_count` strings, read during the call. */
    const char *const *languages;
    size_t language_count;
    const char *const *keywords;
    size_t keyword_count;
    /* ---- Audio of any length (see that section) ---- */
    /* A request whose body would be larger is cut into pieces. Default 26214400 (the service's 25 MB limit);
     * 0 or negative: never cut (such a request fails with AZAUDIO_ERR_PAYLOAD_TOO_LARGE as before). */
    int64_t max_upload_bytes;
    /* The longest piece in seconds; 0 (default): the model's ceiling (1500 s for gpt-4o-transcribe and
     * gpt-4o-mini-transcribe, none for whisper). Audio longer than this is cut even when it is small. */
    double max_piece_seconds;
    int32_t max_concurrent_pieces; /* pieces sent at once, 1 to 16; 0 (default): 4 */
    int32_t piece_encoding;        /* AZAUDIO_PIECE_FLAC (default) or AZAUDIO_PIECE_WAV */
    /* A directory (created if missing) where each answered piece's reply is kept, keyed by a hash of the piece's
     * audio and of these options: a later call with the same audio and options sends only the pieces not there
     * (resuming after Ctrl-C, a crash or kill -9). NULL (default): none. */
    const char *journal_dir;
    azaudio_pieces_progress_fn on_pieces_progress; /* NULL (default): none */
    void *pieces_progress_user_data;
    /* If not NULL: when a call cut into pieces fails after some pieces were answered, *out_partial receives their
     * merged result (free it with azaudio_transcript_free); otherwise it is set to NULL. */
    azaudio_transcript **out_partial;
    /* Milliseconds for the whole call: decoding, every piece, waits after 429s and retries. When they pass, the
     * pieces in flight are stopped and the call fails with AZAUDIO_ERR_TIMEOUT, the finished pieces in
     * *out_partial. Audio sent whole: its request's timeout is at most this. 0 (default): no limit (timeout_ms
     * still bounds each request). */
    int64_t job_timeout_ms;
    /* Headerless PCM input (a file, memory or a read callback): its AZAUDIO_FORMAT_* sample format (PCM8 is
     * unsigned; PCM16/24/32 and FLOAT32/64 little-endian; ULAW, ALAW), sample rate (1 to 384000) and channels
     * (1 to 256, interleaved). Such audio is always decoded and sent as FLAC or WAV pieces; the file name's
     * extension is not used. 0 (default): the audio is in a file format given by its name. */
    int32_t raw_format;
    int32_t raw_sample_rate;
    int32_t raw_channels;
} azaudio_transcription_options;

/* Fills *options with the defaults (everything unset, temperature -1, timeout_ms -1, max_retries -1,
 * max_upload_bytes 26214400) and sets struct_size. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (options NULL).
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(transcription_options, &x). */
azaudio_result azaudio_transcription_options_init(azaudio_transcription_options *options);

/* Transcribes an audio file. The file is streamed from disk while uploading (never held whole in memory); its
 * name's extension gives the format. On success stores a new result in *out_transcript.
 * Errors: see the top of this section; AZAUDIO_ERR_INVALID_ARGUMENT for NULL pointers or a struct_size not
 * covering `progress_user_data` (136 bytes on LP64). */
azaudio_result azaudio_transcribe_file(azaudio_client *client, const char *path,
                                       const azaudio_transcription_options *options,
                                       azaudio_transcript **out_transcript);

/* Transcribes `size` bytes of audio in memory. `filename` (e.g. "call.wav") tells the service the format: it needs
 * an accepted extension. The bytes are copied before the upload starts; a size over the service's 25 MB request
 * limit is AZAUDIO_ERR_PAYLOAD_TOO_LARGE before any copy. Otherwise as azaudio_transcribe_file(). */
azaudio_result azaudio_transcribe_memory(azaudio_client *client, const uint8_t *data, size_t size, const char *filename,
                                         const azaudio_transcription_options *options,
                                         azaudio_transcript **out_transcript);

/* Transcribes audio read from `read` while it is being produced (e.g. a recording in progress); `filename` gives
 * the format as above. The length is not known in advance, so the upload uses chunked transfer encoding, the 25 MB
 * limit is enforced as the bytes are read (AZAUDIO_ERR_PAYLOAD_TOO_LARGE), and the request is not retried once
 * `read` has been called. Otherwise as azaudio_transcribe_file(). */
azaudio_result azaudio_transcribe_callback(azaudio_client *client, const char *filename,
                                           const azaudio_transcription_options *options,
                                           azaudio_transcript **out_transcript, azaudio_read_fn read,
                                           void *read_user_data);

/* Options of a translation (speech in any language to English text; whisper only). Fill with
 * azaudio_translation_options_init(). Fields as in azaudio_transcription_options. */
typedef struct azaudio_translation_options {
    uint32_t struct_size;
    const char *deployment;      /* required */
    const char *model;           /* for the local checks; NULL: the deployment's name is tried */
    const char *prompt;          /* in English; NULL: none */
    const char *response_format; /* "json" (default), "text", "srt", "vtt", "verbose_json" */
    double temperature;          /* 0..1; negative (default -1): not sent */
    azaudio_cancel_token *cancel_token;
    int64_t timeout_ms;
    int32_t max_retries;
    /* Upload progress (see azaudio_progress_fn), on the calling thread; NULL (default): none. */
    azaudio_progress_fn on_progress;
    void *progress_user_data;
    /* ---- Audio of any length: as in azaudio_transcription_options ---- */
    int64_t max_upload_bytes;
    double max_piece_seconds;
    int32_t max_concurrent_pieces;
    int32_t piece_encoding;
    const char *journal_dir;
    azaudio_pieces_progress_fn on_pieces_progress;
    void *pieces_progress_user_data;
    azaudio_transcript **out_partial;
    int64_t job_timeout_ms;
    int32_t raw_format;
    int32_t raw_sample_rate;
    int32_t raw_channels;
} azaudio_translation_options;

/* Fills *options with the defaults (as for transcription) and sets struct_size. Errors:
 * AZAUDIO_ERR_INVALID_ARGUMENT (options NULL).
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(translation_options, &x). */
azaudio_result azaudio_translation_options_init(azaudio_translation_options *options);

/* Translate a file, audio in memory, or audio from a callback into English text; as the azaudio_transcribe_*
 * functions (options->struct_size must cover `progress_user_data`: 88 bytes on LP64). */
azaudio_result azaudio_translate_file(azaudio_client *client, const char *path,
                                      const azaudio_translation_options *options, azaudio_transcript **out_transcript);
/* From memory; `filename` gives the audio's type by its extension (e.g. "call.wav"). */
azaudio_result azaudio_translate_memory(azaudio_client *client, const uint8_t *data, size_t size, const char *filename,
                                        const azaudio_translation_options *options,
                                        azaudio_transcript **out_transcript);
/* From a read callback, for audio still being produced. */
azaudio_result azaudio_translate_callback(azaudio_client *client, const char *filename,
                                          const azaudio_translation_options *options,
                                          azaudio_transcript **out_transcript, azaudio_read_fn read,
                                          void *read_user_data);

/* The text: the "text" member for json and verbose_json, the whole body for text, srt and vtt. Never NULL for a
 * valid result ("" if it had none); NULL if transcript is NULL. */
const char *azaudio_transcript_text(const azaudio_transcript *transcript);

/* The reply body exactly as received (for a streamed transcription: the data of its final event), NUL-terminated;
 * its length in bytes is stored in *out_size when out_size is not NULL. NULL if transcript is NULL. */
const char *azaudio_transcript_raw_body(const azaudio_transcript *transcript, size_t *out_size);

/* The detected or given language (verbose_json), or "" if the reply did not say. NULL if transcript is NULL. */
const char *azaudio_transcript_language(const azaudio_transcript *transcript);

/* The audio's duration in seconds (verbose_json), or -1 if the reply did not say. */
double azaudio_transcript_duration(const azaudio_transcript *transcript);

/* Segments of a verbose_json reply: how many (0 otherwise), and the one at `index`. Any of start, end and text may
 * be NULL. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (transcript NULL, index out of range). */
size_t azaudio_transcript_segment_count(const azaudio_transcript *transcript);
/* The segment at `index`: its start and end in seconds and its text (valid as long as the transcript). */
azaudio_result azaudio_transcript_segment(const azaudio_transcript *transcript, size_t index, double *start,
                                          double *end, const char **text);

/* Words of a verbose_json reply with word timestamps: how many (0 otherwise), and the one at `index`, as for
 * segments. */
size_t azaudio_transcript_word_count(const azaudio_transcript *transcript);
/* The word at `index`: its start and end in seconds and the word (valid as long as the transcript). */
azaudio_result azaudio_transcript_word(const azaudio_transcript *transcript, size_t index, double *start, double *end,
                                       const char **word);

/* How many token logprobs the reply carried (include_logprobs), or 0. */
size_t azaudio_transcript_logprob_count(const azaudio_transcript *transcript);

/* Fills *usage (set usage->struct_size first) with the reply's usage; type "" when it reported none. Writes only
 * struct_size bytes. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL pointers, a struct_size below 48, through
 * `seconds`). */
azaudio_result azaudio_transcript_usage(const azaudio_transcript *transcript, azaudio_usage *usage);

/* The reply's HTTP status (e.g. 200), or 0 if transcript is NULL. */
int32_t azaudio_transcript_http_status(const azaudio_transcript *transcript);

/* The reply's apim-request-id (or x-request-id), or "" if none. NULL if transcript is NULL. */
const char *azaudio_transcript_request_id(const azaudio_transcript *transcript);

/* Frees a result and every string its accessors returned. NULL is a no-op. */
void azaudio_transcript_free(azaudio_transcript *transcript);

/* ---- Text to speech ----------------------------------------------------------------------------------------- */

/* Options of a speech request. Fill with AZAUDIO_INIT(speech_options, &o). */
typedef struct azaudio_speech_options {
    uint32_t struct_size;
    const char *deployment; /* required */
    const char *model;      /* for the local checks; NULL: the deployment's name is tried */
    /* alloy (default), ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin, cedar; other
     * names are passed on for the service to judge. */
    const char *voice;
    /* "mp3" (the service's default when NULL), "opus", "aac", "flac", "wav", or "pcm" (raw 24 kHz 16-bit signed
     * little-endian mono, no header: the lowest latency). */
    const char *response_format;
    double speed;             /* 0.25..4.0; 0 (default): not sent, the service uses 1.0 */
    const char *instructions; /* how to speak (gpt-4o-mini-tts; not tts / tts-hd); NULL: none */
    /* "audio" (binary body) or "sse" (events carrying base64 audio; gpt-4o-mini-tts); NULL: not sent (audio).
     * Either way the caller receives raw audio bytes. */
    const char *stream_format;
    azaudio_cancel_token *cancel_token;
    int64_t timeout_ms;
    int32_t max_retries;
} azaudio_speech_options;

/* Fills *options with the defaults and sets struct_size. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (options NULL).
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(speech_options, &x). */
azaudio_result azaudio_speech_options_init(azaudio_speech_options *options);

/* Speaks `text` (UTF-8, 1 to 4096 characters) and calls on_audio with each chunk of audio as it arrives off the
 * wire, on the calling thread, so playback can start before the reply is complete. If the call then fails (e.g. the
 * connection breaks), the chunks already delivered were not the whole audio: the result says so.
 * The answer must be audio: a content type audio/..., application/octet-stream or text/event-stream (audio
 * deltas), and at least one byte of audio. Anything else (a captive portal's HTML, a JSON body, an empty 200) is
 * AZAUDIO_ERR_PROTOCOL with the content type and the first bytes in the message, and on_audio never sees it. A 3xx
 * is never followed (the credential is never sent to another host): AZAUDIO_ERR_HTTP naming the Location's host.
 * A stalled or trickling answer fails with AZAUDIO_ERR_TIMEOUT (see idle_timeout_ms in the client options).
 * Errors: see the top of this section; AZAUDIO_ERR_CANCELLED when on_audio returned non-zero;
 * AZAUDIO_ERR_INVALID_ARGUMENT for a struct_size not covering `max_retries` (84 bytes on LP64). */
azaudio_result azaudio_speak(azaudio_client *client, const char *text, const azaudio_speech_options *options,
                             azaudio_audio_fn on_audio, void *user_data);

/* Speaks `text` into the file at `path` (created or truncated), writing each chunk as it arrives. On failure the
 * partial file is removed. Errors: as azaudio_speak(); AZAUDIO_ERR_IO if the file cannot be written. */
azaudio_result azaudio_speak_to_file(azaudio_client *client, const char *text, const char *path,
                                     const azaudio_speech_options *options);

/* Speaks `text` into one buffer. On success stores it in *out_data (free it with azaudio_free()) and its size in
 * *out_size. Errors: as azaudio_speak(). */
azaudio_result azaudio_speak_to_buffer(azaudio_client *client, const char *text, const azaudio_speech_options *options,
                                       uint8_t **out_data, size_t *out_size);

/* ---- Audio chat completions --------------------------------------------------------------------------------- */

/* A conversation: the message list sent to an audio chat model (gpt-4o-audio-preview, gpt-4o-mini-audio-preview).
 * Built with the azaudio_chat_add_* functions; all functions on one chat are thread-safe. */
typedef struct azaudio_chat azaudio_chat;

/* The assistant's reply: free it with azaudio_chat_reply_free(). Strings and bytes its accessors return live as
 * long as the reply. */
typedef struct azaudio_chat_reply azaudio_chat_reply;

/* Creates an empty conversation. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (out_chat NULL). */
azaudio_result azaudio_chat_create(azaudio_chat **out_chat);

/* Destroys a conversation. NULL is a no-op. */
void azaudio_chat_destroy(azaudio_chat *chat);

/* Appends a message with role "system", "developer", "user" or "assistant", and a text part if text is not NULL.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (chat or role NULL, unknown role). */
azaudio_result azaudio_chat_add_message(azaudio_chat *chat, const char *role, const char *text);

/* Appends an input_audio part (copied; sent base64-encoded) to the last message, which must be a user message.
 * `format` is "wav" or "mp3". Errors: AZAUDIO_ERR_INVALID_STATE (no user message last), AZAUDIO_ERR_UNSUPPORTED
 * (format), AZAUDIO_ERR_PAYLOAD_TOO_LARGE (over 20 MB), AZAUDIO_ERR_INVALID_ARGUMENT. */
azaudio_result azaudio_chat_add_audio(azaudio_chat *chat, const uint8_t *data, size_t size, const char *format);

/* As azaudio_chat_add_audio() with the contents of a .wav or .mp3 file (read now). Errors also:
 * AZAUDIO_ERR_NOT_FOUND, AZAUDIO_ERR_IO, AZAUDIO_ERR_UNSUPPORTED (extension). */
azaudio_result azaudio_chat_add_audio_file(azaudio_chat *chat, const char *path);

/* Appends an assistant message that refers to audio of an earlier reply by its id
 * (azaudio_chat_reply_audio_id()), so the model hears its own earlier answer without it being sent again. */
azaudio_result azaudio_chat_add_assistant_audio(azaudio_chat *chat, const char *audio_id);

/* Appends a reply as the assistant's turn: by its audio id when it has one, else its text. */
azaudio_result azaudio_chat_add_reply(azaudio_chat *chat, const azaudio_chat_reply *reply);

/* The number of messages, or 0 if chat is NULL. */
size_t azaudio_chat_message_count(const azaudio_chat *chat);

/* Removes every message. NULL is a no-op. */
void azaudio_chat_clear(azaudio_chat *chat);

/* Options of a chat completion. Fill with AZAUDIO_INIT(chat_options, &o). */
typedef struct azaudio_chat_options {
    uint32_t struct_size;
    const char *deployment; /* required */
    const char *model;      /* for the local checks; NULL: the deployment's name is tried */
    int32_t audio_output;   /* 1 (default): a spoken reply (modalities text+audio); 0: text only */
    const char *voice;      /* NULL: "alloy" */
    /* "wav", "aac", "mp3", "flac", "opus" or "pcm16"; NULL: "wav", or "pcm16" when streaming (streamed audio
     * needs pcm16: raw 24 kHz 16-bit little-endian mono; with stream 1 and audio_output 1, any other format is
     * refused locally with AZAUDIO_ERR_INVALID_ARGUMENT instead of being sent for the service's 400). */
    const char *audio_format;
    int32_t max_completion_tokens; /* 0 (default): not sent */
    double temperature;            /* 0..2; negative (default -1): not sent */
    /* 1: stream the reply; the callbacks below receive its deltas as they arrive (on the calling thread), and
     * the reply object still holds everything. */
    int32_t stream;
    azaudio_text_fn on_text; /* text content deltas */
    void *text_user_data;
    azaudio_text_fn on_transcript; /* transcript deltas of the spoken reply */
    void *transcript_user_data;
    azaudio_audio_fn on_audio; /* decoded audio deltas */
    void *audio_user_data;
    azaudio_cancel_token *cancel_token;
    int64_t timeout_ms;
    int32_t max_retries;
    /* Upload progress (see azaudio_progress_fn), on the calling thread; NULL (default): none. */
    azaudio_progress_fn on_progress;
    void *progress_user_data;
} azaudio_chat_options;

/* Fills *options with the defaults and sets struct_size. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (options NULL).
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(chat_options, &x). */
azaudio_result azaudio_chat_options_init(azaudio_chat_options *options);

/* Sends the conversation and stores the reply in *out_reply. The conversation is not changed (add the reply
 * with azaudio_chat_add_reply() to continue it). Errors: see the top of this section; AZAUDIO_ERR_INVALID_ARGUMENT
 * for an empty conversation or a struct_size not covering `progress_user_data` (160 bytes on LP64);
 * AZAUDIO_ERR_CANCELLED when a callback returned non-zero. */
azaudio_result azaudio_chat_complete(azaudio_client *client, const azaudio_chat *chat,
                                     const azaudio_chat_options *options, azaudio_chat_reply **out_reply);

/* The reply's text content ("" when it answered with audio: see the transcript). NULL if reply is NULL. */
const char *azaudio_chat_reply_text(const azaudio_chat_reply *reply);

/* The transcript of the spoken reply, or "". NULL if reply is NULL. */
const char *azaudio_chat_reply_transcript(const azaudio_chat_reply *reply);

/* The spoken reply's audio bytes (decoded, in the requested format); the size is stored in *out_size when it is
 * not NULL. NULL (and size 0) when there is none. */
const uint8_t *azaudio_chat_reply_audio(const azaudio_chat_reply *reply, size_t *out_size);

/* The id of the spoken reply's audio (for azaudio_chat_add_assistant_audio()), or "". NULL if reply is NULL. */
const char *azaudio_chat_reply_audio_id(const azaudio_chat_reply *reply);

/* Unix time (seconds) after which the service forgets the audio id, or 0. */
int64_t azaudio_chat_reply_audio_expires_at(const azaudio_chat_reply *reply);

/* The finish reason ("stop", "length", "content_filter", ...), or "". NULL if reply is NULL. */
const char *azaudio_chat_reply_finish_reason(const azaudio_chat_reply *reply);

/* Fills *usage (set usage->struct_size first); type "" when the reply carried none. Writes only struct_size bytes.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL pointers, a struct_size below 48, through `seconds`). */
azaudio_result azaudio_chat_reply_usage(const azaudio_chat_reply *reply, azaudio_usage *usage);

/* The reply body as received, NUL-terminated (non-streamed replies; "" for streamed ones); its length is stored in
 * *out_size when not NULL. NULL if reply is NULL. */
const char *azaudio_chat_reply_raw_body(const azaudio_chat_reply *reply, size_t *out_size);

/* The reply's HTTP status, or 0 if reply is NULL. */
int32_t azaudio_chat_reply_http_status(const azaudio_chat_reply *reply);

/* The reply's apim-request-id (or x-request-id), or "". NULL if reply is NULL. */
const char *azaudio_chat_reply_request_id(const azaudio_chat_reply *reply);

/* Frees a reply. NULL is a no-op. */
void azaudio_chat_reply_free(azaudio_chat_reply *reply);

/* ================================================================================================================
 * Realtime sessions (WebSocket)
 * ============================================================================================================== */

/* A realtime speech-in/speech-out session over one WebSocket. Create with azaudio_realtime_connect(), send audio
 * and events with the azaudio_realtime_send_* functions (thread-safe, non-blocking), receive events either through
 * a callback on the library's I/O thread or by pulling them with azaudio_realtime_next_event() from any thread.
 * Sessions share their client's I/O thread: there is no thread per session. */
typedef struct azaudio_realtime_session azaudio_realtime_session;

/* One received event: accessors below. In a callback it is valid only during the call; from
 * azaudio_realtime_next_event() it is the caller's and is released with azaudio_realtime_event_free(). */
typedef struct azaudio_realtime_event azaudio_realtime_event;

/* Values of azaudio_realtime_options.protocol. */
/* clang-format off */
#define AZAUDIO_REALTIME_GA       0  /* GA protocol: {endpoint}/openai/v1/realtime?model=DEPLOYMENT (default) */
#define AZAUDIO_REALTIME_PREVIEW  1  /* preview protocol: {endpoint}/openai/realtime?api-version=V&deployment=D;
                                        deprecated by Azure from 2026-04-30 */
/* clang-format on */

/* Values of azaudio_realtime_options.turn_detection. */
/* clang-format off */
#define AZAUDIO_TURN_SERVER_VAD    0  /* the server detects speech by voice activity (default) */
#define AZAUDIO_TURN_SEMANTIC_VAD  1  /* the server detects the end of a turn by meaning */
#define AZAUDIO_TURN_NONE          2  /* no detection: call azaudio_realtime_commit() and _create_response() */
/* clang-format on */

/* Event types (azaudio_realtime_event_type()). Preview and GA event names map to the same type; the wire name is
 * in azaudio_realtime_event_name(). Numbers never change. */
/* clang-format off */
#define AZAUDIO_EVENT_OTHER                          0  /* any other server event: see its JSON */
#define AZAUDIO_EVENT_SESSION_CREATED                1
#define AZAUDIO_EVENT_SESSION_UPDATED                2
#define AZAUDIO_EVENT_AUDIO_DELTA                    3  /* audio: reply audio in the output format; item_id */
#define AZAUDIO_EVENT_AUDIO_DONE                     4
#define AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA         5  /* text: part of the reply's transcript */
#define AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE          6  /* text: the whole transcript */
#define AZAUDIO_EVENT_TEXT_DELTA                     7  /* text: part of a text reply */
#define AZAUDIO_EVENT_TEXT_DONE                      8  /* text: the whole text reply */
#define AZAUDIO_EVENT_INPUT_TRANSCRIPTION_DELTA      9  /* text: part of the caller's transcribed speech */
#define AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED 10  /* text: the caller's transcribed speech */
#define AZAUDIO_EVENT_INPUT_TRANSCRIPTION_FAILED    11  /* text: the reason; error_code */
#define AZAUDIO_EVENT_SPEECH_STARTED                12  /* audio_ms: where speech started in the input */
#define AZAUDIO_EVENT_SPEECH_STOPPED                13  /* audio_ms: where speech stopped */
#define AZAUDIO_EVENT_INPUT_COMMITTED               14
#define AZAUDIO_EVENT_INPUT_CLEARED                 15
#define AZAUDIO_EVENT_RESPONSE_CREATED              16
#define AZAUDIO_EVENT_RESPONSE_DONE                 17  /* status: completed, cancelled, failed, incomplete;
                                                           usage_json; text: the failure or cancel reason */
#define AZAUDIO_EVENT_FUNCTION_CALL                 18  /* call_id, function_name, text: arguments (JSON) */
#define AZAUDIO_EVENT_FUNCTION_CALL_ARGUMENTS_DELTA 19  /* text: part of the arguments */
#define AZAUDIO_EVENT_ITEM_CREATED                  20  /* conversation.item.created (GA: .added) */
#define AZAUDIO_EVENT_ITEM_DONE                     21
#define AZAUDIO_EVENT_ITEM_TRUNCATED                22  /* audio_ms: the new end of the item's audio */
#define AZAUDIO_EVENT_ITEM_DELETED                  23
#define AZAUDIO_EVENT_ITEM_RETRIEVED                24
#define AZAUDIO_EVENT_OUTPUT_ITEM_ADDED             25
#define AZAUDIO_EVENT_OUTPUT_ITEM_DONE              26
#define AZAUDIO_EVENT_CONTENT_PART_ADDED            27
#define AZAUDIO_EVENT_CONTENT_PART_DONE             28
#define AZAUDIO_EVENT_RATE_LIMITS_UPDATED           29
#define AZAUDIO_EVENT_ERROR                         30  /* error_code, text: message; from the server, or
                                                           made by the library (type "client_error") */
#define AZAUDIO_EVENT_CONVERSATION_CREATED          31
#define AZAUDIO_EVENT_CLOSED                        32  /* the session ended: close_code, text: reason. Always the
                                                           last event; made by the library */
#define AZAUDIO_EVENT_PLAYBACK_FLUSH                33  /* drop the reply audio queued for playback (barge-in);
                                                           item_id, audio_ms: where the item's audio now ends
                                                           (0: nothing was played, nothing truncated). Made by
                                                           the library; name "playback_flush" */
#define AZAUDIO_EVENT_RECONNECTING                  34  /* the connection was lost and the library opens a new
                                                           session (options.reconnect_max_attempts): close_code and
                                                           text: why it ended. Name "reconnecting" */
#define AZAUDIO_EVENT_RECONNECTED                   35  /* a new session continues the call; text: its session
                                                           id, audio_ms: how long the call had no session; JSON has
                                                           attempts, outage_ms, replayed_items, and "standby":true
                                                           when the session prepared for a renewal took over (see
                                                           reconnect_max_attempts). Name "reconnected" */
#define AZAUDIO_EVENT_RESPONSE_INTERRUPTED          36  /* response_id: the response the lost connection cut off
                                                           (it did not finish). Name "response_interrupted" */
#define AZAUDIO_EVENT_RENEWING                      37  /* the session moves to a new one before its time limit
                                                           (options.renewal_margin_ms). Name "renewing" */
#define AZAUDIO_EVENT_RENEWED                       38  /* the new session took over: text: its id, audio_ms: how
                                                           long caller input was held; JSON: mode, switch_us,
                                                           replayed_items (renewal_margin_ms). Name "renewed" */
/* clang-format on */

/* Receives every event of a session on the client's I/O thread, in order. Must return quickly: it holds up every
 * session on that thread. `event` is valid only during the call. The callback may call any azaudio function,
 * including azaudio_realtime_close() and azaudio_realtime_destroy() of this session. */
typedef void (*azaudio_realtime_event_fn)(azaudio_realtime_session *session, const azaudio_realtime_event *event,
                                          void *user_data);

/* How to open a session. Fill with AZAUDIO_INIT(realtime_options, &o). Numbers left at their defaults (-1, or as
 * stated) are not sent, so the service's defaults apply. */
typedef struct azaudio_realtime_options {
    uint32_t struct_size;
    /* The realtime deployment's name. Required. */
    const char *deployment;
    /* AZAUDIO_REALTIME_GA (default) or AZAUDIO_REALTIME_PREVIEW. */
    int32_t protocol;
    /* The preview protocol's api-version; NULL: "2025-04-01-preview". Ignored for GA. */
    const char *api_version;
    /* System instructions; NULL: the service's. */
    const char *instructions;
    /* alloy, ash, ballad, coral, echo, sage, shimmer, verse, marin, cedar...; NULL: the service's default. */
    const char *voice;
    /* What azaudio_realtime_send_audio() takes and what audio events carry: AZAUDIO_FORMAT_PCM16 (24 kHz,
     * little-endian, mono; the default), AZAUDIO_FORMAT_ULAW or AZAUDIO_FORMAT_ALAW (G.711, 8 kHz). */
    int32_t input_audio_format;
    int32_t output_audio_format;
    /* The deployment that transcribes the caller's speech (on Azure a deployment name, e.g. of whisper or
     * gpt-4o-transcribe), enabling INPUT_TRANSCRIPTION events; NULL: off. Optional language (ISO-639-1). */
    const char *input_transcription_deployment;
    const char *input_transcription_language;
    /* AZAUDIO_TURN_*. Default AZAUDIO_TURN_SERVER_VAD. */
    int32_t turn_detection;
    /* Server VAD settings: threshold 0..1 (-1: default), prefix padding and silence duration in ms (-1: default). */
    double vad_threshold;
    int32_t vad_prefix_padding_ms;
    int32_t vad_silence_duration_ms;
    /* Both VADs: 1 (default) lets the server start a response when the caller stops / interrupt one when the caller
     * starts speaking; 0 leaves it to the caller. */
    int32_t vad_create_response;
    int32_t vad_interrupt_response;
    /* Semantic VAD eagerness: "low", "medium", "high" or "auto"; NULL: default. */
    const char *semantic_vad_eagerness;
    /* Tools as a JSON array of function definitions ({"type":"function","name":...,"parameters":{...}}), and the
     * tool_choice ("auto", "none", "required"); NULL: none / default. */
    const char *tools_json;
    const char *tool_choice;
    /* Preview protocol only: sampling temperature 0.6..1.2; 0: default. */
    double temperature;
    /* Most tokens in a response, 1..4096; 0: unlimited. */
    int32_t max_output_tokens;
    /* 1: reply with text only (no audio). Default 0: audio with its transcript. */
    int32_t text_only;
    /* Events go to this callback on the I/O thread; NULL: they queue for azaudio_realtime_next_event(). */
    azaudio_realtime_event_fn event_callback;
    void *event_user_data;
    /* The most bytes of outgoing events queued but not yet written to the socket; a send that would exceed it fails
     * with AZAUDIO_ERR_BUSY. Default 1048576 (about 16 s of PCM16 audio as base64). */
    uint32_t max_send_queue_bytes;
    /* Pull mode: the most events held for azaudio_realtime_next_event(). When it is reached the library stops
     * reading from the socket until the caller catches up (no event is dropped). Default 4096. */
    uint32_t max_event_queue;
    /* Milliseconds that connect() waits for the session to be ready. Default 30000. */
    uint32_t connect_timeout_ms;

    /* ---- Fields below were appended after 0.1.0: audio in the caller's own format, barge-in. ---- */

    /* The caller's side of the audio when it is not the session's format (input_audio_format and
     * output_audio_format stay what goes over the network: 24 kHz PCM16 or 8 kHz G.711).
     *
     * caller_input_format / caller_input_rate: what azaudio_realtime_send_audio() takes. AZAUDIO_FORMAT_PCM16,
     * _ULAW or _ALAW (mono) at any rate from 8000 to 192000 Hz, e.g. 44100 (rate 0: 24000 for PCM16, 8000 for
     * G.711); other rates and formats fail connect() with AZAUDIO_ERR_INVALID_ARGUMENT. Several channels: see
     * caller_input_channels below; float or 24-bit audio: convert with azaudio_audio_to_mono_pcm16() first.
     * AZAUDIO_CALLER_FORMAT_SESSION (0, the default): the session's input format, sent as is.
     * Audio already in the session's format and rate (e.g. 8 kHz mu-law to a g711_ulaw session) passes straight
     * through: no decoding, no resampling, no copy beyond the base64 encoding every append needs. Anything else
     * is decoded, resampled with the audio kit's streaming resampler (its state kept for the whole session, so
     * frame borders cause no clicks; output trails input by the resampler latency, 0.2 to 4 ms) and encoded to
     * the session's format. azaudio_realtime_commit() first sends the few ms the resampler still holds;
     * azaudio_realtime_clear() drops them.
     *
     * caller_output_format / caller_output_rate: what AUDIO_DELTA events carry (azaudio_realtime_event_audio()),
     * converted from the session's output format the same way; their JSON keeps the audio as the service sent it.
     * At the end of each item's audio, the last ms the resampler held come in one more AUDIO_DELTA made by the
     * library (its JSON has "library":"resampler_tail") just before AUDIO_DONE, so a reply of N ms gives N ms.
     * AZAUDIO_CALLER_FORMAT_SESSION (0, the default): the session's output format.
     *
     * Positions in milliseconds (azaudio_realtime_truncate(), azaudio_realtime_audio_played(), audio_ms) are the
     * same in either format. If a later session.update changes the session's formats, the conversions follow what
     * the service confirms. */
    int32_t caller_input_format;
    uint32_t caller_input_rate;
    int32_t caller_output_format;
    uint32_t caller_output_rate;

    /* Barge-in at the played position: 1 (default) or 0. When the service reports that the caller started speaking
     * (SPEECH_STARTED) while a response is running or its audio is not all played (see
     * azaudio_realtime_audio_played()), the library, on its I/O thread as it reads the event:
     *  - cancels the running response (response.cancel), unless the session's turn detection already does
     *    (vad_interrupt_response = 1, the default: the service cancels it itself);
     *  - sends conversation.item.truncate for the reply item being played, at the position the host reported
     *    played, clamped to the audio received for it; with nothing reported played it sends no truncate;
     *  - delivers AZAUDIO_EVENT_PLAYBACK_FLUSH right after SPEECH_STARTED (both delivery modes): drop the audio
     *    queued for playback. Its item_id is the cut item and audio_ms the truncation position (0 when nothing was
     *    played). Audio deltas of the cut item (or the interrupted response) still in flight are not delivered.
     * Each item is cut at most once. A send the full queue refuses is reported as an ERROR event with code
     * "barge_in_failed". With 0 the library does none of this; the host may call azaudio_realtime_truncate(). */
    int32_t barge_in;

    /* ---- Appended after barge_in: input coalescing. ---- */

    /* Input coalescing, 0..1000 ms. 0 (the default): every azaudio_realtime_send_audio() call goes out at once as
     * its own input_audio_buffer.append. N > 0: the library holds the session's input audio until at least N ms
     * of it are waiting, then sends them as one append; so a caller with 20 ms frames and N = 60 sends one
     * append every 60 ms instead of three. Each append costs a system call, a WebSocket frame and a JSON event on
     * both ends, so this cuts the library's CPU per session-second (to about 0.6 of the default with N = 60 and
     * 20 ms frames in the project's benchmark; see BENCHMARKS.md), at the price of up to N ms more latency on input
     * audio (on average about (N - frame) / 2 ms; the service's turn detection hears speech end that much later).
     * Held audio never waits longer than about 1.5 x N ms: the I/O thread sends it when the caller stops sending.
     * Before any other client event of the session (commit, create_response, send_event_json, update_session,
     * truncate, ...) and before close the held audio is sent, so events keep their order; clear drops it.
     * The send-queue check (AZAUDIO_ERR_BUSY) applies when held audio is sent: a call refused as busy holds none
     * of its audio. */
    uint32_t input_audio_coalesce_ms;

    /* ---- Appended with "any WAV in": caller channel counts. ---- */

    /* Interleaved channels of the caller's audio when caller_input_format / caller_output_format is set: 0 or 1
     * mono (the default), 2 stereo, ... up to 32. Input frames are averaged to mono (as
     * azaudio_audio_to_mono_pcm16() does) before the conversion; a send that ends inside a frame keeps those
     * bytes for the next send. Output: the converted mono reply is copied to every channel. A count over 32, or a
     * non-zero count with AZAUDIO_CALLER_FORMAT_SESSION, fails connect() with AZAUDIO_ERR_INVALID_ARGUMENT. */
    uint32_t caller_input_channels;
    uint32_t caller_output_channels;
    /* ---- Appended after input_audio_coalesce_ms: calls that last (liveness, reconnect). ---- */

    /* Liveness. keepalive_ms (default 15000; 0: never): when nothing has arrived from the service for that long,
     * the library sends a WebSocket ping (the service answers with a pong, which counts as traffic).
     * liveness_timeout_ms (default 30000; 0: never; else at least 100): when nothing at all has arrived for that
     * long, the connection is taken for dead (a half-open connection, a peer that vanished) and ends as a close
     * without handshake (code 1006) with a timeout reason: a reconnect follows if enabled, else
     * AZAUDIO_EVENT_CLOSED. Checked on the I/O thread every quarter of the shorter period (20 ms to 1 s). */
    uint32_t keepalive_ms;
    uint32_t liveness_timeout_ms;

    /* Reconnect. reconnect_max_attempts (default 0: off; the session closes when its connection is lost): when
     * the connection ends without a close handshake (1006: network error, reset, liveness failure), with 1011,
     * 1012, 1013, or 1001 (the session reached its time limit or the service is going away), the library opens a
     * new session with the same options, at most this many attempts per outage, within reconnect_max_total_ms
     * (default 60000) in all. Before attempt n it waits reconnect_backoff_ms (default 250) doubled n-1 times, up
     * to 8 s, times a random 50-100 %, and at least the Retry-After of a refused (429) handshake. Not retried: a
     * close the app asked for, 1000 from the service, a protocol violation, 401/403 and settings the service
     * rejects (then AZAUDIO_EVENT_CLOSED with that reason).
     * Events: AZAUDIO_EVENT_RESPONSE_INTERRUPTED (when a response was running: it did not finish; ask for it
     * again with azaudio_realtime_create_response() if wanted), then AZAUDIO_EVENT_RECONNECTING; once the new
     * session is ready, the library replays the conversation into it (see history_max_items) and sends the audio
     * and events the app handed over meanwhile, in order, then delivers AZAUDIO_EVENT_RECONNECTED. The new
     * session's own session.created / session.updated are not delivered; the replayed items' created events are.
     * While reconnecting, azaudio_realtime_send_audio() and the other send calls hold what they are given (up to
     * max_send_queue_bytes of audio, then AZAUDIO_ERR_BUSY) instead of failing. Audio already handed to the old
     * connection but not yet read by the service when it was lost is lost with it. If every attempt fails, the
     * held input is dropped and AZAUDIO_EVENT_CLOSED carries the last reason.
     * A connection lost while the session prepared for a renewal (renewal_margin_ms, make-before-break) is set up
     * and ready: that session takes the call over at once, with no dial and no backoff (the conversation was
     * replayed into it when it was prepared; what changed since, the re-asked response and the held input follow,
     * in order). Events: RESPONSE_INTERRUPTED (when a response was running), RECONNECTING and RECONNECTED, both
     * with "standby":true in their JSON; RECONNECTED's "attempts" is 0 and its replayed_items counts what changed
     * since the preparation. No AZAUDIO_EVENT_RENEWED follows the RENEWING delivered for it: the new session has
     * a time limit of its own. A prepared session that is not ready yet is given up and the reconnect dials. */
    uint32_t reconnect_max_attempts;
    uint32_t reconnect_max_total_ms;
    uint32_t reconnect_backoff_ms;

    /* The conversation the library keeps for a reconnect's replay, oldest dropped first beyond either bound:
     * user turns (their input transcription, or their text), assistant turns (transcript or text, cut where a
     * barge-in truncated their audio), text items the app created, function calls with their arguments and their
     * outputs; deleted items are dropped. Replayed as text items with conversation.item.create (original item ids,
     * each after the previous one), without response.create. Defaults 200 items, 32000 characters. */
    uint32_t history_max_items;
    uint32_t history_max_chars;

    /* Renewal before the service's session time limit (with reconnect_max_attempts > 0). The limit is
     * session.created's expires_at, else session_max_ms after the session opened (default 1800000: Azure
     * documents 60 min, sessions were seen to end at 30 min; 0: unknown, no renewal).
     *
     * Make-before-break (the normal case): renewal_margin_ms (default 120000; 0: off) before the limit the
     * library delivers AZAUDIO_EVENT_RENEWING and opens a second session beside the live one, which keeps
     * carrying the call (its events are delivered as usual). The new session gets the same options and the
     * conversation replayed (as for a reconnect); its own events are not delivered before the switch. At the
     * first turn boundary after that (no response running; no reply the host reported partly played and not yet
     * all (azaudio_realtime_audio_played()); the caller not speaking: no speech start without its
     * speech stop, with server or semantic VAD answering no turn still waiting for its response, and, with PCM16
     * input, no audio sent loud enough to be speech (peak about -36 dBFS) that the service has not yet reported
     * a speech start for), or 1 s before the limit (or as soon as the new session is ready, if later)
     * whatever goes on (a response then running is reported with AZAUDIO_EVENT_RESPONSE_INTERRUPTED), the call
     * switches in one step on the I/O thread: what changed in the conversation since the replay is sent to the
     * new session, the caller's audio goes to it from the next frame, and the old connection closes with a
     * handshake (its later events are not delivered). AZAUDIO_EVENT_RENEWED: text: the new session id,
     * audio_ms: how long the caller's input was held (ms, rounded up: the switch step alone, usually 0-1);
     * its JSON has "mode":"make_before_break", "switch_us" (the same hold in microseconds), "replayed_items"
     * and "trigger": "turn_boundary", or "cap" (the switch that did not wait for one).
     *
     * Break-before-make (the fallback): when the margin is 1 s or less, when the second session is still not
     * ready at the limit itself, or when it could not be opened (then at the next turn boundary). RENEWED's
     * "trigger" says which: "short_margin", "standby_not_ready", "standby_failed". RENEWING (unless already
     * delivered); from then on the caller's audio and events are held; the old connection closes with a
     * handshake after everything queued on it was written; the new session opens, gets the conversation
     * replayed, then the held input, in order; RENEWED with "mode":"break_before_make" and audio_ms: how long
     * input was held (a WebSocket handshake and the session setup). If that new session cannot be opened,
     * reconnect rules apply.
     *
     * Either way no caller frame is lost or sent twice. Audio the caller sent to the old session before the
     * switch stays there: with input other than PCM16 (not looked at), a turn the caller started just before the
     * switch (before the service reported its speech start) is heard by the old session only in part, and by the
     * new one from the switch.
     *
     * A reply that an earlier session sent (before a renewal or a reconnect) is only replayed text in the new
     * session, and the service refuses conversation.item.truncate for it. When barge-in or
     * azaudio_realtime_truncate() cuts such a reply, the library cuts its text instead (at the same share of the
     * audio received) and replaces the new session's copy in place (conversation.item.delete, then
     * conversation.item.create after the item before it). AZAUDIO_EVENT_ITEM_TRUNCATED then comes from the
     * library (its JSON has "replayed_text":true), followed by the service's ITEM_DELETED and ITEM_CREATED for
     * the item. */
    uint32_t renewal_margin_ms;
    uint32_t session_max_ms;

    /* ---- Appended after session_max_ms: session kinds (transcription-only, translation). ---- */

    /* AZAUDIO_SESSION_CONVERSATION (0, the default), AZAUDIO_SESSION_TRANSCRIPTION or AZAUDIO_SESSION_TRANSLATION.
     *
     * TRANSCRIPTION: speech in, transcript out; no responses. Connects to {endpoint}/openai/v1/realtime?intent=
     * transcription (GA only) and sends session.update {"type":"transcription",...}. `deployment` is the
     * transcribing deployment (gpt-4o-transcribe, whisper, gpt-realtime-whisper, gpt-4o-transcribe-diarize...),
     * sent as audio.input.transcription.model; input_transcription_language is its language, and the prompt,
     * delay, noise reduction and logprobs fields below apply. turn_detection and the vad_* numbers cut the audio
     * into items (AZAUDIO_TURN_NONE: sent as null, wanted by gpt-realtime-whisper and gpt-live-transcribe; the
     * caller may commit). Events: INPUT_TRANSCRIPTION_DELTA / _COMPLETED / _SEGMENT, SPEECH_STARTED / _STOPPED,
     * INPUT_COMMITTED, ITEM_CREATED. azaudio_realtime_create_response() and conversation items are refused by the
     * service. Conversation-only fields (instructions, voice, tools, tool_choice, output format, text_only,
     * temperature, max_output_tokens and the GA settings below) are refused (AZAUDIO_ERR_INVALID_ARGUMENT), as is
     * input_transcription_deployment (the transcribing deployment is `deployment`).
     *
     * TRANSLATION: speech in, translated speech and transcripts out. Connects to {endpoint}{translation_path}
     * ?model=DEPLOYMENT (GA only; `deployment` is the gpt-realtime-translate deployment) and sends
     * session.update {"audio":{"output":{"language":translation_language},"input":{...}}}. Input is 24 kHz PCM16
     * (input_audio_format must stay PCM16; caller_input_format converts other audio), sent as
     * session.input_audio_buffer.append: keep sending audio, silence included. input_transcription_deployment
     * (optional) enables TRANSLATION_INPUT_TRANSCRIPT_DELTA. Events: TRANSLATION_INPUT_TRANSCRIPT_DELTA,
     * TRANSLATION_OUTPUT_TRANSCRIPT_DELTA, TRANSLATION_AUDIO_DELTA, SESSION_CLOSED. azaudio_realtime_close() sends
     * session.close: the service delivers what is left, SESSION_CLOSED, then closes (CLOSED follows).
     * azaudio_realtime_commit() / _clear() are AZAUDIO_ERR_INVALID_STATE.
     *
     * Every kind shares sending, caller formats, coalescing, callback and pull delivery, keepalive and liveness.
     * Reconnect: a transcription session reconnects as a conversation does (reconnect_max_attempts and the other
     * reconnect options, RECONNECTING then RECONNECTED, the caller's audio held meanwhile and sent to the new
     * session in order, no frame sent twice) with the same session configuration and nothing replayed; audio
     * the old session had not yet transcribed when the connection was lost is not transcribed again. It has no
     * renewal before the time limit (renewal_margin_ms is ignored): the service's end of the session
     * (session_expired, close 1001) is reconnected after. A translation session cannot carry its state over:
     * reconnect_max_attempts must stay 0 there (else connect() fails with AZAUDIO_ERR_INVALID_ARGUMENT), and a
     * lost connection ends it with AZAUDIO_EVENT_CLOSED. */
    int32_t session_kind;
    /* Transcription: a prompt guiding the transcription; NULL: none. */
    const char *transcription_prompt;
    /* Transcription: "minimal", "low", "medium", "high" or "xhigh" (gpt-realtime-whisper only); NULL: default. */
    const char *transcription_delay;
    /* Every kind (conversation: see the GA settings below): AZAUDIO_NOISE_REDUCTION_* (default: not sent). */
    int32_t noise_reduction;
    /* Transcription and conversation: 1 asks for the transcript tokens' log probabilities (see the events' JSON);
     * default 0. */
    int32_t transcription_logprobs;
    /* Translation: the language to translate into (ISO-639-1, e.g. "es"). Required for TRANSLATION. */
    const char *translation_language;
    /* Translation: the WebSocket path; NULL: "/openai/v1/realtime/translations" (OpenAI's GA path under /openai;
     * Azure documents none yet, so this may change). */
    const char *translation_path;

    /* ---- Appended after translation_path: call continuity, continued. ---- */

    /* 1: after a reconnect or a renewal that cut a response off (AZAUDIO_EVENT_RESPONSE_INTERRUPTED, whose JSON
     * then has "reask":true), the library asks the new session for it again: a plain response.create (event_id
     * "azaudio_reask"; per-response settings the app gave the first time are not repeated) right after the
     * conversation replay and before the input held meanwhile. The answer is a new response (new response_id)
     * built on the conversation as replayed; the cut-off reply itself is not replayed. 0 (default): the app
     * decides (azaudio_realtime_create_response()). Other values: AZAUDIO_ERR_INVALID_ARGUMENT.
     *
     * Why reconnect_max_attempts (and with it renewal) stays 0 by default: a program written before it existed
     * sees AZAUDIO_EVENT_CLOSED with the service's code (1011, 1001, 1006) and may run its own continuity on it
     * (the bundled SIP gateway does: it opens a new session and hands it the history). Turned on behind its
     * back, the library would hold its audio, replay the conversation and never deliver that CLOSED. A telephony
     * program that wants calls to outlive drops and the session limit sets, for example,
     * reconnect_max_attempts = 5 and reask_interrupted_response = 1; it then sees RECONNECTING, then RECONNECTED
     * or, once the attempts are spent, CLOSED with the code of the first loss. */
    int32_t reask_interrupted_response;
    /* ---- Appended: typed GA settings for conversation sessions, sideband calls (AZURE-AUDIO-2026.md 3, 5). ----
     *
     * Each is sent in the first session.update only when set, else the service's default applies; a bad value
     * fails connect() with AZAUDIO_ERR_INVALID_ARGUMENT before anything is sent. They belong to conversation
     * sessions: a transcription or translation session refuses them (as it refuses instructions, voice, tools,
     * text_only, temperature and max_output_tokens). Except noise_reduction (the preview protocol's
     * input_audio_noise_reduction), they are GA only: with AZAUDIO_REALTIME_PREVIEW they are refused.
     * Fields above that now apply to conversation sessions too:
     *  - noise_reduction: audio.input.noise_reduction ({"type":"near_field"|"far_field"}, or null for _OFF);
     *  - transcription_logprobs = 1: "include":["item.input_audio_transcription.logprobs"] (needs
     *    input_transcription_deployment);
     *  - voice: a name, or a custom voice id "voice_..." sent as audio.output.voice {"id": ...} (GA only);
     *  - max_output_tokens: 1..4096, or 0 for unlimited, sent as "inf". */

    /* Server VAD only: after a reply has played, this much silence (5000..30000 ms) makes the service commit the
     * buffer and answer, and deliver AZAUDIO_EVENT_INPUT_TIMEOUT_TRIGGERED
     * (audio.input.turn_detection.idle_timeout_ms). 0 (default): not sent. */
    int32_t idle_timeout_ms;
    /* Reasoning models (gpt-realtime-2): "minimal", "low", "medium", "high" or "xhigh" (reasoning.effort); NULL:
     * not sent. */
    const char *reasoning_effort;
    /* How the service drops old context: AZAUDIO_TRUNCATION_* (default: not sent). With _RETENTION_RATIO,
     * truncation_retention_ratio (0..1, required) is the fraction of post-instruction tokens kept, and
     * truncation_post_instructions_tokens (-1, the default: not sent) caps them (token_limits.post_instructions). */
    int32_t truncation;
    double truncation_retention_ratio;
    int32_t truncation_post_instructions_tokens;
    /* Output speech speed 0.25..1.5 (audio.output.speed; 1 is normal, changes apply between turns); 0 (default):
     * not sent. */
    double output_speed;
    /* parallel_tool_calls: 1 or 0; -1 (default): not sent. */
    int32_t parallel_tool_calls;
    /* A sideband session: attaches to the SIP call with this id (the webhook's, azaudio_incoming_call_id(), after
     * azaudio_call_accept()) at {endpoint}/openai/v1/realtime?call_id=CALL_ID instead of opening a session of its
     * own; `deployment` may then be NULL (the call's was given at accept). The call's audio flows between the
     * caller and the service and never reaches the application: the session.update carries no audio formats
     * (the confirmed ones are not checked), barge_in does not apply (the server plays out: to cut a reply, call
     * azaudio_realtime_cancel_response() then azaudio_realtime_clear_output_audio()), caller formats and
     * reconnect are refused. Events add OUTPUT_AUDIO_STARTED / _STOPPED / _CLEARED and DTMF. GA only. NULL
     * (default): an ordinary session. */
    const char *call_id;
} azaudio_realtime_options;

/* azaudio_realtime_options.truncation */
/* clang-format off */
#define AZAUDIO_TRUNCATION_DEFAULT          0  /* not sent */
#define AZAUDIO_TRUNCATION_AUTO             1  /* "auto" */
#define AZAUDIO_TRUNCATION_DISABLED         2  /* "disabled": the session fails when the context is full */
#define AZAUDIO_TRUNCATION_RETENTION_RATIO  3  /* {"type":"retention_ratio",...} */
/* clang-format on */

/* azaudio_realtime_options.session_kind */
#define AZAUDIO_SESSION_CONVERSATION  0
#define AZAUDIO_SESSION_TRANSCRIPTION 1
#define AZAUDIO_SESSION_TRANSLATION   2

/* azaudio_realtime_options.noise_reduction */
/* clang-format off */
#define AZAUDIO_NOISE_REDUCTION_DEFAULT     0  /* not sent */
#define AZAUDIO_NOISE_REDUCTION_NEAR_FIELD  1  /* close-talking microphone, headset */
#define AZAUDIO_NOISE_REDUCTION_FAR_FIELD   2  /* laptop or room microphone */
#define AZAUDIO_NOISE_REDUCTION_OFF         3  /* sent as null */
/* clang-format on */

/* azaudio_realtime_options.caller_input_format / caller_output_format: the session's own format, no conversion. */
#define AZAUDIO_CALLER_FORMAT_SESSION 0

/* Fills *options with the defaults above and sets struct_size. AZAUDIO_ERR_INVALID_ARGUMENT if options is NULL.
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(realtime_options, &x). */
azaudio_result azaudio_realtime_options_init(azaudio_realtime_options *options);

/* Opens a session on the client's endpoint with the client's credentials, TLS and proxy settings: connects, upgrades
 * to WebSocket, waits for session.created, sends session.update with the options and waits for session.updated.
 * Blocks the calling thread until the session is ready, then events start flowing (the session.created and
 * session.updated events are delivered first). Errors: AZAUDIO_ERR_INVALID_ARGUMENT (bad options, checked
 * before connecting; a struct_size not covering `connect_timeout_ms`, 172 bytes on LP64: the fields after it take
 * their defaults for a program built before they were added), AZAUDIO_ERR_AUTH / _NOT_FOUND / _RATE_LIMITED /
 * _HTTP (the handshake's HTTP status and Azure error; see azaudio_client_last_error()), AZAUDIO_ERR_BAD_REQUEST (the
 * service rejected the session settings), AZAUDIO_ERR_NETWORK, _TLS, _TIMEOUT, _PROTOCOL.
 * AZAUDIO_ERR_UNSUPPORTED: the audio formats the service confirmed in session.updated (read from either protocol's
 * shape) are not the ones asked for, e.g. pcm16 where g711_ulaw was asked: the audio would be misread as noise,
 * so the session is closed; the message names both formats. */
azaudio_result azaudio_realtime_connect(azaudio_client *client, const azaudio_realtime_options *options,
                                        azaudio_realtime_session **out_session);

/* Queues caller audio (input_audio_buffer.append) in the session's input format, or in caller_input_format /
 * caller_input_rate when set (converted on the way, see azaudio_realtime_options): 1 byte to 64 MiB per call (PCM16
 * must be whole samples; a larger size is AZAUDIO_ERR_INVALID_ARGUMENT). Thread-safe and non-blocking.
 * AZAUDIO_ERR_BUSY when the send queue is full (the audio was not queued, nor taken into the converter: retry or
 * drop it), AZAUDIO_ERR_CLOSED after the session ended. */
azaudio_result azaudio_realtime_send_audio(azaudio_realtime_session *session, const void *audio, size_t size);

/* input_audio_buffer.commit: ends the caller's turn (needed with AZAUDIO_TURN_NONE). */
azaudio_result azaudio_realtime_commit(azaudio_realtime_session *session);

/* input_audio_buffer.clear: drops uncommitted caller audio. */
azaudio_result azaudio_realtime_clear(azaudio_realtime_session *session);

/* response.create; response_json, if not NULL, is a JSON object of per-response settings (e.g. instructions). */
azaudio_result azaudio_realtime_create_response(azaudio_realtime_session *session, const char *response_json);

/* response.cancel of the response in progress. */
azaudio_result azaudio_realtime_cancel_response(azaudio_realtime_session *session);

/* session.update with a JSON object of session settings in the session's protocol shape. */
azaudio_result azaudio_realtime_update_session(azaudio_realtime_session *session, const char *session_json);

/* conversation.item.create with a text message; role is "user", "assistant" or "system". */
azaudio_result azaudio_realtime_create_text_item(azaudio_realtime_session *session, const char *role, const char *text);

/* conversation.item.create with a function call's output (a string, typically JSON) for call_id. Follow with
 * azaudio_realtime_create_response() for the model to continue. */
azaudio_result azaudio_realtime_send_function_output(azaudio_realtime_session *session, const char *call_id,
                                                     const char *output);

/* conversation.item.truncate: cuts an assistant audio item at audio_end_ms (what the caller really heard).
 * The position is clamped to the audio received for that item; AZAUDIO_ERR_INVALID_ARGUMENT if no audio of the
 * item was received, AZAUDIO_ERR_INVALID_STATE in a TRANSCRIPTION or TRANSLATION session (no reply items). */
azaudio_result azaudio_realtime_truncate(azaudio_realtime_session *session, const char *item_id, int32_t content_index,
                                         uint32_t audio_end_ms);

/* Reports that the host has played `played_ms` milliseconds of the reply item's audio in all (counted from the
 * item's first audio; the same in the session's and the caller's output format). Barge-in truncates there (see
 * azaudio_realtime_options.barge_in). Call it as playback advances, e.g. per frame written to the sound card or
 * RTP stream; a value below an earlier report for the item is ignored. Thread-safe, non-blocking, sends nothing.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL session or item_id; no audio of the item was received, e.g. a
 * response id was given), AZAUDIO_ERR_INVALID_STATE (a TRANSCRIPTION or TRANSLATION session: it has no reply
 * items and no barge-in). */
azaudio_result azaudio_realtime_audio_played(azaudio_realtime_session *session, const char *item_id,
                                             uint32_t played_ms);

/* conversation.item.delete. */
azaudio_result azaudio_realtime_delete_item(azaudio_realtime_session *session, const char *item_id);

/* Sends any client event, given as a JSON object with a "type". */
azaudio_result azaudio_realtime_send_event_json(azaudio_realtime_session *session, const char *event_json);

/* Pull mode: waits up to timeout_ms (0: do not wait; -1: forever) for the next event and stores it in *out_event;
 * free it with azaudio_realtime_event_free(). AZAUDIO_ERR_TIMEOUT if none came in time, AZAUDIO_ERR_CLOSED once
 * the CLOSED event was taken, AZAUDIO_ERR_INVALID_STATE if the session delivers events to a callback. A loop that
 * polls (every frame) should call azaudio_realtime_poll_event() instead: no event yet is a success there. */
azaudio_result azaudio_realtime_next_event(azaudio_realtime_session *session, azaudio_realtime_event **out_event,
                                           int32_t timeout_ms);

/* Starts closing the session (WebSocket close 1000) and returns at once; a CLOSED event follows. Safe from any
 * thread, including the session's callback, and more than once. */
azaudio_result azaudio_realtime_close(azaudio_realtime_session *session);

/* Closes the session if needed and frees it. When it returns, no callback of the session is running or will run
 * (called from the session's own callback, the session is freed when the callback returns). Events taken with
 * azaudio_realtime_next_event() stay valid. NULL is a no-op. */
void azaudio_realtime_destroy(azaudio_realtime_session *session);

/* Event accessors. Strings are "" when the event has no such field, never NULL (for a NULL event, NULL); they
 * live as long as the event. */
int32_t azaudio_realtime_event_type(const azaudio_realtime_event *event);
/* The wire type, e.g. "response.output_audio.delta" ("closed" for CLOSED). */
const char *azaudio_realtime_event_name(const azaudio_realtime_event *event);
/* The event's JSON text as received. */
const char *azaudio_realtime_event_json(const azaudio_realtime_event *event);
/* The same JSON text without a copy: returns its first byte and stores its length in *size (size may be NULL). NOT
 * NUL-terminated: the received bytes themselves when the library kept them (azaudio_realtime_event_json() makes a
 * NUL-terminated copy on its first call), which live as long as the event. Never NULL for an event (length 0 when it
 * has no JSON); for a NULL event, NULL and 0. Meant for bindings and for code that scans the text itself. */
const char *azaudio_realtime_event_json_data(const azaudio_realtime_event *event, size_t *size);
/* The event's text: a delta, transcript, text, function arguments, or an error / close / cancel message. */
const char *azaudio_realtime_event_text(const azaudio_realtime_event *event);
/* AUDIO_DELTA: the decoded audio bytes in the session's output format (in caller_output_format / _rate when set);
 * stores their count in *size. Other events: NULL and 0. */
const uint8_t *azaudio_realtime_event_audio(const azaudio_realtime_event *event, size_t *size);
/* The item the event is about (audio, transcript, speech and item events). */
const char *azaudio_realtime_event_item_id(const azaudio_realtime_event *event);
/* The response the event belongs to. */
const char *azaudio_realtime_event_response_id(const azaudio_realtime_event *event);
/* FUNCTION_CALL (and output item events of function calls): the call id to answer with
 * azaudio_realtime_send_function_output(). */
const char *azaudio_realtime_event_call_id(const azaudio_realtime_event *event);
/* FUNCTION_CALL: the function's name (known on both protocols, though preview events omit it on the wire). */
const char *azaudio_realtime_event_function_name(const azaudio_realtime_event *event);
/* RESPONSE_DONE: completed, cancelled, failed or incomplete. */
const char *azaudio_realtime_event_status(const azaudio_realtime_event *event);
/* RESPONSE_DONE: the usage object as JSON. */
const char *azaudio_realtime_event_usage_json(const azaudio_realtime_event *event);
/* ERROR, INPUT_TRANSCRIPTION_FAILED: the service's error code (e.g. "session_expired"). */
const char *azaudio_realtime_event_error_code(const azaudio_realtime_event *event);
/* SPEECH_STARTED / SPEECH_STOPPED / ITEM_TRUNCATED / PLAYBACK_FLUSH: position in ms; others -1. */
int64_t azaudio_realtime_event_audio_ms(const azaudio_realtime_event *event);
/* CLOSED: the WebSocket close code (1000 normal, 1001 going away / session expired, 1006 connection lost...). */
int32_t azaudio_realtime_event_close_code(const azaudio_realtime_event *event);

/* Frees an event taken with azaudio_realtime_next_event(). NULL is a no-op. Never call it on a callback's event. */
void azaudio_realtime_event_free(azaudio_realtime_event *event);

/* Pull mode for a loop that polls (a game's frame, a telephony tick): as azaudio_realtime_next_event(), but an empty
 * wait is a normal outcome, not a failure: AZAUDIO_OK with *out_event set to NULL when no event came within
 * timeout_ms (0: do not wait; -1: forever), or to the event (free it with azaudio_realtime_event_free()). No error is
 * recorded for an empty poll (azaudio_last_error() keeps its previous message) and nothing is allocated, so calling
 * it every frame costs a lock and a look at the queue. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (NULL session or
 * out_event, timeout_ms below -1), AZAUDIO_ERR_CLOSED once the CLOSED event was taken, AZAUDIO_ERR_INVALID_STATE
 * (a session that never connected, or one that delivers events to a callback). */
azaudio_result azaudio_realtime_poll_event(azaudio_realtime_session *session, azaudio_realtime_event **out_event,
                                           int32_t timeout_ms);

/* ---- Pull mode from an event loop ----------------------------------------------------------------------------
 *
 * An event loop (asyncio, libuv, GLib, your own epoll) need not park a thread in azaudio_realtime_next_event():
 * it watches the session's readiness descriptor, and when it is readable takes events with
 * azaudio_realtime_poll_event(session, &event, 0) until that gives no event (nothing more waits) or returns
 * AZAUDIO_ERR_CLOSED (azaudio_realtime_next_event() with timeout 0 works too, reporting "nothing more" as
 * AZAUDIO_ERR_TIMEOUT). */

/* Stores in *out_fd the session's readiness descriptor (Linux eventfd): readable exactly while at least one event
 * waits in the pull queue, not readable once a take has emptied it. Level-triggered: it stays readable until the
 * events are taken, so a loop that watches it must take them (or stop watching) to sleep again. Made on the first
 * call (later calls give the same descriptor; sessions that never ask pay nothing) and readable at once if events
 * already wait. After the CLOSED event was taken it is never readable again. The descriptor belongs to the
 * session: only watch it (poll, epoll, select); do not read, write or close it. Stop watching it before
 * azaudio_realtime_destroy(), which closes it. Any thread. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (session or out_fd
 * NULL), AZAUDIO_ERR_INVALID_STATE (the session delivers events to a callback, or never connected),
 * AZAUDIO_ERR_IO (no descriptor could be made, e.g. the process has no file descriptors left). */
azaudio_result azaudio_realtime_event_fd(azaudio_realtime_session *session, int32_t *out_fd);

/* One event of a batch taken with azaudio_realtime_take_events(), with the fields a loop reads from almost every
 * event filled in by the same call, so that a binding (ctypes, cffi, JNI) needs no accessor call for them. The
 * pointers live as long as `event`. Fields may be appended in later versions (never reordered): pass
 * sizeof(azaudio_realtime_event_record) as record_size, and the library writes no more of each record. */
typedef struct azaudio_realtime_event_record {
    /* The event, which is the caller's: free it with azaudio_realtime_event_free(). Every accessor works on it. */
    azaudio_realtime_event *event;
    /* azaudio_realtime_event_type(event). */
    int32_t type;
    /* AUDIO_DELTA (and other audio events): as azaudio_realtime_event_audio(event, &audio_size); NULL and 0 for
     * events without audio. */
    const uint8_t *audio;
    size_t audio_size;
    /* The event's JSON as received: json_size bytes, NOT NUL-terminated (azaudio_realtime_event_json() gives the
     * same text as a C string); never NULL, json_size 0 when the event has none. */
    const char *json;
    size_t json_size;
} azaudio_realtime_event_record;

/* Pull mode in batches: waits up to timeout_ms (0: do not wait; -1: forever) for an event, then takes it and the
 * events already waiting behind it, up to `capacity`, in the order they arrived, into records[0 .. *out_count-1].
 * One call per batch instead of one azaudio_realtime_poll_event() plus accessor calls per event: meant for a loop
 * woken by azaudio_realtime_event_fd() and for language bindings, where each foreign call is dear.
 * - Each record's event is the caller's: free each one with azaudio_realtime_event_free() (the record's pointers
 *   live as long as its event; events stay valid after azaudio_realtime_destroy()).
 * - No event within timeout_ms: AZAUDIO_OK with *out_count 0; no error is recorded (as azaudio_realtime_poll_event()).
 * - No event is given twice or lost: events past `capacity` stay queued, in order, for the next call. A batch ends
 *   with the CLOSED event when it takes it (always the last event); the next call returns AZAUDIO_ERR_CLOSED.
 * - The readiness descriptor stops being readable when a batch empties the queue, as with poll_event.
 * - record_size: sizeof(azaudio_realtime_event_record) as the caller was compiled with (48 on LP64 for the fields
 *   above; at most 4096). Records are record_size bytes apart, and the library writes at most record_size bytes of
 *   each, zero-filling what it does not know.
 * Any thread, one call at a time per session (as next_event). Errors (*out_count set to 0 when out_count is not
 * NULL, no event taken): AZAUDIO_ERR_INVALID_ARGUMENT (NULL session, records or out_count; capacity 0; record_size
 * below the fields above, over 4096 or not a multiple of the record's alignment (8 on LP64); capacity * record_size
 * over PTRDIFF_MAX; timeout_ms below -1), AZAUDIO_ERR_CLOSED (the CLOSED event was taken before),
 * AZAUDIO_ERR_INVALID_STATE (a session that never connected, or one that delivers events to a callback). */
azaudio_result azaudio_realtime_take_events(azaudio_realtime_session *session, azaudio_realtime_event_record *records,
                                            size_t record_size, size_t capacity, size_t *out_count, int32_t timeout_ms);

/* ================================================================================================================
 * Diarized transcripts (appended for the 2026 service)
 *
 * Segments of a diarized_json transcript carry a speaker label; azaudio_transcript_segment() gives their times
 * and text as for verbose_json, these give the rest.
 * ============================================================================================================== */

/* The speaker of the segment at `index`: a known speaker's name or a label such as "A"; "" when the format has
 * none (verbose_json) or index is out of range. Valid as long as the transcript. NULL if transcript is NULL. */
const char *azaudio_transcript_segment_speaker(const azaudio_transcript *transcript, size_t index);

/* Fills *out_segment (the caller sets out_segment->struct_size = sizeof(azaudio_segment); the library writes at
 * most that many bytes) with the segment at `index`. Strings live as long as the transcript.
 * Errors: AZAUDIO_ERR_INVALID_ARGUMENT (transcript or out_segment NULL, struct_size too small, index out of
 * range). */
azaudio_result azaudio_transcript_segment_info(const azaudio_transcript *transcript, size_t index,
                                               azaudio_segment *out_segment);

/* ================================================================================================================
 * SIP calls answered by the service (appended for the 2026 service)
 *
 * A carrier trunks calls to the service (on Azure: sip:proj_<id>@<region>.sip.ai.azure.com;transport=tls); the
 * media never reaches the application. For each call the service POSTs a `realtime.call.incoming` webhook to the
 * application's URL, signed the Standard Webhooks way. The application checks the signature with
 * azaudio_webhook_verify(), reads the call with azaudio_incoming_call_parse(), then answers it with
 * azaudio_call_accept() / _reject() / _refer(), and later azaudio_call_hangup(). These calls are blocking, run on
 * the caller's thread and use the client's credentials, timeouts and retries; they always use the GA URLs
 * {endpoint}/openai/v1/realtime/calls/{call_id}/{accept|reject|refer|hangup}. examples/sip_webhook.c is a complete
 * webhook receiver.
 * ============================================================================================================== */

/* How far (seconds) a webhook's timestamp may be from now by default. */
#define AZAUDIO_WEBHOOK_DEFAULT_TOLERANCE_S 300

/* Verifies a webhook delivery: `secret` is the webhook's signing secret ("whsec_" then base64), the three strings
 * are the webhook-id, webhook-timestamp and webhook-signature headers as received, `body` the raw request body
 * (`body_size` bytes, before any JSON parsing). The signature header holds space-separated "v1,<base64>"
 * entries; one must equal the HMAC-SHA256 (OpenSSL) of "{id}.{timestamp}.{body}", compared in constant time.
 * `now_unix`: the current time in unix seconds, 0 for the system clock; `tolerance_seconds`: how far the
 * timestamp may be from it, 0 or negative for AZAUDIO_WEBHOOK_DEFAULT_TOLERANCE_S. Any thread; no client needed.
 * Returns AZAUDIO_OK for a genuine delivery; AZAUDIO_ERR_AUTH for a wrong signature (tampered body, another
 * secret) or a timestamp outside the tolerance (a replay); AZAUDIO_ERR_INVALID_ARGUMENT for a NULL argument, a
 * malformed secret, timestamp or signature header. azaudio_last_error() says which. */
azaudio_result azaudio_webhook_verify(const char *secret, const char *webhook_id, const char *webhook_timestamp,
                                      const char *webhook_signature, const void *body, size_t body_size,
                                      int64_t now_unix, int64_t tolerance_seconds);

/* A `realtime.call.incoming` webhook, read. Free it with azaudio_incoming_call_free(). */
typedef struct azaudio_incoming_call azaudio_incoming_call;

/* Reads a webhook body (verify it first). On success stores a new call in *out_call. Errors:
 * AZAUDIO_ERR_INVALID_ARGUMENT (NULL argument), AZAUDIO_ERR_PROTOCOL (not JSON, not realtime.call.incoming, no
 * data.call_id). */
azaudio_result azaudio_incoming_call_parse(const void *body, size_t body_size, azaudio_incoming_call **out_call);

/* The call id to answer and to attach a sideband session to. Valid as long as the call; NULL if call is NULL. */
const char *azaudio_incoming_call_id(const azaudio_incoming_call *call);

/* The number of SIP INVITE headers the webhook carried (0 if call is NULL). */
size_t azaudio_incoming_call_sip_header_count(const azaudio_incoming_call *call);

/* The SIP header at `index`: its name and value (valid as long as the call). Errors: AZAUDIO_ERR_INVALID_ARGUMENT
 * (call NULL, index out of range). */
azaudio_result azaudio_incoming_call_sip_header(const azaudio_incoming_call *call, size_t index, const char **name,
                                                const char **value);

/* The value of the first SIP header called `name` (case-insensitive, e.g. "From"), or NULL when there is none. */
const char *azaudio_incoming_call_sip_header_value(const azaudio_incoming_call *call, const char *name);

/* Frees a call. NULL is a no-op. */
void azaudio_incoming_call_free(azaudio_incoming_call *call);

/* How to accept a call. Fill with AZAUDIO_INIT(call_accept_options, &o). Either `deployment` (with optional
 * instructions and voice) or `session_json`, a whole RealtimeSessionCreateRequestGA object ("type" defaults to
 * "realtime"; it must name the deployment as "model"). */
typedef struct azaudio_call_accept_options {
    uint32_t struct_size;
    const char *deployment;   /* the realtime deployment that answers, sent as "model" */
    const char *instructions; /* NULL: none */
    /* a voice name (alloy, ash, ballad, cedar, coral, echo, marin, sage, shimmer, verse) or a custom voice id
     * ("voice_..."); NULL: the service's default */
    const char *voice;
    const char *session_json; /* NULL: built from the fields above */
    azaudio_cancel_token *cancel_token;
    int64_t timeout_ms;  /* -1 (default): the client's */
    int32_t max_retries; /* -1 (default): the client's */
} azaudio_call_accept_options;

/* Fills *options with the defaults and sets struct_size. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (options NULL).
 * Kept for programs already built: writes the library's whole sizeof, which overruns the smaller struct of a
 * program built against an older header. New code uses AZAUDIO_INIT(call_accept_options, &x). */
azaudio_result azaudio_call_accept_options_init(azaudio_call_accept_options *options);

/* Accepts the call: the service starts the session and bridges the caller to it. Errors: as the REST calls
 * (AZAUDIO_ERR_NOT_FOUND for an unknown or finished call), AZAUDIO_ERR_INVALID_ARGUMENT for an empty call_id or
 * options that contradict each other (checked before sending). */
azaudio_result azaudio_call_accept(azaudio_client *client, const char *call_id,
                                   const azaudio_call_accept_options *options);

/* Rejects the call with a SIP status code (400-699, e.g. 486 Busy Here); 0 lets the service choose (603
 * Decline). Errors: as azaudio_call_accept(); a status outside 400-699 is AZAUDIO_ERR_INVALID_ARGUMENT. */
azaudio_result azaudio_call_reject(azaudio_client *client, const char *call_id, int32_t sip_status_code);

/* Transfers the call with a SIP REFER to `target_uri` ("tel:+14155550123", "sip:agent@example.com"; checked to be
 * a tel:, sip: or sips: URI). Errors: as azaudio_call_accept(). */
azaudio_result azaudio_call_refer(azaudio_client *client, const char *call_id, const char *target_uri);

/* Ends the call. Errors: as azaudio_call_accept(). */
azaudio_result azaudio_call_hangup(azaudio_client *client, const char *call_id);
/* ---- Appended: per-turn latency (AZURE-AUDIO-2026.md section 7). ----
 *
 * After each response's RESPONSE_DONE the library delivers AZAUDIO_EVENT_TURN_LATENCY (name "turn_latency";
 * response_id; audio_ms: the end of the caller's speech, or the response's start when there was no speech end,
 * to its first reply audio). Its JSON holds the figures, in ms on one monotonic clock, -1 where a step did not
 * happen: speech_end_to_created_ms (speech_stopped arrived -> response.created), speech_end_to_first_audio_ms,
 * created_to_first_audio_ms, speech_end_to_first_played_ms (to the first azaudio_realtime_audio_played() report
 * above 0 for the reply's audio: what the host made audible), handshake_ms (the WebSocket upgrade) and
 * session_ready_ms (connect to session.updated), and "session": {count, median_first_audio_ms,
 * p95_first_audio_ms} so far. The first audible reply audio: see azaudio_realtime_audible_latency_summary(). */
#define AZAUDIO_EVENT_TURN_LATENCY 39

/* The session's first-audio latency so far (speech end, else response start, to the first reply audio, per
 * response with audio): how many responses (*count), their median and 95th percentile (nearest rank) in ms; -1
 * for both when there are none. Any thread. Any output pointer may be NULL. AZAUDIO_ERR_INVALID_ARGUMENT if
 * session is NULL. */
azaudio_result azaudio_realtime_latency_summary(azaudio_realtime_session *session, uint32_t *count, int32_t *median_ms,
                                                int32_t *p95_ms);

/* ---- Appended: session kinds (transcription-only, translation; azaudio_realtime_options.session_kind). ----
 * Their events and accessors. */
/* clang-format off */
#define AZAUDIO_EVENT_INPUT_TRANSCRIPTION_SEGMENT   40  /* text, speaker (azaudio_realtime_event_speaker()),
                                                           start/end (azaudio_realtime_event_segment_times());
                                                           diarizing transcription models */
#define AZAUDIO_EVENT_TRANSLATION_INPUT_TRANSCRIPT_DELTA  41  /* text: part of what the speaker said */
#define AZAUDIO_EVENT_TRANSLATION_OUTPUT_TRANSCRIPT_DELTA 42  /* text: part of the translation */
#define AZAUDIO_EVENT_TRANSLATION_AUDIO_DELTA       43  /* audio: translated speech as the service sent it
                                                           (PCM16; rate and channels from
                                                           azaudio_realtime_event_audio_format(); caller_output
                                                           conversion does not apply); audio_ms: elapsed_ms */
#define AZAUDIO_EVENT_SESSION_CLOSED                44  /* the service ended a translation session (session.closed) */
/* clang-format on */

/* INPUT_TRANSCRIPTION_SEGMENT: the speaker label ("A", a known speaker's name); "" when none or another event.
 * Valid as long as the event; NULL if event is NULL. */
const char *azaudio_realtime_event_speaker(const azaudio_realtime_event *event);

/* INPUT_TRANSCRIPTION_SEGMENT: stores the segment's start and end (seconds of the input) in *start / *end (either
 * may be NULL). Returns 1 when the event carries them, 0 otherwise (then both are set to -1). */
int32_t azaudio_realtime_event_segment_times(const azaudio_realtime_event *event, double *start, double *end);

/* TRANSLATION_AUDIO_DELTA: stores the audio's sample rate (Hz) and channels (either may be NULL); returns 1, or 0
 * for other events (both set to 0). The samples are 16-bit signed little-endian. */
int32_t azaudio_realtime_event_audio_format(const azaudio_realtime_event *event, int32_t *sample_rate,
                                            int32_t *channels);

/* ================================================================================================================
 * Sized initialisation (appended in 0.1.0)
 *
 * AZAUDIO_INIT(kind, pointer) fills a struct with its defaults, passing the size of the struct as the calling
 * program was compiled: AZAUDIO_INIT(transcription_options, &o) calls
 * azaudio_transcription_options_init_sized(&o, sizeof o). kind is the type's name without azaudio_:
 * client_options, wav_info, transcription_options, translation_options, speech_options, chat_options,
 * realtime_options, call_accept_options, and realtime_response_options (its sized init is declared with its
 * struct, in the realtime section below).
 *
 * Each azaudio_X_init_sized(x, size) writes the defaults into the first min(size, the library's sizeof) bytes of
 * *x and sets struct_size to that number: a newer library never writes past an older program's struct, and the
 * fields the program does not know take their defaults when the library reads it. Errors, with nothing written:
 * AZAUDIO_ERR_INVALID_ARGUMENT if x is NULL or size is below the struct's first-release size (the size that
 * covers the last field each struct's functions name above).
 * ============================================================================================================== */

#define AZAUDIO_INIT(kind, pointer) azaudio_##kind##_init_sized((pointer), sizeof *(pointer))

/* Fills the first min(size, sizeof) bytes of *options with the defaults of azaudio_client_options (client
 * creation); see above. */
azaudio_result azaudio_client_options_init_sized(azaudio_client_options *options, size_t size);
/* Fills the first min(size, sizeof) bytes of *info with the defaults of azaudio_wav_info (WAV layout, before
 * azaudio_wav_write_*); see above. */
azaudio_result azaudio_wav_info_init_sized(azaudio_wav_info *info, size_t size);
/* Fills the first min(size, sizeof) bytes of *options with the defaults of azaudio_transcription_options; see above. */
azaudio_result azaudio_transcription_options_init_sized(azaudio_transcription_options *options, size_t size);
/* Fills the first min(size, sizeof) bytes of *options with the defaults of azaudio_translation_options; see above. */
azaudio_result azaudio_translation_options_init_sized(azaudio_translation_options *options, size_t size);
/* Fills the first min(size, sizeof) bytes of *options with the defaults of azaudio_speech_options; see above. */
azaudio_result azaudio_speech_options_init_sized(azaudio_speech_options *options, size_t size);
/* Fills the first min(size, sizeof) bytes of *options with the defaults of azaudio_chat_options; see above. */
azaudio_result azaudio_chat_options_init_sized(azaudio_chat_options *options, size_t size);
/* Fills the first min(size, sizeof) bytes of *options with the defaults of azaudio_realtime_options; see above. */
azaudio_result azaudio_realtime_options_init_sized(azaudio_realtime_options *options, size_t size);
/* Fills the first min(size, sizeof) bytes of *options with the defaults of azaudio_call_accept_options; see above. */
azaudio_result azaudio_call_accept_options_init_sized(azaudio_call_accept_options *options, size_t size);

/* ---- Appended: GA session events, out-of-band responses, images, sideband calls (AZURE-AUDIO-2026.md 3, 5). ----
 * Numbers continue after AZAUDIO_EVENT_SESSION_CLOSED. */
/* clang-format off */
#define AZAUDIO_EVENT_INPUT_TIMEOUT_TRIGGERED       45  /* idle_timeout_ms fired: item_id, audio_ms: audio_end_ms,
                                                           start in azaudio_realtime_event_audio_range() */
#define AZAUDIO_EVENT_OUTPUT_AUDIO_STARTED          46  /* sideband/SIP: the server started playing a reply;
                                                           response_id */
#define AZAUDIO_EVENT_OUTPUT_AUDIO_STOPPED          47  /* sideband/SIP: the reply's audio finished playing */
#define AZAUDIO_EVENT_OUTPUT_AUDIO_CLEARED          48  /* sideband/SIP: played-out audio was cut (barge-in, or
                                                           azaudio_realtime_clear_output_audio()) */
#define AZAUDIO_EVENT_DTMF                          49  /* SIP: the caller pressed a key: text: "0".."9", "*", "#",
                                                           "A".."D"; azaudio_realtime_event_received_at() */
#define AZAUDIO_EVENT_MCP_LIST_TOOLS_IN_PROGRESS    50  /* MCP tools: item_id of the mcp_list_tools item */
#define AZAUDIO_EVENT_MCP_LIST_TOOLS_COMPLETED      51
#define AZAUDIO_EVENT_MCP_LIST_TOOLS_FAILED         52
#define AZAUDIO_EVENT_MCP_CALL_ARGUMENTS_DELTA      53  /* text: part of an MCP call's arguments; item_id,
                                                           response_id */
#define AZAUDIO_EVENT_MCP_CALL_ARGUMENTS_DONE       54  /* text: the arguments (JSON) */
#define AZAUDIO_EVENT_MCP_CALL_IN_PROGRESS          55  /* item_id of the mcp_call item */
#define AZAUDIO_EVENT_MCP_CALL_COMPLETED            56
#define AZAUDIO_EVENT_MCP_CALL_FAILED               57
/* clang-format on */
/* AZAUDIO_EVENT_RATE_LIMITS_UPDATED (29) is read by azaudio_realtime_event_rate_limit(). */

/* RATE_LIMITS_UPDATED: the budget called `name` ("requests" or "tokens"): its limit, what remains, and seconds
 * until it resets (any output may be NULL). Returns 1 when the event carries that budget, else 0 (outputs set to
 * -1). */
int32_t azaudio_realtime_event_rate_limit(const azaudio_realtime_event *event, const char *name, int64_t *limit,
                                          int64_t *remaining, double *reset_seconds);

/* INPUT_TIMEOUT_TRIGGERED: the silent stretch that fired the timeout, in ms of input audio (audio_start_ms,
 * audio_end_ms; either output may be NULL). Returns 1 for that event, else 0 (outputs set to -1). */
int32_t azaudio_realtime_event_audio_range(const azaudio_realtime_event *event, int64_t *start_ms, int64_t *end_ms);

/* DTMF: when the service received the key press (unix seconds); -1 for other events or NULL. */
int64_t azaudio_realtime_event_received_at(const azaudio_realtime_event *event);

/* 1 when the event belongs to an out-of-band response (made with out_of_band = 1 below, or any response.create
 * with "conversation":"none": the service's response.created says conversation_id null), else 0. Such a
 * response's events (created, its deltas and items, done) are delivered like the others; its items are not part
 * of the conversation and are not replayed by a reconnect. */
int32_t azaudio_realtime_event_out_of_band(const azaudio_realtime_event *event);

/* A response.create with its own settings. Fill with azaudio_realtime_response_options_init(). */
typedef struct azaudio_realtime_response_options {
    uint32_t struct_size;
    /* 1: out of band ("conversation":"none"): the response sees only `input_json` when given (else the
     * conversation), and adds nothing to the conversation; its events are marked (azaudio_realtime_event_out_of_band).
     * 0 (default): an ordinary response. */
    int32_t out_of_band;
    /* This response's instructions; NULL: the session's. */
    const char *instructions;
    /* AZAUDIO_RESPONSE_MODALITY_*: audio (with transcript) or text only; default: the session's. */
    int32_t modality;
    /* 1..4096; 0 (default): the session's; AZAUDIO_MAX_OUTPUT_TOKENS_INF (-1): unlimited ("inf"). */
    int32_t max_output_tokens;
    /* A JSON object of up to 16 string values (keys up to 64 characters, values up to 512), echoed in
     * response.created / RESPONSE_DONE's JSON; NULL: none. */
    const char *metadata_json;
    /* A JSON array of items, or {"type":"item_reference","id":ITEM_ID}, as the response's input; NULL: the
     * conversation. */
    const char *input_json;
} azaudio_realtime_response_options;

#define AZAUDIO_RESPONSE_MODALITY_DEFAULT 0
#define AZAUDIO_RESPONSE_MODALITY_AUDIO   1
#define AZAUDIO_RESPONSE_MODALITY_TEXT    2
#define AZAUDIO_MAX_OUTPUT_TOKENS_INF     -1

/* Fills *options with the defaults and sets struct_size. AZAUDIO_ERR_INVALID_ARGUMENT if options is NULL.
 * Prefer AZAUDIO_INIT(realtime_response_options, &o), which calls the sized form below with sizeof o (see
 * "Sized initialisation"): the unsized one writes the library's whole struct. */
azaudio_result azaudio_realtime_response_options_init(azaudio_realtime_response_options *options);
/* The sized form (what AZAUDIO_INIT calls): writes min(size, sizeof) bytes; size below the first release's is
 * AZAUDIO_ERR_INVALID_ARGUMENT with nothing written. */
azaudio_result azaudio_realtime_response_options_init_sized(azaudio_realtime_response_options *options, size_t size);

/* Asks for a response with `options` (NULL: as azaudio_realtime_create_response(session, NULL)). Either
 * protocol. Thread-safe, non-blocking. Errors: AZAUDIO_ERR_INVALID_ARGUMENT (a value out of range, metadata or
 * input that is not the JSON described, checked before sending), AZAUDIO_ERR_INVALID_STATE (not a conversation
 * session), AZAUDIO_ERR_BUSY, AZAUDIO_ERR_CLOSED. */
azaudio_result azaudio_realtime_create_response_with_options(azaudio_realtime_session *session,
                                                             const azaudio_realtime_response_options *options);

/* Adds a user message holding an image to the conversation (conversation.item.create with an input_image part,
 * the bytes sent as a data URL "data:MIME;base64,..."), with `text` (optional, NULL: none) as an input_text part
 * before it. `mime_type`: "image/png", "image/jpeg", "image/webp" or "image/gif", and the bytes must start with
 * that format's signature; 1 byte to 10 MiB. `detail`: "auto", "low", "high" or NULL (the service's default).
 * Ask for a response afterwards if wanted. GA conversation sessions only. The event (the image as base64, 4/3 of
 * its size) must fit in the session's send queue: raise max_send_queue_bytes (default 1 MiB) for large images,
 * else AZAUDIO_ERR_BUSY. Errors: AZAUDIO_ERR_INVALID_ARGUMENT
 * (checked before sending), AZAUDIO_ERR_INVALID_STATE, AZAUDIO_ERR_BUSY, AZAUDIO_ERR_CLOSED. */
azaudio_result azaudio_realtime_send_image(azaudio_realtime_session *session, const void *image, size_t size,
                                           const char *mime_type, const char *text, const char *detail);

/* Sideband sessions (call_id): asks the service to drop the reply audio it is playing to the caller
 * (output_audio_buffer.clear; AZAUDIO_EVENT_OUTPUT_AUDIO_CLEARED follows). Cancel the response first
 * (azaudio_realtime_cancel_response()). Errors: AZAUDIO_ERR_INVALID_STATE (not a sideband session: over a plain
 * WebSocket the application plays the audio and the service refuses this), AZAUDIO_ERR_BUSY, AZAUDIO_ERR_CLOSED. */
azaudio_result azaudio_realtime_clear_output_audio(azaudio_realtime_session *session);

/* ---- Appended: the first audible reply audio in the per-turn latency figures. ----
 *
 * A reply may start with silence, so its first audio delta is not what the caller first hears. The library looks
 * at each response's reply audio as it arrives, decoded (PCM16 as is; G.711 mu-law and A-law decoded to linear),
 * in 10 ms windows from the reply's first sample, until one window's RMS level reaches -40 dBFS (a level gate).
 * AZAUDIO_EVENT_TURN_LATENCY's JSON then also has speech_end_to_first_audible_ms and created_to_first_audible_ms
 * (to the arrival of the delta that completes that window; not before speech_end_to_first_audio_ms),
 * first_audible_offset_ms (where the window starts in the reply's audio: its leading silence; a host that plays
 * from the first delta on hears it that long after starting), each -1 when no window reached the gate, and in
 * "session": audible_count, median_first_audible_ms, p95_first_audible_ms. */

/* The session's first-audible latency so far (speech end, else response start, to the first reply audio above
 * the level gate, per response that had some): how many responses (*count), their median and 95th percentile
 * (nearest rank) in ms; -1 for both when there are none. Any thread. Any output pointer may be NULL.
 * AZAUDIO_ERR_INVALID_ARGUMENT if session is NULL. */
azaudio_result azaudio_realtime_audible_latency_summary(azaudio_realtime_session *session, uint32_t *count,
                                                        int32_t *median_ms, int32_t *p95_ms);
/* ================================================================================================================
 * Asynchronous connect
 *
 * azaudio_realtime_connect() blocks its thread through the TCP connect, TLS, the WebSocket upgrade and the session
 * setup (hundreds of milliseconds, up to connect_timeout_ms). A program with its own event loop (a SIP gateway, a
 * GUI) starts the connect instead and learns the outcome as an event of the session, like any other:
 *
 *     azaudio_realtime_session *s;
 *     if (azaudio_realtime_connect_async(client, &opts, &s) != AZAUDIO_OK) ...;   // options refused: no session
 *     azaudio_realtime_event_fd(s, &fd);                                         // watch fd in the loop
 *     ... when fd is readable: azaudio_realtime_poll_event(s, &ev, 0), until no event:
 *         AZAUDIO_EVENT_CONNECTED       ready: send audio from now on
 *         AZAUDIO_EVENT_CONNECT_FAILED  azaudio_realtime_event_result(ev) says why; CLOSED follows
 *
 * The connect runs on a short-lived thread of the library's (the library's I/O thread, shared by every session,
 * is never held up by it); events are delivered exactly as for a session azaudio_realtime_connect() opened.
 * ============================================================================================================== */

/* clang-format off */
#define AZAUDIO_EVENT_CONNECTED       58  /* connect_async: the session is ready (after its SESSION_CREATED and
                                             SESSION_UPDATED events). Made by the library; name "connected" */
#define AZAUDIO_EVENT_CONNECT_FAILED  59  /* connect_async: the connect failed or was cancelled; text: the message,
                                             error_code: "timeout", "auth", "cancelled"...;
                                             azaudio_realtime_event_result(): the code azaudio_realtime_connect()
                                             would have returned. AZAUDIO_EVENT_CLOSED (code 1006, or 1000 when
                                             cancelled) follows. Made by the library; name "connect_failed" */
/* clang-format on */

/* Starts opening a session as azaudio_realtime_connect() does and returns at once with the session in
 * *out_session. The options are checked now (AZAUDIO_ERR_INVALID_ARGUMENT, no session made); the strings they
 * point to are copied, so they need not outlive the call. Exactly one of AZAUDIO_EVENT_CONNECTED or
 * AZAUDIO_EVENT_CONNECT_FAILED (then AZAUDIO_EVENT_CLOSED) is delivered later, in either delivery mode: to
 * options->event_callback on the I/O thread, or through azaudio_realtime_poll_event() / next_event() and the
 * session's readiness descriptor (azaudio_realtime_event_fd() works at once). Until CONNECTED, the send functions
 * fail with AZAUDIO_ERR_INVALID_STATE ("still connecting") and nothing is sent; after CONNECT_FAILED, with
 * AZAUDIO_ERR_CLOSED.
 * Cancel: azaudio_realtime_close() before CONNECTED ends the connect: CONNECT_FAILED with AZAUDIO_ERR_CANCELLED and
 * CLOSED are delivered at once (a handshake still under way is closed when it returns); after CONNECTED it closes
 * the session as usual. azaudio_realtime_destroy() at any time cancels the connect and frees the session; no event
 * or callback follows it. A failure's message is the CONNECT_FAILED event's text (azaudio_last_error() and
 * azaudio_client_last_error() are per thread and do not hold it); its JSON has the code, message and the HTTP
 * status of a refused handshake ("http_status"). Any thread. Errors (returned now): AZAUDIO_ERR_INVALID_ARGUMENT
 * (client, options or out_session NULL, bad options), AZAUDIO_ERR_OUT_OF_MEMORY (no thread could be started). */
azaudio_result azaudio_realtime_connect_async(azaudio_client *client, const azaudio_realtime_options *options,
                                              azaudio_realtime_session **out_session);

/* The result an event reports: for AZAUDIO_EVENT_CONNECT_FAILED the AZAUDIO_ERR_* code of the failure (e.g.
 * AZAUDIO_ERR_AUTH, _TIMEOUT, _CANCELLED); AZAUDIO_OK for every other event; AZAUDIO_ERR_INVALID_ARGUMENT for a
 * NULL event. */
azaudio_result azaudio_realtime_event_result(const azaudio_realtime_event *event);

#ifdef __cplusplus
}
#endif

#endif /* AZAUDIO_H */
