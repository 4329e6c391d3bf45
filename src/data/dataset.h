/* The inside of mlp_dataset, shared by the readers, label mapping, preparation and batches. */
#ifndef MLP_DATA_DATASET_H
#define MLP_DATA_DATASET_H

#include "mlp.h"

/* Sane limits: a header may promise no more than this, whatever the file size. */
#define DATA_MAX_SAMPLES ((size_t)INT32_MAX)
#define DATA_MAX_FEATURES ((size_t)1 << 24)
#define DATA_MAX_BYTES ((size_t)1 << 34)
#define DATA_MAX_CLASSES ((size_t)1 << 16)

struct mlp_dataset {
    char *source;
    const char *format; /* static string */
    size_t count, features;
    size_t rows, cols; /* image shape, 0 when unknown */
    uint8_t *bytes;    /* exactly one of bytes and floats is set */
    float *floats;
    bool borrowed;   /* bytes or floats belong to the caller (mlp_dataset_wrap) */
    int32_t *labels; /* NULL when unlabelled */
    size_t num_classes;
    char **class_names;
};

/* A zeroed data set that remembers its source string. */
mlp_status dataset_new(mlp_dataset **dataset, const char *source, mlp_error *err);

/* Size of one value in bytes (1 or 4) and the address of sample i's first value. */
size_t dataset_value_size(const mlp_dataset *dataset);

/* Converts sample i to float32 into out[features]. */
void dataset_row_to_float(const mlp_dataset *dataset, size_t i, float *out);

/* Checks count and features against the sane limits and their product (in value_size units)
 * against DATA_MAX_BYTES; *bytes gets the product. `file` and `what` name the culprit. */
mlp_status dataset_check_size(size_t count, size_t features, size_t value_size, const char *file,
                              const char *what, size_t *bytes, mlp_error *err);

/* Keeps the first `count` samples (count <= dataset->count). */
void dataset_truncate(mlp_dataset *dataset, size_t count);

/* Frees the class names array of n names. */
void dataset_free_names(char **names, size_t n);

#endif
