/* IDX files (LeCun's MNIST format): magic 00 00 TYPE NDIMS, NDIMS big-endian uint32 sizes, then
 * the values big-endian, row-major. Images are [N, rows, cols] (or [N, features]), labels [N]. */
#include "data/dataset.h"
#include "data/labels.h"
#include "data/source.h"
#include "data/stream.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t type;
    uint8_t num_dims;
    uint32_t dims[4];
    size_t value_size;   /* bytes per value in the file */
    size_t header_bytes; /* 4 + 4 * num_dims */
} idx_header;

static size_t type_size(uint8_t type) {
    switch (type) {
    case 0x08: /* unsigned byte */
    case 0x09:
        return 1; /* signed byte */
    case 0x0B:
        return 2; /* short */
    case 0x0C:    /* int */
    case 0x0D:
        return 4; /* float */
    case 0x0E:
        return 8; /* double */
    default:
        return 0;
    }
}

static uint64_t big_endian(const unsigned char *p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static mlp_status read_header(data_stream *st, idx_header *h, mlp_error *err) {
    unsigned char magic[4], dims[16];
    MLP_TRY(data_stream_read(st, magic, 4, "the IDX magic number", err));
    if (magic[0] != 0 || magic[1] != 0)
        return mlp_fail(
            err, MLP_ERR_FORMAT,
            "%s: byte 0: wrong magic %02x %02x %02x %02x (an IDX file starts with 00 00)", st->path,
            magic[0], magic[1], magic[2], magic[3]);
    h->type = magic[2];
    h->value_size = type_size(h->type);
    if (!h->value_size)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte 2: unknown IDX type code 0x%02x", st->path,
                        h->type);
    h->num_dims = magic[3];
    if (h->num_dims < 1 || h->num_dims > 4)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte 3: %u dimensions (IDX here has 1 to 4)",
                        st->path, h->num_dims);
    MLP_TRY(data_stream_read(st, dims, 4u * h->num_dims, "the IDX dimensions", err));
    for (size_t i = 0; i < h->num_dims; i++)
        h->dims[i] = (uint32_t)big_endian(dims + 4 * i, 4);
    h->header_bytes = 4 + 4u * h->num_dims;
    return MLP_OK;
}

/* Refuses a header that promises more than the file can hold, before any allocation. */
static mlp_status check_capacity(const data_stream *st, const idx_header *h, size_t values,
                                 mlp_error *err) {
    uint64_t need = (uint64_t)values * h->value_size + h->header_bytes;
    uint64_t capacity = data_stream_capacity(st);
    if (need > capacity) /* values * value_size <= DATA_MAX_BYTES: no overflow */
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte 4: truncated: the header announces %zu values of %zu bytes but "
                        "the %s file of %llu bytes holds at most %llu",
                        st->path, values, h->value_size, st->gzip ? "gzip" : "plain",
                        (unsigned long long)st->file_size, (unsigned long long)capacity);
    return MLP_OK;
}

static mlp_status expect_end(data_stream *st, mlp_error *err) {
    unsigned char extra;
    size_t got = 0;
    uint64_t offset = st->offset;
    MLP_TRY(data_stream_read_some(st, &extra, 1, &got, err));
    if (got)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte %llu: unexpected data after the values the header announces",
                        st->path, (unsigned long long)offset);
    return MLP_OK;
}

/* Decodes one big-endian value of the header's type. */
static double decode(const idx_header *h, const unsigned char *p) {
    uint64_t bits = big_endian(p, h->value_size);
    switch (h->type) {
    case 0x08:
        return (double)bits;
    case 0x09:
        return (double)(int8_t)bits;
    case 0x0B:
        return (double)(int16_t)bits;
    case 0x0C:
        return (double)(int32_t)bits;
    case 0x0D: {
        uint32_t b32 = (uint32_t)bits;
        float f;
        memcpy(&f, &b32, sizeof f);
        return f;
    }
    default: {
        double f;
        memcpy(&f, &bits, sizeof f);
        return f;
    }
    }
}

static mlp_status read_float_values(data_stream *st, const idx_header *h, mlp_dataset *d,
                                    mlp_error *err) {
    size_t row_bytes = d->features * h->value_size;
    unsigned char *row = mlp_calloc(d->features, h->value_size, err);
    if (!row) return MLP_ERR_MEMORY;
    mlp_status s = MLP_OK;
    for (size_t i = 0; i < d->count && s == MLP_OK; i++) {
        uint64_t offset = st->offset;
        s = data_stream_read(st, row, row_bytes, "an image", err);
        for (size_t j = 0; j < d->features && s == MLP_OK; j++) {
            double v = decode(h, row + j * h->value_size);
            if (!isfinite(v) || fabs(v) > 3.4e38)
                s = mlp_fail(err, MLP_ERR_NUMERIC,
                             "%s: byte %llu: sample %zu, value %zu: %g is not a finite float32",
                             st->path, (unsigned long long)(offset + j * h->value_size), i, j, v);
            else
                d->floats[i * d->features + j] = (float)v;
        }
    }
    free(row);
    return s;
}

static mlp_status read_images(data_stream *st, const data_source *src, mlp_dataset *d,
                              size_t *announced, mlp_error *err) {
    idx_header h;
    MLP_TRY(read_header(st, &h, err));
    if (h.num_dims < 2)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte 3: 1 dimension, but images need 2 to 4 (is this a labels file?)",
                        st->path);
    size_t count = h.dims[0], features = 1, bytes;
    for (size_t i = 1; i < h.num_dims; i++) {
        if (mlp_mul_overflows(features, h.dims[i], &features))
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte 4: dimensions overflow", st->path);
    }
    MLP_TRY(dataset_check_size(count, features, h.value_size, st->path, "byte 4", &bytes, err));
    MLP_TRY(check_capacity(st, &h, count * features, err));
    *announced = count;
    if (src->limit && src->limit < count) count = src->limit;
    d->count = count;
    d->features = features;
    if (h.num_dims == 3) {
        d->rows = h.dims[1];
        d->cols = h.dims[2];
    }
    if (h.type == 0x08) {
        d->bytes = mlp_calloc(count, features, err);
        if (!d->bytes) return MLP_ERR_MEMORY;
        MLP_TRY(data_stream_read(st, d->bytes, count * features, "the images", err));
    } else {
        d->floats = mlp_calloc(count * features, sizeof(float), err);
        if (!d->floats) return MLP_ERR_MEMORY;
        MLP_TRY(read_float_values(st, &h, d, err));
    }
    return count == *announced ? expect_end(st, err) : MLP_OK;
}

static mlp_status read_labels(data_stream *st, const char *images_path, size_t announced,
                              mlp_dataset *d, mlp_error *err) {
    idx_header h;
    MLP_TRY(read_header(st, &h, err));
    if (h.num_dims != 1)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte 3: %u dimensions, but labels need 1 (is this an images file?)",
                        st->path, h.num_dims);
    if (h.type == 0x0D || h.type == 0x0E)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: byte 2: labels must be integers, not type code 0x%02x", st->path,
                        h.type);
    if (h.dims[0] != announced)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte 4: %u labels, but %s has %zu images",
                        st->path, h.dims[0], images_path, announced);
    MLP_TRY(check_capacity(st, &h, announced, err));
    int32_t *labels = mlp_calloc(d->count, sizeof *labels, err);
    if (!labels) return MLP_ERR_MEMORY;
    label_table table = {0};
    mlp_status s = MLP_OK;
    for (size_t i = 0; i < d->count && s == MLP_OK; i++) {
        unsigned char raw[4];
        char name[32], where[600];
        uint64_t offset = st->offset;
        s = data_stream_read(st, raw, h.value_size, "a label", err);
        if (s != MLP_OK) break;
        snprintf(name, sizeof name, "%lld", (long long)decode(&h, raw));
        snprintf(where, sizeof where, "%.500s: byte %llu", st->path, (unsigned long long)offset);
        s = label_table_intern(&table, name, &labels[i], where, err);
    }
    if (s == MLP_OK && d->count == announced) s = expect_end(st, err);
    if (s == MLP_OK) s = label_table_finish(&table, labels, d->count, d, err);
    if (s != MLP_OK) {
        free(labels);
        label_table_free(&table);
    }
    return s;
}

mlp_status idx_load(mlp_dataset *d, const data_source *src, mlp_error *err) {
    d->format = "idx";
    data_stream st;
    size_t announced = 0;
    MLP_TRY(data_stream_open(&st, src->files[0], err));
    mlp_status s = read_images(&st, src, d, &announced, err);
    data_stream_close(&st);
    if (s != MLP_OK || src->num_files < 2) return s;
    MLP_TRY(data_stream_open(&st, src->files[1], err));
    s = read_labels(&st, src->files[0], announced, d, err);
    data_stream_close(&st);
    return s;
}
