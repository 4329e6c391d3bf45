/* The mlp side of the benchmark: trains a network on Fashion-MNIST through the public libmlp API
 * the way `mlp train` does, and prints a RESULT line (bench/bench_common.h). Images stay in memory
 * as bytes; each step gathers the shuffled batch into a float buffer (x / 255), takes the gradient
 * (mlp_net_gradient) and applies SGD with Nesterov momentum (mlp_optimizer_step). One epoch is all
 * samples in a fresh order, the last batch possibly short. Untimed warm-up epochs first, then the
 * median of the timed epochs. Inference: mlp_net_predict over the test set in chunks.
 *
 * usage: mlp_bench [--hidden W[,W...]] [--batch B] [--epochs E] [--warmup W] [--limit N]
 *                  [--lr LR] [--momentum M] [--seed S] [--infer-batch B] [--data DIR] */
#include "bench_common.h"
#include "idx_gz.h"
#include "mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EPOCHS 100

typedef struct {
    size_t hidden[MLP_MAX_LAYERS];
    size_t num_hidden;
    size_t batch, epochs, warmup, limit, infer_batch;
    float lr, momentum;
    uint64_t seed;
    const char *data;
} options;

typedef struct {
    uint8_t *images; /* [count, features] */
    uint8_t *labels; /* [count] */
    size_t count, features;
} byte_dataset;

static int parse_options(int argc, char **argv, options *o) {
    *o = (options){.hidden = {200},
                   .num_hidden = 1,
                   .batch = 50,
                   .epochs = 5,
                   .warmup = 1,
                   .infer_batch = 1000,
                   .lr = 0.01f,
                   .momentum = 0.9f,
                   .seed = 1,
                   .data = "/usr/share/datasets/fashion-mnist"};
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *key = argv[i], *value = argv[i + 1];
        if (strcmp(key, "--hidden") == 0) {
            o->num_hidden = 0;
            for (char *end; *value && o->num_hidden < MLP_MAX_LAYERS - 1; value = end) {
                o->hidden[o->num_hidden++] = strtoul(value, &end, 10);
                if (*end == ',')
                    end++;
                else if (*end)
                    return -1;
            }
        } else if (strcmp(key, "--batch") == 0)
            o->batch = strtoul(value, NULL, 10);
        else if (strcmp(key, "--epochs") == 0)
            o->epochs = strtoul(value, NULL, 10);
        else if (strcmp(key, "--warmup") == 0)
            o->warmup = strtoul(value, NULL, 10);
        else if (strcmp(key, "--limit") == 0)
            o->limit = strtoul(value, NULL, 10);
        else if (strcmp(key, "--infer-batch") == 0)
            o->infer_batch = strtoul(value, NULL, 10);
        else if (strcmp(key, "--lr") == 0)
            o->lr = strtof(value, NULL);
        else if (strcmp(key, "--momentum") == 0)
            o->momentum = strtof(value, NULL);
        else if (strcmp(key, "--seed") == 0)
            o->seed = strtoull(value, NULL, 10);
        else if (strcmp(key, "--data") == 0)
            o->data = value;
        else
            return -1;
    }
    bool ok = argc % 2 == 1 && o->batch > 0 && o->infer_batch > 0 && o->epochs > 0 &&
              o->epochs <= MAX_EPOCHS;
    return ok ? 0 : -1;
}

static int load_split(const options *o, const char *prefix, byte_dataset *d) {
    char path[1024];
    size_t label_count, one;
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", o->data, prefix);
    d->images = idx_gz_read(path, &d->count, &d->features);
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", o->data, prefix);
    d->labels = d->images ? idx_gz_read(path, &label_count, &one) : NULL;
    if (!d->labels) return -1;
    if (label_count != d->count) {
        fprintf(stderr, "%s: %zu labels for %zu images\n", path, label_count, d->count);
        return -1;
    }
    if (o->limit && o->limit < d->count) d->count = o->limit;
    return 0;
}

/* x[r] = images[index[r]] / 255 for the n samples of a batch; labels likewise. */
static void gather_batch(const byte_dataset *d, const uint32_t *index, size_t n, float *x,
                         int32_t *labels) {
    const float scale = 1.0f / 255.0f;
    for (size_t r = 0; r < n; r++) {
        const uint8_t *src = d->images + (size_t)index[r] * d->features;
        float *dst = x + r * d->features;
        for (size_t j = 0; j < d->features; j++)
            dst[j] = (float)src[j] * scale;
        labels[r] = d->labels[index[r]];
    }
}

static int fail(const char *what, const mlp_error *err) {
    fprintf(stderr, "mlp_bench: %s: %s\n", what, err->message);
    return 1;
}

int main(int argc, char **argv) {
    options o;
    if (parse_options(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: mlp_bench [--hidden W[,W...]] [--batch B] [--epochs 1..%d] "
                "[--warmup W] [--limit N] [--lr LR] [--momentum M] [--seed S] "
                "[--infer-batch B] [--data DIR]\n",
                MAX_EPOCHS);
        return 2;
    }
    byte_dataset train = {0}, test = {0};
    if (load_split(&o, "train", &train) != 0 || load_split(&o, "t10k", &test) != 0) return 1;

    mlp_error err = {0};
    mlp_net_spec spec;
    mlp_net *net = NULL;
    mlp_optimizer *opt = NULL;
    if (mlp_net_spec_default(&spec, train.features, o.hidden, o.num_hidden, 10, MLP_ACT_RELU,
                             &err) != MLP_OK)
        return fail("network", &err);
    spec.max_batch = o.batch > o.infer_batch ? o.batch : o.infer_batch;
    mlp_rng init_rng, shuffle_rng;
    mlp_rng_seed(&init_rng, o.seed, 1);
    mlp_rng_seed(&shuffle_rng, o.seed, 2);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM};
    if (mlp_net_new(&net, &spec, &err) != MLP_OK || mlp_net_init(net, &init, &init_rng, &err))
        return fail("network", &err);
    mlp_optimizer_spec opt_spec;
    mlp_optimizer_spec_default(&opt_spec, MLP_OPT_SGD);
    opt_spec.lr = o.lr;
    opt_spec.momentum = o.momentum;
    opt_spec.nesterov = true;
    if (mlp_optimizer_new(&opt, &opt_spec, mlp_net_num_params(net), &err) != MLP_OK)
        return fail("optimizer", &err);

    float *x = malloc(spec.max_batch * train.features * sizeof *x);
    int32_t *labels = malloc(spec.max_batch * sizeof *labels);
    uint32_t *order = malloc(train.count * sizeof *order);
    if (!x || !labels || !order) {
        fprintf(stderr, "mlp_bench: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < train.count; i++)
        order[i] = (uint32_t)i;
    float *params = mlp_net_params(net);
    const float *grads = mlp_net_grads(net);

    double seconds[MAX_EPOCHS];
    for (size_t epoch = 0; epoch < o.warmup + o.epochs; epoch++) {
        double start = bench_now();
        mlp_rng_shuffle(&shuffle_rng, order, train.count);
        for (size_t first = 0; first < train.count; first += o.batch) {
            size_t n = train.count - first < o.batch ? train.count - first : o.batch;
            gather_batch(&train, order + first, n, x, labels);
            mlp_batch batch = {.x = x, .labels = labels, .n = n};
            mlp_batch_result result;
            if (mlp_net_gradient(net, &batch, NULL, &result, &err) != MLP_OK)
                return fail("gradient", &err);
            mlp_optimizer_step(opt, params, grads, NULL, o.lr);
        }
        if (epoch >= o.warmup) seconds[epoch - o.warmup] = bench_now() - start;
    }

    /* Inference: the test set in chunks, converted from bytes as the command's predict does. */
    int32_t *classes = malloc(test.count * sizeof *classes);
    uint32_t *identity = malloc(test.count * sizeof *identity);
    if (!classes || !identity) {
        fprintf(stderr, "mlp_bench: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < test.count; i++)
        identity[i] = (uint32_t)i;
    double infer_seconds[5];
    for (size_t rep = 0; rep < 5; rep++) {
        double start = bench_now();
        for (size_t first = 0; first < test.count; first += o.infer_batch) {
            size_t n = test.count - first < o.infer_batch ? test.count - first : o.infer_batch;
            gather_batch(&test, identity + first, n, x, labels);
            if (mlp_net_predict(net, x, n, classes + first, &err) != MLP_OK)
                return fail("predict", &err);
        }
        infer_seconds[rep] = bench_now() - start;
    }
    size_t correct = 0;
    for (size_t i = 0; i < test.count; i++)
        correct += classes[i] == test.labels[i];

    char net_text[256] = "", epochs_text[MAX_EPOCHS * 12] = "";
    for (size_t i = 0; i <= spec.num_layers; i++)
        snprintf(net_text + strlen(net_text), sizeof net_text - strlen(net_text), "%s%zu",
                 i ? "-" : "", spec.widths[i]);
    for (size_t e = 0; e < o.epochs; e++)
        snprintf(epochs_text + strlen(epochs_text), sizeof epochs_text - strlen(epochs_text),
                 "%s%.4f", e ? " " : "", seconds[e]);
    double median = bench_median(seconds, o.epochs);
    double infer_median = bench_median(infer_seconds, 5);
    printf("RESULT side=mlp net=%s batch=%zu samples=%zu epochs=%zu median_epoch_s=%.4f "
           "samples_per_s=%.1f infer_samples_per_s=%.1f test_accuracy=%.4f peak_rss_mib=%.1f "
           "epoch_s=\"%s\" mlp=%s blas=%s\n",
           net_text, o.batch, train.count, o.epochs, median, (double)train.count / median,
           (double)test.count / infer_median, (double)correct / (double)test.count,
           bench_peak_rss_mib(), epochs_text, MLP_VERSION, bench_blas_description());

    free(classes);
    free(identity);
    free(x);
    free(labels);
    free(order);
    mlp_optimizer_free(opt);
    mlp_net_free(net);
    free(train.images);
    free(train.labels);
    free(test.images);
    free(test.labels);
    return 0;
}
