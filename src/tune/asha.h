/* Asynchronous successive halving (ASHA: Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020), as a state machine without processes or clocks.
 *
 * Rung k trains a trial to min_epochs * eta^k epochs, for every k whose epochs do not exceed
 * max_epochs. Whenever a worker is free, the highest rung k below the top that has a trial among
 * its best floor(n_k / eta) (n_k: the trials that have completed rung k, ranked by their score
 * there, ties to the earlier trial) not yet promoted gives that trial to rung k + 1, to continue
 * from its checkpoint; otherwise a new trial starts at rung 0 if the budget allows. Plain random
 * search is the case of a single rung at max_epochs. */
#ifndef MLP_TUNE_ASHA_H
#define MLP_TUNE_ASHA_H

#include "mlp.h"
#include "sweep/scheduler.h"

#include <stdbool.h>
#include <stddef.h>

#define MLP_TUNE_MAX_RUNGS 32

typedef struct mlp_tune_asha mlp_tune_asha;

/* random_search: one rung at max_epochs. Otherwise min_epochs >= 1, eta >= 2, and
 * min_epochs <= max_epochs. */
mlp_status mlp_tune_asha_new(mlp_tune_asha **asha, size_t min_epochs, size_t max_epochs, size_t eta,
                             bool random_search, mlp_error *err);
void mlp_tune_asha_free(mlp_tune_asha *asha);

size_t mlp_tune_asha_num_rungs(const mlp_tune_asha *asha);
size_t mlp_tune_asha_rung_epochs(const mlp_tune_asha *asha, size_t rung);

/* One unit of work: train `trial` to rung `rung`'s epochs; `promoted`: it continues from the
 * end of rung - 1 (else it is a new trial, numbered from 0 in the order started). */
typedef struct {
    size_t trial, rung;
    bool promoted;
} mlp_tune_step;

/* The next step. may_start_new: whether the budget allows another new trial. MLP_JOB_WAIT when
 * only running steps can give more work; MLP_JOB_DONE when nothing is running and nothing is
 * left. MLP_JOB_DONE also for out of memory (*step untouched). */
mlp_job_answer mlp_tune_asha_next(mlp_tune_asha *asha, bool may_start_new, mlp_tune_step *step);

/* The step of `trial` to `rung` ended: score is its validation accuracy there, NaN for a step
 * that failed (the trial then takes no further part). */
void mlp_tune_asha_report(mlp_tune_asha *asha, size_t trial, size_t rung, double score);

/* The step of `trial` ended without completing its rung (stopped by the budget or Ctrl-C): the
 * trial keeps the rungs it completed and is not promoted again. */
void mlp_tune_asha_release(mlp_tune_asha *asha, size_t trial);

size_t mlp_tune_asha_num_trials(const mlp_tune_asha *asha);
/* The highest rung the trial completed (-1: none) and its score there (NaN: none). */
int mlp_tune_asha_trial_rung(const mlp_tune_asha *asha, size_t trial);
double mlp_tune_asha_trial_score(const mlp_tune_asha *asha, size_t trial);

#endif
