/* Folders for run outputs. */
#ifndef MLP_IO_FOLDERS_H
#define MLP_IO_FOLDERS_H

#include "mlp.h"

/* mkdir -p: creates path and its missing parents; an existing folder is fine, an existing file of
 * that name is an error (MLP_ERR_IO, naming the path), and so is an empty path (MLP_ERR_ARGUMENT).
 */
mlp_status mlp_make_folders(const char *path, mlp_error *err);

#endif
