/* The search space file of `mlp tune` (see space.h). */
#include "tune/space.h"

#include "io/folders.h"
#include "io/config_file.h"
#include "train/train_config.h"
#include "util/error.h"
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A space file is a few lines; anything this large is not one. */
#define MAX_SPACE_BYTES ((size_t)1 << 20)
#define MAX_VALUES 1000

typedef enum { KIND_CHOICE, KIND_UNIFORM, KIND_LOG_UNIFORM, KIND_INT_UNIFORM } kind;

typedef struct {
    char *key;
    kind kind;
    size_t line;
    char **values; /* choice: the values as the config takes them; ranges: lo and hi */
    size_t num_values;
    double lo, hi; /* ranges */
} entry;

struct mlp_tune_space {
    char *name;
    entry *entries;
    size_t count;
};

static void free_entry(entry *e) {
    for (size_t i = 0; i < e->num_values; i++)
        free(e->values[i]);
    free(e->values);
    free(e->key);
}

void mlp_tune_space_free(mlp_tune_space *space) {
    if (!space) return;
    for (size_t i = 0; i < space->count; i++)
        free_entry(&space->entries[i]);
    free(space->entries);
    free(space->name);
    free(space);
}

size_t mlp_tune_space_num_keys(const mlp_tune_space *space) {
    return space->count;
}
const char *mlp_tune_space_key(const mlp_tune_space *space, size_t k) {
    return space->entries[k].key;
}

static const mlp_ini_key *schema_key(const char *name) {
    const mlp_ini_schema *schema = mlp_train_schema();
    for (size_t i = 0; i < schema->num_keys; i++) {
        const mlp_ini_key *k = &schema->keys[i];
        size_t n = strlen(k->section);
        if (n == 0 ? strcmp(name, k->key) == 0
                   : strncmp(name, k->section, n) == 0 && name[n] == '.' &&
                         strcmp(name + n + 1, k->key) == 0)
            return k;
    }
    return NULL;
}

static bool is_list(mlp_ini_type type) {
    return type == MLP_INI_INT_LIST || type == MLP_INI_FLOAT_LIST || type == MLP_INI_STRING_LIST;
}

/* Appends a copy of text to e->values. */
static mlp_status add_value(entry *e, const char *text, mlp_error *err) {
    if (e->num_values >= MAX_VALUES)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "more than %d values", MAX_VALUES);
    char **values = realloc(e->values, (e->num_values + 1) * sizeof *values);
    if (!values) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    e->values = values;
    if (!(e->values[e->num_values] = strdup(text)))
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    e->num_values++;
    return MLP_OK;
}

/* "key=value" applied to a scratch config of the schema: the value's type check. */
static mlp_status check_type(const char *key, const char *value, mlp_error *err) {
    mlp_ini *ini = NULL;
    MLP_TRY(mlp_ini_new(&ini, mlp_train_schema(), err));
    size_t n = strlen(key) + strlen(value) + 2;
    char *setting = malloc(n);
    mlp_status st = setting ? MLP_OK : mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    if (st == MLP_OK) {
        snprintf(setting, n, "%s=%s", key, value);
        st = mlp_ini_set(ini, setting, err);
    }
    free(setting);
    mlp_ini_free(ini);
    return st;
}

static mlp_status parse_number(const char *text, bool integer, double *value, mlp_error *err) {
    char *end = NULL;
    errno = 0;
    if (integer) {
        long long v = strtoll(text, &end, 10);
        *value = (double)v;
        if (*text && !*end && errno == 0 && v > -(1LL << 52) && v < (1LL << 52)) return MLP_OK;
        return mlp_fail(err, MLP_ERR_ARGUMENT, "'%s' is not a whole number (below 2^52)", text);
    }
    *value = strtod(text, &end);
    if (*text && !*end && errno == 0 && isfinite(*value)) return MLP_OK;
    return mlp_fail(err, MLP_ERR_ARGUMENT, "'%s' is not a finite number", text);
}

/* Parses "func(a, b, ...)" for the key of e. */
static mlp_status parse_entry(entry *e, char *rhs, mlp_error *err) {
    const mlp_ini_key *k = schema_key(e->key);
    if (!k) return mlp_fail(err, MLP_ERR_ARGUMENT, "unknown config key '%s'", e->key);
    char *open = strchr(rhs, '(');
    size_t n = strlen(rhs);
    if (!open || n == 0 || rhs[n - 1] != ')')
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "expected choice(...), uniform(lo, hi), log_uniform(lo, hi) or "
                        "int_uniform(lo, hi) after '='");
    *open = '\0';
    rhs[n - 1] = '\0';
    const char *func = mlp_trim(rhs);
    if (strcmp(func, "choice") == 0)
        e->kind = KIND_CHOICE;
    else if (strcmp(func, "uniform") == 0)
        e->kind = KIND_UNIFORM;
    else if (strcmp(func, "log_uniform") == 0)
        e->kind = KIND_LOG_UNIFORM;
    else if (strcmp(func, "int_uniform") == 0)
        e->kind = KIND_INT_UNIFORM;
    else
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "unknown function '%s' (choice, uniform, log_uniform, int_uniform)", func);
    char *args = open + 1;
    if (strchr(args, '(') || strchr(args, ')'))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "unbalanced parentheses");
    /* Split on ','; every item trimmed and non-empty. */
    for (char *item = args;;) {
        char *comma = strchr(item, ',');
        if (comma) *comma = '\0';
        char *value = mlp_trim(item);
        if (!*value) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s(): an empty value", func);
        if (e->kind == KIND_CHOICE && is_list(k->type))
            for (char *c = value; *c; c++)
                if (*c == ':') *c = ',';
        MLP_TRY(add_value(e, value, err));
        if (!comma) break;
        item = comma + 1;
    }
    if (e->kind == KIND_CHOICE) {
        for (size_t i = 0; i < e->num_values; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(e->values[i], e->values[j]) == 0)
                    return mlp_fail(err, MLP_ERR_ARGUMENT, "choice(): '%s' is given twice",
                                    e->values[i]);
        for (size_t i = 0; i < e->num_values; i++)
            MLP_TRY(check_type(e->key, e->values[i], err));
        return MLP_OK;
    }
    bool integer = e->kind == KIND_INT_UNIFORM;
    if (e->num_values != 2)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s() takes two values (lo, hi), not %zu", func,
                        e->num_values);
    if (integer ? k->type != MLP_INI_INT && k->type != MLP_INI_INT_LIST : k->type != MLP_INI_FLOAT)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s() needs %s key; '%s' is not one", func,
                        integer ? "an integer" : "a number (float)", e->key);
    MLP_TRY(parse_number(e->values[0], integer, &e->lo, err));
    MLP_TRY(parse_number(e->values[1], integer, &e->hi, err));
    if (integer ? e->lo > e->hi : !(e->lo < e->hi))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s(): lo (%s) must be %s hi (%s)", func,
                        e->values[0], integer ? "at most" : "below", e->values[1]);
    if (e->kind == KIND_LOG_UNIFORM && !(e->lo > 0))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "log_uniform(): lo (%s) must be above 0",
                        e->values[0]);
    if (integer && e->hi - e->lo >= 4294967295.0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "int_uniform(): the range is too wide");
    for (size_t i = 0; i < 2; i++)
        MLP_TRY(check_type(e->key, e->values[i], err));
    return MLP_OK;
}

/* Parses one non-blank, non-comment line into space->entries[space->count]. */
static mlp_status parse_line(mlp_tune_space *space, char *line, size_t number, mlp_error *err) {
    char *eq = strchr(line, '=');
    if (!eq) return mlp_fail(err, MLP_ERR_ARGUMENT, "expected 'section.key = function(...)'");
    *eq = '\0';
    const char *key = mlp_trim(line);
    if (!*key) return mlp_fail(err, MLP_ERR_ARGUMENT, "a key is missing before '='");
    for (size_t i = 0; i < space->count; i++)
        if (strcmp(space->entries[i].key, key) == 0)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "'%s' is given twice (first on line %zu)", key,
                            space->entries[i].line);
    entry *entries = realloc(space->entries, (space->count + 1) * sizeof *entries);
    if (!entries) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    space->entries = entries;
    entry *e = &space->entries[space->count++];
    *e = (entry){.line = number, .key = strdup(key)};
    if (!e->key) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    return parse_entry(e, mlp_trim(eq + 1), err);
}

mlp_status mlp_tune_space_parse(mlp_tune_space **out, const char *text, const char *name,
                                mlp_error *err) {
    *out = NULL;
    mlp_tune_space *space = calloc(1, sizeof *space);
    char *copy = strdup(text);
    if (space) space->name = strdup(name);
    if (!space || !copy || !space->name) {
        free(copy);
        mlp_tune_space_free(space);
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    }
    mlp_status st = MLP_OK;
    size_t number = 0;
    for (char *line = copy; line && st == MLP_OK;) {
        char *newline = strchr(line, '\n');
        if (newline) *newline = '\0';
        number++;
        char *content = mlp_trim(line);
        if (*content && *content != '#' && *content != ';') {
            mlp_error line_err = {0};
            st = parse_line(space, content, number, &line_err);
            if (st != MLP_OK) st = mlp_fail(err, st, "%s:%zu: %s", name, number, line_err.message);
        }
        line = newline ? newline + 1 : NULL;
    }
    if (st == MLP_OK && space->count == 0)
        st = mlp_fail(err, MLP_ERR_ARGUMENT, "%s: no keys to tune", name);
    free(copy);
    if (st != MLP_OK) {
        mlp_tune_space_free(space);
        return st;
    }
    *out = space;
    return mlp_ok(err);
}

mlp_status mlp_tune_space_load(mlp_tune_space **space, const char *path, mlp_error *err) {
    *space = NULL;
    char *text = NULL;
    size_t size = 0;
    MLP_TRY(mlp_read_file(path, MAX_SPACE_BYTES, &text, &size, err));
    mlp_status st = strlen(text) != size
                        ? mlp_fail(err, MLP_ERR_ARGUMENT, "%s: holds a NUL byte", path)
                        : mlp_tune_space_parse(space, text, path, err);
    free(text);
    return st;
}

/* Loads the config with sets plus `extra` (NULL: none) and checks it as `mlp train` does. */
static mlp_status check_config(const char *config_path, char *const *sets, size_t num_sets,
                               const char *extra, mlp_error *err) {
    mlp_string_list all = {0};
    for (size_t i = 0; i < num_sets; i++)
        mlp_string_list_push(&all, sets[i]);
    if (extra) mlp_string_list_push(&all, extra);
    mlp_ini *ini = NULL;
    mlp_train_config config;
    mlp_status st = all.failed ? mlp_fail(err, MLP_ERR_MEMORY, "out of memory")
                               : mlp_train_ini_load(&ini, config_path, all.items, all.count, err);
    if (st == MLP_OK) st = mlp_train_config_from_ini(ini, &config, err);
    mlp_ini_free(ini);
    mlp_string_list_free(&all);
    return st;
}

mlp_status mlp_tune_space_check(const mlp_tune_space *space, const char *config_path,
                                char *const *sets, size_t num_sets, mlp_error *err) {
    MLP_TRY(check_config(config_path, sets, num_sets, NULL, err));
    for (size_t i = 0; i < space->count; i++) {
        const entry *e = &space->entries[i];
        for (size_t v = 0; v < e->num_values; v++) {
            size_t n = strlen(e->key) + strlen(e->values[v]) + 2;
            char *setting = malloc(n);
            if (!setting) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
            snprintf(setting, n, "%s=%s", e->key, e->values[v]);
            mlp_error check_err = {0};
            mlp_status st = check_config(config_path, sets, num_sets, setting, &check_err);
            free(setting);
            if (st == MLP_ERR_IO || st == MLP_ERR_MEMORY)
                return mlp_fail(err, st, "%s", check_err.message);
            if (st != MLP_OK)
                return mlp_fail(err, st, "%s:%zu: %s = %s: %s", space->name, e->line, e->key,
                                e->values[v], check_err.message);
        }
    }
    return mlp_ok(err);
}

/* Uniform in [0, 1) with 53 random bits. */
static double uniform01(mlp_rng *rng) {
    uint64_t high = mlp_rng_u32(rng) >> 5, low = mlp_rng_u32(rng) >> 6;
    return (double)(high << 26 | low) * 0x1p-53;
}

/* uniform or log_uniform at u in [0, 1): log_uniform has log v uniform on [log lo, log hi).
 * Six significant digits keep the tables readable; rounding must not leave the range the check
 * accepted. Returns number, or the range end it rounded past. */
static const char *range_value(const entry *e, double u, char *number, size_t size) {
    double v;
    if (e->kind == KIND_LOG_UNIFORM)
        v = exp(log(e->lo) + u * (log(e->hi) - log(e->lo)));
    else
        v = e->lo * (1 - u) + e->hi * u; /* hi - lo may overflow; this cannot */
    snprintf(number, size, "%.6g", v);
    double written = strtod(number, NULL);
    if (written < e->lo) return e->values[0];
    if (written > e->hi) return e->values[1];
    return number;
}

void mlp_tune_space_sample(const mlp_tune_space *space, mlp_rng *rng, mlp_string_list *settings) {
    for (size_t i = 0; i < space->count; i++) {
        const entry *e = &space->entries[i];
        char number[64];
        const char *value = number;
        if (e->kind == KIND_CHOICE) {
            value = e->values[mlp_rng_below(rng, (uint32_t)e->num_values)];
        } else if (e->kind == KIND_INT_UNIFORM) {
            uint64_t span = (uint64_t)(e->hi - e->lo) + 1;
            long long v = (long long)e->lo + (long long)mlp_rng_below(rng, (uint32_t)span);
            snprintf(number, sizeof number, "%lld", v);
        } else {
            value = range_value(e, uniform01(rng), number, sizeof number);
        }
        mlp_string_list_push_setting(settings, e->key, value);
    }
}

/* floor(u * n) for u in [0, 1), kept below n (u * n may round up to n). */
static uint64_t cell_of(double u, uint64_t n) {
    double cell = floor(u * (double)n);
    return cell < 0 ? 0 : cell >= (double)n ? n - 1 : (uint64_t)cell;
}

void mlp_tune_space_sample_at(const mlp_tune_space *space, const double *u,
                              mlp_string_list *settings) {
    for (size_t i = 0; i < space->count; i++) {
        const entry *e = &space->entries[i];
        char number[64];
        const char *value = number;
        if (e->kind == KIND_CHOICE) {
            value = e->values[cell_of(u[i], e->num_values)];
        } else if (e->kind == KIND_INT_UNIFORM) {
            uint64_t span = (uint64_t)(e->hi - e->lo) + 1;
            snprintf(number, sizeof number, "%lld",
                     (long long)e->lo + (long long)cell_of(u[i], span));
        } else {
            value = range_value(e, u[i], number, sizeof number);
        }
        mlp_string_list_push_setting(settings, e->key, value);
    }
}
