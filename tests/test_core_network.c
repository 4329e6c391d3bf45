/* Networks: construction and its errors, the parameter layout, forward values computed by hand,
 * prediction, evaluation, buffer growth, initialisation and reproducibility. */
#include "harness.h"
#include "mlp.h"

#include <cblas-openblas.h>
#include <stdint.h>

static mlp_net *make_net(const mlp_net_spec *spec) {
    mlp_net *net = NULL;
    mlp_error err;
    CHECK_MSG(mlp_net_new(&net, spec, &err) == MLP_OK, "%s", err.message);
    return net;
}

static void test_spec_default_and_layout(void) {
    mlp_net_spec spec;
    mlp_error err;
    size_t hidden[] = {5, 4};
    CHECK(mlp_net_spec_default(&spec, 3, hidden, 2, 2, MLP_ACT_RELU, &err) == MLP_OK);
    CHECK(spec.num_layers == 3 && spec.widths[0] == 3 && spec.widths[3] == 2);
    CHECK(spec.activation[0] == MLP_ACT_RELU && spec.activation[2] == MLP_ACT_SOFTMAX);
    CHECK(spec.loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY && spec.max_batch == 256);
    mlp_net *net = make_net(&spec);
    CHECK(mlp_net_num_params(net) == 5 * 3 + 5 + 4 * 5 + 4 + 2 * 4 + 2);
    CHECK(mlp_net_weight_offset(net, 0) == 0 && mlp_net_bias_offset(net, 0) == 15);
    CHECK(mlp_net_weight_offset(net, 1) == 20 && mlp_net_bias_offset(net, 1) == 40);
    CHECK(mlp_net_weight_offset(net, 2) == 44 && mlp_net_bias_offset(net, 2) == 52);
    const float *p = mlp_net_params_const(net);
    for (size_t i = 0; i < mlp_net_num_params(net); i++)
        CHECK(p[i] == 0.0f);
    CHECK(mlp_net_get_spec(net)->widths[1] == 5);
    mlp_net_free(net);
    mlp_net_free(NULL);
}

static void test_bad_specs_are_refused(void) {
    mlp_net_spec spec;
    mlp_error err;
    mlp_net *net = (mlp_net *)&spec; /* must be reset to NULL on failure */
    size_t hidden[] = {4};
    CHECK(mlp_net_spec_default(&spec, 3, hidden, 1, 0, MLP_ACT_TANH, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "widths[2] is zero"));
    CHECK(mlp_net_spec_default(NULL, 3, hidden, 1, 2, MLP_ACT_TANH, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_spec_default(&spec, 3, NULL, 1, 2, MLP_ACT_TANH, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_spec_default(&spec, 3, hidden, MLP_MAX_LAYERS, 2, MLP_ACT_TANH, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(mlp_net_new(&net, NULL, &err) == MLP_ERR_ARGUMENT && net == NULL);
    CHECK(mlp_net_new(NULL, &spec, &err) == MLP_ERR_ARGUMENT);

    CHECK(mlp_net_spec_default(&spec, 3, hidden, 1, 2, MLP_ACT_TANH, &err) == MLP_OK);
    mlp_net_spec bad = spec;
    bad.widths[0] = 0;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT && net == NULL);
    bad = spec;
    bad.num_layers = 0;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.num_layers = MLP_MAX_LAYERS + 1;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.activation[0] = MLP_ACT_SOFTMAX; /* hidden softmax */
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.activation[1] = MLP_ACT_SIGMOID; /* softmax loss without softmax output */
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.loss = MLP_LOSS_BINARY_CROSS_ENTROPY;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.loss = MLP_LOSS_QUADRATIC;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.activation[0] = (mlp_activation)99;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.dropout[0] = 1.0f;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.dropout[1] = 0.5f; /* output layer */
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.dropout[0] = NAN;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.max_batch = 0;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
    bad = spec;
    bad.leaky_relu_slope = -1.0f;
    CHECK(mlp_net_new(&net, &bad, &err) == MLP_ERR_ARGUMENT);
}

static void test_overflowing_sizes_are_refused(void) {
    mlp_net_spec spec = {.num_layers = MLP_MAX_LAYERS, .max_batch = 1};
    for (size_t i = 0; i <= MLP_MAX_LAYERS; i++)
        spec.widths[i] = INT32_MAX;
    for (size_t i = 0; i < MLP_MAX_LAYERS; i++)
        spec.activation[i] = MLP_ACT_RELU;
    spec.activation[MLP_MAX_LAYERS - 1] = MLP_ACT_SOFTMAX;
    mlp_net *net = NULL;
    mlp_error err;
    /* 16 layers of 2^31 x 2^31 weights: the parameter count overflows 64 bits. */
    CHECK(mlp_net_new(&net, &spec, &err) == MLP_ERR_MEMORY && net == NULL);
    CHECK(strstr(err.message, "overflows"));
    spec.widths[1] = (size_t)INT32_MAX + 1; /* beyond BLAS's int */
    CHECK(mlp_net_new(&net, &spec, &err) == MLP_ERR_ARGUMENT);
    size_t hidden[] = {3};
    CHECK(mlp_net_spec_default(&spec, 2, hidden, 1, 2, MLP_ACT_RELU, &err) == MLP_OK);
    spec.max_batch = SIZE_MAX / 2;
    CHECK(mlp_net_new(&net, &spec, &err) != MLP_OK && net == NULL);
}

/* 2 -> 2 (given activation) -> 2 softmax, with hand-picked weights. */
static mlp_net *small_net(mlp_activation hidden_act) {
    size_t hidden[] = {2};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, 2, hidden, 1, 2, hidden_act, NULL) == MLP_OK);
    spec.max_batch = 2;
    mlp_net *net = make_net(&spec);
    /* W0 = [[1, -2], [0.5, 1]], b0 = (0.5, -1), W1 = [[1, 1], [-1, 2]], b1 = (0, 0.25) */
    const float p[] = {1, -2, 0.5f, 1, 0.5f, -1, 1, 1, -1, 2, 0, 0.25f};
    memcpy(mlp_net_params(net), p, sizeof p);
    return net;
}

static void test_forward_matches_hand_computation(void) {
    /* x = (1, 2): z_h = (1 - 4 + 0.5, 0.5 + 2 - 1) = (-2.5, 1.5). */
    const float x[] = {1, 2};
    struct {
        mlp_activation act;
        double h1, h2;
    } cases[] = {
        {MLP_ACT_IDENTITY, -2.5, 1.5},
        {MLP_ACT_RELU, 0, 1.5},
        {MLP_ACT_LEAKY_RELU, -0.025, 1.5},
        {MLP_ACT_SIGMOID, 1 / (1 + exp(2.5)), 1 / (1 + exp(-1.5))},
        {MLP_ACT_TANH, tanh(-2.5), tanh(1.5)},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mlp_net *net = small_net(cases[c].act);
        const float *out;
        mlp_error err;
        CHECK(mlp_net_forward(net, x, 1, &out, &err) == MLP_OK);
        double z1 = cases[c].h1 + cases[c].h2, z2 = -cases[c].h1 + 2 * cases[c].h2 + 0.25;
        double m = fmax(z1, z2), s = exp(z1 - m) + exp(z2 - m);
        CHECK_CLOSE(out[0], exp(z1 - m) / s, 1e-6);
        CHECK_CLOSE(out[1], exp(z2 - m) / s, 1e-6);
        CHECK_CLOSE(out[0] + out[1], 1.0, 1e-6);
        mlp_net_free(net);
    }
}

static void test_predict_evaluate_and_growth(void) {
    mlp_net *net = small_net(MLP_ACT_IDENTITY); /* max_batch 2 */
    /* Rows: (1, 2) -> z_out = (-1, 5.75): class 1; (2, 0) -> z_h = (2.5, 0), z_out = (2.5,
     * -2.25): class 0; (0, 0) -> z_h = (0.5, -1), z_out = (-0.5, -2.25): class 0. */
    const float x[] = {1, 2, 2, 0, 0, 0};
    int32_t classes[3];
    mlp_error err;
    CHECK(mlp_net_predict(net, x, 3, classes, &err) == MLP_OK); /* grows past max_batch */
    CHECK(classes[0] == 1 && classes[1] == 0 && classes[2] == 0);
    CHECK(mlp_net_get_spec(net)->max_batch >= 3);
    const int32_t labels[] = {1, 1, 0};
    mlp_batch batch = {.x = x, .labels = labels, .n = 3};
    mlp_batch_result r;
    CHECK(mlp_net_evaluate(net, &batch, &r, &err) == MLP_OK);
    CHECK(r.correct == 2);
    double l0 = log(1 + exp(-6.75)), l1 = log(1 + exp(4.75)), l2 = log(1 + exp(-1.75));
    CHECK_CLOSE(r.loss, (l0 + l1 + l2) / 3, 1e-6);
    /* Bad labels and NULLs are errors, not crashes. */
    const int32_t bad[] = {0, 2, 0};
    batch.labels = bad;
    CHECK(mlp_net_evaluate(net, &batch, &r, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "sample 1"));
    batch.labels = NULL;
    CHECK(mlp_net_evaluate(net, &batch, &r, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_gradient(net, &batch, NULL, &r, &err) == MLP_ERR_ARGUMENT);
    batch.labels = labels;
    batch.n = 0;
    CHECK(mlp_net_gradient(net, &batch, NULL, &r, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_forward(net, NULL, 1, &(const float *){0}, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_forward(NULL, x, 1, &(const float *){0}, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_predict(net, x, 1, NULL, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_gradient(NULL, &batch, NULL, &r, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_reserve(NULL, 4, &err) == MLP_ERR_ARGUMENT);
    mlp_net_free(net);
}

/* A gradient over a batch larger than max_batch equals the mean of per-sample gradients. */
static void test_gradient_is_mean_over_batch(void) {
    mlp_net *net = small_net(MLP_ACT_TANH);
    const float x[] = {1, 2, 2, 0, 0, 0, -1, 0.5f};
    const int32_t labels[] = {1, 1, 0, 1};
    mlp_batch batch = {.x = x, .labels = labels, .n = 4};
    mlp_batch_result r;
    mlp_error err;
    CHECK(mlp_net_gradient(net, &batch, NULL, &r, &err) == MLP_OK);
    float full[12];
    memcpy(full, mlp_net_grads(net), sizeof full);
    double mean[12] = {0}, loss = 0;
    for (size_t s = 0; s < 4; s++) {
        mlp_batch one = {.x = x + 2 * s, .labels = labels + s, .n = 1};
        mlp_batch_result r1;
        CHECK(mlp_net_gradient(net, &one, NULL, &r1, &err) == MLP_OK);
        for (size_t i = 0; i < 12; i++)
            mean[i] += mlp_net_grads(net)[i] / 4.0;
        loss += r1.loss / 4;
    }
    for (size_t i = 0; i < 12; i++)
        CHECK_CLOSE(full[i], mean[i], 1e-6);
    CHECK_CLOSE(r.loss, loss, 1e-6);
    mlp_net_free(net);
}

static void test_init_statistics_and_reproducibility(void) {
    size_t hidden[] = {300};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, 200, hidden, 1, 100, MLP_ACT_RELU, NULL) == MLP_OK);
    mlp_net *a = make_net(&spec), *b = make_net(&spec);
    struct {
        mlp_init_kind kind;
        double std0; /* expected std of layer 0 weights (fan_in 200, fan_out 300) */
    } cases[] = {
        {MLP_INIT_NORMAL, 0.05},
        {MLP_INIT_UNIFORM, 0.05 / sqrt(3.0)},
        {MLP_INIT_GLOROT_NORMAL, sqrt(2.0 / 500)},
        {MLP_INIT_GLOROT_UNIFORM, sqrt(6.0 / 500) / sqrt(3.0)},
        {MLP_INIT_HE_NORMAL, sqrt(2.0 / 200)},
        {MLP_INIT_HE_UNIFORM, sqrt(6.0 / 200) / sqrt(3.0)},
        {MLP_INIT_LECUN_NORMAL, sqrt(1.0 / 200)},
        {MLP_INIT_LECUN_UNIFORM, sqrt(3.0 / 200) / sqrt(3.0)},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mlp_init_spec init = {.kind = cases[c].kind, .scale = 0.05f, .bias = 0.1f};
        mlp_rng r1, r2;
        mlp_rng_seed(&r1, 11, 3);
        mlp_rng_seed(&r2, 11, 3);
        mlp_error err;
        CHECK(mlp_net_init(a, &init, &r1, &err) == MLP_OK);
        CHECK(mlp_net_init(b, &init, &r2, &err) == MLP_OK);
        CHECK(memcmp(mlp_net_params(a), mlp_net_params(b), mlp_net_num_params(a) * sizeof(float)) ==
              0);
        const float *w = mlp_net_params(a);
        double sum = 0, sq = 0;
        size_t n = 300 * 200;
        for (size_t i = 0; i < n; i++) {
            sum += w[i];
            sq += (double)w[i] * w[i];
        }
        CHECK_CLOSE(sum / n, 0.0, 0.02 * cases[c].std0);
        CHECK_CLOSE(sqrt(sq / n) / cases[c].std0, 1.0, 0.02);
        CHECK(w[mlp_net_bias_offset(a, 0)] == 0.1f && w[mlp_net_bias_offset(a, 1) + 99] == 0.1f);
    }
    mlp_init_spec bad = {.kind = MLP_INIT_NORMAL, .scale = -1};
    mlp_rng rng;
    mlp_rng_seed(&rng, 1, 1);
    CHECK(mlp_net_init(a, &bad, &rng, NULL) == MLP_ERR_ARGUMENT);
    bad.kind = (mlp_init_kind)42;
    CHECK(mlp_net_init(a, &bad, &rng, NULL) == MLP_ERR_ARGUMENT);
    CHECK(mlp_net_init(a, NULL, &rng, NULL) == MLP_ERR_ARGUMENT);
    mlp_net_free(a);
    mlp_net_free(b);
}

/* Same seed: bit-identical gradients, dropout included; another dropout seed differs. */
static void test_gradient_reproducible_with_dropout(void) {
    size_t hidden[] = {16, 8};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, 6, hidden, 2, 3, MLP_ACT_RELU, NULL) == MLP_OK);
    spec.dropout[0] = 0.5f;
    spec.dropout[1] = 0.2f;
    mlp_net *net = make_net(&spec);
    mlp_init_spec init = {.kind = MLP_INIT_HE_NORMAL};
    mlp_rng rng;
    mlp_rng_seed(&rng, 2, 0);
    CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
    float x[10 * 6];
    int32_t labels[10];
    for (size_t i = 0; i < 60; i++)
        x[i] = mlp_rng_normal(&rng);
    for (size_t i = 0; i < 10; i++)
        labels[i] = (int32_t)mlp_rng_below(&rng, 3);
    mlp_batch batch = {.x = x, .labels = labels, .n = 10};
    size_t np = mlp_net_num_params(net);
    float *g1 = malloc(np * sizeof(float));
    mlp_rng d1, d2, d3;
    mlp_rng_seed(&d1, 9, 1);
    mlp_rng_seed(&d2, 9, 1);
    mlp_rng_seed(&d3, 10, 1);
    mlp_batch_result r;
    CHECK(mlp_net_gradient(net, &batch, &d1, &r, NULL) == MLP_OK);
    memcpy(g1, mlp_net_grads(net), np * sizeof(float));
    CHECK(mlp_net_gradient(net, &batch, &d2, &r, NULL) == MLP_OK);
    CHECK(memcmp(g1, mlp_net_grads(net), np * sizeof(float)) == 0);
    CHECK(mlp_net_gradient(net, &batch, &d3, &r, NULL) == MLP_OK);
    CHECK(memcmp(g1, mlp_net_grads(net), np * sizeof(float)) != 0);
    mlp_error err;
    CHECK(mlp_net_gradient(net, &batch, NULL, &r, &err) == MLP_ERR_ARGUMENT);
    /* Inference ignores dropout: two evaluations agree and need no generator. */
    mlp_batch_result e1, e2;
    CHECK(mlp_net_evaluate(net, &batch, &e1, NULL) == MLP_OK);
    CHECK(mlp_net_evaluate(net, &batch, &e2, NULL) == MLP_OK);
    CHECK(e1.loss == e2.loss && e1.correct == e2.correct);
    free(g1);
    mlp_net_free(net);
}

/* Masks large enough to be drawn on several threads (64 x 1100 draws, the generator moved on to
 * each piece's first draw): the same gradient and the same generator after on 1, 2 and 3 threads. */
static void test_dropout_same_on_any_threads(void) {
    size_t hidden[] = {1100};
    float *x = malloc(64 * 5 * sizeof *x), *g1 = NULL;
    int32_t labels[64];
    mlp_rng data;
    mlp_rng_seed(&data, 4, 0);
    for (size_t i = 0; i < 64 * 5; i++)
        x[i] = mlp_rng_normal(&data);
    for (size_t i = 0; i < 64; i++)
        labels[i] = (int32_t)mlp_rng_below(&data, 3);
    mlp_batch batch = {.x = x, .labels = labels, .n = 64};
    mlp_rng after1 = {0, 0};
    for (size_t threads = 1; threads <= 3; threads++) {
        mlp_net_spec spec;
        CHECK(mlp_net_spec_default(&spec, 5, hidden, 1, 3, MLP_ACT_RELU, NULL) == MLP_OK);
        spec.dropout[0] = 0.3f;
        spec.threads = threads;
        mlp_net *net = make_net(&spec);
        mlp_init_spec init = {.kind = MLP_INIT_HE_NORMAL};
        mlp_rng rng;
        mlp_rng_seed(&rng, 2, 0);
        CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
        size_t np = mlp_net_num_params(net);
        mlp_rng d;
        mlp_rng_seed(&d, 9, 1);
        mlp_batch_result r;
        CHECK(mlp_net_gradient(net, &batch, &d, &r, NULL) == MLP_OK);
        if (threads == 1) {
            g1 = malloc(np * sizeof *g1);
            memcpy(g1, mlp_net_grads(net), np * sizeof *g1);
            after1 = d;
            /* the generator moved on by one draw per masked unit */
            mlp_rng expect;
            mlp_rng_seed(&expect, 9, 1);
            for (size_t i = 0; i < 64 * 1100; i++)
                mlp_rng_u32(&expect);
            CHECK(expect.state == d.state);
        } else {
            CHECK_MSG(memcmp(g1, mlp_net_grads(net), np * sizeof *g1) == 0, "%zu threads", threads);
            CHECK(d.state == after1.state);
        }
        mlp_net_free(net);
    }
    free(g1);
    free(x);
}

/* A single sigmoid output with labels 0/1 (logistic regression): label is the target. */
static void test_logistic_regression_single_output(void) {
    mlp_net_spec spec = {.num_layers = 1,
                         .widths = {2, 1},
                         .activation = {MLP_ACT_SIGMOID},
                         .loss = MLP_LOSS_BINARY_CROSS_ENTROPY,
                         .max_batch = 4};
    mlp_net *net = make_net(&spec);
    float *p = mlp_net_params(net);
    p[0] = 1;
    p[1] = -1;
    p[2] = 0.5f; /* z = x0 - x1 + 0.5 */
    const float x[] = {1, 0, 0, 2};
    const int32_t labels[] = {1, 1};
    mlp_batch batch = {.x = x, .labels = labels, .n = 2};
    mlp_batch_result r;
    CHECK(mlp_net_gradient(net, &batch, NULL, &r, NULL) == MLP_OK);
    /* z = (1.5, -1.5): loss = mean log(1 + e^-z); dL/db = mean (s(z) - 1). */
    CHECK_CLOSE(r.loss, (log1p(exp(-1.5)) + log1p(exp(1.5))) / 2, 1e-6);
    CHECK(r.correct == 1);
    double s1 = 1 / (1 + exp(-1.5)), s2 = 1 / (1 + exp(1.5));
    CHECK_CLOSE(mlp_net_grads(net)[2], ((s1 - 1) + (s2 - 1)) / 2, 1e-6);
    CHECK_CLOSE(mlp_net_grads(net)[1], (s2 - 1) * 2 / 2, 1e-6);
    const int32_t bad[] = {1, 2};
    batch.labels = bad;
    CHECK(mlp_net_gradient(net, &batch, NULL, &r, NULL) == MLP_ERR_ARGUMENT);
    mlp_net_free(net);
}

/* Accessors and void functions given NULL handles answer empty values instead of crashing. */
static void test_null_handles_are_harmless(void) {
    CHECK(mlp_net_num_params(NULL) == 0 && mlp_net_params(NULL) == NULL);
    CHECK(mlp_net_params_const(NULL) == NULL && mlp_net_grads(NULL) == NULL);
    CHECK(mlp_net_get_spec(NULL) == NULL && mlp_net_weight_offset(NULL, 0) == 0);
    mlp_regularization reg = {.l2 = 1};
    CHECK(mlp_net_penalty(NULL, &reg) == 0);
    mlp_net_add_penalty_gradient(NULL, &reg);
    mlp_net_weight_mask(NULL, true, NULL);
    CHECK(mlp_clip_grad_norm(NULL, 3, 1) == 0);
    CHECK(mlp_optimizer_steps(NULL) == 0 && mlp_optimizer_num_buffers(NULL) == 0);
    CHECK(mlp_optimizer_buffer(NULL, 0, NULL) == NULL && mlp_optimizer_get_spec(NULL) == NULL);
    mlp_optimizer_set_steps(NULL, 3);
    mlp_optimizer_step(NULL, NULL, NULL, NULL, 0.1f);
    size_t hidden[] = {2};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, 2, hidden, 1, 2, MLP_ACT_RELU, NULL) == MLP_OK);
    mlp_net *net = make_net(&spec);
    /* past the last layer: the end of the array */
    CHECK(mlp_net_weight_offset(net, 5) == mlp_net_num_params(net));
    CHECK(mlp_net_bias_offset(net, 2) == mlp_net_num_params(net));
    mlp_net_free(net);
}

/* threads is the network's own setting: 0 means every core, and a pass hands the count to
 * OpenBLAS, which keeps one per process, whatever it was set to before. */
static void test_threads_are_a_setting_of_the_network(void) {
    mlp_net_spec spec;
    size_t hidden[] = {8};
    CHECK(mlp_net_spec_default(&spec, 4, hidden, 1, 3, MLP_ACT_RELU, NULL) == MLP_OK);
    CHECK(spec.threads == 0);
    mlp_net *all = NULL, *one = NULL, *none = NULL;
    CHECK(mlp_net_new(&all, &spec, NULL) == MLP_OK);
    CHECK(mlp_net_threads(all) == mlp_available_cores() && mlp_available_cores() >= 1);
    spec.threads = 1;
    CHECK(mlp_net_new(&one, &spec, NULL) == MLP_OK);
    CHECK(mlp_net_threads(one) == 1);
    float x[2 * 4] = {0.5f, -1, 2, 0, 1, 1, -0.5f, 3};
    const float *out;
    openblas_set_num_threads(2);
    CHECK(mlp_net_forward(one, x, 2, &out, NULL) == MLP_OK);
    CHECK(openblas_get_num_threads() == 1);
    spec.threads = 1025;
    mlp_error err;
    CHECK(mlp_net_new(&none, &spec, &err) == MLP_ERR_ARGUMENT && none == NULL);
    CHECK(strstr(err.message, "threads"));
    mlp_net_free(all);
    mlp_net_free(one);
}

int main(void) {
    RUN_TEST(test_spec_default_and_layout);
    RUN_TEST(test_bad_specs_are_refused);
    RUN_TEST(test_overflowing_sizes_are_refused);
    RUN_TEST(test_forward_matches_hand_computation);
    RUN_TEST(test_predict_evaluate_and_growth);
    RUN_TEST(test_gradient_is_mean_over_batch);
    RUN_TEST(test_init_statistics_and_reproducibility);
    RUN_TEST(test_gradient_reproducible_with_dropout);
    RUN_TEST(test_dropout_same_on_any_threads);
    RUN_TEST(test_logistic_regression_single_output);
    RUN_TEST(test_null_handles_are_harmless);
    RUN_TEST(test_threads_are_a_setting_of_the_network);
    return harness_finish();
}
