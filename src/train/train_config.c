/* The schema of the training configuration and its translation into mlp_train_config. */
#include "train/train_config.h"

#include "core/names.h"
#include "util/error.h"
#include "util/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const output_names[] = {"auto", "identity", "sigmoid", "tanh", NULL};
static const char *const precision_names[] = {"f32", "bf16", NULL}; /* mlp_precision's order */
static const char *const init_names[] = {"normal",         "uniform",       "glorot_normal",
                                         "glorot_uniform", "he_normal",     "he_uniform",
                                         "lecun_normal",   "lecun_uniform", NULL};
static const char *const optimizer_names[] = {"sgd", "adam", "adamw", "rmsprop", NULL};
static const char *const schedule_names[] = {"constant", "step",    "multistep", "exponential",
                                             "cosine",   "plateau", NULL};
static const char *const monitor_names[] = {"val_loss", "val_accuracy", NULL};

#define KEY(section, key, type, def, help)                                                         \
    { section, key, MLP_INI_##type, def, help, NULL }
#define CHOICE(section, key, choices, def, help)                                                   \
    { section, key, MLP_INI_ENUM, def, help, choices }

static const mlp_ini_key keys[] = {
    KEY("", "seed", INT, "1",
        "seed of every random choice (init, split, shuffles, dropout, augmentation)"),
    KEY("", "threads", INT, "0", "threads of the layer products; 0: all cores"),

    KEY("data", "train", STRING, "",
        "training data source (docs/data.md), e.g. train-images.gz,train-labels.gz"),
    KEY("data", "test", STRING, "",
        "labelled test data source evaluated after training; empty: none"),
    KEY("data", "class_names", STRING_LIST, "",
        "names of the classes for reports and pictures, in class order (docs/data.md), e.g. "
        "T-shirt/top, Trouser, ...; empty: the labels"),
    KEY("data", "transform", STRING, "scale",
        "preparation fitted on the training split: none, or a list of scale, log[=C], standardize"),
    KEY("data", "validation", FLOAT, "0.1",
        "share of the training data held out for validation, in [0, 1)"),
    KEY("data", "validation_count", INT, "0",
        "number of samples held out instead of a share (> 0 overrides validation)"),
    KEY("data", "stratified", BOOL, "false", "hold out the same share of every class"),
    KEY("data", "shuffle", BOOL, "true", "reshuffle the training split every epoch"),
    KEY("data", "augment_shift", INT, "0",
        "random image shifts of up to this many pixels (training batches only)"),
    KEY("data", "augment_rotation", FLOAT, "0",
        "random image rotations of up to this many degrees (training batches only)"),

    KEY("network", "hidden", INT_LIST, "200",
        "widths of the hidden layers; empty: no hidden layer (linear model)"),
    CHOICE("network", "activation", mlp_hidden_activation_names, "relu",
           "activation of every hidden layer"),
    CHOICE("network", "loss", mlp_loss_names, "softmax_cross_entropy",
           "loss; the output activation is softmax for softmax_cross_entropy, sigmoid for "
           "binary_cross_entropy"),
    CHOICE("network", "output", output_names, "auto",
           "output activation for the quadratic loss (auto: sigmoid)"),
    KEY("network", "leaky_relu_slope", FLOAT, "0.01", "slope of leaky_relu for negative inputs"),
    KEY("network", "dropout", FLOAT, "0",
        "probability of dropping each hidden unit during training (inverted dropout)"),

    CHOICE("init", "kind", init_names, "he_normal", "weight initialisation"),
    KEY("init", "scale", FLOAT, "0.05", "sigma for normal, bound a for uniform"),
    KEY("init", "bias", FLOAT, "0", "initial value of every bias"),
    KEY("init", "from", STRING, "",
        "start from the weights of this safetensors file (dense.N.weight, dense.N.bias)"),

    CHOICE("optimizer", "kind", optimizer_names, "sgd", "update rule (docs/engine.md)"),
    KEY("optimizer", "momentum", FLOAT, "0", "SGD and RMSprop momentum"),
    KEY("optimizer", "nesterov", BOOL, "false", "SGD: Nesterov momentum"),
    KEY("optimizer", "dampening", FLOAT, "0", "SGD: momentum dampening"),
    KEY("optimizer", "beta1", FLOAT, "0.9", "Adam/AdamW: first-moment decay"),
    KEY("optimizer", "beta2", FLOAT, "0.999", "Adam/AdamW: second-moment decay"),
    KEY("optimizer", "eps", FLOAT, "1e-8", "Adam/AdamW/RMSprop: denominator term"),
    KEY("optimizer", "alpha", FLOAT, "0.99", "RMSprop: smoothing constant"),
    KEY("optimizer", "centered", BOOL, "false", "RMSprop: centred variant"),
    KEY("optimizer", "weight_decay", FLOAT, "0.01", "AdamW: decoupled weight decay"),

    KEY("schedule", "lr", FLOAT, "0.01", "base learning rate"),
    CHOICE("schedule", "kind", schedule_names, "constant",
           "learning-rate schedule (formulas in docs/training.md)"),
    KEY("schedule", "gamma", FLOAT, "0.1", "decay factor of step, multistep and exponential"),
    KEY("schedule", "step_size", INT, "1000", "step: optimizer steps between two decays"),
    KEY("schedule", "milestones", INT_LIST, "",
        "multistep: epochs after which the rate is multiplied by gamma"),
    KEY("schedule", "min_lr", FLOAT, "0", "cosine: final rate; plateau: lowest rate"),
    KEY("schedule", "period", FLOAT, "0", "cosine: epochs from lr to min_lr; 0: training.epochs"),
    CHOICE("schedule", "plateau_monitor", monitor_names, "val_loss",
           "plateau: value watched (training values when there is no validation)"),
    KEY("schedule", "plateau_factor", FLOAT, "0.1", "plateau: factor applied on a plateau"),
    KEY("schedule", "plateau_patience", INT, "10", "plateau: epochs without improvement tolerated"),
    KEY("schedule", "plateau_threshold", FLOAT, "1e-4",
        "plateau: smallest change counted as an improvement"),
    KEY("schedule", "plateau_cooldown", INT, "0", "plateau: epochs of rest after a reduction"),
    KEY("schedule", "warmup_steps", INT, "0", "linear warm-up over this many optimizer steps"),
    KEY("schedule", "warmup_start", FLOAT, "0", "warm-up: fraction of the rate at the first step"),

    KEY("training", "epochs", INT, "10", "maximum number of epochs"),
    KEY("training", "batch_size", INT_LIST, "64",
        "minibatch size; a list gives stages (E1: 50, 100, 200, ...)"),
    KEY("training", "stage_epochs", INT_LIST, "",
        "epochs of each batch_size stage but the last, which lasts to the end"),
    KEY("training", "clip_norm", FLOAT, "0",
        "clip the gradient's global L2 norm to this; 0: no clipping"),
    KEY("training", "eval_batch", INT, "1000", "batch size of validation and test passes"),
    CHOICE("training", "precision", precision_names, "f32",
           "arithmetic of the layer products: f32, or bf16 (bfloat16 products summed in float32; "
           "needs a CPU with AVX512_BF16); weights, optimizer and loss stay float32"),

    KEY("regularization", "l1", FLOAT, "0", "L1 penalty lambda_1 * sum |w|"),
    KEY("regularization", "l2", FLOAT, "0", "L2 penalty lambda_2 / 2 * sum w^2"),
    KEY("regularization", "on_biases", BOOL, "false", "penalise the biases too"),

    KEY("early_stopping", "enabled", BOOL, "false",
        "stop when the monitored value stops improving"),
    CHOICE("early_stopping", "monitor", monitor_names, "val_loss",
           "value watched (training values when there is no validation)"),
    KEY("early_stopping", "patience", INT, "5", "epochs without improvement before stopping"),
    KEY("early_stopping", "min_delta", FLOAT, "0", "smallest change counted as an improvement"),
    KEY("early_stopping", "restore_best", BOOL, "true", "end with the weights of the best epoch"),

    KEY("checkpoint", "every_epochs", INT, "1",
        "write last.safetensors every this many epochs; 0: only at the end"),
    KEY("checkpoint", "keep", BOOL, "false",
        "also keep every periodic checkpoint as step-N.safetensors (mlp train --resume RUNDIR "
        "--from FILE continues from one)"),
    KEY("checkpoint", "every_steps", INT, "0",
        "also write it every this many optimizer steps (mid-epoch); 0: never"),

    KEY("logging", "every_steps", INT, "0",
        "also log a metrics.csv row (training values of the last steps) every this many steps"),
};

static const mlp_ini_schema schema = {keys, sizeof keys / sizeof *keys};

const mlp_ini_schema *mlp_train_schema(void) {
    return &schema;
}

/* The schema is this file's constant, so its checks (mlp_ini_schema_check) run once, in
 * test_train_config, not per config. */
mlp_status mlp_train_ini_new(mlp_ini **ini, mlp_error *err) {
    return mlp_ini_new_checked(ini, &schema, err);
}

mlp_status mlp_train_ini_load(mlp_ini **ini, const char *path, char *const *sets, size_t num_sets,
                              mlp_error *err) {
    MLP_TRY(mlp_train_ini_new(ini, err));
    mlp_status st = path ? mlp_ini_load_file(*ini, path, err) : MLP_OK;
    for (size_t i = 0; st == MLP_OK && i < num_sets; i++)
        st = mlp_ini_set(*ini, sets[i], err);
    if (st != MLP_OK) {
        mlp_ini_free(*ini);
        *ini = NULL;
    }
    return st;
}

/* Why each is fixed: seed, data.train, the split (data.validation, validation_count,
 * stratified) and data.transform decide which samples train and how they are prepared (the
 * preparation is fitted once and stored in the model); network.* but dropout give the weights'
 * shapes and meaning; init.* only act at step 0; the optimizer's kind and centred variant decide
 * which buffers the checkpoint holds; the monitors decide what early stopping's and the plateau
 * schedule's best values, carried in the checkpoint, measure. */
static const char *const fixed_keys[] = {
    "seed",
    "data.train",
    "data.transform",
    "data.validation",
    "data.validation_count",
    "data.stratified",
    "network.hidden",
    "network.activation",
    "network.loss",
    "network.output",
    "network.leaky_relu_slope",
    "init.kind",
    "init.scale",
    "init.bias",
    "init.from",
    "optimizer.kind",
    "optimizer.centered",
    "schedule.plateau_monitor",
    "early_stopping.monitor",
};

bool mlp_train_key_fixed(const char *name) {
    for (size_t i = 0; i < sizeof fixed_keys / sizeof *fixed_keys; i++)
        if (strcmp(name, fixed_keys[i]) == 0) return true;
    return false;
}

void mlp_setting_changes_free(mlp_setting_change *changes, size_t count) {
    for (size_t i = 0; changes && i < count; i++) {
        free(changes[i].before);
        free(changes[i].after);
    }
    free(changes);
}

static mlp_status diff_configs(const mlp_ini *a, const mlp_ini *b, mlp_setting_change **changes,
                               size_t *count, mlp_error *err) {
    mlp_text refused = {0};
    for (size_t i = 0; i < schema.num_keys; i++) {
        if (mlp_ini_same_value(a, b, i)) continue;
        mlp_setting_change c = {0};
        const mlp_ini_key *k = &schema.keys[i];
        snprintf(c.key, sizeof c.key, "%s%s%s", k->section, k->section[0] ? "." : "", k->key);
        const char *before = mlp_ini_value_text(a, c.key), *after = mlp_ini_value_text(b, c.key);
        double m0 = 0, m1 = 0;
        if (strcmp(c.key, "optimizer.momentum") == 0) {
            MLP_TRY(mlp_ini_get_float(a, c.key, &m0, err));
            MLP_TRY(mlp_ini_get_float(b, c.key, &m1, err));
        }
        if (mlp_train_key_fixed(c.key) || (m0 == 0) != (m1 == 0)) {
            mlp_text_append(&refused, "%s%s (%s -> %s)", refused.length ? ", " : "", c.key, before,
                            after);
            continue;
        }
        mlp_setting_change *grown = realloc(*changes, (*count + 1) * sizeof *grown);
        c.before = mlp_copy_string(before, err);
        c.after = c.before ? mlp_copy_string(after, err) : NULL;
        if (!grown || !c.after) {
            free(c.before);
            if (grown) *changes = grown;
            free(mlp_text_finish(&refused, err));
            return mlp_fail(err, MLP_ERR_MEMORY, "out of memory listing changed settings");
        }
        *changes = grown;
        (*changes)[(*count)++] = c;
    }
    if (!refused.length && !refused.failed) return mlp_ok(err);
    char *list = mlp_text_finish(&refused, err);
    if (!list) return MLP_ERR_MEMORY;
    mlp_status s = mlp_fail(err, MLP_ERR_ARGUMENT,
                            "%s cannot change once the run has started (the data, its split and "
                            "preparation, the network, its initialisation and the optimizer's "
                            "buffers are fixed)",
                            list);
    free(list);
    return s;
}

mlp_status mlp_train_config_changes(const char *before, const char *after,
                                    mlp_setting_change **changes, size_t *count, mlp_error *err) {
    *changes = NULL;
    *count = 0;
    mlp_ini *a = NULL, *b = NULL;
    mlp_status s = mlp_train_ini_new(&a, err);
    if (s == MLP_OK) s = mlp_ini_load_text(a, before, "the checkpoint's config", err);
    if (s == MLP_OK) s = mlp_train_ini_new(&b, err);
    if (s == MLP_OK) s = mlp_ini_load_text(b, after, "the new config", err);
    if (s == MLP_OK) s = diff_configs(a, b, changes, count, err);
    mlp_ini_free(a);
    mlp_ini_free(b);
    if (s != MLP_OK) {
        mlp_setting_changes_free(*changes, *count);
        *changes = NULL;
        *count = 0;
    }
    return s;
}

/* Typed readers that check ranges and report the key and where it was set. */
typedef struct {
    const mlp_ini *ini;
    mlp_error *err;
    bool data_in_memory; /* data.train is not needed: the caller holds the data */
} reader;

static mlp_status read_size(reader *r, const char *name, int64_t min, size_t *out) {
    int64_t v = 0;
    MLP_TRY(mlp_ini_get_int(r->ini, name, &v, r->err));
    if (v < min)
        return mlp_ini_invalid(r->ini, name, r->err, "must be at least %lld", (long long)min);
    *out = (size_t)v;
    return MLP_OK;
}

static mlp_status read_u64(reader *r, const char *name, uint64_t *out) {
    size_t v = 0;
    MLP_TRY(read_size(r, name, 0, &v));
    *out = v;
    return MLP_OK;
}

static mlp_status read_float(reader *r, const char *name, double min, double max, float *out) {
    double v = 0;
    MLP_TRY(mlp_ini_get_float(r->ini, name, &v, r->err));
    if (!(v >= min && v <= max))
        return mlp_ini_invalid(r->ini, name, r->err, "must lie in [%g, %g]", min, max);
    *out = (float)v;
    return MLP_OK;
}

static mlp_status read_enum(reader *r, const char *name, size_t *out) {
    return mlp_ini_get_enum(r->ini, name, out, NULL, r->err);
}

static mlp_status read_bool(reader *r, const char *name, bool *out) {
    return mlp_ini_get_bool(r->ini, name, out, r->err);
}

static mlp_status read_string(reader *r, const char *name, const char **out) {
    return mlp_ini_get_string(r->ini, name, out, r->err);
}

static mlp_status read_data(reader *r, mlp_train_config *c) {
    MLP_TRY(read_string(r, "data.train", &c->train_source));
    if (!c->train_source[0] && !r->data_in_memory)
        return mlp_ini_invalid(r->ini, "data.train", r->err, "a training data source is required");
    MLP_TRY(read_string(r, "data.test", &c->test_source));
    MLP_TRY(mlp_ini_get_string_list(r->ini, "data.class_names", &c->class_names,
                                    &c->num_class_names, r->err));
    if (!c->num_class_names) c->class_names = NULL;
    const char *transform;
    MLP_TRY(read_string(r, "data.transform", &transform));
    mlp_error inner;
    if (mlp_transform_spec_parse(&c->transform, transform, &inner) != MLP_OK)
        return mlp_ini_invalid(r->ini, "data.transform", r->err, "%s", inner.message);
    double fraction = 0;
    MLP_TRY(mlp_ini_get_float(r->ini, "data.validation", &fraction, r->err));
    if (!(fraction >= 0 && fraction < 1))
        return mlp_ini_invalid(r->ini, "data.validation", r->err, "must lie in [0, 1)");
    c->validation.fraction = fraction;
    MLP_TRY(read_size(r, "data.validation_count", 0, &c->validation.count));
    MLP_TRY(read_bool(r, "data.stratified", &c->validation.stratified));
    MLP_TRY(read_bool(r, "data.shuffle", &c->shuffle));
    size_t shift = 0;
    MLP_TRY(read_size(r, "data.augment_shift", 0, &shift));
    if (shift > 64) return mlp_ini_invalid(r->ini, "data.augment_shift", r->err, "at most 64");
    c->augment.max_shift = (unsigned)shift;
    return read_float(r, "data.augment_rotation", 0, 180, &c->augment.max_rotation);
}

static mlp_status read_network(reader *r, mlp_train_config *c) {
    const int64_t *hidden;
    size_t n;
    MLP_TRY(mlp_ini_get_int_list(r->ini, "network.hidden", &hidden, &n, r->err));
    if (n + 1 > MLP_MAX_LAYERS)
        return mlp_ini_invalid(r->ini, "network.hidden", r->err, "at most %d hidden layers",
                               MLP_MAX_LAYERS - 1);
    for (size_t i = 0; i < n; i++) {
        if (hidden[i] < 1 || hidden[i] > 1000000)
            return mlp_ini_invalid(r->ini, "network.hidden", r->err,
                                   "width %lld must lie in [1, 1000000]", (long long)hidden[i]);
        c->hidden[i] = (size_t)hidden[i];
    }
    c->num_hidden = n;
    size_t activation, loss, output;
    MLP_TRY(read_enum(r, "network.activation", &activation));
    c->hidden_activation = (mlp_activation)activation; /* names follow the enum's order */
    MLP_TRY(read_enum(r, "network.loss", &loss));
    c->loss = (mlp_loss)loss;
    MLP_TRY(read_enum(r, "network.output", &output));
    static const mlp_activation outputs[] = {MLP_ACT_SIGMOID, MLP_ACT_IDENTITY, MLP_ACT_SIGMOID,
                                             MLP_ACT_TANH};
    c->output_activation = outputs[output];
    if (output != 0 && c->loss != MLP_LOSS_QUADRATIC)
        return mlp_ini_invalid(r->ini, "network.output", r->err,
                               "only the quadratic loss takes an output activation");
    MLP_TRY(read_float(r, "network.leaky_relu_slope", 0, 1, &c->leaky_relu_slope));
    MLP_TRY(read_float(r, "network.dropout", 0, 0.99, &c->dropout));

    size_t init;
    MLP_TRY(read_enum(r, "init.kind", &init));
    c->init.kind = (mlp_init_kind)init;
    MLP_TRY(read_float(r, "init.scale", 0, 100, &c->init.scale));
    MLP_TRY(read_float(r, "init.bias", -100, 100, &c->init.bias));
    return read_string(r, "init.from", &c->init_from);
}

static mlp_status read_optimizer(reader *r, mlp_train_config *c) {
    size_t kind;
    MLP_TRY(read_enum(r, "optimizer.kind", &kind));
    mlp_optimizer_spec *o = &c->optimizer;
    mlp_optimizer_spec_default(o, (mlp_optimizer_kind)kind);
    MLP_TRY(read_float(r, "optimizer.momentum", 0, 1, &o->momentum));
    MLP_TRY(read_bool(r, "optimizer.nesterov", &o->nesterov));
    if (o->nesterov && !(o->momentum > 0))
        return mlp_ini_invalid(r->ini, "optimizer.nesterov", r->err,
                               "needs optimizer.momentum > 0");
    MLP_TRY(read_float(r, "optimizer.dampening", 0, 1, &o->dampening));
    MLP_TRY(read_float(r, "optimizer.beta1", 0, 0.999999, &o->beta1));
    MLP_TRY(read_float(r, "optimizer.beta2", 0, 0.999999999, &o->beta2));
    MLP_TRY(read_float(r, "optimizer.eps", 0, 1, &o->eps));
    MLP_TRY(read_float(r, "optimizer.alpha", 0, 1, &o->alpha));
    MLP_TRY(read_bool(r, "optimizer.centered", &o->centered));
    return read_float(r, "optimizer.weight_decay", 0, 1, &o->weight_decay);
}

static mlp_status read_schedule(reader *r, mlp_train_config *c) {
    mlp_schedule_spec *s = &c->schedule;
    mlp_schedule_spec_default(s);
    size_t kind, monitor;
    MLP_TRY(read_enum(r, "schedule.kind", &kind));
    s->kind = (mlp_schedule_kind)kind;
    MLP_TRY(read_float(r, "schedule.lr", 1e-12, 1e6, &s->lr));
    MLP_TRY(read_float(r, "schedule.gamma", 1e-12, 10, &s->gamma));
    MLP_TRY(read_u64(r, "schedule.step_size", &s->step_size));
    if (s->kind == MLP_SCHEDULE_STEP && s->step_size == 0)
        return mlp_ini_invalid(r->ini, "schedule.step_size", r->err, "must be at least 1");
    const int64_t *milestones;
    size_t n;
    MLP_TRY(mlp_ini_get_int_list(r->ini, "schedule.milestones", &milestones, &n, r->err));
    if (n > MLP_MAX_MILESTONES)
        return mlp_ini_invalid(r->ini, "schedule.milestones", r->err, "at most %d milestones",
                               MLP_MAX_MILESTONES);
    for (size_t i = 0; i < n; i++) {
        if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
            return mlp_ini_invalid(r->ini, "schedule.milestones", r->err,
                                   "epochs must be positive and increasing");
        s->milestones[i] = (size_t)milestones[i];
    }
    s->num_milestones = n;
    MLP_TRY(read_float(r, "schedule.min_lr", 0, s->lr, &s->min_lr));
    float period = 0;
    MLP_TRY(read_float(r, "schedule.period", 0, 1e9, &period));
    s->total_epochs = period > 0 ? period : (double)c->epochs;
    MLP_TRY(read_enum(r, "schedule.plateau_monitor", &monitor));
    s->plateau_monitor = (mlp_monitor)monitor;
    MLP_TRY(read_float(r, "schedule.plateau_factor", 1e-6, 0.999999, &s->plateau_factor));
    MLP_TRY(read_size(r, "schedule.plateau_patience", 0, &s->plateau_patience));
    float threshold = 0;
    MLP_TRY(read_float(r, "schedule.plateau_threshold", 0, 1e9, &threshold));
    s->plateau_threshold = threshold;
    MLP_TRY(read_size(r, "schedule.plateau_cooldown", 0, &s->plateau_cooldown));
    MLP_TRY(read_u64(r, "schedule.warmup_steps", &s->warmup_steps));
    MLP_TRY(read_float(r, "schedule.warmup_start", 0, 1, &s->warmup_start));
    return mlp_schedule_spec_check(s, r->err);
}

static mlp_status read_training(reader *r, mlp_train_config *c) {
    MLP_TRY(read_size(r, "training.epochs", 1, &c->epochs));
    const int64_t *sizes, *epochs;
    size_t num_sizes, num_epochs;
    MLP_TRY(mlp_ini_get_int_list(r->ini, "training.batch_size", &sizes, &num_sizes, r->err));
    MLP_TRY(mlp_ini_get_int_list(r->ini, "training.stage_epochs", &epochs, &num_epochs, r->err));
    if (num_sizes == 0 || num_sizes > MLP_MAX_BATCH_STAGES)
        return mlp_ini_invalid(r->ini, "training.batch_size", r->err, "give 1 to %d sizes",
                               MLP_MAX_BATCH_STAGES);
    if (num_epochs != num_sizes - 1)
        return mlp_ini_invalid(r->ini, "training.stage_epochs", r->err,
                               "needs one entry per batch_size stage but the last (%zu)",
                               num_sizes - 1);
    for (size_t i = 0; i < num_sizes; i++) {
        if (sizes[i] < 1 || sizes[i] > 10000000)
            return mlp_ini_invalid(r->ini, "training.batch_size", r->err,
                                   "size %lld must lie in [1, 10000000]", (long long)sizes[i]);
        if (i + 1 < num_sizes && epochs[i] < 1)
            return mlp_ini_invalid(r->ini, "training.stage_epochs", r->err,
                                   "every stage lasts at least one epoch");
        c->batch_stages[i] =
            (mlp_batch_stage){(size_t)sizes[i], i + 1 < num_sizes ? (size_t)epochs[i] : 0};
    }
    c->num_batch_stages = num_sizes;
    MLP_TRY(read_float(r, "training.clip_norm", 0, 1e9, &c->clip_norm));
    MLP_TRY(read_size(r, "training.eval_batch", 1, &c->eval_batch));
    size_t precision;
    MLP_TRY(read_enum(r, "training.precision", &precision));
    c->precision = (mlp_precision)precision;

    MLP_TRY(read_float(r, "regularization.l1", 0, 1e6, &c->regularization.l1));
    MLP_TRY(read_float(r, "regularization.l2", 0, 1e6, &c->regularization.l2));
    MLP_TRY(read_bool(r, "regularization.on_biases", &c->regularization.on_biases));

    mlp_early_stop_spec *e = &c->early_stop;
    size_t monitor;
    MLP_TRY(read_bool(r, "early_stopping.enabled", &e->enabled));
    MLP_TRY(read_enum(r, "early_stopping.monitor", &monitor));
    e->monitor = (mlp_monitor)monitor;
    MLP_TRY(read_size(r, "early_stopping.patience", 1, &e->patience));
    float delta = 0;
    MLP_TRY(read_float(r, "early_stopping.min_delta", 0, 1e9, &delta));
    e->min_delta = delta;
    MLP_TRY(read_bool(r, "early_stopping.restore_best", &e->restore_best));

    MLP_TRY(read_size(r, "checkpoint.every_epochs", 0, &c->checkpoint_every_epochs));
    MLP_TRY(read_u64(r, "checkpoint.every_steps", &c->checkpoint_every_steps));
    MLP_TRY(read_bool(r, "checkpoint.keep", &c->keep_checkpoints));
    return read_u64(r, "logging.every_steps", &c->log_every_steps);
}

static mlp_status config_from_ini(const mlp_ini *ini, bool data_in_memory, mlp_train_config *config,
                                  mlp_error *err) {
    memset(config, 0, sizeof *config);
    reader r = {ini, err, data_in_memory};
    int64_t seed, threads;
    MLP_TRY(mlp_ini_get_int(ini, "seed", &seed, err));
    if (seed < 0) return mlp_ini_invalid(ini, "seed", err, "must not be negative");
    config->seed = (uint64_t)seed;
    MLP_TRY(mlp_ini_get_int(ini, "threads", &threads, err));
    if (threads < 0 || threads > 1024)
        return mlp_ini_invalid(ini, "threads", err, "must lie in [0, 1024]");
    config->threads = (int)threads;
    MLP_TRY(read_data(&r, config));
    MLP_TRY(read_network(&r, config));
    MLP_TRY(read_optimizer(&r, config));
    MLP_TRY(
        read_training(&r, config)); /* before the schedule: cosine's period defaults to epochs */
    MLP_TRY(read_schedule(&r, config));
    return mlp_ok(err);
}

mlp_status mlp_train_config_from_ini(const mlp_ini *ini, mlp_train_config *config, mlp_error *err) {
    return config_from_ini(ini, false, config, err);
}

mlp_status mlp_train_config_from_ini_in_memory(const mlp_ini *ini, mlp_train_config *config,
                                               mlp_error *err) {
    return config_from_ini(ini, true, config, err);
}

mlp_status mlp_train_config_net_spec(const mlp_train_config *config, size_t inputs, size_t outputs,
                                     mlp_net_spec *spec, mlp_error *err) {
    MLP_TRY(mlp_net_spec_default(spec, inputs, config->hidden, config->num_hidden, outputs,
                                 config->hidden_activation, err));
    spec->loss = config->loss;
    size_t out = spec->num_layers - 1;
    spec->activation[out] = config->loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY ? MLP_ACT_SOFTMAX
                            : config->loss == MLP_LOSS_BINARY_CROSS_ENTROPY
                                ? MLP_ACT_SIGMOID
                                : config->output_activation;
    spec->leaky_relu_slope = config->leaky_relu_slope;
    for (size_t i = 0; i < out; i++)
        spec->dropout[i] = config->dropout;
    spec->threads = (size_t)config->threads;
    return mlp_ok(err);
}
