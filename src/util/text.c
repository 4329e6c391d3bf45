#include "util/text.h"

#include "util/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mlp_text_append(mlp_text *t, const char *format, ...) {
    if (t->failed) return;
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (n < 0)
        t->failed = true;
    else if (t->length + (size_t)n + 1 > t->capacity) {
        size_t capacity = 2 * (t->length + (size_t)n + 1) + 256;
        char *bigger = realloc(t->text, capacity);
        if (!bigger)
            t->failed = true;
        else {
            t->text = bigger;
            t->capacity = capacity;
        }
    }
    if (!t->failed) {
        vsnprintf(t->text + t->length, t->capacity - t->length, format, args);
        t->length += (size_t)n;
    }
    va_end(args);
}

char *mlp_text_finish(mlp_text *t, mlp_error *err) {
    if (!t->failed && !t->text) t->text = calloc(1, 1);
    if (t->failed || !t->text) {
        free(t->text);
        *t = (mlp_text){0};
        mlp_fail(err, MLP_ERR_MEMORY, "out of memory building text");
        return NULL;
    }
    char *text = t->text;
    *t = (mlp_text){0};
    return text;
}

char *mlp_copy_string(const char *s, mlp_error *err) {
    char *copy = strdup(s);
    if (!copy)
        mlp_fail(err, MLP_ERR_MEMORY, "out of memory copying a string of %zu bytes", strlen(s));
    return copy;
}

char *mlp_trim(char *s) {
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}
