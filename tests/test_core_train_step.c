/* The fused training step (mlp_net_train_step) against the separate calls it replaces:
 * mlp_net_gradient, mlp_net_add_penalty_gradient, mlp_optimizer_step. Parameters, gradients,
 * optimizer buffers and batch results must agree bit for bit, for every update rule, with and
 * without penalties and dropout, on one and on two threads, over several steps (SGD's first step
 * and Adam's bias corrections differ from the later ones), on a first layer big enough that its
 * products are split between threads. */
#include "core/sgemm.h" /* which kernels do the products */
#include "harness.h"
#include "mlp.h"

#include <cblas.h>

#define FEATURES 300
#define BATCH 40
#define STEPS 3

typedef struct {
    const char *name;
    mlp_optimizer_kind kind;
    float momentum;
    bool nesterov, centered;
} rule;

static const rule rules[] = {
    {"sgd", MLP_OPT_SGD, 0, false, false},
    {"sgd momentum", MLP_OPT_SGD, 0.9f, false, false},
    {"sgd nesterov", MLP_OPT_SGD, 0.9f, true, false},
    {"adam", MLP_OPT_ADAM, 0, false, false},
    {"adamw", MLP_OPT_ADAMW, 0, false, false},
    {"rmsprop centered momentum", MLP_OPT_RMSPROP, 0.5f, false, true},
};

static const mlp_regularization penalties[] = {
    {0, 0, false},
    {0, 1e-3f, false},
    {1e-4f, 1e-3f, true},
};

/* A network, its optimizer and its own dropout generator, all from fixed seeds. */
typedef struct {
    mlp_net *net;
    mlp_optimizer *opt;
    mlp_rng dropout;
} trainee;

static void trainee_make(trainee *t, const rule *r, bool dropout, size_t threads) {
    size_t hidden[] = {96, 24};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, FEATURES, hidden, 2, 5, MLP_ACT_TANH, NULL) == MLP_OK);
    if (dropout) spec.dropout[0] = 0.25f;
    spec.threads = threads;
    CHECK(mlp_net_new(&t->net, &spec, NULL) == MLP_OK);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM};
    mlp_rng rng;
    mlp_rng_seed(&rng, 5, 0);
    CHECK(mlp_net_init(t->net, &init, &rng, NULL) == MLP_OK);
    mlp_optimizer_spec os;
    mlp_optimizer_spec_default(&os, r->kind);
    os.momentum = r->momentum;
    os.nesterov = r->nesterov;
    os.centered = r->centered;
    CHECK(mlp_optimizer_new(&t->opt, &os, mlp_net_num_params(t->net), NULL) == MLP_OK);
    mlp_rng_seed(&t->dropout, 8, 1);
}

static void trainee_free(trainee *t) {
    mlp_optimizer_free(t->opt);
    mlp_net_free(t->net);
}

static void check_same(trainee *a, trainee *b, const char *what) {
    size_t np = mlp_net_num_params(a->net);
    CHECK_MSG(memcmp(mlp_net_params(a->net), mlp_net_params(b->net), np * sizeof(float)) == 0,
              "%s: parameters differ", what);
    CHECK_MSG(memcmp(mlp_net_grads(a->net), mlp_net_grads(b->net), np * sizeof(float)) == 0,
              "%s: gradients differ", what);
    CHECK(mlp_optimizer_steps(a->opt) == mlp_optimizer_steps(b->opt));
    for (size_t i = 0; i < mlp_optimizer_num_buffers(a->opt); i++)
        CHECK_MSG(memcmp(mlp_optimizer_buffer(a->opt, i, NULL),
                         mlp_optimizer_buffer(b->opt, i, NULL), np * sizeof(float)) == 0,
                  "%s: optimizer buffer %zu differs", what, i);
}

static void run_case(const rule *r, const mlp_regularization *reg, bool dropout, int threads) {
    char what[128];
    snprintf(what, sizeof what, "%s, l1 %g l2 %g%s, %s, %d threads", r->name, (double)reg->l1,
             (double)reg->l2, reg->on_biases ? " with biases" : "", dropout ? "dropout" : "",
             threads);
    trainee fused, separate;
    trainee_make(&fused, r, dropout, (size_t)threads);
    trainee_make(&separate, r, dropout, (size_t)threads);
    size_t np = mlp_net_num_params(fused.net);
    uint8_t *mask = malloc(np);
    mlp_net_weight_mask(fused.net, false, mask);
    static float x[BATCH * FEATURES];
    int32_t labels[BATCH];
    mlp_rng data;
    mlp_rng_seed(&data, 3, 0);
    for (int step = 0; step < STEPS; step++) {
        for (size_t i = 0; i < BATCH * FEATURES; i++)
            x[i] = mlp_rng_normal(&data);
        for (size_t i = 0; i < BATCH; i++)
            labels[i] = (int32_t)mlp_rng_below(&data, 5);
        mlp_batch batch = {.x = x, .labels = labels, .n = BATCH};
        mlp_batch_result rf, rs;
        float lr = 0.05f / (float)(step + 1); /* a schedule: the rate changes every step */
        CHECK(mlp_net_train_step(fused.net, &batch, &fused.dropout, reg, fused.opt, mask, lr, &rf,
                                 NULL) == MLP_OK);
        CHECK(mlp_net_gradient(separate.net, &batch, &separate.dropout, &rs, NULL) == MLP_OK);
        mlp_net_add_penalty_gradient(separate.net, reg);
        mlp_optimizer_step(separate.opt, mlp_net_params(separate.net), mlp_net_grads(separate.net),
                           mask, lr);
        CHECK_MSG(rf.loss == rs.loss && rf.correct == rs.correct, "%s: batch results differ", what);
        check_same(&fused, &separate, what);
    }
    free(mask);
    trainee_free(&fused);
    trainee_free(&separate);
}

static void test_fused_step_equals_separate_calls(void) {
    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++)
        for (size_t p = 0; p < sizeof penalties / sizeof *penalties; p++)
            for (int threads = 1; threads <= 2; threads++)
                run_case(&rules[r], &penalties[p], p == 1, threads);
}

/* The same fused steps on one and on two threads give the same network (with the engine's own
 * kernels; OpenBLAS's results may change with its thread count). */
static void test_fused_step_independent_of_threads(void) {
    if (!core_sgemm_uses_avx512())
        SKIP("cblas_sgemm does the products: bit-identical only for the same thread count");
    trainee one, two;
    trainee_make(&one, &rules[2], true, 1);
    trainee_make(&two, &rules[2], true, 2);
    static float x[BATCH * FEATURES];
    int32_t labels[BATCH];
    mlp_rng data;
    mlp_rng_seed(&data, 4, 0);
    for (size_t i = 0; i < BATCH * FEATURES; i++)
        x[i] = mlp_rng_normal(&data);
    for (size_t i = 0; i < BATCH; i++)
        labels[i] = (int32_t)mlp_rng_below(&data, 5);
    mlp_batch batch = {.x = x, .labels = labels, .n = BATCH};
    for (int step = 0; step < STEPS; step++) {
        CHECK(mlp_net_train_step(one.net, &batch, &one.dropout, NULL, one.opt, NULL, 0.01f, NULL,
                                 NULL) == MLP_OK);
        CHECK(mlp_net_train_step(two.net, &batch, &two.dropout, NULL, two.opt, NULL, 0.01f, NULL,
                                 NULL) == MLP_OK);
    }
    CHECK(mlp_net_threads(one.net) == 1 && mlp_net_threads(two.net) == 2);
    check_same(&one, &two, "1 against 2 threads");
    trainee_free(&one);
    trainee_free(&two);
}

static void test_fused_step_refuses_bad_calls(void) {
    trainee t;
    trainee_make(&t, &rules[0], false, 0);
    mlp_optimizer *small;
    mlp_optimizer_spec os;
    mlp_optimizer_spec_default(&os, MLP_OPT_SGD);
    CHECK(mlp_optimizer_new(&small, &os, 10, NULL) == MLP_OK);
    static float x[BATCH * FEATURES];
    int32_t labels[BATCH] = {0};
    mlp_batch batch = {.x = x, .labels = labels, .n = BATCH};
    mlp_error err;
    CHECK(mlp_net_train_step(t.net, &batch, NULL, NULL, small, NULL, 0.1f, NULL, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "10 parameters") != NULL, "%s", err.message);
    CHECK(mlp_net_train_step(t.net, &batch, NULL, NULL, NULL, NULL, 0.1f, NULL, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(mlp_net_train_step(NULL, &batch, NULL, NULL, t.opt, NULL, 0.1f, NULL, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(mlp_net_train_step(t.net, NULL, NULL, NULL, t.opt, NULL, 0.1f, NULL, &err) ==
          MLP_ERR_ARGUMENT);
    labels[3] = 7; /* out of range: refused before any update */
    float before = mlp_net_params(t.net)[0];
    CHECK(mlp_net_train_step(t.net, &batch, NULL, NULL, t.opt, NULL, 0.1f, NULL, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(mlp_net_params(t.net)[0] == before && mlp_optimizer_steps(t.opt) == 0);
    mlp_optimizer_free(small);
    trainee_free(&t);
}

int main(void) {
    RUN_TEST(test_fused_step_equals_separate_calls);
    RUN_TEST(test_fused_step_independent_of_threads);
    RUN_TEST(test_fused_step_refuses_bad_calls);
    return harness_finish();
}
