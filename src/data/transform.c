/* Preparation of inputs: x -> (x - lo) / (hi - lo) -> log(x + c) -> (x - mean_j) / std_j, each
 * step optional, statistics fitted on the training split and kept as float tensors. */
#include "data/dataset.h"
#include "data/transform.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mlp_transform {
    mlp_transform_spec spec;
    size_t features;
    float scale[2];   /* lo, hi */
    float log_offset; /* c */
    float *mean, *std;
    float *inv_std;        /* 1 / std, derived */
    float byte_table[256]; /* scale and log of each byte value, derived */
    unsigned set;          /* bit per tensor that holds fitted values */
};

enum { TENSOR_SCALE, TENSOR_LOG_OFFSET, TENSOR_MEAN, TENSOR_STD, NUM_TENSORS };
static void update_byte_table(mlp_transform *t);

static const char *const tensor_names[NUM_TENSORS] = {"prep.scale", "prep.log_offset", "prep.mean",
                                                      "prep.std"};

static bool uses(const mlp_transform_spec *spec, int tensor) {
    switch (tensor) {
    case TENSOR_SCALE:
        return spec->scale;
    case TENSOR_LOG_OFFSET:
        return spec->log;
    default:
        return spec->standardize;
    }
}

mlp_status mlp_transform_spec_parse(mlp_transform_spec *spec, const char *text, mlp_error *err) {
    mlp_transform_spec out = {.log_offset = 0.1f};
    char buffer[256];
    if (strlen(text) >= sizeof buffer)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "preparation '%.40s...': too long", text);
    strcpy(buffer, text);
    for (char *save = NULL, *word = strtok_r(buffer, ",", &save); word;
         word = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*word))
            word++;
        for (size_t n = strlen(word); n > 0 && isspace((unsigned char)word[n - 1]);)
            word[--n] = 0;
        if (strcmp(word, "none") == 0) continue;
        if (strcmp(word, "scale") == 0)
            out.scale = true;
        else if (strcmp(word, "standardize") == 0 || strcmp(word, "standardise") == 0)
            out.standardize = true;
        else if (strcmp(word, "log") == 0)
            out.log = true;
        else if (strncmp(word, "log=", 4) == 0) {
            char *end;
            errno = 0;
            out.log = true;
            out.log_offset = strtof(word + 4, &end);
            if (end == word + 4 || *end || errno || !isfinite(out.log_offset))
                return mlp_fail(err, MLP_ERR_ARGUMENT, "preparation '%s': bad log offset '%s'",
                                text, word + 4);
        } else {
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "preparation '%s': unknown step '%s' (none, scale, log, log=C, "
                            "standardize)",
                            text, word);
        }
    }
    *spec = out;
    return MLP_OK;
}

void mlp_transform_spec_format(const mlp_transform_spec *spec, char *out, size_t size) {
    char log[48] = "";
    if (spec->log) snprintf(log, sizeof log, "log=%.9g", (double)spec->log_offset);
    const char *parts[3] = {spec->scale ? "scale" : "", log,
                            spec->standardize ? "standardize" : ""};
    size_t used = 0;
    if (size) out[0] = '\0';
    for (int i = 0; i < 3; i++)
        if (parts[i][0] && used < size)
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", parts[i]);
    if (used == 0) snprintf(out, size, "none");
}

mlp_status mlp_transform_new(mlp_transform **transform, const mlp_transform_spec *spec,
                             size_t features, mlp_error *err) {
    *transform = NULL;
    if (!spec || features == 0 || features > DATA_MAX_FEATURES)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "transform: bad spec or %zu features", features);
    mlp_transform *t = mlp_calloc(1, sizeof *t, err);
    if (!t) return MLP_ERR_MEMORY;
    t->spec = *spec;
    t->features = features;
    t->scale[1] = 1;
    t->log_offset = spec->log_offset;
    t->set = 1u << TENSOR_LOG_OFFSET; /* known from the spec */
    update_byte_table(t);
    if (spec->standardize) {
        t->mean = mlp_calloc(features, sizeof *t->mean, err);
        t->std = mlp_calloc(features, sizeof *t->std, err);
        t->inv_std = mlp_calloc(features, sizeof *t->inv_std, err);
        if (!t->mean || !t->std || !t->inv_std) {
            mlp_transform_free(t);
            return MLP_ERR_MEMORY;
        }
    }
    *transform = t;
    return MLP_OK;
}

void mlp_transform_free(mlp_transform *transform) {
    if (!transform) return;
    free(transform->mean);
    free(transform->std);
    free(transform->inv_std);
    free(transform);
}

const mlp_transform_spec *mlp_transform_get_spec(const mlp_transform *transform) {
    return &transform->spec;
}

/* The steps before standardisation, on n values. */
static void scale_log(const mlp_transform *t, float *x, size_t n) {
    if (t->spec.scale) {
        float lo = t->scale[0], inv = 1.0f / (t->scale[1] - t->scale[0]);
        for (size_t j = 0; j < n; j++)
            x[j] = (x[j] - lo) * inv;
    }
    if (t->spec.log)
        for (size_t j = 0; j < n; j++)
            x[j] = logf(x[j] + t->log_offset);
}

static void apply_scale_log(const mlp_transform *t, float *x) {
    scale_log(t, x, t->features);
}

/* Bytes take 256 values: their scaled and logged images are computed once (the same float
 * operations, so the result is bit for bit that of the general path). */
static void update_byte_table(mlp_transform *t) {
    for (int v = 0; v < 256; v++)
        t->byte_table[v] = (float)v;
    scale_log(t, t->byte_table, 256);
}

static void standardize(const mlp_transform *t, float *x) {
    if (t->spec.standardize)
        for (size_t j = 0; j < t->features; j++)
            x[j] = (x[j] - t->mean[j]) * t->inv_std[j];
}

/* Without the log the byte path is affine, written as plain loops the compiler vectorizes (a table
 * lookup per byte does not): the same float operations as scale_log and standardize, in the same
 * order, so the values are those of the table, bit for bit. (x - 0) * 1 is x exactly, so no scale
 * needs no branch. */
static void bytes_affine(const mlp_transform *t, const uint8_t *restrict in, float *restrict out) {
    float lo = t->spec.scale ? t->scale[0] : 0.0f;
    float inv = t->spec.scale ? 1.0f / (t->scale[1] - t->scale[0]) : 1.0f;
    size_t n = t->features;
    if (!t->spec.standardize) {
        for (size_t j = 0; j < n; j++)
            out[j] = ((float)in[j] - lo) * inv;
        return;
    }
    const float *restrict mean = t->mean, *restrict inv_std = t->inv_std;
    for (size_t j = 0; j < n; j++) {
        float scaled = ((float)in[j] - lo) * inv; /* two statements: never contracted to an FMA */
        out[j] = (scaled - mean[j]) * inv_std[j];
    }
}

void transform_apply_bytes(const mlp_transform *t, const uint8_t *in, float *out) {
    if (!t->spec.log) {
        bytes_affine(t, in, out);
        return;
    }
    for (size_t j = 0; j < t->features; j++)
        out[j] = t->byte_table[in[j]];
    standardize(t, out);
}

void mlp_transform_apply(const mlp_transform *t, float *x, size_t n) {
    for (size_t i = 0; i < n; i++, x += t->features) {
        apply_scale_log(t, x);
        standardize(t, x);
    }
}

static mlp_status fit_scale(mlp_transform *t, const mlp_dataset *d, const uint32_t *indices,
                            size_t n, float *row) {
    float lo = INFINITY, hi = -INFINITY;
    if (d->bytes) {
        lo = 0, hi = 255;
    } else {
        for (size_t i = 0; i < n; i++) {
            dataset_row_to_float(d, indices[i], row);
            for (size_t j = 0; j < d->features; j++)
                lo = fminf(lo, row[j]), hi = fmaxf(hi, row[j]);
        }
        if (!(hi > lo)) hi = lo + 1; /* constant data: keep it finite */
    }
    t->scale[0] = lo;
    t->scale[1] = hi;
    t->set |= 1u << TENSOR_SCALE;
    return MLP_OK;
}

/* Welford's running mean and sum of squared deviations, in double, per feature. */
static mlp_status fit_standardize(mlp_transform *t, const mlp_dataset *d, const uint32_t *indices,
                                  size_t n, float *row, mlp_error *err) {
    double *mean = mlp_calloc(2 * d->features, sizeof *mean, err);
    if (!mean) return MLP_ERR_MEMORY;
    double *m2 = mean + d->features;
    for (size_t i = 0; i < n; i++) {
        dataset_row_to_float(d, indices[i], row);
        apply_scale_log(t, row);
        for (size_t j = 0; j < d->features; j++) {
            double delta = row[j] - mean[j];
            mean[j] += delta / (double)(i + 1);
            m2[j] += delta * (row[j] - mean[j]);
        }
    }
    for (size_t j = 0; j < d->features; j++) {
        double sd = sqrt(m2[j] / (double)n); /* population std, as sklearn's StandardScaler */
        t->mean[j] = (float)mean[j];
        t->std[j] = sd < 1e-6 ? 1.0f : (float)sd;
        t->inv_std[j] = 1.0f / t->std[j];
    }
    free(mean);
    t->set |= 1u << TENSOR_MEAN | 1u << TENSOR_STD;
    return MLP_OK;
}

mlp_status mlp_transform_fit(mlp_transform *t, const mlp_dataset *d, const uint32_t *indices,
                             size_t n, mlp_error *err) {
    if (d->features != t->features)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %zu features, the transform expects %zu",
                        d->source, d->features, t->features);
    if (n == 0) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: no samples to fit on", d->source);
    for (size_t i = 0; i < n; i++)
        if (indices[i] >= d->count)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: sample index %u out of range (%zu)",
                            d->source, indices[i], d->count);
    float *row = mlp_calloc(d->features, sizeof *row, err);
    if (!row) return MLP_ERR_MEMORY;
    mlp_status s = MLP_OK;
    if (t->spec.scale) fit_scale(t, d, indices, n, row);
    update_byte_table(t);
    if (t->spec.log) {
        float lowest = INFINITY;
        for (size_t i = 0; i < n; i++) {
            dataset_row_to_float(d, indices[i], row);
            apply_scale_log(t, row);
            for (size_t j = 0; j < d->features; j++)
                lowest = fminf(lowest, row[j]);
        }
        if (!isfinite(lowest))
            s = mlp_fail(err, MLP_ERR_NUMERIC,
                         "%s: log(x + %g) is not finite for some training value (offset too small)",
                         d->source, (double)t->log_offset);
    }
    if (s == MLP_OK && t->spec.standardize) s = fit_standardize(t, d, indices, n, row, err);
    free(row);
    return s;
}

size_t mlp_transform_num_tensors(const mlp_transform *t) {
    size_t n = 0;
    for (int i = 0; i < NUM_TENSORS; i++)
        n += uses(&t->spec, i);
    return n;
}

/* The index-th used tensor's id. */
static int tensor_id(const mlp_transform *t, size_t index) {
    for (int i = 0; i < NUM_TENSORS; i++)
        if (uses(&t->spec, i) && index-- == 0) return i;
    return -1;
}

static float *tensor_data(mlp_transform *t, int id, size_t *length) {
    switch (id) {
    case TENSOR_SCALE:
        *length = 2;
        return t->scale;
    case TENSOR_LOG_OFFSET:
        *length = 1;
        return &t->log_offset;
    case TENSOR_MEAN:
        *length = t->features;
        return t->mean;
    default:
        *length = t->features;
        return t->std;
    }
}

const float *mlp_transform_tensor(const mlp_transform *t, size_t index, const char **name,
                                  size_t *length) {
    int id = tensor_id(t, index);
    if (id < 0) return NULL;
    if (name) *name = tensor_names[id];
    size_t n;
    const float *data = tensor_data((mlp_transform *)t, id, &n);
    if (length) *length = n;
    return data;
}

mlp_status mlp_transform_set_tensor(mlp_transform *t, const char *name, const float *values,
                                    size_t length, mlp_error *err) {
    for (int id = 0; id < NUM_TENSORS; id++) {
        if (strcmp(name, tensor_names[id]) != 0) continue;
        if (!uses(&t->spec, id))
            return mlp_fail(err, MLP_ERR_ARGUMENT, "tensor %s: the preparation does not use it",
                            name);
        size_t n;
        float *data = tensor_data(t, id, &n);
        if (length != n)
            return mlp_fail(err, MLP_ERR_FORMAT, "tensor %s: %zu values, expected %zu", name,
                            length, n);
        for (size_t j = 0; j < n; j++)
            if (!isfinite(values[j]) || (id == TENSOR_STD && values[j] <= 0))
                return mlp_fail(err, MLP_ERR_NUMERIC, "tensor %s: value %zu is %g", name, j,
                                (double)values[j]);
        memcpy(data, values, n * sizeof *data);
        if (id == TENSOR_STD)
            for (size_t j = 0; j < n; j++)
                t->inv_std[j] = 1.0f / t->std[j];
        if (id == TENSOR_LOG_OFFSET) t->spec.log_offset = values[0];
        t->set |= 1u << id;
        update_byte_table(t);
        return MLP_OK;
    }
    return mlp_fail(err, MLP_ERR_ARGUMENT, "tensor %s: not a preparation tensor", name);
}

bool transform_is_fitted(const mlp_transform *t) {
    for (int id = 0; id < NUM_TENSORS; id++)
        if (uses(&t->spec, id) && !(t->set & 1u << id)) return false;
    return true;
}

size_t transform_features(const mlp_transform *t) {
    return t->features;
}
