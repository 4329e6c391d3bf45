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

/* The kernel's row block and column vector (a thread's column range should start at a multiple
 * of BF16_COLUMNS, its row range at a multiple of BF16_ROWS). */
#define BF16_ROWS 6
#define BF16_COLUMNS 16

/* Whether this build has the kernels (false in PORTABLE=1 builds and off x86-64). */
bool bf16_avx512_built(void);

/* dst[r kp + p] = the pair (src[r ld + 2p], src[r ld + 2p + 1]) for r < rows, p < kp =
 * ceil(cols / 2), the missing second value of an odd cols zero: rows packed along their columns. */
void bf16_pack_rows(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst);

/* dst[p cols + j] = the pair (src[2p ld + j], src[(2p + 1) ld + j]) for p < ceil(rows / 2),
 * j < cols, the missing row of an odd rows zero: pairs of rows interleaved. */
void bf16_pack_row_pairs(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst);

/* bf16_pack_rows, transposed: dst[p ldd + r] = the pair (src[r ld + 2p], src[r ld + 2p + 1])
 * (ldd >= rows: a block of rows of a wider pack). */
void bf16_pack_rows_transposed(size_t rows, size_t cols, const float *src, size_t ld, uint32_t *dst,
                               size_t ldd);

/* bf16_pack_row_pairs, transposed: dst[j kp + p] = the pair (src[2p ld + j], src[(2p + 1) ld + j]),
 * kp = ceil(rows / 2). */
void bf16_pack_row_pairs_transposed(size_t rows, size_t cols, const float *src, size_t ld,
                                    uint32_t *dst);

/* C[i ldc + j] = sum over p < kp of a[i lda + p] . b[p ldb + j] (each a pair of bf16, the dot of
 * two pairs two products), for i < m and j0 <= j < j1; every output summed over p in order, so the
 * result does not depend on the split. */
void bf16_gemm(size_t m, size_t kp, const uint32_t *a, size_t lda, const uint32_t *b, size_t ldb,
               float *c, size_t ldc, size_t j0, size_t j1);

#endif
