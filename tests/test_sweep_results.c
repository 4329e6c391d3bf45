/* Results tables of sweeps, from run folders made here with summary.json and metrics.csv as the
 * trainer writes them (see the contracts), and the run states a sweep resumes from. */
#include "harness.h"
#include "sweep/outcome.h"
#include "sweep/plan.h"
#include "sweep/results.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void write_file(const char *dir, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f);
    fputs(text, f);
    fclose(f);
}

static void make_run(const char *dir, double final_val, double best_val, const char *test,
                     int epochs, double seconds) {
    mkdir(dir, 0777);
    char text[1024];
    snprintf(text, sizeof text,
             "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n"
             "0.5,10,0.1,50,1.2,0.5,,,0.1\n"
             "1,20,0.1,50,1,0.6,0.9,0.5,0.2\n"
             "%d,40,0.1,50,0.8,0.7,0.7,%.6g,%.6g\n"
             "%d.5,50,0.1,50,0.8,0.7,,,%.6g\n",
             epochs, final_val, seconds, epochs, seconds);
    write_file(dir, "metrics.csv", text);
    snprintf(text, sizeof text,
             "{\"test_accuracy\": %s, \"test_loss\": 0.5, \"best_val_accuracy\": %.6g,\n"
             " \"best_epoch\": 1, \"epochs_run\": %d, \"steps\": 40, \"train_seconds\": %.6g,\n"
             " \"samples_per_second\": 1000, \"stop_reason\": \"max_epochs\", \"seed\": 1,\n"
             " \"threads\": 1}\n",
             test, best_val, epochs, seconds);
    write_file(dir, "summary.json", text);
}

static mlp_sweep_grid *make_grid(const char *axis) {
    mlp_sweep_grid *grid = NULL;
    CHECK(mlp_sweep_grid_new(&grid, NULL) == MLP_OK);
    CHECK(mlp_sweep_grid_add_axis(grid, axis, NULL) == MLP_OK);
    return grid;
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    static char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void test_table_mean_and_sample_std(void) {
    char out[128];
    snprintf(out, sizeof out, "%s/table", root);
    mlp_sweep_grid *grid = make_grid("optimizer.kind+schedule.lr=adam+0.01,sgd|x+0.1");
    mlp_sweep_plan *plan = NULL;
    mlp_error err;
    CHECK(mlp_sweep_plan_new(&plan, grid, 2, 1, out, &err) == MLP_OK);
    CHECK_MSG(mlp_sweep_plan_make_dirs(plan, &err) == MLP_OK, "%s", err.message);
    /* adam: two repeats; sgd: one finished, one without any files. */
    make_run(plan->runs[0].dir, 0.80, 0.85, "0.79", 4, 10);
    make_run(plan->runs[1].dir, 0.90, 0.95, "0.81", 6, 20);
    make_run(plan->runs[2].dir, 0.70, 0.75, "null", 3, 5);
    char *md = NULL;
    CHECK_MSG(mlp_sweep_write_results(plan, &md, &err) == MLP_OK, "%s", err.message);
    /* mean(0.80, 0.90) = 0.85, sample std = sqrt(((0.05)^2 * 2) / 1) = 0.0707 */
    const char *expected_md =
        "| optimizer.kind | schedule.lr | runs | final val acc | best val acc | test acc | "
        "epochs | seconds |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        "| adam | 0.01 | 2/2 | 0.8500 ± 0.0707 | 0.9000 ± 0.0707 | 0.8000 ± 0.0141 | "
        "5.0 ± 1.4 | 15.0 ± 7.1 |\n"
        "| sgd\\|x | 0.1 | 1/2 | 0.7000 | 0.7500 | – | 3.0 | 5.0 |\n";
    CHECK_MSG(strcmp(md, expected_md) == 0, "got\n%s", md);
    char path[256];
    snprintf(path, sizeof path, "%s/results.md", out);
    CHECK(strcmp(read_all(path), expected_md) == 0);
    snprintf(path, sizeof path, "%s/results.csv", out);
    const char *expected_csv =
        "optimizer.kind,schedule.lr,runs_done,runs,final_val_accuracy_mean,"
        "final_val_accuracy_std,best_val_accuracy_mean,best_val_accuracy_std,test_accuracy_mean,"
        "test_accuracy_std,epochs_mean,epochs_std,seconds_mean,seconds_std\n"
        "adam,0.01,2,2,0.85,0.0707107,0.9,0.0707107,0.8,0.0141421,5,1.41421,15,7.07107\n"
        "sgd|x,0.1,1,2,0.7,,0.75,,,,3,,5,\n";
    const char *csv = read_all(path);
    CHECK_MSG(strcmp(csv, expected_csv) == 0, "got\n%s", csv);
    free(md);
    mlp_sweep_plan_free(plan);
    mlp_sweep_grid_free(grid);
}

static void test_run_states(void) {
    char dir[128];
    snprintf(dir, sizeof dir, "%s/state", root);
    mkdir(dir, 0777);
    CHECK(mlp_sweep_run_state_of(dir) == MLP_SWEEP_RUN_NEW);
    write_file(dir, "last.safetensors", "x");
    CHECK(mlp_sweep_run_state_of(dir) == MLP_SWEEP_RUN_RESUME);
    write_file(dir, "summary.json", "{\"stop_reason\": \"interrupted\"}");
    CHECK(mlp_sweep_run_state_of(dir) == MLP_SWEEP_RUN_RESUME);
    write_file(dir, "summary.json", "{\"stop_reason\": \"early_stop\"}");
    CHECK(mlp_sweep_run_state_of(dir) == MLP_SWEEP_RUN_FINISHED);
    /* A truncated summary (not written whole) does not count as finished. */
    write_file(dir, "summary.json", "{\"stop_reason\": \"max_ep");
    CHECK(mlp_sweep_run_state_of(dir) == MLP_SWEEP_RUN_RESUME);
}

static void check_outcome_error(const char *summary, const char *metrics, const char *fragment) {
    char dir[128];
    snprintf(dir, sizeof dir, "%s/bad", root);
    mkdir(dir, 0777);
    write_file(dir, "summary.json", summary);
    write_file(dir, "metrics.csv", metrics);
    mlp_sweep_outcome outcome;
    mlp_error err;
    CHECK(mlp_sweep_read_outcome(dir, &outcome, &err) == MLP_ERR_FORMAT);
    CHECK_MSG(strstr(err.message, fragment), "message '%s' lacks '%s'", err.message, fragment);
    CHECK(strstr(err.message, dir));
}

static void test_bad_run_files_are_named(void) {
    const char *good_summary = "{\"test_accuracy\": null, \"best_val_accuracy\": 0.5, "
                               "\"epochs_run\": 1, \"train_seconds\": 1, \"stop_reason\": \"x\"}";
    const char *good_metrics =
        "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n"
        "1,10,0.1,50,1,0.5,1,0.5,1\n";
    check_outcome_error("[1, 2]", good_metrics, "the top level is not a JSON object");
    check_outcome_error("{\"a\": 1} x", good_metrics, "byte 9: malformed JSON");
    check_outcome_error("{\"best_val_accuracy\": \"high\"}", good_metrics,
                        "\"best_val_accuracy\" is not a number or null");
    check_outcome_error("{\"best_val_accuracy\": 1, \"test_accuracy\": 1, \"train_seconds\": 1, "
                        "\"stop_reason\": \"x\"}",
                        good_metrics, "no key \"epochs_run\"");
    check_outcome_error(good_summary, "epoch,val_acc\n", "metrics.csv:1: header is");
}

int main(void) {
    snprintf(root, sizeof root, "/tmp/mlp-test-sweep-XXXXXX");
    if (!mkdtemp(root)) return 1;
    RUN_TEST(test_table_mean_and_sample_std);
    RUN_TEST(test_run_states);
    RUN_TEST(test_bad_run_files_are_named);
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    if (system(command) != 0) fprintf(stderr, "could not remove %s\n", root);
    return harness_finish();
}
