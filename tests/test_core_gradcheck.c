/* Backpropagation against finite differences (mlp_gradcheck, in double precision through the
 * engine's own formulas): every hidden activation x every loss, 1 to 3 hidden layers, with and
 * without L1/L2 penalties and dropout (one fixed mask). */
#include "harness.h"
#include "mlp.h"

#include <stdint.h>

#define SAMPLES 5
static const mlp_activation activations[] = {MLP_ACT_IDENTITY, MLP_ACT_SIGMOID, MLP_ACT_TANH,
                                             MLP_ACT_RELU, MLP_ACT_LEAKY_RELU};
static const char *const activation_names[] = {"identity", "sigmoid", "tanh", "relu", "leaky"};
static const char *const loss_names[] = {"softmax-ce", "sigmoid-bce", "quadratic"};

/* Worst relative error over all tensors of one configuration. */
static double check_config(mlp_activation act, mlp_loss loss, size_t hidden_layers, bool penalty,
                           bool dropout, uint64_t seed) {
    static const size_t widths[] = {4, 6, 5, 4};
    mlp_net_spec spec = {.num_layers = hidden_layers + 1,
                         .loss = loss,
                         .max_batch = SAMPLES,
                         .leaky_relu_slope = 0.1f};
    spec.widths[0] = 3;
    for (size_t i = 0; i < hidden_layers; i++) {
        spec.widths[i + 1] = widths[i + 1];
        spec.activation[i] = act;
        spec.dropout[i] = dropout ? 0.3f : 0.0f;
    }
    size_t outputs = 3;
    spec.widths[hidden_layers + 1] = outputs;
    spec.activation[hidden_layers] = loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY  ? MLP_ACT_SOFTMAX
                                     : loss == MLP_LOSS_BINARY_CROSS_ENTROPY ? MLP_ACT_SIGMOID
                                                                             : act;
    mlp_net *net;
    mlp_error err;
    CHECK_MSG(mlp_net_new(&net, &spec, &err) == MLP_OK, "%s", err.message);
    mlp_rng rng;
    mlp_rng_seed(&rng, seed, 1);
    mlp_init_spec init = {.kind = MLP_INIT_NORMAL, .scale = 0.8f};
    CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
    float *p = mlp_net_params(net);
    for (size_t i = 0; i < spec.num_layers; i++) /* nonzero biases exercise their gradients */
        for (size_t j = 0; j < spec.widths[i + 1]; j++)
            p[mlp_net_bias_offset(net, i) + j] = 0.3f * mlp_rng_normal(&rng);
    float x[SAMPLES * 3], targets[SAMPLES * 3];
    int32_t labels[SAMPLES];
    for (size_t i = 0; i < SAMPLES * 3; i++) {
        x[i] = mlp_rng_normal(&rng);
        targets[i] = mlp_rng_uniform(&rng);
    }
    for (size_t i = 0; i < SAMPLES; i++)
        labels[i] = (int32_t)mlp_rng_below(&rng, 3);
    mlp_batch batch = {.x = x, .n = SAMPLES};
    /* softmax with labels, or in half of the configurations with soft unnormalised targets */
    if (loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY && seed % 4 < 2)
        batch.labels = labels;
    else
        batch.targets = targets;
    mlp_regularization reg = {
        .l1 = penalty ? 0.01f : 0, .l2 = penalty ? 0.05f : 0, .on_biases = penalty && seed % 2};
    mlp_gradcheck_tensor report[2 * MLP_MAX_LAYERS];
    mlp_rng dropout_rng;
    mlp_rng_seed(&dropout_rng, seed, 2);
    CHECK_MSG(mlp_gradcheck(net, &batch, &reg, &dropout_rng, report, &err) == MLP_OK, "%s",
              err.message);
    double worst = 0;
    for (size_t t = 0; t < 2 * spec.num_layers; t++) {
        CHECK(report[t].layer == t / 2 && report[t].is_bias == (t % 2 == 1));
        if (report[t].max_relative_error > 1e-4)
            fprintf(stderr, "  layer %zu %s index %zu: backprop %.9g numeric %.9g\n",
                    report[t].layer, report[t].is_bias ? "bias" : "weight", report[t].worst_index,
                    report[t].backprop, report[t].numeric);
        worst = fmax(worst, report[t].max_relative_error);
    }
    mlp_net_free(net);
    return worst;
}

static void test_gradcheck_every_activation_and_loss(void) {
    uint64_t seed = 1;
    double worst_all = 0;
    for (size_t a = 0; a < 5; a++)
        for (int loss = 0; loss < 3; loss++)
            for (size_t layers = 1; layers <= 3; layers++)
                for (int pen = 0; pen < 2; pen++)
                    for (int drop = 0; drop < 2; drop++) {
                        double worst =
                            check_config(activations[a], (mlp_loss)loss, layers, pen, drop, seed++);
                        CHECK_MSG(worst < 1e-4,
                                  "%s hidden, %s, %zu hidden layers, penalty %d, dropout %d: "
                                  "max relative error %g",
                                  activation_names[a], loss_names[loss], layers, pen, drop, worst);
                        worst_all = fmax(worst_all, worst);
                    }
    printf("  max relative error over 180 configurations: %.3g\n", worst_all);
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
        CHECK(report[t].max_relative_error < 1e-6);
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
        CHECK(report[t].max_relative_error < 1e-4);
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
    RUN_TEST(test_gradcheck_backprop_matches_float_engine);
    RUN_TEST(test_gradcheck_sample_strides);
    RUN_TEST(test_gradcheck_refuses_bad_calls);
    return harness_finish();
}
