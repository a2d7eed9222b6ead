/* See include/cbase64.h. One 32-bit lane is one 4-character quantum, first character in its low byte. SSE2 (every
 * x86-64) maps characters with comparisons and moves the 6-bit groups with shifts; SSSE3, chosen at run time with
 * cpuid, checks and maps characters by nibble lookups in registers (byte shuffles), moves the bits with multiplies
 * and puts the bytes in place with one shuffle: about twice as fast again. AVX2 (also chosen at run time) does the
 * SSSE3 steps on two lanes of 16 at once, and SSSE3 the blocks left after it. */
#include "cbase64.h"

#include <string.h>

#if defined(__SSE2__)
#include <cpuid.h>
#include <emmintrin.h>
#include <immintrin.h>
#include <tmmintrin.h>

/* The three bytes at p as a 24-bit value, first byte highest (reads 4 bytes). */
static inline uint32_t triple_at(const uint8_t *p) {
    uint32_t w;
    memcpy(&w, p, 4);
    return __builtin_bswap32(w) >> 8;
}

static size_t encode_sse2(const uint8_t *src, size_t count, uint8_t *dst) {
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

static size_t decode_sse2(const uint8_t *src, size_t count, uint8_t *dst) {
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

/* SSSE3 (byte shuffles), chosen at run time: the same mapping of characters, the bits moved by multiplies and the
 * bytes put in place by one shuffle. */
__attribute__((target("ssse3"))) static inline __m128i sextets_to_ascii(__m128i x) {
    __m128i c = _mm_add_epi8(x, _mm_set1_epi8('A'));
    c = _mm_add_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(25)), _mm_set1_epi8(6)));
    c = _mm_sub_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(51)), _mm_set1_epi8(75)));
    c = _mm_sub_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(61)), _mm_set1_epi8(15)));
    return _mm_add_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(62)), _mm_set1_epi8(3)));
}

__attribute__((target("ssse3"))) static size_t encode_ssse3(const uint8_t *src, size_t count, uint8_t *dst) {
    /* Lane k gets the bytes b, a, c, b of the group a b c: its 16-bit halves are a:b and b:c. */
    const __m128i spread = _mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
    size_t i = 0;
    for (; i + 16 <= count; i += 12, dst += 16) {
        __m128i in = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(src + i)), spread);
        /* Sextets 0 and 2 (bits 10-15 of a:b, 6-11 of b:c) to the low bits of each half, 1 and 3 (bits 4-9 of
         * a:b, 0-5 of b:c) to the high byte of each half. */
        __m128i even = _mm_mulhi_epu16(_mm_and_si128(in, _mm_set1_epi32(0x0FC0FC00)), _mm_set1_epi32(0x04000040));
        __m128i odd = _mm_mullo_epi16(_mm_and_si128(in, _mm_set1_epi32(0x003F03F0)), _mm_set1_epi32(0x01000010));
        _mm_storeu_si128((__m128i *)dst, sextets_to_ascii(_mm_or_si128(even, odd)));
    }
    return i;
}

__attribute__((target("ssse3"))) static size_t decode_ssse3(const uint8_t *src, size_t count, uint8_t *dst) {
    /* Validity by nibbles: a byte is in the alphabet when (by_low[low nibble] & by_high[high nibble]) == 0. Bits
     * of by_high: 0x01 '+' and '/' (0x2B, 0x2F), 0x02 digits (0x30-0x39), 0x04 'A'-'O' and 'a'-'o' (0x41-0x4F,
     * 0x61-0x6F), 0x08 'P'-'Z' and 'p'-'z' (0x50-0x5A, 0x70-0x7A), 0x10 a high nibble with no character. Each
     * by_low entry has the bits of the groups that low nibble is not in (0x10 always). */
    const __m128i by_low =
        _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m128i by_high =
        _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    /* The 6 bits from a character, by its high nibble: '+' +19 ('/' 3 less), '0'.. +4, 'A'.. -65, 'a'.. -71. */
    const __m128i shift = _mm_setr_epi8(0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i nibble = _mm_set1_epi8(0x0F);
    const __m128i pick = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    size_t i = 0;
    for (; i + 16 <= count; i += 16, dst += 12) {
        __m128i c = _mm_loadu_si128((const __m128i *)(src + i));
        __m128i high = _mm_and_si128(_mm_srli_epi32(c, 4), nibble);
        __m128i bad =
            _mm_and_si128(_mm_shuffle_epi8(by_low, _mm_and_si128(c, nibble)), _mm_shuffle_epi8(by_high, high));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) != 0xFFFF) break;
        __m128i offset = _mm_add_epi8(_mm_shuffle_epi8(shift, high),
                                      _mm_and_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('/')), _mm_set1_epi8(-3)));
        __m128i v = _mm_add_epi8(c, offset);
        /* Pairs of sextets to 12 bits (first * 64 + second), pairs of those to the lane's 24-bit value. */
        __m128i t = _mm_madd_epi16(_mm_maddubs_epi16(v, _mm_set1_epi32(0x01400140)), _mm_set1_epi32(0x00011000));
        __m128i out = _mm_shuffle_epi8(t, pick);
        _mm_storel_epi64((__m128i *)dst, out);
        uint32_t tail = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(out, 8));
        memcpy(dst + 8, &tail, 4);
    }
    return i;
}

/* AVX2, chosen at run time: the SSSE3 steps on two 128-bit lanes at once (byte shuffles and multiplies work per
 * lane), 24 bytes or 32 characters per step; half the loop turns for a realtime frame's audio. */
__attribute__((target("avx2"))) static inline __m256i sextets_to_ascii_avx2(__m256i x) {
    __m256i c = _mm256_add_epi8(x, _mm256_set1_epi8('A'));
    c = _mm256_add_epi8(c, _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(25)), _mm256_set1_epi8(6)));
    c = _mm256_sub_epi8(c, _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(51)), _mm256_set1_epi8(75)));
    c = _mm256_sub_epi8(c, _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(61)), _mm256_set1_epi8(15)));
    return _mm256_add_epi8(c, _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(62)), _mm256_set1_epi8(3)));
}

/* Groups of 24 bytes while 28 remain (the high lane reads 16 bytes from the 12th); returns the bytes consumed. */
__attribute__((target("avx2"))) static size_t encode_avx2(const uint8_t *src, size_t count, uint8_t *dst) {
    const __m256i spread = _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10, /* high lane: */ 1, 0, 2,
                                            1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
    size_t i = 0;
    for (; i + 28 <= count; i += 24, dst += 32) {
        __m256i in = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(src + i))),
                                             _mm_loadu_si128((const __m128i *)(src + i + 12)), 1);
        in = _mm256_shuffle_epi8(in, spread);
        __m256i even =
            _mm256_mulhi_epu16(_mm256_and_si256(in, _mm256_set1_epi32(0x0FC0FC00)), _mm256_set1_epi32(0x04000040));
        __m256i odd =
            _mm256_mullo_epi16(_mm256_and_si256(in, _mm256_set1_epi32(0x003F03F0)), _mm256_set1_epi32(0x01000010));
        _mm256_storeu_si256((__m256i *)dst, sextets_to_ascii_avx2(_mm256_or_si256(even, odd)));
    }
    return i;
}

/* Blocks of 32 characters, stopping before one with a character outside the alphabet; returns those consumed. */
__attribute__((target("avx2"))) static size_t decode_avx2(const uint8_t *src, size_t count, uint8_t *dst) {
    /* The tables of decode_ssse3, in both lanes. */
    const __m256i by_low = _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A,
                                            0x1B, 0x1B, 0x1B, 0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                            0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i by_high = _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10,
                                             0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                                             0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m256i shift = _mm256_setr_epi8(0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 4, -65,
                                           -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i pick = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10,
                                          9, 8, 14, 13, 12, -1, -1, -1, -1);
    /* The two lanes' 12 bytes side by side: 32-bit words 0-2 and 4-6. */
    const __m256i pack = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
    size_t i = 0;
    for (; i + 32 <= count; i += 32, dst += 24) {
        __m256i c = _mm256_loadu_si256((const __m256i *)(src + i));
        __m256i high = _mm256_and_si256(_mm256_srli_epi32(c, 4), nibble);
        __m256i bad = _mm256_and_si256(_mm256_shuffle_epi8(by_low, _mm256_and_si256(c, nibble)),
                                       _mm256_shuffle_epi8(by_high, high));
        if ((uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(bad, _mm256_setzero_si256())) != 0xFFFFFFFFu) break;
        __m256i offset =
            _mm256_add_epi8(_mm256_shuffle_epi8(shift, high),
                            _mm256_and_si256(_mm256_cmpeq_epi8(c, _mm256_set1_epi8('/')), _mm256_set1_epi8(-3)));
        __m256i v = _mm256_add_epi8(c, offset);
        __m256i t =
            _mm256_madd_epi16(_mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140)), _mm256_set1_epi32(0x00011000));
        __m256i out = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(t, pick), pack);
        _mm_storeu_si128((__m128i *)dst, _mm256_castsi256_si128(out));             /* bytes 0-15 */
        _mm_storel_epi64((__m128i *)(dst + 16), _mm256_extracti128_si256(out, 1)); /* bytes 16-23 */
    }
    return i;
}

/* The widest path the processor (and the OS, for AVX2's registers) offers: 2 AVX2, 1 SSSE3, 0 SSE2. Asked once; a
 * race only asks twice. */
static int simd_level(void) {
    static int known = -1;
    if (known < 0) {
        unsigned a = 0, b = 0, c = 0, d = 0;
        int level = 0;
        if (__get_cpuid(1, &a, &b, &c, &d)) {
            if (c & bit_SSSE3) level = 1;
            if ((c & bit_OSXSAVE) && (c & bit_AVX)) {
                unsigned lo = 0, hi = 0;
                __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
                unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
                if ((lo & 6) == 6 && __get_cpuid_count(7, 0, &a7, &b7, &c7, &d7) && (b7 & bit_AVX2)) level = 2;
            }
        }
        known = level;
    }
    return known;
}

size_t cbase64_encode_blocks(const uint8_t *src, size_t count, uint8_t *dst) {
    switch (simd_level()) {
    case 2: {
        size_t done = encode_avx2(src, count, dst);
        return done + encode_ssse3(src + done, count - done, dst + done / 3 * 4);
    }
    case 1:
        return encode_ssse3(src, count, dst);
    default:
        return encode_sse2(src, count, dst);
    }
}

size_t cbase64_decode_blocks(const uint8_t *src, size_t count, uint8_t *dst) {
    switch (simd_level()) {
    case 2: {
        size_t done = decode_avx2(src, count, dst);
        return done + decode_ssse3(src + done, count - done, dst + done / 4 * 3);
    }
    case 1:
        return decode_ssse3(src, count, dst);
    default:
        return decode_sse2(src, count, dst);
    }
}

size_t cbase64_encode_blocks_sse2(const uint8_t *src, size_t count, uint8_t *dst) {
    return encode_sse2(src, count, dst);
}

/* ASCII runs: 64 bytes per test (two loads ORed, one movemask) with AVX2, 16 with SSE2. */
__attribute__((target("avx2"))) static size_t ascii_avx2(const uint8_t *p, size_t count) {
    size_t i = 0;
    for (; i + 64 <= count; i += 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(p + i + 32));
        if (_mm256_movemask_epi8(_mm256_or_si256(a, b)) != 0) break;
    }
    return i;
}

static size_t ascii_sse2(const uint8_t *p, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16)
        if (_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(p + i))) != 0) break;
    return i;
}

size_t cbase64_ascii_blocks(const uint8_t *p, size_t count) {
    size_t done = simd_level() == 2 ? ascii_avx2(p, count) : 0;
    return done + ascii_sse2(p + done, count - done);
}

size_t cbase64_decode_blocks_sse2(const uint8_t *src, size_t count, uint8_t *dst) {
    return decode_sse2(src, count, dst);
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

size_t cbase64_encode_blocks_sse2(const uint8_t *src, size_t count, uint8_t *dst) {
    return cbase64_encode_blocks(src, count, dst);
}

size_t cbase64_ascii_blocks(const uint8_t *p, size_t count) {
    (void)p;
    (void)count;
    return 0;
}

size_t cbase64_decode_blocks_sse2(const uint8_t *src, size_t count, uint8_t *dst) {
    return cbase64_decode_blocks(src, count, dst);
}

#endif
