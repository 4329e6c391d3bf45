/* Shared body of the data-reader fuzz targets: the input is written to a file and loaded through
 * mlp_dataset_load with each of a few source forms ("%s" is the file). Every failure must come
 * back as an error (no crash, no leak), and the size checks keep allocations within a small
 * multiple of the input. */
#ifndef MLP_FUZZ_DATASET_H
#define MLP_FUZZ_DATASET_H

#include "mlp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fuzz_load_forms(const uint8_t *data, size_t size, const char *name,
                           const char *const *forms, size_t num_forms) {
    char path[64], source[256];
    snprintf(path, sizeof path, "/tmp/%s.%d", name, (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    for (size_t i = 0; i < num_forms; i++) {
        snprintf(source, sizeof source, forms[i], path, path);
        mlp_dataset *d = NULL;
        mlp_error err;
        if (mlp_dataset_load(&d, source, &err) == MLP_OK && !d) abort();
        mlp_dataset_free(d);
    }
    unlink(path);
    return 0;
}

#endif
