/* One training step of 784-W-10 (ReLU, softmax, batch 128, L2 penalty 1e-4/128 as scikit-learn's
 * alpha, mlp_net_train_step: gradient, penalty and update fused) on one thread, for hidden widths
 * around 256 and for SGD and Adam, in CPU time of the process (so other processes on a shared
 * machine matter less than in wall time): microseconds per step, samples per CPU second and the
 * effective GFLOP/s (2 in out per product, the forward and weight-gradient products of both
 * layers and the input gradient of the second). Also the optimizer's update alone over the
 * network's parameters (mlp_optimizer_step). A fixed random batch, so no data set is needed: this
 * measures the engine, not the gather. Median of 5 rounds of `steps` steps each; widths and
 * optimizers interleaved within a round, so a change of the machine's speed hits all of them.
 *
 * usage: step_rates [--steps N] [--widths W,W,...]   (RESULT lines, bench/bench_common.h) */
#include "bench_common.h"
#include "mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5
#define MAX_WIDTHS 16
#define BATCH 128
#define FEATURES 784
#define CLASSES 10

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    mlp_net *net;
    mlp_optimizer *opt;
} trainee;

static int trainee_make(trainee *t, size_t width, mlp_optimizer_kind kind, mlp_error *err) {
    mlp_net_spec spec;
    size_t hidden[1] = {width};
    if (mlp_net_spec_default(&spec, FEATURES, hidden, 1, CLASSES, MLP_ACT_RELU, err) != MLP_OK)
        return -1;
    spec.max_batch = BATCH;
    spec.threads = 1;
    mlp_rng rng;
    mlp_rng_seed(&rng, 1, 1);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM};
    mlp_optimizer_spec opt_spec;
    mlp_optimizer_spec_default(&opt_spec, kind);
    if (mlp_net_new(&t->net, &spec, err) != MLP_OK || mlp_net_init(t->net, &init, &rng, err) ||
        mlp_optimizer_new(&t->opt, &opt_spec, mlp_net_num_params(t->net), err) != MLP_OK)
        return -1;
    return 0;
}

int main(int argc, char **argv) {
    size_t widths[MAX_WIDTHS] = {192, 200, 224, 256, 288, 320}, num_widths = 6, steps = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--steps") == 0) {
            steps = strtoul(argv[i + 1], NULL, 10);
        } else if (strcmp(argv[i], "--widths") == 0) {
            num_widths = 0;
            for (char *v = argv[i + 1], *end; *v && num_widths < MAX_WIDTHS; v = end) {
                widths[num_widths++] = strtoul(v, &end, 10);
                if (*end == ',') end++;
            }
        } else {
            fprintf(stderr, "usage: step_rates [--steps N] [--widths W,W,...]\n");
            return 2;
        }
    }
    static const mlp_optimizer_kind kinds[] = {MLP_OPT_SGD, MLP_OPT_ADAM};
    static const char *const kind_names[] = {"sgd", "adam"};
    trainee t[MAX_WIDTHS][2];
    mlp_error err = {0};
    for (size_t w = 0; w < num_widths; w++)
        for (size_t k = 0; k < 2; k++)
            if (trainee_make(&t[w][k], widths[w], kinds[k], &err) != 0) {
                fprintf(stderr, "step_rates: %s\n", err.message);
                return 1;
            }
    float *x = malloc(BATCH * FEATURES * sizeof *x);
    int32_t labels[BATCH];
    if (!x) return 1;
    srand(1);
    for (size_t i = 0; i < BATCH * FEATURES; i++)
        x[i] = (float)(rand() % 256) / 255.0f; /* pixel-like values */
    for (size_t i = 0; i < BATCH; i++)
        labels[i] = rand() % CLASSES;
    mlp_batch batch = {.x = x, .labels = labels, .n = BATCH};
    mlp_regularization reg = {.l2 = 1e-4f / BATCH};
    double step_s[MAX_WIDTHS][2][ROUNDS], update_s[MAX_WIDTHS][2][ROUNDS];
    for (int round = -1; round < ROUNDS; round++) /* round -1: warm-up, not kept */
        for (size_t w = 0; w < num_widths; w++)
            for (size_t k = 0; k < 2; k++) {
                mlp_net *net = t[w][k].net;
                mlp_optimizer *opt = t[w][k].opt;
                mlp_batch_result result;
                double start = cpu_seconds();
                for (size_t s = 0; s < steps; s++)
                    if (mlp_net_train_step(net, &batch, NULL, &reg, opt, NULL, 1e-3f, &result,
                                           &err) != MLP_OK) {
                        fprintf(stderr, "step_rates: %s\n", err.message);
                        return 1;
                    }
                double middle = cpu_seconds();
                /* a rate too small to move the weights: the same work as any other */
                for (size_t s = 0; s < steps; s++)
                    mlp_optimizer_step(opt, mlp_net_params(net), mlp_net_grads(net), NULL, 1e-12f);
                double end = cpu_seconds();
                if (round >= 0) {
                    step_s[w][k][round] = (middle - start) / (double)steps;
                    update_s[w][k][round] = (end - middle) / (double)steps;
                }
            }
    for (size_t w = 0; w < num_widths; w++)
        for (size_t k = 0; k < 2; k++) {
            double step = bench_median(step_s[w][k], ROUNDS);
            double update = bench_median(update_s[w][k], ROUNDS);
            double flops = 2.0 * BATCH *
                           (2.0 * FEATURES * (double)widths[w] + 3.0 * (double)widths[w] * CLASSES);
            printf("RESULT side=step net=%d-%zu-%d batch=%d optimizer=%s threads=1 "
                   "step_cpu_us=%.1f samples_per_cpu_s=%.0f gflops_per_cpu_s=%.1f "
                   "update_alone_us=%.1f params=%zu\n",
                   FEATURES, widths[w], CLASSES, BATCH, kind_names[k], step * 1e6, BATCH / step,
                   flops / step * 1e-9, update * 1e6, mlp_net_num_params(t[w][k].net));
        }
    for (size_t w = 0; w < num_widths; w++)
        for (size_t k = 0; k < 2; k++) {
            mlp_optimizer_free(t[w][k].opt);
            mlp_net_free(t[w][k].net);
        }
    free(x);
    return 0;
}
