/* A structural check of MATLAB v5 files before libmatio reads them: libmatio trusts the sizes
 * in each variable's header (a dimensions tag claiming 128 MB makes it allocate that much), so
 * every top-level variable's header is checked first against the file and sane limits. */
#ifndef MLP_DATA_MAT_CHECK_H
#define MLP_DATA_MAT_CHECK_H

#include "mlp.h"

/* MLP_OK for a v7.3 file (HDF5, left to libmatio) or a v5 file whose top-level variable headers
 * are sane; otherwise (v4 and anything else included) an error naming the byte offset. */
mlp_status mat_v5_check(const char *path, mlp_error *err);

#endif
