#include "io/folders.h"

#include "util/error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

mlp_status mlp_make_folders(const char *path, mlp_error *err) {
    if (!path || !*path) return mlp_fail(err, MLP_ERR_ARGUMENT, "the folder name is empty");
    char *copy = strdup(path);
    if (!copy) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory creating %s", path);
    mlp_status status = MLP_OK;
    /* Each prefix that ends at a '/' (past the first character: "/" itself exists), then the
     * whole path. */
    for (char *p = copy + 1; status == MLP_OK; p++) {
        bool end = *p == '\0';
        if (!end && *p != '/') continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST)
            status = mlp_fail(err, MLP_ERR_IO, "%s: cannot create the folder: %s", copy,
                              strerror(errno));
        if (end) break;
        *p = '/';
    }
    struct stat st;
    if (status == MLP_OK && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
        status = mlp_fail(err, MLP_ERR_IO, "%s: exists and is not a folder", path);
    free(copy);
    return status == MLP_OK ? mlp_ok(err) : status;
}

mlp_status mlp_path_join(char out[PATH_MAX], const char *dir, const char *name, mlp_error *err) {
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
    if (n < 0 || n >= PATH_MAX) {
        out[0] = '\0';
        /* Only the start of a very long folder name, so that the reason fits the message. */
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%.200s%s/%.200s: the path is longer than %d bytes",
                        dir, strlen(dir) > 200 ? "..." : "", name, PATH_MAX - 1);
    }
    return mlp_ok(err);
}

mlp_status mlp_read_file(const char *path, size_t max_bytes, char **text, size_t *size,
                         mlp_error *err) {
    *text = NULL;
    if (size) *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    /* Grows by doubling from 64 KiB, so a small file costs a small buffer. */
    size_t capacity = max_bytes < ((size_t)1 << 16) ? max_bytes : (size_t)1 << 16, n = 0;
    char *buffer = malloc(capacity + 1);
    mlp_status status = buffer ? MLP_OK : mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", path);
    while (status == MLP_OK) {
        n += fread(buffer + n, 1, capacity + 1 - n, f);
        if (ferror(f)) {
            status = mlp_fail(err, MLP_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
        } else if (n > max_bytes) {
            status = mlp_fail(err, MLP_ERR_FORMAT, "%s: larger than %zu bytes", path, max_bytes);
        } else if (feof(f)) {
            break;
        } else { /* the buffer is full: grow it, up to max_bytes */
            size_t grown = capacity > max_bytes / 2 ? max_bytes : 2 * capacity;
            char *bigger = realloc(buffer, grown + 1);
            if (!bigger)
                status = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", path);
            else {
                buffer = bigger;
                capacity = grown;
            }
        }
    }
    fclose(f);
    if (status != MLP_OK) {
        free(buffer);
        return status;
    }
    buffer[n] = '\0';
    *text = buffer;
    if (size) *size = n;
    return mlp_ok(err);
}
