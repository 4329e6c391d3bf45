#include "sweep/grid.h"

#include "util/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* More combinations than anyone runs; keeps the product of axis sizes far from overflow. */
#define MAX_COMBINATIONS 100000
/* Values on one axis; also bounds the quadratic check for repeated values. */
#define MAX_VALUES 1000
/* NAME_MAX on Linux and most file systems. */
#define MAX_NAME_BYTES 255

typedef struct {
    size_t num_keys;
    size_t num_values; /* tuples of num_keys values */
    char **keys;
    char **values; /* [num_values][num_keys] */
} axis;

struct mlp_sweep_grid {
    size_t num_axes;
    axis *axes;
    size_t num_keys;
    const char **keys; /* all keys, borrowed from the axes */
};

mlp_status mlp_sweep_grid_new(mlp_sweep_grid **grid, mlp_error *err) {
    *grid = mlp_calloc(1, sizeof **grid, err);
    return *grid ? mlp_ok(err) : MLP_ERR_MEMORY;
}

static void axis_clear(axis *a) {
    for (size_t i = 0; i < a->num_keys; i++)
        free(a->keys[i]);
    for (size_t i = 0; i < a->num_keys * a->num_values; i++)
        free(a->values[i]);
    free(a->keys);
    free(a->values);
}

void mlp_sweep_grid_free(mlp_sweep_grid *grid) {
    if (!grid) return;
    for (size_t i = 0; i < grid->num_axes; i++)
        axis_clear(&grid->axes[i]);
    free(grid->axes);
    free(grid->keys);
    free(grid);
}

static size_t count_char(const char *s, size_t n, char c) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

static bool is_key_char(char c) {
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Copies text[begin, end) without surrounding spaces; NULL when out of memory. */
static char *copy_trimmed(const char *text, size_t begin, size_t end) {
    while (begin < end && isspace((unsigned char)text[begin]))
        begin++;
    while (end > begin && isspace((unsigned char)text[end - 1]))
        end--;
    char *s = malloc(end - begin + 1);
    if (!s) return NULL;
    memcpy(s, text + begin, end - begin);
    s[end - begin] = '\0';
    return s;
}

/* Splits text[begin, end) at every `sep` into trimmed parts stored in out, which the caller has
 * sized by counting the separators. */
static mlp_status split_into(const char *text, size_t begin, size_t end, char sep, char **out,
                             mlp_error *err) {
    size_t part = 0, start = begin;
    for (size_t i = begin; i <= end; i++) {
        if (i < end && text[i] != sep) continue;
        out[part] = copy_trimmed(text, start, i);
        if (!out[part]) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory parsing a grid");
        part++;
        start = i + 1;
    }
    return mlp_ok(err);
}

static mlp_status check_key(const mlp_sweep_grid *grid, const axis *a, const char *text, size_t k,
                            mlp_error *err) {
    const char *key = a->keys[k];
    if (!key[0])
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "grid '%.80s': key %zu is empty (expected "
                        "section.key=v1,v2,...)",
                        text, k + 1);
    for (const char *c = key; *c; c++)
        if (!is_key_char(*c))
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "grid '%.80s': key '%s' has the character '%c' (keys are letters, "
                            "digits, '_', '-' and '.')",
                            text, key, *c);
    for (size_t j = 0; j < k; j++)
        if (strcmp(a->keys[j], key) == 0)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "grid '%.80s': key '%s' appears twice", text,
                            key);
    if (mlp_sweep_grid_has_key(grid, key))
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "grid '%.80s': key '%s' is already swept by another "
                        "--grid",
                        text, key);
    return mlp_ok(err);
}

static mlp_status check_value(const axis *a, const char *text, size_t v, mlp_error *err) {
    char **tuple = a->values + v * a->num_keys;
    for (size_t k = 0; k < a->num_keys; k++) {
        if (!tuple[k][0])
            return mlp_fail(err, MLP_ERR_ARGUMENT, "grid '%.80s': value %zu of key '%s' is empty",
                            text, v + 1, a->keys[k]);
        for (const char *c = tuple[k]; *c; c++)
            if (iscntrl((unsigned char)*c))
                return mlp_fail(err, MLP_ERR_ARGUMENT,
                                "grid '%.80s': value %zu of key '%s' has a control character", text,
                                v + 1, a->keys[k]);
    }
    for (size_t w = 0; w < v; w++) {
        char **other = a->values + w * a->num_keys;
        size_t same = 0;
        for (size_t k = 0; k < a->num_keys; k++)
            same += strcmp(other[k], tuple[k]) == 0;
        if (same == a->num_keys)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "grid '%.80s': values %zu and %zu are the same",
                            text, w + 1, v + 1);
    }
    return mlp_ok(err);
}

/* Parses text into a (zeroed) axis; on failure the axis holds what was allocated so far. */
static mlp_status parse_axis(const mlp_sweep_grid *grid, const char *text, axis *a,
                             mlp_error *err) {
    const char *eq = strchr(text, '=');
    if (!eq)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "grid '%.80s': no '=' (expected section.key=v1,v2,...)", text);
    size_t keys_end = (size_t)(eq - text), len = strlen(text);
    a->num_keys = count_char(text, keys_end, '+') + 1;
    a->keys = calloc(a->num_keys, sizeof *a->keys);
    if (!a->keys) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory parsing a grid");
    MLP_TRY(split_into(text, 0, keys_end, '+', a->keys, err));
    for (size_t k = 0; k < a->num_keys; k++)
        MLP_TRY(check_key(grid, a, text, k, err));

    size_t values_begin = keys_end + 1;
    size_t num_values = count_char(text + values_begin, len - values_begin, ',') + 1;
    if (num_values > MAX_VALUES)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "grid '%.80s': more than %d values", text,
                        MAX_VALUES);
    a->values = calloc(num_values * a->num_keys, sizeof *a->values);
    if (!a->values) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory parsing a grid");
    size_t start = values_begin;
    for (size_t i = values_begin; i <= len; i++) {
        if (i < len && text[i] != ',') continue;
        size_t parts = count_char(text + start, i - start, '+') + 1;
        if (a->num_keys > 1 && parts != a->num_keys)
            return mlp_fail(
                err, MLP_ERR_ARGUMENT,
                "grid '%.80s': value %zu at byte %zu has %zu parts joined by '+' for %zu "
                "keys",
                text, a->num_values + 1, start, parts, a->num_keys);
        char sep = a->num_keys > 1 ? '+' : '\0'; /* one key: a '+' belongs to the value (1e+3) */
        MLP_TRY(split_into(text, start, i, sep, a->values + a->num_values * a->num_keys, err));
        a->num_values++;
        MLP_TRY(check_value(a, text, a->num_values - 1, err));
        start = i + 1;
    }
    return mlp_ok(err);
}

mlp_status mlp_sweep_grid_add_axis(mlp_sweep_grid *grid, const char *text, mlp_error *err) {
    axis a = {0};
    mlp_status status = parse_axis(grid, text, &a, err);
    size_t combinations = mlp_sweep_grid_num_combinations(grid);
    if (status == MLP_OK && combinations * a.num_values > MAX_COMBINATIONS)
        status = mlp_fail(err, MLP_ERR_ARGUMENT,
                          "grid '%.80s': the grid would have more than %d "
                          "combinations",
                          text, MAX_COMBINATIONS);
    axis *axes = NULL;
    const char **keys = NULL;
    if (status == MLP_OK) {
        axes = realloc(grid->axes, (grid->num_axes + 1) * sizeof *axes);
        if (axes) grid->axes = axes;
        keys = realloc(grid->keys, (grid->num_keys + a.num_keys) * sizeof *keys);
        if (keys) grid->keys = keys;
        if (!axes || !keys) status = mlp_fail(err, MLP_ERR_MEMORY, "out of memory parsing a grid");
    }
    if (status != MLP_OK) {
        axis_clear(&a);
        return status;
    }
    grid->axes[grid->num_axes++] = a;
    for (size_t k = 0; k < a.num_keys; k++)
        grid->keys[grid->num_keys++] = a.keys[k];
    return mlp_ok(err);
}

size_t mlp_sweep_grid_num_combinations(const mlp_sweep_grid *grid) {
    size_t n = 1;
    for (size_t i = 0; i < grid->num_axes; i++)
        n *= grid->axes[i].num_values;
    return n;
}

size_t mlp_sweep_grid_num_keys(const mlp_sweep_grid *grid) {
    return grid->num_keys;
}

const char *mlp_sweep_grid_key(const mlp_sweep_grid *grid, size_t key) {
    return grid->keys[key];
}

bool mlp_sweep_grid_has_key(const mlp_sweep_grid *grid, const char *key) {
    for (size_t k = 0; k < grid->num_keys; k++)
        if (strcmp(grid->keys[k], key) == 0) return true;
    return false;
}

const char *mlp_sweep_grid_value(const mlp_sweep_grid *grid, size_t combination, size_t key) {
    /* Digits of `combination` in the mixed radix of the axis sizes, last axis fastest. */
    size_t first_key = grid->num_keys;
    for (size_t i = grid->num_axes; i-- > 0;) {
        const axis *a = &grid->axes[i];
        first_key -= a->num_keys;
        size_t digit = combination % a->num_values;
        combination /= a->num_values;
        if (key >= first_key) return a->values[digit * a->num_keys + (key - first_key)];
    }
    return NULL;
}

mlp_status mlp_sweep_grid_name(const mlp_sweep_grid *grid, size_t combination, char **name,
                               mlp_error *err) {
    char buffer[MAX_NAME_BYTES + 1];
    size_t used = 0;
    bool too_long = false;
#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (used < MAX_NAME_BYTES)                                                                 \
            buffer[used++] = (c);                                                                  \
        else                                                                                       \
            too_long = true;                                                                       \
    } while (0)
    if (grid->num_keys == 0)
        for (const char *c = "base"; *c; c++)
            PUT(*c);
    for (size_t k = 0; k < grid->num_keys; k++) {
        if (k > 0) PUT(',');
        for (const char *c = grid->keys[k]; *c; c++)
            PUT(*c);
        PUT('=');
        for (const char *c = mlp_sweep_grid_value(grid, combination, k); *c; c++) {
            if (*c == '/' || *c == '%') {
                static const char hex[] = "0123456789ABCDEF";
                PUT('%');
                PUT(hex[(unsigned char)*c >> 4]);
                PUT(hex[(unsigned char)*c & 15]);
            } else {
                PUT(*c);
            }
        }
    }
#undef PUT
    if (too_long)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "combination %zu: its folder name would be longer "
                        "than %d bytes; sweep fewer keys or shorter values",
                        combination + 1, MAX_NAME_BYTES);
    *name = malloc(used + 1);
    if (!*name) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory naming a combination");
    memcpy(*name, buffer, used);
    (*name)[used] = '\0';
    return mlp_ok(err);
}
