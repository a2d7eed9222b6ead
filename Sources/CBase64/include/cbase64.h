/* The bulk of standard base64 (RFC 4648 section 4) thirty-two characters at a time with AVX2, sixteen with SSSE3
 * (SSE2 where the processor lacks both), for the realtime audio that travels as base64 in both directions, and the
 * ASCII scan of UTF-8 validation over the same messages
 * (Sources/AzAudioCore/Support/Base64.swift does the rest: the tail, the padding and every check the strict decoder
 * makes). Not on x86-64: both functions do nothing and return 0. */
#ifndef CBASE64_H
#define CBASE64_H
#include <stddef.h>
#include <stdint.h>

/* Encodes whole groups of 12 bytes of `src` (`count` bytes) into 16 characters each at `dst`, while at least 16
 * bytes remain (each group reads 13 bytes). Returns the bytes consumed, a multiple of 12; `dst` receives
 * consumed / 3 * 4 characters. */
size_t cbase64_encode_blocks(const uint8_t *src, size_t count, uint8_t *dst);

/* Decodes blocks of 16 characters of `src` (`count` characters) into 12 bytes each at `dst`, stopping before the
 * first block that holds a character outside the alphabet (padding included). Returns the characters consumed, a
 * multiple of 16; `dst` receives consumed / 4 * 3 bytes and nothing past them. */
size_t cbase64_decode_blocks(const uint8_t *src, size_t count, uint8_t *dst);

/* The length of the leading run of `src` (`count` bytes) that is whole blocks of 16 bytes below 0x80 (tested 64 at a
 * time with AVX2): UTF-8 validation's fast path over the ASCII that realtime JSON almost always is. Stops before the
 * first block holding a byte >= 0x80 or the last partial block: the caller checks from there. Not on x86-64: 0. */
size_t cbase64_ascii_blocks(const uint8_t *src, size_t count);

/* The same two on the SSE2 path whatever the processor has (for tests: the dispatch above takes AVX2 or SSSE3 where it
 * can, so this is the only way to reach the fallback on most machines). */
size_t cbase64_encode_blocks_sse2(const uint8_t *src, size_t count, uint8_t *dst);
size_t cbase64_decode_blocks_sse2(const uint8_t *src, size_t count, uint8_t *dst);

#endif
