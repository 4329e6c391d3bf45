/* What `mlp train` is asked to do, made ready to run: the run folder, the effective config and
 * its text, and for a resumed run the checkpoint, where it stands and the settings that change. */
#ifndef MLP_TRAIN_TRAIN_RUN_H
#define MLP_TRAIN_TRAIN_RUN_H

#include "train/train_config.h"

#include <limits.h>

typedef struct {
    char run_dir[PATH_MAX];
    char checkpoint[PATH_MAX]; /* the checkpoint a resumed run continues from; "" for a new run */
    mlp_ini *ini;
    char *config_text;       /* the effective config (config.ini) */
    mlp_train_config config; /* strings borrowed from ini; config.config_text = config_text */
    /* A resumed run: the checkpoint's step, epoch and stop state, and the settings --set changes
     * against the checkpoint's own config (mlp_train_config_changes). */
    uint64_t step;
    size_t epoch;
    bool finished;
    mlp_setting_change *changes;
    size_t num_changes;
} mlp_train_run;

/* A new run of the config file at config_path with the overrides sets[0..num_sets) applied;
 * its folder is out, or runs/NAME for config_path .../NAME.ini. A config that does not parse or
 * check is an MLP_ERR_ARGUMENT (also for a missing file: MLP_ERR_IO). */
mlp_status mlp_train_run_new(mlp_train_run *run, const char *config_path, char *const *sets,
                             size_t num_sets, const char *out, mlp_error *err);

/* The run in run_dir continued from the checkpoint `from` (NULL: run_dir/last.safetensors) with
 * the config that checkpoint was taken under (its metadata; run_dir/config.ini for a checkpoint
 * without one) and the overrides sets[0..num_sets). Changing a fixed key is an MLP_ERR_ARGUMENT
 * naming it (mlp_train_key_fixed); mlp_train itself refuses to continue a finished run without
 * changes or without epochs left. */
mlp_status mlp_train_run_resume(mlp_train_run *run, const char *run_dir, const char *from,
                                char *const *sets, size_t num_sets, mlp_error *err);

void mlp_train_run_free(mlp_train_run *run);

/* Whether a run whose checkpoint has trained `epochs_done` epochs (and `finished`) can go on to
 * config->epochs: MLP_ERR_ARGUMENT naming training.epochs when it has no epoch left (a finished
 * run with changed settings needs at least one more). */
mlp_status mlp_train_epochs_left(const mlp_train_config *config, const char *checkpoint,
                                 uint64_t epochs_done, bool finished, mlp_error *err);

#endif
