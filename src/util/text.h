/* A growing NUL-terminated text built with printf-style appends, for reports and generated
 * files. An allocation failure is remembered and reported once, by mlp_text_finish. */
#ifndef MLP_UTIL_TEXT_H
#define MLP_UTIL_TEXT_H

#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *text; /* NULL until the first append */
    size_t length, capacity;
    bool failed;
} mlp_text;

/* Appends formatted text (start from `mlp_text t = {0};`). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void mlp_text_append(mlp_text *t, const char *format, ...);

/* Hands over the text (caller frees; "" when nothing was appended), or frees it and returns NULL
 * with err set when an append ran out of memory. */
char *mlp_text_finish(mlp_text *t, mlp_error *err);

/* A malloc'ed copy of s (caller frees), or NULL with err set when out of memory. */
char *mlp_copy_string(const char *s, mlp_error *err);

/* s without its leading and trailing white space: the end is cut in place. */
char *mlp_trim(char *s);

#endif
