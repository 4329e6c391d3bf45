/* mlp_plot_curves: run folders and sweep folders drawn to PNG and SVG, averaging over repeats,
 * and clear errors for bad input; mlp_plot_tune on a tune folder and its results.json reader. Every
 * metrics.csv and results.json here is written by the test. */
#include "report/plot_lines.h"
#include "report/plot_tune.h"
#include "report_check.h"

#define HEADER "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n"

/* A run folder dir/name with `epochs` epochs of a decaying loss (every 10 steps one row without
 * validation, each epoch one full row); `offset` shifts the loss so runs differ. */
static void make_run(const char *dir, const char *name, int epochs, double offset) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char command[600];
    snprintf(command, sizeof command, "mkdir -p '%s'", path);
    CHECK(system(command) == 0);
    snprintf(path, sizeof path, "%s/%s/metrics.csv", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(HEADER, f);
    for (int e = 1; e <= epochs; e++) {
        double loss = offset + 2.0 / e;
        fprintf(f, "%g,%d,0.01,50,%g,%g,,,%g\n", e - 0.5, e * 20 - 10, loss + 0.1,
                1.0 / (1.0 + loss), e - 0.5);
        fprintf(f, "%d,%d,0.01,50,%g,%g,%g,%g,%d\n", e, e * 20, loss, 1.0 / (1.0 + loss),
                loss + 0.2, 1.0 / (1.2 + loss), e);
    }
    fclose(f);
}

static void test_several_runs_on_one_png(void) {
    char dir[64], out[128];
    make_temp_dir(dir, sizeof dir);
    make_run(dir, "lr-0.01", 10, 0.0);
    make_run(dir, "lr-0.02", 8, 0.3);
    make_run(dir, "lr-0.05", 12, 0.6);
    char a[128], b[128], c[128];
    snprintf(a, sizeof a, "%s/lr-0.01", dir);
    snprintf(b, sizeof b, "%s/lr-0.02/", dir);
    snprintf(c, sizeof c, "%s/lr-0.05", dir);
    const char *runs[] = {a, b, c};
    snprintf(out, sizeof out, "%s/curves.png", dir);
    mlp_error err;
    CHECK_MSG(mlp_plot_curves(runs, 3, NULL, out, &err) == MLP_OK, "%s", err.message);
    /* White page, black ink, grey grid, three series colours and anti-aliased shades. */
    check_png(out, 1200, 800, 8);
    CHECK(count_files_starting(dir, "curves.png.tmp") == 0);
    remove_tree(dir);
}

static void test_options_set_size_and_svg_is_written(void) {
    char dir[64], out[128], run[128];
    make_temp_dir(dir, sizeof dir);
    make_run(dir, "run", 5, 0.0);
    snprintf(run, sizeof run, "%s/run", dir);
    const char *runs[] = {run};
    mlp_plot_options options;
    mlp_plot_options_default(&options);
    options.width = 640;
    options.height = 480;
    options.x_axis = MLP_PLOT_X_EPOCHS;
    options.title = "Five epochs";
    snprintf(out, sizeof out, "%s/small.png", dir);
    mlp_error err;
    CHECK_MSG(mlp_plot_curves(runs, 1, &options, out, &err) == MLP_OK, "%s", err.message);
    check_png(out, 640, 480, 5);
    snprintf(out, sizeof out, "%s/curves.SVG", dir);
    CHECK_MSG(mlp_plot_curves(runs, 1, &options, out, &err) == MLP_OK, "%s", err.message);
    FILE *f = fopen(out, "r");
    CHECK(f != NULL);
    char head[512] = {0};
    size_t got = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    CHECK(got > 100);
    CHECK(strstr(head, "<svg") != NULL && strstr(head, "width=\"640") != NULL);
    remove_tree(dir);
}

static void test_sweep_averages_repeats(void) {
    char dir[64], sweep[128], path[256];
    make_temp_dir(dir, sizeof dir);
    snprintf(sweep, sizeof sweep, "%s/sweep", dir);
    make_run(sweep, "kind=adam,lr=0.01/repeat-1", 4, 0.0);
    make_run(sweep, "kind=adam,lr=0.01/repeat-2", 4, 1.0);
    make_run(sweep, "kind=adam,lr=0.01/repeat-3", 2, 2.0); /* stopped early */
    make_run(sweep, "kind=sgd,lr=0.01/repeat-1", 4, 0.5);
    make_run(sweep, "kind=sgd,lr=0.01/repeat-2", 4, 0.5);
    snprintf(path, sizeof path, "%s/results.md", sweep); /* files beside combinations: ignored */
    write_text(path, "# results\n");
    const char *dirs[] = {sweep};
    plot_lines lines;
    mlp_error err;
    CHECK_MSG(plot_lines_load(&lines, dirs, 1, &err) == MLP_OK, "%s", err.message);
    CHECK(lines.num_lines == 2 && lines.max_repeats == 3);
    /* Combination folders sorted by name; the shared setting lr=0.01 is dropped from names. */
    CHECK_MSG(strcmp(lines.lines[0].name, "kind=adam") == 0, "%s", lines.lines[0].name);
    CHECK(strcmp(lines.lines[1].name, "kind=sgd") == 0);
    const curve *val = &lines.lines[0].curves[CURVE_VAL_LOSS];
    CHECK(val->num_points == 4);
    /* Epoch 1: val loss 2.2, 3.2, 4.2 -> mean 3.2, sample std 1; epoch 3: 2 repeats. */
    CHECK_CLOSE(val->mean[0], 3.2, 1e-5); /* files hold %g: 6 digits */
    CHECK_CLOSE(val->std[0], 1.0, 1e-5);
    CHECK_CLOSE(val->step[0], 20, 1e-9);
    CHECK_CLOSE(val->mean[2], (2.0 / 3 + 0.2) + 0.5, 1e-5);
    CHECK_CLOSE(val->std[2], sqrt(0.5), 1e-5);
    CHECK_CLOSE(lines.lines[1].curves[CURVE_TRAIN_LOSS].std[0], 0.0, 1e-12);
    /* Logged every 10 steps: training curves take the step rows only (epochs 0.5, 1.5, ...),
     * not the epoch rows, whose means cover the whole epoch. */
    const curve *train = &lines.lines[1].curves[CURVE_TRAIN_LOSS];
    CHECK(train->num_points == 4);
    CHECK_CLOSE(train->epoch[1], 1.5, 1e-9);
    CHECK_CLOSE(train->mean[1], 0.5 + 2.0 / 2 + 0.1, 1e-5);
    plot_lines_free(&lines);

    snprintf(path, sizeof path, "%s/sweep.png", dir);
    CHECK_MSG(mlp_plot_curves(dirs, 1, NULL, path, &err) == MLP_OK, "%s", err.message);
    check_png(path, 1200, 800, 8);
    remove_tree(dir);
}

static void test_same_folder_names_use_paths(void) {
    char dir[64], a[128], b[128];
    make_temp_dir(dir, sizeof dir);
    make_run(dir, "a/run", 3, 0.0);
    make_run(dir, "b/run", 3, 0.0);
    snprintf(a, sizeof a, "%s/a/run", dir);
    snprintf(b, sizeof b, "%s/b/run", dir);
    const char *dirs[] = {a, b};
    plot_lines lines;
    mlp_error err;
    CHECK_MSG(plot_lines_load(&lines, dirs, 2, &err) == MLP_OK, "%s", err.message);
    CHECK(strcmp(lines.lines[0].name, a) == 0 && strcmp(lines.lines[1].name, b) == 0);
    plot_lines_free(&lines);
    remove_tree(dir);
}

/* mlp_plot_curves must fail with `status`, a message containing needle, and no output file. */
static void check_plot_fails(const char *run, const char *out, mlp_status status,
                             const char *needle) {
    const char *dirs[] = {run};
    mlp_error err;
    mlp_status got = mlp_plot_curves(dirs, 1, NULL, out, &err);
    CHECK_MSG(got == status, "status %d: %s", got, err.message);
    CHECK_MSG(strstr(err.message, needle) != NULL, "'%s' lacks '%s'", err.message, needle);
    CHECK(!file_exists(out));
}

static void test_bad_input_gives_clear_errors(void) {
    char dir[64], run[128], out[128], path[256];
    make_temp_dir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out.png", dir);
    snprintf(run, sizeof run, "%s/missing", dir);
    check_plot_fails(run, out, MLP_ERR_IO, "missing: No such file or directory");

    snprintf(run, sizeof run, "%s/empty", dir);
    CHECK(mkdir(run, 0755) == 0);
    check_plot_fails(run, out, MLP_ERR_IO, "no metrics.csv (not a run folder)");

    snprintf(path, sizeof path, "%s/empty/combination", dir);
    CHECK(mkdir(path, 0755) == 0);
    check_plot_fails(run, out, MLP_ERR_IO, "combination: no repeat folder with a metrics.csv");

    make_run(dir, "bad", 2, 0.0);
    snprintf(run, sizeof run, "%s/bad", dir);
    snprintf(path, sizeof path, "%s/bad/metrics.csv", dir);
    write_text(path, HEADER "1,20,0.01,50,1.5,0.55,1.6,0.5,3\n2,40,0.01,50,x,0.6,1,0.6,6\n");
    check_plot_fails(run, out, MLP_ERR_FORMAT, "bad/metrics.csv:3: field 5 (train_loss)");

    write_text(path, HEADER);
    check_plot_fails(run, out, MLP_ERR_FORMAT, "metrics.csv has no rows to plot");

    make_run(dir, "good", 2, 0.0);
    snprintf(run, sizeof run, "%s/good", dir);
    snprintf(path, sizeof path, "%s/out.jpg", dir);
    check_plot_fails(run, path, MLP_ERR_ARGUMENT, "out.jpg: unknown picture format");
    snprintf(path, sizeof path, "%s/png", dir);
    check_plot_fails(run, path, MLP_ERR_ARGUMENT, "must end in .png or .svg");
    snprintf(path, sizeof path, "%s/no-such-folder/out.png", dir);
    check_plot_fails(run, path, MLP_ERR_IO, "out.png: cannot create");
    CHECK(count_files_starting(dir, "out.png.tmp") == 0);

    mlp_plot_options options;
    mlp_plot_options_default(&options);
    options.width = 50000;
    const char *dirs[] = {run};
    mlp_error err;
    CHECK(mlp_plot_curves(dirs, 1, &options, out, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "picture size 50000x800") != NULL);
    CHECK(mlp_plot_curves(dirs, 0, NULL, out, &err) == MLP_ERR_ARGUMENT);
    remove_tree(dir);
}

/* A tune folder as mlp tune leaves it: rungs at 1, 3, 9 epochs; trial-002 reached rung 2 (the
 * best), trial-001 and trial-004 rung 1, trial-003 and trial-005 rung 0, trial-006 failed. */
static void make_tune(const char *dir) {
    make_run(dir, "trial-002", 9, 0.0);
    make_run(dir, "trial-001", 3, 0.4);
    make_run(dir, "trial-004", 3, 0.6);
    make_run(dir, "trial-003", 1, 0.8);
    make_run(dir, "trial-005", 1, 1.0);
    char path[256];
    snprintf(path, sizeof path, "%s/results.json", dir);
    write_text(path,
               "{\"method\": \"asha\", \"sampler\": \"halton\", \"metric\": \"accuracy\",\n"
               " \"seed\": \"1\", \"rung_epochs\": [1, 3, 9], \"trials\": [\n"
               " {\"rank\": 1, \"trial\": \"trial-002\", \"rung\": 2, \"val_accuracy\": 0.9,"
               " \"val_loss\": 0.4},\n"
               " {\"trial\": \"trial-001\", \"rung\": 1, \"val_accuracy\": 0.6, \"val_loss\": 1},\n"
               " {\"trial\": \"trial-004\", \"rung\": 1, \"val_accuracy\": 0.5, \"val_loss\": 1},\n"
               " {\"trial\": \"trial-003\", \"rung\": 0, \"val_accuracy\": 0.4, \"val_loss\": 2},\n"
               " {\"trial\": \"trial-005\", \"rung\": 0, \"val_accuracy\": 0.3, \"val_loss\": 2},\n"
               " {\"trial\": \"trial-006\", \"rung\": null, \"val_accuracy\": null,"
               " \"val_loss\": null}]}\n");
}

static void test_tune_folder_png_and_svg(void) {
    char dir[64], out[128];
    make_temp_dir(dir, sizeof dir);
    make_tune(dir);
    snprintf(out, sizeof out, "%s/tune.png", dir);
    mlp_error err;
    CHECK_MSG(mlp_plot_tune(dir, NULL, out, &err) == MLP_OK, "%s", err.message);
    /* White, black ink, grey grid, three rung colours and anti-aliased shades. */
    check_png(out, 1200, 700, 8);
    CHECK(count_files_starting(dir, "tune.png.tmp") == 0);
    mlp_plot_options options;
    mlp_plot_options_default(&options);
    options.width = 800;
    options.height = 500;
    options.title = "six trials";
    snprintf(out, sizeof out, "%s/small.png", dir);
    CHECK_MSG(mlp_plot_tune(dir, &options, out, &err) == MLP_OK, "%s", err.message);
    check_png(out, 800, 500, 8);
    snprintf(out, sizeof out, "%s/tune.svg", dir);
    CHECK_MSG(mlp_plot_tune(dir, &options, out, &err) == MLP_OK, "%s", err.message);
    CHECK(file_exists(out));
    remove_tree(dir);
}

static void test_tune_json_read(void) {
    plot_tune_info info;
    mlp_error err;
    const char *good = "{\"metric\": \"loss\", \"rung_epochs\": [2, 6], \"trials\": ["
                       "{\"trial\": \"trial-007\", \"rung\": 1, \"val_accuracy\": 0.5, "
                       "\"val_loss\": 0.25}, {\"trial\": \"trial-010\", \"rung\": null}]}";
    CHECK_MSG(plot_tune_parse(good, "t.json", &info, &err) == MLP_OK, "%s", err.message);
    CHECK(info.by_loss && info.num_rungs == 2 && info.rung_epochs[1] == 6);
    CHECK(info.num_trials == 2 && strcmp(info.trials[0].name, "trial-007") == 0);
    CHECK(info.trials[0].rung == 1 && info.trials[0].val_loss == 0.25);
    CHECK(info.trials[1].rung == -1 && isnan(info.trials[1].val_accuracy));
    plot_tune_info_free(&info);
    const struct {
        const char *text, *needle;
    } bad[] = {
        {"", "t.json: byte 0: malformed JSON"},
        {"{\"metric\": \"loss\",", "malformed JSON"},
        {"[]", "not a JSON object"},
        {"{\"rung_epochs\": [1], \"trials\": []}", "\"metric\" is not"},
        {"{\"metric\": \"f1\", \"rung_epochs\": [1], \"trials\": []}", "\"metric\" is not"},
        {"{\"metric\": \"loss\", \"trials\": []}", "\"rung_epochs\" is not an array"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [], \"trials\": []}", "rung_epochs"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [0], \"trials\": []}", "positive number"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [\"3\"], \"trials\": []}", "positive"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [1]}", "\"trials\" is not an array"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [1], \"trials\": [{\"rung\": 0}]}",
         "trials[0]: \"trial\" is not trial-NNN"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [1], \"trials\": [{\"trial\": \"../x\"}]}",
         "trials[0]: \"trial\" is not trial-NNN"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [1], \"trials\": [{\"trial\": \"trial-1/\"}]}",
         "is not trial-NNN"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [1], \"trials\": [{\"trial\": \"trial-1\", "
         "\"rung\": 1}]}",
         "trials[0]: \"rung\" is not null or a rung from 0 to 0"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [1], \"trials\": [{\"trial\": \"trial-1\", "
         "\"rung\": 0.5}]}",
         "\"rung\" is not"},
        {"{\"metric\": \"loss\", \"rung_epochs\": [1], \"trials\": [{\"trial\": \"trial-1\", "
         "\"rung\": 0, \"val_loss\": \"low\"}]}",
         "must be numbers or null"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mlp_status st = plot_tune_parse(bad[i].text, "t.json", &info, &err);
        CHECK_MSG(st == MLP_ERR_FORMAT, "'%s' parsed (%d)", bad[i].text, (int)st);
        CHECK_MSG(strstr(err.message, bad[i].needle) != NULL, "'%s' lacks '%s'", err.message,
                  bad[i].needle);
        CHECK(info.trials == NULL);
    }
}

static void test_tune_folder_bad_input(void) {
    char dir[64], out[128], path[256];
    make_temp_dir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/tune.png", dir);
    mlp_error err;
    CHECK(mlp_plot_tune(dir, NULL, out, &err) == MLP_ERR_IO);
    CHECK_MSG(strstr(err.message, "no results.json") != NULL, "%s", err.message);
    snprintf(path, sizeof path, "%s/results.json", dir);
    write_text(path, "{\"metric\": \"accuracy\", \"rung_epochs\": [1], \"trials\": "
                     "[{\"trial\": \"trial-001\", \"rung\": null}]}");
    CHECK(mlp_plot_tune(dir, NULL, out, &err) == MLP_ERR_STATE);
    CHECK_MSG(strstr(err.message, "no trial finished a step") != NULL, "%s", err.message);
    write_text(path, "{\"metric\": \"accuracy\", \"rung_epochs\": [1], \"trials\": "
                     "[{\"trial\": \"trial-001\", \"rung\": 0}]}");
    CHECK(mlp_plot_tune(dir, NULL, out, &err) == MLP_ERR_IO); /* trial-001/metrics.csv missing */
    CHECK_MSG(strstr(err.message, "trial-001") != NULL, "%s", err.message);
    CHECK(!file_exists(out));
    CHECK(mlp_plot_tune(NULL, NULL, out, &err) == MLP_ERR_ARGUMENT);
    remove_tree(dir);
}

int main(void) {
    RUN_TEST(test_several_runs_on_one_png);
    RUN_TEST(test_options_set_size_and_svg_is_written);
    RUN_TEST(test_sweep_averages_repeats);
    RUN_TEST(test_same_folder_names_use_paths);
    RUN_TEST(test_bad_input_gives_clear_errors);
    RUN_TEST(test_tune_folder_png_and_svg);
    RUN_TEST(test_tune_json_read);
    RUN_TEST(test_tune_folder_bad_input);
    return harness_finish();
}
