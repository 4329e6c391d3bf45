/* The `mlp train` command line of each run of a sweep, its settings, the check of every
 * combination's config before anything runs, and the children's environment. */
#ifndef MLP_SWEEP_LAUNCH_H
#define MLP_SWEEP_LAUNCH_H

#include "mlp.h"
#include "sweep/plan.h"

#include <stdbool.h>
#include <stdint.h>

/* A NULL-terminated list of malloc'ed strings (an argv, an environment, a list of settings). */
typedef struct {
    char **items;
    size_t count, capacity;
    bool failed; /* out of memory at some push: the list is incomplete */
} mlp_string_list;

void mlp_string_list_push(mlp_string_list *list, const char *text);
/* Pushes "key=value" (nothing, list->failed, when out of memory). */
void mlp_string_list_push_setting(mlp_string_list *list, const char *key, const char *value);
void mlp_string_list_free(mlp_string_list *list);

/* What every run of a sweep shares: the config file and the fixed --set overrides. */
typedef struct {
    const char *config;
    char *const *sets;
    size_t num_sets;
} mlp_sweep_base;

/* The fixed overrides followed by the combination's grid settings, as "key=value". */
void mlp_sweep_settings(const mlp_sweep_base *base, const mlp_sweep_grid *grid, size_t combination,
                        mlp_string_list *settings);

/* Loads and checks every combination's config as `mlp train` will, so that a misspelt key or a
 * value out of range stops the sweep before anything runs: MLP_ERR_ARGUMENT "combination NAME:
 * ..." (a file that cannot be read keeps its own status). Gives the config's seed (of the first
 * combination) and whether the config or an override fixes the thread count. */
mlp_status mlp_sweep_check_configs(const mlp_sweep_base *base, const mlp_sweep_grid *grid,
                                   uint64_t *seed, bool *threads_given, mlp_error *err);

/* The command line of one run: `PROGRAM train --resume DIR --quiet` to continue it, else
 * `PROGRAM train CONFIG --quiet --set ... --out DIR` with the run's seed (unless the grid sweeps
 * seed) and `threads` (0: the config's). */
void mlp_sweep_run_argv(const char *program, const mlp_sweep_base *base, const mlp_sweep_plan *plan,
                        const mlp_sweep_run *run, bool resume, size_t threads,
                        mlp_string_list *argv);

/* envp without the variables of an MPI launcher (OMPI_*, PMIX_*, PMI_*): a child `mlp train`
 * must run alone, not try to join the job its parent rank belongs to. */
void mlp_sweep_child_environment(char *const *envp, mlp_string_list *env);

#endif
