/* An ordered list of string pairs with unique keys: the metadata of safetensors files and of
 * models. Setting a present key replaces its value in place; a new key goes to the end. Keys and
 * values are copied. */
#ifndef MLP_UTIL_KV_H
#define MLP_UTIL_KV_H

#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char **keys, **values; /* count entries each, read them directly */
    size_t count, capacity;
} mlp_kv;

/* Frees every entry; kv is then empty (and reusable). Start from `mlp_kv kv = {0};`. */
void mlp_kv_clear(mlp_kv *kv);
mlp_status mlp_kv_set(mlp_kv *kv, const char *key, const char *value, mlp_error *err);
/* NULL when absent. */
const char *mlp_kv_get(const mlp_kv *kv, const char *key);
/* Removes key, keeping the others' order; false when it was absent. */
bool mlp_kv_remove(mlp_kv *kv, const char *key);

#endif
