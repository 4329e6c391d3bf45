/* libFuzzer target for the safetensors reader: any bytes must give either a valid object whose
 * every tensor can be read, or a format error; never a crash, leak or out-of-bounds read. */
#include "io/safetensors.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mlp_error err;
    mlp_safetensors *st;
    if (mlp_safetensors_parse(&st, data, size, "fuzz.safetensors", &err) != MLP_OK) return 0;
    for (size_t i = 0; i < mlp_safetensors_count(st); i++) {
        const mlp_tensor_view *t = mlp_safetensors_tensor(st, i);
        void *out = malloc(t->num_bytes ? t->num_bytes : 1);
        float *floats = calloc(t->count ? t->count : 1, sizeof(float));
        if (out && floats) {
            mlp_safetensors_get(st, t->name, t->dtype, t->ndim, t->shape, out, &err);
            mlp_safetensors_get_f32(st, t->name, t->ndim, t->shape, floats, &err);
        }
        free(out);
        free(floats);
    }
    for (size_t i = 0; i < mlp_safetensors_metadata_count(st); i++) {
        const char *key, *value;
        mlp_safetensors_metadata_at(st, i, &key, &value);
        uint64_t u;
        mlp_safetensors_get_metadata_u64(st, key, &u, &err);
    }
    mlp_safetensors_free(st);
    return 0;
}
