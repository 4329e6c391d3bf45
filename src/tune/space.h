/* The search space of `mlp tune`: a text file of one line per config key,
 *
 *     network.hidden = choice(256, 512, 1024:512)
 *     schedule.lr = log_uniform(1e-4, 3e-2)
 *     regularization.dropout = uniform(0, 0.5)
 *     training.batch_size = int_uniform(16, 128)
 *
 * Keys are the config's `section.key` (top-level keys bare: `seed`); blank lines and lines
 * starting with '#' or ';' are ignored. choice() takes one or more distinct values as the config
 * would (for a list key ':' separates the items: 1024:512 is hidden = 1024,512); uniform() and
 * log_uniform() a float key's range lo < hi (log_uniform: lo > 0), int_uniform() an int key's
 * whole-number range lo <= hi. Every value must be one the config accepts. Errors name
 * FILE:LINE. */
#ifndef MLP_TUNE_SPACE_H
#define MLP_TUNE_SPACE_H

#include "mlp.h"
#include "sweep/launch.h"

#include <stddef.h>

typedef struct mlp_tune_space mlp_tune_space;

/* Parses text (`name` stands for the file in messages). Checks the syntax, the keys against the
 * training config's schema and every value's type; *space is NULL after a failure. */
mlp_status mlp_tune_space_parse(mlp_tune_space **space, const char *text, const char *name,
                                mlp_error *err);
/* The same for the file at path. */
mlp_status mlp_tune_space_load(mlp_tune_space **space, const char *path, mlp_error *err);
void mlp_tune_space_free(mlp_tune_space *space);

size_t mlp_tune_space_num_keys(const mlp_tune_space *space);
const char *mlp_tune_space_key(const mlp_tune_space *space, size_t k);

/* Checks every choice and range end of the space on top of the config file at config_path with
 * the overrides sets[0..num_sets) as `mlp train` would check them (mlp_train_config_from_ini):
 * MLP_ERR_ARGUMENT "FILE:LINE: KEY = VALUE: reason". A config file that cannot be read keeps its
 * own status. */
mlp_status mlp_tune_space_check(const mlp_tune_space *space, const char *config_path,
                                char *const *sets, size_t num_sets, mlp_error *err);

/* One point of the space drawn from rng, appended to settings as "key=value" (the keys in file
 * order; one draw per key, so the same generator state gives the same point). */
void mlp_tune_space_sample(const mlp_tune_space *space, mlp_rng *rng, mlp_string_list *settings);

/* The point of the space at u (one coordinate in [0, 1) per key, in file order), appended as
 * mlp_tune_space_sample does: choice takes value floor(u n) of its n, int_uniform lo +
 * floor(u (hi - lo + 1)), uniform lo (1 - u) + hi u, log_uniform exp(log lo + u (log hi - log lo)).
 * A low-discrepancy u (halton.h) covers the space more evenly than independent draws. */
void mlp_tune_space_sample_at(const mlp_tune_space *space, const double *u,
                              mlp_string_list *settings);

#endif
