/* Folders of run outputs, the paths of the files in them, and reading such a file whole. */
#ifndef MLP_IO_FOLDERS_H
#define MLP_IO_FOLDERS_H

#include "mlp.h"

#include <limits.h>
#include <stddef.h>

/* mkdir -p: creates path and its missing parents; an existing folder is fine, an existing file of
 * that name is an error (MLP_ERR_IO, naming the path), and so is an empty path (MLP_ERR_ARGUMENT).
 */
mlp_status mlp_make_folders(const char *path, mlp_error *err);

/* out = "dir/name", in a buffer of PATH_MAX bytes. A path that does not fit is an
 * MLP_ERR_ARGUMENT naming it, never a silently shortened one. */
mlp_status mlp_path_join(char out[PATH_MAX], const char *dir, const char *name, mlp_error *err);

/* Reads the file at path whole into *text (malloc'ed, NUL-terminated; caller frees) and its
 * length into *size (size may be NULL). A file longer than max_bytes is an MLP_ERR_FORMAT; one
 * that cannot be opened or read an MLP_ERR_IO naming it and the reason. */
mlp_status mlp_read_file(const char *path, size_t max_bytes, char **text, size_t *size,
                         mlp_error *err);

#endif
