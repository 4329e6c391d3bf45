#include "io/safetensors.h"

#include "io/atomic_file.h"
#include "util/error.h"
#include "util/kv.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The data section is copied to and from memory as is: safetensors is little-endian. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c assumes a little-endian machine"
#endif

struct mlp_safetensors {
    char *source;         /* file name for messages; "" when being written */
    unsigned char *bytes; /* the whole file, when read */
    mlp_tensor_view *tensors;
    size_t count, capacity;
    mlp_kv metadata;
};

static const struct {
    const char *name;
    size_t size;
} dtype_table[] = {
    [MLP_DTYPE_BOOL] = {"BOOL", 1}, [MLP_DTYPE_U8] = {"U8", 1},   [MLP_DTYPE_I8] = {"I8", 1},
    [MLP_DTYPE_I16] = {"I16", 2},   [MLP_DTYPE_U16] = {"U16", 2}, [MLP_DTYPE_F16] = {"F16", 2},
    [MLP_DTYPE_BF16] = {"BF16", 2}, [MLP_DTYPE_I32] = {"I32", 4}, [MLP_DTYPE_U32] = {"U32", 4},
    [MLP_DTYPE_F32] = {"F32", 4},   [MLP_DTYPE_I64] = {"I64", 8}, [MLP_DTYPE_U64] = {"U64", 8},
    [MLP_DTYPE_F64] = {"F64", 8},
};
#define NUM_DTYPES (sizeof dtype_table / sizeof dtype_table[0])

const char *mlp_dtype_name(mlp_dtype dtype) {
    return (size_t)dtype < NUM_DTYPES ? dtype_table[dtype].name : "?";
}

size_t mlp_dtype_size(mlp_dtype dtype) {
    return (size_t)dtype < NUM_DTYPES ? dtype_table[dtype].size : 0;
}

static bool dtype_from_name(const char *name, mlp_dtype *dtype) {
    for (size_t i = 0; i < NUM_DTYPES; i++)
        if (strcmp(name, dtype_table[i].name) == 0) {
            *dtype = (mlp_dtype)i;
            return true;
        }
    return false;
}

mlp_status mlp_safetensors_new(mlp_safetensors **st, mlp_error *err) {
    *st = mlp_calloc(1, sizeof **st, err);
    if (!*st) return MLP_ERR_MEMORY;
    (*st)->source = strdup("");
    if (!(*st)->source) {
        free(*st);
        *st = NULL;
        return mlp_fail(err, MLP_ERR_MEMORY, "safetensors: out of memory");
    }
    return mlp_ok(err);
}

void mlp_safetensors_free(mlp_safetensors *st) {
    if (!st) return;
    for (size_t i = 0; i < st->count; i++)
        free((char *)st->tensors[i].name);
    free(st->tensors);
    mlp_kv_clear(&st->metadata);
    free(st->bytes);
    free(st->source);
    free(st);
}

const char *mlp_safetensors_source(const mlp_safetensors *st) {
    return st->source;
}

/* Makes room for one more element in an array of `size`-byte items. */
static bool grow(void **items, size_t *capacity, size_t count, size_t size) {
    if (count < *capacity) return true;
    size_t new_capacity = *capacity ? 2 * *capacity : 8;
    void *bigger = realloc(*items, new_capacity * size);
    if (!bigger) return false;
    *items = bigger;
    *capacity = new_capacity;
    return true;
}

/* count = product of shape and bytes = count * element size, false on overflow. */
static bool tensor_size(mlp_dtype dtype, size_t ndim, const size_t *shape, size_t *count,
                        size_t *bytes) {
    size_t n = 1;
    for (size_t d = 0; d < ndim; d++)
        if (mlp_mul_overflows(n, shape[d], &n)) return false;
    *count = n;
    return !mlp_mul_overflows(n, mlp_dtype_size(dtype), bytes);
}

const mlp_tensor_view *mlp_safetensors_find(const mlp_safetensors *st, const char *name) {
    for (size_t i = 0; i < st->count; i++)
        if (strcmp(st->tensors[i].name, name) == 0) return &st->tensors[i];
    return NULL;
}

size_t mlp_safetensors_count(const mlp_safetensors *st) {
    return st->count;
}

const mlp_tensor_view *mlp_safetensors_tensor(const mlp_safetensors *st, size_t index) {
    return index < st->count ? &st->tensors[index] : NULL;
}

/* Appends a tensor entry (name copied) without checks; used by add and the reader. */
static mlp_tensor_view *append_tensor(mlp_safetensors *st, const char *name, mlp_error *err) {
    char *copy = strdup(name);
    if (!copy || !grow((void **)&st->tensors, &st->capacity, st->count, sizeof(mlp_tensor_view))) {
        free(copy);
        mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory adding tensor '%s'", st->source, name);
        return NULL;
    }
    mlp_tensor_view *t = &st->tensors[st->count++];
    memset(t, 0, sizeof *t);
    t->name = copy;
    return t;
}

mlp_status mlp_safetensors_add(mlp_safetensors *st, const char *name, mlp_dtype dtype, size_t ndim,
                               const size_t *shape, const void *data, mlp_error *err) {
    if (!name || !*name || strcmp(name, "__metadata__") == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "safetensors: invalid tensor name '%s'",
                        name ? name : "(null)");
    if ((size_t)dtype >= NUM_DTYPES)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "safetensors: tensor '%s': invalid dtype %d", name,
                        (int)dtype);
    if (ndim > MLP_SAFETENSORS_MAX_DIMS)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "safetensors: tensor '%s': %zu dimensions, at most %d supported", name,
                        ndim, MLP_SAFETENSORS_MAX_DIMS);
    if (mlp_safetensors_find(st, name))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "safetensors: tensor '%s' added twice", name);
    size_t count, bytes;
    if (!tensor_size(dtype, ndim, shape, &count, &bytes))
        return mlp_fail(err, MLP_ERR_MEMORY, "safetensors: tensor '%s': size overflows", name);
    if (bytes && !data)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "safetensors: tensor '%s': no data", name);
    mlp_tensor_view *t = append_tensor(st, name, err);
    if (!t) return MLP_ERR_MEMORY;
    t->dtype = dtype;
    t->ndim = ndim;
    for (size_t d = 0; d < ndim; d++)
        t->shape[d] = shape[d];
    t->count = count;
    t->num_bytes = bytes;
    t->data = data;
    return mlp_ok(err);
}

/* ---- metadata ---------------------------------------------------------------------------- */

mlp_status mlp_safetensors_set_metadata(mlp_safetensors *st, const char *key, const char *value,
                                        mlp_error *err) {
    return mlp_kv_set(&st->metadata, key, value, err);
}

mlp_status mlp_safetensors_set_metadata_u64(mlp_safetensors *st, const char *key, uint64_t value,
                                            mlp_error *err) {
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, value);
    return mlp_safetensors_set_metadata(st, key, text, err);
}

mlp_status mlp_safetensors_set_metadata_double(mlp_safetensors *st, const char *key, double value,
                                               mlp_error *err) {
    char text[40];
    snprintf(text, sizeof text, "%.17g", value);
    return mlp_safetensors_set_metadata(st, key, text, err);
}

size_t mlp_safetensors_metadata_count(const mlp_safetensors *st) {
    return st->metadata.count;
}

void mlp_safetensors_metadata_at(const mlp_safetensors *st, size_t index, const char **key,
                                 const char **value) {
    *key = index < st->metadata.count ? st->metadata.keys[index] : NULL;
    *value = index < st->metadata.count ? st->metadata.values[index] : NULL;
}

const char *mlp_safetensors_metadata(const mlp_safetensors *st, const char *key) {
    return mlp_kv_get(&st->metadata, key);
}

static mlp_status required_metadata(const mlp_safetensors *st, const char *key, const char **value,
                                    mlp_error *err) {
    *value = mlp_safetensors_metadata(st, key);
    if (!*value)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata '%s' is missing", st->source, key);
    return MLP_OK;
}

mlp_status mlp_safetensors_get_metadata_u64(const mlp_safetensors *st, const char *key,
                                            uint64_t *value, mlp_error *err) {
    const char *text;
    MLP_TRY(required_metadata(st, key, &text, err));
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end || errno)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: metadata '%s' = '%.40s' is not an unsigned 64-bit integer", st->source,
                        key, text);
    *value = (uint64_t)v;
    return mlp_ok(err);
}

mlp_status mlp_safetensors_get_metadata_double(const mlp_safetensors *st, const char *key,
                                               double *value, mlp_error *err) {
    const char *text;
    MLP_TRY(required_metadata(st, key, &text, err));
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: metadata '%s' = '%.40s' is not a number",
                        st->source, key, text);
    *value = v;
    return mlp_ok(err);
}

/* ---- writing ----------------------------------------------------------------------------- */

/* The header JSON: "__metadata__" first (when any), then the tensors in order with consecutive
 * data_offsets. Returns a malloc'ed string or NULL. */
static char *build_header(const mlp_safetensors *st) {
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    bool ok = true;
    if (st->metadata.count) {
        cJSON *meta = cJSON_AddObjectToObject(root, "__metadata__");
        ok = meta != NULL;
        for (size_t i = 0; ok && i < st->metadata.count; i++)
            ok =
                cJSON_AddStringToObject(meta, st->metadata.keys[i], st->metadata.values[i]) != NULL;
    }
    size_t offset = 0;
    for (size_t i = 0; ok && i < st->count; i++) {
        const mlp_tensor_view *t = &st->tensors[i];
        cJSON *entry = cJSON_AddObjectToObject(root, t->name);
        cJSON *shape = entry ? cJSON_AddArrayToObject(entry, "shape") : NULL;
        cJSON *offsets = shape ? cJSON_AddArrayToObject(entry, "data_offsets") : NULL;
        ok = offsets && cJSON_AddStringToObject(entry, "dtype", mlp_dtype_name(t->dtype));
        for (size_t d = 0; ok && d < t->ndim; d++)
            ok = cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t->shape[d]));
        ok = ok && cJSON_AddItemToArray(offsets, cJSON_CreateNumber((double)offset)) &&
             cJSON_AddItemToArray(offsets, cJSON_CreateNumber((double)(offset + t->num_bytes)));
        offset += t->num_bytes;
    }
    char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return text;
}

mlp_status mlp_safetensors_write(const mlp_safetensors *st, const char *path, mlp_error *err) {
    char *header = build_header(st);
    if (!header) return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory building header", path);
    /* Pad with spaces so the data section starts 8-byte aligned (8 + length is a multiple of 8). */
    size_t length = strlen(header);
    size_t padded = (length + 7) / 8 * 8;
    unsigned char prefix[8];
    for (int i = 0; i < 8; i++)
        prefix[i] = (unsigned char)((uint64_t)padded >> (8 * i));

    mlp_atomic_file *file;
    mlp_status status = mlp_atomic_file_open(&file, path, err);
    if (status != MLP_OK) {
        free(header);
        return status;
    }
    FILE *out = mlp_atomic_file_stream(file);
    bool ok = fwrite(prefix, 1, 8, out) == 8 && fwrite(header, 1, length, out) == length;
    for (size_t i = length; ok && i < padded; i++)
        ok = fputc(' ', out) != EOF;
    for (size_t i = 0; ok && i < st->count; i++) {
        const mlp_tensor_view *t = &st->tensors[i];
        ok = !t->num_bytes || fwrite(t->data, 1, t->num_bytes, out) == t->num_bytes;
    }
    free(header);
    if (!ok) {
        mlp_atomic_file_abort(file);
        return mlp_fail(err, MLP_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    }
    return mlp_atomic_file_commit(file, err);
}

/* ---- reading ----------------------------------------------------------------------------- */

/* A JSON number that is an exact non-negative integer within double's exact range. */
static bool json_size(const cJSON *item, size_t *value) {
    if (!cJSON_IsNumber(item)) return false;
    double v = item->valuedouble;
    if (!(v >= 0 && v <= 9007199254740992.0) || v != (double)(uint64_t)v) return false;
    if ((uint64_t)v > SIZE_MAX) return false;
    *value = (size_t)v;
    return true;
}

static mlp_status parse_metadata(mlp_safetensors *st, const cJSON *meta, mlp_error *err) {
    if (!cJSON_IsObject(meta))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: __metadata__ is not a JSON object", st->source);
    for (const cJSON *item = meta->child; item; item = item->next) {
        if (!cJSON_IsString(item))
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: __metadata__ entry '%s' is not a string",
                            st->source, item->string);
        if (mlp_safetensors_metadata(st, item->string))
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: __metadata__ entry '%s' appears twice",
                            st->source, item->string);
        MLP_TRY(mlp_safetensors_set_metadata(st, item->string, item->valuestring, err));
    }
    return MLP_OK;
}

/* One tensor entry: dtype known, shape of non-negative integers, data_offsets [begin, end] with
 * end - begin equal to the shape's byte size and end inside the data section. begin is returned
 * for the coverage check. */
static mlp_status parse_tensor(mlp_safetensors *st, const cJSON *entry, const unsigned char *data,
                               size_t data_size, size_t *begin_out, mlp_error *err) {
    const char *src = st->source, *name = entry->string;
    if (!cJSON_IsObject(entry))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s': entry is not a JSON object", src,
                        name);
    const cJSON *dtype_item = cJSON_GetObjectItemCaseSensitive(entry, "dtype");
    const cJSON *shape_item = cJSON_GetObjectItemCaseSensitive(entry, "shape");
    const cJSON *offsets_item = cJSON_GetObjectItemCaseSensitive(entry, "data_offsets");
    mlp_dtype dtype;
    if (!cJSON_IsString(dtype_item))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s': missing \"dtype\" string", src,
                        name);
    if (!dtype_from_name(dtype_item->valuestring, &dtype))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s': unknown dtype '%.20s'", src, name,
                        dtype_item->valuestring);
    if (!cJSON_IsArray(shape_item))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s': missing \"shape\" array", src, name);
    int ndim = cJSON_GetArraySize(shape_item);
    if (ndim > MLP_SAFETENSORS_MAX_DIMS)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s': %d dimensions, at most %d", src,
                        name, ndim, MLP_SAFETENSORS_MAX_DIMS);
    size_t shape[MLP_SAFETENSORS_MAX_DIMS];
    int d = 0;
    for (const cJSON *dim = shape_item->child; dim; dim = dim->next, d++)
        if (!json_size(dim, &shape[d]))
            return mlp_fail(err, MLP_ERR_FORMAT,
                            "%s: tensor '%s': shape entry %d is not a non-negative integer", src,
                            name, d);
    size_t range[2];
    if (!cJSON_IsArray(offsets_item) || cJSON_GetArraySize(offsets_item) != 2 ||
        !json_size(offsets_item->child, &range[0]) ||
        !json_size(offsets_item->child->next, &range[1]))
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: tensor '%s': \"data_offsets\" is not two non-negative integers", src,
                        name);
    size_t count, bytes;
    if (!tensor_size(dtype, (size_t)ndim, shape, &count, &bytes))
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s': shape size overflows", src, name);
    if (range[1] < range[0] || range[1] > data_size)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: tensor '%s': data_offsets [%zu, %zu] outside the %zu-byte data "
                        "section",
                        src, name, range[0], range[1], data_size);
    if (range[1] - range[0] != bytes)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: tensor '%s': %zu elements of %s need %zu bytes, data_offsets span "
                        "%zu",
                        src, name, count, mlp_dtype_name(dtype), bytes, range[1] - range[0]);
    mlp_tensor_view *t = append_tensor(st, name, err);
    if (!t) return MLP_ERR_MEMORY;
    t->dtype = dtype;
    t->ndim = (size_t)ndim;
    memcpy(t->shape, shape, (size_t)ndim * sizeof shape[0]);
    t->count = count;
    t->num_bytes = bytes;
    t->data = data + range[0];
    *begin_out = range[0];
    return MLP_OK;
}

typedef struct {
    size_t begin, end;
    const char *name;
} byte_range;

static int compare_ranges(const void *a, const void *b) {
    const byte_range *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(((const byte_range *)a)->name, ((const byte_range *)b)->name);
}

/* The tensors must tile the data section exactly: sorted by offset, each starts where the
 * previous ended, the first at 0 and the last at the end; and names must be unique. */
static mlp_status check_layout(const mlp_safetensors *st, const unsigned char *data,
                               size_t data_size, mlp_error *err) {
    if (st->count == 0) {
        if (data_size)
            return mlp_fail(err, MLP_ERR_FORMAT, "%s: no tensors, but %zu bytes follow the header",
                            st->source, data_size);
        return MLP_OK;
    }
    byte_range *ranges = mlp_calloc(st->count, sizeof *ranges, err);
    if (!ranges) return MLP_ERR_MEMORY;
    for (size_t i = 0; i < st->count; i++) {
        const mlp_tensor_view *t = &st->tensors[i];
        ranges[i].begin = (size_t)((const unsigned char *)t->data - data);
        ranges[i].end = ranges[i].begin + t->num_bytes;
        ranges[i].name = t->name;
    }
    mlp_status status = MLP_OK;
    qsort(ranges, st->count, sizeof *ranges, compare_names);
    for (size_t i = 1; i < st->count && status == MLP_OK; i++)
        if (strcmp(ranges[i - 1].name, ranges[i].name) == 0)
            status = mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s' appears twice", st->source,
                              ranges[i].name);
    qsort(ranges, st->count, sizeof *ranges, compare_ranges);
    size_t expected = 0;
    for (size_t i = 0; i < st->count && status == MLP_OK; i++) {
        if (ranges[i].begin < expected)
            status = mlp_fail(err, MLP_ERR_FORMAT,
                              "%s: tensor '%s': bytes [%zu, %zu) overlap tensor '%s'", st->source,
                              ranges[i].name, ranges[i].begin, ranges[i].end, ranges[i - 1].name);
        else if (ranges[i].begin > expected)
            status =
                mlp_fail(err, MLP_ERR_FORMAT,
                         "%s: tensor '%s': starts at byte %zu of the data section, leaving "
                         "bytes [%zu, %zu) unused",
                         st->source, ranges[i].name, ranges[i].begin, expected, ranges[i].begin);
        expected = ranges[i].end;
    }
    if (status == MLP_OK && expected != data_size)
        status = mlp_fail(err, MLP_ERR_FORMAT,
                          "%s: tensors end at byte %zu of the data section, but it has %zu bytes",
                          st->source, expected, data_size);
    free(ranges);
    return status;
}

/* Checks the frame of a file of file_size bytes from its first min(file_size, 9) bytes: the
 * header length fits the cap and the file, and the header starts with '{'. Reading a file
 * checks this before reading (and allocating) the rest. */
static mlp_status check_framing(const char *src, const unsigned char *prefix, size_t file_size,
                                uint64_t *header_size, mlp_error *err) {
    if (file_size < 8)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: %zu bytes, too short for the 8-byte header length", src, file_size);
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = n << 8 | prefix[i];
    if (n > MLP_SAFETENSORS_MAX_HEADER)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: header length %" PRIu64 " exceeds the limit of %zu bytes", src, n,
                        MLP_SAFETENSORS_MAX_HEADER);
    if (n > file_size - 8)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: header length %" PRIu64 " exceeds the %zu bytes after it (truncated "
                        "file?)",
                        src, n, file_size - 8);
    if (n == 0 || prefix[8] != '{')
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte 8: header does not start with '{'", src);
    *header_size = n;
    return MLP_OK;
}

/* Parses the header of st->bytes (size bytes) and fills st. */
static mlp_status parse_bytes(mlp_safetensors *st, size_t size, mlp_error *err) {
    const unsigned char *bytes = st->bytes;
    const char *src = st->source;
    uint64_t header_size = 0;
    MLP_TRY(check_framing(src, bytes, size, &header_size, err));
    const char *header = (const char *)bytes + 8;
    size_t length = (size_t)header_size;
    /* Trailing padding must be spaces; the JSON must end exactly before it. */
    while (length > 0 && header[length - 1] == ' ')
        length--;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(header, length, &end, false);
    if (!root || end != header + length) {
        size_t at = end ? (size_t)(end - header) : 0;
        cJSON_Delete(root);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %zu: header is not valid JSON", src,
                        8 + (at <= length ? at : length));
    }
    mlp_status status = MLP_OK;
    if (!cJSON_IsObject(root))
        status = mlp_fail(err, MLP_ERR_FORMAT, "%s: header is not a JSON object", src);
    const unsigned char *data = bytes + 8 + header_size;
    size_t data_size = size - 8 - (size_t)header_size;
    bool seen_metadata = false;
    for (const cJSON *item = root->child; item && status == MLP_OK; item = item->next) {
        size_t begin;
        if (strcmp(item->string, "__metadata__") == 0) {
            if (seen_metadata)
                status = mlp_fail(err, MLP_ERR_FORMAT, "%s: __metadata__ appears twice", src);
            else
                status = parse_metadata(st, item, err);
            seen_metadata = true;
        } else
            status = parse_tensor(st, item, data, data_size, &begin, err);
    }
    cJSON_Delete(root);
    if (status != MLP_OK) return status;
    return check_layout(st, data, data_size, err);
}

mlp_status mlp_safetensors_parse(mlp_safetensors **st, const void *bytes, size_t size,
                                 const char *name, mlp_error *err) {
    *st = NULL;
    mlp_safetensors *s;
    MLP_TRY(mlp_safetensors_new(&s, err));
    free(s->source);
    s->source = strdup(name);
    s->bytes = malloc(size ? size : 1);
    if (!s->source || !s->bytes) {
        mlp_safetensors_free(s);
        return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory for %zu bytes", name, size);
    }
    if (size) memcpy(s->bytes, bytes, size);
    mlp_status status = parse_bytes(s, size, err);
    if (status != MLP_OK) {
        mlp_safetensors_free(s);
        return status;
    }
    *st = s;
    return mlp_ok(err);
}

mlp_status mlp_safetensors_read(mlp_safetensors **st, const char *path, mlp_error *err) {
    *st = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return mlp_fail(err, MLP_ERR_IO, "%s: cannot determine the size: %s", path,
                        strerror(errno));
    }
    /* The frame is checked before the whole file is read, so a large file of another kind
     * is refused without allocating its size. */
    unsigned char prefix[9];
    size_t prefix_size = (size_t)size < sizeof prefix ? (size_t)size : sizeof prefix;
    uint64_t header_size = 0;
    mlp_status status = MLP_OK;
    if (fread(prefix, 1, prefix_size, f) != prefix_size || fseek(f, 0, SEEK_SET) != 0)
        status = mlp_fail(err, MLP_ERR_IO, "%s: read failed: %s", path,
                          ferror(f) ? strerror(errno) : "file shrank while reading");
    else
        status = check_framing(path, prefix, (size_t)size, &header_size, err);
    mlp_safetensors *s = NULL;
    if (status == MLP_OK) status = mlp_safetensors_new(&s, err);
    if (status == MLP_OK) {
        free(s->source);
        s->source = strdup(path);
        s->bytes = malloc((size_t)size);
        if (!s->source || !s->bytes)
            status = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory for %ld bytes", path, size);
        else if (fread(s->bytes, 1, (size_t)size, f) != (size_t)size)
            status = mlp_fail(err, MLP_ERR_IO, "%s: read failed: %s", path,
                              ferror(f) ? strerror(errno) : "file shrank while reading");
        else
            status = parse_bytes(s, (size_t)size, err);
    }
    fclose(f);
    if (status != MLP_OK) {
        mlp_safetensors_free(s);
        return status;
    }
    *st = s;
    return mlp_ok(err);
}

/* ---- typed access ------------------------------------------------------------------------ */

static void format_shape(char *text, size_t size, size_t ndim, const size_t *shape) {
    size_t used = (size_t)snprintf(text, size, "[");
    for (size_t d = 0; d < ndim && used < size; d++)
        used += (size_t)snprintf(text + used, size - used, d ? ", %zu" : "%zu", shape[d]);
    if (used < size) snprintf(text + used, size - used, "]");
}

/* Finds `name` and checks its shape; dtype is checked by the callers. */
static mlp_status find_with_shape(const mlp_safetensors *st, const char *name, size_t ndim,
                                  const size_t *shape, const mlp_tensor_view **tensor,
                                  mlp_error *err) {
    const mlp_tensor_view *t = mlp_safetensors_find(st, name);
    if (!t) return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s' is missing", st->source, name);
    bool same = t->ndim == ndim;
    for (size_t d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (!same) {
        char want[128], have[128];
        format_shape(want, sizeof want, ndim, shape);
        format_shape(have, sizeof have, t->ndim, t->shape);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s' has shape %s, expected %s",
                        st->source, name, have, want);
    }
    *tensor = t;
    return MLP_OK;
}

mlp_status mlp_safetensors_get(const mlp_safetensors *st, const char *name, mlp_dtype dtype,
                               size_t ndim, const size_t *shape, void *out, mlp_error *err) {
    const mlp_tensor_view *t;
    MLP_TRY(find_with_shape(st, name, ndim, shape, &t, err));
    if (t->dtype != dtype)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: tensor '%s' has dtype %s, expected %s",
                        st->source, name, mlp_dtype_name(t->dtype), mlp_dtype_name(dtype));
    if (t->num_bytes) memcpy(out, t->data, t->num_bytes);
    return mlp_ok(err);
}

/* IEEE half precision: sign, 5-bit exponent (bias 15), 10-bit fraction. */
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h >> 15) << 31, exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0x1f)
        bits = sign | 0x7f800000u | fraction << 13; /* inf, nan */
    else if (exponent != 0)
        bits = sign | (exponent + 112) << 23 | fraction << 13;
    else {
        /* zero or subnormal: fraction * 2^-24 */
        float magnitude = (float)fraction * 5.9604644775390625e-8f;
        return sign ? -magnitude : magnitude;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

mlp_status mlp_safetensors_get_f32(const mlp_safetensors *st, const char *name, size_t ndim,
                                   const size_t *shape, float *out, mlp_error *err) {
    const mlp_tensor_view *t;
    MLP_TRY(find_with_shape(st, name, ndim, shape, &t, err));
    if (t->dtype != MLP_DTYPE_F32 && t->dtype != MLP_DTYPE_F64 && t->dtype != MLP_DTYPE_F16 &&
        t->dtype != MLP_DTYPE_BF16)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: tensor '%s' has dtype %s, expected a floating-point type", st->source,
                        name, mlp_dtype_name(t->dtype));
    const unsigned char *p = t->data;
    size_t size = mlp_dtype_size(t->dtype);
    for (size_t i = 0; i < t->count; i++, p += size) {
        switch (t->dtype) {
        case MLP_DTYPE_F32:
            memcpy(&out[i], p, 4);
            break;
        case MLP_DTYPE_F64: {
            double v;
            memcpy(&v, p, 8);
            out[i] = (float)v;
            break;
        }
        case MLP_DTYPE_F16: {
            uint16_t h;
            memcpy(&h, p, 2);
            out[i] = half_to_float(h);
            break;
        }
        case MLP_DTYPE_BF16: {
            /* bfloat16 is the upper half of a float32 */
            uint16_t h;
            memcpy(&h, p, 2);
            uint32_t bits = (uint32_t)h << 16;
            memcpy(&out[i], &bits, 4);
            break;
        }
        default:
            break; /* excluded above */
        }
    }
    return mlp_ok(err);
}
