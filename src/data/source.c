/* mlp_dataset_load: parses the source string, detects the format and runs the reader, then the
 * options every format shares (shape=, transpose=, limit=, classes=). */
#include "data/source.h"
#include "data/dataset.h"
#include "data/labels.h"
#include "data/stream.h"
#include "util/error.h"
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_size(const char *text, size_t *out) {
    if (!isdigit((unsigned char)*text)) return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > SIZE_MAX) return false;
    *out = (size_t)v;
    return true;
}

static mlp_status parse_option(data_source *s, const char *source, const char *key,
                               const char *value, mlp_error *err) {
    if (strcmp(key, "format") == 0) {
        if (strcmp(value, "idx") == 0)
            s->format = FORMAT_IDX;
        else if (strcmp(value, "csv") == 0)
            s->format = FORMAT_CSV;
        else if (strcmp(value, "mat") == 0)
            s->format = FORMAT_MAT;
        else
            goto bad;
    } else if (strcmp(key, "label") == 0) {
        s->label = value;
    } else if (strcmp(key, "header") == 0) {
        if (strcmp(value, "yes") == 0)
            s->header = 1;
        else if (strcmp(value, "no") == 0)
            s->header = 0;
        else if (strcmp(value, "auto") == 0)
            s->header = -1;
        else
            goto bad;
    } else if (strcmp(key, "x") == 0) {
        s->x = value;
    } else if (strcmp(key, "y") == 0) {
        s->y = value;
    } else if (strcmp(key, "samples") == 0) {
        if (strcmp(value, "rows") == 0)
            s->samples_in_cols = 0;
        else if (strcmp(value, "cols") == 0)
            s->samples_in_cols = 1;
        else
            goto bad;
    } else if (strcmp(key, "shape") == 0) {
        char rows[32];
        const char *x = strchr(value, 'x');
        size_t n = x ? (size_t)(x - value) : 0;
        if (!x || n == 0 || n >= sizeof rows) goto bad;
        memcpy(rows, value, n);
        rows[n] = '\0';
        if (!parse_size(rows, &s->shape_rows) || !parse_size(x + 1, &s->shape_cols) ||
            s->shape_rows == 0 || s->shape_cols == 0)
            goto bad;
    } else if (strcmp(key, "limit") == 0) {
        if (!parse_size(value, &s->limit) || s->limit == 0) goto bad;
    } else if (strcmp(key, "classes") == 0) {
        s->classes = value;
    } else if (strcmp(key, "transpose") == 0) {
        if (strcmp(value, "yes") == 0)
            s->transpose = true;
        else if (strcmp(value, "no") == 0)
            s->transpose = false;
        else
            goto bad;
    } else {
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "data source '%s': unknown option '%s' (known: format, label, header, x, "
                        "y, samples, shape, transpose, limit, classes)",
                        source, key);
    }
    if (!*value) goto bad;
    return MLP_OK;
bad:
    return mlp_fail(err, MLP_ERR_ARGUMENT, "data source '%s': bad value '%s' for option '%s'",
                    source, value, key);
}

static bool is_option_key(const char *token, size_t length) {
    static const char *const keys[] = {"format",  "label", "header", "x",       "y",
                                       "samples", "shape", "limit",  "classes", "transpose"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strlen(keys[i]) == length && strncmp(keys[i], token, length) == 0) return true;
    return false;
}

mlp_status data_source_parse(data_source *s, const char *text, mlp_error *err) {
    memset(s, 0, sizeof *s);
    s->header = -1;
    s->samples_in_cols = -1;
    s->text = strdup(text);
    if (!s->text) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory copying the source");
    char *rest = s->text;
    while (rest) {
        char *comma = strchr(rest, ',');
        if (comma) *comma = '\0';
        char *token = mlp_trim(rest);
        rest = comma ? comma + 1 : NULL;
        if (!*token) return mlp_fail(err, MLP_ERR_ARGUMENT, "data source '%s': empty part", text);
        char *eq = strchr(token, '=');
        /* key=value when key is an option's name (anything else is a file name, even with '='). */
        if (eq && is_option_key(token, (size_t)(eq - token))) {
            *eq = '\0';
            MLP_TRY(parse_option(s, text, mlp_trim(token), mlp_trim(eq + 1), err));
        } else if (s->num_files == 2) {
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "data source '%s': more than two files ('%s' is a third; options are "
                            "key=value)",
                            text, token);
        } else {
            s->files[s->num_files++] = token;
        }
    }
    if (s->num_files == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "data source '%s': no file named", text);
    return MLP_OK;
}

void data_source_free(data_source *source) {
    free(source->text);
    source->text = NULL;
}

static mlp_status detect(data_source *s, mlp_error *err) {
    data_stream stream;
    MLP_TRY(data_stream_open(&stream, s->files[0], err));
    s->format = data_detect_format(stream.peek, stream.peek_length);
    data_stream_close(&stream);
    if (s->format == FORMAT_AUTO)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte 0: unknown binary format (not IDX, MATLAB .mat or CSV text)",
                        s->files[0]);
    return MLP_OK;
}

static mlp_status apply_shape(mlp_dataset *d, const data_source *s, mlp_error *err) {
    if (s->shape_rows) {
        size_t product;
        if (mlp_mul_overflows(s->shape_rows, s->shape_cols, &product) || product != d->features)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "%s: shape=%zux%zu does not match the %zu features per sample",
                            d->source, s->shape_rows, s->shape_cols, d->features);
        d->rows = s->shape_rows;
        d->cols = s->shape_cols;
    } else if (!d->rows && d->features == 784) {
        d->rows = d->cols = 28; /* the MNIST family, from CSV or .mat */
    }
    return MLP_OK;
}

/* Transposes every image in place (EMNIST stores them column by column), through one row of
 * scratch: sample i's value (r, c) becomes (c, r), and the shape cols x rows. */
static mlp_status transpose_images(mlp_dataset *d, mlp_error *err) {
    if (!d->rows)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: transpose=yes needs images of known shape",
                        d->source);
    size_t size = dataset_value_size(d), bytes = d->features * size;
    unsigned char *scratch = mlp_calloc(d->features, size, err);
    if (!scratch) return MLP_ERR_MEMORY;
    unsigned char *values = d->bytes ? (void *)d->bytes : (void *)d->floats;
    for (size_t i = 0; i < d->count; i++) {
        unsigned char *image = values + i * bytes;
        memcpy(scratch, image, bytes);
        for (size_t r = 0; r < d->rows; r++)
            for (size_t c = 0; c < d->cols; c++)
                memcpy(image + (c * d->rows + r) * size, scratch + (r * d->cols + c) * size, size);
    }
    free(scratch);
    size_t rows = d->rows;
    d->rows = d->cols;
    d->cols = rows;
    return MLP_OK;
}

static mlp_status load(mlp_dataset *d, data_source *s, mlp_error *err) {
    if (s->format == FORMAT_AUTO) MLP_TRY(detect(s, err));
    if (s->num_files == 2 && s->format != FORMAT_IDX)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "data source '%s': two files make sense only for IDX images and labels",
                        d->source);
    switch (s->format) {
    case FORMAT_IDX:
        MLP_TRY(idx_load(d, s, err));
        break;
    case FORMAT_CSV:
        MLP_TRY(csv_load(d, s, err));
        break;
    default:
        MLP_TRY(mat_load(d, s, err));
        break;
    }
    MLP_TRY(apply_shape(d, s, err));
    if (s->limit) dataset_truncate(d, s->limit);
    if (s->transpose) MLP_TRY(transpose_images(d, err));
    if (s->classes) MLP_TRY(labels_keep_classes(d, s->classes, err));
    return MLP_OK;
}

mlp_status mlp_dataset_load(mlp_dataset **dataset, const char *source, mlp_error *err) {
    if (!dataset || !source) return mlp_fail(err, MLP_ERR_ARGUMENT, "no data source given");
    *dataset = NULL;
    data_source s;
    mlp_dataset *d = NULL;
    mlp_status status = data_source_parse(&s, source, err);
    if (status == MLP_OK) status = dataset_new(&d, source, err);
    if (status == MLP_OK) status = load(d, &s, err);
    data_source_free(&s);
    if (status != MLP_OK) {
        mlp_dataset_free(d);
        return status;
    }
    *dataset = d;
    return mlp_ok(err);
}
