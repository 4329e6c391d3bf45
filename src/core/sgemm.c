#include "core/sgemm.h"

#include "core/sgemm_avx512.h"

#include <cblas.h>

/* Below this many multiply-adds a product runs on one thread: waking a worker costs more. */
#define PARALLEL_MIN_MULTIPLY_ADDS 500000
/* Chunks per thread: enough that a late or descheduled thread leaves little for the others. */
#define CHUNKS_PER_THREAD 4

typedef struct {
    bool trans_a, trans_b;
    size_t m, n, k;
    const float *a, *b;
    size_t lda, ldb, ldc;
    float *c;
} product;

/* The kernels' column block: chunks are cut at multiples of it. */
static size_t column_unit(const product *p) {
    return p->trans_b ? SGEMM_AVX512_NT_COLUMNS : SGEMM_AVX512_BC_COLUMNS;
}

/* Chunk `part` of `parts` of the output columns. */
static void product_part(void *arg, size_t part, size_t parts) {
    const product *p = arg;
    size_t unit = column_unit(p), units = (p->n + unit - 1) / unit;
    size_t j0 = units * part / parts * unit, j1 = units * (part + 1) / parts * unit;
    if (j1 > p->n) j1 = p->n;
    if (j0 >= j1) return;
    if (p->trans_b)
        sgemm_avx512_nt(p->m, p->k, p->a, p->lda, p->b, p->ldb, p->c, p->ldc, j0, j1);
    else if (p->trans_a)
        sgemm_avx512_bc(p->m, p->k, p->a, 1, p->lda, p->b, p->ldb, p->c, p->ldc, j0, j1);
    else
        sgemm_avx512_bc(p->m, p->k, p->a, p->lda, 1, p->b, p->ldb, p->c, p->ldc, j0, j1);
}

bool core_sgemm_uses_avx512(void) {
    return sgemm_avx512_supported();
}

void core_sgemm(parallel_pool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                const float *a, size_t lda, const float *b, size_t ldb, float *c, size_t ldc) {
    if (m == 0 || n == 0) return;
    if (!sgemm_avx512_supported() || (trans_a && trans_b)) {
        cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                    trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f, a, (int)lda,
                    b, (int)ldb, 0.0f, c, (int)ldc);
        return;
    }
    product p = {trans_a, trans_b, m, n, k, a, b, lda, ldb, ldc, c};
    size_t units = (n + column_unit(&p) - 1) / column_unit(&p);
    size_t chunks = CHUNKS_PER_THREAD * parallel_pool_threads(pool);
    if (chunks > units) chunks = units;
    if (m * n * k < PARALLEL_MIN_MULTIPLY_ADDS)
        product_part(&p, 0, 1);
    else
        parallel_run(pool, product_part, &p, chunks);
}
