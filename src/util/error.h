/* Internal helpers for reporting errors through mlp_error and for sizes that must not overflow. */
#ifndef MLP_UTIL_ERROR_H
#define MLP_UTIL_ERROR_H

#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>

/* Fills err (if not NULL) with status and a printf-style message; returns status so callers can
 * write `return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %zu: bad magic", path, offset);`. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
mlp_status
mlp_fail(mlp_error *err, mlp_status status, const char *format, ...);

/* Marks err as success (status MLP_OK, empty message) and returns MLP_OK. */
mlp_status mlp_ok(mlp_error *err);

/* *out = a * b; false (and *out untouched) if the product overflows size_t. */
bool mlp_mul_overflows(size_t a, size_t b, size_t *out);

/* calloc of count * size bytes that reports overflow and exhaustion through err. */
void *mlp_calloc(size_t count, size_t size, mlp_error *err);

/* mlp_calloc aligned to a cache line (64 bytes; release with free): for the arrays the threads
 * write in blocks (a layer's outputs by columns, the weights and their optimizer state by rows), so
 * that blocks whose edges fall on a multiple of 64 bytes share no line. calloc aligns to 16 only:
 * two threads writing either side of a block edge then make the line move between their cores at
 * every row. */
void *mlp_calloc_lines(size_t count, size_t size, mlp_error *err);

/* Propagates a failed status: `MLP_TRY(mlp_net_new(&net, &spec, err));`. */
#define MLP_TRY(expr)                                                                              \
    do {                                                                                           \
        mlp_status try_status_ = (expr);                                                           \
        if (try_status_ != MLP_OK) return try_status_;                                             \
    } while (0)

#endif
