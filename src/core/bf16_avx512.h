/* AVX512_BF16 kernels for the dense layers' products in bf16 (sgemm.h, core_bf16_gemm): operands
 * rounded to bfloat16 (round to nearest even) and packed in pairs along the sum's index k, each
 * pair one 32-bit word, then C = A B by vdpbf16ps (two bf16 products added to a float32 sum per
 * lane: the products of two bf16 values are exact in float32, so only the float32 sums round).
 * Compiled with -mavx512bf16 in its own file (the rest of the library stays portable); callable
 * only when bf16_avx512_supported(), which sgemm.c checks (CPUID) without these flags. A PORTABLE=1
 * build compiles stubs. */
#ifndef MLP_CORE_BF16_AVX512_H
#define MLP_CORE_BF16_AVX512_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's row block and column vector (a thread's column range should start at a multiple of
 * BF16_COLUMNS; a row range that is not a multiple of BF16_ROWS is finished by a smaller tile). */
#define BF16_ROWS 6
#define BF16_COLUMNS 16

/* B's packs are stored in panels of BF16_PANEL columns, each panel's kp rows of pairs contiguous:
 * the pair (p, j) of a [kp, n] pack at bf16_b_index(kp, p, j), and a pack takes
 * ceil(n / BF16_PANEL) BF16_PANEL kp words. A kernel tile then streams one contiguous panel
 * (BF16_PANEL kp words: 128 KB at k = 1024, inside L2) instead of kp rows n words apart, which at
 * n = 1024 lie 4 KB apart and share a few cache sets. */
#define BF16_PANEL 64

static inline size_t bf16_b_index(size_t kp, size_t p, size_t j) {
    return j / BF16_PANEL * BF16_PANEL * kp + p * BF16_PANEL + j % BF16_PANEL;
}

/* The words of a [kp, n] pack: n rounded up to whole panels. */
static inline size_t bf16_b_words(size_t kp, size_t n) {
    return bf16_b_index(kp, 0, (n + BF16_PANEL - 1) / BF16_PANEL * BF16_PANEL);
}

/* Whether this build has the kernels (false in PORTABLE=1 builds and off x86-64). */
bool bf16_avx512_built(void);

/* dst[r kp + p] = the pair (src[r ld + 2p], src[r ld + 2p + 1]) for r < rows, p < kp =
 * ceil(cols / 2), the missing second value of an odd cols zero: rows packed along their columns. */
void bf16_pack_rows(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst);

/* dst[bf16_b_index(kp, p0 + p, j)] = the pair (src[2p ld + j], src[(2p + 1) ld + j]) for
 * p < ceil(rows / 2), j < cols, the missing row of an odd rows zero: pairs of rows interleaved,
 * rows 2 p0 onwards of a [2 kp, cols] matrix into its panel-stored B pack. */
void bf16_pack_row_pairs(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst,
                         size_t kp, size_t p0);

/* bf16_pack_rows, transposed: dst[bf16_b_index(kp, p, j_first + r)] = the pair (src[r ld + 2p],
 * src[r ld + 2p + 1]), kp = ceil(cols / 2): rows j_first onwards (a multiple of 16) of W [n, cols]
 * into the panel-stored B pack of W^T. */
void bf16_pack_rows_transposed(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst,
                               size_t j_first);

/* bf16_pack_row_pairs, transposed: dst[j kp + p] = the pair (src[2p ld + j], src[(2p + 1) ld + j]),
 * kp = ceil(rows / 2). */
void bf16_pack_row_pairs_transposed(size_t rows, size_t cols, const float *src, size_t ld,
                                    uint32_t *dst);

/* C[i ldc + j] = sum over p < kp of a[i lda + p] . b[bf16_b_index(kp, p, j)] (each a pair of bf16,
 * the dot of two pairs two products), for i < m and j0 <= j < j1 (j0 a multiple of 16); every
 * output summed over p in order, so the result does not depend on the split. */
void bf16_gemm(size_t m, size_t kp, const uint32_t *a, size_t lda, const uint32_t *b, float *c,
               size_t ldc, size_t j0, size_t j1);

#endif
