#include "io/folders.h"

#include "util/error.h"

#include <errno.h>
#include <stdbool.h>
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
