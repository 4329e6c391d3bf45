/* libFuzzer target for the reader of a tune folder's results.json (src/report/plot_tune.c). */
#include "report/plot_tune.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    plot_tune_info info;
    mlp_error err;
    if (plot_tune_parse(text, "fuzz.json", &info, &err) == MLP_OK) plot_tune_info_free(&info);
    free(text);
    return 0;
}
