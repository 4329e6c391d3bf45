/* What the picture of a tune needs from DIR/results.json (written by mlp tune, src/tune/tune.c):
 * the metric, the rungs' epochs and the trials in rank order with the rung each reached. */
#ifndef MLP_REPORT_PLOT_TUNE_H
#define MLP_REPORT_PLOT_TUNE_H

#include "mlp.h"

#include <stdbool.h>

#define PLOT_TUNE_MAX_RUNGS 32

typedef struct {
    char name[32]; /* "trial-NNN", its folder under the tune folder */
    int rung;      /* the highest rung completed, -1: none */
    double val_accuracy, val_loss;
} plot_tune_trial;

typedef struct {
    bool by_loss; /* ranked by validation loss, else by validation accuracy */
    size_t num_rungs;
    double rung_epochs[PLOT_TUNE_MAX_RUNGS];
    plot_tune_trial *trials; /* rank order: trials[0] is the best when its rung >= 0 */
    size_t num_trials;
} plot_tune_info;

/* Parses results.json text (name stands for the file in messages): an object with "metric"
 * ("accuracy" or "loss"), "rung_epochs" (an array of up to 32 positive numbers) and "trials" (an
 * array of objects with "trial", a name "trial-" and digits, and "rung", a whole number from 0
 * below the number of rungs; "rung", "val_accuracy" and "val_loss" may be null or absent: not
 * reached, not measured). A fault is an MLP_ERR_FORMAT naming the file and the key. */
mlp_status plot_tune_parse(const char *text, const char *name, plot_tune_info *info,
                           mlp_error *err);
void plot_tune_info_free(plot_tune_info *info);

#endif
