/* mlp data SOURCE...: loads each data source as training would and describes it: format, sample
 * count, feature shape, storage and memory, value range, classes with their counts. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mlp data SOURCE...\n"
    "Reads each data source the way training does and prints what it found.\n"
    "SOURCE is FILE[,FILE2][,key=value...], e.g.\n"
    "  train-images-idx3-ubyte.gz,train-labels-idx1-ubyte.gz\n"
    "  train.csv,label=label     test.csv,label=none     letters.mat,x=train_x,y=train_y\n"
    "options: format=idx|csv|mat label=NAME|INDEX|none header=yes|no|auto x=VAR y=VAR|none\n"
    "         samples=rows|cols shape=RxC transpose=yes limit=N classes=A+B+...\n"
    "(see docs/data.md)\n";

static void value_range(const mlp_dataset *d, double *lo, double *hi) {
    size_t n = mlp_dataset_count(d) * mlp_dataset_features(d);
    const uint8_t *bytes = mlp_dataset_bytes(d);
    const float *floats = mlp_dataset_floats(d);
    *lo = bytes ? bytes[0] : floats[0];
    *hi = *lo;
    for (size_t i = 0; i < n; i++) {
        double v = bytes ? bytes[i] : floats[i];
        if (v < *lo) *lo = v;
        if (v > *hi) *hi = v;
    }
}

static void describe(const mlp_dataset *d) {
    size_t rows, cols, n = mlp_dataset_count(d);
    double lo, hi;
    printf("%s\n", mlp_dataset_source(d));
    printf("  format:   %s\n", mlp_dataset_format(d));
    printf("  samples:  %zu\n", n);
    if (mlp_dataset_image_shape(d, &rows, &cols))
        printf("  features: %zu (images %zu x %zu)\n", mlp_dataset_features(d), rows, cols);
    else
        printf("  features: %zu\n", mlp_dataset_features(d));
    printf("  storage:  %s, %zu bytes in memory\n", mlp_dataset_bytes(d) ? "uint8" : "float32",
           mlp_dataset_memory(d));
    value_range(d, &lo, &hi);
    printf("  values:   %g .. %g\n", lo, hi);
    const int32_t *labels = mlp_dataset_labels(d);
    size_t k = mlp_dataset_num_classes(d);
    if (!labels) {
        printf("  labels:   none\n");
        return;
    }
    size_t *counts = calloc(k ? k : 1, sizeof *counts);
    if (!counts) return;
    for (size_t i = 0; i < n; i++)
        counts[labels[i]]++;
    printf("  classes:  %zu (class: label name, count)\n", k);
    for (size_t c = 0; c < k; c++)
        printf("    %4zu: %-12s %zu\n", c, mlp_dataset_class_name(d, c), counts[c]);
    free(counts);
}

int cmd_data(int argc, char **argv) {
    cli_texts sources = {0};
    int status = cli_parse("data", usage, argc, argv, NULL, 0, &sources);
    if (status == EXIT_OK && sources.count == 0) {
        fputs(usage, stderr);
        status = EXIT_USAGE;
    }
    for (size_t i = 0; status != CLI_HELP && status != EXIT_USAGE && i < sources.count; i++) {
        mlp_dataset *d;
        mlp_error err;
        if (mlp_dataset_load(&d, sources.items[i], &err) != MLP_OK) {
            status = cli_fail("data", &err);
            continue;
        }
        describe(d);
        mlp_dataset_free(d);
    }
    free(sources.items);
    return status == CLI_HELP ? EXIT_OK : status;
}
