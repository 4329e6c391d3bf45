/* The trainer end to end through the library, on generated data: interrupt + resume gives the
 * uninterrupted run's weights bit for bit; a finished run refuses to resume unchanged and goes on
 * with changed settings; divergence, early stopping, the step schedule in metrics.csv, and a
 * model file that predicts like the net. */
#include "harness.h"
#include "io/metrics_log.h"
#include "io/safetensors.h"
#include "io_test_files.h"
#include "mlp.h"
#include "train/train_config.h"

#include <math.h>
#include <stdint.h>

static char data_dir[512], train_csv[600], test_csv[600];

/* Three Gaussian-ish blobs in 6 features (a fixed LCG, so the files are always the same). */
static void write_blobs(const char *path, size_t rows, uint32_t seed) {
    FILE *f = fopen(path, "w");
    fprintf(f, "label,a,b,c,d,e,f\n");
    uint32_t s = seed;
    for (size_t i = 0; i < rows; i++) {
        int label = (int)(i % 3);
        fprintf(f, "%d", label);
        for (int j = 0; j < 6; j++) {
            double noise = 0;
            for (int k = 0; k < 4; k++) {
                s = s * 1664525u + 1013904223u;
                noise += (double)(s >> 8) / 16777216.0 - 0.5;
            }
            double mean = (j % 3 == label) ? 1.5 : 0.0;
            fprintf(f, ",%.4f", mean + noise);
        }
        fprintf(f, "\n");
    }
    fclose(f);
}

static void setup_data(void) {
    if (data_dir[0]) return;
    test_make_dir(data_dir, sizeof data_dir);
    snprintf(train_csv, sizeof train_csv, "%s/train.csv", data_dir);
    snprintf(test_csv, sizeof test_csv, "%s/test.csv", data_dir);
    write_blobs(train_csv, 240, 7);
    write_blobs(test_csv, 60, 99);
}

/* A config from the schema's defaults, the common test settings and extra overrides. */
typedef struct {
    mlp_ini *ini;
    mlp_train_config config;
    char sets[16][700];
    char *set_ptrs[16];
} test_config;

static void make_config(test_config *tc, const char *const *extra, size_t num_extra) {
    setup_data();
    const char *common[] = {
        "network.hidden=12",          "training.epochs=6",      "training.batch_size=20",
        "optimizer.kind=sgd",         "optimizer.momentum=0.9", "schedule.lr=0.05",
        "data.transform=standardize", "data.validation=0.25",   "network.dropout=0.1"};
    size_t n = 0;
    snprintf(tc->sets[n++], 700, "data.train=%s", train_csv);
    snprintf(tc->sets[n++], 700, "data.test=%s", test_csv);
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        snprintf(tc->sets[n++], 700, "%s", common[i]);
    for (size_t i = 0; i < num_extra; i++)
        snprintf(tc->sets[n++], 700, "%s", extra[i]);
    for (size_t i = 0; i < n; i++)
        tc->set_ptrs[i] = tc->sets[i];
    mlp_error err;
    CHECK_MSG(mlp_train_ini_load(&tc->ini, NULL, tc->set_ptrs, n, &err) == MLP_OK, "%s",
              err.message);
    CHECK_MSG(mlp_train_config_from_ini(tc->ini, &tc->config, &err) == MLP_OK, "%s", err.message);
}

typedef struct {
    uint64_t stop_at_step;
    volatile int stop;
} stopper;

static void stop_at(void *ctx, const mlp_progress *p) {
    stopper *s = ctx;
    if (s->stop_at_step && p->step >= s->stop_at_step) s->stop = 1;
}

/* resume: continue from dir/last.safetensors. */
static mlp_status train_from(const test_config *tc, const char *dir, const char *from, stopper *s,
                             mlp_train_result *result, mlp_error *err) {
    mlp_train_hooks hooks = {.progress = stop_at, .progress_ctx = s, .stop_requested = &s->stop};
    return mlp_train(&tc->config, dir, from, &hooks, result, err);
}

static mlp_status train(const test_config *tc, const char *dir, bool resume, stopper *s,
                        mlp_train_result *result, mlp_error *err) {
    char last[4200];
    snprintf(last, sizeof last, "%s/last.safetensors", dir);
    return train_from(tc, dir, resume ? last : NULL, s, result, err);
}

/* True when every tensor of a and b (weights and optimizer buffers) has the same bytes. */
static bool same_tensors(const char *a_path, const char *b_path) {
    mlp_safetensors *a, *b;
    if (mlp_safetensors_read(&a, a_path, NULL) != MLP_OK) return false;
    if (mlp_safetensors_read(&b, b_path, NULL) != MLP_OK) {
        mlp_safetensors_free(a);
        return false;
    }
    bool same = mlp_safetensors_count(a) == mlp_safetensors_count(b);
    for (size_t i = 0; same && i < mlp_safetensors_count(a); i++) {
        const mlp_tensor_view *ta = mlp_safetensors_tensor(a, i);
        const mlp_tensor_view *tb = mlp_safetensors_find(b, ta->name);
        same =
            tb && ta->num_bytes == tb->num_bytes && memcmp(ta->data, tb->data, ta->num_bytes) == 0;
    }
    mlp_safetensors_free(a);
    mlp_safetensors_free(b);
    return same;
}

/* metrics.csv without its last column (seconds differ between runs). */
static char *metrics_without_seconds(const char *dir) {
    char path[4200];
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    char *text = test_read_file(path, NULL);
    if (!text) return NULL;
    char *out = text, *w = text;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        size_t keep = len;
        while (keep > 0 && line[keep - 1] != ',')
            keep--;
        if (keep > 0)
            keep--; /* drop the comma too */
        else
            keep = len;
        memmove(w, line, keep);
        w += keep;
        *w++ = '\n';
        line += len + (end ? 1 : 0);
    }
    *w = '\0';
    return out;
}

static void test_interrupt_and_resume_is_exact(void) {
    /* Mid-epoch checkpoints every 4 steps; the interruption lands at step 10 (mid-epoch 2). */
    const char *extra[] = {"checkpoint.every_steps=4", "logging.every_steps=3",
                           "data.augment_shift=0"};
    test_config tc;
    make_config(&tc, extra, 3);
    char a[4096], b[4096], a_last[4200], b_last[4200];
    test_make_dir(a, sizeof a);
    test_make_dir(b, sizeof b);
    mlp_train_result ra, rb;
    mlp_error err;
    stopper none = {0}, at10 = {.stop_at_step = 10};
    CHECK_MSG(train(&tc, a, false, &none, &ra, &err) == MLP_OK, "%s", err.message);
    CHECK(ra.stop_reason == MLP_STOP_MAX_EPOCHS && ra.epochs_run == 6);
    CHECK(train(&tc, b, false, &at10, &rb, &err) == MLP_ERR_INTERRUPTED);
    CHECK(strstr(err.message, "at step 10") && strstr(err.message, "last.safetensors"));
    CHECK(rb.stop_reason == MLP_STOP_INTERRUPTED && rb.steps == 10);
    stopper again = {0};
    CHECK_MSG(train(&tc, b, true, &again, &rb, &err) == MLP_OK, "%s", err.message);
    CHECK(rb.steps == ra.steps);
    snprintf(a_last, sizeof a_last, "%s/last.safetensors", a);
    snprintf(b_last, sizeof b_last, "%s/last.safetensors", b);
    CHECK(same_tensors(a_last, b_last));
    CHECK(ra.test_accuracy == rb.test_accuracy && ra.best_val_accuracy == rb.best_val_accuracy);
    char *ma = metrics_without_seconds(a), *mb = metrics_without_seconds(b);
    CHECK(ma && mb);
    int same = strcmp(ma, mb) == 0;
    free(ma);
    free(mb);
    CHECK_MSG(same, "metrics.csv differs between the uninterrupted and the resumed run");

    /* A finished run is not resumed. */
    CHECK(train(&tc, a, true, &again, &ra, &err) == MLP_ERR_STATE);
    CHECK(strstr(err.message, "finished") != NULL);
    CHECK(ra.stop_reason == MLP_STOP_MAX_EPOCHS && ra.epochs_run == 6 && ra.steps == rb.steps);
    mlp_ini_free(tc.ini);
}

static void test_resume_from_a_kept_checkpoint(void) {
    /* checkpoint.keep: step-N files; resuming from step 8 repeats the rest of the run exactly. */
    const char *extra[] = {"checkpoint.every_steps=4", "checkpoint.keep=true"};
    test_config tc;
    make_config(&tc, extra, 2);
    char dir[4096], last[4200], copy[4200], step8[4200];
    test_make_dir(dir, sizeof dir);
    mlp_train_result r1, r2;
    mlp_error err;
    stopper none = {0};
    CHECK_MSG(train(&tc, dir, false, &none, &r1, &err) == MLP_OK, "%s", err.message);
    snprintf(last, sizeof last, "%s/last.safetensors", dir);
    snprintf(copy, sizeof copy, "%s/final.safetensors", dir);
    snprintf(step8, sizeof step8, "%s/step-8.safetensors", dir);
    size_t size;
    char *bytes = test_read_file(last, &size);
    CHECK(bytes && test_write_file(copy, bytes, size));
    free(bytes);
    CHECK_MSG(train_from(&tc, dir, step8, &none, &r2, &err) == MLP_OK, "%s", err.message);
    CHECK(r2.steps == r1.steps && r2.test_accuracy == r1.test_accuracy);
    CHECK(same_tensors(last, copy));
    mlp_ini_free(tc.ini);
}

static void test_learns_and_model_predicts(void) {
    test_config tc;
    make_config(&tc, NULL, 0);
    char dir[4096], path[4200];
    test_make_dir(dir, sizeof dir);
    mlp_train_result r;
    mlp_error err;
    stopper none = {0};
    CHECK_MSG(train(&tc, dir, false, &none, &r, &err) == MLP_OK, "%s", err.message);
    CHECK_MSG(r.test_accuracy > 0.8, "test accuracy %g", r.test_accuracy);
    /* The saved model evaluates the test file to the accuracy the trainer reported. */
    snprintf(path, sizeof path, "%s/last.safetensors", dir);
    mlp_model *model;
    CHECK_MSG(mlp_model_load(&model, path, &err) == MLP_OK, "%s", err.message);
    CHECK(mlp_model_num_classes(model) == 3);
    CHECK(strcmp(mlp_model_class_names(model)[2], "2") == 0);
    mlp_dataset *test;
    CHECK(mlp_dataset_load(&test, test_csv, &err) == MLP_OK);
    CHECK(mlp_model_accept(model, test, &err) == MLP_OK);
    mlp_evaluation *ev;
    CHECK(mlp_evaluation_new(&ev, 3, &err) == MLP_OK);
    CHECK(mlp_model_evaluate(model, test, ev, &err) == MLP_OK);
    CHECK(mlp_evaluation_accuracy(ev) == r.test_accuracy);
    CHECK_CLOSE(mlp_evaluation_loss(ev), r.test_loss, 1e-9);
    int32_t classes[60];
    CHECK(mlp_model_predict(model, test, classes, NULL, &err) == MLP_OK);
    size_t correct = 0;
    for (size_t i = 0; i < 60; i++)
        correct += classes[i] == mlp_dataset_labels(test)[i];
    CHECK_CLOSE((double)correct / 60.0, r.test_accuracy, 1e-12);
    mlp_evaluation_free(ev);
    mlp_dataset_free(test);
    mlp_model_free(model);
    mlp_ini_free(tc.ini);
}

static void test_divergence_keeps_last_good_checkpoint(void) {
    const char *extra[] = {"schedule.lr=1e6", "checkpoint.every_steps=1", "optimizer.momentum=0"};
    test_config tc;
    make_config(&tc, extra, 3);
    char dir[4096];
    test_make_dir(dir, sizeof dir);
    mlp_train_result r;
    mlp_error err;
    stopper none = {0};
    CHECK(train(&tc, dir, false, &none, &r, &err) == MLP_ERR_NUMERIC);
    CHECK(r.stop_reason == MLP_STOP_DIVERGED);
    CHECK(strstr(err.message, "diverged") != NULL);
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *summary = test_read_file(path, NULL);
    CHECK(summary && strstr(summary, "\"diverged\""));
    free(summary);
    /* Whatever checkpoint exists holds finite weights. */
    snprintf(path, sizeof path, "%s/last.safetensors", dir);
    mlp_model *model;
    if (mlp_model_load(&model, path, &err) == MLP_OK) {
        const mlp_net *net = mlp_model_net_const(model);
        for (size_t i = 0; i < mlp_net_num_params(net); i++)
            CHECK(isfinite(mlp_net_params_const(net)[i]));
        mlp_model_free(model);
    }
    mlp_ini_free(tc.ini);
}

static void test_early_stopping(void) {
    /* min_delta larger than any possible change: epoch 1 is the best and patience 2 stops at 3. */
    const char *extra[] = {"early_stopping.enabled=true", "early_stopping.patience=2",
                           "early_stopping.min_delta=100", "training.epochs=50"};
    test_config tc;
    make_config(&tc, extra, 4);
    char dir[4096];
    test_make_dir(dir, sizeof dir);
    mlp_train_result r;
    mlp_error err;
    stopper none = {0};
    CHECK_MSG(train(&tc, dir, false, &none, &r, &err) == MLP_OK, "%s", err.message);
    CHECK(r.stop_reason == MLP_STOP_EARLY);
    CHECK(r.epochs_run == 3 && r.best_epoch == 1);
    /* restore_best: the final model is the best one. */
    char best[4200], last[4200];
    snprintf(best, sizeof best, "%s/best.safetensors", dir);
    snprintf(last, sizeof last, "%s/last.safetensors", dir);
    mlp_safetensors *b, *l;
    CHECK(mlp_safetensors_read(&b, best, NULL) == MLP_OK);
    CHECK(mlp_safetensors_read(&l, last, NULL) == MLP_OK);
    const mlp_tensor_view *wb = mlp_safetensors_find(b, "dense.0.weight");
    const mlp_tensor_view *wl = mlp_safetensors_find(l, "dense.0.weight");
    CHECK(wb && wl && memcmp(wb->data, wl->data, wb->num_bytes) == 0);
    mlp_safetensors_free(b);
    mlp_safetensors_free(l);
    mlp_ini_free(tc.ini);
}

static void test_step_schedule_in_metrics(void) {
    /* 180 training samples, batch 20: 9 steps an epoch; lr x0.5 every 9 steps. */
    const char *extra[] = {"schedule.kind=step", "schedule.step_size=9", "schedule.gamma=0.5",
                           "training.epochs=3"};
    test_config tc;
    make_config(&tc, extra, 4);
    char dir[4096], path[4200];
    test_make_dir(dir, sizeof dir);
    mlp_train_result r;
    mlp_error err;
    stopper none = {0};
    CHECK_MSG(train(&tc, dir, false, &none, &r, &err) == MLP_OK, "%s", err.message);
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    mlp_metrics_row *rows;
    size_t count;
    CHECK(mlp_metrics_read(path, &rows, &count, &err) == MLP_OK);
    CHECK(count == 3);
    /* The last step of epoch e (0-based step 9e+8) runs at 0.05 * 0.5^e. */
    for (size_t e = 0; e < 3; e++) {
        CHECK(rows[e].step == 9 * (e + 1));
        CHECK_CLOSE(rows[e].lr, 0.05 * pow(0.5, (double)e), 1e-7);
        CHECK(rows[e].batch_size == 20);
        CHECK(!isnan(rows[e].val_accuracy));
    }
    free(rows);
    mlp_ini_free(tc.ini);
}

/* A finished run continued with changed settings (as Python's train(resume_from=...) and
 * `mlp train --resume --set` do): it runs on, and changes.csv and summary.json record the change;
 * a fixed key or no epoch left is refused. */
static void test_continue_with_changed_settings(void) {
    const char *extra[] = {"training.epochs=3"};
    const char *more[] = {"training.epochs=5", "regularization.l2=0.01"};
    const char *fixed[] = {"training.epochs=5", "network.hidden=7"};
    const char *same_epochs[] = {"training.epochs=3", "regularization.l2=0.01"};
    test_config tc, tc2, tc3, tc4;
    make_config(&tc, extra, 1);
    make_config(&tc2, more, 2);
    make_config(&tc3, fixed, 2);
    make_config(&tc4, same_epochs, 2);
    test_config *all[] = {&tc, &tc2, &tc3, &tc4};
    char *texts[4];
    for (size_t i = 0; i < 4; i++) {
        texts[i] = mlp_ini_to_text(all[i]->ini, NULL);
        all[i]->config.config_text = texts[i];
    }
    char dir[4096], path[4200];
    test_make_dir(dir, sizeof dir);
    mlp_train_result r;
    mlp_error err;
    stopper none = {0};
    CHECK_MSG(train(&tc, dir, false, &none, &r, &err) == MLP_OK, "%s", err.message);
    CHECK(train(&tc3, dir, true, &none, &r, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "network.hidden (12 -> 7)") != NULL);
    CHECK(train(&tc4, dir, true, &none, &r, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "training.epochs = 3") != NULL);
    CHECK_MSG(train(&tc2, dir, true, &none, &r, &err) == MLP_OK, "%s", err.message);
    CHECK(r.epochs_run == 5 && r.stop_reason == MLP_STOP_MAX_EPOCHS);
    snprintf(path, sizeof path, "%s/changes.csv", dir);
    char *changes = test_read_file(path, NULL);
    CHECK(changes && strcmp(changes, "step,epoch,key,before,after\n"
                                     "27,3,\"training.epochs\",\"3\",\"5\"\n"
                                     "27,3,\"regularization.l2\",\"0\",\"0.01\"\n") == 0);
    free(changes);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *summary = test_read_file(path, NULL);
    CHECK(summary && strstr(summary, "\"after\":\t\"0.01\""));
    free(summary);
    for (size_t i = 0; i < 4; i++) {
        free(texts[i]);
        mlp_ini_free(all[i]->ini);
    }
}

int main(void) {
    RUN_TEST(test_interrupt_and_resume_is_exact);
    RUN_TEST(test_resume_from_a_kept_checkpoint);
    RUN_TEST(test_learns_and_model_predicts);
    RUN_TEST(test_divergence_keeps_last_good_checkpoint);
    RUN_TEST(test_early_stopping);
    RUN_TEST(test_step_schedule_in_metrics);
    RUN_TEST(test_continue_with_changed_settings);
    return harness_finish();
}
