#include "io/summary_json.h"

#include "io/atomic_file.h"
#include "util/error.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number, or null when it is not finite (not computed). */
static bool add_number(cJSON *object, const char *key, double value) {
    return isfinite(value) ? cJSON_AddNumberToObject(object, key, value) != NULL
                           : cJSON_AddNullToObject(object, key) != NULL;
}

/* An unsigned integer written exactly (cJSON numbers are doubles, exact only below 2^53). */
static bool add_u64(cJSON *object, const char *key, uint64_t value) {
    char text[24];
    snprintf(text, sizeof text, "%" PRIu64, value);
    return cJSON_AddRawToObject(object, key, text) != NULL;
}

mlp_status mlp_json_write(const char *path, const cJSON *value, mlp_error *err) {
    char *text = cJSON_Print(value);
    if (!text) return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory formatting JSON", path);
    size_t length = strlen(text);
    char *with_newline = realloc(text, length + 2);
    if (!with_newline) {
        free(text);
        return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory formatting JSON", path);
    }
    with_newline[length] = '\n';
    with_newline[length + 1] = '\0';
    mlp_status status = mlp_atomic_write(path, with_newline, length + 1, err);
    free(with_newline);
    return status;
}

mlp_status mlp_summary_write(const char *path, const mlp_summary *s, const cJSON *extra,
                             mlp_error *err) {
    cJSON *root = cJSON_CreateObject();
    bool ok = root && add_number(root, "test_accuracy", s->test_accuracy) &&
              add_number(root, "test_loss", s->test_loss) &&
              add_number(root, "best_val_accuracy", s->best_val_accuracy) &&
              (s->best_epoch ? add_u64(root, "best_epoch", s->best_epoch)
                             : cJSON_AddNullToObject(root, "best_epoch") != NULL) &&
              add_u64(root, "epochs_run", s->epochs_run) && add_u64(root, "steps", s->steps) &&
              add_number(root, "train_seconds", s->train_seconds) &&
              add_number(root, "samples_per_second", s->samples_per_second) &&
              cJSON_AddStringToObject(root, "stop_reason", s->stop_reason ? s->stop_reason : "") &&
              add_u64(root, "seed", s->seed) &&
              cJSON_AddNumberToObject(root, "threads", s->threads);
    for (const cJSON *item = extra ? extra->child : NULL; ok && item; item = item->next) {
        cJSON *copy = cJSON_Duplicate(item, true);
        ok = copy != NULL;
        if (ok && cJSON_GetObjectItemCaseSensitive(root, item->string))
            ok = cJSON_ReplaceItemInObjectCaseSensitive(root, item->string, copy);
        else if (ok)
            ok = cJSON_AddItemToObject(root, item->string, copy);
    }
    mlp_status status =
        ok ? mlp_json_write(path, root, err)
           : mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory building the summary", path);
    cJSON_Delete(root);
    return status;
}
