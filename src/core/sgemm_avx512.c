/* AVX-512 kernels for the dense layers' products (sgemm_avx512.h). Compiled for AVX-512 through
 * function attributes, so the rest of the library stays portable; sgemm.c calls them only when
 * the CPU has AVX-512 (F, VL, DQ, BW).
 *
 * - nt: C = A B^T with both operands read along k, 16 lanes at a time, in tiles of 4 rows of A by
 *   6 rows of B (24 accumulators); each accumulator's 16 partial sums are then added by a fixed
 *   tree (nt_store4), four outputs at once. No packing: x and W are read where they lie.
 * - bc: C = op(A) B, one A element broadcast against 64 columns of a row of B, in tiles of 6 rows
 *   by 64 columns (24 accumulators), each output summed over k in order; k in blocks of 128, each
 *   block of B's 64-column strip copied into a contiguous buffer (L1-sized) first.
 * - bt: C = A B^T by bc, each block of B^T's strip transposed out of B's rows into that buffer.
 * Every output element is computed by the same sequence of operations whichever tile holds it, so
 * the result does not depend on how the columns are split between threads. */
#include "core/sgemm_avx512.h"

#if defined(__x86_64__) && !defined(MLP_PORTABLE)

#include <immintrin.h>
#include <stdint.h>

#include "core/avx512_transpose.h"

#define TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma")))
#define INLINE static inline __attribute__((always_inline))

bool sgemm_avx512_supported(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}

/* The sums of the 16 lanes of a, b, c and d, stored as out[0..n-1] (n <= 4): 256-bit halves
 * added, then 128-bit blocks, then pairs within a block, then pairs of lanes. */
TARGET INLINE void nt_store4(__m512 a, __m512 b, __m512 c, __m512 d, int n, float *out) {
    __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44), _mm512_shuffle_f32x4(a, b, 0xEE));
    __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(c, d, 0x44), _mm512_shuffle_f32x4(c, d, 0xEE));
    __m512 s =
        _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, 0x88), _mm512_shuffle_f32x4(ab, cd, 0xDD));
    s = _mm512_add_ps(s, _mm512_permute_ps(s, 0x4E));
    s = _mm512_add_ps(s, _mm512_permute_ps(s, 0xB1));
    __m128 r = _mm512_castps512_ps128(_mm512_maskz_compress_ps(0x1111, s));
    _mm_mask_storeu_ps(out, (__mmask8)((1u << n) - 1), r);
}

/* One tile of mr (<= 4) rows of A by nr (<= 6) rows of B; constant mr and nr unroll it all. */
TARGET INLINE void nt_tile(const int mr, const int nr, size_t k, const float *a, size_t lda,
                           const float *b, size_t ldb, float *c, size_t ldc) {
    __m512 acc[4][6];
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++)
            acc[i][j] = _mm512_setzero_ps();
    size_t p = 0;
    for (; p + 16 <= k; p += 16) {
        __m512 x[4];
        for (int i = 0; i < mr; i++)
            x[i] = _mm512_loadu_ps(a + i * lda + p);
        for (int j = 0; j < nr; j++) {
            __m512 w = _mm512_loadu_ps(b + j * ldb + p);
            for (int i = 0; i < mr; i++)
                acc[i][j] = _mm512_fmadd_ps(x[i], w, acc[i][j]);
        }
    }
    if (p < k) { /* the last k % 16 values, the other lanes zero */
        __mmask16 m = (__mmask16)((1u << (k - p)) - 1);
        __m512 x[4];
        for (int i = 0; i < mr; i++)
            x[i] = _mm512_maskz_loadu_ps(m, a + i * lda + p);
        for (int j = 0; j < nr; j++) {
            __m512 w = _mm512_maskz_loadu_ps(m, b + j * ldb + p);
            for (int i = 0; i < mr; i++)
                acc[i][j] = _mm512_fmadd_ps(x[i], w, acc[i][j]);
        }
    }
    const __m512 zero = _mm512_setzero_ps();
    for (int i = 0; i < mr; i++) {
        nt_store4(acc[i][0], nr > 1 ? acc[i][1] : zero, nr > 2 ? acc[i][2] : zero,
                  nr > 3 ? acc[i][3] : zero, nr < 4 ? nr : 4, c + i * ldc);
        if (nr > 4)
            nt_store4(acc[i][4], nr > 5 ? acc[i][5] : zero, zero, zero, nr - 4, c + i * ldc + 4);
    }
}

/* Columns [j0, j1) for every row of A: one block of B, read from L2 once per 4 rows of A. */
TARGET static void nt_block(size_t m, size_t k, const float *a, size_t lda, const float *b,
                            size_t ldb, float *c, size_t ldc, size_t j0, size_t j1) {
    for (size_t i = 0; i < m; i += SGEMM_AVX512_NT_ROWS) {
        int mr = m - i < SGEMM_AVX512_NT_ROWS ? (int)(m - i) : SGEMM_AVX512_NT_ROWS;
        for (size_t j = j0; j < j1; j += SGEMM_AVX512_NT_COLUMNS) {
            int nr = j1 - j < SGEMM_AVX512_NT_COLUMNS ? (int)(j1 - j) : SGEMM_AVX512_NT_COLUMNS;
            const float *ai = a + i * lda, *bj = b + j * ldb;
            float *cij = c + i * ldc + j;
#define NT_CASE(R, S)                                                                              \
    case R * 8 + S:                                                                                \
        nt_tile(R, S, k, ai, lda, bj, ldb, cij, ldc);                                              \
        break;
#define NT_CASES(R)                                                                                \
    NT_CASE(R, 1) NT_CASE(R, 2) NT_CASE(R, 3) NT_CASE(R, 4) NT_CASE(R, 5) NT_CASE(R, 6)
            switch (mr * 8 + nr) {
                NT_CASES(1)
                NT_CASES(2)
                NT_CASES(3)
                NT_CASES(4)
            default:
                break;
            }
        }
    }
}

/* The bytes of B one block of nt's columns may take: the block is read once per 4 rows of A, so it
 * should stay in a core's L2 (1-2 MB on current x86 cores) with room for A's rows and C. */
#define NT_BLOCK_BYTES (768 * 1024)

TARGET void sgemm_avx512_nt(size_t m, size_t k, const float *a, size_t lda, const float *b,
                            size_t ldb, float *c, size_t ldc, size_t j0, size_t j1) {
    size_t block = NT_BLOCK_BYTES / (sizeof(float) * (k ? k : 1));
    block -= block % SGEMM_AVX512_NT_COLUMNS;
    if (block < SGEMM_AVX512_NT_COLUMNS) block = SGEMM_AVX512_NT_COLUMNS;
    for (size_t jb = j0; jb < j1; jb += block) {
        size_t jb1 = j1 - jb < block ? j1 : jb + block;
        nt_block(m, k, a, lda, b, ldb, c, ldc, jb, jb1);
    }
}

/* The 24 accumulators of a bc tile as named variables c<row><vector>: gcc keeps an array of them
 * in memory, storing it on every iteration. */
#define BC_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define BC_TILE(X)                                                                                 \
    X(0, 0)                                                                                        \
    X(0, 1)                                                                                        \
    X(0, 2)                                                                                        \
    X(0, 3)                                                                                        \
    X(1, 0)                                                                                        \
    X(1, 1) X(1, 2) X(1, 3) X(2, 0) X(2, 1) X(2, 2) X(2, 3) X(3, 0) X(3, 1) X(3, 2) X(3, 3)        \
        X(4, 0) X(4, 1) X(4, 2) X(4, 3) X(5, 0) X(5, 1) X(5, 2) X(5, 3)

/* One tile of mr (<= 6) rows by nv (<= 4) vectors of 16 columns, the last one masked by `last`;
 * `more`: the sums continue from those already in C (an earlier block of k), else start at 0. */
TARGET INLINE void bc_tile(const int mr, const int nv, __mmask16 last, bool more, size_t k,
                           const float *a, size_t a_row, size_t a_col, const float *b, size_t ldb,
                           float *c, size_t ldc) {
    const __m512 zero = _mm512_setzero_ps();
    const __mmask16 m0 = nv == 1 ? last : 0xffff, m1 = nv == 2 ? last : 0xffff,
                    m2 = nv == 3 ? last : 0xffff, m3 = nv == 4 ? last : 0xffff;
#define BC_DECLARE(i, v)                                                                           \
    __m512 c##i##v =                                                                               \
        more && i < mr && v < nv ? _mm512_maskz_loadu_ps(m##v, c + i * ldc + 16 * v) : zero;
    BC_TILE(BC_DECLARE)
    for (size_t p = 0; p < k; p++) {
        const float *row = b + p * ldb;
        __m512 b0 = _mm512_maskz_loadu_ps(m0, row);
        __m512 b1 = nv > 1 ? _mm512_maskz_loadu_ps(m1, row + 16) : zero;
        __m512 b2 = nv > 2 ? _mm512_maskz_loadu_ps(m2, row + 32) : zero;
        __m512 b3 = nv > 3 ? _mm512_maskz_loadu_ps(m3, row + 48) : zero;
/* Row by row, each broadcast used at once: 24 accumulators, 4 rows of B and one broadcast fit the
 * 32 registers, where six broadcasts held at once made gcc spill accumulators to the stack. */
#define BC_ROW(i)                                                                                  \
    if (i < mr) {                                                                                  \
        __m512 ai = _mm512_set1_ps(a[i * a_row + p * a_col]);                                     \
        c##i##0 = _mm512_fmadd_ps(ai, b0, c##i##0);                                                \
        if (nv > 1) c##i##1 = _mm512_fmadd_ps(ai, b1, c##i##1);                                    \
        if (nv > 2) c##i##2 = _mm512_fmadd_ps(ai, b2, c##i##2);                                    \
        if (nv > 3) c##i##3 = _mm512_fmadd_ps(ai, b3, c##i##3);                                    \
    }
        BC_ROWS(BC_ROW)
    }
#define BC_STORE(i, v)                                                                             \
    if (i < mr && v < nv) _mm512_mask_storeu_ps(c + i * ldc + 16 * v, m##v, c##i##v);
    BC_TILE(BC_STORE)
}

#define BC_ROWS_PER_TILE 6
#define BC_TILE_COLUMNS 64
/* A 64-column strip of B is read once per 6 rows of A. Over all of k it outgrows L1 and can
 * outgrow L2, or fit in L2 only in part where B's rows are a power of two apart (W of a 1024-wide
 * layer: 4 KB, so its lines fall into few of L2's sets), so k is taken in blocks of this many: a
 * block of the strip, 32 KB, stays in L1 (48 KB on this machine's cores). Storing a float sum and
 * loading it again is exact, so the result is the same as in one pass. */
#define BC_K_BLOCK 128

/* From SGEMM_AVX512_PACK_MIN_ROWS rows of A on, a block of the strip is first copied into a
 * contiguous buffer: read from B's rows where they lie, a block whose rows are a power of two
 * apart (256 or 1024 floats: a layer's width) maps onto few cache sets and does not stay in L1. */

/* dst[p 64 + j] = src[p ld + j] for p < rows, j < cols (the rest of each row of dst unset). */
TARGET static void bc_pack_strip(size_t rows, size_t cols, const float *src, size_t ld,
                                 float *dst) {
    __mmask16 m[4];
    for (int v = 0; v < 4; v++) {
        size_t lo = 16 * (size_t)v;
        m[v] = (__mmask16)(cols >= lo + 16 ? 0xffff : cols > lo ? (1u << (cols - lo)) - 1 : 0);
    }
    for (size_t p = 0; p < rows; p++)
        for (int v = 0; v < 4; v++)
            _mm512_store_ps(dst + p * BC_TILE_COLUMNS + 16 * v,
                            _mm512_maskz_loadu_ps(m[v], src + p * ld + 16 * v));
}

/* dst[p 64 + j] = src[j ld + p] for p < rows, j < cols: a block of B^T's strip out of B's rows,
 * transposed 16 x 16 at a time in registers (the rest of each row of dst zero). */
TARGET static void bc_pack_strip_transposed(size_t rows, size_t cols, const float *src, size_t ld,
                                            float *dst) {
    for (size_t j0 = 0; j0 < BC_TILE_COLUMNS; j0 += 16)
        for (size_t p0 = 0; p0 < rows; p0 += 16) {
            __mmask16 along = (__mmask16)(rows - p0 >= 16 ? 0xffff : (1u << (rows - p0)) - 1);
            __m512i r[16];
            for (size_t jj = 0; jj < 16; jj++)
                r[jj] = j0 + jj < cols ? _mm512_maskz_loadu_epi32(along, src + (j0 + jj) * ld + p0)
                                       : _mm512_setzero_si512();
            transpose16(r);
            for (size_t pp = 0; pp < 16 && p0 + pp < rows; pp++)
                _mm512_store_si512(dst + (p0 + pp) * BC_TILE_COLUMNS + j0, r[pp]);
        }
}

/* C = op(A) B (transposed_b false, B stored [k, n]) or op(A) B^T (true, B stored [n, k], whose
 * strip blocks are always packed). */
TARGET static void bc_product(size_t m, size_t k, const float *a, size_t a_row, size_t a_col,
                              const float *b, size_t ldb, bool transposed_b, float *c, size_t ldc,
                              size_t j0, size_t j1) {
    _Alignas(64) float packed[BC_K_BLOCK * BC_TILE_COLUMNS]; /* 32 KB */
    for (size_t j = j0; j < j1; j += BC_TILE_COLUMNS) {
        size_t cols = j1 - j < BC_TILE_COLUMNS ? j1 - j : BC_TILE_COLUMNS;
        int nv = (int)((cols + 15) / 16);
        __mmask16 last = (__mmask16)(cols % 16 ? (1u << (cols % 16)) - 1 : 0xffff);
        for (size_t p = 0; p < k || p == 0; p += BC_K_BLOCK) {
            size_t kb = k - p < BC_K_BLOCK ? k - p : BC_K_BLOCK;
            bool more = p > 0;
            const float *strip = b + p * ldb + j;
            size_t ld_strip = ldb;
            if (transposed_b) {
                bc_pack_strip_transposed(kb, cols, b + j * ldb + p, ldb, packed);
                strip = packed;
                ld_strip = BC_TILE_COLUMNS;
            } else if (m >= SGEMM_AVX512_PACK_MIN_ROWS) {
                bc_pack_strip(kb, cols, strip, ldb, packed);
                strip = packed;
                ld_strip = BC_TILE_COLUMNS;
            }
            for (size_t i = 0; i < m; i += BC_ROWS_PER_TILE) {
                int mr = m - i < BC_ROWS_PER_TILE ? (int)(m - i) : BC_ROWS_PER_TILE;
                const float *ai = a + i * a_row + p * a_col;
                float *cij = c + i * ldc + j;
#define BC_CASE(R, V)                                                                              \
    case R * 8 + V:                                                                                \
        bc_tile(R, V, last, more, kb, ai, a_row, a_col, strip, ld_strip, cij, ldc);                \
        break;
#define BC_CASES(R) BC_CASE(R, 1) BC_CASE(R, 2) BC_CASE(R, 3) BC_CASE(R, 4)
                switch (mr * 8 + nv) {
                    BC_CASES(1)
                    BC_CASES(2)
                    BC_CASES(3)
                    BC_CASES(4)
                    BC_CASES(5)
                    BC_CASES(6)
                default:
                    break;
                }
            }
        }
    }
}

TARGET void sgemm_avx512_bc(size_t m, size_t k, const float *a, size_t a_row, size_t a_col,
                            const float *b, size_t ldb, float *c, size_t ldc, size_t j0,
                            size_t j1) {
    bc_product(m, k, a, a_row, a_col, b, ldb, false, c, ldc, j0, j1);
}

TARGET void sgemm_avx512_bt(size_t m, size_t k, const float *a, size_t lda, const float *b,
                            size_t ldb, float *c, size_t ldc, size_t j0, size_t j1) {
    bc_product(m, k, a, lda, 1, b, ldb, true, c, ldc, j0, j1);
}

#else /* not x86-64, or built PORTABLE=1: no AVX-512 kernels; sgemm.c uses cblas_sgemm */

bool sgemm_avx512_supported(void) {
    return false;
}

void sgemm_avx512_nt(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                     float *c, size_t ldc, size_t j0, size_t j1) {
    (void)m, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)c, (void)ldc, (void)j0,
        (void)j1;
}

void sgemm_avx512_bc(size_t m, size_t k, const float *a, size_t a_row, size_t a_col, const float *b,
                     size_t ldb, float *c, size_t ldc, size_t j0, size_t j1) {
    (void)m, (void)k, (void)a, (void)a_row, (void)a_col, (void)b, (void)ldb, (void)c, (void)ldc,
        (void)j0, (void)j1;
}

void sgemm_avx512_bt(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                     float *c, size_t ldc, size_t j0, size_t j1) {
    (void)m, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)c, (void)ldc, (void)j0,
        (void)j1;
}

#endif
