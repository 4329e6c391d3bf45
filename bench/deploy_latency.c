/* Single-sample inference of one model three ways, on a labelled test set: libmlp (the model's
 * preparation, mlp_transform_apply, then mlp_net_predict on one row) and its C exports, float and
 * int8, compiled in as f_predict and q_predict (bench/deploy.sh makes them). Prints, per way, the
 * test accuracy, the agreement with libmlp and the mean time per sample (the best of `rounds`
 * passes over the whole set, one sample at a time); and, for scale, libmlp's batched
 * mlp_model_predict (256 rows a product) per sample.
 *   deploy_latency MODEL.safetensors TEST_SOURCE [ROUNDS] */
#include "f.h"
#include "mlp.h"
#include "q.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The raw values of sample i as floats. */
static void raw_row(const mlp_dataset *data, size_t i, float *x) {
    size_t d = mlp_dataset_features(data);
    const uint8_t *bytes = mlp_dataset_bytes(data);
    if (bytes)
        for (size_t j = 0; j < d; j++)
            x[j] = bytes[i * d + j];
    else
        memcpy(x, mlp_dataset_floats(data) + i * d, d * sizeof *x);
}

enum { LIBMLP, FLOAT_C, INT8_C, WAYS };
static const char *const way_names[WAYS] = {"libmlp (mlp_net_predict, 1 row)", "C export, float",
                                            "C export, int8"};

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: deploy_latency MODEL.safetensors TEST_SOURCE [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    mlp_error err;
    mlp_model *model;
    mlp_dataset *data;
    if (mlp_model_load(&model, argv[1], &err) != MLP_OK ||
        mlp_dataset_load(&data, argv[2], &err) != MLP_OK ||
        mlp_model_accept(model, data, &err) != MLP_OK) {
        fprintf(stderr, "deploy_latency: %s\n", err.message);
        return 1;
    }
    size_t n = mlp_dataset_count(data), d = mlp_dataset_features(data);
    if (d != F_FEATURES || d != Q_FEATURES) {
        fprintf(stderr, "deploy_latency: %zu features, the exports take %d\n", d, F_FEATURES);
        return 1;
    }
    mlp_net *net = mlp_model_net(model);
    const mlp_transform *t = mlp_model_transform(model);
    const int32_t *labels = mlp_dataset_labels(data);
    float *raw = malloc(n * d * sizeof *raw), *x = malloc(d * sizeof *x);
    int32_t *predicted[WAYS];
    for (int w = 0; w < WAYS; w++)
        predicted[w] = malloc(n * sizeof *predicted[w]);
    for (size_t i = 0; i < n; i++)
        raw_row(data, i, raw + i * d);
    double best[WAYS];
    for (int w = 0; w < WAYS; w++) {
        best[w] = 1e30;
        for (int r = 0; r < rounds; r++) {
            double start = now();
            for (size_t i = 0; i < n; i++) {
                const float *input = raw + i * d;
                if (w == LIBMLP) {
                    memcpy(x, input, d * sizeof *x);
                    if (t) mlp_transform_apply(t, x, 1);
                    if (mlp_net_predict(net, x, 1, &predicted[w][i], &err) != MLP_OK) {
                        fprintf(stderr, "deploy_latency: %s\n", err.message);
                        return 1;
                    }
                } else {
                    predicted[w][i] =
                        w == FLOAT_C ? f_predict(input, NULL) : q_predict(input, NULL);
                }
            }
            double seconds = now() - start;
            if (seconds < best[w]) best[w] = seconds;
        }
    }
    double batched = 1e30;
    for (int r = 0; r < rounds; r++) {
        double start = now();
        if (mlp_model_predict(model, data, predicted[LIBMLP], NULL, &err) != MLP_OK) {
            fprintf(stderr, "deploy_latency: %s\n", err.message);
            return 1;
        }
        double seconds = now() - start;
        if (seconds < batched) batched = seconds;
    }
    printf("%zu samples, best of %d passes, one sample per call\n", n, rounds);
    printf("| way | test accuracy | same class as libmlp | microseconds per sample |\n");
    printf("| --- | --- | --- | --- |\n");
    for (int w = 0; w < WAYS; w++) {
        size_t correct = 0, same = 0;
        for (size_t i = 0; i < n; i++) {
            correct += predicted[w][i] == labels[i];
            same += predicted[w][i] == predicted[LIBMLP][i];
        }
        printf("| %s | %.4f | %.2f %% | %.2f |\n", way_names[w], (double)correct / (double)n,
               100.0 * (double)same / (double)n, 1e6 * best[w] / (double)n);
    }
    printf("libmlp batched (mlp_model_predict, 256 rows a product): %.2f microseconds per "
           "sample\n",
           1e6 * batched / (double)n);
    for (int w = 0; w < WAYS; w++)
        free(predicted[w]);
    free(raw);
    free(x);
    mlp_dataset_free(data);
    mlp_model_free(model);
    return 0;
}
