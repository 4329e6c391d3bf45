/* libFuzzer target for the IDX reader: the input is written to a file and loaded through
 * mlp_dataset_load with a few option sets. Every failure must come back as an error (no crash,
 * no leak), and the size checks keep allocations within a small multiple of the input. */
#include "mlp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64], source[256];
    snprintf(path, sizeof path, "/tmp/fuzz_idx.%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    static const char *const forms[] = {"%s,format=idx", "%s,%s,format=idx",
                                        "%s,format=idx,limit=1"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        snprintf(source, sizeof source, forms[i], path, path);
        mlp_dataset *d = NULL;
        mlp_error err;
        if (mlp_dataset_load(&d, source, &err) == MLP_OK && !d) abort();
        mlp_dataset_free(d);
    }
    unlink(path);
    return 0;
}
