/* Configs as handles and training in memory, for bindings (the Python package): the command's
 * config keys name every setting, and a session trains a model one epoch per call on data the
 * caller holds, with the same steps as the trainer (gather, fused step, schedule). */
#include "train/train_config.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Random streams, as the trainer numbers them (train/trainer.c). */
enum { STREAM_INIT = 1, STREAM_DROPOUT = 3, STREAM_AUGMENT = 4, STREAM_SHUFFLE = 1000 };

struct mlp_config {
    mlp_ini *ini;
};

mlp_status mlp_config_new(mlp_config **config, const char *path, mlp_error *err) {
    *config = mlp_calloc(1, sizeof **config, err);
    if (!*config) return MLP_ERR_MEMORY;
    mlp_status s = mlp_train_ini_load(&(*config)->ini, path, NULL, 0, err);
    if (s != MLP_OK) {
        free(*config);
        *config = NULL;
    }
    return s;
}

void mlp_config_free(mlp_config *config) {
    if (!config) return;
    mlp_ini_free(config->ini);
    free(config);
}

mlp_status mlp_config_set(mlp_config *config, const char *assignment, mlp_error *err) {
    if (!assignment) return mlp_fail(err, MLP_ERR_ARGUMENT, "config override is NULL");
    return mlp_ini_set(config->ini, assignment, err);
}

char *mlp_config_text(const mlp_config *config, mlp_error *err) {
    return mlp_ini_to_text(config->ini, err);
}

void mlp_free(void *memory) {
    free(memory);
}

mlp_status mlp_config_train(const mlp_config *config, const char *run_dir, const char *resume_from,
                            const mlp_train_hooks *hooks, mlp_train_result *result,
                            mlp_error *err) {
    mlp_train_config c;
    MLP_TRY(mlp_train_config_from_ini(config->ini, &c, err));
    char *text = mlp_ini_to_text(config->ini, err);
    if (!text) return MLP_ERR_MEMORY;
    c.config_text = text;
    mlp_status s = mlp_train(&c, run_dir, resume_from, hooks, result, err);
    free(text);
    return s;
}

/* ---- A new model for data in memory ---- */

mlp_status mlp_config_new_model(mlp_model **model, const mlp_config *config,
                                const mlp_dataset *data, const uint32_t *indices, size_t n,
                                mlp_error *err) {
    *model = NULL;
    mlp_train_config c;
    MLP_TRY(mlp_train_config_from_ini_in_memory(config->ini, &c, err));
    size_t count = mlp_dataset_count(data), classes = mlp_dataset_num_classes(data);
    /* One output is a binary classifier's sigmoid unit, so one class cannot be learnt. */
    if (classes < 2)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "%s: %zu class in the data; a classifier needs at least 2",
                        mlp_dataset_source(data), classes);
    uint32_t *all = NULL;
    if (!indices) {
        all = mlp_calloc(count, sizeof *all, err);
        if (!all) return MLP_ERR_MEMORY;
        for (size_t i = 0; i < count; i++)
            all[i] = (uint32_t)i;
        indices = all, n = count;
    }
    mlp_transform *transform = NULL;
    mlp_net *net = NULL;
    mlp_net_spec spec;
    mlp_status s = mlp_transform_new(&transform, &c.transform, mlp_dataset_features(data), err);
    if (s == MLP_OK) s = mlp_transform_fit(transform, data, indices, n, err);
    free(all);
    if (s == MLP_OK)
        s = mlp_train_config_net_spec(&c, mlp_dataset_features(data), classes, &spec, err);
    if (s == MLP_OK) s = mlp_net_new(&net, &spec, err);
    if (s == MLP_OK) s = mlp_net_set_precision(net, c.precision, err);
    if (s == MLP_OK) {
        mlp_rng rng;
        mlp_rng_seed(&rng, c.seed, STREAM_INIT);
        s = mlp_net_init(net, &c.init, &rng, err);
    }
    if (s != MLP_OK) {
        mlp_net_free(net);
        mlp_transform_free(transform);
        return s;
    }
    MLP_TRY(mlp_model_new(model, net, transform, mlp_dataset_class_names(data), classes, err));
    mlp_status st = mlp_model_set_metadata(*model, "mlp.version", MLP_VERSION, err);
    if (st == MLP_OK && c.class_names)
        st = mlp_model_set_display_names(*model, c.class_names, c.num_class_names, err);
    if (st != MLP_OK) {
        mlp_model_free(*model);
        *model = NULL;
    }
    return st;
}

/* ---- Sessions ---- */

struct mlp_session {
    mlp_train_config cfg; /* strings in it are not used */
    mlp_model *model;     /* borrowed */
    mlp_net *net;
    mlp_optimizer *optimizer;
    uint8_t *decay_mask;
    size_t batch;
    float *x;
    int32_t *labels;
    uint32_t *order;
    size_t order_size;
    mlp_rng dropout_rng, augment_rng;
    mlp_schedule_state schedule;
    uint64_t step;
    size_t epochs_done;
};

void mlp_session_free(mlp_session *session) {
    if (!session) return;
    mlp_optimizer_free(session->optimizer);
    free(session->decay_mask);
    free(session->x);
    free(session->labels);
    free(session->order);
    free(session);
}

static mlp_status session_setup(mlp_session *s, const mlp_config *config, mlp_error *err) {
    MLP_TRY(mlp_train_config_from_ini_in_memory(config->ini, &s->cfg, err));
    s->cfg.train_source = s->cfg.test_source = s->cfg.init_from = NULL;
    const mlp_net_spec *spec = mlp_net_get_spec(s->net);
    size_t params = mlp_net_num_params(s->net), features = spec->widths[0];
    s->batch = s->cfg.batch_stages[0].batch;
    MLP_TRY(mlp_net_reserve(s->net, s->batch, err));
    MLP_TRY(mlp_optimizer_new(&s->optimizer, &s->cfg.optimizer, params, err));
    s->decay_mask = mlp_calloc(params, 1, err);
    if (!s->decay_mask) return MLP_ERR_MEMORY;
    mlp_net_weight_mask(s->net, s->cfg.regularization.on_biases, s->decay_mask);
    s->x = mlp_calloc_lines(s->batch * features, sizeof *s->x, err);
    s->labels = s->x ? mlp_calloc(s->batch, sizeof *s->labels, err) : NULL;
    if (!s->labels) return MLP_ERR_MEMORY;
    mlp_rng_seed(&s->dropout_rng, s->cfg.seed, STREAM_DROPOUT);
    mlp_rng_seed(&s->augment_rng, s->cfg.seed, STREAM_AUGMENT);
    mlp_schedule_state_init(&s->schedule);
    return mlp_ok(err);
}

mlp_status mlp_session_new(mlp_session **session, const mlp_config *config, mlp_model *model,
                           mlp_error *err) {
    *session = NULL;
    mlp_session *s = mlp_calloc(1, sizeof *s, err);
    if (!s) return MLP_ERR_MEMORY;
    s->model = model;
    s->net = mlp_model_net(model);
    mlp_status st = session_setup(s, config, err);
    if (st != MLP_OK) {
        mlp_session_free(s);
        return st;
    }
    *session = s;
    return MLP_OK;
}

void mlp_session_set_lr(mlp_session *session, float lr) {
    session->cfg.schedule.lr = lr;
}

static bool params_finite(const mlp_net *net) {
    const float *p = mlp_net_params_const(net);
    for (size_t i = 0, n = mlp_net_num_params(net); i < n; i++)
        if (!isfinite(p[i])) return false;
    return true;
}

/* This epoch's order: the samples given, shuffled when the config asks for it. */
static mlp_status epoch_order(mlp_session *s, const uint32_t *indices, size_t n, mlp_error *err) {
    if (n > s->order_size) {
        uint32_t *order = realloc(s->order, n * sizeof *order);
        if (!order) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for %zu indices", n);
        s->order = order, s->order_size = n;
    }
    for (size_t i = 0; i < n; i++)
        s->order[i] = indices ? indices[i] : (uint32_t)i;
    if (s->cfg.shuffle) {
        mlp_rng rng;
        mlp_rng_seed(&rng, s->cfg.seed, STREAM_SHUFFLE + (uint64_t)s->epochs_done);
        mlp_rng_shuffle(&rng, s->order, n);
    }
    return mlp_ok(err);
}

/* One step on order[first .. first+n): the fused step, or gradient, penalty, clipping and update
 * in turn when the gradient is clipped by its norm. */
static mlp_status session_step(mlp_session *s, const mlp_dataset *data, size_t first, size_t n,
                               double epoch, mlp_batch_result *result, mlp_error *err) {
    const mlp_train_config *c = &s->cfg;
    const mlp_augment_spec *augment =
        c->augment.max_shift || c->augment.max_rotation > 0 ? &c->augment : NULL;
    MLP_TRY(mlp_net_gather(s->net, data, s->order + first, n, mlp_model_transform(s->model),
                           augment, &s->augment_rng, s->x, s->labels, err));
    mlp_batch batch = {.x = s->x, .labels = s->labels, .n = n};
    float lr = mlp_schedule_lr(&c->schedule, &s->schedule, s->step, epoch);
    if (!(c->clip_norm > 0))
        return mlp_net_train_step(s->net, &batch, &s->dropout_rng, &c->regularization, s->optimizer,
                                  s->decay_mask, lr, result, err);
    MLP_TRY(mlp_net_gradient(s->net, &batch, &s->dropout_rng, result, err));
    if (!isfinite(result->loss)) return mlp_ok(err);
    if (c->regularization.l1 > 0 || c->regularization.l2 > 0)
        mlp_net_add_penalty_gradient(s->net, &c->regularization);
    float *grads = mlp_net_grads(s->net);
    mlp_clip_grad_norm(grads, mlp_net_num_params(s->net), c->clip_norm);
    mlp_optimizer_step(s->optimizer, mlp_net_params(s->net), grads, s->decay_mask, lr);
    return mlp_ok(err);
}

mlp_status mlp_session_epoch(mlp_session *s, const mlp_dataset *data, const uint32_t *indices,
                             size_t n, const volatile int *stop_requested, mlp_epoch_result *result,
                             mlp_error *err) {
    *result = (mlp_epoch_result){.loss = NAN, .penalty = NAN, .accuracy = NAN, .steps = s->step};
    if (!indices) n = mlp_dataset_count(data);
    const mlp_net_spec *spec = mlp_net_get_spec(s->net);
    if (mlp_dataset_features(data) != spec->widths[0])
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %zu features per sample, the model expects %zu",
                        mlp_dataset_source(data), mlp_dataset_features(data), spec->widths[0]);
    if (!mlp_dataset_labels(data))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: training data has no labels",
                        mlp_dataset_source(data));
    if (mlp_dataset_num_classes(data) > spec->widths[spec->num_layers])
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %zu classes, the model has %zu outputs",
                        mlp_dataset_source(data), mlp_dataset_num_classes(data),
                        spec->widths[spec->num_layers]);
    if (n == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: no samples to train on",
                        mlp_dataset_source(data));
    MLP_TRY(epoch_order(s, indices, n, err));
    double loss_sum = 0, correct = 0;
    size_t done = 0;
    mlp_status st = MLP_OK;
    while (done < n) {
        if (stop_requested && *stop_requested) {
            st = mlp_fail(err, MLP_ERR_INTERRUPTED,
                          "interrupted in epoch %zu after %zu of %zu samples", s->epochs_done + 1,
                          done, n);
            break;
        }
        size_t b = n - done < s->batch ? n - done : s->batch;
        mlp_batch_result r;
        st = session_step(s, data, done, b, (double)s->epochs_done + (double)done / (double)n, &r,
                          err);
        if (st != MLP_OK) break;
        if (!isfinite(r.loss)) {
            st = mlp_fail(err, MLP_ERR_NUMERIC,
                          "training diverged (loss not finite) in epoch %zu at step %llu",
                          s->epochs_done + 1, (unsigned long long)s->step + 1);
            break;
        }
        s->step++;
        done += b;
        loss_sum += r.loss * (double)b;
        correct += (double)r.correct;
    }
    result->samples = done;
    result->steps = s->step;
    if (done > 0) {
        result->loss = loss_sum / (double)done;
        result->accuracy = correct / (double)done;
    }
    result->penalty = mlp_net_penalty(s->net, &s->cfg.regularization);
    if (st != MLP_OK) return st;
    if (!params_finite(s->net))
        return mlp_fail(err, MLP_ERR_NUMERIC,
                        "training diverged (weights not finite) in epoch %zu at step %llu",
                        s->epochs_done + 1, (unsigned long long)s->step);
    mlp_schedule_end_epoch(&s->cfg.schedule, &s->schedule,
                           s->cfg.schedule.plateau_monitor == MLP_MONITOR_VAL_ACCURACY
                               ? result->accuracy
                               : result->loss);
    s->epochs_done++;
    return mlp_ok(err);
}
