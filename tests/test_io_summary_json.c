#include "harness.h"
#include "io/summary_json.h"
#include "io_test_files.h"

#include <stdint.h>

static void test_summary_has_the_contract_keys(void) {
    char dir[512], path[600];
    CHECK(test_make_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/summary.json", dir);
    mlp_summary s = {.test_accuracy = NAN,
                     .test_loss = NAN,
                     .best_val_accuracy = 0.9125,
                     .best_epoch = 7,
                     .epochs_run = 10,
                     .steps = 12000,
                     .train_seconds = 12.5,
                     .samples_per_second = 48000.25,
                     .stop_reason = "early_stop",
                     .seed = UINT64_MAX,
                     .threads = 2};
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddStringToObject(extra, "note", "extra key");
    cJSON_AddNumberToObject(extra, "threads", 4); /* replaces the summary's value */
    mlp_error err;
    CHECK(mlp_summary_write(path, &s, extra, &err) == MLP_OK);
    cJSON_Delete(extra);
    char *text = test_read_file(path, NULL);
    CHECK(text);
    CHECK(strstr(text, "\"seed\":\t18446744073709551615")); /* exact, not rounded */
    cJSON *root = cJSON_Parse(text);
    CHECK(root);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(root, "test_accuracy")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(root, "test_loss")));
    CHECK(cJSON_GetObjectItem(root, "best_val_accuracy")->valuedouble == 0.9125);
    CHECK(cJSON_GetObjectItem(root, "best_epoch")->valuedouble == 7);
    CHECK(cJSON_GetObjectItem(root, "epochs_run")->valuedouble == 10);
    CHECK(cJSON_GetObjectItem(root, "steps")->valuedouble == 12000);
    CHECK(cJSON_GetObjectItem(root, "train_seconds")->valuedouble == 12.5);
    CHECK(cJSON_GetObjectItem(root, "samples_per_second")->valuedouble == 48000.25);
    CHECK(strcmp(cJSON_GetObjectItem(root, "stop_reason")->valuestring, "early_stop") == 0);
    CHECK(cJSON_GetObjectItem(root, "threads")->valuedouble == 4);
    CHECK(strcmp(cJSON_GetObjectItem(root, "note")->valuestring, "extra key") == 0);
    cJSON_Delete(root);
    free(text);

    s.best_epoch = 0; /* no validation: null */
    s.test_accuracy = 0.875;
    CHECK(mlp_summary_write(path, &s, NULL, &err) == MLP_OK);
    text = test_read_file(path, NULL);
    root = cJSON_Parse(text);
    CHECK(root && cJSON_IsNull(cJSON_GetObjectItem(root, "best_epoch")));
    CHECK(cJSON_GetObjectItem(root, "test_accuracy")->valuedouble == 0.875);
    CHECK(cJSON_GetObjectItem(root, "note") == NULL);
    cJSON_Delete(root);
    free(text);
    CHECK(test_count_entries(dir) == 1);
    test_remove_dir(dir);
}

static void test_unwritable_path_is_an_io_error(void) {
    mlp_summary s = {.stop_reason = "max_epochs"};
    mlp_error err;
    CHECK(mlp_summary_write("/nonexistent/summary.json", &s, NULL, &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/summary.json"));
}

int main(void) {
    RUN_TEST(test_summary_has_the_contract_keys);
    RUN_TEST(test_unwritable_path_is_an_io_error);
    return harness_finish();
}
