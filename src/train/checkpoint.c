/* Training checkpoints: model + optimizer buffers + run state (see checkpoint.h). Doubles are
 * stored with %.17g, which round-trips them exactly. */
#include "train/checkpoint.h"

#include "train/model_file.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *key;
    size_t offset;
    enum { U64, SIZE, DOUBLE, FLOAT, BOOL } type;
} state_field;

#define FIELD(key, member, type)                                                                   \
    { key, offsetof(mlp_run_state, member), type }

/* Every number of the run state, by metadata key. */
static const state_field fields[] = {
    FIELD("train.epoch", epoch, SIZE),
    FIELD("train.position", position, SIZE),
    FIELD("train.step", step, U64),
    FIELD("train.seconds", seconds, DOUBLE),
    FIELD("train.samples_seen", samples_seen, U64),
    FIELD("train.epoch_loss_sum", epoch_loss_sum, DOUBLE),
    FIELD("train.epoch_correct", epoch_correct, U64),
    FIELD("train.epoch_seen", epoch_seen, U64),
    FIELD("train.window_loss_sum", window_loss_sum, DOUBLE),
    FIELD("train.window_correct", window_correct, U64),
    FIELD("train.window_seen", window_seen, U64),
    FIELD("train.rng.dropout.state", dropout_rng.state, U64),
    FIELD("train.rng.dropout.increment", dropout_rng.increment, U64),
    FIELD("train.rng.augment.state", augment_rng.state, U64),
    FIELD("train.rng.augment.increment", augment_rng.increment, U64),
    FIELD("train.schedule.plateau_scale", schedule.plateau_scale, FLOAT),
    FIELD("train.schedule.plateau_best", schedule.plateau_best, DOUBLE),
    FIELD("train.schedule.plateau_has_best", schedule.plateau_has_best, BOOL),
    FIELD("train.schedule.plateau_bad_epochs", schedule.plateau_bad_epochs, SIZE),
    FIELD("train.schedule.plateau_cooldown_left", schedule.plateau_cooldown_left, SIZE),
    FIELD("train.early_stop.best", early_stop.best, DOUBLE),
    FIELD("train.early_stop.has_best", early_stop.has_best, BOOL),
    FIELD("train.early_stop.best_epoch", early_stop.best_epoch, SIZE),
    FIELD("train.early_stop.bad_epochs", early_stop.bad_epochs, SIZE),
    FIELD("train.best_val_accuracy", best_val_accuracy, DOUBLE),
    FIELD("train.finished", finished, BOOL),
};

static mlp_status put_field(mlp_safetensors *st, const state_field *f, const mlp_run_state *state,
                            mlp_error *err) {
    const char *p = (const char *)state + f->offset;
    switch (f->type) {
    case U64:
        return mlp_safetensors_set_metadata_u64(st, f->key, *(const uint64_t *)p, err);
    case SIZE:
        return mlp_safetensors_set_metadata_u64(st, f->key, *(const size_t *)p, err);
    case DOUBLE: {
        /* NAN (no value yet) is stored as "nan", which the reader maps back. */
        double v = *(const double *)p;
        if (isnan(v)) return mlp_safetensors_set_metadata(st, f->key, "nan", err);
        return mlp_safetensors_set_metadata_double(st, f->key, v, err);
    }
    case FLOAT:
        return mlp_safetensors_set_metadata_double(st, f->key, *(const float *)p, err);
    case BOOL:
        return mlp_safetensors_set_metadata_u64(st, f->key, *(const bool *)p, err);
    }
    return mlp_ok(err);
}

static mlp_status get_field(const mlp_safetensors *st, const state_field *f, mlp_run_state *state,
                            mlp_error *err) {
    char *p = (char *)state + f->offset;
    uint64_t u;
    double d;
    switch (f->type) {
    case U64:
    case SIZE:
    case BOOL:
        MLP_TRY(mlp_safetensors_get_metadata_u64(st, f->key, &u, err));
        if (f->type == U64)
            *(uint64_t *)p = u;
        else if (f->type == SIZE)
            *(size_t *)p = (size_t)u;
        else
            *(bool *)p = u != 0;
        return mlp_ok(err);
    case DOUBLE:
    case FLOAT: {
        const char *text = mlp_safetensors_metadata(st, f->key);
        if (text && strcmp(text, "nan") == 0)
            d = NAN;
        else
            MLP_TRY(mlp_safetensors_get_metadata_double(st, f->key, &d, err));
        if (f->type == DOUBLE)
            *(double *)p = d;
        else
            *(float *)p = (float)d;
        return mlp_ok(err);
    }
    }
    return mlp_ok(err);
}

bool mlp_stop_reason_parse(const char *name, mlp_stop_reason *reason) {
    for (int r = MLP_STOP_MAX_EPOCHS; name && r <= MLP_STOP_INTERRUPTED; r++)
        if (strcmp(name, mlp_stop_reason_name((mlp_stop_reason)r)) == 0) {
            *reason = (mlp_stop_reason)r;
            return true;
        }
    return false;
}

mlp_status mlp_checkpoint_write(const char *path, const mlp_model *model, mlp_optimizer *optimizer,
                                const mlp_run_state *state, mlp_error *err) {
    mlp_safetensors *st;
    MLP_TRY(mlp_safetensors_new(&st, err));
    mlp_status s = mlp_model_add_to(model, st, err);
    size_t n = mlp_net_num_params(mlp_model_net_const(model));
    for (size_t i = 0; s == MLP_OK && i < mlp_optimizer_num_buffers(optimizer); i++) {
        const char *name;
        float *buffer = mlp_optimizer_buffer(optimizer, i, &name);
        char key[64];
        snprintf(key, sizeof key, "optimizer.%s", name);
        s = mlp_safetensors_add(st, key, MLP_DTYPE_F32, 1, &n, buffer, err);
    }
    if (s == MLP_OK)
        s = mlp_safetensors_set_metadata_u64(st, "optimizer.steps", mlp_optimizer_steps(optimizer),
                                             err);
    for (size_t i = 0; s == MLP_OK && i < sizeof fields / sizeof *fields; i++)
        s = put_field(st, &fields[i], state, err);
    if (s == MLP_OK && state->finished)
        s = mlp_safetensors_set_metadata(st, "train.stop_reason",
                                         mlp_stop_reason_name(state->stop_reason), err);
    if (s == MLP_OK) s = mlp_safetensors_write(st, path, err);
    mlp_safetensors_free(st);
    return s;
}

mlp_status mlp_checkpoint_read_state(const mlp_safetensors *st, mlp_optimizer *optimizer,
                                     size_t num_params, mlp_run_state *state, mlp_error *err) {
    memset(state, 0, sizeof *state);
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        MLP_TRY(get_field(st, &fields[i], state, err));
    const char *reason = mlp_safetensors_metadata(st, "train.stop_reason");
    if (state->finished) {
        if (!mlp_stop_reason_parse(reason, &state->stop_reason))
            return mlp_fail(err, MLP_ERR_FORMAT,
                            "%s: metadata 'train.stop_reason' = '%.40s' is not a stop reason",
                            mlp_safetensors_source(st), reason ? reason : "");
    }
    uint64_t steps;
    MLP_TRY(mlp_safetensors_get_metadata_u64(st, "optimizer.steps", &steps, err));
    mlp_optimizer_set_steps(optimizer, steps);
    for (size_t i = 0; i < mlp_optimizer_num_buffers(optimizer); i++) {
        const char *name;
        float *buffer = mlp_optimizer_buffer(optimizer, i, &name);
        char key[64];
        snprintf(key, sizeof key, "optimizer.%s", name);
        MLP_TRY(mlp_safetensors_get(st, key, MLP_DTYPE_F32, 1, &num_params, buffer, err));
    }
    return mlp_ok(err);
}
