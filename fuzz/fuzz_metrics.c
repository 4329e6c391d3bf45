/* libFuzzer target for the metrics.csv parser (src/report/plot_metrics.c). */
#include "report/plot_metrics.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    metrics_table table;
    mlp_error err;
    if (metrics_parse(&table, (const char *)data, size, "fuzz.csv", &err) == MLP_OK)
        metrics_free(&table);
    return 0;
}
