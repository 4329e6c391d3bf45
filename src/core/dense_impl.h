/* A dense layer z = x W^T (+ b, added with the activation) for one real type (template, see
 * activation_impl.h). GEMM is cblas_sgemm or cblas_dgemm; transposes are BLAS flags, never
 * copies. Shapes: x [n, in], W [out, in] (PyTorch's nn.Linear), z and delta [n, out]. */

/* z = x W^T. */
static void K(dense_linear)(const REAL *x, size_t n, size_t in, size_t out, const REAL *w,
                            REAL *z) {
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)out, (int)in, (REAL)1, x, (int)in, w,
         (int)in, (REAL)0, z, (int)out);
}

/* Given delta = dL/dz: dL/dW = delta^T x, dL/db = sum over rows of delta, and (delta_in not NULL)
 * dL/dx = delta W, the next layer down's delta before its activation derivative. */
static void K(dense_backward)(const REAL *x, size_t n, size_t in, size_t out, const REAL *w,
                              const REAL *delta, REAL *grad_w, REAL *restrict grad_b,
                              REAL *delta_in) {
    GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n, (REAL)1, delta,
         (int)out, x, (int)in, (REAL)0, grad_w, (int)in);
    /* Rows in order: a fixed summation order, so results do not depend on threads. */
    for (size_t j = 0; j < out; j++)
        grad_b[j] = 0;
    for (size_t r = 0; r < n; r++) {
        const REAL *restrict row = delta + r * out;
        for (size_t j = 0; j < out; j++)
            grad_b[j] += row[j];
    }
    if (delta_in)
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out, (REAL)1, delta,
             (int)out, w, (int)in, (REAL)0, delta_in, (int)in);
}
