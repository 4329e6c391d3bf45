/* MATLAB .mat files (v5, v7.3/HDF5) through libmatio: a 2-D numeric variable of samples
 * (default train_x) and an optional label vector (default: the x name with _x -> _y). MATLAB
 * stores column-major, so element (r, c) of an R x C matrix is data[r + c * R]. */
#include "data/dataset.h"
#include "data/labels.h"
#include "data/mat_check.h"
#include "data/source.h"
#include "util/error.h"

#include <math.h>
#include <matio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_numeric_class(enum matio_classes c) {
    switch (c) {
    case MAT_C_DOUBLE:
    case MAT_C_SINGLE:
    case MAT_C_INT8:
    case MAT_C_UINT8:
    case MAT_C_INT16:
    case MAT_C_UINT16:
    case MAT_C_INT32:
    case MAT_C_UINT32:
    case MAT_C_INT64:
    case MAT_C_UINT64:
        return true;
    default:
        return false;
    }
}

static double element(const matvar_t *v, size_t i) {
    switch (v->class_type) {
    case MAT_C_DOUBLE:
        return ((const double *)v->data)[i];
    case MAT_C_SINGLE:
        return ((const float *)v->data)[i];
    case MAT_C_INT8:
        return ((const int8_t *)v->data)[i];
    case MAT_C_UINT8:
        return ((const uint8_t *)v->data)[i];
    case MAT_C_INT16:
        return ((const int16_t *)v->data)[i];
    case MAT_C_UINT16:
        return ((const uint16_t *)v->data)[i];
    case MAT_C_INT32:
        return ((const int32_t *)v->data)[i];
    case MAT_C_UINT32:
        return ((const uint32_t *)v->data)[i];
    case MAT_C_INT64:
        return (double)((const int64_t *)v->data)[i];
    default:
        return (double)((const uint64_t *)v->data)[i];
    }
}

/* Reads variable `name` (info first: shape, class and size are checked before its data is). An
 * `optional` variable that is not there gives MLP_OK and *out NULL. */
static mlp_status read_variable(mat_t *mat, const char *path, uint64_t file_size, const char *name,
                                bool optional, matvar_t **out, mlp_error *err) {
    *out = NULL;
    matvar_t *info = Mat_VarReadInfo(mat, name);
    if (!info && optional) return MLP_OK;
    if (!info) {
        char list[200] = "";
        size_t n = 0;
        char **names = Mat_GetDir(mat, &n);
        for (size_t i = 0; names && i < n && strlen(list) < 150; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     names[i]);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: variable '%s' not found (variables: %s)", path,
                        name, n ? list : "none");
    }
    mlp_status s = MLP_OK;
    size_t values = 1;
    if (info->rank != 2)
        s = mlp_fail(err, MLP_ERR_FORMAT, "%s: variable '%s': %d dimensions, expected a 2-D matrix",
                     path, name, info->rank);
    else if (!is_numeric_class(info->class_type) || info->isComplex)
        s = mlp_fail(err, MLP_ERR_FORMAT,
                     "%s: variable '%s': not a real numeric matrix (class %d%s)", path, name,
                     (int)info->class_type, info->isComplex ? ", complex" : "");
    for (int i = 0; s == MLP_OK && i < info->rank; i++)
        if (mlp_mul_overflows(values, info->dims[i], &values))
            s = mlp_fail(err, MLP_ERR_FORMAT, "%s: variable '%s': dimensions overflow", path, name);
    /* Deflate expands at most 1032:1: a larger promise cannot be in this file. */
    size_t bytes;
    if (s == MLP_OK && (mlp_mul_overflows(values, Mat_SizeOfClass(info->class_type), &bytes) ||
                        bytes > DATA_MAX_BYTES || bytes / 1032 > file_size))
        s = mlp_fail(err, MLP_ERR_FORMAT,
                     "%s: variable '%s': %zu x %zu values cannot be held by a %llu-byte file", path,
                     name, info->dims[0], info->dims[1], (unsigned long long)file_size);
    if (s == MLP_OK && values == 0)
        s = mlp_fail(err, MLP_ERR_FORMAT, "%s: variable '%s' is empty (%zu x %zu)", path, name,
                     info->dims[0], info->dims[1]);
    Mat_VarFree(info);
    if (s != MLP_OK) return s;
    matvar_t *v = Mat_VarRead(mat, name);
    if (!v || !v->data || v->rank != 2 || v->nbytes < bytes) {
        Mat_VarFree(v);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: variable '%s': its data cannot be read", path,
                        name);
    }
    *out = v;
    return MLP_OK;
}

static mlp_status read_labels(const matvar_t *y, const char *path, mlp_dataset *d, mlp_error *err) {
    size_t n = y->dims[0] * y->dims[1];
    if (y->dims[0] != 1 && y->dims[1] != 1)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: variable '%s': %zu x %zu is not a vector of labels", path, y->name,
                        y->dims[0], y->dims[1]);
    if (n != d->count)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: variable '%s': %zu labels for %zu samples", path,
                        y->name, n, d->count);
    int32_t *labels = mlp_calloc(n, sizeof *labels, err);
    if (!labels) return MLP_ERR_MEMORY;
    label_table table = {0};
    mlp_status s = MLP_OK;
    char where[600];
    snprintf(where, sizeof where, "%.500s: variable '%.60s'", path, y->name);
    for (size_t i = 0; i < n && s == MLP_OK; i++) {
        double v = element(y, i);
        char name[32];
        if (!isfinite(v) || v != floor(v) || fabs(v) > 2e9)
            s = mlp_fail(err, MLP_ERR_FORMAT,
                         "%s: variable '%s': element %zu: %g is not an integer label", path,
                         y->name, i + 1, v);
        else {
            snprintf(name, sizeof name, "%lld", (long long)v);
            s = label_table_intern(&table, name, &labels[i], where, err);
        }
    }
    if (s == MLP_OK) s = label_table_finish(&table, labels, n, d, err);
    if (s != MLP_OK) {
        free(labels);
        label_table_free(&table);
    }
    return s;
}

/* Copies x into row-major samples: sample i, feature j is x(i, j) or, with samples in columns,
 * x(j, i). */
static mlp_status copy_samples(const matvar_t *x, const char *path, bool in_cols, mlp_dataset *d,
                               mlp_error *err) {
    size_t r = x->dims[0], c = x->dims[1], bytes;
    d->count = in_cols ? c : r;
    d->features = in_cols ? r : c;
    bool as_bytes = x->class_type == MAT_C_UINT8;
    MLP_TRY(
        dataset_check_size(d->count, d->features, as_bytes ? 1 : 4, path, x->name, &bytes, err));
    if (as_bytes)
        d->bytes = mlp_calloc(bytes, 1, err);
    else
        d->floats = mlp_calloc(bytes, 1, err);
    if (!d->bytes && !d->floats) return MLP_ERR_MEMORY;
    for (size_t i = 0; i < d->count; i++)
        for (size_t j = 0; j < d->features; j++) {
            size_t at = in_cols ? j + i * r : i + j * r, to = i * d->features + j;
            if (as_bytes) {
                d->bytes[to] = ((const uint8_t *)x->data)[at];
                continue;
            }
            double v = element(x, at);
            if (!isfinite(v) || fabs(v) > 3.4e38)
                return mlp_fail(err, MLP_ERR_NUMERIC,
                                "%s: variable '%s': element (%zu, %zu): %g is not a finite float32",
                                path, x->name, at % r + 1, at / r + 1, v);
            d->floats[to] = (float)v;
        }
    return MLP_OK;
}

/* The label variable's name: y=, or x's name with a trailing "_x" made "_y" (used if present). */
static bool default_label_name(const char *x, char *out, size_t size) {
    size_t n = strlen(x);
    if (n < 2 || n + 1 > size || strcmp(x + n - 2, "_x") != 0) return false;
    memcpy(out, x, n + 1);
    out[n - 1] = 'y';
    return true;
}

static mlp_status load_open(mat_t *mat, mlp_dataset *d, const data_source *src, uint64_t file_size,
                            mlp_error *err) {
    const char *path = src->files[0];
    const char *x_name = src->x ? src->x : "train_x";
    char y_default[128];
    const char *y_name = src->y;
    bool y_optional = false; /* the default label name: labels if it is there */
    if (y_name && strcmp(y_name, "none") == 0)
        y_name = NULL;
    else if (!y_name && default_label_name(x_name, y_default, sizeof y_default)) {
        y_name = y_default;
        y_optional = true;
    }
    /* Each Mat_VarReadInfo reads the file's variables from the start: x first, so a file
     * without x costs no look for its labels, and the default labels' look is their read. */
    matvar_t *x = NULL, *y = NULL;
    mlp_status s = read_variable(mat, path, file_size, x_name, false, &x, err);
    if (s == MLP_OK && y_name) s = read_variable(mat, path, file_size, y_name, y_optional, &y, err);
    bool in_cols = src->samples_in_cols == 1;
    if (s == MLP_OK && y && src->samples_in_cols < 0) {
        size_t n = y->dims[0] * y->dims[1];
        if (x->dims[0] != n && x->dims[1] == n)
            in_cols = true;
        else if (x->dims[0] != n)
            s = mlp_fail(err, MLP_ERR_FORMAT,
                         "%s: variable '%s' is %zu x %zu but '%s' has %zu labels: neither its "
                         "rows nor its columns match",
                         path, x_name, x->dims[0], x->dims[1], y_name, n);
    }
    if (s == MLP_OK) s = copy_samples(x, path, in_cols, d, err);
    if (s == MLP_OK && y) s = read_labels(y, path, d, err);
    Mat_VarFree(x);
    Mat_VarFree(y);
    return s;
}

mlp_status mat_load(mlp_dataset *d, const data_source *src, mlp_error *err) {
    const char *path = src->files[0];
    uint64_t file_size;
    MLP_TRY(mat_v5_check(path, &file_size, err));
    mat_t *mat = Mat_Open(path, MAT_ACC_RDONLY);
    if (!mat)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte 0: not a readable MATLAB file (matio cannot open it)", path);
    d->format = Mat_GetVersion(mat) == MAT_FT_MAT73 ? "mat v7.3" : "mat v5";
    mlp_status s = load_open(mat, d, src, file_size, err);
    Mat_Close(mat);
    return s;
}
