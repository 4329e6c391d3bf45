/* A 16 x 16 transpose of 32-bit words in AVX-512 registers, shared by the kernels that pack
 * operands (bf16_avx512.c, sgemm_avx512.c). Include after <immintrin.h>, in a file compiled for
 * AVX-512 or from functions that have the AVX-512 target attribute. */
#ifndef MLP_CORE_AVX512_TRANSPOSE_H
#define MLP_CORE_AVX512_TRANSPOSE_H

#define AVX512_TRANSPOSE_INLINE static inline __attribute__((always_inline, target("avx512f")))

/* Transposes the 16 x 16 words r[0..15] in place (r[i] word j becomes r[j] word i): pairs of
 * words, then of 64-bit halves, within each 128-bit lane; then the 128-bit lanes across rows. */
AVX512_TRANSPOSE_INLINE void transpose16(__m512i r[16]) {
    __m512i t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    /* u[4i + q], lane L: column 4L + q of rows 4i..4i+3 */
    for (int i = 0; i < 4; i++) {
        u[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    for (int q = 0; q < 4; q++) {
        __m512i a = _mm512_shuffle_i32x4(u[q], u[4 + q], 0x88);
        __m512i b = _mm512_shuffle_i32x4(u[q], u[4 + q], 0xDD);
        __m512i c = _mm512_shuffle_i32x4(u[8 + q], u[12 + q], 0x88);
        __m512i d = _mm512_shuffle_i32x4(u[8 + q], u[12 + q], 0xDD);
        r[q] = _mm512_shuffle_i32x4(a, c, 0x88);
        r[8 + q] = _mm512_shuffle_i32x4(a, c, 0xDD);
        r[4 + q] = _mm512_shuffle_i32x4(b, d, 0x88);
        r[12 + q] = _mm512_shuffle_i32x4(b, d, 0xDD);
    }
}

#endif
