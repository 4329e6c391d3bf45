/* Grid parsing, combination order and folder names of sweeps. */
#include "harness.h"
#include "sweep/grid.h"
#include "sweep/plan.h"

static mlp_sweep_grid *grid_of(const char *const *axes, size_t n) {
    mlp_sweep_grid *grid = NULL;
    mlp_error err;
    CHECK(mlp_sweep_grid_new(&grid, &err) == MLP_OK);
    for (size_t i = 0; i < n; i++) {
        mlp_status status = mlp_sweep_grid_add_axis(grid, axes[i], &err);
        if (status != MLP_OK) mlp_sweep_grid_free(grid);
        CHECK_MSG(status == MLP_OK, "%s", err.message);
    }
    return grid;
}

static void check_name(const mlp_sweep_grid *grid, size_t combination, const char *expected) {
    char *name = NULL;
    mlp_error err;
    CHECK_MSG(mlp_sweep_grid_name(grid, combination, &name, &err) == MLP_OK, "%s", err.message);
    int same = strcmp(name, expected) == 0;
    if (!same) fprintf(stderr, "  name '%s', expected '%s'\n", name, expected);
    free(name);
    CHECK(same);
}

static void test_product_last_axis_fastest(void) {
    const char *axes[] = {"optimizer.kind=sgd,adam", "schedule.lr = 0.005, 0.01 ,0.02"};
    mlp_sweep_grid *grid = grid_of(axes, 2);
    CHECK(mlp_sweep_grid_num_combinations(grid) == 6);
    CHECK(mlp_sweep_grid_num_keys(grid) == 2);
    CHECK(strcmp(mlp_sweep_grid_key(grid, 1), "schedule.lr") == 0);
    CHECK(strcmp(mlp_sweep_grid_value(grid, 0, 0), "sgd") == 0);
    CHECK(strcmp(mlp_sweep_grid_value(grid, 2, 1), "0.02") == 0);
    CHECK(strcmp(mlp_sweep_grid_value(grid, 3, 0), "adam") == 0);
    CHECK(strcmp(mlp_sweep_grid_value(grid, 3, 1), "0.005") == 0);
    check_name(grid, 0, "optimizer.kind=sgd,schedule.lr=0.005");
    check_name(grid, 4, "optimizer.kind=adam,schedule.lr=0.01");
    mlp_sweep_grid_free(grid);
}

static void test_linked_keys_change_together(void) {
    const char *axes[] = {"optimizer.kind+optimizer.nesterov=sgd+true,adam+false,rmsprop+false",
                          "regularization.l2=1e+3"};
    mlp_sweep_grid *grid = grid_of(axes, 2);
    CHECK(mlp_sweep_grid_num_combinations(grid) == 3);
    CHECK(mlp_sweep_grid_num_keys(grid) == 3);
    CHECK(strcmp(mlp_sweep_grid_value(grid, 1, 0), "adam") == 0);
    CHECK(strcmp(mlp_sweep_grid_value(grid, 1, 1), "false") == 0);
    /* With one key a '+' is part of the value. */
    CHECK(strcmp(mlp_sweep_grid_value(grid, 1, 2), "1e+3") == 0);
    check_name(grid, 0, "optimizer.kind=sgd,optimizer.nesterov=true,regularization.l2=1e+3");
    mlp_sweep_grid_free(grid);
}

static void test_empty_grid_is_one_base_combination(void) {
    mlp_sweep_grid *grid = grid_of(NULL, 0);
    CHECK(mlp_sweep_grid_num_combinations(grid) == 1);
    check_name(grid, 0, "base");
    mlp_sweep_grid_free(grid);
}

static void test_names_escape_slashes(void) {
    const char *axes[] = {"data.train=a/b%c.csv,d"};
    mlp_sweep_grid *grid = grid_of(axes, 1);
    check_name(grid, 0, "data.train=a%2Fb%25c.csv");
    mlp_sweep_grid_free(grid);
}

static void check_rejected(const char *const *axes, size_t n, const char *fragment) {
    mlp_sweep_grid *grid = NULL;
    mlp_error err;
    CHECK(mlp_sweep_grid_new(&grid, &err) == MLP_OK);
    mlp_status status = MLP_OK;
    for (size_t i = 0; i < n && status == MLP_OK; i++)
        status = mlp_sweep_grid_add_axis(grid, axes[i], &err);
    mlp_sweep_grid_free(grid);
    CHECK_MSG(status == MLP_ERR_ARGUMENT, "'%s' accepted", axes[n - 1]);
    CHECK_MSG(strstr(err.message, fragment), "message '%s' lacks '%s'", err.message, fragment);
}

static void test_bad_axes_are_rejected_with_the_place(void) {
    check_rejected((const char *[]){"schedule.lr"}, 1, "no '='");
    check_rejected((const char *[]){"=1,2"}, 1, "key 1 is empty");
    check_rejected((const char *[]){"optim izer.lr=1"}, 1, "character ' '");
    check_rejected((const char *[]){"a.b=1,,2"}, 1, "value 2 of key 'a.b' is empty");
    check_rejected((const char *[]){"a.b=1,"}, 1, "value 2 of key 'a.b' is empty");
    check_rejected((const char *[]){"a.b=1,2,1"}, 1, "values 1 and 3 are the same");
    check_rejected((const char *[]){"a.b+a.c=1+2,3"}, 1, "value 2 at byte 12 has 1 parts");
    check_rejected((const char *[]){"a.b+a.b=1+2"}, 1, "key 'a.b' appears twice");
    check_rejected((const char *[]){"a.b=1,2", "a.c+a.b=1+2"}, 2, "already swept");
    check_rejected((const char *[]){"a.b=1\t\x01"}, 1, "control character");
}

static void test_too_many_combinations_is_an_error(void) {
    static char axis[2][8000];
    for (int a = 0; a < 2; a++) {
        int used = snprintf(axis[a], sizeof axis[a], "k.%c=0", 'a' + a);
        for (int v = 1; v < 1000; v++)
            used += snprintf(axis[a] + used, sizeof axis[a] - (size_t)used, ",%d", v);
    }
    check_rejected((const char *[]){axis[0], axis[1]}, 2, "more than 100000 combinations");
}

static void test_too_long_name_is_an_error(void) {
    static char axis[400];
    memset(axis, 'x', sizeof axis - 1);
    memcpy(axis, "a.b=", 4);
    mlp_sweep_grid *grid = grid_of((const char *[]){axis}, 1);
    char *name = NULL;
    mlp_error err;
    mlp_status status = mlp_sweep_grid_name(grid, 0, &name, &err);
    mlp_sweep_grid_free(grid);
    CHECK(status == MLP_ERR_ARGUMENT && !name);
    CHECK(strstr(err.message, "longer than 255 bytes"));
}

static void test_plan_folders_and_paired_seeds(void) {
    mlp_sweep_grid *grid = grid_of((const char *[]){"schedule.lr=0.1,0.2"}, 1);
    mlp_sweep_plan *plan = NULL;
    mlp_error err;
    CHECK(mlp_sweep_plan_new(&plan, grid, 3, 42, "runs/x", &err) == MLP_OK);
    CHECK(plan->num_runs == 6);
    const mlp_sweep_run *run = &plan->runs[4]; /* second combination, repeat 2 */
    CHECK(run->combination == 1 && run->repeat == 2 && run->seed == 43);
    CHECK(strcmp(run->dir, "runs/x/schedule.lr=0.2/repeat-2") == 0);
    CHECK(strcmp(run->log_path, "runs/x/schedule.lr=0.2/repeat-2.log") == 0);
    /* Repeat r has the same seed in every combination, distinct seeds across repeats. */
    CHECK(plan->runs[1].seed == run->seed && plan->runs[0].seed != plan->runs[2].seed);
    CHECK(mlp_sweep_plan_new(&plan, grid, 0, 42, "runs/x", &err) == MLP_ERR_ARGUMENT);
    mlp_sweep_plan_free(plan);
    mlp_sweep_grid_free(grid);
}

int main(void) {
    RUN_TEST(test_product_last_axis_fastest);
    RUN_TEST(test_linked_keys_change_together);
    RUN_TEST(test_empty_grid_is_one_base_combination);
    RUN_TEST(test_names_escape_slashes);
    RUN_TEST(test_bad_axes_are_rejected_with_the_place);
    RUN_TEST(test_too_many_combinations_is_an_error);
    RUN_TEST(test_too_long_name_is_an_error);
    RUN_TEST(test_plan_folders_and_paired_seeds);
    return harness_finish();
}
