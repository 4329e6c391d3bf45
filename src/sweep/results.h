/* The results table of a sweep: one row per combination with the swept values, how many of its
 * repeats have finished, and mean ± sample standard deviation over those repeats of the final and
 * best validation accuracy, the test accuracy, the epochs run and the training seconds. */
#ifndef MLP_SWEEP_RESULTS_H
#define MLP_SWEEP_RESULTS_H

#include "mlp.h"
#include "sweep/plan.h"

/* The table as Markdown and as CSV (caller frees both). Runs that have not finished (no summary,
 * or one of an interrupted run) or whose files cannot be read are left out of the figures and
 * counted in the "runs" column as not done. */
mlp_status mlp_sweep_results_format(const mlp_sweep_plan *plan, char **markdown, char **csv,
                                    mlp_error *err);

/* Writes OUT/results.md and OUT/results.csv, each whole or not at all; *markdown (if not NULL)
 * receives the Markdown text (caller frees). */
mlp_status mlp_sweep_write_results(const mlp_sweep_plan *plan, char **markdown, mlp_error *err);

#endif
