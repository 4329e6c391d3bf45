#include "sweep/outcome.h"

#include "io/metrics_log.h"
#include "util/error.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A summary.json is a few hundred bytes; anything this large is not one. */
#define MAX_SUMMARY_BYTES (1 << 20)

static bool file_exists(const char *dir, const char *name) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Reads path whole into a NUL-terminated *text (caller frees). */
static mlp_status read_text(const char *path, size_t max_bytes, char **text, mlp_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return mlp_fail(err, MLP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *buffer = malloc(max_bytes + 1);
    size_t n = buffer ? fread(buffer, 1, max_bytes + 1, f) : 0;
    bool failed = buffer && ferror(f);
    fclose(f);
    if (!buffer) return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory reading", path);
    if (failed || n > max_bytes) {
        free(buffer);
        return failed ? mlp_fail(err, MLP_ERR_IO, "%s: read error", path)
                      : mlp_fail(err, MLP_ERR_FORMAT, "%s: larger than %zu bytes", path, max_bytes);
    }
    buffer[n] = '\0';
    *text = buffer;
    return mlp_ok(err);
}

static mlp_status parse_summary(const char *path, cJSON **json, mlp_error *err) {
    char *text = NULL;
    MLP_TRY(read_text(path, MAX_SUMMARY_BYTES, &text, err));
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
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    cJSON *json = NULL;
    if (parse_summary(path, &json, NULL) == MLP_OK) {
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
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
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

/* val_accuracy of the last metrics.csv row that has one (NaN when none has). */
static mlp_status read_final_val_accuracy(const char *dir, double *value, mlp_error *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    mlp_metrics_row *rows = NULL;
    size_t count = 0;
    MLP_TRY(mlp_metrics_read(path, &rows, &count, err));
    *value = NAN;
    for (size_t i = count; i-- > 0;)
        if (isfinite(rows[i].val_accuracy)) {
            *value = rows[i].val_accuracy;
            break;
        }
    free(rows);
    return mlp_ok(err);
}

mlp_status mlp_sweep_read_outcome(const char *dir, mlp_sweep_outcome *outcome, mlp_error *err) {
    memset(outcome, 0, sizeof *outcome);
    MLP_TRY(read_summary(dir, outcome, err));
    return read_final_val_accuracy(dir, &outcome->final_val_accuracy, err);
}
