/* AVX-512 kernels for the dense layers' products (see sgemm.h), on a column range [j0, j1) of C
 * so threads can share one product. Callable only when sgemm_avx512_supported(). */
#ifndef MLP_CORE_SGEMM_AVX512_H
#define MLP_CORE_SGEMM_AVX512_H

#include <stdbool.h>
#include <stddef.h>

/* The nt kernel's tile: columns and rows (a range that is not a multiple is finished by a smaller
 * tile, with the same sums). */
#define SGEMM_AVX512_NT_COLUMNS 6
#define SGEMM_AVX512_NT_ROWS 4
/* From this many rows of A on, bc copies the blocks of B it reads into a contiguous buffer. */
#define SGEMM_AVX512_PACK_MIN_ROWS 24

bool sgemm_avx512_supported(void);

/* C[i][j] = sum_k A[i lda + k] B[j ldb + k]: both operands read along k (x W^T). */
void sgemm_avx512_nt(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                     float *c, size_t ldc, size_t j0, size_t j1);

/* C[i][j] = sum_k A[i a_row + k a_col] B[k ldb + j]: A element broadcast, B read along j. With
 * (a_row, a_col) = (lda, 1) this is A B; with (1, lda) it is A^T B. */
void sgemm_avx512_bc(size_t m, size_t k, const float *a, size_t a_row, size_t a_col, const float *b,
                     size_t ldb, float *c, size_t ldc, size_t j0, size_t j1);

/* C[i][j] = sum_k A[i lda + k] B[j ldb + k] (x W^T, as nt) by the bc kernel: blocks of B^T's
 * 64-column strips are transposed into a buffer first, which pays over many rows of A. */
void sgemm_avx512_bt(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                     float *c, size_t ldc, size_t j0, size_t j1);

#endif
