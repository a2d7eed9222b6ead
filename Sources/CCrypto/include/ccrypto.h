/* Swift's view of the two OpenSSL (libcrypto) functions the engine needs: HMAC-SHA256 and a constant-time
 * comparison. libcurl's OpenSSL flavour already loads libcrypto, so this adds no new run-time dependency. */
#ifndef CCRYPTO_H
#define CCRYPTO_H
#include <stddef.h>
#include <stdint.h>

/* HMAC-SHA256 of `data` keyed with `key`, written to `out` (32 bytes). Returns 1 on success, 0 on failure. */
int ccrypto_hmac_sha256(const void *key, size_t key_size, const void *data, size_t data_size, uint8_t out[32]);

/* 0 when the `size` bytes at a and b are equal, in time that does not depend on where they differ. */
int ccrypto_memcmp(const void *a, const void *b, size_t size);

#endif
