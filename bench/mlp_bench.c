/* The mlp side of the benchmark: trains a network on Fashion-MNIST through the public libmlp API
 * the way `mlp train` does, and prints a RESULT line (bench/bench_common.h). Images stay in memory
 * as bytes (mlp_dataset_load); each step gathers the shuffled batch into a float buffer scaled to
 * [0, 1] (mlp_net_gather: mlp_dataset_gather with the "scale" preparation, on the network's threads) and takes one step of SGD with Nesterov
 * momentum (mlp_net_train_step: gradient and update fused, as `mlp train` does). One epoch is all
 * samples in a fresh order, the last batch possibly short. Untimed warm-up epochs first, then the
 * median of the timed epochs. Inference: the test set gathered and classified (mlp_net_predict) in
 * chunks. --precision bf16 runs the layer products in bf16 (mlp_net_set_precision; side mlp-bf16),
 * and prints a SKIP line instead where the CPU or build cannot.
 *
 * usage: mlp_bench [--hidden W[,W...]] [--batch B] [--epochs E] [--warmup W] [--limit N]
 *                  [--lr LR] [--momentum M] [--seed S] [--infer-batch B] [--data DIR]
 *                  [--precision f32|bf16] */
#include "bench_common.h"
#include "core/sgemm.h" /* only to report which kernels the products use */
#include "mlp.h"

#include <cblas-openblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EPOCHS 100
#define INFERENCE_REPEATS 5

typedef struct {
    size_t hidden[MLP_MAX_LAYERS];
    size_t num_hidden;
    size_t batch, epochs, warmup, limit, infer_batch;
    float lr, momentum;
    uint64_t seed;
    const char *data;
    mlp_precision precision;
} options;

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
        else if (strcmp(key, "--precision") == 0) {
            if (!mlp_precision_from_name(value, &o->precision)) return -1;
        } else
            return -1;
    }
    bool ok = argc % 2 == 1 && o->batch > 0 && o->infer_batch > 0 && o->epochs > 0 &&
              o->epochs <= MAX_EPOCHS;
    return ok ? 0 : -1;
}

/* PREFIX-images and -labels of the data directory, the first `limit` samples when limit > 0. */
static mlp_dataset *load_split(const options *o, const char *prefix, mlp_error *err) {
    char source[2048], limit[64] = "";
    if (o->limit) snprintf(limit, sizeof limit, ",limit=%zu", o->limit);
    snprintf(source, sizeof source, "%s/%s-images-idx3-ubyte.gz,%s/%s-labels-idx1-ubyte.gz%s",
             o->data, prefix, o->data, prefix, limit);
    mlp_dataset *d = NULL;
    return mlp_dataset_load(&d, source, err) == MLP_OK ? d : NULL;
}

static int fail(const char *what, const mlp_error *err) {
    fprintf(stderr, "mlp_bench: %s: %s\n", what, err->message);
    return 1;
}

static void *allocate(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size);
    if (!p) {
        fprintf(stderr, "mlp_bench: out of memory\n");
        exit(1);
    }
    return p;
}

int main(int argc, char **argv) {
    options o;
    if (parse_options(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: mlp_bench [--hidden W[,W...]] [--batch B] [--epochs 1..%d] "
                "[--warmup W] [--limit N] [--lr LR] [--momentum M] [--seed S] "
                "[--infer-batch B] [--data DIR] [--precision f32|bf16]\n",
                MAX_EPOCHS);
        return 2;
    }
    mlp_error err = {0};
    mlp_dataset *train = load_split(&o, "train", &err), *test = NULL;
    if (!train || !(test = load_split(&o, "t10k", &err))) return fail("data", &err);
    size_t train_count = mlp_dataset_count(train), test_count = mlp_dataset_count(test);
    size_t features = mlp_dataset_features(train);
    uint32_t *order = allocate(train_count, sizeof *order);
    for (size_t i = 0; i < train_count; i++)
        order[i] = (uint32_t)i;
    mlp_transform_spec prep = {.scale = true};
    mlp_transform *transform = NULL;
    if (mlp_transform_new(&transform, &prep, features, &err) != MLP_OK ||
        mlp_transform_fit(transform, train, order, train_count, &err) != MLP_OK)
        return fail("preparation", &err);

    mlp_net_spec spec;
    mlp_net *net = NULL;
    mlp_optimizer *opt = NULL;
    if (mlp_net_spec_default(&spec, features, o.hidden, o.num_hidden, 10, MLP_ACT_RELU, &err) !=
        MLP_OK)
        return fail("network", &err);
    spec.max_batch = o.batch > o.infer_batch ? o.batch : o.infer_batch;
    spec.threads = (size_t)openblas_get_num_threads(); /* OPENBLAS_NUM_THREADS, as torch and numpy */
    mlp_rng init_rng, shuffle_rng;
    mlp_rng_seed(&init_rng, o.seed, 1);
    mlp_rng_seed(&shuffle_rng, o.seed, 2);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM};
    if (mlp_net_new(&net, &spec, &err) != MLP_OK || mlp_net_init(net, &init, &init_rng, &err))
        return fail("network", &err);
    if (mlp_net_set_precision(net, o.precision, &err) != MLP_OK) {
        printf("SKIP side=mlp-bf16 reason=\"%s\"\n", err.message);
        mlp_net_free(net);
        mlp_transform_free(transform);
        mlp_dataset_free(train);
        mlp_dataset_free(test);
        free(order);
        return 0;
    }
    mlp_optimizer_spec opt_spec;
    mlp_optimizer_spec_default(&opt_spec, MLP_OPT_SGD);
    opt_spec.momentum = o.momentum;
    opt_spec.nesterov = true;
    if (mlp_optimizer_new(&opt, &opt_spec, mlp_net_num_params(net), &err) != MLP_OK)
        return fail("optimizer", &err);

    float *x = allocate(spec.max_batch * features, sizeof *x);
    int32_t *labels = allocate(spec.max_batch, sizeof *labels);
    double seconds[MAX_EPOCHS];
    for (size_t epoch = 0; epoch < o.warmup + o.epochs; epoch++) {
        double start = bench_now();
        mlp_rng_shuffle(&shuffle_rng, order, train_count);
        for (size_t first = 0; first < train_count; first += o.batch) {
            size_t n = train_count - first < o.batch ? train_count - first : o.batch;
            mlp_batch batch = {.x = x, .labels = labels, .n = n};
            mlp_batch_result result;
            if (mlp_net_gather(net, train, order + first, n, transform, NULL, NULL, x, labels,
                               &err) != MLP_OK ||
                mlp_net_train_step(net, &batch, NULL, NULL, opt, NULL, o.lr, &result, &err) !=
                    MLP_OK)
                return fail("training step", &err);
        }
        if (epoch >= o.warmup) seconds[epoch - o.warmup] = bench_now() - start;
    }

    /* Inference: the test set in chunks, gathered from bytes as the command's predict does. */
    int32_t *classes = allocate(test_count, sizeof *classes);
    uint32_t *identity = allocate(test_count, sizeof *identity);
    for (size_t i = 0; i < test_count; i++)
        identity[i] = (uint32_t)i;
    double infer_seconds[INFERENCE_REPEATS];
    for (size_t rep = 0; rep < INFERENCE_REPEATS; rep++) {
        double start = bench_now();
        for (size_t first = 0; first < test_count; first += o.infer_batch) {
            size_t n = test_count - first < o.infer_batch ? test_count - first : o.infer_batch;
            if (mlp_net_gather(net, test, identity + first, n, transform, NULL, NULL, x, NULL,
                               &err) != MLP_OK ||
                mlp_net_predict(net, x, n, classes + first, &err) != MLP_OK)
                return fail("inference", &err);
        }
        infer_seconds[rep] = bench_now() - start;
    }
    size_t correct = 0;
    const int32_t *test_labels = mlp_dataset_labels(test);
    for (size_t i = 0; i < test_count; i++)
        correct += classes[i] == test_labels[i];

    char net_text[256] = "", epochs_text[MAX_EPOCHS * 12] = "";
    for (size_t i = 0; i <= spec.num_layers; i++)
        snprintf(net_text + strlen(net_text), sizeof net_text - strlen(net_text), "%s%zu",
                 i ? "-" : "", spec.widths[i]);
    for (size_t e = 0; e < o.epochs; e++)
        snprintf(epochs_text + strlen(epochs_text), sizeof epochs_text - strlen(epochs_text),
                 "%s%.4f", e ? " " : "", seconds[e]);
    double median = bench_median(seconds, o.epochs);
    double infer_median = bench_median(infer_seconds, INFERENCE_REPEATS);
    printf("RESULT side=%s net=%s batch=%zu samples=%zu epochs=%zu median_epoch_s=%.4f "
           "samples_per_s=%.1f infer_samples_per_s=%.1f test_accuracy=%.4f peak_rss_mib=%.1f "
           "epoch_s=\"%s\" mlp=%s kernels=\"%s\" blas=%s\n",
           o.precision == MLP_PRECISION_BF16 ? "mlp-bf16" : "mlp", net_text, o.batch, train_count,
           o.epochs, median, (double)train_count / median, (double)test_count / infer_median,
           (double)correct / (double)test_count, bench_peak_rss_mib(), epochs_text, MLP_VERSION,
           o.precision == MLP_PRECISION_BF16
               ? "layer products: mlp's own AVX512_BF16 kernels (bf16 products, float32 sums), as "
                 "many threads as OpenBLAS has"
           : core_sgemm_uses_avx512()
               ? "layer products: mlp's own AVX-512 kernels, as many threads as OpenBLAS has"
               : "layer products: cblas_sgemm (this CPU has no AVX-512)",
           bench_blas_description());

    free(classes);
    free(identity);
    free(x);
    free(labels);
    free(order);
    mlp_optimizer_free(opt);
    mlp_net_free(net);
    mlp_transform_free(transform);
    mlp_dataset_free(train);
    mlp_dataset_free(test);
    return 0;
}
