/* The lines of a learning-curve chart: one per run folder, or one per combination of a sweep
 * folder (DIR/<combination>/<repeat>/metrics.csv) with mean and standard deviation over repeats. */
#ifndef MLP_REPORT_PLOT_LINES_H
#define MLP_REPORT_PLOT_LINES_H

#include "mlp.h"

typedef enum {
    CURVE_TRAIN_LOSS,
    CURVE_VAL_LOSS,
    CURVE_TRAIN_ACCURACY,
    CURVE_VAL_ACCURACY,
    CURVE_COUNT
} curve_kind;

/* One curve: point k averages the k-th logged value of every repeat that has one. */
typedef struct {
    size_t num_points;
    double *step;  /* mean optimizer step of point k */
    double *epoch; /* mean epoch of point k */
    double *mean;
    double *std; /* sample standard deviation over repeats (0 with one repeat) */
} curve;

typedef struct {
    char *name;
    size_t repeats;
    curve curves[CURVE_COUNT];
} plot_line;

typedef struct {
    plot_line *lines;
    size_t num_lines;
    size_t max_repeats;
} plot_lines;

/* Loads every folder of dirs: a folder holding metrics.csv is one run (one line named after the
 * folder); otherwise it must be a sweep folder, giving one line per combination folder (sorted by
 * name) averaged over the repeat folders under it. */
mlp_status plot_lines_load(plot_lines *lines, const char *const *dirs, size_t num_dirs,
                           mlp_error *err);

void plot_lines_free(plot_lines *lines);

#endif
