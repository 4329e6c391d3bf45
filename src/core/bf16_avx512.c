/* AVX512_BF16 kernels (bf16_avx512.h). This file alone is compiled with -mavx512bf16 and the
 * AVX-512 flags (Makefile), so nothing here may run before sgemm.c's CPUID check.
 *
 * bf16_gemm: one packed A word (two bf16 of a row, adjacent in k) broadcast against 64 columns of
 * B's packed row p (16 words per vector: two k values of 16 columns), in tiles of 6 rows by 64
 * columns, 24 float32 accumulators; vdpbf16ps adds a[2p] b[2p][j] + a[2p+1] b[2p+1][j] to each. */
#include "core/bf16_avx512.h"

#if defined(__x86_64__) && !defined(MLP_PORTABLE) && defined(__AVX512BF16__)

#include <immintrin.h>

#include "core/avx512_transpose.h"

#define INLINE static inline __attribute__((always_inline))

bool bf16_avx512_built(void) {
    return true;
}

/* vcvtne2ps2bf16 rounds to nearest even; lo's 16 values go to the low half. */
INLINE __m512i to_bf16(__m512 hi, __m512 lo) {
    return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}

void bf16_pack_rows(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst) {
    size_t kp = (cols + 1) / 2;
    for (size_t r = 0; r < rows; r++) {
        const float *s = src + r * ld;
        uint32_t *d = dst + r * kp;
        size_t c = 0;
        for (; c + 32 <= cols; c += 32)
            _mm512_storeu_si512(d + c / 2,
                                to_bf16(_mm512_loadu_ps(s + c + 16), _mm512_loadu_ps(s + c)));
        if (c < cols) {
            size_t left = cols - c;
            __mmask16 m0 = (__mmask16)(left >= 16 ? 0xffff : (1u << left) - 1);
            __mmask16 m1 = (__mmask16)(left <= 16 ? 0 : (1u << (left - 16)) - 1);
            __m512i v =
                to_bf16(_mm512_maskz_loadu_ps(m1, s + c + 16), _mm512_maskz_loadu_ps(m0, s + c));
            size_t words = (left + 1) / 2;
            _mm512_mask_storeu_epi32(d + c / 2, (__mmask16)((1u << words) - 1), v);
        }
    }
}

void bf16_pack_row_pairs(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst,
                         size_t kp, size_t p0) {
    /* to_bf16(row 2p+1, row 2p) holds row 2p's 16 values then row 2p+1's; interleave them. */
    const __m512i interleave =
        _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6,
                         21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    for (size_t p = 0; p < (rows + 1) / 2; p++) {
        const float *s0 = src + 2 * p * ld, *s1 = s0 + ld;
        bool second = 2 * p + 1 < rows;
        for (size_t j = 0; j < cols; j += 16) {
            __mmask16 m = (__mmask16)(cols - j >= 16 ? 0xffff : (1u << (cols - j)) - 1);
            __m512 lo = _mm512_maskz_loadu_ps(m, s0 + j);
            __m512 hi = second ? _mm512_maskz_loadu_ps(m, s1 + j) : _mm512_setzero_ps();
            _mm512_mask_storeu_epi32(dst + bf16_b_index(kp, p0 + p, j), m,
                                     _mm512_permutexvar_epi16(interleave, to_bf16(hi, lo)));
        }
    }
}

INLINE __mmask16 first(size_t count) {
    return (__mmask16)(count >= 16 ? 0xffff : (1u << count) - 1);
}

void bf16_pack_rows_transposed(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst,
                               size_t j_first) {
    size_t kp = (cols + 1) / 2;
    for (size_t j0 = 0; j0 < rows; j0 += 16)
        for (size_t p0 = 0; p0 < kp; p0 += 16) {
            size_t c = 2 * p0, left = cols - c;
            __mmask16 m0 = first(left), m1 = first(left > 16 ? left - 16 : 0);
            __m512i r[16];
            for (size_t jj = 0; jj < 16; jj++) {
                const float *s = src + (j0 + jj) * ld + c;
                r[jj] = j0 + jj < rows ? to_bf16(_mm512_maskz_loadu_ps(m1, s + 16),
                                                 _mm512_maskz_loadu_ps(m0, s))
                                       : _mm512_setzero_si512();
            }
            transpose16(r);
            __mmask16 store = first(rows - j0);
            for (size_t pp = 0; pp < 16 && p0 + pp < kp; pp++)
                _mm512_mask_storeu_epi32(dst + bf16_b_index(kp, p0 + pp, j_first + j0), store,
                                         r[pp]);
        }
}

void bf16_pack_row_pairs_transposed(size_t rows, size_t cols, const float *src, size_t ld,
                                    uint32_t *dst) {
    const __m512i interleave =
        _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6,
                         21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    size_t kp = (rows + 1) / 2;
    for (size_t p0 = 0; p0 < kp; p0 += 16)
        for (size_t j0 = 0; j0 < cols; j0 += 16) {
            __mmask16 m = first(cols - j0);
            __m512i r[16];
            for (size_t pp = 0; pp < 16; pp++) {
                size_t row = 2 * (p0 + pp);
                __m512 lo = row < rows ? _mm512_maskz_loadu_ps(m, src + row * ld + j0)
                                       : _mm512_setzero_ps();
                __m512 hi = row + 1 < rows ? _mm512_maskz_loadu_ps(m, src + (row + 1) * ld + j0)
                                           : _mm512_setzero_ps();
                r[pp] = _mm512_permutexvar_epi16(interleave, to_bf16(hi, lo));
            }
            transpose16(r);
            __mmask16 store = first(kp - p0);
            for (size_t jj = 0; jj < 16 && j0 + jj < cols; jj++)
                _mm512_mask_storeu_epi32(dst + (j0 + jj) * kp + p0, store, r[jj]);
        }
}

/* The 24 accumulators of a tile as named variables c<row><vector> (an array would live in
 * memory), as in sgemm_avx512.c. */
#define TILE(X)                                                                                    \
    X(0, 0)                                                                                        \
    X(0, 1)                                                                                        \
    X(0, 2)                                                                                        \
    X(0, 3)                                                                                        \
    X(1, 0)                                                                                        \
    X(1, 1) X(1, 2) X(1, 3) X(2, 0) X(2, 1) X(2, 2) X(2, 3) X(3, 0) X(3, 1) X(3, 2) X(3, 3)        \
        X(4, 0) X(4, 1) X(4, 2) X(4, 3) X(5, 0) X(5, 1) X(5, 2) X(5, 3)
#define ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)

/* One tile of mr (<= 6) rows by nv (<= 4) vectors of 16 columns, the last masked by `last`. */
INLINE void tile(const int mr, const int nv, __mmask16 last, size_t kp, const uint32_t *a,
                 size_t lda, const uint32_t *b, size_t ldb, float *c, size_t ldc) {
    const __m512 zero = _mm512_setzero_ps();
    const __m512i zi = _mm512_setzero_si512();
#define DECLARE(i, v) __m512 c##i##v = zero;
    TILE(DECLARE)
    const __mmask16 m0 = nv == 1 ? last : 0xffff, m1 = nv == 2 ? last : 0xffff,
                    m2 = nv == 3 ? last : 0xffff, m3 = nv == 4 ? last : 0xffff;
    for (size_t p = 0; p < kp; p++) {
        const uint32_t *row = b + p * ldb;
        __m512bh b0 = (__m512bh)_mm512_maskz_loadu_epi32(m0, row);
        __m512bh b1 = (__m512bh)(nv > 1 ? _mm512_maskz_loadu_epi32(m1, row + 16) : zi);
        __m512bh b2 = (__m512bh)(nv > 2 ? _mm512_maskz_loadu_epi32(m2, row + 32) : zi);
        __m512bh b3 = (__m512bh)(nv > 3 ? _mm512_maskz_loadu_epi32(m3, row + 48) : zi);
/* Row by row, each broadcast used at once: six broadcasts held together made gcc spill
 * accumulators to the stack inside this loop (as in sgemm_avx512.c's bc kernel). */
#define ROW_DOT(i)                                                                                 \
    if (i < mr) {                                                                                  \
        __m512bh ai = (__m512bh)_mm512_set1_epi32((int)a[i * lda + p]);                           \
        c##i##0 = _mm512_dpbf16_ps(c##i##0, ai, b0);                                               \
        if (nv > 1) c##i##1 = _mm512_dpbf16_ps(c##i##1, ai, b1);                                   \
        if (nv > 2) c##i##2 = _mm512_dpbf16_ps(c##i##2, ai, b2);                                   \
        if (nv > 3) c##i##3 = _mm512_dpbf16_ps(c##i##3, ai, b3);                                   \
    }
        ROWS(ROW_DOT)
    }
#define STORE(i, v)                                                                                \
    if (i < mr && v < nv) _mm512_mask_storeu_ps(c + i * ldc + 16 * v, m##v, c##i##v);
    TILE(STORE)
}

void bf16_gemm(size_t m, size_t kp, const uint32_t *a, size_t lda, const uint32_t *b, float *c,
               size_t ldc, size_t j0, size_t j1) {
    const size_t ldb = BF16_PANEL; /* a tile never crosses a panel's edge */
    for (size_t j = j0, next; j < j1; j = next) {
        next = (j / BF16_PANEL + 1) * BF16_PANEL;
        if (next > j1) next = j1;
        size_t cols = next - j;
        int nv = (int)((cols + 15) / 16);
        __mmask16 last = (__mmask16)(cols % 16 ? (1u << (cols % 16)) - 1 : 0xffff);
        for (size_t i = 0; i < m; i += BF16_ROWS) {
            int mr = m - i < BF16_ROWS ? (int)(m - i) : BF16_ROWS;
            const uint32_t *ai = a + i * lda, *bj = b + bf16_b_index(kp, 0, j);
            float *cij = c + i * ldc + j;
#define CASE(R, V)                                                                                 \
    case R * 8 + V:                                                                                \
        tile(R, V, last, kp, ai, lda, bj, ldb, cij, ldc);                                          \
        break;
#define CASES(R) CASE(R, 1) CASE(R, 2) CASE(R, 3) CASE(R, 4)
            switch (mr * 8 + nv) {
                CASES(1)
                CASES(2)
                CASES(3)
                CASES(4)
                CASES(5)
                CASES(6)
            default:
                break;
            }
        }
    }
}

#else /* PORTABLE=1, not x86-64, or a compiler without -mavx512bf16: stubs, never called */

bool bf16_avx512_built(void) {
    return false;
}

void bf16_pack_rows(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst) {
    (void)rows, (void)cols, (void)src, (void)ld, (void)dst;
}

void bf16_pack_row_pairs(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst,
                         size_t kp, size_t p0) {
    (void)rows, (void)cols, (void)src, (void)ld, (void)dst, (void)kp, (void)p0;
}

void bf16_pack_rows_transposed(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst,
                               size_t j_first) {
    (void)rows, (void)cols, (void)src, (void)ld, (void)dst, (void)j_first;
}

void bf16_pack_row_pairs_transposed(size_t rows, size_t cols, const float *src, size_t ld,
                                    uint32_t *dst) {
    (void)rows, (void)cols, (void)src, (void)ld, (void)dst;
}

void bf16_gemm(size_t m, size_t kp, const uint32_t *a, size_t lda, const uint32_t *b, float *c,
               size_t ldc, size_t j0, size_t j1) {
    (void)m, (void)kp, (void)a, (void)lda, (void)b, (void)c, (void)ldc, (void)j0, (void)j1;
}

#endif
