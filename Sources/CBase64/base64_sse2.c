/* See include/cbase64.h. Both directions map characters with comparisons instead of table lookups (SSE2 has no
 * byte shuffle) and move the 6-bit groups with shifts inside each 32-bit lane: one lane is one 4-character
 * quantum, first character in its low byte. */
#include "cbase64.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/* The three bytes at p as a 24-bit value, first byte highest (reads 4 bytes). */
static inline uint32_t triple_at(const uint8_t *p) {
    uint32_t w;
    memcpy(&w, p, 4);
    return __builtin_bswap32(w) >> 8;
}

size_t cbase64_encode_blocks(const uint8_t *src, size_t count, uint8_t *dst) {
    const __m128i six = _mm_set1_epi32(0x3F);
    size_t i = 0;
    for (; i + 16 <= count; i += 12, dst += 16) {
        __m128i t = _mm_set_epi32((int)triple_at(src + i + 9), (int)triple_at(src + i + 6), (int)triple_at(src + i + 3),
                                  (int)triple_at(src + i));
        /* Lane: sextet 0 (bits 23..18) in byte 0, sextet 1 in byte 1, sextet 2 in byte 2, sextet 3 in byte 3. */
        __m128i x = _mm_or_si128(_mm_or_si128(_mm_and_si128(_mm_srli_epi32(t, 18), six),
                                              _mm_slli_epi32(_mm_and_si128(_mm_srli_epi32(t, 12), six), 8)),
                                 _mm_or_si128(_mm_slli_epi32(_mm_and_si128(_mm_srli_epi32(t, 6), six), 16),
                                              _mm_slli_epi32(_mm_and_si128(t, six), 24)));
        /* 0..25 -> 'A'.., 26..51 -> 'a'.., 52..61 -> '0'.., 62 -> '+', 63 -> '/'. */
        __m128i c = _mm_add_epi8(x, _mm_set1_epi8('A'));
        c = _mm_add_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(25)), _mm_set1_epi8(6)));
        c = _mm_sub_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(51)), _mm_set1_epi8(75)));
        c = _mm_sub_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(61)), _mm_set1_epi8(15)));
        c = _mm_add_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(62)), _mm_set1_epi8(3)));
        _mm_storeu_si128((__m128i *)dst, c);
    }
    return i;
}

/* Bytes of c within [lo, hi] (both ASCII): all ones, else zero. Bytes >= 0x80 compare as negative: never inside. */
static inline __m128i within(__m128i c, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmplt_epi8(c, _mm_set1_epi8((char)(hi + 1))));
}

size_t cbase64_decode_blocks(const uint8_t *src, size_t count, uint8_t *dst) {
    const __m128i six = _mm_set1_epi32(0x3F);
    const __m128i byte = _mm_set1_epi32(0xFF);
    size_t i = 0;
    for (; i + 16 <= count; i += 16, dst += 12) {
        __m128i c = _mm_loadu_si128((const __m128i *)(src + i));
        __m128i upper = within(c, 'A', 'Z');
        __m128i lower = within(c, 'a', 'z');
        __m128i digit = within(c, '0', '9');
        __m128i plus = _mm_cmpeq_epi8(c, _mm_set1_epi8('+'));
        __m128i slash = _mm_cmpeq_epi8(c, _mm_set1_epi8('/'));
        __m128i valid = _mm_or_si128(_mm_or_si128(_mm_or_si128(upper, lower), _mm_or_si128(digit, plus)), slash);
        if (_mm_movemask_epi8(valid) != 0xFFFF) break;
        /* Each character's 6 bits: 'A'.. -65, 'a'.. -71, '0'.. +4, '+' +19, '/' +16 (mod 256). */
        __m128i offset = _mm_or_si128(_mm_or_si128(_mm_and_si128(upper, _mm_set1_epi8((char)-65)),
                                                   _mm_and_si128(lower, _mm_set1_epi8((char)-71))),
                                      _mm_or_si128(_mm_and_si128(digit, _mm_set1_epi8(4)),
                                                   _mm_or_si128(_mm_and_si128(plus, _mm_set1_epi8(19)),
                                                                _mm_and_si128(slash, _mm_set1_epi8(16)))));
        __m128i v = _mm_add_epi8(c, offset);
        /* Lane: the 24-bit value, first character's bits highest. */
        __m128i t = _mm_or_si128(
            _mm_or_si128(_mm_slli_epi32(_mm_and_si128(v, six), 18),
                         _mm_slli_epi32(_mm_and_si128(_mm_srli_epi32(v, 8), six), 12)),
            _mm_or_si128(_mm_slli_epi32(_mm_and_si128(_mm_srli_epi32(v, 16), six), 6), _mm_srli_epi32(v, 24)));
        /* Bytes in output order: the value's high byte first. */
        __m128i out = _mm_or_si128(
            _mm_or_si128(_mm_and_si128(_mm_srli_epi32(t, 16), byte), _mm_and_si128(t, _mm_set1_epi32(0xFF00))),
            _mm_slli_epi32(_mm_and_si128(t, byte), 16));
        /* Three bytes per lane into twelve: pairs of lanes to six bytes in each 64-bit half, then the halves. */
        __m128i pair = _mm_or_si128(_mm_and_si128(out, _mm_set_epi32(0, 0xFFFFFF, 0, 0xFFFFFF)),
                                    _mm_srli_epi64(_mm_and_si128(out, _mm_set_epi32(0xFFFFFF, 0, 0xFFFFFF, 0)), 8));
        uint64_t h0 = (uint64_t)_mm_cvtsi128_si64(pair);
        uint64_t h1 = (uint64_t)_mm_cvtsi128_si64(_mm_srli_si128(pair, 8));
        uint64_t w0 = h0 | h1 << 48;
        uint32_t w1 = (uint32_t)(h1 >> 16);
        memcpy(dst, &w0, 8);
        memcpy(dst + 8, &w1, 4);
    }
    return i;
}

#else

size_t cbase64_encode_blocks(const uint8_t *src, size_t count, uint8_t *dst) {
    (void)src;
    (void)count;
    (void)dst;
    return 0;
}

size_t cbase64_decode_blocks(const uint8_t *src, size_t count, uint8_t *dst) {
    (void)src;
    (void)count;
    (void)dst;
    return 0;
}

#endif
