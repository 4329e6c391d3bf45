#include "idx_gz.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static int read_exactly(gzFile file, void *buffer, size_t n) {
    unsigned char *out = buffer;
    while (n > 0) {
        unsigned chunk = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        int got = gzread(file, out, chunk);
        if (got <= 0) return -1;
        out += got;
        n -= (size_t)got;
    }
    return 0;
}

uint8_t *idx_gz_read(const char *path, size_t *count, size_t *row) {
    gzFile file = gzopen(path, "rb");
    if (!file) {
        fprintf(stderr, "%s: cannot open\n", path);
        return NULL;
    }
    unsigned char header[4], size_bytes[4];
    uint8_t *values = NULL;
    if (read_exactly(file, header, 4) != 0 || header[0] || header[1] || header[2] != 0x08 ||
        header[3] < 1 || header[3] > 4) {
        fprintf(stderr, "%s: not an IDX file of unsigned bytes\n", path);
        goto done;
    }
    size_t total = 1;
    for (int d = 0; d < header[3]; d++) {
        if (read_exactly(file, size_bytes, 4) != 0) {
            fprintf(stderr, "%s: truncated header\n", path);
            goto done;
        }
        size_t size = (size_t)size_bytes[0] << 24 | (size_t)size_bytes[1] << 16 |
                      (size_t)size_bytes[2] << 8 | size_bytes[3];
        if (d == 0) *count = size;
        total *= size; /* at most 4 sizes below 2^32 each: checked against the data below */
        if (total > ((size_t)1 << 34)) {
            fprintf(stderr, "%s: dimensions too large\n", path);
            goto done;
        }
    }
    *row = *count ? total / *count : 0;
    values = malloc(total ? total : 1);
    if (!values || read_exactly(file, values, total) != 0) {
        fprintf(stderr, "%s: truncated data (or out of memory)\n", path);
        free(values);
        values = NULL;
    }
done:
    gzclose(file);
    return values;
}
