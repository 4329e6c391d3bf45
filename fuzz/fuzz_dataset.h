/* Shared body of the data-reader fuzz targets: the input is put in a file and loaded through
 * mlp_dataset_load with each of a few source forms ("%s" is the file), as the command loads a
 * path. Every failure must come back as an error (no crash, no leak), and the size checks keep
 * allocations within a small multiple of the input.
 *
 * The file is an anonymous in-memory file (memfd) made once per process and reached as
 * /proc/self/fd/N: rewriting it costs two system calls per input, where creating and unlinking
 * a file in /tmp cost a filesystem inode each time (a fifth of fuzz_csv's time). */
#ifndef MLP_FUZZ_DATASET_H
#define MLP_FUZZ_DATASET_H

#define _GNU_SOURCE /* memfd_create */
#include "mlp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int fuzz_load_forms(const uint8_t *data, size_t size, const char *name,
                           const char *const *forms, size_t num_forms) {
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create(name, 0);
        if (fd < 0) abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) abort();
    char source[256];
    for (size_t i = 0; i < num_forms; i++) {
        snprintf(source, sizeof source, forms[i], path, path);
        mlp_dataset *d = NULL;
        mlp_error err;
        if (mlp_dataset_load(&d, source, &err) == MLP_OK && !d) abort();
        mlp_dataset_free(d);
    }
    return 0;
}

#endif
