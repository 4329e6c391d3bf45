#include "sweep/outcome.h"

#include "io/atomic_file.h"
#include "io/folders.h"
#include "io/metrics_log.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A summary.json is a few hundred bytes; anything this large is not one. */
#define MAX_SUMMARY_BYTES ((size_t)1 << 20)

static bool file_exists(const char *dir, const char *name) {
    char path[PATH_MAX];
    struct stat st;
    return mlp_path_join(path, dir, name, NULL) == MLP_OK && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

static mlp_status parse_summary(const char *path, cJSON **json, mlp_error *err) {
    char *text = NULL;
    MLP_TRY(mlp_read_file(path, MAX_SUMMARY_BYTES, &text, NULL, err));
    const char *end = NULL;
    *json = cJSON_ParseWithOpts(text, &end, true);
    size_t offset = end ? (size_t)(end - text) : 0;
    free(text);
    if (!*json) return mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %zu: malformed JSON", path, offset);
    if (!cJSON_IsObject(*json)) {
        cJSON_Delete(*json);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: the top level is not a JSON object", path);
    }
    return mlp_ok(err);
}

mlp_sweep_run_state mlp_sweep_run_state_of(const char *dir) {
    char path[PATH_MAX];
    cJSON *json = NULL;
    if (mlp_path_join(path, dir, "summary.json", NULL) == MLP_OK &&
        parse_summary(path, &json, NULL) == MLP_OK) {
        const char *reason =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "stop_reason"));
        bool interrupted = reason && strcmp(reason, "interrupted") == 0;
        cJSON_Delete(json);
        return interrupted ? MLP_SWEEP_RUN_RESUME : MLP_SWEEP_RUN_FINISHED;
    }
    return file_exists(dir, "last.safetensors") ? MLP_SWEEP_RUN_RESUME : MLP_SWEEP_RUN_NEW;
}

/* A number, or NaN for null; any other type or a missing key is an error. */
static mlp_status summary_number(const cJSON *json, const char *path, const char *key,
                                 bool nullable, double *value, mlp_error *err) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, key);
    if (cJSON_IsNumber(item))
        *value = item->valuedouble;
    else if (nullable && cJSON_IsNull(item))
        *value = NAN;
    else if (!item)
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: no key \"%s\"", path, key);
    else
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: \"%s\" is not a number%s", path, key,
                        nullable ? " or null" : "");
    return mlp_ok(err);
}

static mlp_status read_summary(const char *dir, mlp_sweep_outcome *outcome, mlp_error *err) {
    char path[PATH_MAX];
    MLP_TRY(mlp_path_join(path, dir, "summary.json", err));
    cJSON *json = NULL;
    MLP_TRY(parse_summary(path, &json, err));
    mlp_status status =
        summary_number(json, path, "best_val_accuracy", true, &outcome->best_val_accuracy, err);
    if (status == MLP_OK)
        status = summary_number(json, path, "test_accuracy", true, &outcome->test_accuracy, err);
    if (status == MLP_OK)
        status = summary_number(json, path, "epochs_run", false, &outcome->epochs, err);
    if (status == MLP_OK)
        status = summary_number(json, path, "train_seconds", false, &outcome->seconds, err);
    const char *reason =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "stop_reason"));
    if (status == MLP_OK && !reason)
        status = mlp_fail(err, MLP_ERR_FORMAT, "%s: no string \"stop_reason\"", path);
    if (status == MLP_OK) snprintf(outcome->stop_reason, sizeof outcome->stop_reason, "%s", reason);
    cJSON_Delete(json);
    return status;
}

/* val_accuracy and val_loss of the last metrics.csv row that has a val_accuracy (NaN when none
 * has). */
static mlp_status read_final_validation(const char *dir, double *value, double *loss,
                                        mlp_error *err) {
    char path[PATH_MAX];
    MLP_TRY(mlp_path_join(path, dir, "metrics.csv", err));
    mlp_metrics_row *rows = NULL;
    size_t count = 0;
    MLP_TRY(mlp_metrics_read(path, &rows, &count, err));
    *value = *loss = NAN;
    for (size_t i = count; i-- > 0;)
        if (isfinite(rows[i].val_accuracy)) {
            *value = rows[i].val_accuracy;
            *loss = rows[i].val_loss;
            break;
        }
    free(rows);
    return mlp_ok(err);
}

mlp_status mlp_sweep_read_outcome(const char *dir, mlp_sweep_outcome *outcome, mlp_error *err) {
    memset(outcome, 0, sizeof *outcome);
    MLP_TRY(read_summary(dir, outcome, err));
    return read_final_validation(dir, &outcome->final_val_accuracy, &outcome->final_val_loss, err);
}

/* The files a finished run folder hands on, summary.json last: a folder with summary.json is a
 * finished run (mlp_sweep_run_state_of), so it must not appear before the metrics. */
static const char *const run_files[] = {"metrics.csv", "summary.json"};

/* A JSON object {"run": index, "metrics.csv": text, "summary.json": text} added to array. */
static mlp_status add_run_files(cJSON *array, size_t index, const char *dir, mlp_error *err) {
    cJSON *item = cJSON_CreateObject();
    if (!item || !cJSON_AddItemToArray(array, item)) {
        cJSON_Delete(item);
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory gathering %s", dir);
    }
    if (!cJSON_AddNumberToObject(item, "run", (double)index))
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory gathering %s", dir);
    for (size_t f = 0; f < 2; f++) {
        char path[PATH_MAX], *text = NULL;
        MLP_TRY(mlp_path_join(path, dir, run_files[f], err));
        MLP_TRY(mlp_read_file(path, MLP_METRICS_MAX_BYTES, &text, NULL, err));
        bool added = cJSON_AddStringToObject(item, run_files[f], text) != NULL;
        free(text);
        if (!added) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory gathering %s", path);
    }
    return MLP_OK;
}

/* Writes the files of one gathered run into its folder, unless that run finished here too. */
static mlp_status write_run_files(const cJSON *item, const mlp_sweep_plan *plan, int from,
                                  mlp_error *err) {
    double index = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(item, "run"));
    if (!(index >= 0 && index < (double)plan->num_runs))
        return mlp_fail(err, MLP_ERR_FORMAT, "rank %d sent a run number out of range", from);
    const mlp_sweep_run *run = &plan->runs[(size_t)index];
    if (mlp_sweep_run_state_of(run->dir) == MLP_SWEEP_RUN_FINISHED) return MLP_OK;
    MLP_TRY(mlp_make_folders(run->dir, err));
    for (size_t f = 0; f < 2; f++) {
        const char *text =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, run_files[f]));
        char path[PATH_MAX];
        if (!text)
            return mlp_fail(err, MLP_ERR_FORMAT, "rank %d sent no %s for %s", from, run_files[f],
                            run->dir);
        MLP_TRY(mlp_path_join(path, run->dir, run_files[f], err));
        MLP_TRY(mlp_atomic_write_text(path, text, err));
    }
    return MLP_OK;
}

mlp_status mlp_sweep_gather_outcomes(mlp_world *world, const mlp_sweep_plan *plan, mlp_error *err) {
    int rank = mlp_world_rank(world), size = mlp_world_size(world);
    cJSON *mine = cJSON_CreateArray();
    mlp_status st = mine ? MLP_OK : mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    for (size_t i = (size_t)rank; st == MLP_OK && rank > 0 && i < plan->num_runs; i += (size_t)size)
        if (mlp_sweep_run_state_of(plan->runs[i].dir) == MLP_SWEEP_RUN_FINISHED)
            st = add_run_files(mine, i, plan->runs[i].dir, err);
    char *text = st == MLP_OK ? cJSON_PrintUnformatted(mine) : NULL;
    cJSON_Delete(mine);
    if (st == MLP_OK && !text) st = mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    /* Every rank takes part in the gather, even one that failed above (it sends no runs). */
    char **texts = NULL;
    mlp_status gathered =
        mlp_world_gather_texts(world, text ? text : "[]", &texts, st == MLP_OK ? err : NULL);
    free(text);
    if (st == MLP_OK) st = gathered;
    for (int r = 1; st == MLP_OK && texts && r < size; r++) {
        cJSON *runs = cJSON_Parse(texts[r]), *item;
        if (!cJSON_IsArray(runs))
            st = mlp_fail(err, MLP_ERR_FORMAT, "rank %d sent malformed run files", r);
        cJSON_ArrayForEach(item, runs) {
            if (st == MLP_OK) st = write_run_files(item, plan, r, err);
        }
        cJSON_Delete(runs);
    }
    mlp_world_free_texts(world, texts);
    return st == MLP_OK ? mlp_ok(err) : st;
}
