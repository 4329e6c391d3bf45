#include "core/sgemm.h"

#include "core/bf16_avx512.h"
#include "core/fp_mode.h"
#include "core/sgemm_avx512.h"

#include <cblas-openblas.h>

/* Below this many multiply-adds a product runs on one thread: waking a worker costs more. */
#define PARALLEL_MIN_MULTIPLY_ADDS 500000
/* From this many rows on, a forward product is cut by rows (product_rows_part). */
#define ROW_SPLIT_MIN_ROWS 256
/* A product cut by its output columns, or a weight gradient by W's rows (the same blocks), is cut
 * at multiples of this many: 16 floats, one 64-byte cache line. The arrays being line-aligned
 * (mlp_calloc_lines), the threads' blocks of a layer's outputs then share no line, which at the
 * kernels' own blocks (6 columns) moved between the cores at every row. A kernel tile that a cut
 * shortens computes the same sums. */
#define CUT_UNIT 16

/* The unit `count` outputs are cut in for `parts` chunks: CUT_UNIT, or where that would leave a
 * chunk without a block (narrow layers on many threads), the kernel's own `tile`. Either way
 * each output gets the same sum; from `parts` alone, so a chunk finds the unit its task was
 * dispatched with (cut_chunks). */
static size_t cut_unit(size_t count, size_t parts, size_t tile) {
    return count >= CUT_UNIT * parts ? CUT_UNIT : tile;
}

/* [*i0, *i1): chunk `part` of `parts` of `count` items cut at multiples of `unit`. */
static void chunk_range(size_t count, size_t unit, size_t part, size_t parts, size_t *i0,
                        size_t *i1) {
    size_t units = (count + unit - 1) / unit;
    *i0 = units * part / parts * unit;
    *i1 = units * (part + 1) / parts * unit;
    if (*i1 > count) *i1 = count;
    if (*i0 > *i1) *i0 = *i1;
}

typedef struct {
    bool trans_a, trans_b;
    size_t m, n, k;
    const float *a, *b;
    size_t lda, ldb, ldc;
    float *c;
    bool by_samples; /* a forward product cut by the rows of A (product_rows_part) */
    core_block_done then;
    void *then_arg;
} product;

/* Hands C's block [i0, i1) x [j0, j1), once written, to then (when set). */
static void hand_on(core_block_done then, void *then_arg, size_t i0, size_t i1, size_t j0,
                    size_t j1) {
    if (then) then(then_arg, i0, i1, j0, j1);
}

/* Whether C = A B^T goes through the bt kernel (else nt): where the product is cut by rows
 * (inference, big batches), so that transposing B's blocks is repaid over many rows. Below, in
 * training steps at batch 50 and 128, bt was no faster than nt (bench/mlp_bench, 2 threads). */
static bool uses_bt(const product *p) {
    return p->by_samples;
}

/* Chunk `part` of `parts` of the output rows, in blocks of the nt kernel's tile height: for a
 * forward product with many rows (inference, big batches), whose x is then larger than a core's
 * cache. Cut by columns, each thread would stream all of x once per chunk; cut by rows, once. */
static void product_rows_part(void *arg, size_t part, size_t parts) {
    const product *p = arg;
    size_t i0, i1;
    chunk_range(p->m, SGEMM_AVX512_NT_ROWS, part, parts, &i0, &i1);
    if (i0 == i1) return;
    if (uses_bt(p)) /* decided for the whole product: a chunk's rows must not change the sums */
        sgemm_avx512_bt(i1 - i0, p->k, p->a + i0 * p->lda, p->lda, p->b, p->ldb, p->c + i0 * p->ldc,
                        p->ldc, 0, p->n);
    else
        sgemm_avx512_nt(i1 - i0, p->k, p->a + i0 * p->lda, p->lda, p->b, p->ldb, p->c + i0 * p->ldc,
                        p->ldc, 0, p->n);
    hand_on(p->then, p->then_arg, i0, i1, 0, p->n);
}

/* The kernel's column tile (cut_unit). */
static size_t column_tile(const product *p) {
    return p->trans_b && !uses_bt(p) ? SGEMM_AVX512_NT_COLUMNS : CUT_UNIT;
}

/* Chunk `part` of `parts` of the output columns. */
static void product_part(void *arg, size_t part, size_t parts) {
    const product *p = arg;
    size_t j0, j1;
    chunk_range(p->n, cut_unit(p->n, parts, column_tile(p)), part, parts, &j0, &j1);
    if (j0 == j1) return;
    if (uses_bt(p))
        sgemm_avx512_bt(p->m, p->k, p->a, p->lda, p->b, p->ldb, p->c, p->ldc, j0, j1);
    else if (p->trans_b)
        sgemm_avx512_nt(p->m, p->k, p->a, p->lda, p->b, p->ldb, p->c, p->ldc, j0, j1);
    else if (p->trans_a)
        sgemm_avx512_bc(p->m, p->k, p->a, 1, p->lda, p->b, p->ldb, p->c, p->ldc, j0, j1);
    else
        sgemm_avx512_bc(p->m, p->k, p->a, p->lda, 1, p->b, p->ldb, p->c, p->ldc, j0, j1);
    hand_on(p->then, p->then_arg, 0, p->m, j0, j1);
}

bool core_sgemm_uses_avx512(void) {
    return sgemm_avx512_supported();
}

void core_blas_threads(size_t threads) {
    if (threads >= 1 && (size_t)openblas_get_num_threads() != threads)
        openblas_set_num_threads((int)threads);
}

/* A product is cut into one chunk per thread, not PARALLEL_CHUNKS_PER_THREAD: every chunk streams
 * the operand all threads share (x, or W when cut by samples) once more, so four chunks per thread
 * read it four times. 784-200-10 on 2 threads, 4 rounds alternated (bench/mlp_bench): batch 128
 * +8-11 % samples/s, 784-200-100-10 at batch 100 +7-11 %, batch 50 +4-14 %. A worker that sleeps
 * or is descheduled before claiming its chunk still has it taken by the caller (parallel.h). */
#define PRODUCT_CHUNKS_PER_THREAD 1

/* The number of chunks for `units` blocks of work: PRODUCT_CHUNKS_PER_THREAD per thread, at most
 * one per block. */
static size_t chunk_count(const parallel_pool *pool, size_t units) {
    size_t chunks = PRODUCT_CHUNKS_PER_THREAD * parallel_pool_threads(pool);
    if (chunks > PARALLEL_MAX_CHUNKS) chunks = PARALLEL_MAX_CHUNKS;
    return chunks < units ? chunks : units;
}

/* The number of chunks for `count` outputs cut in cut_unit's blocks. */
static size_t cut_chunks(const parallel_pool *pool, size_t count, size_t tile) {
    size_t unit = cut_unit(count, chunk_count(pool, SIZE_MAX), tile);
    return chunk_count(pool, (count + unit - 1) / unit);
}

/* by_samples_allowed: a forward product of ROW_SPLIT_MIN_ROWS rows or more is cut by them. */
static void core_sgemm_run(parallel_pool *pool, bool trans_a, bool trans_b, size_t m, size_t n,
                           size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                           float *c, size_t ldc, bool by_samples_allowed, core_block_done then,
                           void *then_arg) {
    if (m == 0 || n == 0) return;
    if (!sgemm_avx512_supported() || (trans_a && trans_b)) {
        cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                    trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f, a, (int)lda,
                    b, (int)ldb, 0.0f, c, (int)ldc);
        hand_on(then, then_arg, 0, m, 0, n);
        return;
    }
    bool by_samples = by_samples_allowed && trans_b && m >= ROW_SPLIT_MIN_ROWS;
    product p = {trans_a, trans_b, m, n, k, a, b, lda, ldb, ldc, c, by_samples, then, then_arg};
    if (m * n * k < PARALLEL_MIN_MULTIPLY_ADDS)
        product_part(&p, 0, 1);
    else if (by_samples)
        parallel_run(pool, product_rows_part, &p,
                     chunk_count(pool, (m + SGEMM_AVX512_NT_ROWS - 1) / SGEMM_AVX512_NT_ROWS));
    else
        parallel_run(pool, product_part, &p, cut_chunks(pool, n, column_tile(&p)));
}

void core_sgemm(parallel_pool *pool, bool trans_a, bool trans_b, size_t m, size_t n, size_t k,
                const float *a, size_t lda, const float *b, size_t ldb, float *c, size_t ldc) {
    unsigned mode = core_denormals_off();
    core_sgemm_run(pool, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, true, NULL, NULL);
    core_denormals_restore(mode);
}

typedef struct {
    product p;
    core_rows_done done;
    void *done_arg;
} row_product;

/* Chunk `part` of `parts` of the output rows, in cut_unit's blocks: the blocks the forward
 * product z = x W^T cuts W's rows into (at batches under ROW_SPLIT_MIN_ROWS), so with W's
 * gradient as C each thread computes, and hands to `done`, the rows of W it multiplied in the
 * forward pass. */
static void row_product_part(void *arg, size_t part, size_t parts) {
    const row_product *r = arg;
    const product *p = &r->p;
    size_t i0, i1;
    chunk_range(p->m, cut_unit(p->m, parts, SGEMM_AVX512_NT_COLUMNS), part, parts, &i0, &i1);
    if (i0 == i1) return;
    sgemm_avx512_bc(i1 - i0, p->k, p->a + i0, 1, p->lda, p->b, p->ldb, p->c + i0 * p->ldc, p->ldc,
                    0, p->n);
    if (r->done) r->done(r->done_arg, i0, i1);
}

static void core_sgemm_tn_rows_run(parallel_pool *pool, size_t m, size_t n, size_t k,
                                   const float *a, size_t lda, const float *b, size_t ldb, float *c,
                                   size_t ldc, core_rows_done done, void *done_arg) {
    if (m == 0) return;
    if (!sgemm_avx512_supported() || n == 0) {
        core_sgemm(pool, true, false, m, n, k, a, lda, b, ldb, c, ldc);
        if (done) done(done_arg, 0, m);
        return;
    }
    row_product r = {
        {true, false, m, n, k, a, b, lda, ldb, ldc, c, false, NULL, NULL}, done, done_arg};
    size_t chunks = cut_chunks(pool, m, SGEMM_AVX512_NT_COLUMNS);
    if (m * n * k < PARALLEL_MIN_MULTIPLY_ADDS)
        row_product_part(&r, 0, 1);
    else
        parallel_run(pool, row_product_part, &r, chunks);
}

void core_sgemm_tn_rows(parallel_pool *pool, size_t m, size_t n, size_t k, const float *a,
                        size_t lda, const float *b, size_t ldb, float *c, size_t ldc,
                        core_rows_done done, void *done_arg) {
    unsigned mode = core_denormals_off();
    core_sgemm_tn_rows_run(pool, m, n, k, a, lda, b, ldb, c, ldc, done, done_arg);
    core_denormals_restore(mode);
}

/* ---- bf16 products (bf16_avx512.h) ---- */

bool core_bf16_supported(const char **missing) {
    const char *lack = NULL;
    if (!bf16_avx512_built())
        lack = "this build has no bf16 kernels (built PORTABLE=1, or not for x86-64)";
    else if (!sgemm_avx512_supported())
        lack = "this CPU lacks AVX-512 (F, VL, BW, DQ)";
    else if (!__builtin_cpu_supports("avx512bf16"))
        lack = "this CPU lacks AVX512_BF16";
    if (missing) *missing = lack;
    return lack == NULL;
}

size_t core_bf16_words_a(size_t m, size_t k) {
    return m * ((k + 1) / 2);
}

size_t core_bf16_words_b(size_t n, size_t k) {
    return bf16_b_words((k + 1) / 2, n);
}

typedef struct {
    size_t m, n, kp;
    const uint32_t *a, *b;
    float *c;
    size_t ldc;
    core_rows_done done;
    void *done_arg;
    core_block_done then;
    void *then_arg;
} bf16_product;

/* Chunk `part` of `parts` of the output columns, in cut_unit's blocks. */
static void bf16_columns_part(void *arg, size_t part, size_t parts) {
    const bf16_product *p = arg;
    size_t j0, j1;
    chunk_range(p->n, cut_unit(p->n, parts, BF16_COLUMNS), part, parts, &j0, &j1);
    if (j0 >= j1) return;
    bf16_gemm(p->m, p->kp, p->a, p->kp, p->b, p->c, p->ldc, j0, j1);
    hand_on(p->then, p->then_arg, 0, p->m, j0, j1);
}

/* Rows of C handed to done at a time when B's pack fits in this many bytes: the kernel then
 * multiplies a few row tiles by all of B, read from L2 again for each block, and done (a training
 * step's optimizer update) finds the block's gradient rows still in L1 and L2 instead of reading a
 * whole chunk's back from L3. */
#define BF16_DONE_ROWS (4 * BF16_ROWS)
#define BF16_DONE_B_BYTES (256 * 1024)

/* Chunk `part` of `parts` of the output rows, in cut_unit's blocks, handed to done when written
 * (the blocks of W's rows the forward product cuts).
 * Each output is one tile's sum over all of k, so cutting the rows further changes no value. */
static void bf16_rows_part(void *arg, size_t part, size_t parts) {
    const bf16_product *p = arg;
    size_t i0, i1;
    chunk_range(p->m, cut_unit(p->m, parts, BF16_ROWS), part, parts, &i0, &i1);
    size_t block = i1 - i0;
    if (p->done && bf16_b_words(p->kp, p->n) * sizeof(uint32_t) <= BF16_DONE_B_BYTES)
        block = BF16_DONE_ROWS;
    for (size_t r0 = i0, r1; r0 < i1; r0 = r1) {
        r1 = i1 - r0 < block ? i1 : r0 + block;
        bf16_gemm(r1 - r0, p->kp, p->a + r0 * p->kp, p->kp, p->b, p->c + r0 * p->ldc, p->ldc, 0,
                  p->n);
        if (p->done) p->done(p->done_arg, r0, r1);
        hand_on(p->then, p->then_arg, r0, r1, 0, p->n);
    }
}

/* What bf16_pack_part packs: op(A) as [m, kp] rows of pairs along k into bf16->a, op(B) as
 * [kp, n] pairs of k rows, in panels of BF16_PANEL columns (bf16_b_index), into bf16->b
 * (kp = ceil(k/2)). */
typedef struct {
    const core_bf16_buffers *bf16;
    bool trans_a, trans_b;
    size_t m, n, k;
    const float *a, *b;
    size_t lda, ldb;
} bf16_packing;

/* Chunk `part` of `parts` of both packs; each pack is cut where its output rows are independent
 * (A's rows, or B's pairs of k), at the 16-wide blocks the transposing packs work in. B stored
 * [n, k] (W in a forward product) is cut by its rows instead, so each thread packs about the rows
 * of W it updates in the training step: cut along k, every thread would read every row of W, and
 * each update would then take its rows' cache lines back from the other cores (at batch 50 on 2
 * threads that was a third of the step). */
static void bf16_pack_part(void *arg, size_t part, size_t parts) {
    const bf16_packing *q = arg;
    size_t kp = (q->k + 1) / 2, i0, i1, p0, p1;
    if (q->trans_a) { /* A stored [k, m]: cut its columns, the rows of op(A) */
        chunk_range(q->m, 16, part, parts, &i0, &i1);
        if (i0 < i1)
            bf16_pack_row_pairs_transposed(q->k, i1 - i0, q->a + i0, q->lda, q->bf16->a + i0 * kp);
    } else {
        chunk_range(q->m, 1, part, parts, &i0, &i1);
        if (i0 < i1)
            bf16_pack_rows(i1 - i0, q->k, q->a + i0 * q->lda, q->lda, q->bf16->a + i0 * kp);
    }
    if (q->trans_b) { /* B stored [n, k]: cut its rows, op(B)'s columns */
        chunk_range(q->n, 16, part, parts, &i0, &i1);
        if (i0 < i1)
            bf16_pack_rows_transposed(i1 - i0, q->k, q->b + i0 * q->ldb, q->ldb, q->bf16->b, i0);
        return;
    }
    chunk_range(kp, 1, part, parts, &p0, &p1);
    if (p0 >= p1) return;
    size_t k0 = 2 * p0, k1 = 2 * p1 < q->k ? 2 * p1 : q->k;
    bf16_pack_row_pairs(k1 - k0, q->n, q->b + k0 * q->ldb, q->ldb, q->bf16->b, kp, p0);
}

/* Packs both operands, on the pool's threads for products worth waking them, and returns the
 * product of the packed operands into c. */
static bf16_product bf16_pack(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a,
                              bool trans_b, size_t m, size_t n, size_t k, const float *a,
                              size_t lda, const float *b, size_t ldb, float *c, size_t ldc) {
    bf16_packing q = {bf16, trans_a, trans_b, m, n, k, a, b, lda, ldb};
    size_t b_units = trans_b ? n : (k + 1) / 2, longer = m > b_units ? m : b_units;
    if (m * n * k < PARALLEL_MIN_MULTIPLY_ADDS)
        bf16_pack_part(&q, 0, 1);
    else
        parallel_run(pool, bf16_pack_part, &q, chunk_count(pool, (longer + 15) / 16));
    return (bf16_product){m, n, (k + 1) / 2, bf16->a, bf16->b, c, ldc, NULL, NULL, NULL, NULL};
}

static void core_gemm_run(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a,
                          bool trans_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                          const float *b, size_t ldb, float *c, size_t ldc, bool by_samples_allowed,
                          core_block_done then, void *then_arg) {
    if (!bf16 || (trans_a && trans_b)) {
        core_sgemm_run(pool, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, by_samples_allowed,
                       then, then_arg);
        return;
    }
    if (m == 0 || n == 0) return;
    bf16_product p = bf16_pack(pool, bf16, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
    p.then = then;
    p.then_arg = then_arg;
    if (m * n * k < PARALLEL_MIN_MULTIPLY_ADDS)
        bf16_columns_part(&p, 0, 1);
    else if (by_samples_allowed && m >= ROW_SPLIT_MIN_ROWS)
        parallel_run(pool, bf16_rows_part, &p, cut_chunks(pool, m, BF16_ROWS));
    else
        parallel_run(pool, bf16_columns_part, &p, cut_chunks(pool, n, BF16_COLUMNS));
}

void core_gemm(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a, bool trans_b,
               size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
               float *c, size_t ldc) {
    core_gemm_then(pool, bf16, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, NULL, NULL);
}

void core_gemm_then(parallel_pool *pool, const core_bf16_buffers *bf16, bool trans_a, bool trans_b,
                    size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b,
                    size_t ldb, float *c, size_t ldc, core_block_done then, void *then_arg) {
    unsigned mode = core_denormals_off();
    core_gemm_run(pool, bf16, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, true, then,
                  then_arg);
    core_denormals_restore(mode);
}

void core_gemm_train_forward(parallel_pool *pool, const core_bf16_buffers *bf16, size_t m, size_t n,
                             size_t k, const float *x, size_t ldx, const float *w, size_t ldw,
                             float *z, size_t ldz, core_block_done then, void *then_arg) {
    unsigned mode = core_denormals_off();
    /* Whichever cut, one operand is read whole by every thread: x (m k) when cut by W's rows, W
     * (n k) when cut by samples, and then moved back to its rows' owners by the update. Share the
     * smaller. (784-1024-1024-10 at batch 256 on 2 threads: by W's rows, about 8 % more samples/s
     * in 13 rounds; 784-200-10 at batch 1000: by samples, 0-10 % more.) */
    core_gemm_run(pool, bf16, false, true, m, n, k, x, ldx, w, ldw, z, ldz, m > n, then, then_arg);
    core_denormals_restore(mode);
}

static void core_gemm_tn_rows_run(parallel_pool *pool, const core_bf16_buffers *bf16, size_t m,
                                  size_t n, size_t k, const float *a, size_t lda, const float *b,
                                  size_t ldb, float *c, size_t ldc, core_rows_done done,
                                  void *done_arg) {
    if (!bf16 || m == 0 || n == 0) {
        core_sgemm_tn_rows(pool, m, n, k, a, lda, b, ldb, c, ldc, done, done_arg);
        return;
    }
    bf16_product p = bf16_pack(pool, bf16, true, false, m, n, k, a, lda, b, ldb, c, ldc);
    p.done = done;
    p.done_arg = done_arg;
    if (m * n * k < PARALLEL_MIN_MULTIPLY_ADDS)
        bf16_rows_part(&p, 0, 1);
    else
        parallel_run(pool, bf16_rows_part, &p, cut_chunks(pool, m, BF16_ROWS));
}

void core_gemm_tn_rows(parallel_pool *pool, const core_bf16_buffers *bf16, size_t m, size_t n,
                       size_t k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
                       size_t ldc, core_rows_done done, void *done_arg) {
    unsigned mode = core_denormals_off();
    core_gemm_tn_rows_run(pool, bf16, m, n, k, a, lda, b, ldb, c, ldc, done, done_arg);
    core_denormals_restore(mode);
}
