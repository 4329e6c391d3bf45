/* A structural check of MATLAB v5 files before libmatio reads them: libmatio trusts the sizes
 * in each variable's header (a dimensions tag claiming 128 MB makes it allocate that much; a cell
 * array's dimensions, a pointer per cell), so every variable's header, and every cell and field
 * of cell arrays and structs at any depth, is checked first against the bytes that hold it. */
#ifndef MLP_DATA_MAT_CHECK_H
#define MLP_DATA_MAT_CHECK_H

#include "mlp.h"

#include <stdint.h>

/* MLP_OK for a v7.3 file (HDF5, left to libmatio) or a v5 file whose top-level variable headers
 * are sane; otherwise (v4 and anything else included) an error naming the byte offset.
 * *file_size: the file's size (set once the file is open). */
mlp_status mat_v5_check(const char *path, uint64_t *file_size, mlp_error *err);

#endif
