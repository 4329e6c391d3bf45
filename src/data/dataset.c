/* mlp_dataset: construction, accessors and release. */
#include "data/dataset.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mlp_status dataset_new(mlp_dataset **dataset, const char *source, mlp_error *err) {
    *dataset = NULL;
    mlp_dataset *d = mlp_calloc(1, sizeof *d, err);
    if (!d) return MLP_ERR_MEMORY;
    d->source = strdup(source);
    if (!d->source) {
        free(d);
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory copying the source string");
    }
    d->format = "";
    *dataset = d;
    return MLP_OK;
}

void dataset_free_names(char **names, size_t n) {
    if (!names) return;
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    free(names);
}

void mlp_dataset_free(mlp_dataset *dataset) {
    if (!dataset) return;
    free(dataset->source);
    if (!dataset->borrowed) {
        free(dataset->bytes);
        free(dataset->floats);
    }
    free(dataset->labels);
    dataset_free_names(dataset->class_names, dataset->num_classes);
    free(dataset);
}

size_t dataset_value_size(const mlp_dataset *dataset) {
    return dataset->bytes ? 1 : sizeof(float);
}

void dataset_row_to_float(const mlp_dataset *dataset, size_t i, float *out) {
    size_t d = dataset->features;
    if (dataset->bytes) {
        const uint8_t *row = dataset->bytes + i * d;
        for (size_t j = 0; j < d; j++)
            out[j] = (float)row[j];
    } else {
        memcpy(out, dataset->floats + i * d, d * sizeof *out);
    }
}

mlp_status dataset_check_size(size_t count, size_t features, size_t value_size, const char *file,
                              const char *what, size_t *bytes, mlp_error *err) {
    if (count == 0) return mlp_fail(err, MLP_ERR_FORMAT, "%s: %s: no samples", file, what);
    if (features == 0) return mlp_fail(err, MLP_ERR_FORMAT, "%s: %s: no features", file, what);
    if (count > DATA_MAX_SAMPLES)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: %s: %zu samples exceed the limit of %zu", file,
                        what, count, DATA_MAX_SAMPLES);
    if (features > DATA_MAX_FEATURES)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: %s: %zu features exceed the limit of %zu", file,
                        what, features, DATA_MAX_FEATURES);
    size_t values;
    if (mlp_mul_overflows(count, features, &values) ||
        mlp_mul_overflows(values, value_size, bytes) || *bytes > DATA_MAX_BYTES)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: %s: %zu samples x %zu features exceed the limit of %zu bytes", file,
                        what, count, features, DATA_MAX_BYTES);
    return MLP_OK;
}

void dataset_truncate(mlp_dataset *dataset, size_t count) {
    if (count >= dataset->count) return;
    if (dataset->borrowed) {
        dataset->count = count;
        return;
    }
    size_t bytes = count * dataset->features * dataset_value_size(dataset);
    if (dataset->bytes) {
        uint8_t *p = realloc(dataset->bytes, bytes);
        if (p) dataset->bytes = p;
    } else {
        float *p = realloc(dataset->floats, bytes);
        if (p) dataset->floats = p;
    }
    dataset->count = count;
}

const char *mlp_dataset_source(const mlp_dataset *dataset) {
    return dataset->source;
}

const char *mlp_dataset_format(const mlp_dataset *dataset) {
    return dataset->format;
}

size_t mlp_dataset_count(const mlp_dataset *dataset) {
    return dataset->count;
}

size_t mlp_dataset_features(const mlp_dataset *dataset) {
    return dataset->features;
}

bool mlp_dataset_image_shape(const mlp_dataset *dataset, size_t *rows, size_t *cols) {
    *rows = dataset->rows;
    *cols = dataset->cols;
    return dataset->rows > 0;
}

const uint8_t *mlp_dataset_bytes(const mlp_dataset *dataset) {
    return dataset->bytes;
}

const float *mlp_dataset_floats(const mlp_dataset *dataset) {
    return dataset->floats;
}

size_t mlp_dataset_memory(const mlp_dataset *dataset) {
    size_t bytes = sizeof *dataset + strlen(dataset->source) + 1;
    bytes += dataset->count * dataset->features * dataset_value_size(dataset);
    if (dataset->labels) bytes += dataset->count * sizeof *dataset->labels;
    bytes += dataset->num_classes * sizeof *dataset->class_names;
    for (size_t k = 0; k < dataset->num_classes; k++)
        bytes += strlen(dataset->class_names[k]) + 1;
    return bytes;
}

const int32_t *mlp_dataset_labels(const mlp_dataset *dataset) {
    return dataset->labels;
}

size_t mlp_dataset_num_classes(const mlp_dataset *dataset) {
    return dataset->num_classes;
}

const char *mlp_dataset_class_name(const mlp_dataset *dataset, size_t k) {
    return k < dataset->num_classes ? dataset->class_names[k] : NULL;
}

const char *const *mlp_dataset_class_names(const mlp_dataset *dataset) {
    return (const char *const *)dataset->class_names;
}

/* Class names for a wrapped data set: copies of the given ones, or "0".."K-1". */
static mlp_status wrap_names(mlp_dataset *d, const char *const *names, size_t num, mlp_error *err) {
    d->class_names = mlp_calloc(num ? num : 1, sizeof *d->class_names, err);
    if (!d->class_names) return MLP_ERR_MEMORY;
    d->num_classes = num;
    for (size_t k = 0; k < num; k++) {
        char number[24];
        snprintf(number, sizeof number, "%zu", k);
        const char *name = names ? names[k] : number;
        if (!name)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: class name %zu is NULL", d->source, k);
        d->class_names[k] = strdup(name);
        if (!d->class_names[k])
            return mlp_fail(err, MLP_ERR_MEMORY, "out of memory copying class names");
    }
    return MLP_OK;
}

static mlp_status wrap_fill(mlp_dataset *d, const void *values, bool bytes, const int32_t *labels,
                            const char *const *class_names, size_t num_classes, size_t rows,
                            size_t cols, mlp_error *err) {
    size_t total;
    MLP_TRY(dataset_check_size(d->count, d->features, bytes ? 1 : sizeof(float), d->source,
                               "values", &total, err));
    if (!values) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: values are NULL", d->source);
    if (rows * cols != 0 && rows * cols != d->features)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: image shape %zux%zu does not hold %zu features",
                        d->source, rows, cols, d->features);
    if (rows * cols == 0 && d->features == 784) rows = cols = 28;
    bool shaped = rows * cols != 0;
    d->rows = shaped ? rows : 0;
    d->cols = shaped ? cols : 0;
    d->borrowed = true;
    if (bytes) {
        d->bytes = (uint8_t *)values; /* never written through: the data set API is const */
    } else {
        d->floats = (float *)values;
        size_t n = d->count * d->features;
        for (size_t i = 0; i < n; i++)
            if (!isfinite(d->floats[i]))
                return mlp_fail(err, MLP_ERR_ARGUMENT,
                                "%s: sample %zu, feature %zu: %g is not finite", d->source,
                                i / d->features, i % d->features, d->floats[i]);
    }
    if (labels && num_classes == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: labels without classes", d->source);
    MLP_TRY(wrap_names(d, class_names, num_classes, err));
    if (!labels) return MLP_OK;
    d->labels = mlp_calloc(d->count, sizeof *d->labels, err);
    if (!d->labels) return MLP_ERR_MEMORY;
    for (size_t i = 0; i < d->count; i++) {
        if (labels[i] < 0 || (size_t)labels[i] >= num_classes)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: sample %zu: label %d outside 0..%zu",
                            d->source, i, (int)labels[i], num_classes - 1);
        d->labels[i] = labels[i];
    }
    return MLP_OK;
}

mlp_status mlp_dataset_wrap(mlp_dataset **dataset, const char *name, const void *values, bool bytes,
                            size_t count, size_t features, const int32_t *labels,
                            const char *const *class_names, size_t num_classes, size_t rows,
                            size_t cols, mlp_error *err) {
    *dataset = NULL;
    mlp_dataset *d;
    MLP_TRY(dataset_new(&d, name ? name : "array", err));
    d->format = "memory";
    d->count = count;
    d->features = features;
    mlp_status s = wrap_fill(d, values, bytes, labels, class_names, num_classes, rows, cols, err);
    if (s != MLP_OK) {
        mlp_dataset_free(d);
        return s;
    }
    *dataset = d;
    return mlp_ok(err);
}
