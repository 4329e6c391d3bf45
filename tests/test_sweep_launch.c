/* The command lines, settings, config checks and environments of a sweep's runs. */
#include "harness.h"
#include "sweep/grid.h"
#include "sweep/launch.h"
#include "sweep/plan.h"

static char *joined(const mlp_string_list *list) {
    static char text[2048];
    text[0] = '\0';
    for (size_t i = 0; i < list->count; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", i ? " " : "",
                 list->items[i]);
    return text;
}

static void test_run_argv_new_and_resumed(void) {
    mlp_sweep_grid *grid = NULL;
    mlp_sweep_plan *plan = NULL;
    mlp_error err;
    CHECK(mlp_sweep_grid_new(&grid, &err) == MLP_OK);
    CHECK(mlp_sweep_grid_add_axis(grid, "schedule.lr=0.1,0.2", &err) == MLP_OK);
    CHECK(mlp_sweep_plan_new(&plan, grid, 2, 7, "out", &err) == MLP_OK);
    char *sets[] = {"training.epochs=3"};
    mlp_sweep_base base = {"c.ini", sets, 1};
    mlp_string_list argv = {0};
    mlp_sweep_run_argv("/bin/mlp", &base, plan, &plan->runs[3], false, 2, &argv);
    CHECK(!argv.failed && argv.items[argv.count] == NULL);
    CHECK_MSG(strcmp(joined(&argv), "/bin/mlp train c.ini --quiet --set training.epochs=3 --set "
                                    "schedule.lr=0.2 --set seed=8 --set threads=2 --out "
                                    "out/schedule.lr=0.2/repeat-2") == 0,
              "%s", joined(&argv));
    mlp_string_list_free(&argv);
    mlp_sweep_run_argv("/bin/mlp", &base, plan, &plan->runs[0], true, 0, &argv);
    CHECK(strcmp(joined(&argv), "/bin/mlp train --resume out/schedule.lr=0.1/repeat-1 --quiet") ==
          0);
    mlp_string_list_free(&argv);
    mlp_sweep_plan_free(plan);
    mlp_sweep_grid_free(grid);
}

static void test_bad_combination_is_named(void) {
    mlp_sweep_grid *grid = NULL;
    mlp_error err;
    CHECK(mlp_sweep_grid_new(&grid, &err) == MLP_OK);
    CHECK(mlp_sweep_grid_add_axis(grid, "schedule.lr=0.1,-1", &err) == MLP_OK);
    char *sets[] = {"data.train=x.csv"};
    mlp_sweep_base base = {NULL, sets, 1};
    uint64_t seed = 0;
    bool threads = true;
    CHECK(mlp_sweep_check_configs(&base, grid, &seed, &threads, &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "combination schedule.lr=-1: ") && strstr(err.message, "lr"),
              "%s", err.message);
    CHECK(seed == 1 && !threads);
    mlp_sweep_grid_free(grid);
}

static void test_child_environment_drops_launcher(void) {
    char *envp[] = {"PATH=/bin", "OMPI_COMM_WORLD_RANK=1", "PMIX_RANK=1", "HOME=/root", NULL};
    mlp_string_list env = {0};
    mlp_sweep_child_environment(envp, &env);
    CHECK(strcmp(joined(&env), "PATH=/bin HOME=/root") == 0);
    mlp_string_list_free(&env);
}

int main(void) {
    RUN_TEST(test_run_argv_new_and_resumed);
    RUN_TEST(test_bad_combination_is_named);
    RUN_TEST(test_child_environment_drops_launcher);
    return harness_finish();
}
