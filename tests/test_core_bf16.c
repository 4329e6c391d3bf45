/* The bf16 products (core/sgemm.h core_gemm with bf16 buffers, core/bf16_avx512.h) against a float
 * reference implementation of the same arithmetic: each operand rounded to bfloat16 by round to
 * nearest even (bf16_round below, on the bits), the products of the rounded values summed in
 * double. Tolerances come from the formats, not from trial:
 *  - a bf16 value has an 8-bit significand, so rounding moves it by at most u16 = 2^-8 of itself
 *    (half an ulp: 2^-9 relative to the leading bit, at most 2^-8 of the value), and a product of
 *    two rounded values by at most (1 + u16)^2 - 1 = 2 u16 + u16^2 of the exact product;
 *  - the product of two bf16 values (8 x 8 significand bits) is exact in float32; the kernel's
 *    only other error is its float32 sum, at most k roundings of u32 = 2^-24 each:
 *    |sum - exact| <= gamma_k S with gamma_k = k u32 / (1 - k u32), S = sum |a_p b_p|.
 * So against the rounded operands' exact sum the error is at most gamma_k S, and against the
 * unrounded float operands at most (2 u16 + u16^2)(1 + gamma_k) S + gamma_k S. Results are also the
 * same bits on 1, 2 and 3 threads. Without AVX512_BF16 (or in a PORTABLE=1 build) the products are
 * skipped and the network must refuse bf16 with a message naming what is missing. */
#include "core/bf16_avx512.h"
#include "core/parallel.h"
#include "core/sgemm.h"
#include "harness.h"
#include "mlp.h"
#include "support/blocks_seen.h"
#include "support/rows_seen.h"

#include <stdint.h>

#define U16 (1.0 / 256.0)      /* bf16: 8-bit significand, round to nearest */
#define U32 (1.0 / 16777216.0) /* float32: 24-bit significand */

/* Round to nearest even on the bits: add 0x7fff plus the lowest kept bit, drop the low 16 bits
 * (finite values; the tests use no NaN). */
static float bf16_round(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    u += 0x7fffu + ((u >> 16) & 1u);
    u &= 0xffff0000u;
    float r;
    memcpy(&r, &u, sizeof r);
    return r;
}

static float *random_matrix(size_t count, uint32_t seed) {
    float *m = malloc((count ? count : 1) * sizeof *m);
    uint32_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < count; i++) {
        s = s * 1664525u + 1013904223u;
        m[i] = ((float)(s >> 8) / (float)(1u << 24) - 0.5f) * 3.0f;
    }
    return m;
}

static bool supported(void) {
    return core_bf16_supported(NULL);
}

/* Packing rounds to nearest even, ties included: 1 + 2^-8 (exactly halfway between the bf16
 * values 1 and 1 + 2^-7) goes down to 1 (even), 1 + 3 2^-8 up to 1 + 2^-6 (even), and random
 * values as bf16_round does; pairs land low value first. */
static void test_pack_rounds_to_nearest_even(void) {
    if (!supported()) SKIP("no AVX512_BF16 here (or PORTABLE=1 build)");
    enum { N = 67 };
    float *x = random_matrix(N, 5);
    x[0] = 1.0f + 1.0f / 256.0f;
    x[1] = 1.0f + 3.0f / 256.0f;
    x[2] = -(1.0f + 1.0f / 256.0f);
    x[3] = 1.0f + 1.0f / 256.0f + 1.0f / 65536.0f; /* just above the tie: up */
    uint32_t packed[(N + 1) / 2];
    bf16_pack_rows(1, N, x, N, packed);
    CHECK(packed[0] == (0x3F80u | (0x3F82u << 16)));
    for (size_t i = 0; i < N; i++) {
        uint32_t half = i % 2 ? packed[i / 2] >> 16 : packed[i / 2] & 0xffffu, want;
        float r = bf16_round(x[i]);
        memcpy(&want, &r, sizeof want);
        CHECK_MSG(half == want >> 16, "value %zu = %.9g: packed %#x, want %#x", i, (double)x[i],
                  half, want >> 16);
    }
    CHECK((packed[N / 2] >> 16) == 0); /* the odd count's missing value is zero */
    uint32_t b3 = 0;
    float r3 = bf16_round(x[3]);
    memcpy(&b3, &r3, sizeof b3);
    CHECK(b3 >> 16 == 0x3F81u);
    free(x);
}

/* One product through core_gemm in bf16 on no pool, 2 and 3 threads, against the reference; again
 * through core_gemm_then, which hands every element of C on exactly once, holding that value. */
static void check_product(bool ta, bool tb, size_t m, size_t n, size_t k, parallel_pool **pools) {
    size_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
    size_t lda = a_cols + 3, ldb = b_cols + 5;
    float *a = random_matrix(a_rows * lda, (uint32_t)(m * 31 + k));
    float *b = random_matrix(b_rows * ldb, (uint32_t)(n * 17 + k));
    core_bf16_buffers buffers = {calloc(core_bf16_words_a(m, k) + 1, 4),
                                 calloc(core_bf16_words_b(n, k) + 1, 4)};
    float *got[3];
    for (int t = 0; t < 3; t++) {
        got[t] = random_matrix(m * n, 99); /* garbage that must be overwritten */
        core_gemm(t ? pools[t - 1] : NULL, &buffers, ta, tb, m, n, k, a, lda, b, ldb, got[t], n);
    }
    int handed_once = 0;
    float *again = random_matrix(m * n, 98);
    for (int t = 0; t < 3; t++) {
        blocks_seen seen;
        CHECK(blocks_seen_init(&seen, again, got[0], m, n));
        core_gemm_then(t ? pools[t - 1] : NULL, &buffers, ta, tb, m, n, k, a, lda, b, ldb, again, n,
                       blocks_seen_note, &seen);
        handed_once += blocks_seen_each_once(&seen);
        blocks_seen_free(&seen);
    }
    free(again);
    double worst_rounded = 0, worst_float = 0; /* error / its bound, at most 1 */
    double gamma = (double)k * U32 / (1.0 - (double)k * U32);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double rounded = 0, exact = 0, s = 0;
            for (size_t p = 0; p < k; p++) {
                float x = ta ? a[p * lda + i] : a[i * lda + p];
                float y = tb ? b[j * ldb + p] : b[p * ldb + j];
                rounded += (double)bf16_round(x) * (double)bf16_round(y);
                exact += (double)x * (double)y;
                s += fabs((double)x * (double)y);
            }
            double g = (double)got[0][i * n + j];
            double bound_rounded = gamma * s * (1 + 2 * U16 + U16 * U16) + 1e-30;
            double bound_float = (2 * U16 + U16 * U16) * (1 + gamma) * s + gamma * s + 1e-30;
            worst_rounded = fmax(worst_rounded, fabs(g - rounded) / bound_rounded);
            worst_float = fmax(worst_float, fabs(g - exact) / bound_float);
        }
    bool same = memcmp(got[0], got[1], m * n * sizeof(float)) == 0 &&
                memcmp(got[0], got[2], m * n * sizeof(float)) == 0;
    free(a);
    free(b);
    free(buffers.a);
    free(buffers.b);
    for (int t = 0; t < 3; t++)
        free(got[t]);
    CHECK_MSG(worst_rounded <= 1.0, "ta %d tb %d m %zu n %zu k %zu: %.3g of the float32-sum bound",
              ta, tb, m, n, k, worst_rounded);
    CHECK_MSG(worst_float <= 1.0, "ta %d tb %d m %zu n %zu k %zu: %.3g of the bf16 bound", ta, tb,
              m, n, k, worst_float);
    CHECK_MSG(same, "ta %d tb %d m %zu n %zu k %zu: thread counts differ", ta, tb, m, n, k);
    CHECK_MSG(handed_once == 3, "ta %d tb %d m %zu n %zu k %zu: C handed on not once per element",
              ta, tb, m, n, k);
}

/* The three products of a dense layer (forward x W^T, weight gradient delta^T x, input gradient
 * delta W), at every tile remainder (rows 1..7 of a 6-row tile, columns 1..70 of 64-column tiles,
 * odd and even k) and at sizes that take the threaded and row-split paths. */
static void test_products_match_reference(void) {
    if (!supported()) SKIP("no AVX512_BF16 here (or PORTABLE=1 build)");
    parallel_pool *pools[2];
    CHECK(parallel_pool_new(&pools[0], 2, NULL) == MLP_OK);
    CHECK(parallel_pool_new(&pools[1], 3, NULL) == MLP_OK);
    static const bool shapes[3][2] = {{false, true}, {true, false}, {false, false}};
    for (size_t s = 0; s < 3; s++) {
        bool ta = shapes[s][0], tb = shapes[s][1];
        for (size_t m = 1; m <= 7; m++)
            for (size_t n = 1; n <= 70; n += 7)
                for (size_t k = 1; k <= 6; k++)
                    check_product(ta, tb, m, n, k, pools);
        check_product(ta, tb, 50, 200, 784, pools);
        check_product(ta, tb, 300, 37, 65, pools);
        check_product(ta, tb, 33, 130, 257, pools);
    }
    parallel_pool_free(pools[0]);
    parallel_pool_free(pools[1]);
}

/* What core_gemm_tn_rows hands on in bf16: every row exactly once, after it holds its value, and
 * the values core_gemm gives. A = delta [k, m] (W's rows as columns), B = x [k, n]: k = 50 packs B
 * in 25 pairs (83 KB, handed on in blocks of a few row tiles), k = 200 in 100 (333 KB, one block
 * per thread). */
static void test_row_blocks_handed_on(void) {
    if (!supported()) SKIP("no AVX512_BF16 here (or PORTABLE=1 build)");
    enum { M = 200, N = 784 };
    parallel_pool *pool = NULL;
    CHECK(parallel_pool_new(&pool, 2, NULL) == MLP_OK);
    static const size_t ks[] = {50, 200};
    for (size_t t = 0; t < 2; t++) {
        size_t k = ks[t];
        float *a = random_matrix(k * M, 5), *b = random_matrix(k * N, 6);
        float *want = malloc(M * N * sizeof *want), *got = malloc(M * N * sizeof *got);
        core_bf16_buffers bf16 = {calloc(core_bf16_words_a(M, k), sizeof(uint32_t)),
                                  calloc(core_bf16_words_b(N, k), sizeof(uint32_t))};
        core_gemm(NULL, &bf16, true, false, M, N, k, a, M, b, N, want, N);
        for (int threads = 1; threads <= 2; threads++) {
            static rows_seen seen;
            rows_seen_reset(&seen, got, want, N);
            memset(got, 0xff, M * N * sizeof *got);
            core_gemm_tn_rows(threads == 2 ? pool : NULL, &bf16, M, N, k, a, M, b, N, got, N,
                              rows_seen_note, &seen);
            CHECK_MSG(memcmp(got, want, M * N * sizeof *got) == 0, "k %zu, %d threads", k, threads);
            for (int i = 0; i < M; i++)
                CHECK_MSG(atomic_load(&seen.rows[i]) == 1, "k %zu: row %d handed on %d times", k, i,
                          atomic_load(&seen.rows[i]));
            CHECK_MSG(atomic_load(&seen.early) == 0, "k %zu, %d threads", k, threads);
        }
        free(bf16.a);
        free(bf16.b);
        free(a);
        free(b);
        free(want);
        free(got);
    }
    parallel_pool_free(pool);
}

/* A network in bf16: refused with the missing feature named where unsupported; otherwise it
 * trains (the loss falls), its outputs are close to float32's, and switching back to f32 gives
 * float32's bits again. */
static void test_network_precision(void) {
    mlp_error err = {0};
    size_t hidden[] = {40};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, 30, hidden, 1, 5, MLP_ACT_RELU, &err) == MLP_OK);
    spec.max_batch = 64;
    mlp_net *net = NULL;
    CHECK(mlp_net_new(&net, &spec, &err) == MLP_OK);
    mlp_rng rng;
    mlp_rng_seed(&rng, 3, 1);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM};
    CHECK(mlp_net_init(net, &init, &rng, &err) == MLP_OK);
    mlp_precision p;
    CHECK(mlp_precision_from_name("bf16", &p) && p == MLP_PRECISION_BF16);
    CHECK(!mlp_precision_from_name("fp16", &p));
    CHECK(mlp_net_precision(net) == MLP_PRECISION_F32);
    const char *missing = NULL;
    if (!core_bf16_supported(&missing)) {
        CHECK(mlp_net_set_precision(net, MLP_PRECISION_BF16, &err) == MLP_ERR_UNSUPPORTED);
        CHECK_MSG(strstr(err.message, missing) != NULL, "%s", err.message);
        CHECK(mlp_net_precision(net) == MLP_PRECISION_F32);
        mlp_net_free(net);
        return;
    }
    float *x = random_matrix(64 * 30, 11);
    int32_t labels[64];
    for (size_t i = 0; i < 64; i++)
        labels[i] = (int32_t)(i % 5);
    const float *out;
    float f32[64 * 5], bf16[64 * 5];
    CHECK(mlp_net_forward(net, x, 64, &out, &err) == MLP_OK);
    memcpy(f32, out, sizeof f32);
    CHECK(mlp_net_set_precision(net, MLP_PRECISION_BF16, &err) == MLP_OK);
    CHECK(mlp_net_precision(net) == MLP_PRECISION_BF16);
    CHECK(mlp_net_forward(net, x, 64, &out, &err) == MLP_OK);
    memcpy(bf16, out, sizeof bf16);
    bool differ = false;
    for (size_t i = 0; i < 64 * 5; i++) {
        CHECK_CLOSE(bf16[i], f32[i], 0.02); /* probabilities; two layers of 2^-8 roundings */
        differ |= bf16[i] != f32[i];
    }
    CHECK(differ); /* the products really ran in bf16 */
    CHECK(mlp_net_set_precision(net, MLP_PRECISION_F32, &err) == MLP_OK);
    CHECK(mlp_net_forward(net, x, 64, &out, &err) == MLP_OK);
    CHECK(memcmp(out, f32, sizeof f32) == 0);
    CHECK(mlp_net_set_precision(net, MLP_PRECISION_BF16, &err) == MLP_OK);
    mlp_optimizer_spec ospec;
    mlp_optimizer_spec_default(&ospec, MLP_OPT_SGD);
    ospec.momentum = 0.9f;
    mlp_optimizer *opt = NULL;
    CHECK(mlp_optimizer_new(&opt, &ospec, mlp_net_num_params(net), &err) == MLP_OK);
    mlp_batch batch = {.x = x, .labels = labels, .n = 64};
    mlp_batch_result first, last;
    for (int step = 0; step < 60; step++)
        CHECK(mlp_net_train_step(net, &batch, NULL, NULL, opt, NULL, 0.05f, step ? &last : &first,
                                 &err) == MLP_OK);
    CHECK_MSG(last.loss < 0.5 * first.loss, "loss %g -> %g", first.loss, last.loss);
    CHECK(mlp_net_reserve(net, 200, &err) == MLP_OK); /* grows the pack buffers too */
    float *big = random_matrix(200 * 30, 12);
    CHECK(mlp_net_forward(net, big, 200, &out, &err) == MLP_OK);
    free(big);
    mlp_optimizer_free(opt);
    mlp_net_free(net);
    free(x);
}

int main(void) {
    RUN_TEST(test_pack_rounds_to_nearest_even);
    RUN_TEST(test_products_match_reference);
    RUN_TEST(test_row_blocks_handed_on);
    RUN_TEST(test_network_precision);
    return harness_finish();
}
