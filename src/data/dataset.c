/* mlp_dataset: construction, accessors and release. */
#include "data/dataset.h"
#include "util/error.h"

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
    free(dataset->bytes);
    free(dataset->floats);
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
