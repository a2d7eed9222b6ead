#include "ccrypto.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int ccrypto_hmac_sha256(const void *key, size_t key_size, const void *data, size_t data_size, uint8_t out[32]) {
    if (key_size > INT_MAX) return 0;
    unsigned int length = 0;
    const unsigned char *mac = HMAC(EVP_sha256(), key, (int)key_size, data, data_size, out, &length);
    return mac != NULL && length == 32;
}

int ccrypto_memcmp(const void *a, const void *b, size_t size) { return CRYPTO_memcmp(a, b, size); }
