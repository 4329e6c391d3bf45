#include "util/error.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *mlp_status_string(mlp_status status) {
    switch (status) {
    case MLP_OK:
        return "ok";
    case MLP_ERR_ARGUMENT:
        return "invalid argument";
    case MLP_ERR_MEMORY:
        return "out of memory";
    case MLP_ERR_IO:
        return "input/output error";
    case MLP_ERR_FORMAT:
        return "format error";
    case MLP_ERR_NUMERIC:
        return "numeric error";
    case MLP_ERR_STATE:
        return "invalid state";
    case MLP_ERR_UNSUPPORTED:
        return "unsupported";
    case MLP_ERR_INTERRUPTED:
        return "interrupted";
    }
    return "unknown status";
}

mlp_status mlp_fail(mlp_error *err, mlp_status status, const char *format, ...) {
    if (err) {
        err->status = status;
        va_list args;
        va_start(args, format);
        vsnprintf(err->message, sizeof err->message, format, args);
        va_end(args);
    }
    return status;
}

mlp_status mlp_ok(mlp_error *err) {
    if (err) {
        err->status = MLP_OK;
        err->message[0] = '\0';
    }
    return MLP_OK;
}

bool mlp_mul_overflows(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a) return true;
    *out = a * b;
    return false;
}

/* Sets *bytes = count * size, or reports the overflow through err and returns false. */
static bool allocation_size(size_t count, size_t size, size_t *bytes, mlp_error *err) {
    if (!mlp_mul_overflows(count, size, bytes)) return true;
    mlp_fail(err, MLP_ERR_MEMORY, "allocation of %zu x %zu bytes overflows", count, size);
    return false;
}

void *mlp_calloc(size_t count, size_t size, mlp_error *err) {
    size_t bytes;
    if (!allocation_size(count, size, &bytes, err)) return NULL;
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) mlp_fail(err, MLP_ERR_MEMORY, "out of memory allocating %zu bytes", bytes);
    return p;
}

void *mlp_calloc_lines(size_t count, size_t size, mlp_error *err) {
    size_t bytes;
    void *p = NULL;
    if (!allocation_size(count, size, &bytes, err)) return NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 1) != 0) {
        mlp_fail(err, MLP_ERR_MEMORY, "out of memory allocating %zu bytes", bytes);
        return NULL;
    }
    return memset(p, 0, bytes);
}
