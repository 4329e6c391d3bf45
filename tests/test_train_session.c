/* Configs as handles, data sets over the caller's memory and in-memory training sessions (the
 * API the Python package uses). */
#include "harness.h"
#include "mlp.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N 240
#define D 4

/* Two Gaussian blobs per class along the diagonal: class k centred at (2k - 2) * (1, 1, 1, 1). */
static void blobs(float *x, int32_t *labels, size_t n, uint64_t seed) {
    mlp_rng rng;
    mlp_rng_seed(&rng, seed, 7);
    for (size_t i = 0; i < n; i++) {
        int32_t k = (int32_t)(i % 3);
        labels[i] = k;
        for (size_t j = 0; j < D; j++)
            x[i * D + j] = (float)(2 * k - 2) + 0.5f * mlp_rng_normal(&rng);
    }
}

static mlp_config *config_with(const char *const *sets, size_t n) {
    mlp_config *config;
    mlp_error err;
    CHECK(mlp_config_new(&config, NULL, &err) == MLP_OK);
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(mlp_config_set(config, sets[i], &err) == MLP_OK, "%s", err.message);
    return config;
}

static void test_wrap_borrows_values_and_checks_them(void) {
    float x[6] = {1, 2, 3, 4, 5, 6};
    int32_t labels[3] = {0, 1, 0};
    mlp_dataset *d;
    mlp_error err;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, 3, 2, labels, NULL, 2, 0, 0, &err) == MLP_OK);
    CHECK(mlp_dataset_floats(d) == x); /* no copy */
    CHECK(mlp_dataset_bytes(d) == NULL);
    CHECK(mlp_dataset_count(d) == 3 && mlp_dataset_features(d) == 2);
    CHECK(mlp_dataset_labels(d) != labels && mlp_dataset_labels(d)[1] == 1);
    CHECK(strcmp(mlp_dataset_class_name(d, 1), "1") == 0);
    size_t rows, cols;
    CHECK(!mlp_dataset_image_shape(d, &rows, &cols));
    mlp_dataset_free(d);

    labels[2] = 2;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, 3, 2, labels, NULL, 2, 0, 0, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(d == NULL);
    CHECK_MSG(strstr(err.message, "X: sample 2: label 2") != NULL, "%s", err.message);

    x[3] = NAN;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, 3, 2, NULL, NULL, 0, 0, 0, &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "sample 1, feature 1") != NULL, "%s", err.message);

    CHECK(mlp_dataset_wrap(&d, "X", x, false, 3, 2, NULL, NULL, 0, 2, 2, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_dataset_wrap(&d, "X", x, false, 0, 2, NULL, NULL, 0, 0, 0, &err) != MLP_OK);
}

static void test_wrap_bytes_with_names_and_shape(void) {
    uint8_t pixels[2 * 784] = {0};
    pixels[784 + 5] = 255;
    int32_t labels[2] = {1, 0};
    const char *names[2] = {"cat", "dog"};
    mlp_dataset *d;
    mlp_error err;
    CHECK(mlp_dataset_wrap(&d, "images", pixels, true, 2, 784, labels, names, 2, 0, 0, &err) ==
          MLP_OK);
    CHECK(mlp_dataset_bytes(d) == pixels);
    size_t rows, cols;
    CHECK(mlp_dataset_image_shape(d, &rows, &cols) && rows == 28 && cols == 28);
    CHECK(strcmp(mlp_dataset_class_name(d, 0), "cat") == 0);
    uint32_t index = 1;
    float row[784];
    int32_t label;
    CHECK(mlp_dataset_gather(d, &index, 1, NULL, NULL, NULL, row, &label, &err) == MLP_OK);
    CHECK(row[5] == 255.0f && row[4] == 0.0f && label == 0);
    mlp_dataset_free(d);
}

static void test_config_set_text_and_errors(void) {
    mlp_config *config;
    mlp_error err;
    CHECK(mlp_config_new(&config, NULL, &err) == MLP_OK);
    CHECK(mlp_config_set(config, "training.epochs=7", &err) == MLP_OK);
    CHECK(mlp_config_set(config, "training.epoch=7", &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "training.epochs") != NULL, "%s", err.message);
    char *text = mlp_config_text(config, &err);
    CHECK(text && strstr(text, "epochs = 7"));
    mlp_free(text);
    mlp_config_free(config);
    CHECK(mlp_config_new(&config, "/nonexistent/config.ini", &err) == MLP_ERR_IO);
}

static void test_new_model_is_seeded_and_needs_two_classes(void) {
    float x[N * D];
    int32_t labels[N];
    blobs(x, labels, N, 1);
    const char *sets[] = {"network.hidden=8", "data.transform=standardize", "seed=5"};
    mlp_config *config = config_with(sets, 3);
    mlp_dataset *d;
    mlp_error err;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, N, D, labels, NULL, 3, 0, 0, &err) == MLP_OK);
    mlp_model *a, *b;
    CHECK_MSG(mlp_config_new_model(&a, config, d, NULL, 0, &err) == MLP_OK, "%s", err.message);
    CHECK(mlp_config_new_model(&b, config, d, NULL, 0, &err) == MLP_OK);
    const mlp_net *na = mlp_model_net_const(a);
    CHECK(mlp_net_num_params(na) == 8 * D + 8 + 3 * 8 + 3);
    CHECK(memcmp(mlp_net_params_const(na), mlp_net_params_const(mlp_model_net_const(b)),
                 mlp_net_num_params(na) * sizeof(float)) == 0);
    CHECK(mlp_model_transform(a) != NULL);
    CHECK(mlp_model_num_classes(a) == 3);
    CHECK(!mlp_model_has_display_names(a));
    mlp_model_free(a);
    mlp_model_free(b);

    CHECK(mlp_config_set(config, "data.class_names=small, medium, large", &err) == MLP_OK);
    CHECK(mlp_config_new_model(&b, config, d, NULL, 0, &err) == MLP_OK);
    CHECK(mlp_model_has_display_names(b));
    CHECK(strcmp(mlp_model_display_names(b)[2], "large") == 0);
    CHECK(strcmp(mlp_model_class_names(b)[2], "2") == 0);
    CHECK(mlp_config_set(config, "data.class_names=small, large", &err) == MLP_OK);
    CHECK(mlp_config_new_model(&a, config, d, NULL, 0, &err) == MLP_ERR_ARGUMENT);
    CHECK(a == NULL);
    mlp_model_free(b);
    mlp_dataset_free(d);

    for (size_t i = 0; i < N; i++)
        labels[i] = 0;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, N, D, labels, NULL, 1, 0, 0, &err) == MLP_OK);
    CHECK(mlp_config_new_model(&a, config, d, NULL, 0, &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "1 class") != NULL, "%s", err.message);
    mlp_dataset_free(d);
    mlp_config_free(config);
}

/* A session's epoch is the fused step over the batches in order, at the schedule's rate. */
static void test_epoch_equals_manual_steps(void) {
    float x[N * D];
    int32_t labels[N];
    blobs(x, labels, N, 2);
    const char *sets[] = {"network.hidden=6",       "data.transform=none", "data.shuffle=false",
                          "optimizer.kind=adam",    "schedule.lr=0.01",    "training.batch_size=50",
                          "regularization.l2=0.001"};
    mlp_config *config = config_with(sets, 7);
    mlp_dataset *d;
    mlp_error err;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, N, D, labels, NULL, 3, 0, 0, &err) == MLP_OK);
    mlp_model *model, *manual;
    CHECK(mlp_config_new_model(&model, config, d, NULL, 0, &err) == MLP_OK);
    CHECK(mlp_config_new_model(&manual, config, d, NULL, 0, &err) == MLP_OK);
    mlp_session *session;
    CHECK_MSG(mlp_session_new(&session, config, model, &err) == MLP_OK, "%s", err.message);
    mlp_epoch_result r;
    CHECK(mlp_session_epoch(session, d, NULL, 0, NULL, &r, &err) == MLP_OK);
    CHECK(r.samples == N && r.steps == 5);

    mlp_net *net = mlp_model_net(manual);
    mlp_optimizer_spec ospec;
    mlp_optimizer_spec_default(&ospec, MLP_OPT_ADAM);
    mlp_optimizer *opt;
    CHECK(mlp_optimizer_new(&opt, &ospec, mlp_net_num_params(net), &err) == MLP_OK);
    uint8_t *mask = malloc(mlp_net_num_params(net));
    mlp_net_weight_mask(net, false, mask);
    mlp_regularization reg = {.l2 = 0.001f};
    CHECK(mlp_net_reserve(net, 50, &err) == MLP_OK);
    double loss_sum = 0;
    size_t correct = 0;
    for (size_t first = 0; first < N; first += 50) {
        size_t n = N - first < 50 ? N - first : 50;
        mlp_batch batch = {.x = x + first * D, .labels = labels + first, .n = n};
        mlp_batch_result br;
        CHECK(mlp_net_train_step(net, &batch, NULL, &reg, opt, mask, 0.01f, &br, &err) == MLP_OK);
        loss_sum += br.loss * (double)n;
        correct += br.correct;
    }
    CHECK(memcmp(mlp_net_params_const(net), mlp_net_params_const(mlp_model_net_const(model)),
                 mlp_net_num_params(net) * sizeof(float)) == 0);
    CHECK_CLOSE(r.loss, loss_sum / N, 1e-12);
    CHECK_CLOSE(r.accuracy, (double)correct / N, 1e-12);
    CHECK_CLOSE(r.penalty, mlp_net_penalty(net, &reg), 1e-12);

    /* A new base rate applies from the next step on. */
    mlp_session_set_lr(session, 0.002f);
    uint32_t first_batch[50];
    for (uint32_t i = 0; i < 50; i++)
        first_batch[i] = i;
    CHECK(mlp_session_epoch(session, d, first_batch, 50, NULL, &r, &err) == MLP_OK);
    mlp_batch batch = {.x = x, .labels = labels, .n = 50};
    mlp_batch_result br;
    CHECK(mlp_net_train_step(net, &batch, NULL, &reg, opt, mask, 0.002f, &br, &err) == MLP_OK);
    CHECK(memcmp(mlp_net_params_const(net), mlp_net_params_const(mlp_model_net_const(model)),
                 mlp_net_num_params(net) * sizeof(float)) == 0);
    free(mask);
    mlp_optimizer_free(opt);
    mlp_session_free(session);
    mlp_model_free(model);
    mlp_model_free(manual);
    mlp_dataset_free(d);
    mlp_config_free(config);
}

static void test_sessions_learn_and_stop_on_request(void) {
    float x[N * D];
    int32_t labels[N];
    blobs(x, labels, N, 3);
    const char *sets[] = {"network.hidden=8", "optimizer.kind=adam", "schedule.lr=0.01",
                          "training.batch_size=16", "data.transform=standardize"};
    mlp_config *config = config_with(sets, 5);
    mlp_dataset *d;
    mlp_error err;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, N, D, labels, NULL, 3, 0, 0, &err) == MLP_OK);
    mlp_model *model;
    CHECK(mlp_config_new_model(&model, config, d, NULL, 0, &err) == MLP_OK);
    mlp_session *session;
    CHECK(mlp_session_new(&session, config, model, &err) == MLP_OK);
    mlp_epoch_result first, r;
    CHECK(mlp_session_epoch(session, d, NULL, 0, NULL, &first, &err) == MLP_OK);
    for (int e = 0; e < 20; e++)
        CHECK(mlp_session_epoch(session, d, NULL, 0, NULL, &r, &err) == MLP_OK);
    CHECK(r.loss < first.loss / 2);
    CHECK(r.accuracy > 0.95);
    int32_t predicted[N];
    CHECK(mlp_model_predict(model, d, predicted, NULL, &err) == MLP_OK);
    size_t right = 0;
    for (size_t i = 0; i < N; i++)
        right += predicted[i] == labels[i];
    CHECK(right > N * 95 / 100);

    volatile int stop = 1;
    uint64_t steps = r.steps;
    CHECK(mlp_session_epoch(session, d, NULL, 0, &stop, &r, &err) == MLP_ERR_INTERRUPTED);
    CHECK(r.samples == 0 && r.steps == steps);
    CHECK_MSG(strstr(err.message, "interrupted") != NULL, "%s", err.message);

    /* Labels beyond the model's outputs and a wrong feature count are refused. */
    mlp_dataset *narrow;
    CHECK(mlp_dataset_wrap(&narrow, "narrow", x, false, N / 2, 2 * D, NULL, NULL, 0, 0, 0, &err) ==
          MLP_OK);
    CHECK(mlp_session_epoch(session, narrow, NULL, 0, NULL, &r, &err) == MLP_ERR_ARGUMENT);
    mlp_dataset_free(narrow);
    mlp_session_free(session);
    mlp_model_free(model);
    mlp_dataset_free(d);
    mlp_config_free(config);
}

static void test_divergence_is_reported(void) {
    float x[N * D];
    int32_t labels[N];
    blobs(x, labels, N, 4);
    for (size_t i = 0; i < N * D; i++)
        x[i] *= 1e30f;
    const char *sets[] = {"network.hidden=8", "optimizer.kind=sgd", "schedule.lr=1000",
                          "data.transform=none", "network.activation=identity"};
    mlp_config *config = config_with(sets, 5);
    mlp_dataset *d;
    mlp_error err;
    CHECK(mlp_dataset_wrap(&d, "X", x, false, N, D, labels, NULL, 3, 0, 0, &err) == MLP_OK);
    mlp_model *model;
    CHECK(mlp_config_new_model(&model, config, d, NULL, 0, &err) == MLP_OK);
    mlp_session *session;
    CHECK(mlp_session_new(&session, config, model, &err) == MLP_OK);
    mlp_epoch_result r;
    mlp_status s = MLP_OK;
    for (int e = 0; e < 5 && s == MLP_OK; e++)
        s = mlp_session_epoch(session, d, NULL, 0, NULL, &r, &err);
    CHECK(s == MLP_ERR_NUMERIC);
    CHECK_MSG(strstr(err.message, "diverged") != NULL, "%s", err.message);
    mlp_session_free(session);
    mlp_model_free(model);
    mlp_dataset_free(d);
    mlp_config_free(config);
}

int main(void) {
    RUN_TEST(test_wrap_borrows_values_and_checks_them);
    RUN_TEST(test_wrap_bytes_with_names_and_shape);
    RUN_TEST(test_config_set_text_and_errors);
    RUN_TEST(test_new_model_is_seeded_and_needs_two_classes);
    RUN_TEST(test_epoch_equals_manual_steps);
    RUN_TEST(test_sessions_learn_and_stop_on_request);
    RUN_TEST(test_divergence_is_reported);
    return harness_finish();
}
