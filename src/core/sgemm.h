/* The float products of the dense layers, C = op(A) op(B) (row-major, no scaling, C overwritten):
 *   forward          z  = x W^T       (A not transposed, B transposed)
 *   weight gradient  dW = delta^T x   (A transposed, B not)
 *   input gradient   dx = delta W     (neither)
 * On a CPU with AVX-512 the engine's own kernels compute them (sgemm_avx512.c), the output columns
 * split over the pool's threads; elsewhere, and for other cases, cblas_sgemm. Every output
 * element is summed in the same order whatever the thread count or the column split, so results
 * do not depend on the threads. */
#ifndef MLP_CORE_SGEMM_H
#define MLP_CORE_SGEMM_H

#include "core/parallel.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* op(A) is [m, k] (A stored [k, m] when trans_a), op(B) is [k, n] (B stored [n, k] when trans_b),
 * C is [m, n]; lda, ldb, ldc are the row strides as stored. pool may be NULL (one thread). */
void core_sgemm(parallel_pool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                const float *a, size_t lda, const float *b, size_t ldb, float *c, size_t ldc);

/* Called with each block of rows [begin, end) of a product once it is written. */
typedef void (*core_rows_done)(void *arg, size_t begin, size_t end);

/* Called with each block of a product's C, rows [i0, i1) by columns [j0, j1), once it is written,
 * on the thread that wrote it, before the product returns; the blocks cover C once, and either
 * all are whole rows (j0 = 0, j1 = n) or all are whole columns (i0 = 0, i1 = m). An
 * element-wise pass over C (a layer's bias and activation) done there finds the block in that
 * thread's cache, and runs on all threads, where a pass after the product would read the other
 * threads' blocks back from their caches on one. */
typedef void (*core_block_done)(void *arg, size_t i0, size_t i1, size_t j0, size_t j1);

/* C = A^T B (A stored [k, m]), the values core_sgemm(trans_a) gives, cut by rows of C: each block
 * of rows, once written, is handed to done(done_arg, begin, end) (done may be NULL) on the thread
 * that wrote it. With C the gradient of a layer's weights W, the blocks are the rows of W each
 * thread multiplied in the forward product of core_gemm_train_forward where it is cut by W's rows,
 * so they are still in its cache. */
void core_sgemm_tn_rows(parallel_pool *pool, size_t m, size_t n, size_t k, const float *a,
                        size_t lda, const float *b, size_t ldb, float *c, size_t ldc,
                        core_rows_done done, void *done_arg);

/* The products in bf16 (bf16_avx512.h): operands rounded to bfloat16 (round to nearest even),
 * products exact, sums in float32. Pack buffers for products up to a size, 32-bit words each:
 * a: m ceil(k/2), b: ceil(k/2) n. NULL (in the network's workspace): the products stay float32. */
typedef struct {
    uint32_t *a, *b;
} core_bf16_buffers;

/* Whether this CPU and build can do the bf16 products: AVX-512 F/VL/BW/DQ and AVX512_BF16, and a
 * build with the kernels (not PORTABLE=1). When not, *missing (may be NULL) says what lacks, e.g.
 * "this CPU lacks AVX512_BF16". */
bool core_bf16_supported(const char **missing);

/* The words of buffers a and b a product of m x n outputs over k needs. */
size_t core_bf16_words_a(size_t m, size_t k);
size_t core_bf16_words_b(size_t n, size_t k);

/* core_sgemm and core_sgemm_tn_rows with the products in bf16 when bf16 is not NULL (then
 * core_bf16_supported() must hold and the buffers be large enough); float32 otherwise. */
void core_gemm(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a, bool trans_b,
               size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
               float *c, size_t ldc);
/* core_gemm, each block of C handed to then(then_arg, ...) once written (then may be NULL). */
void core_gemm_then(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a, bool trans_b,
                    size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b,
                    size_t ldb, float *c, size_t ldc, core_block_done then, void *then_arg);
void core_gemm_tn_rows(parallel_pool *pool, const core_bf16_buffers *bf16, size_t m, size_t n,
                       size_t k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
                       size_t ldc, core_rows_done done, void *done_arg);

/* z = x W^T, core_gemm_then(pool, bf16, false, true, ...) for the forward product of a training
 * step: cut by the rows of W, in the blocks core_gemm_tn_rows hands to done, wherever W has at
 * least as many rows as x (n >= m), so that the thread that updates a block of W's rows is the one
 * that read them. core_gemm cuts a forward product of 256 samples or more by samples (inference),
 * which reads x once but has every thread read all of W; in a training step each update then
 * pulls its rows' cache lines back from the other cores. The cut, and so the kernel and its
 * order of summation, follow from the shapes alone: the same bits on any thread count. */
void core_gemm_train_forward(parallel_pool *pool, const core_bf16_buffers *bf16, size_t m, size_t n,
                             size_t k, const float *x, size_t ldx, const float *w, size_t ldw,
                             float *z, size_t ldz, core_block_done then, void *then_arg);

/* Whether core_sgemm uses the AVX-512 kernels on this CPU. */
bool core_sgemm_uses_avx512(void);

/* Sets OpenBLAS's thread count (one per process) to `threads` before a network's pass that may
 * call it (cblas_sgemm here, cblas_dgemm in the gradient check), when it differs. */
void core_blas_threads(size_t threads);

#endif
