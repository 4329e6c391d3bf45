/* What a finished run folder says: the state of the run and the figures a results table needs,
 * read from the files every run folder has (summary.json, metrics.csv; see the contracts). */
#ifndef MLP_SWEEP_OUTCOME_H
#define MLP_SWEEP_OUTCOME_H

#include "mlp.h"
#include "mpi/world.h"
#include "sweep/plan.h"

#include <stdbool.h>

typedef enum {
    MLP_SWEEP_RUN_NEW,      /* nothing usable yet: train from the start */
    MLP_SWEEP_RUN_RESUME,   /* a checkpoint but no summary, or a summary of a Ctrl-C'd run */
    MLP_SWEEP_RUN_FINISHED, /* summary.json with any other stop reason */
} mlp_sweep_run_state;

mlp_sweep_run_state mlp_sweep_run_state_of(const char *dir);

/* NaN marks a figure the run does not have (no validation split, no labelled test data). */
typedef struct {
    double final_val_accuracy; /* val_accuracy of the last row of metrics.csv that has one */
    double best_val_accuracy;
    double test_accuracy;
    double epochs;  /* epochs_run */
    double seconds; /* train_seconds */
    char stop_reason[32];
    double final_val_loss; /* val_loss of the row of final_val_accuracy */
} mlp_sweep_outcome;

/* Reads DIR/summary.json and DIR/metrics.csv. A missing or malformed file is an error naming the
 * file and the fault (a missing key, a key of the wrong type, a metrics.csv without epochs). */
mlp_status mlp_sweep_read_outcome(const char *dir, mlp_sweep_outcome *outcome, mlp_error *err);

/* Under mpirun the run folders live where each rank ran them. Every rank sends the metrics.csv
 * and summary.json of its finished runs (run i belongs to rank i mod size) to rank 0, which
 * writes those of runs that have not finished in its own file system (none when the sweep folder
 * is shared), so that its results table covers every run. Called by every rank. */
mlp_status mlp_sweep_gather_outcomes(mlp_world *world, const mlp_sweep_plan *plan, mlp_error *err);

#endif
