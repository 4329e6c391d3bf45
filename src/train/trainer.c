/* The training loop: seeded split and shuffles, minibatches (with batch-size stages), gradient,
 * penalty, clipping, schedule, optimizer step; per-epoch (and every-N-steps) metrics; checkpoints
 * (last, best), divergence detection, interruption, exact resume and a final test pass.
 *
 * Exact resume: every random choice comes from a generator whose state is in the checkpoint
 * (dropout, augmentation) or is a pure function of the seed (initialisation, split, the order of
 * epoch e is the training split shuffled by a generator seeded with (seed, e)), so a run resumed
 * from a checkpoint taken at any batch boundary repeats the uninterrupted run's arithmetic. */
#include "io/metrics_log.h"
#include "io/safetensors.h"
#include "io/summary_json.h"
#include "io/atomic_file.h"
#include "io/folders.h"
#include "train/checkpoint.h"
#include "train/model_file.h"
#include "train/train_config.h"
#include "train/train_run.h"
#include "util/error.h"
#include "util/text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Random streams, one per purpose. */
enum { STREAM_INIT = 1, STREAM_SPLIT, STREAM_DROPOUT, STREAM_AUGMENT, STREAM_SHUFFLE = 1000 };

typedef struct {
    const mlp_train_config *cfg;
    const mlp_train_hooks *hooks;
    const char *run_dir;
    bool writer; /* rank 0 writes the run folder */
    char last_path[PATH_MAX], best_path[PATH_MAX], metrics_path[PATH_MAX], summary_path[PATH_MAX],
        config_path[PATH_MAX], changes_path[PATH_MAX];

    mlp_dataset *train, *test;
    uint32_t *indices; /* training split [0, num_train), then validation [num_train, count) */
    size_t num_train, num_val;
    uint32_t *order;          /* this epoch's order of the training split */
    mlp_transform *transform; /* owned by model once it exists */

    mlp_model *model;
    mlp_net *net; /* borrowed from model */
    mlp_optimizer *optimizer;
    uint8_t *decay_mask;
    float *x;
    int32_t *labels;
    size_t buffer_rows;

    mlp_metrics_log *log;
    /* The settings changed when the run continued, as [{step, epoch, key, before, after}]: the
     * checkpoint's history (metadata train.changes) and this resume's changes. */
    cJSON *history;
    mlp_setting_change *changes; /* this resume's */
    size_t num_changes;
    mlp_run_state state;
    float lr;
    double clock_start, seconds_start; /* this process's start and the seconds before it */
    uint64_t samples_start;
    uint64_t last_good_step; /* step of the last checkpoint written (or loaded) */
    bool have_checkpoint;
} trainer;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void update_seconds(trainer *t) {
    t->state.seconds = t->seconds_start + (now_seconds() - t->clock_start);
}

static mlp_status make_run_dir(trainer *t, const char *dir, mlp_error *err) {
    if (t->writer) MLP_TRY(mlp_make_folders(dir, err));
    MLP_TRY(mlp_path_join(t->last_path, dir, "last.safetensors", err));
    MLP_TRY(mlp_path_join(t->best_path, dir, "best.safetensors", err));
    MLP_TRY(mlp_path_join(t->metrics_path, dir, "metrics.csv", err));
    MLP_TRY(mlp_path_join(t->summary_path, dir, "summary.json", err));
    MLP_TRY(mlp_path_join(t->changes_path, dir, "changes.csv", err));
    return mlp_path_join(t->config_path, dir, "config.ini", err);
}

/* ---- Data ---- */

static size_t max_batch_size(const trainer *t) {
    size_t b = 1;
    for (size_t i = 0; i < t->cfg->num_batch_stages; i++)
        if (t->cfg->batch_stages[i].batch > b) b = t->cfg->batch_stages[i].batch;
    return b;
}

static mlp_status setup_data(trainer *t, mlp_error *err) {
    const mlp_train_config *c = t->cfg;
    MLP_TRY(mlp_dataset_load(&t->train, c->train_source, err));
    if (!mlp_dataset_labels(t->train))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: training data has no labels", c->train_source);
    if (c->test_source && c->test_source[0]) {
        MLP_TRY(mlp_dataset_load(&t->test, c->test_source, err));
        if (mlp_dataset_features(t->test) != mlp_dataset_features(t->train))
            return mlp_fail(err, MLP_ERR_FORMAT,
                            "%s: %zu features per sample, training data has %zu", c->test_source,
                            mlp_dataset_features(t->test), mlp_dataset_features(t->train));
        MLP_TRY(mlp_dataset_map_classes(t->test, mlp_dataset_class_names(t->train),
                                        mlp_dataset_num_classes(t->train), err));
    }
    size_t count = mlp_dataset_count(t->train);
    t->indices = mlp_calloc(count, sizeof *t->indices, err);
    t->order = t->indices ? mlp_calloc(count, sizeof *t->order, err) : NULL;
    if (!t->order) return MLP_ERR_MEMORY;
    mlp_rng rng;
    mlp_rng_seed(&rng, c->seed, STREAM_SPLIT);
    MLP_TRY(mlp_dataset_split(t->train, &c->validation, &rng, t->indices, &t->num_train, err));
    t->num_val = count - t->num_train;
    if (t->num_train == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "%s: no training samples left after the validation split", c->train_source);
    MLP_TRY(mlp_transform_new(&t->transform, &c->transform, mlp_dataset_features(t->train), err));
    MLP_TRY(mlp_transform_fit(t->transform, t->train, t->indices, t->num_train, err));

    size_t rows = max_batch_size(t);
    if (rows > t->num_train) rows = t->num_train;
    if (c->eval_batch > rows) rows = c->eval_batch;
    t->buffer_rows = rows;
    t->x = mlp_calloc_lines(rows * mlp_dataset_features(t->train), sizeof *t->x, err);
    t->labels = t->x ? mlp_calloc(rows, sizeof *t->labels, err) : NULL;
    return t->labels ? mlp_ok(err) : MLP_ERR_MEMORY;
}

static void epoch_order(trainer *t, size_t epoch) {
    memcpy(t->order, t->indices, t->num_train * sizeof *t->order);
    if (!t->cfg->shuffle) return;
    mlp_rng rng;
    mlp_rng_seed(&rng, t->cfg->seed, STREAM_SHUFFLE + (uint64_t)epoch);
    mlp_rng_shuffle(&rng, t->order, t->num_train);
}

/* ---- Model and optimizer ---- */

static mlp_status setup_model(trainer *t, const mlp_safetensors *resume_from, mlp_error *err) {
    const mlp_train_config *c = t->cfg;
    size_t classes = mlp_dataset_num_classes(t->train);
    mlp_net_spec spec;
    MLP_TRY(mlp_train_config_net_spec(c, mlp_dataset_features(t->train), classes, &spec, err));
    spec.max_batch = t->buffer_rows;
    mlp_net *net;
    MLP_TRY(mlp_net_new(&net, &spec, err));
    mlp_error why;
    mlp_status precision = mlp_net_set_precision(net, c->precision, &why);
    if (precision != MLP_OK) {
        mlp_net_free(net);
        return mlp_fail(err, precision, "training.precision: %s", why.message);
    }
    mlp_transform *transform = t->transform;
    t->transform = NULL;
    MLP_TRY(
        mlp_model_new(&t->model, net, transform, mlp_dataset_class_names(t->train), classes, err));
    t->net = mlp_model_net(t->model);
    mlp_error inner;
    if (c->class_names && mlp_model_set_display_names(t->model, c->class_names, c->num_class_names,
                                                      &inner) != MLP_OK) {
        /* The labels, so the names can be put in their order. */
        char labels[160] = "";
        for (size_t k = 0, used = 0; k < classes && used < sizeof labels; k++)
            used += (size_t)snprintf(labels + used, sizeof labels - used, "%s%s", k ? ", " : "",
                                     mlp_dataset_class_names(t->train)[k]);
        if (strlen(labels) == sizeof labels - 1) memcpy(labels + sizeof labels - 4, "...", 3);
        return mlp_fail(err, inner.status, "data.class_names: %s; the classes of %s are %s",
                        inner.message, c->train_source, labels);
    }
    if (c->config_text) MLP_TRY(mlp_model_set_metadata(t->model, "config", c->config_text, err));
    MLP_TRY(mlp_model_set_metadata(t->model, "mlp.version", MLP_VERSION, err));

    MLP_TRY(mlp_optimizer_new(&t->optimizer, &c->optimizer, mlp_net_num_params(t->net), err));
    t->decay_mask = mlp_calloc(mlp_net_num_params(t->net), 1, err);
    if (!t->decay_mask) return MLP_ERR_MEMORY;
    mlp_net_weight_mask(t->net, c->regularization.on_biases, t->decay_mask);

    if (resume_from) {
        MLP_TRY(mlp_net_load_weights(t->net, resume_from, err));
        return mlp_checkpoint_read_state(resume_from, t->optimizer, mlp_net_num_params(t->net),
                                         &t->state, err);
    }
    mlp_rng rng;
    mlp_rng_seed(&rng, c->seed, STREAM_INIT);
    MLP_TRY(mlp_net_init(t->net, &c->init, &rng, err));
    if (c->init_from && c->init_from[0]) {
        mlp_safetensors *st;
        MLP_TRY(mlp_safetensors_read(&st, c->init_from, err));
        mlp_status s = mlp_net_load_weights(t->net, st, err);
        mlp_safetensors_free(st);
        MLP_TRY(s);
    }
    mlp_run_state *s = &t->state;
    memset(s, 0, sizeof *s);
    mlp_rng_seed(&s->dropout_rng, c->seed, STREAM_DROPOUT);
    mlp_rng_seed(&s->augment_rng, c->seed, STREAM_AUGMENT);
    mlp_schedule_state_init(&s->schedule);
    mlp_early_stop_state_init(&s->early_stop);
    s->best_val_accuracy = NAN;
    return mlp_ok(err);
}

/* ---- One step ---- */

static bool params_finite(const mlp_net *net) {
    const float *p = mlp_net_params_const(net);
    for (size_t i = 0, n = mlp_net_num_params(net); i < n; i++)
        if (!isfinite(p[i])) return false;
    return true;
}

/* Assembles the samples order[first .. first+n) into t->x and t->labels, augmented when the
 * configuration asks for it, on the network's threads. */
static mlp_status gather_batch(trainer *t, size_t first, size_t n, mlp_batch *batch,
                               mlp_error *err) {
    const mlp_augment_spec *augment =
        t->cfg->augment.max_shift || t->cfg->augment.max_rotation > 0 ? &t->cfg->augment : NULL;
    MLP_TRY(mlp_net_gather(t->net, t->train, t->order + first, n, mlp_model_transform(t->model),
                           augment, &t->state.augment_rng, t->x, t->labels, err));
    *batch = (mlp_batch){.x = t->x, .labels = t->labels, .n = n};
    return mlp_ok(err);
}

/* Gradient of the mean loss over order[first .. first+n) (this rank's share when distributed),
 * summed over ranks; *loss_sum and *correct are totals over the whole batch. */
static mlp_status batch_gradient(trainer *t, size_t first, size_t n, double *loss_sum,
                                 double *correct, mlp_error *err) {
    const mlp_distributed *d = t->hooks ? t->hooks->distributed : NULL;
    size_t lo = 0, hi = n;
    if (d) {
        lo = n * (size_t)d->rank / (size_t)d->world_size;
        hi = n * ((size_t)d->rank + 1) / (size_t)d->world_size;
    }
    size_t share = hi - lo, num_params = mlp_net_num_params(t->net);
    float *grads = mlp_net_grads(t->net);
    double sums[2] = {0, 0};
    if (share > 0) {
        mlp_batch batch;
        MLP_TRY(gather_batch(t, first + lo, share, &batch, err));
        mlp_batch_result result;
        MLP_TRY(mlp_net_gradient(t->net, &batch, &t->state.dropout_rng, &result, err));
        sums[0] = result.loss * (double)share;
        sums[1] = (double)result.correct;
    } else {
        memset(grads, 0, num_params * sizeof *grads);
    }
    if (d) {
        /* Each share's mean gradient weighted by share / n: the sum over ranks is the mean over
         * the whole batch. */
        float scale = (float)share / (float)n;
        for (size_t i = 0; i < num_params; i++)
            grads[i] *= scale;
        MLP_TRY(d->sum_floats(d->ctx, grads, num_params, err));
        MLP_TRY(d->sum_doubles(d->ctx, sums, 2, err));
    }
    *loss_sum = sums[0];
    *correct = sums[1];
    return mlp_ok(err);
}

static double epoch_progress(const trainer *t) {
    return (double)t->state.epoch + (double)t->state.position / (double)t->num_train;
}

/* The fused step (mlp_net_train_step) on this process's batch: the usual case, where nothing needs
 * the whole gradient before the update. */
static mlp_status fused_step(trainer *t, size_t n, double *loss_sum, double *correct,
                             mlp_error *err) {
    mlp_batch batch;
    MLP_TRY(gather_batch(t, t->state.position, n, &batch, err));
    mlp_batch_result result;
    MLP_TRY(mlp_net_train_step(t->net, &batch, &t->state.dropout_rng, &t->cfg->regularization,
                               t->optimizer, t->decay_mask, t->lr, &result, err));
    *loss_sum = result.loss * (double)n;
    *correct = (double)result.correct;
    return mlp_ok(err);
}

/* A non-finite loss means divergence. The fused step has then already updated the weights; they
 * are never saved (the run stops at its last good checkpoint), and the separate path stops before
 * updating, so both report the same step. */
static mlp_status train_step(trainer *t, size_t n, bool *diverged, mlp_error *err) {
    const mlp_train_config *c = t->cfg;
    mlp_run_state *s = &t->state;
    t->lr = mlp_schedule_lr(&c->schedule, &s->schedule, s->step, epoch_progress(t));
    double loss_sum = 0, correct = 0;
    bool whole_gradient = c->clip_norm > 0 || (t->hooks && t->hooks->distributed);
    if (!whole_gradient) {
        MLP_TRY(fused_step(t, n, &loss_sum, &correct, err));
    } else {
        MLP_TRY(batch_gradient(t, s->position, n, &loss_sum, &correct, err));
        if (isfinite(loss_sum)) {
            if (c->regularization.l1 > 0 || c->regularization.l2 > 0)
                mlp_net_add_penalty_gradient(t->net, &c->regularization);
            float *grads = mlp_net_grads(t->net);
            size_t num_params = mlp_net_num_params(t->net);
            if (c->clip_norm > 0) mlp_clip_grad_norm(grads, num_params, c->clip_norm);
            mlp_optimizer_step(t->optimizer, mlp_net_params(t->net), grads, t->decay_mask, t->lr);
        }
    }
    if (!isfinite(loss_sum)) {
        *diverged = true;
        return mlp_ok(err);
    }
    s->step++;
    s->position += n;
    s->samples_seen += n;
    s->epoch_loss_sum += loss_sum, s->window_loss_sum += loss_sum;
    s->epoch_correct += (uint64_t)correct, s->window_correct += (uint64_t)correct;
    s->epoch_seen += n, s->window_seen += n;
    return mlp_ok(err);
}

/* ---- Evaluation of the validation split ---- */

static mlp_status evaluate_indices(trainer *t, const mlp_dataset *data, const uint32_t *indices,
                                   size_t count, double *loss, double *accuracy, mlp_error *err) {
    double loss_sum = 0;
    size_t correct = 0;
    for (size_t first = 0; first < count; first += t->cfg->eval_batch) {
        size_t n = count - first < t->cfg->eval_batch ? count - first : t->cfg->eval_batch;
        MLP_TRY(mlp_dataset_gather(data, indices + first, n, mlp_model_transform(t->model), NULL,
                                   NULL, t->x, t->labels, err));
        mlp_batch batch = {.x = t->x, .labels = t->labels, .n = n};
        mlp_batch_result result;
        MLP_TRY(mlp_net_evaluate(t->net, &batch, &result, err));
        loss_sum += result.loss * (double)n;
        correct += result.correct;
    }
    *loss = loss_sum / (double)count;
    *accuracy = (double)correct / (double)count;
    return mlp_ok(err);
}

/* ---- Outputs ---- */

static size_t batch_size_now(const trainer *t) {
    return mlp_batch_size_at(t->cfg->batch_stages, t->cfg->num_batch_stages, t->state.epoch);
}

static mlp_status log_row(trainer *t, double epoch, double train_loss, double train_accuracy,
                          double val_loss, double val_accuracy, mlp_error *err) {
    if (!t->writer) return mlp_ok(err);
    update_seconds(t);
    mlp_metrics_row row = {
        .epoch = epoch,
        .step = t->state.step,
        .lr = t->lr,
        .batch_size = batch_size_now(t),
        .train_loss = train_loss,
        .train_accuracy = train_accuracy,
        .val_loss = val_loss,
        .val_accuracy = val_accuracy,
        .seconds = t->state.seconds,
    };
    return mlp_metrics_log_append(t->log, &row, err);
}

static mlp_status save_last(trainer *t, mlp_error *err) {
    if (!t->writer) return mlp_ok(err);
    update_seconds(t);
    MLP_TRY(mlp_checkpoint_write(t->last_path, t->model, t->optimizer, &t->state, err));
    t->last_good_step = t->state.step;
    t->have_checkpoint = true;
    return mlp_ok(err);
}

/* A periodic checkpoint: last.safetensors, and step-N.safetensors too when they are kept. */
static mlp_status save_periodic(trainer *t, mlp_error *err) {
    if (t->writer && t->cfg->keep_checkpoints) {
        char name[64], path[PATH_MAX];
        snprintf(name, sizeof name, "step-%llu.safetensors", (unsigned long long)t->state.step);
        MLP_TRY(mlp_path_join(path, t->run_dir, name, err));
        update_seconds(t);
        MLP_TRY(mlp_checkpoint_write(path, t->model, t->optimizer, &t->state, err));
    }
    return save_last(t, err);
}

static mlp_status save_best(trainer *t, double value, mlp_error *err) {
    if (!t->writer) return mlp_ok(err);
    char text[64];
    snprintf(text, sizeof text, "%zu", t->state.epoch + 1);
    MLP_TRY(mlp_model_set_metadata(t->model, "best.epoch", text, err));
    snprintf(text, sizeof text, "%.17g", value);
    MLP_TRY(mlp_model_set_metadata(t->model, "best.value", text, err));
    MLP_TRY(mlp_model_set_metadata(
        t->model, "best.monitor",
        t->cfg->early_stop.monitor == MLP_MONITOR_VAL_ACCURACY ? "val_accuracy" : "val_loss", err));
    return mlp_model_save(t->model, t->best_path, err);
}

static void report_progress(trainer *t, bool epoch_end, double val_loss, double val_accuracy) {
    if (!t->hooks || !t->hooks->progress) return;
    const mlp_run_state *s = &t->state;
    update_seconds(t);
    size_t b = batch_size_now(t);
    double run_seconds = t->state.seconds - t->seconds_start;
    double rate = run_seconds > 0 ? (double)(s->samples_seen - t->samples_start) / run_seconds : 0;
    double remaining = (double)t->cfg->epochs * (double)t->num_train -
                       ((double)s->epoch * (double)t->num_train + (double)s->position);
    mlp_progress p = {
        .epoch = s->epoch + 1,
        .epochs = t->cfg->epochs,
        .batch = (s->position + b - 1) / b,
        .batches = (t->num_train + b - 1) / b,
        .step = s->step,
        .batch_size = b,
        .lr = t->lr,
        .loss = s->epoch_seen ? s->epoch_loss_sum / (double)s->epoch_seen : NAN,
        .accuracy = s->epoch_seen ? (double)s->epoch_correct / (double)s->epoch_seen : NAN,
        .samples_per_second = rate,
        .seconds = s->seconds,
        .eta_seconds = rate > 0 ? fmax(remaining, 0) / rate : NAN,
        .epoch_end = epoch_end,
        .val_loss = val_loss,
        .val_accuracy = val_accuracy,
    };
    t->hooks->progress(t->hooks->progress_ctx, &p);
}

/* ---- The end of an epoch ---- */

/* Validation, schedule and early stopping, metrics row, best and last checkpoints. Sets *stop
 * when early stopping triggers. */
static mlp_status end_epoch(trainer *t, bool *stop, bool *diverged, mlp_error *err) {
    const mlp_train_config *c = t->cfg;
    mlp_run_state *s = &t->state;
    if (!params_finite(t->net)) {
        *diverged = true;
        return mlp_ok(err);
    }
    double train_loss = s->epoch_loss_sum / (double)s->epoch_seen;
    double train_accuracy = (double)s->epoch_correct / (double)s->epoch_seen;
    double val_loss = NAN, val_accuracy = NAN;
    if (t->num_val > 0) {
        MLP_TRY(evaluate_indices(t, t->train, t->indices + t->num_train, t->num_val, &val_loss,
                                 &val_accuracy, err));
        if (isnan(s->best_val_accuracy) || val_accuracy > s->best_val_accuracy)
            s->best_val_accuracy = val_accuracy;
    }
    /* Without a validation split the monitors watch the training values. */
    double loss = t->num_val ? val_loss : train_loss;
    double accuracy = t->num_val ? val_accuracy : train_accuracy;
    mlp_schedule_end_epoch(&c->schedule, &s->schedule,
                           c->schedule.plateau_monitor == MLP_MONITOR_VAL_ACCURACY ? accuracy
                                                                                   : loss);
    double monitored = c->early_stop.monitor == MLP_MONITOR_VAL_ACCURACY ? accuracy : loss;
    bool improved;
    *stop =
        mlp_early_stop_update(&c->early_stop, &s->early_stop, s->epoch + 1, monitored, &improved);
    MLP_TRY(log_row(t, (double)(s->epoch + 1), train_loss, train_accuracy, val_loss, val_accuracy,
                    err));
    if (improved) MLP_TRY(save_best(t, monitored, err));
    report_progress(t, true, val_loss, val_accuracy);
    s->epoch++;
    s->position = 0;
    s->epoch_loss_sum = 0, s->epoch_correct = 0, s->epoch_seen = 0;
    if (c->checkpoint_every_epochs && s->epoch % c->checkpoint_every_epochs == 0 && !*stop &&
        s->epoch < c->epochs)
        MLP_TRY(save_periodic(t, err));
    return mlp_ok(err);
}

/* ---- Finishing ---- */

static mlp_status restore_best(trainer *t, mlp_error *err) {
    mlp_safetensors *st;
    MLP_TRY(mlp_safetensors_read(&st, t->best_path, err));
    mlp_status s = mlp_net_load_weights(t->net, st, err);
    mlp_safetensors_free(st);
    return s;
}

static mlp_status evaluate_test(trainer *t, mlp_train_result *result, mlp_error *err) {
    if (!t->test || !mlp_dataset_labels(t->test)) return mlp_ok(err);
    mlp_evaluation *ev;
    MLP_TRY(mlp_evaluation_new(&ev, mlp_model_num_classes(t->model), err));
    mlp_status s = mlp_model_evaluate(t->model, t->test, ev, err);
    if (s == MLP_OK) {
        result->test_loss = mlp_evaluation_loss(ev);
        result->test_accuracy = mlp_evaluation_accuracy(ev);
    }
    mlp_evaluation_free(ev);
    return s;
}

static void fill_result(const trainer *t, mlp_stop_reason reason, mlp_train_result *r) {
    r->stop_reason = reason;
    r->epochs_run = t->state.epoch;
    r->steps = t->state.step;
    r->train_seconds = t->state.seconds;
    r->samples_per_second =
        t->state.seconds > 0 ? (double)t->state.samples_seen / t->state.seconds : 0;
    r->best_val_accuracy = t->state.best_val_accuracy;
    r->best_epoch = t->state.early_stop.best_epoch;
}

static mlp_status write_summary(const trainer *t, const mlp_train_result *r, mlp_error *err) {
    if (!t->writer) return mlp_ok(err);
    mlp_summary summary = {
        .test_accuracy = r->test_accuracy,
        .test_loss = r->test_loss,
        .best_val_accuracy = r->best_val_accuracy,
        .best_epoch = r->best_epoch,
        .epochs_run = r->epochs_run,
        .steps = r->steps,
        .train_seconds = r->train_seconds,
        .samples_per_second = r->samples_per_second,
        .stop_reason = mlp_stop_reason_name(r->stop_reason),
        .seed = t->cfg->seed,
        .threads = (int)mlp_net_threads(t->net),
    };
    /* The settings changed on the way ([] for a run that equals an uninterrupted one). */
    cJSON *extra = cJSON_CreateObject();
    cJSON *changes = t->history ? cJSON_Duplicate(t->history, true) : cJSON_CreateArray();
    if (!extra || !changes || !cJSON_AddItemToObject(extra, "setting_changes", changes)) {
        cJSON_Delete(extra);
        cJSON_Delete(changes);
        return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", t->summary_path);
    }
    mlp_status s = mlp_summary_write(t->summary_path, &summary, extra, err);
    cJSON_Delete(extra);
    return s;
}

static void trainer_free(trainer *t) {
    mlp_dataset_free(t->train);
    mlp_dataset_free(t->test);
    free(t->indices);
    free(t->order);
    mlp_transform_free(t->transform);
    mlp_model_free(t->model);
    mlp_optimizer_free(t->optimizer);
    free(t->decay_mask);
    free(t->x);
    free(t->labels);
    mlp_metrics_log_free(t->log);
    cJSON_Delete(t->history);
    mlp_setting_changes_free(t->changes, t->num_changes);
}

/* ---- The loop ---- */

static bool stop_requested(const trainer *t) {
    bool mine = t->hooks && t->hooks->stop_requested && *t->hooks->stop_requested;
    const mlp_distributed *d = t->hooks ? t->hooks->distributed : NULL;
    if (!d) return mine;
    /* Ranks see a Ctrl-C at different moments but must stop at the same step (or one waits
     * forever in the next sum): they stop when any of them was asked to. */
    double asked = mine;
    return d->sum_doubles(d->ctx, &asked, 1, NULL) != MLP_OK || asked > 0;
}

/* Runs epochs until the end, early stopping, divergence or interruption; *reason says which. */
static mlp_status run_epochs(trainer *t, mlp_stop_reason *reason, mlp_error *err) {
    const mlp_train_config *c = t->cfg;
    mlp_run_state *s = &t->state;
    while (s->epoch < c->epochs) {
        epoch_order(t, s->epoch);
        size_t b = batch_size_now(t);
        bool diverged = false, stop = false;
        while (s->position < t->num_train) {
            if (stop_requested(t)) {
                *reason = MLP_STOP_INTERRUPTED;
                return save_last(t, err);
            }
            size_t n = t->num_train - s->position < b ? t->num_train - s->position : b;
            MLP_TRY(train_step(t, n, &diverged, err));
            if (diverged) {
                *reason = MLP_STOP_DIVERGED;
                return mlp_ok(err);
            }
            if (c->log_every_steps && s->step % c->log_every_steps == 0) {
                MLP_TRY(log_row(t, epoch_progress(t), s->window_loss_sum / (double)s->window_seen,
                                (double)s->window_correct / (double)s->window_seen, NAN, NAN, err));
                s->window_loss_sum = 0, s->window_correct = 0, s->window_seen = 0;
            }
            if (c->checkpoint_every_steps && s->step % c->checkpoint_every_steps == 0) {
                if (!params_finite(t->net)) {
                    *reason = MLP_STOP_DIVERGED;
                    return mlp_ok(err);
                }
                MLP_TRY(save_periodic(t, err));
            }
            report_progress(t, false, NAN, NAN);
        }
        MLP_TRY(end_epoch(t, &stop, &diverged, err));
        if (diverged) {
            *reason = MLP_STOP_DIVERGED;
            return mlp_ok(err);
        }
        if (stop) {
            *reason = MLP_STOP_EARLY;
            return mlp_ok(err);
        }
        if (stop_requested(t)) {
            *reason = MLP_STOP_INTERRUPTED;
            return save_last(t, err);
        }
    }
    *reason = MLP_STOP_MAX_EPOCHS;
    return mlp_ok(err);
}

const char *mlp_stop_reason_name(mlp_stop_reason reason) {
    switch (reason) {
    case MLP_STOP_MAX_EPOCHS:
        return "max_epochs";
    case MLP_STOP_EARLY:
        return "early_stop";
    case MLP_STOP_DIVERGED:
        return "diverged";
    case MLP_STOP_INTERRUPTED:
        return "interrupted";
    }
    return NULL;
}

/* The run folder, and the checkpoint to resume from read into *ckpt with the settings the config
 * changes against the checkpoint's own (t->changes). A finished run's checkpoint is continued
 * only with changed settings and epochs left to run; refused otherwise, with its stop reason and
 * epochs in *result. */
static mlp_status open_run(trainer *t, const char *run_dir, const char *resume_from,
                           mlp_safetensors **ckpt, mlp_train_result *result, mlp_error *err) {
    MLP_TRY(make_run_dir(t, run_dir, err));
    if (!resume_from) return mlp_ok(err);
    MLP_TRY(mlp_safetensors_read(ckpt, resume_from, err));
    const char *before = mlp_safetensors_metadata(*ckpt, "config");
    if (before && t->cfg->config_text)
        MLP_TRY(mlp_train_config_changes(before, t->cfg->config_text, &t->changes, &t->num_changes,
                                         err));
    uint64_t finished = 0, epochs = 0, steps = 0;
    if (mlp_safetensors_metadata(*ckpt, "train.finished"))
        MLP_TRY(mlp_safetensors_get_metadata_u64(*ckpt, "train.finished", &finished, err));
    MLP_TRY(mlp_safetensors_get_metadata_u64(*ckpt, "train.epoch", &epochs, err));
    MLP_TRY(mlp_safetensors_get_metadata_u64(*ckpt, "train.step", &steps, err));
    if (!finished || t->num_changes)
        MLP_TRY(mlp_train_epochs_left(t->cfg, resume_from, epochs, finished, err));
    if (!finished || t->num_changes) return mlp_ok(err);
    const char *reason = mlp_safetensors_metadata(*ckpt, "train.stop_reason");
    if (!mlp_stop_reason_parse(reason, &result->stop_reason))
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: metadata 'train.stop_reason' = '%.40s' is not a stop reason",
                        resume_from, reason ? reason : "");
    result->epochs_run = (size_t)epochs;
    result->steps = steps;
    return mlp_fail(err, MLP_ERR_STATE,
                    "%s: the run has finished (%s after %llu epochs, %llu steps) and no setting "
                    "changes",
                    resume_from, reason ? reason : "?", (unsigned long long)epochs,
                    (unsigned long long)steps);
}

/* The history of setting changes: the checkpoint's, then this resume's at its step. The model
 * carries it (metadata train.changes, so later checkpoints do), the run folder shows it as
 * changes.csv (removed when empty: a resume from before any change leaves none). */
static mlp_status record_history(trainer *t, const mlp_safetensors *ckpt, mlp_error *err) {
    const char *old = ckpt ? mlp_safetensors_metadata(ckpt, "train.changes") : NULL;
    t->history = old ? cJSON_Parse(old) : cJSON_CreateArray();
    if (old && !cJSON_IsArray(t->history))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata 'train.changes' is not a JSON array",
                        mlp_safetensors_source(ckpt));
    bool ok = t->history != NULL;
    for (size_t i = 0; ok && i < t->num_changes; i++) {
        cJSON *row = cJSON_CreateObject();
        ok = row && cJSON_AddItemToArray(t->history, row) &&
             cJSON_AddNumberToObject(row, "step", (double)t->state.step) &&
             cJSON_AddNumberToObject(row, "epoch", epoch_progress(t)) &&
             cJSON_AddStringToObject(row, "key", t->changes[i].key) &&
             cJSON_AddStringToObject(row, "before", t->changes[i].before) &&
             cJSON_AddStringToObject(row, "after", t->changes[i].after);
    }
    if (!ok) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory recording setting changes");
    int n = cJSON_GetArraySize(t->history);
    if (n == 0) {
        if (t->writer && unlink(t->changes_path) != 0 && errno != ENOENT)
            return mlp_fail(err, MLP_ERR_IO, "%s: cannot remove: %s", t->changes_path,
                            strerror(errno));
        return mlp_ok(err);
    }
    char *json = cJSON_PrintUnformatted(t->history);
    mlp_text csv = {0};
    mlp_text_append(&csv, "step,epoch,key,before,after\n");
    for (const cJSON *row = t->history->child; row; row = row->next) {
        const cJSON *step = cJSON_GetObjectItem(row, "step"),
                    *epoch = cJSON_GetObjectItem(row, "epoch");
        mlp_text_append(&csv, "%.0f,%.6g", cJSON_GetNumberValue(step), cJSON_GetNumberValue(epoch));
        const char *names[] = {"key", "before", "after"};
        for (size_t k = 0; k < 3; k++) {
            /* CSV quoting: values may hold commas (lists) and quotes. */
            const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(row, names[k]));
            mlp_text_append(&csv, ",\"");
            for (const char *p = v ? v : ""; *p; p++)
                mlp_text_append(&csv, *p == '"' ? "\"\"" : "%c", *p);
            mlp_text_append(&csv, "\"");
        }
        mlp_text_append(&csv, "\n");
    }
    char *text = mlp_text_finish(&csv, err);
    mlp_status s = json && text
                       ? MLP_OK
                       : mlp_fail(err, MLP_ERR_MEMORY, "out of memory recording setting changes");
    if (s == MLP_OK) s = mlp_model_set_metadata(t->model, "train.changes", json, err);
    if (s == MLP_OK && t->writer) s = mlp_atomic_write_text(t->changes_path, text, err);
    free(json);
    free(text);
    return s;
}

mlp_status mlp_train(const mlp_train_config *config, const char *run_dir, const char *resume_from,
                     const mlp_train_hooks *hooks, mlp_train_result *result, mlp_error *err) {
    trainer t = {.cfg = config, .hooks = hooks, .run_dir = run_dir};
    bool resume = resume_from != NULL;
    t.writer = !hooks || !hooks->distributed || hooks->distributed->rank == 0;
    *result = (mlp_train_result){.best_val_accuracy = NAN, .test_loss = NAN, .test_accuracy = NAN};
    mlp_safetensors *ckpt = NULL;
    mlp_status s = open_run(&t, run_dir, resume_from, &ckpt, result, err);
    if (s == MLP_OK) s = setup_data(&t, err);
    if (s == MLP_OK) s = setup_model(&t, ckpt, err);
    /* A finished run continued with changed settings (open_run allowed it) runs on. */
    t.state.finished = false;
    if (s == MLP_OK && resume) s = record_history(&t, ckpt, err);
    mlp_safetensors_free(ckpt);
    if (s == MLP_OK && resume && t.state.position > t.num_train)
        s = mlp_fail(err, MLP_ERR_FORMAT,
                     "%s: checkpoint position %zu beyond the %zu training samples", resume_from,
                     t.state.position, t.num_train);
    if (s == MLP_OK && t.writer) {
        if (resume)
            s = mlp_metrics_log_resume(&t.log, t.metrics_path, t.state.step, err);
        else
            s = mlp_metrics_log_create(&t.log, t.metrics_path, err);
        /* Rewritten on resume too: the settings the run goes on with. */
        if (s == MLP_OK && config->config_text)
            s = mlp_atomic_write_text(t.config_path, config->config_text, err);
    }
    t.have_checkpoint = resume;
    t.last_good_step = t.state.step;
    t.clock_start = now_seconds();
    t.seconds_start = t.state.seconds;
    t.samples_start = t.state.samples_seen;
    t.lr = config->schedule.lr;
    mlp_stop_reason reason = MLP_STOP_MAX_EPOCHS;
    if (s == MLP_OK) s = run_epochs(&t, &reason, err);
    if (s != MLP_OK) {
        trainer_free(&t);
        return s;
    }
    update_seconds(&t);
    bool finished = reason == MLP_STOP_MAX_EPOCHS || reason == MLP_STOP_EARLY;
    if (finished) {
        if (config->early_stop.enabled && config->early_stop.restore_best && t.writer)
            s = restore_best(&t, err);
        if (s == MLP_OK) s = evaluate_test(&t, result, err);
        t.state.finished = true;
        t.state.stop_reason = reason;
        update_seconds(&t);
    }
    fill_result(&t, reason, result);
    if (s == MLP_OK) s = write_summary(&t, result, err);
    /* The finished checkpoint after the summary: a run whose last.safetensors says it finished
     * has its summary.json, where mlp tune and sweep read its outcome. Killed in between, the run
     * resumes from its previous checkpoint to the same end. */
    if (s == MLP_OK && finished) s = save_last(&t, err);
    if (s == MLP_OK && reason == MLP_STOP_DIVERGED) {
        if (t.have_checkpoint)
            s = mlp_fail(
                err, MLP_ERR_NUMERIC,
                "training diverged (loss or weights not finite) in epoch %zu at step %llu; "
                "the last good checkpoint is %s (step %llu)",
                t.state.epoch + 1, (unsigned long long)t.state.step, t.last_path,
                (unsigned long long)t.last_good_step);
        else
            s = mlp_fail(
                err, MLP_ERR_NUMERIC,
                "training diverged (loss or weights not finite) in epoch %zu at step %llu, "
                "before any checkpoint",
                t.state.epoch + 1, (unsigned long long)t.state.step);
    } else if (s == MLP_OK && reason == MLP_STOP_INTERRUPTED) {
        s = mlp_fail(err, MLP_ERR_INTERRUPTED, "interrupted in epoch %zu at step %llu; saved %s",
                     t.state.epoch + 1, (unsigned long long)t.state.step, t.last_path);
    }
    trainer_free(&t);
    return s;
}
