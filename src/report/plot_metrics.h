/* Reading a run's metrics.csv (the column layout is fixed by the run-folder contract). */
#ifndef MLP_REPORT_PLOT_METRICS_H
#define MLP_REPORT_PLOT_METRICS_H

#include "mlp.h"

typedef enum {
    METRICS_EPOCH,
    METRICS_STEP,
    METRICS_LR,
    METRICS_BATCH_SIZE,
    METRICS_TRAIN_LOSS,
    METRICS_TRAIN_ACCURACY,
    METRICS_VAL_LOSS,
    METRICS_VAL_ACCURACY,
    METRICS_SECONDS,
    METRICS_COLUMNS
} metrics_column;

/* The exact header line of metrics.csv. */
extern const char METRICS_HEADER[];

/* One row; NAN stands for an empty field (a value not computed at that row) and for a loss logged
 * as nan/inf by a diverged run. */
typedef struct {
    double value[METRICS_COLUMNS];
} metrics_row;

typedef struct {
    metrics_row *rows;
    size_t num_rows;
} metrics_table;

/* Parses len bytes of metrics.csv text; name is used in messages ("name:line: ..."). Checks the
 * header, nine fields per row, numbers, epoch and step present, accuracies in [0, 1], and no
 * negative learning rate, batch size or seconds. On failure *table is left empty. */
mlp_status metrics_parse(metrics_table *table, const char *text, size_t len, const char *name,
                         mlp_error *err);

/* Reads and parses the file at path. */
mlp_status metrics_read(metrics_table *table, const char *path, mlp_error *err);

void metrics_free(metrics_table *table);

#endif
