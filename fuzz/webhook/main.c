/* libFuzzer target for the webhook side of SIP calls (issue 16): azaudio_webhook_verify with arbitrary secrets,
 * headers, bodies, clocks and tolerances, and azaudio_incoming_call_parse with its accessors over the body.
 * Built by scripts/fuzz.sh against build/lib/libazaudio.so (clang, ASan+UBSan on this harness); a Swift trap in
 * the library (an overflowing conversion of a number in the body, say) kills the process and is reported.
 *
 * Input: five fields separated by 0x00 (secret, webhook-id, webhook-timestamp, webhook-signature, body), then
 * 16 bytes for now_unix and tolerance_seconds taken from the end when there are enough. */
#include "azaudio.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The next field up to a 0x00 (or the end), copied and NUL-terminated. */
static char *field(const uint8_t **p, size_t *n, size_t *len) {
    const uint8_t *end = memchr(*p, 0, *n);
    size_t k = end ? (size_t)(end - *p) : *n;
    char *s = malloc(k + 1);
    memcpy(s, *p, k);
    s[k] = 0;
    *len = k;
    *p += end ? k + 1 : k;
    *n -= end ? k + 1 : k;
    return s;
}

static int64_t tail64(const uint8_t **p, size_t *n) {
    uint64_t v = 0;
    if (*n < 8) return 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (*p)[*n - 8 + i];
    *n -= 8;
    return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *p = data;
    size_t n = size;
    int64_t tolerance = tail64(&p, &n);
    int64_t now = tail64(&p, &n);
    size_t len = 0;
    char *secret = field(&p, &n, &len);
    char *id = field(&p, &n, &len);
    char *timestamp = field(&p, &n, &len);
    char *signature = field(&p, &n, &len);
    size_t body_size = 0;
    char *body = field(&p, &n, &body_size);
    /* The body is raw bytes: give it the rest of the input too (it may hold 0x00). */
    size_t rest = n;
    char *raw = malloc(body_size + rest + 1);
    memcpy(raw, body, body_size);
    memcpy(raw + body_size, p, rest);
    size_t raw_size = body_size + rest;

    azaudio_result rc = azaudio_webhook_verify(secret, id, timestamp, signature, raw, raw_size, now, tolerance);
    if (rc != AZAUDIO_OK && rc != AZAUDIO_ERR_AUTH && rc != AZAUDIO_ERR_INVALID_ARGUMENT) abort();
    (void)azaudio_webhook_verify(secret, id, timestamp, signature, raw, raw_size, 0, 0);

    azaudio_incoming_call *call = NULL;
    rc = azaudio_incoming_call_parse(raw, raw_size, &call);
    if (rc == AZAUDIO_OK) {
        const char *call_id = azaudio_incoming_call_id(call);
        if (!call_id || !*call_id) abort(); /* the header promises a call id on success */
        size_t count = azaudio_incoming_call_sip_header_count(call);
        for (size_t i = 0; i <= count; i++) {
            const char *name = NULL, *value = NULL;
            azaudio_result h = azaudio_incoming_call_sip_header(call, i, &name, &value);
            if (i < count && (h != AZAUDIO_OK || !name || !value)) abort();
            if (i == count && h != AZAUDIO_ERR_INVALID_ARGUMENT) abort();
            if (h == AZAUDIO_OK) (void)azaudio_incoming_call_sip_header_value(call, name);
        }
        (void)azaudio_incoming_call_sip_header_value(call, id);
        azaudio_incoming_call_free(call);
    } else if (rc != AZAUDIO_ERR_PROTOCOL || call) {
        abort();
    }
    free(raw);
    free(body);
    free(signature);
    free(timestamp);
    free(id);
    free(secret);
    return 0;
}
