/* The grid of a sweep: axes of settings, each `section.key=v1,v2,...`, whose cartesian product
 * gives the combinations to run. An axis may tie several keys together so they change in step:
 * `optimizer.kind+optimizer.nesterov=sgd+true,adam+false` is two combinations, not four.
 * Combination i counts the axes like the digits of a number, the last axis fastest. */
#ifndef MLP_SWEEP_GRID_H
#define MLP_SWEEP_GRID_H

#include "mlp.h"

#include <stddef.h>

typedef struct mlp_sweep_grid mlp_sweep_grid;

/* An empty grid: one combination with no settings. */
mlp_status mlp_sweep_grid_new(mlp_sweep_grid **grid, mlp_error *err);
void mlp_sweep_grid_free(mlp_sweep_grid *grid);

/* Parses one axis, e.g. "schedule.lr=0.005,0.01,0.02" or "a.x+a.y=1+2,3+4", and appends it.
 * Keys are letters, digits, '_', '-' and '.'; a key may appear on one axis only; values are
 * trimmed of spaces, must be non-empty and distinct on their axis. */
mlp_status mlp_sweep_grid_add_axis(mlp_sweep_grid *grid, const char *text, mlp_error *err);

size_t mlp_sweep_grid_num_combinations(const mlp_sweep_grid *grid);

/* All keys of all axes, in axis order (the columns of the results table). */
size_t mlp_sweep_grid_num_keys(const mlp_sweep_grid *grid);
const char *mlp_sweep_grid_key(const mlp_sweep_grid *grid, size_t key);

/* True when `key` is one of the grid's keys. */
bool mlp_sweep_grid_has_key(const mlp_sweep_grid *grid, const char *key);

/* The value that combination `combination` gives key number `key`. */
const char *mlp_sweep_grid_value(const mlp_sweep_grid *grid, size_t combination, size_t key);

/* The folder name of a combination: "key=value" for every key, joined by ',', e.g.
 * "optimizer.kind=adam,schedule.lr=0.01"; '/' and '%' in values are written %2F and %25. "base"
 * for a grid without axes. Fails when the name would be longer than a file name may be. The
 * caller frees *name. */
mlp_status mlp_sweep_grid_name(const mlp_sweep_grid *grid, size_t combination, char **name,
                               mlp_error *err);

#endif
