/* Label texts to class indices: readers intern each sample's label text as it comes, then the
 * classes are ordered (numerically when every name is an integer, else by strcmp) and the
 * provisional ids renumbered. */
#ifndef MLP_DATA_LABELS_H
#define MLP_DATA_LABELS_H

#include "mlp.h"

typedef struct {
    char **names;
    size_t count, capacity;
    int32_t *slots; /* open addressing: id + 1, 0 = empty */
    size_t num_slots;
} label_table;

/* Writes the canonical text of a label into out[size]: trimmed, and an integral number in plain
 * decimal ("3.0" -> "3", "07" -> "7") so the same class is named the same in every format. */
void label_canonical(const char *text, size_t length, char *out, size_t size);

/* The id of name (added if new). Fails past DATA_MAX_CLASSES distinct names. `where` is the
 * place in the file used in that message. */
mlp_status label_table_intern(label_table *table, const char *name, int32_t *id, const char *where,
                              mlp_error *err);

/* Index of name in the table, or -1. */
int32_t label_table_find(const label_table *table, const char *name);

/* Orders the classes, renumbers labels[0..n) and moves the names into the data set. */
mlp_status label_table_finish(label_table *table, int32_t *labels, size_t n, mlp_dataset *dataset,
                              mlp_error *err);

void label_table_free(label_table *table);

/* Keeps only the samples whose label is one of the '+'-separated names in `list` (the classes=
 * source option), renumbered in the usual class order. */
mlp_status labels_keep_classes(mlp_dataset *dataset, const char *list, mlp_error *err);

#endif
