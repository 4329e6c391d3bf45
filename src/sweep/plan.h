/* The runs of a sweep: every combination of the grid times `repeats`, each in its own run folder
 * OUT/<combination>/repeat-R/ (R from 1), with the output of its `mlp train` in
 * OUT/<combination>/repeat-R.log. Repeat R uses seed base_seed + R - 1 in every combination, so
 * combinations are compared on the same seeds (paired) while the repeats differ. */
#ifndef MLP_SWEEP_PLAN_H
#define MLP_SWEEP_PLAN_H

#include "mlp.h"
#include "sweep/grid.h"

#include <stdint.h>

typedef struct {
    size_t combination; /* index into the grid's combinations */
    size_t repeat;      /* 1-based */
    uint64_t seed;
    char *name;     /* the combination's folder name */
    char *dir;      /* OUT/name/repeat-R */
    char *log_path; /* OUT/name/repeat-R.log */
} mlp_sweep_run;

typedef struct {
    const mlp_sweep_grid *grid; /* borrowed */
    size_t repeats;
    char *out_dir;
    size_t num_runs;     /* combinations x repeats */
    mlp_sweep_run *runs; /* combination-major: runs[c * repeats + r - 1] */
} mlp_sweep_plan;

mlp_status mlp_sweep_plan_new(mlp_sweep_plan **plan, const mlp_sweep_grid *grid, size_t repeats,
                              uint64_t base_seed, const char *out_dir, mlp_error *err);
void mlp_sweep_plan_free(mlp_sweep_plan *plan);

/* Creates OUT and every OUT/<combination>/ that does not exist yet. */
mlp_status mlp_sweep_plan_make_dirs(const mlp_sweep_plan *plan, mlp_error *err);

#endif
