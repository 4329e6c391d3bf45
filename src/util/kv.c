/* Ordered string pairs with unique keys. A linear search: metadata has tens of entries. */
#include "util/kv.h"

#include "util/error.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

static ptrdiff_t find(const mlp_kv *kv, const char *key) {
    for (size_t i = 0; i < kv->count; i++)
        if (strcmp(kv->keys[i], key) == 0) return (ptrdiff_t)i;
    return -1;
}

void mlp_kv_clear(mlp_kv *kv) {
    for (size_t i = 0; i < kv->count; i++) {
        free(kv->keys[i]);
        free(kv->values[i]);
    }
    free(kv->keys);
    free(kv->values);
    *kv = (mlp_kv){0};
}

mlp_status mlp_kv_set(mlp_kv *kv, const char *key, const char *value, mlp_error *err) {
    char *value_copy = mlp_copy_string(value, err);
    if (!value_copy) return MLP_ERR_MEMORY;
    ptrdiff_t i = find(kv, key);
    if (i >= 0) {
        free(kv->values[i]);
        kv->values[i] = value_copy;
        return mlp_ok(err);
    }
    if (kv->count == kv->capacity) {
        size_t capacity = kv->capacity ? 2 * kv->capacity : 16;
        char **keys = realloc(kv->keys, capacity * sizeof *keys);
        if (keys) kv->keys = keys;
        char **values = keys ? realloc(kv->values, capacity * sizeof *values) : NULL;
        if (values) kv->values = values;
        if (!values) {
            free(value_copy);
            return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for metadata");
        }
        kv->capacity = capacity;
    }
    char *key_copy = mlp_copy_string(key, err);
    if (!key_copy) {
        free(value_copy);
        return MLP_ERR_MEMORY;
    }
    kv->keys[kv->count] = key_copy;
    kv->values[kv->count] = value_copy;
    kv->count++;
    return mlp_ok(err);
}

const char *mlp_kv_get(const mlp_kv *kv, const char *key) {
    ptrdiff_t i = find(kv, key);
    return i >= 0 ? kv->values[i] : NULL;
}

bool mlp_kv_remove(mlp_kv *kv, const char *key) {
    ptrdiff_t i = find(kv, key);
    if (i < 0) return false;
    free(kv->keys[i]);
    free(kv->values[i]);
    size_t after = kv->count - (size_t)i - 1;
    memmove(kv->keys + i, kv->keys + i + 1, after * sizeof *kv->keys);
    memmove(kv->values + i, kv->values + i + 1, after * sizeof *kv->values);
    kv->count--;
    return true;
}
