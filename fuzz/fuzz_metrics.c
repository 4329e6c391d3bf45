/* libFuzzer target for the metrics.csv parser (src/io/metrics_log.c). */
#include "io/metrics_log.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mlp_metrics_row *rows;
    size_t count;
    mlp_error err;
    if (mlp_metrics_parse((const char *)data, size, "fuzz.csv", &rows, &count, &err) == MLP_OK)
        free(rows);
    return 0;
}
