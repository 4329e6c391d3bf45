/* Agreement with PyTorch: replays the files written by tests/reference/make_reference.py (run by
 * hand with torch; the files are committed). Each case trains a 6-8-5-3 network for 5 steps of 4
 * samples with one optimizer; the loss of every step and the parameters after the last step must
 * agree with torch's to 1e-5 relative. The case table must match the script's. */
#include "harness.h"
#include "mlp.h"

#include <stdint.h>

#define STEPS 5
#define BATCH 4
#define MAX_VALUES 512
/* |a - b| <= REL * max(|a|, |b|, FLOOR): relative, except for values near zero whose float
 * rounding is relatively large (an absolute 1e-7 there). */
#define REL 1e-5
#define FLOOR 1e-2

typedef struct {
    const char *name;
    mlp_activation hidden[2];
    mlp_loss loss;
    mlp_optimizer_kind kind;
    float lr, momentum, dampening;
    bool nesterov, centered;
    float l1, l2, clip;
} reference_case;

#define SOFTMAX MLP_LOSS_SOFTMAX_CROSS_ENTROPY
static const reference_case cases[] = {
    {.name = "sgd",
     .hidden = {MLP_ACT_TANH, MLP_ACT_RELU},
     .loss = SOFTMAX,
     .kind = MLP_OPT_SGD,
     .lr = 0.1f},
    {.name = "sgd_momentum",
     .hidden = {MLP_ACT_TANH, MLP_ACT_RELU},
     .loss = SOFTMAX,
     .kind = MLP_OPT_SGD,
     .lr = 0.1f,
     .momentum = 0.9f,
     .dampening = 0.1f},
    {.name = "sgd_nesterov_l2",
     .hidden = {MLP_ACT_RELU, MLP_ACT_TANH},
     .loss = SOFTMAX,
     .kind = MLP_OPT_SGD,
     .lr = 0.1f,
     .momentum = 0.9f,
     .nesterov = true,
     .l2 = 0.01f},
    {.name = "sgd_l1_clip",
     .hidden = {MLP_ACT_TANH, MLP_ACT_TANH},
     .loss = SOFTMAX,
     .kind = MLP_OPT_SGD,
     .lr = 0.2f,
     .momentum = 0.5f,
     .l1 = 0.001f,
     .clip = 0.5f},
    {.name = "adam",
     .hidden = {MLP_ACT_TANH, MLP_ACT_RELU},
     .loss = SOFTMAX,
     .kind = MLP_OPT_ADAM,
     .lr = 0.01f},
    {.name = "adam_bce",
     .hidden = {MLP_ACT_SIGMOID, MLP_ACT_TANH},
     .loss = MLP_LOSS_BINARY_CROSS_ENTROPY,
     .kind = MLP_OPT_ADAM,
     .lr = 0.01f},
    {.name = "adamw",
     .hidden = {MLP_ACT_RELU, MLP_ACT_RELU},
     .loss = SOFTMAX,
     .kind = MLP_OPT_ADAMW,
     .lr = 0.01f},
    {.name = "rmsprop",
     .hidden = {MLP_ACT_TANH, MLP_ACT_RELU},
     .loss = SOFTMAX,
     .kind = MLP_OPT_RMSPROP,
     .lr = 0.01f},
    {.name = "rmsprop_centered_momentum",
     .hidden = {MLP_ACT_TANH, MLP_ACT_SIGMOID},
     .loss = MLP_LOSS_QUADRATIC,
     .kind = MLP_OPT_RMSPROP,
     .lr = 0.01f,
     .momentum = 0.5f,
     .centered = true},
};

typedef struct {
    double params0[MAX_VALUES], x[MAX_VALUES], labels[MAX_VALUES], targets[MAX_VALUES];
    double loss[MAX_VALUES], params[MAX_VALUES];
    size_t num_params;
} reference;

/* Reads the records "name count" + count numbers of one reference file. */
static void read_reference(const char *name, reference *ref) {
    const char *dir = getenv("MLP_REFERENCE_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s.txt", dir ? dir : "tests/reference", name);
    FILE *f = fopen(path, "r");
    CHECK_MSG(f, "cannot open %s (run the tests from the repository root)", path);
    char line[256];
    CHECK(fgets(line, sizeof line, f) && line[0] == '#');
    char key[32];
    size_t count;
    int records = 0;
    while (fscanf(f, "%31s %zu", key, &count) == 2) {
        double *dst = strcmp(key, "params0") == 0   ? ref->params0
                      : strcmp(key, "x") == 0       ? ref->x
                      : strcmp(key, "labels") == 0  ? ref->labels
                      : strcmp(key, "targets") == 0 ? ref->targets
                      : strcmp(key, "loss") == 0    ? ref->loss
                      : strcmp(key, "params") == 0  ? ref->params
                                                    : NULL;
        CHECK_MSG(dst && count <= MAX_VALUES, "%s: bad record %s %zu", path, key, count);
        for (size_t i = 0; i < count; i++)
            CHECK(fscanf(f, "%lf", &dst[i]) == 1);
        if (dst == ref->params0) ref->num_params = count;
        records++;
    }
    fclose(f);
    CHECK_MSG(records == 6, "%s: %d records", path, records);
}

static double relative_error(double a, double b) {
    return fabs(a - b) / fmax(fmax(fabs(a), fabs(b)), FLOOR);
}

static void replay(const reference_case *c) {
    static reference ref;
    memset(&ref, 0, sizeof ref);
    read_reference(c->name, &ref);
    mlp_net_spec spec = {.num_layers = 3,
                         .widths = {6, 8, 5, 3},
                         .activation = {c->hidden[0], c->hidden[1]},
                         .loss = c->loss,
                         .leaky_relu_slope = 0.01f,
                         .max_batch = BATCH};
    spec.activation[2] = c->loss == SOFTMAX ? MLP_ACT_SOFTMAX : MLP_ACT_SIGMOID;
    mlp_net *net;
    mlp_error err;
    CHECK_MSG(mlp_net_new(&net, &spec, &err) == MLP_OK, "%s", err.message);
    size_t np = mlp_net_num_params(net);
    CHECK(np == ref.num_params);
    float *p = mlp_net_params(net);
    for (size_t i = 0; i < np; i++)
        p[i] = (float)ref.params0[i];

    mlp_optimizer_spec ospec;
    mlp_optimizer_spec_default(&ospec, c->kind);
    ospec.momentum = c->momentum;
    ospec.dampening = c->dampening;
    ospec.nesterov = c->nesterov;
    ospec.centered = c->centered;
    mlp_optimizer *opt;
    CHECK_MSG(mlp_optimizer_new(&opt, &ospec, np, &err) == MLP_OK, "%s", err.message);
    uint8_t mask[MAX_VALUES];
    mlp_net_weight_mask(net, false, mask);
    mlp_regularization reg = {.l1 = c->l1, .l2 = c->l2};

    float x[STEPS * BATCH * 6], targets[STEPS * BATCH * 3];
    int32_t labels[STEPS * BATCH];
    for (size_t i = 0; i < STEPS * BATCH * 6; i++)
        x[i] = (float)ref.x[i];
    for (size_t i = 0; i < STEPS * BATCH * 3; i++)
        targets[i] = (float)ref.targets[i];
    for (size_t i = 0; i < STEPS * BATCH; i++)
        labels[i] = (int32_t)ref.labels[i];
    double worst = 0;
    for (size_t s = 0; s < STEPS; s++) {
        mlp_batch batch = {.x = x + s * BATCH * 6, .n = BATCH};
        if (c->loss == SOFTMAX)
            batch.labels = labels + s * BATCH;
        else
            batch.targets = targets + s * BATCH * 3;
        mlp_batch_result r;
        CHECK(mlp_net_gradient(net, &batch, NULL, &r, &err) == MLP_OK);
        mlp_net_add_penalty_gradient(net, &reg);
        mlp_clip_grad_norm(mlp_net_grads(net), np, c->clip);
        mlp_optimizer_step(opt, p, mlp_net_grads(net), mask, c->lr);
        double e = relative_error(r.loss, ref.loss[s]);
        CHECK_MSG(e <= REL, "%s step %zu: loss %.9g, torch %.9g", c->name, s, r.loss, ref.loss[s]);
        worst = fmax(worst, e);
    }
    CHECK(mlp_optimizer_steps(opt) == STEPS);
    for (size_t i = 0; i < np; i++) {
        double e = relative_error(p[i], ref.params[i]);
        CHECK_MSG(e <= REL, "%s: parameter %zu: %.9g, torch %.9g", c->name, i, (double)p[i],
                  ref.params[i]);
        worst = fmax(worst, e);
        CHECK(p[i] != (float)ref.params0[i] || ref.params[i] == ref.params0[i]);
    }
    printf("  %-26s max relative difference %.2g\n", c->name, worst);
    mlp_optimizer_free(opt);
    mlp_net_free(net);
}

static void test_optimizers_agree_with_torch(void) {
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        replay(&cases[i]);
}

int main(void) {
    RUN_TEST(test_optimizers_agree_with_torch);
    return harness_finish();
}
