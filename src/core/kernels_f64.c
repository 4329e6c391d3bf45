/* The double instantiation of the network math: the same formulas as the engine, for the
 * finite-difference gradient check. */
#include "core/kernels.h"

#include "util/error.h"

#include <cblas.h>
#include <stdlib.h>
#include <tgmath.h>

/* C = op(A) op(B) through cblas_dgemm, in the signature of core_gemm (thread pool and bf16
 * buffers unused: the gradient check stays in double). */
static void dgemm(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a, bool trans_b,
                  size_t m, size_t n, size_t k, const double *a, size_t lda, const double *b,
                  size_t ldb, double *c, size_t ldc) {
    (void)pool, (void)bf16;
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0, a, (int)lda, b,
                (int)ldb, 0.0, c, (int)ldc);
}

/* dgemm, then all of C handed to then (may be NULL), as core_gemm_then does. */
static void dgemm_then(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a,
                       bool trans_b, size_t m, size_t n, size_t k, const double *a, size_t lda,
                       const double *b, size_t ldb, double *c, size_t ldc, core_block_done then,
                       void *then_arg) {
    dgemm(pool, bf16, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
    if (then) then(then_arg, 0, m, 0, n);
}

/* C = A^T B through cblas_dgemm, then all rows handed to done, as core_sgemm_tn_rows does. */
static void dgemm_tn_rows(parallel_pool *pool, const core_bf16_buffers *bf16, size_t m, size_t n,
                          size_t k, const double *a, size_t lda, const double *b, size_t ldb,
                          double *c, size_t ldc, core_rows_done done, void *done_arg) {
    dgemm(pool, bf16, true, false, m, n, k, a, lda, b, ldb, c, ldc);
    if (done) done(done_arg, 0, m);
}

/* The double products leave the floating-point mode as it is. */
static unsigned dgemm_mode_enter(void) {
    return 0;
}

static void dgemm_mode_leave(unsigned mode) {
    (void)mode;
}

/* z = x W^T through dgemm: the double pass has no threads to cut the product for. */
static void dgemm_train_forward(parallel_pool *pool, const core_bf16_buffers *bf16, size_t m,
                                size_t n, size_t k, const double *x, size_t ldx, const double *w,
                                size_t ldw, double *z, size_t ldz, core_block_done then,
                                void *then_arg) {
    dgemm_then(pool, bf16, false, true, m, n, k, x, ldx, w, ldw, z, ldz, then, then_arg);
}

#define REAL double
#define K(name) name##_f64
#define GEMM dgemm
#define GEMM_THEN dgemm_then
#define GEMM_TN_ROWS dgemm_tn_rows
#define GEMM_TRAIN_FORWARD dgemm_train_forward
#define PRODUCT_MODE_ENTER dgemm_mode_enter
#define PRODUCT_MODE_LEAVE dgemm_mode_leave
#include "core/kernels_impl.h"
