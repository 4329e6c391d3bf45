/* The gradient check (backpropagation against central finite differences, both in double
 * precision through the engine's own formulas; an entry fails when |g - n| exceeds the finite
 * difference's estimated error plus the tolerance, docs/engine.md):
 * - the engine's gradient passes for every hidden activation x every loss (the name tables, so a
 *   new one is covered), 1 to 3 hidden layers, with and without L1/L2 penalties and dropout;
 * - gradients known to be wrong are caught, for every activation x loss: another activation's
 *   derivative, the loss's derivative off by 1%, and a factor 1.01, 1.1 or -1 on a subset of one
 *   tensor's entries (that tensor flagged, no other);
 * - at the scales of the shipped examples (e1, e4, e5: 784 inputs, gradients down to 1e-8) the
 *   float64 noise is not flagged, and the same faults in large tensors are. */
#include "core/gradcheck.h"
#include "core/names.h"
#include "harness.h"
#include "mlp.h"

#include <stdint.h>

#define TOLERANCE 1e-5 /* mlp gradcheck's default */
/* A fault that changes some entry by at least this much must be caught: far above the finite
 * differences' error (about 1e-10 here), far below the gradients (0.01 to 1). */
#define DETECTABLE 1e-6

static size_t count_names(const char *const *names) {
    size_t n = 0;
    while (names[n])
        n++;
    return n;
}

/* The output activation each loss takes; the quadratic loss takes the hidden one. */
static mlp_activation output_activation(mlp_loss loss, mlp_activation hidden) {
    switch (loss) {
    case MLP_LOSS_SOFTMAX_CROSS_ENTROPY:
        return MLP_ACT_SOFTMAX;
    case MLP_LOSS_BINARY_CROSS_ENTROPY:
        return MLP_ACT_SIGMOID;
    default:
        return hidden;
    }
}

/* ---- Gradients known to be wrong (the checker takes the gradient as a parameter) ---- */

typedef enum {
    OTHER_ACTIVATION, /* each hidden layer's derivative is the next activation's in the table */
    LOSS_FACTOR,      /* the loss's derivative times `factor` */
    ENTRY_FACTOR      /* entries first, first + every, ... of one tensor times `factor` */
} fault_kind;

typedef struct {
    fault_kind kind;
    double factor;
    size_t tensor, first, every; /* ENTRY_FACTOR: report index (W0, b0, W1, ...) and entries */
    double largest_change;       /* out: the largest |change| made to one entry */
} fault;

static void wrong_gradient(void *ctx, workspace_f64 *ws, const double *x, const mlp_batch *batch,
                           const mlp_regularization *reg) {
    fault *f = ctx;
    const mlp_net_spec *spec = ws->spec;
    f->largest_change = 0;
    switch (f->kind) {
    case OTHER_ACTIVATION: {
        /* The forward outputs are the right function's; the backward pass applies another's
         * derivative to them (the output layer's is left alone). */
        mlp_net_spec other = *spec;
        size_t kinds = count_names(mlp_hidden_activation_names);
        for (size_t i = 0; i + 1 < spec->num_layers; i++)
            other.activation[i] = (mlp_activation)(((size_t)spec->activation[i] + 1) % kinds);
        ws->spec = &other;
        net_backward_f64(ws, x, batch->n, true, batch, NULL);
        ws->spec = spec;
        add_penalty_gradient_f64(ws->params, ws->grads, spec, ws->layout, reg);
        f->largest_change = INFINITY;
        return;
    }
    case LOSS_FACTOR:
        /* Every data gradient is linear in the output layer's delta = dL/dz: a loss derivative
         * off by a factor scales all of them. */
        net_backward_f64(ws, x, batch->n, true, batch, NULL);
        for (size_t j = 0; j < ws->layout->num_params; j++)
            ws->grads[j] *= f->factor;
        add_penalty_gradient_f64(ws->params, ws->grads, spec, ws->layout, reg);
        f->largest_change = INFINITY;
        return;
    case ENTRY_FACTOR: {
        gradcheck_backprop(NULL, ws, x, batch, reg);
        size_t layer = f->tensor / 2, out = spec->widths[layer + 1];
        bool bias = f->tensor % 2;
        size_t begin = bias ? ws->layout->bias[layer] : ws->layout->weight[layer];
        size_t count = bias ? out : out * spec->widths[layer];
        for (size_t j = f->first; j < count; j += f->every) {
            double right = ws->grads[begin + j];
            ws->grads[begin + j] = right * f->factor;
            f->largest_change = fmax(f->largest_change, fabs(ws->grads[begin + j] - right));
        }
        return;
    }
    }
}

static double worst_of(const mlp_gradcheck_tensor *report, size_t begin, size_t end) {
    double worst = 0;
    for (size_t t = begin; t < end; t++)
        worst = fmax(worst, report[t].max_relative_error);
    return worst;
}

/* ---- Small networks: 3 inputs, hidden widths 6, 5, 4, 3 outputs, 5 samples ---- */

#define SAMPLES 5

typedef struct {
    mlp_net *net;
    mlp_net_spec spec;
    float x[SAMPLES * 3], targets[SAMPLES * 3];
    int32_t labels[SAMPLES];
    mlp_batch batch;
    mlp_regularization reg;
    uint64_t seed;
} small_case;

static void small_case_new(small_case *c, mlp_activation act, mlp_loss loss, size_t hidden_layers,
                           bool penalty, bool dropout, uint64_t seed) {
    static const size_t widths[] = {3, 6, 5, 4};
    *c = (small_case){.seed = seed};
    mlp_net_spec *spec = &c->spec;
    *spec = (mlp_net_spec){.num_layers = hidden_layers + 1,
                           .loss = loss,
                           .max_batch = SAMPLES,
                           .leaky_relu_slope = 0.1f,
                           .threads = 1};
    spec->widths[0] = 3;
    for (size_t i = 0; i < hidden_layers; i++) {
        spec->widths[i + 1] = widths[i + 1];
        spec->activation[i] = act;
        spec->dropout[i] = dropout ? 0.3f : 0.0f;
    }
    spec->widths[hidden_layers + 1] = 3;
    spec->activation[hidden_layers] = output_activation(loss, act);
    mlp_error err;
    CHECK_MSG(mlp_net_new(&c->net, spec, &err) == MLP_OK, "%s", err.message);
    mlp_rng rng;
    mlp_rng_seed(&rng, seed, 1);
    mlp_init_spec init = {.kind = MLP_INIT_NORMAL, .scale = 0.8f};
    CHECK(mlp_net_init(c->net, &init, &rng, NULL) == MLP_OK);
    float *p = mlp_net_params(c->net);
    for (size_t i = 0; i < spec->num_layers; i++) /* nonzero biases exercise their gradients */
        for (size_t j = 0; j < spec->widths[i + 1]; j++)
            p[mlp_net_bias_offset(c->net, i) + j] = 0.3f * mlp_rng_normal(&rng);
    for (size_t i = 0; i < SAMPLES * 3; i++) {
        c->x[i] = mlp_rng_normal(&rng);
        c->targets[i] = mlp_rng_uniform(&rng);
    }
    for (size_t i = 0; i < SAMPLES; i++)
        c->labels[i] = (int32_t)mlp_rng_below(&rng, 3);
    c->batch = (mlp_batch){.x = c->x, .n = SAMPLES};
    /* softmax with labels, or in half of the configurations with soft unnormalised targets */
    if (loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY && seed % 4 < 2)
        c->batch.labels = c->labels;
    else
        c->batch.targets = c->targets;
    c->reg = (mlp_regularization){
        .l1 = penalty ? 0.01f : 0, .l2 = penalty ? 0.05f : 0, .on_biases = penalty && seed % 2};
}

/* Checks every entry of c's network against `gradient`. */
static void small_case_check(small_case *c, gradcheck_gradient gradient, void *ctx,
                             mlp_gradcheck_tensor *report) {
    mlp_rng dropout_rng;
    mlp_rng_seed(&dropout_rng, c->seed, 2);
    mlp_error err;
    CHECK_MSG(gradcheck_run(c->net, &c->batch, &c->reg, &dropout_rng, 0, gradient, ctx, report,
                            &err) == MLP_OK,
              "%s", err.message);
}

static void test_gradcheck_every_activation_and_loss(void) {
    uint64_t seed = 1;
    size_t configurations = 0;
    double largest_used = 0; /* |g - n| / E, over the worst entries reported */
    for (size_t a = 0; mlp_hidden_activation_names[a]; a++)
        for (size_t loss = 0; mlp_loss_names[loss]; loss++)
            for (size_t layers = 1; layers <= 3; layers++)
                for (int pen = 0; pen < 2; pen++)
                    for (int drop = 0; drop < 2; drop++) {
                        small_case c;
                        small_case_new(&c, (mlp_activation)a, (mlp_loss)loss, layers, pen, drop,
                                       seed++);
                        mlp_gradcheck_tensor report[2 * MLP_MAX_LAYERS];
                        small_case_check(&c, gradcheck_backprop, NULL, report);
                        size_t tensors = 2 * c.spec.num_layers;
                        for (size_t t = 0; t < tensors; t++) {
                            const mlp_gradcheck_tensor *r = &report[t];
                            CHECK(r->layer == t / 2 && r->is_bias == (t % 2 == 1));
                            CHECK_MSG(r->max_relative_error <= TOLERANCE,
                                      "%s hidden, %s, %zu hidden layers, penalty %d, dropout %d: "
                                      "%s %zu entry %zu: backprop %.12g numeric %.12g error "
                                      "estimate %.3g, relative error beyond it %.3g",
                                      mlp_hidden_activation_names[a], mlp_loss_names[loss], layers,
                                      pen, drop, r->is_bias ? "bias" : "weight", r->layer,
                                      r->worst_index, r->backprop, r->numeric, r->fd_error,
                                      r->max_relative_error);
                            CHECK(r->fd_error > 0);
                            largest_used =
                                fmax(largest_used, fabs(r->backprop - r->numeric) / r->fd_error);
                        }
                        mlp_net_free(c.net);
                        configurations++;
                    }
    printf("  %zu configurations: every entry within its error estimate (largest |g - n| / E "
           "%.2f)\n",
           configurations, largest_used);
}

/* Wrong gradients of every activation x loss (2 hidden layers, L1 + L2, every entry checked):
 * another activation's derivative flags the hidden layers' tensors and not the output layer's;
 * a loss derivative 1% off flags the output layer; a factor 1.01, 1.1 or -1 on every third entry
 * of one tensor flags that tensor, whether it has 3 entries or 30, and no other. */
static void test_gradcheck_catches_wrong_gradients(void) {
    static const double factors[] = {1.01, 1.1, -1};
    uint64_t seed = 100;
    size_t caught = 0;
    for (size_t a = 0; mlp_hidden_activation_names[a]; a++)
        for (size_t loss = 0; mlp_loss_names[loss]; loss++) {
            const char *act_name = mlp_hidden_activation_names[a];
            const char *loss_name = mlp_loss_names[loss];
            small_case c;
            small_case_new(&c, (mlp_activation)a, (mlp_loss)loss, 2, true, false, seed++);
            size_t tensors = 2 * c.spec.num_layers, top = tensors - 2;
            mlp_gradcheck_tensor report[2 * MLP_MAX_LAYERS];

            fault f = {.kind = OTHER_ACTIVATION};
            small_case_check(&c, wrong_gradient, &f, report);
            CHECK_MSG(worst_of(report, 0, top) > TOLERANCE,
                      "%s, %s: another activation's derivative passed (%.3g)", act_name, loss_name,
                      worst_of(report, 0, top));
            CHECK_MSG(worst_of(report, top, tensors) <= TOLERANCE,
                      "%s, %s: the output layer flagged (%.3g)", act_name, loss_name,
                      worst_of(report, top, tensors));
            caught++;

            f = (fault){.kind = LOSS_FACTOR, .factor = 1.01};
            small_case_check(&c, wrong_gradient, &f, report);
            CHECK_MSG(report[top].max_relative_error > TOLERANCE &&
                          report[top + 1].max_relative_error > TOLERANCE,
                      "%s, %s: the loss's derivative 1%% off passed (%.3g, %.3g)", act_name,
                      loss_name, report[top].max_relative_error,
                      report[top + 1].max_relative_error);
            caught++;

            for (size_t t = 0; t < tensors; t++)
                for (size_t k = 0; k < sizeof factors / sizeof *factors; k++) {
                    f = (fault){.kind = ENTRY_FACTOR,
                                .factor = factors[k],
                                .tensor = t,
                                .first = 1,
                                .every = 3};
                    small_case_check(&c, wrong_gradient, &f, report);
                    for (size_t u = 0; u < tensors; u++)
                        if (u != t)
                            CHECK_MSG(report[u].max_relative_error <= TOLERANCE,
                                      "%s, %s: fault in tensor %zu flagged tensor %zu (%.3g)",
                                      act_name, loss_name, t, u, report[u].max_relative_error);
                    if (f.largest_change >= DETECTABLE) {
                        CHECK_MSG(report[t].max_relative_error > TOLERANCE,
                                  "%s, %s: factor %g on tensor %zu passed (%.3g)", act_name,
                                  loss_name, factors[k], t, report[t].max_relative_error);
                        caught++;
                    } else if (f.largest_change == 0) { /* only zero gradients were hit */
                        CHECK(report[t].max_relative_error <= TOLERANCE);
                    }
                }
            mlp_net_free(c.net);
        }
    printf("  %zu wrong gradients caught\n", caught);
}

/* ---- The scales of the shipped examples ---- */

/* 784 inputs like the digits: most pixels 0 in every sample, the rest in (0, 1]. With L2, a
 * weight on a pixel that is 0 in all samples has only the penalty's gradient l2 w, ~1e-8 for e4's
 * N(0, 0.01^2) weights: where the former criterion (|g - n| / max(|g| + |n|, 1e-6) <= 1e-5) saw
 * rounding noise as an error. */
typedef struct {
    const char *name;
    size_t hidden; /* 0: none */
    mlp_activation activation;
    mlp_loss loss;
    float init_scale, l2;
} example_scale;

static const example_scale example_scales[] = {
    {"e4 softmax regression", 0, MLP_ACT_IDENTITY, MLP_LOSS_SOFTMAX_CROSS_ENTROPY, 0.01f, 1e-4f},
    {"e5 784-30-10 sigmoid, quadratic", 30, MLP_ACT_SIGMOID, MLP_LOSS_QUADRATIC, 1.0f, 0},
    {"e1 784-200-10 relu", 200, MLP_ACT_RELU, MLP_LOSS_SOFTMAX_CROSS_ENTROPY, 0.05f, 1e-4f},
};

#define DIGITS 4
#define PIXELS 784
/* W0's stride (7840, 23520, 156800 entries / 125 = 62, 188, 1254) has no large common factor
 * with the row length 784, so the checked entries cover pixels in the middle too. */
#define CHECKED_PER_TENSOR 125

static void test_gradcheck_example_scales(void) {
    for (size_t e = 0; e < sizeof example_scales / sizeof *example_scales; e++) {
        const example_scale *s = &example_scales[e];
        mlp_net_spec spec;
        CHECK(mlp_net_spec_default(&spec, PIXELS, &s->hidden, s->hidden ? 1 : 0, 10, s->activation,
                                   NULL) == MLP_OK);
        spec.loss = s->loss;
        if (s->loss == MLP_LOSS_QUADRATIC) spec.activation[spec.num_layers - 1] = MLP_ACT_SIGMOID;
        spec.threads = 1;
        mlp_net *net;
        CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
        mlp_rng rng;
        mlp_rng_seed(&rng, 11 + e, 1);
        mlp_init_spec init = {.kind = MLP_INIT_NORMAL, .scale = s->init_scale};
        CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
        static float x[DIGITS * PIXELS];
        for (size_t i = 0; i < DIGITS * PIXELS; i++) {
            size_t row = i % PIXELS / 28, column = i % 28; /* a blob in the middle, like digits */
            bool ink =
                row >= 6 && row < 22 && column >= 8 && column < 20 && mlp_rng_uniform(&rng) < 0.5f;
            x[i] = ink ? 1.0f - mlp_rng_uniform(&rng) : 0.0f;
        }
        int32_t labels[DIGITS] = {3, 7, 0, 9};
        mlp_batch batch = {.x = x, .labels = labels, .n = DIGITS};
        mlp_regularization reg = {.l2 = s->l2};
        size_t tensors = 2 * spec.num_layers;
        mlp_gradcheck_tensor report[2 * MLP_MAX_LAYERS];
        mlp_error err;
        CHECK_MSG(gradcheck_run(net, &batch, &reg, NULL, CHECKED_PER_TENSOR, gradcheck_backprop,
                                NULL, report, &err) == MLP_OK,
                  "%s", err.message);
        for (size_t t = 0; t < tensors; t++)
            CHECK_MSG(report[t].max_relative_error <= TOLERANCE,
                      "%s, tensor %zu: entry %zu backprop %.12g numeric %.12g error estimate "
                      "%.3g: %.3g",
                      s->name, t, report[t].worst_index, report[t].backprop, report[t].numeric,
                      report[t].fd_error, report[t].max_relative_error);
        /* A sign or a factor on every other checked entry of one tensor, large (W0: 7840 to
         * 156800 entries) or small (the output biases: 10), is caught there. */
        static const double factors[] = {1.01, -1};
        for (size_t t = 0; t < tensors; t++)
            for (size_t k = 0; k < 2; k++) {
                size_t out = spec.widths[t / 2 + 1];
                size_t count = t % 2 ? out : out * spec.widths[t / 2];
                size_t stride = count <= CHECKED_PER_TENSOR ? 1 : count / CHECKED_PER_TENSOR;
                fault f = {.kind = ENTRY_FACTOR,
                           .factor = factors[k],
                           .tensor = t,
                           .first = stride,
                           .every = 2 * stride};
                CHECK(gradcheck_run(net, &batch, &reg, NULL, CHECKED_PER_TENSOR, wrong_gradient, &f,
                                    report, NULL) == MLP_OK);
                CHECK_MSG(f.largest_change >= DETECTABLE, "%s tensor %zu factor %g: %g", s->name, t,
                          factors[k], f.largest_change);
                CHECK_MSG(report[t].max_relative_error > TOLERANCE,
                          "%s: factor %g on tensor %zu passed (%.3g)", s->name, factors[k], t,
                          report[t].max_relative_error);
                for (size_t u = 0; u < tensors; u++)
                    if (u != t) CHECK(report[u].max_relative_error <= TOLERANCE);
            }
        mlp_net_free(net);
    }
}

/* e4's flagged entry: dense.0.weight 2370, backprop -1.26095646e-08, numeric -1.25899291e-08: a
 * weight of -1.26e-4 on a pixel that is 0 in every sample, so l2 w is its whole gradient. Such
 * entries now match to ~1e-15 (the penalty's quotient is taken apart from the data loss's), pass,
 * and a sign error on them (a change of 2.5e-8 to 5e-8) is caught. */
static void test_gradcheck_tiny_penalty_gradients(void) {
    const example_scale *s = &example_scales[0];
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, PIXELS, NULL, 0, 10, s->activation, NULL) == MLP_OK);
    spec.threads = 1;
    mlp_net *net;
    CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
    mlp_rng rng;
    mlp_rng_seed(&rng, 3, 1);
    mlp_init_spec init = {.kind = MLP_INIT_NORMAL, .scale = s->init_scale};
    CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
    float *w = mlp_net_params(net) + mlp_net_weight_offset(net, 0);
    for (size_t o = 0; o < 10; o++) /* w[o][0], the weights of pixel 0 */
        w[o * PIXELS] = -1.26e-4f * (1.0f + (float)o / 10);
    static float x[DIGITS * PIXELS];
    for (size_t i = 0; i < DIGITS * PIXELS; i++) /* pixel 0 is 0 in every sample */
        x[i] = i % PIXELS == 0 ? 0.0f : mlp_rng_uniform(&rng);
    int32_t labels[DIGITS] = {1, 2, 3, 4};
    mlp_batch batch = {.x = x, .labels = labels, .n = DIGITS};
    mlp_regularization reg = {.l2 = s->l2};
    mlp_gradcheck_tensor report[2];
    /* Only pixel 0's weights (entries 784 o) are checked: max_per_tensor = 10 makes the stride
     * 784. */
    CHECK(gradcheck_run(net, &batch, &reg, NULL, 10, gradcheck_backprop, NULL, report, NULL) ==
          MLP_OK);
    CHECK(report[0].max_relative_error == 0);
    CHECK(fabs(report[0].backprop) > 1e-8 && fabs(report[0].backprop) < 3e-8);
    CHECK_MSG(fabs(report[0].numeric - report[0].backprop) < 1e-15, "%.12g %.12g",
              report[0].backprop, report[0].numeric);
    fault f = {.kind = ENTRY_FACTOR, .factor = -1, .tensor = 0, .first = 0, .every = PIXELS};
    CHECK(gradcheck_run(net, &batch, &reg, NULL, 10, wrong_gradient, &f, report, NULL) == MLP_OK);
    CHECK(f.largest_change < 6e-8);
    CHECK_MSG(report[0].max_relative_error > TOLERANCE, "%.3g", report[0].max_relative_error);
    mlp_net_free(net);
}

/* The double-precision backprop of the check is the float engine's gradient (to float rounding):
 * the check tests the formulas the trainer uses. */
static void test_gradcheck_backprop_matches_float_engine(void) {
    size_t hidden[] = {7, 5};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, 4, hidden, 2, 3, MLP_ACT_TANH, NULL) == MLP_OK);
    mlp_net *net;
    CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
    mlp_rng rng;
    mlp_rng_seed(&rng, 77, 0);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM, .bias = 0.1f};
    CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
    float x[6 * 4];
    int32_t labels[6];
    for (size_t i = 0; i < 24; i++)
        x[i] = mlp_rng_normal(&rng);
    for (size_t i = 0; i < 6; i++)
        labels[i] = (int32_t)mlp_rng_below(&rng, 3);
    mlp_batch batch = {.x = x, .labels = labels, .n = 6};
    mlp_regularization reg = {.l2 = 0.1f};
    mlp_gradcheck_tensor report[6];
    CHECK(mlp_gradcheck(net, &batch, &reg, NULL, report, NULL) == MLP_OK);
    CHECK(mlp_net_gradient(net, &batch, NULL, NULL, NULL) == MLP_OK);
    mlp_net_add_penalty_gradient(net, &reg);
    for (size_t t = 0; t < 6; t++) {
        size_t offset = t % 2 ? mlp_net_bias_offset(net, t / 2) : mlp_net_weight_offset(net, t / 2);
        CHECK_CLOSE(mlp_net_grads(net)[offset + report[t].worst_index], report[t].backprop, 1e-6);
        CHECK(report[t].max_relative_error <= TOLERANCE);
    }
    mlp_net_free(net);
}

/* A sampled check of a larger network visits every (count / max)-th entry of each tensor. */
static void test_gradcheck_sample_strides(void) {
    size_t hidden[] = {40};
    mlp_net_spec spec;
    CHECK(mlp_net_spec_default(&spec, 60, hidden, 1, 10, MLP_ACT_SIGMOID, NULL) == MLP_OK);
    mlp_net *net;
    CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
    mlp_rng rng;
    mlp_rng_seed(&rng, 5, 0);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_NORMAL};
    CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
    float x[3 * 60];
    for (size_t i = 0; i < 180; i++)
        x[i] = mlp_rng_uniform(&rng);
    const int32_t labels[] = {3, 7, 0};
    mlp_batch batch = {.x = x, .labels = labels, .n = 3};
    mlp_regularization reg = {.l2 = 0.01f};
    mlp_gradcheck_tensor report[4];
    CHECK(mlp_gradcheck_sample(net, &batch, &reg, NULL, 100, report, NULL) == MLP_OK);
    CHECK(report[0].worst_index % (2400 / 100) == 0); /* W0: 40 x 60, every 24th */
    CHECK(report[2].worst_index % 4 == 0);            /* W1: 10 x 40, every 4th */
    for (size_t t = 0; t < 4; t++)
        CHECK(report[t].max_relative_error <= TOLERANCE);
    mlp_net_free(net);
}

/* NULLs, a dropout network without a generator and bad labels are refused. */
static void test_gradcheck_refuses_bad_calls(void) {
    mlp_net_spec spec;
    size_t hidden[] = {3};
    CHECK(mlp_net_spec_default(&spec, 2, hidden, 1, 2, MLP_ACT_TANH, NULL) == MLP_OK);
    spec.dropout[0] = 0.5f;
    mlp_net *net;
    CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
    const float x[] = {1, 2};
    const int32_t labels[] = {1}, bad[] = {5};
    mlp_batch batch = {.x = x, .labels = labels, .n = 1};
    mlp_regularization reg = {0};
    mlp_gradcheck_tensor report[4];
    mlp_error err;
    CHECK(mlp_gradcheck(net, &batch, &reg, NULL, report, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_gradcheck(NULL, &batch, &reg, NULL, report, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_gradcheck(net, &batch, &reg, NULL, NULL, &err) == MLP_ERR_ARGUMENT);
    batch.labels = bad;
    mlp_rng rng;
    mlp_rng_seed(&rng, 1, 1);
    CHECK(mlp_gradcheck(net, &batch, &reg, &rng, report, &err) == MLP_ERR_ARGUMENT);
    mlp_net_free(net);
}

int main(void) {
    RUN_TEST(test_gradcheck_every_activation_and_loss);
    RUN_TEST(test_gradcheck_catches_wrong_gradients);
    RUN_TEST(test_gradcheck_example_scales);
    RUN_TEST(test_gradcheck_tiny_penalty_gradients);
    RUN_TEST(test_gradcheck_backprop_matches_float_engine);
    RUN_TEST(test_gradcheck_sample_strides);
    RUN_TEST(test_gradcheck_refuses_bad_calls);
    return harness_finish();
}
