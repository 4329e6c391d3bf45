/* A dense layer z = x W^T (+ b, added with the activation) for one real type (template, see
 * activation_impl.h). GEMM(pool, bf16, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc) computes
 * C = op(A) op(B) (core/sgemm.h for float, in bf16 when bf16 is not NULL; cblas_dgemm for double);
 * transposes are flags, never copies. GEMM_TN_ROWS(pool, bf16, m, n, k, a, lda, b, ldb, c, ldc,
 * done, done_arg) computes C = A^T B and hands C's rows to done as they are written
 * (core_gemm_tn_rows). Shapes: x [n, in], W [out,
 * in] (PyTorch's nn.Linear), z and delta [n, out]. */

/* z = x W^T; in training cut over the threads as the weight gradient's rows are
 * (GEMM_TRAIN_FORWARD). Each block of z, once written, goes to then(then_arg, ...) (may be NULL)
 * on the thread that wrote it. */
static void K(dense_linear)(parallel_pool *pool, const core_bf16_buffers *bf16, bool training,
                            const REAL *x, size_t n, size_t in, size_t out, const REAL *w, REAL *z,
                            core_block_done then, void *then_arg) {
    if (training)
        GEMM_TRAIN_FORWARD(pool, bf16, n, out, in, x, in, w, in, z, out, then, then_arg);
    else
        GEMM_THEN(pool, bf16, false, true, n, out, in, x, in, w, in, z, out, then, then_arg);
}

/* Given delta = dL/dz: first (delta_in not NULL) dL/dx = delta W, the next layer down's delta
 * before its activation derivative (each block of it, once written, handed to then(then_arg, ...)
 * on the thread that wrote it; then may be NULL), while W is still the weights of the forward
 * pass; then dL/db = sum over rows of delta and dL/dW = delta^T x, in blocks of rows, each
 * handed once written to done(done_arg, begin, end) (done may be NULL), which may then change W's
 * rows and biases [begin, end): a training step updates them there, still in cache. */
static void K(dense_backward)(parallel_pool *pool, const core_bf16_buffers *bf16, const REAL *x,
                              size_t n, size_t in, size_t out, const REAL *w, const REAL *delta,
                              REAL *grad_w, REAL *restrict grad_b, REAL *delta_in,
                              core_block_done then, void *then_arg, core_rows_done done,
                              void *done_arg) {
    if (delta_in)
        GEMM_THEN(pool, bf16, false, false, n, in, out, delta, out, w, in, delta_in, in, then,
                  then_arg);
    /* Rows in order: a fixed summation order, so results do not depend on threads. */
    for (size_t j = 0; j < out; j++)
        grad_b[j] = 0;
    for (size_t r = 0; r < n; r++) {
        const REAL *restrict row = delta + r * out;
        for (size_t j = 0; j < out; j++)
            grad_b[j] += row[j];
    }
    GEMM_TN_ROWS(pool, bf16, out, in, n, delta, out, x, in, grad_w, in, done, done_arg);
}
