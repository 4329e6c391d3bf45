#include "sweep/plan.h"

#include "io/folders.h"
#include "util/error.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* out_dir/name/repeat-R followed by suffix; NULL when out of memory. */
static char *run_path(const char *out_dir, const char *name, size_t repeat, const char *suffix) {
    mlp_text t = {0};
    mlp_text_append(&t, "%s/%s/repeat-%zu%s", out_dir, name, repeat, suffix);
    return mlp_text_finish(&t, NULL);
}

mlp_status mlp_sweep_plan_new(mlp_sweep_plan **plan, const mlp_sweep_grid *grid, size_t repeats,
                              uint64_t base_seed, const char *out_dir, mlp_error *err) {
    if (repeats == 0) return mlp_fail(err, MLP_ERR_ARGUMENT, "a sweep needs at least 1 repeat");
    size_t combinations = mlp_sweep_grid_num_combinations(grid), num_runs;
    if (mlp_mul_overflows(combinations, repeats, &num_runs))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%zu combinations x %zu repeats overflows",
                        combinations, repeats);
    mlp_sweep_plan *p = mlp_calloc(1, sizeof *p, err);
    if (!p) return MLP_ERR_MEMORY;
    p->grid = grid;
    p->repeats = repeats;
    p->out_dir = strdup(out_dir);
    p->runs = calloc(num_runs, sizeof *p->runs);
    mlp_status status = MLP_OK;
    if (!p->out_dir || !p->runs)
        status = mlp_fail(err, MLP_ERR_MEMORY, "out of memory planning %zu runs", num_runs);
    else
        p->num_runs = num_runs;
    for (size_t c = 0; c < combinations && status == MLP_OK; c++) {
        char *name = NULL;
        status = mlp_sweep_grid_name(grid, c, &name, err);
        for (size_t r = 1; r <= repeats && status == MLP_OK; r++) {
            mlp_sweep_run *run = &p->runs[c * repeats + r - 1];
            run->combination = c;
            run->repeat = r;
            run->seed = base_seed + r - 1;
            run->name = strdup(name);
            run->dir = run_path(out_dir, name, r, "");
            run->log_path = run_path(out_dir, name, r, ".log");
            if (!run->name || !run->dir || !run->log_path)
                status = mlp_fail(err, MLP_ERR_MEMORY, "out of memory planning %zu runs", num_runs);
        }
        free(name);
    }
    if (status != MLP_OK) {
        mlp_sweep_plan_free(p);
        return status;
    }
    *plan = p;
    return mlp_ok(err);
}

void mlp_sweep_plan_free(mlp_sweep_plan *plan) {
    if (!plan) return;
    for (size_t i = 0; i < plan->num_runs; i++) {
        free(plan->runs[i].name);
        free(plan->runs[i].dir);
        free(plan->runs[i].log_path);
    }
    free(plan->runs);
    free(plan->out_dir);
    free(plan);
}

mlp_status mlp_sweep_plan_make_dirs(const mlp_sweep_plan *plan, mlp_error *err) {
    MLP_TRY(mlp_make_folders(plan->out_dir, err));
    for (size_t i = 0; i < plan->num_runs; i += plan->repeats) {
        mlp_text t = {0};
        mlp_text_append(&t, "%s/%s", plan->out_dir, plan->runs[i].name);
        char *dir = mlp_text_finish(&t, NULL);
        if (!dir) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory creating folders");
        mlp_status status = mlp_make_folders(dir, err);
        free(dir);
        MLP_TRY(status);
    }
    return mlp_ok(err);
}
