/* The training configuration file: the schema of every key (docs/config.md is generated from it)
 * and its translation into mlp_train_config. Used by `mlp train`, `mlp gradcheck` and sweeps. */
#ifndef MLP_TRAIN_TRAIN_CONFIG_H
#define MLP_TRAIN_TRAIN_CONFIG_H

#include "io/config_file.h"
#include "mlp.h"

/* The schema: sections data, network, init, optimizer, schedule, training, regularization,
 * early_stopping, checkpoint, logging, and top-level seed and threads. */
const mlp_ini_schema *mlp_train_schema(void);

/* Every key of the schema at its default (mlp_ini_new without re-checking this constant schema). */
mlp_status mlp_train_ini_new(mlp_ini **ini, mlp_error *err);

/* Loads the defaults, then the file at path (NULL: none), then each of the num_sets overrides
 * "section.key=value" in order. */
mlp_status mlp_train_ini_load(mlp_ini **ini, const char *path, char *const *sets, size_t num_sets,
                              mlp_error *err);

/* True for the keys a run cannot change once it has started (mlp train --resume with --set): the
 * seed, the training data, its split and preparation, the network's shape and function, its
 * initialisation, and the optimizer's kind and RMSprop's centred variant (their buffers are in the
 * checkpoint). Every other key may change from a resumed step on. */
bool mlp_train_key_fixed(const char *name);

/* One setting changed when a run continues: "section.key" and its values as INI text. */
typedef struct {
    char key[96];
    char *before, *after;
} mlp_setting_change;

/* The keys whose values differ between the config text a run has run with (before) and the one it
 * continues with (after), in schema order (values compared by type: "0.10" equals "0.1"). Fixed
 * keys among them (mlp_train_key_fixed), and optimizer.momentum going from 0 to non-zero or back
 * (that adds or drops a buffer), are an MLP_ERR_ARGUMENT naming each. *changes is malloc'ed
 * (mlp_setting_changes_free), NULL when *count is 0. */
mlp_status mlp_train_config_changes(const char *before, const char *after,
                                    mlp_setting_change **changes, size_t *count, mlp_error *err);
void mlp_setting_changes_free(mlp_setting_change *changes, size_t count);

/* Reads every key into config. Strings (sources, init_from) are borrowed from ini, so ini must
 * outlive config; config->config_text is left NULL (the caller owns that text). Values out of
 * range or inconsistent are errors naming the key and where it was set. */
mlp_status mlp_train_config_from_ini(const mlp_ini *ini, mlp_train_config *config, mlp_error *err);

/* The same for data held by the caller (mlp_session): data.train may be empty. */
mlp_status mlp_train_config_from_ini_in_memory(const mlp_ini *ini, mlp_train_config *config,
                                               mlp_error *err);

/* The network spec the config describes for `inputs` features and `outputs` classes. */
mlp_status mlp_train_config_net_spec(const mlp_train_config *config, size_t inputs, size_t outputs,
                                     mlp_net_spec *spec, mlp_error *err);

/* The engine's gradient check (mlp_gradcheck_sample) on the network the config describes,
 * initialised with its seed, over the first `samples` training samples prepared as in training
 * (transform fitted on the whole training source), checking at most max_per_tensor entries of
 * each tensor (0: all). report has room for 2 * MLP_MAX_LAYERS entries; fills *num_tensors (2 per
 * layer), *samples_used and *num_params. */
mlp_status mlp_train_gradcheck(const mlp_train_config *config, size_t samples,
                               size_t max_per_tensor, mlp_gradcheck_tensor *report,
                               size_t *num_tensors, size_t *samples_used, size_t *num_params,
                               mlp_error *err);

#endif
