/* Label interning, class ordering and mapping between class lists. */
#include "data/labels.h"
#include "data/dataset.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void label_canonical(const char *text, size_t length, char *out, size_t size) {
    while (length > 0 && isspace((unsigned char)*text))
        text++, length--;
    while (length > 0 && isspace((unsigned char)text[length - 1]))
        length--;
    char number[64];
    if (length > 0 && length < sizeof number) {
        memcpy(number, text, length);
        number[length] = '\0';
        char *end;
        errno = 0;
        double v = strtod(number, &end);
        if (*end == '\0' && errno == 0 && isfinite(v) && v == floor(v) && fabs(v) < 9e15) {
            snprintf(out, size, "%lld", (long long)v);
            return;
        }
    }
    if (length >= size) length = size - 1;
    memcpy(out, text, length);
    out[length] = '\0';
}

static uint64_t hash_name(const char *s) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int32_t label_table_find(const label_table *table, const char *name) {
    if (table->num_slots == 0) return -1;
    size_t mask = table->num_slots - 1;
    for (size_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
        int32_t slot = table->slots[i];
        if (slot == 0) return -1;
        if (strcmp(table->names[slot - 1], name) == 0) return slot - 1;
    }
}

static mlp_status rehash(label_table *table, size_t num_slots, mlp_error *err) {
    int32_t *slots = mlp_calloc(num_slots, sizeof *slots, err);
    if (!slots) return MLP_ERR_MEMORY;
    for (size_t id = 0; id < table->count; id++) {
        size_t i = hash_name(table->names[id]) & (num_slots - 1);
        while (slots[i])
            i = (i + 1) & (num_slots - 1);
        slots[i] = (int32_t)id + 1;
    }
    free(table->slots);
    table->slots = slots;
    table->num_slots = num_slots;
    return MLP_OK;
}

mlp_status label_table_intern(label_table *table, const char *name, int32_t *id, const char *where,
                              mlp_error *err) {
    int32_t found = label_table_find(table, name);
    if (found >= 0) {
        *id = found;
        return MLP_OK;
    }
    if (table->count >= DATA_MAX_CLASSES)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s: more than %zu distinct labels (is this column really a label?)", where,
                        DATA_MAX_CLASSES);
    if (table->count == table->capacity) {
        size_t capacity = table->capacity ? 2 * table->capacity : 16;
        char **names = realloc(table->names, capacity * sizeof *names);
        if (!names) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for label names");
        table->names = names;
        table->capacity = capacity;
    }
    char *copy = strdup(name);
    if (!copy) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory for label names");
    table->names[table->count++] = copy;
    if (2 * table->count > table->num_slots)
        MLP_TRY(rehash(table, table->num_slots ? 2 * table->num_slots : 64, err));
    else {
        size_t i = hash_name(copy) & (table->num_slots - 1);
        while (table->slots[i])
            i = (i + 1) & (table->num_slots - 1);
        table->slots[i] = (int32_t)table->count;
    }
    *id = (int32_t)table->count - 1;
    return MLP_OK;
}

void label_table_free(label_table *table) {
    dataset_free_names(table->names, table->count);
    free(table->slots);
    memset(table, 0, sizeof *table);
}

static bool is_integer_name(const char *s) {
    if (*s == '-') s++;
    if (!*s) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

/* Class order: numeric when both are integers (canonical, so no leading zeros), else strcmp. */
static int compare_numeric(const char *a, const char *b) {
    long long x = strtoll(a, NULL, 10), y = strtoll(b, NULL, 10);
    return (x > y) - (x < y);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_integer_names(const void *a, const void *b) {
    return compare_numeric(*(char *const *)a, *(char *const *)b);
}

static void sort_names(char **names, size_t n) {
    bool all_integers = true;
    for (size_t k = 0; k < n && all_integers; k++)
        all_integers = is_integer_name(names[k]);
    qsort(names, n, sizeof *names, all_integers ? compare_integer_names : compare_names);
}

mlp_status label_table_finish(label_table *table, int32_t *labels, size_t n, mlp_dataset *dataset,
                              mlp_error *err) {
    size_t k = table->count;
    char **sorted = mlp_calloc(k, sizeof *sorted, err);
    int32_t *remap = mlp_calloc(k, sizeof *remap, err);
    if (!sorted || !remap) {
        free(sorted);
        free(remap);
        return MLP_ERR_MEMORY;
    }
    memcpy(sorted, table->names, k * sizeof *sorted);
    sort_names(sorted, k);
    for (size_t c = 0; c < k; c++)
        remap[label_table_find(table, sorted[c])] = (int32_t)c;
    for (size_t i = 0; i < n; i++)
        labels[i] = remap[labels[i]];
    free(remap);
    free(table->names); /* the strings now belong to `sorted` */
    free(table->slots);
    memset(table, 0, sizeof *table);
    dataset_free_names(dataset->class_names, dataset->num_classes);
    dataset->class_names = sorted;
    dataset->num_classes = k;
    dataset->labels = labels;
    return MLP_OK;
}

static mlp_status copy_names(const char *const *names, size_t n, char ***out, mlp_error *err) {
    char **copy = mlp_calloc(n, sizeof *copy, err);
    if (!copy) return MLP_ERR_MEMORY;
    for (size_t k = 0; k < n; k++) {
        copy[k] = strdup(names[k]);
        if (!copy[k]) {
            dataset_free_names(copy, k);
            return mlp_fail(err, MLP_ERR_MEMORY, "out of memory copying class names");
        }
    }
    *out = copy;
    return MLP_OK;
}

mlp_status mlp_dataset_map_classes(mlp_dataset *dataset, const char *const *names, size_t num_names,
                                   mlp_error *err) {
    if (!names && num_names > 0) return mlp_fail(err, MLP_ERR_ARGUMENT, "class names are NULL");
    label_table target = {0};
    int32_t *remap = NULL;
    char **copy = NULL;
    mlp_status s = MLP_OK;
    for (size_t k = 0; k < num_names && s == MLP_OK; k++) {
        int32_t id;
        s = label_table_intern(&target, names[k], &id, "class names", err);
        if (s == MLP_OK && (size_t)id != k)
            s = mlp_fail(err, MLP_ERR_ARGUMENT, "class name '%s' is given twice", names[k]);
    }
    if (s == MLP_OK && dataset->labels) {
        remap = mlp_calloc(dataset->num_classes, sizeof *remap, err);
        if (!remap) s = MLP_ERR_MEMORY;
        for (size_t k = 0; s == MLP_OK && k < dataset->num_classes; k++)
            remap[k] = label_table_find(&target, dataset->class_names[k]);
        for (size_t i = 0; s == MLP_OK && i < dataset->count; i++)
            if (remap[dataset->labels[i]] < 0)
                s = mlp_fail(err, MLP_ERR_FORMAT,
                             "%s: sample %zu: label '%s' is not one of the %zu training classes",
                             dataset->source, i, dataset->class_names[dataset->labels[i]],
                             num_names);
    }
    if (s == MLP_OK) s = copy_names(names, num_names, &copy, err);
    if (s == MLP_OK) {
        if (dataset->labels)
            for (size_t i = 0; i < dataset->count; i++)
                dataset->labels[i] = remap[dataset->labels[i]];
        dataset_free_names(dataset->class_names, dataset->num_classes);
        dataset->class_names = copy;
        dataset->num_classes = num_names;
    }
    free(remap);
    label_table_free(&target);
    return s;
}

static int32_t find_class(const mlp_dataset *dataset, const char *name) {
    for (size_t k = 0; k < dataset->num_classes; k++)
        if (strcmp(dataset->class_names[k], name) == 0) return (int32_t)k;
    return -1;
}

mlp_status labels_keep_classes(mlp_dataset *dataset, const char *list, mlp_error *err) {
    if (!dataset->labels)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: classes=%s needs labels, and there are none",
                        dataset->source, list);
    bool *keep = mlp_calloc(dataset->num_classes, sizeof *keep, err);
    if (!keep) return MLP_ERR_MEMORY;
    mlp_status s = MLP_OK;
    for (const char *p = list; s == MLP_OK; p = strchr(p, '+') + 1) {
        const char *end = strchr(p, '+');
        char name[256];
        label_canonical(p, end ? (size_t)(end - p) : strlen(p), name, sizeof name);
        int32_t k = find_class(dataset, name);
        if (k < 0)
            s = mlp_fail(err, MLP_ERR_ARGUMENT, "%s: classes=%s: no sample has the label '%s'",
                         dataset->source, list, name);
        else
            keep[k] = true;
        if (!end) break;
    }
    size_t d = dataset->features * dataset_value_size(dataset), kept = 0;
    unsigned char *values = dataset->bytes ? (void *)dataset->bytes : (void *)dataset->floats;
    for (size_t i = 0; s == MLP_OK && i < dataset->count; i++) {
        if (!keep[dataset->labels[i]]) continue;
        if (kept != i) memcpy(values + kept * d, values + i * d, d);
        dataset->labels[kept++] = dataset->labels[i];
    }
    const char **names = NULL;
    size_t num_names = 0;
    if (s == MLP_OK) {
        dataset_truncate(dataset, kept);
        names = mlp_calloc(dataset->num_classes, sizeof *names, err);
        if (!names) s = MLP_ERR_MEMORY;
    }
    for (size_t k = 0; s == MLP_OK && k < dataset->num_classes; k++)
        if (keep[k]) names[num_names++] = dataset->class_names[k];
    if (s == MLP_OK) s = mlp_dataset_map_classes(dataset, names, num_names, err);
    free(names);
    free(keep);
    return s;
}
