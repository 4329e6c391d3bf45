/* The run folder and effective config of `mlp train`, new or resumed (see train_run.h). */
#include "train/train_run.h"

#include "io/folders.h"
#include "io/safetensors.h"
#include "util/error.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

/* The biggest config file read (the INI reader's own limit is 1 MiB). */
#define MAX_CONFIG_BYTES ((size_t)1 << 20)

/* The effective config: defaults, the base config (a file, or text), then the overrides. */
static mlp_status load_config(mlp_train_run *run, const char *path, const char *text,
                              const char *text_name, char *const *sets, size_t num_sets,
                              mlp_error *err) {
    MLP_TRY(mlp_train_ini_new(&run->ini, err));
    if (path) MLP_TRY(mlp_ini_load_file(run->ini, path, err));
    if (text) MLP_TRY(mlp_ini_load_text(run->ini, text, text_name, err));
    for (size_t i = 0; i < num_sets; i++)
        MLP_TRY(mlp_ini_set(run->ini, sets[i], err));
    MLP_TRY(mlp_train_config_from_ini(run->ini, &run->config, err));
    run->config_text = mlp_ini_to_text(run->ini, err);
    if (!run->config_text) return err->status;
    run->config.config_text = run->config_text;
    return mlp_ok(err);
}

static mlp_status copy_path(char out[PATH_MAX], const char *path, mlp_error *err) {
    if (strlen(path) >= PATH_MAX)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%.200s...: the path is longer than %d bytes", path,
                        PATH_MAX - 1);
    strcpy(out, path);
    return mlp_ok(err);
}

static mlp_status run_new(mlp_train_run *run, const char *config_path, char *const *sets,
                          size_t num_sets, const char *out, mlp_error *err) {
    MLP_TRY(load_config(run, config_path, NULL, NULL, sets, num_sets, err));
    if (out) return copy_path(run->run_dir, out, err);
    /* runs/NAME for .../NAME.ini */
    const char *base = strrchr(config_path, '/');
    base = base ? base + 1 : config_path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ini") == 0) n -= 4;
    char name[PATH_MAX];
    if (n >= sizeof name) return copy_path(name, base, err);
    memcpy(name, base, n);
    name[n] = '\0';
    return mlp_path_join(run->run_dir, "runs", name, err);
}

mlp_status mlp_train_run_new(mlp_train_run *run, const char *config_path, char *const *sets,
                             size_t num_sets, const char *out, mlp_error *err) {
    memset(run, 0, sizeof *run);
    mlp_status s = run_new(run, config_path, sets, num_sets, out, err);
    if (s != MLP_OK) mlp_train_run_free(run);
    return s;
}

static mlp_status run_resume(mlp_train_run *run, const char *run_dir, const char *from,
                             char *const *sets, size_t num_sets, mlp_error *err) {
    MLP_TRY(copy_path(run->run_dir, run_dir, err));
    if (from)
        MLP_TRY(copy_path(run->checkpoint, from, err));
    else
        MLP_TRY(mlp_path_join(run->checkpoint, run_dir, "last.safetensors", err));
    mlp_safetensors *st;
    MLP_TRY(mlp_safetensors_read(&st, run->checkpoint, err));
    uint64_t epoch = 0, finished = 0;
    mlp_status s = mlp_safetensors_get_metadata_u64(st, "train.step", &run->step, err);
    if (s == MLP_OK) s = mlp_safetensors_get_metadata_u64(st, "train.epoch", &epoch, err);
    if (s == MLP_OK && mlp_safetensors_metadata(st, "train.finished"))
        s = mlp_safetensors_get_metadata_u64(st, "train.finished", &finished, err);
    run->epoch = (size_t)epoch;
    run->finished = finished != 0;
    char *before = NULL;
    const char *text = mlp_safetensors_metadata(st, "config");
    if (s == MLP_OK && text) {
        before = mlp_copy_string(text, err);
        if (!before) s = MLP_ERR_MEMORY;
    }
    mlp_safetensors_free(st);
    char config_ini[PATH_MAX];
    if (s == MLP_OK && !before) s = mlp_path_join(config_ini, run_dir, "config.ini", err);
    if (s == MLP_OK && !before) s = mlp_read_file(config_ini, MAX_CONFIG_BYTES, &before, NULL, err);
    if (s == MLP_OK) s = load_config(run, NULL, before, run->checkpoint, sets, num_sets, err);
    if (s == MLP_OK)
        s = mlp_train_config_changes(before, run->config_text, &run->changes, &run->num_changes,
                                     err);
    free(before);
    /* Without changes a finished run is refused by mlp_train, with its stop reason. */
    if (s == MLP_OK && (run->num_changes || !run->finished))
        s = mlp_train_epochs_left(&run->config, run->checkpoint, run->epoch, run->finished, err);
    return s;
}

mlp_status mlp_train_run_resume(mlp_train_run *run, const char *run_dir, const char *from,
                                char *const *sets, size_t num_sets, mlp_error *err) {
    memset(run, 0, sizeof *run);
    mlp_status s = run_resume(run, run_dir, from, sets, num_sets, err);
    if (s != MLP_OK) mlp_train_run_free(run);
    return s;
}

mlp_status mlp_train_epochs_left(const mlp_train_config *config, const char *checkpoint,
                                 uint64_t epochs_done, bool finished, mlp_error *err) {
    if (epochs_done < config->epochs || (!finished && epochs_done == config->epochs))
        return mlp_ok(err);
    return mlp_fail(err, MLP_ERR_ARGUMENT,
                    "training.epochs = %zu: the checkpoint %s has trained %llu epochs%s",
                    config->epochs, checkpoint, (unsigned long long)epochs_done,
                    finished ? " and finished" : "");
}

void mlp_train_run_free(mlp_train_run *run) {
    mlp_ini_free(run->ini);
    free(run->config_text);
    mlp_setting_changes_free(run->changes, run->num_changes);
    memset(run, 0, sizeof *run);
}
