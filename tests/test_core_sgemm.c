/* The dense layers' products (core/sgemm.h) against a plain double-precision reference, for every
 * tile shape and tail the kernels have, and the same bits whatever the thread count; the worker
 * pool (core/parallel.h) runs every chunk exactly once. */
#include "core/parallel.h"
#include "core/sgemm.h"
#include "harness.h"
#include "support/blocks_seen.h"
#include "support/rows_seen.h"

#include <cblas.h>
#include <stdatomic.h>
#include <stdint.h>

static float *random_matrix(size_t count, uint32_t seed) {
    float *m = malloc((count ? count : 1) * sizeof *m);
    uint32_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < count; i++) {
        s = s * 1664525u + 1013904223u;
        m[i] = (float)(s >> 8) / (float)(1u << 24) - 0.5f;
    }
    return m;
}

/* C = op(A) op(B) in double, for the stored layouts core_sgemm documents. */
static void reference(bool ta, bool tb, size_t m, size_t n, size_t k, const float *a, size_t lda,
                      const float *b, size_t ldb, double *c) {
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t p = 0; p < k; p++)
                s += (double)(ta ? a[p * lda + i] : a[i * lda + p]) *
                     (double)(tb ? b[j * ldb + p] : b[p * ldb + j]);
            c[i * n + j] = s;
        }
}

/* One product: core_sgemm (core_gemm_train_forward when `train`, for ta false and tb true) with
 * no pool, 2 and 3 threads, all equal bit for bit and close to the reference (|error| <= 1e-5 * k,
 * the values being in [-0.5, 0.5]). lda/ldb exceed the widths to catch stride mix-ups. The same
 * product through core_gemm_then (core_gemm_train_forward with a callback) hands every element of
 * C on exactly once, after it holds that value. */
static void check_any_product(bool train, bool ta, bool tb, size_t m, size_t n, size_t k,
                              parallel_pool **pools) {
    size_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
    size_t lda = a_cols + 3, ldb = b_cols + 5;
    float *a = random_matrix(a_rows * lda, (uint32_t)(m * 31 + k));
    float *b = random_matrix(b_rows * ldb, (uint32_t)(n * 17 + k));
    double *want = malloc((m * n + 1) * sizeof *want);
    float *got[3];
    reference(ta, tb, m, n, k, a, lda, b, ldb, want);
    for (int t = 0; t < 3; t++) {
        got[t] = random_matrix(m * n, 99); /* garbage that must be overwritten */
        if (train)
            core_gemm_train_forward(t ? pools[t - 1] : NULL, NULL, m, n, k, a, lda, b, ldb, got[t],
                                    n, NULL, NULL);
        else
            core_sgemm(t ? pools[t - 1] : NULL, ta, tb, m, n, k, a, lda, b, ldb, got[t], n);
    }
    int handed_once = 0;
    float *again = random_matrix(m * n, 98);
    for (int t = 0; t < 3; t++) {
        blocks_seen seen;
        CHECK(blocks_seen_init(&seen, again, got[0], m, n));
        if (train)
            core_gemm_train_forward(t ? pools[t - 1] : NULL, NULL, m, n, k, a, lda, b, ldb, again,
                                    n, blocks_seen_note, &seen);
        else
            core_gemm_then(t ? pools[t - 1] : NULL, NULL, ta, tb, m, n, k, a, lda, b, ldb, again, n,
                           blocks_seen_note, &seen);
        handed_once += blocks_seen_each_once(&seen);
        blocks_seen_free(&seen);
    }
    free(again);
    double worst = 0;
    for (size_t i = 0; i < m * n; i++)
        worst = fmax(worst, fabs((double)got[0][i] - want[i]));
    bool same = memcmp(got[0], got[1], m * n * sizeof(float)) == 0 &&
                memcmp(got[0], got[2], m * n * sizeof(float)) == 0;
    free(a);
    free(b);
    free(want);
    for (int t = 0; t < 3; t++)
        free(got[t]);
    CHECK_MSG(worst <= 1e-5 * (double)(k + 1), "ta %d tb %d m %zu n %zu k %zu: error %g", ta, tb, m,
              n, k, worst);
    CHECK_MSG(same, "ta %d tb %d m %zu n %zu k %zu: threads change the result", ta, tb, m, n, k);
    CHECK_MSG(handed_once == 3, "ta %d tb %d m %zu n %zu k %zu: C handed on not once per element",
              ta, tb, m, n, k);
}

static void check_product(bool ta, bool tb, size_t m, size_t n, size_t k, parallel_pool **pools) {
    check_any_product(false, ta, tb, m, n, k, pools);
}

static void check_all_shapes(bool ta, bool tb) {
    parallel_pool *pools[2] = {NULL, NULL};
    CHECK(parallel_pool_new(&pools[0], 2, NULL) == MLP_OK);
    CHECK(parallel_pool_new(&pools[1], 3, NULL) == MLP_OK);
    static const size_t ms[] = {1, 2, 3, 4, 5, 6, 7, 11, 13, 50};
    static const size_t ns[] = {1, 5, 6, 7, 15, 16, 17, 33, 63, 64, 65, 100, 200};
    static const size_t ks[] = {0, 1, 7, 15, 16, 17, 31, 50};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        for (size_t j = 0; j < sizeof ns / sizeof *ns; j++)
            for (size_t p = 0; p < sizeof ks / sizeof *ks; p++)
                check_product(ta, tb, ms[i], ns[j], ks[p], pools);
    /* The network's own shapes: 784-200-10 at batch 50 and 128 (large enough to be split). */
    check_product(ta, tb, 50, 200, 784, pools);
    check_product(ta, tb, 128, 784, 200, pools);
    check_product(ta, tb, 200, 784, 128, pools);
    /* Many rows: a forward product is then cut by rows (a tail of one row here). */
    check_product(ta, tb, 1000, 200, 784, pools);
    check_product(ta, tb, 257, 10, 200, pools);
    parallel_pool_free(pools[0]);
    parallel_pool_free(pools[1]);
}

static void test_forward_product(void) {
    check_all_shapes(false, true);
}
static void test_weight_gradient_product(void) {
    check_all_shapes(true, false);
}
static void test_input_gradient_product(void) {
    check_all_shapes(false, false);
}
static void test_both_transposed_product(void) {
    check_all_shapes(true, true);
}

/* The forward product of a training step: cut by W's rows where W has at least as many rows as
 * x (256 x 1024 here, and a square one), by samples otherwise (1000 x 200), below the threaded
 * size on one thread; the same bits on any thread count either way. W's rows are cut in blocks of
 * 16, or of the kernel's 6 where 16 would leave a thread without a block (40 rows on 3 threads, 30
 * on 2 and 3). */
static void test_train_forward_product(void) {
    parallel_pool *pools[2] = {NULL, NULL};
    CHECK(parallel_pool_new(&pools[0], 2, NULL) == MLP_OK);
    CHECK(parallel_pool_new(&pools[1], 3, NULL) == MLP_OK);
    static const size_t shapes[][3] = {
        {1, 1, 1},        {7, 65, 17},    {50, 200, 784}, {256, 1024, 100}, {300, 300, 64},
        {1000, 200, 784}, {257, 10, 200}, {301, 303, 33}, {40, 40, 784},    {100, 30, 300}};
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        check_any_product(true, false, true, shapes[i][0], shapes[i][1], shapes[i][2], pools);
    parallel_pool_free(pools[0]);
    parallel_pool_free(pools[1]);
}

static void count_chunk(void *arg, size_t chunk, size_t chunks) {
    atomic_int *counts = arg;
    if (chunks == 7) atomic_fetch_add(&counts[chunk], 1);
}

static void test_pool_runs_every_chunk_once(void) {
    parallel_pool *pool = NULL;
    CHECK(parallel_pool_new(&pool, 3, NULL) == MLP_OK);
    CHECK(parallel_pool_threads(pool) == 3);
    atomic_int counts[7] = {0};
    for (int r = 0; r < 2000; r++)
        parallel_run(pool, count_chunk, counts, 7);
    parallel_pool_free(pool);
    for (int c = 0; c < 7; c++)
        CHECK_MSG(atomic_load(&counts[c]) == 2000, "chunk %d", c);
    atomic_int alone[7] = {0};
    parallel_run(NULL, count_chunk, alone, 7);
    for (int c = 0; c < 7; c++)
        CHECK(atomic_load(&alone[c]) == 1);
    mlp_error err;
    CHECK(parallel_pool_new(&pool, 0, &err) == MLP_ERR_ARGUMENT && pool == NULL);
}

/* A worker stuck in one of its own chunks: the caller takes the worker's unclaimed ones. Chunk 2
 * (the worker's, of 4 on 2 threads) waits for chunk 3 (also the worker's), so the task ends only
 * if the caller steals chunk 3, or, when the caller was first to chunk 2, the worker runs 3. */
typedef struct {
    atomic_int done[4];
} stalled_task;

static void stall_chunk(void *arg, size_t chunk, size_t chunks) {
    stalled_task *t = arg;
    if (chunks != 4) return;
    if (chunk == 2)
        while (!atomic_load(&t->done[3]))
            ;
    atomic_fetch_add(&t->done[chunk], 1);
}

static void test_pool_caller_takes_what_a_stalled_worker_left(void) {
    parallel_pool *pool = NULL;
    CHECK(parallel_pool_new(&pool, 2, NULL) == MLP_OK);
    for (int r = 0; r < 200; r++) {
        stalled_task t = {{0}};
        parallel_run(pool, stall_chunk, &t, 4);
        for (int c = 0; c < 4; c++)
            CHECK_MSG(atomic_load(&t.done[c]) == 1, "round %d chunk %d", r, c);
    }
    parallel_pool_free(pool);
}

/* More chunks than the pool takes: lowered to PARALLEL_MAX_CHUNKS, each run once. */
static void count_lowered_chunk(void *arg, size_t chunk, size_t chunks) {
    atomic_int *counts = arg;
    if (chunks == PARALLEL_MAX_CHUNKS) atomic_fetch_add(&counts[chunk], 1);
}

static void test_pool_lowers_chunk_count(void) {
    parallel_pool *pool = NULL;
    CHECK(parallel_pool_new(&pool, 2, NULL) == MLP_OK);
    atomic_int counts[PARALLEL_MAX_CHUNKS] = {0};
    for (int r = 0; r < 500; r++)
        parallel_run(pool, count_lowered_chunk, counts, PARALLEL_MAX_CHUNKS + 9);
    parallel_pool_free(pool);
    for (int c = 0; c < PARALLEL_MAX_CHUNKS; c++)
        CHECK_MSG(atomic_load(&counts[c]) == 500, "chunk %d", c);
}

/* What core_sgemm_tn_rows hands on: every row exactly once, after it is written. */
static void test_row_blocks_product(void) {
    enum { M = 200, N = 784, K = 50 };
    parallel_pool *pool = NULL;
    CHECK(parallel_pool_new(&pool, 2, NULL) == MLP_OK);
    float *a = random_matrix(K * M, 3), *b = random_matrix(K * N, 4);
    float *want = malloc(M * N * sizeof *want), *got = malloc(M * N * sizeof *got);
    core_sgemm(NULL, true, false, M, N, K, a, M, b, N, want, N);
    for (int threads = 1; threads <= 2; threads++) {
        static rows_seen seen;
        rows_seen_reset(&seen, got, want, N);
        memset(got, 0xff, M * N * sizeof *got);
        core_sgemm_tn_rows(threads == 2 ? pool : NULL, M, N, K, a, M, b, N, got, N, rows_seen_note,
                           &seen);
        CHECK(memcmp(got, want, M * N * sizeof *got) == 0);
        for (int i = 0; i < M; i++)
            CHECK_MSG(atomic_load(&seen.rows[i]) == 1, "row %d handed on %d times", i,
                      atomic_load(&seen.rows[i]));
        CHECK(atomic_load(&seen.early) == 0);
    }
    free(a);
    free(b);
    free(want);
    free(got);
    parallel_pool_free(pool);
}

/* Ten SGD steps of a 784-200-100-`classes` network at batch `n` (<= 300) from one seed, the
 * network at `threads` threads; the parameters afterwards, and the ten steps' losses in losses[].
 * At batch 300 the products with more samples than outputs are cut by samples, and the layers'
 * passes after them run on row blocks; at 64 on column blocks, and with 100 classes the output
 * layer's pass runs after its product, which is threaded but cut by columns. */
static float *train_a_little(size_t threads, size_t n, size_t classes, size_t *count,
                             double losses[10]) {
    mlp_net_spec spec;
    size_t hidden[2] = {200, 100};
    mlp_net *net = NULL;
    mlp_rng rng;
    mlp_rng_seed(&rng, 7, 1);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM};
    if (mlp_net_spec_default(&spec, 784, hidden, 2, classes, MLP_ACT_RELU, NULL) != MLP_OK)
        return NULL;
    spec.threads = threads;
    if (mlp_net_new(&net, &spec, NULL) != MLP_OK || mlp_net_init(net, &init, &rng, NULL) != MLP_OK)
        return NULL;
    float *x = random_matrix(n * 784, 5);
    int32_t labels[300];
    for (size_t i = 0; i < n; i++)
        labels[i] = (int32_t)(i % 10);
    mlp_batch batch = {.x = x, .labels = labels, .n = n};
    *count = mlp_net_num_params(net);
    float *params = mlp_net_params(net);
    for (int step = 0; step < 10; step++) {
        mlp_batch_result result = {0};
        mlp_net_gradient(net, &batch, NULL, &result, NULL);
        losses[step] = result.loss;
        const float *grads = mlp_net_grads(net);
        for (size_t i = 0; i < *count; i++)
            params[i] -= 0.1f * grads[i];
    }
    float *copy = malloc(*count * sizeof *copy);
    memcpy(copy, params, *count * sizeof *copy);
    free(x);
    mlp_net_free(net);
    return copy;
}

static void test_training_same_bits_with_one_or_two_threads(void) {
    if (!core_sgemm_uses_avx512())
        SKIP("cblas_sgemm does the products: bit-identical only for the same thread count");
    static const size_t runs[][2] = {{64, 10}, {300, 10}, {64, 100}}; /* batch, classes */
    for (size_t r = 0; r < 3; r++) {
        size_t count = 0, n = runs[r][0], classes = runs[r][1];
        double loss_one[10], loss_two[10];
        float *one = train_a_little(1, n, classes, &count, loss_one);
        float *two = train_a_little(2, n, classes, &count, loss_two);
        bool same = one && two && memcmp(one, two, count * sizeof(float)) == 0;
        free(one);
        free(two);
        CHECK_MSG(same, "batch %zu, %zu classes: the parameters differ", n, classes);
        CHECK_MSG(memcmp(loss_one, loss_two, sizeof loss_one) == 0,
                  "batch %zu, %zu classes: the losses differ", n, classes);
    }
}

static void test_reports_kernel_choice(void) {
    if (!core_sgemm_uses_avx512()) SKIP("no AVX-512 on this CPU: the products use cblas_sgemm");
    CHECK(core_sgemm_uses_avx512());
}

int main(void) {
    RUN_TEST(test_forward_product);
    RUN_TEST(test_weight_gradient_product);
    RUN_TEST(test_input_gradient_product);
    RUN_TEST(test_both_transposed_product);
    RUN_TEST(test_train_forward_product);
    RUN_TEST(test_pool_runs_every_chunk_once);
    RUN_TEST(test_pool_caller_takes_what_a_stalled_worker_left);
    RUN_TEST(test_pool_lowers_chunk_count);
    RUN_TEST(test_row_blocks_product);
    RUN_TEST(test_training_same_bits_with_one_or_two_threads);
    RUN_TEST(test_reports_kernel_choice);
    return harness_finish();
}
