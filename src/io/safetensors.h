/* safetensors files (https://github.com/huggingface/safetensors#format): an 8-byte little-endian
 * header length N, N bytes of JSON header (padded with spaces; ours to a multiple of 8 so the data
 * section is 8-byte aligned), then the data section. The header maps each tensor name to
 * {"dtype", "shape", "data_offsets": [begin, end]} with offsets relative to the data section, plus
 * an optional "__metadata__" object of string to string. Data is little-endian, row-major.
 *
 * One mlp_safetensors object serves both directions: to write, add tensors (borrowed data) and
 * metadata, then mlp_safetensors_write; to read, mlp_safetensors_read validates the whole file
 * and the object owns its bytes. */
#ifndef MLP_IO_SAFETENSORS_H
#define MLP_IO_SAFETENSORS_H

#include "mlp.h"

#include <stddef.h>
#include <stdint.h>

/* The element types the reader understands (sizes checked against offsets); the writer accepts
 * all of them too. Getters convert F64/F16/BF16 to float with mlp_safetensors_get_f32. */
typedef enum {
    MLP_DTYPE_BOOL,
    MLP_DTYPE_U8,
    MLP_DTYPE_I8,
    MLP_DTYPE_I16,
    MLP_DTYPE_U16,
    MLP_DTYPE_F16,
    MLP_DTYPE_BF16,
    MLP_DTYPE_I32,
    MLP_DTYPE_U32,
    MLP_DTYPE_F32,
    MLP_DTYPE_I64,
    MLP_DTYPE_U64,
    MLP_DTYPE_F64,
} mlp_dtype;

/* "F32", "I64", ... as written in the header. */
const char *mlp_dtype_name(mlp_dtype dtype);
/* Bytes per element. */
size_t mlp_dtype_size(mlp_dtype dtype);

#define MLP_SAFETENSORS_MAX_DIMS 8
/* The reader refuses headers larger than this (the reference implementation's limit). */
#define MLP_SAFETENSORS_MAX_HEADER ((size_t)100 << 20)

typedef struct {
    const char *name;
    mlp_dtype dtype;
    size_t ndim; /* 0 for a scalar */
    size_t shape[MLP_SAFETENSORS_MAX_DIMS];
    size_t count;     /* product of shape (1 for a scalar) */
    size_t num_bytes; /* count * mlp_dtype_size(dtype) */
    const void *data; /* writer: borrowed from the caller; reader: in the object's buffer, may be
                         unaligned (use the getters, which copy) */
} mlp_tensor_view;

typedef struct mlp_safetensors mlp_safetensors;

mlp_status mlp_safetensors_new(mlp_safetensors **st, mlp_error *err);
void mlp_safetensors_free(mlp_safetensors *st);

/* Adds a tensor; data (count * dtype size bytes) is borrowed and must stay valid until the
 * object is written or freed. Names must be unique, non-empty and not "__metadata__". */
mlp_status mlp_safetensors_add(mlp_safetensors *st, const char *name, mlp_dtype dtype, size_t ndim,
                               const size_t *shape, const void *data, mlp_error *err);

/* Sets (or replaces) a metadata entry; key and value are copied. */
mlp_status mlp_safetensors_set_metadata(mlp_safetensors *st, const char *key, const char *value,
                                        mlp_error *err);
/* Integers and doubles stored as decimal text (%.17g round-trips a double exactly). */
mlp_status mlp_safetensors_set_metadata_u64(mlp_safetensors *st, const char *key, uint64_t value,
                                            mlp_error *err);
mlp_status mlp_safetensors_set_metadata_double(mlp_safetensors *st, const char *key, double value,
                                               mlp_error *err);

/* Writes the tensors in the order added, atomically (io/atomic_file.h). */
mlp_status mlp_safetensors_write(const mlp_safetensors *st, const char *path, mlp_error *err);

/* Reads and validates a whole file: header length against the file size and the cap, JSON,
 * dtype names, shapes against offsets (with overflow checks), offsets inside the data section,
 * not overlapping and covering it without holes, metadata strings only, unique names. Every
 * fault is an MLP_ERR_FORMAT naming the file and the tensor. */
mlp_status mlp_safetensors_read(mlp_safetensors **st, const char *path, mlp_error *err);
/* The same from bytes in memory (copied); `name` stands for the file in messages. */
mlp_status mlp_safetensors_parse(mlp_safetensors **st, const void *bytes, size_t size,
                                 const char *name, mlp_error *err);

/* Tensors in file (or insertion) order. */
size_t mlp_safetensors_count(const mlp_safetensors *st);
const mlp_tensor_view *mlp_safetensors_tensor(const mlp_safetensors *st, size_t index);
/* NULL when absent. */
const mlp_tensor_view *mlp_safetensors_find(const mlp_safetensors *st, const char *name);

/* Copies tensor `name` into out (the product of shape elements of dtype). Fails, naming the file
 * and tensor, when it is missing or its dtype or shape (ndim dimensions) differs. */
mlp_status mlp_safetensors_get(const mlp_safetensors *st, const char *name, mlp_dtype dtype,
                               size_t ndim, const size_t *shape, void *out, mlp_error *err);
/* Like mlp_safetensors_get for float output, converting from F32, F64, F16 or BF16 (for weights
 * written by other tools). */
mlp_status mlp_safetensors_get_f32(const mlp_safetensors *st, const char *name, size_t ndim,
                                   const size_t *shape, float *out, mlp_error *err);

/* Metadata entries in order; NULL when absent. */
size_t mlp_safetensors_metadata_count(const mlp_safetensors *st);
void mlp_safetensors_metadata_at(const mlp_safetensors *st, size_t index, const char **key,
                                 const char **value);
const char *mlp_safetensors_metadata(const mlp_safetensors *st, const char *key);
/* Typed metadata: fails (naming file and key) when missing or not a number of that kind. */
mlp_status mlp_safetensors_get_metadata_u64(const mlp_safetensors *st, const char *key,
                                            uint64_t *value, mlp_error *err);
mlp_status mlp_safetensors_get_metadata_double(const mlp_safetensors *st, const char *key,
                                               double *value, mlp_error *err);

/* The file name given to read/parse ("" for an object being written). */
const char *mlp_safetensors_source(const mlp_safetensors *st);

#endif
