/* Command lines, settings, config checks and environments of a sweep's runs (see launch.h). */
#include "sweep/launch.h"

#include "train/train_config.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mlp_string_list_push(mlp_string_list *list, const char *text) {
    if (list->failed) return;
    if (list->count + 2 > list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 16;
        char **items = realloc(list->items, capacity * sizeof *items);
        if (!items) {
            list->failed = true;
            return;
        }
        list->items = items;
        list->capacity = capacity;
    }
    char *copy = strdup(text);
    if (!copy) {
        list->failed = true;
        return;
    }
    list->items[list->count++] = copy;
    list->items[list->count] = NULL;
}

void mlp_string_list_free(mlp_string_list *list) {
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    *list = (mlp_string_list){0};
}

void mlp_string_list_push_setting(mlp_string_list *list, const char *key, const char *value) {
    size_t n = strlen(key) + strlen(value) + 2;
    char *setting = malloc(n);
    if (!setting) {
        list->failed = true;
        return;
    }
    snprintf(setting, n, "%s=%s", key, value);
    mlp_string_list_push(list, setting);
    free(setting);
}

void mlp_sweep_settings(const mlp_sweep_base *base, const mlp_sweep_grid *grid, size_t combination,
                        mlp_string_list *settings) {
    for (size_t i = 0; i < base->num_sets; i++)
        mlp_string_list_push(settings, base->sets[i]);
    for (size_t k = 0; k < mlp_sweep_grid_num_keys(grid); k++)
        mlp_string_list_push_setting(settings, mlp_sweep_grid_key(grid, k),
                                     mlp_sweep_grid_value(grid, combination, k));
}

mlp_status mlp_sweep_check_configs(const mlp_sweep_base *base, const mlp_sweep_grid *grid,
                                   uint64_t *seed, bool *threads_given, mlp_error *err) {
    size_t combinations = mlp_sweep_grid_num_combinations(grid);
    mlp_status st = MLP_OK;
    for (size_t c = 0; c < combinations && st == MLP_OK; c++) {
        mlp_string_list settings = {0};
        mlp_sweep_settings(base, grid, c, &settings);
        mlp_ini *ini = NULL;
        mlp_train_config config;
        st = settings.failed
                 ? mlp_fail(err, MLP_ERR_MEMORY, "out of memory")
                 : mlp_train_ini_load(&ini, base->config, settings.items, settings.count, err);
        if (st == MLP_OK) st = mlp_train_config_from_ini(ini, &config, err);
        if (st == MLP_OK && c == 0) {
            *seed = config.seed;
            *threads_given = mlp_ini_is_set(ini, "threads");
        }
        if (st != MLP_OK && st != MLP_ERR_IO && st != MLP_ERR_MEMORY) {
            char *name = NULL;
            mlp_sweep_grid_name(grid, c, &name, NULL);
            char message[MLP_ERROR_MESSAGE_SIZE];
            snprintf(message, sizeof message, "%s", err->message);
            st = mlp_fail(err, st, "combination %s: %s", name ? name : "?", message);
            free(name);
        }
        mlp_ini_free(ini);
        mlp_string_list_free(&settings);
    }
    return st == MLP_OK ? mlp_ok(err) : st;
}

void mlp_sweep_run_argv(const char *program, const mlp_sweep_base *base, const mlp_sweep_plan *plan,
                        const mlp_sweep_run *run, bool resume, size_t threads,
                        mlp_string_list *argv) {
    mlp_string_list_push(argv, program);
    mlp_string_list_push(argv, "train");
    if (resume) {
        mlp_string_list_push(argv, "--resume");
        mlp_string_list_push(argv, run->dir);
        mlp_string_list_push(argv, "--quiet");
        return;
    }
    mlp_string_list_push(argv, base->config);
    mlp_string_list_push(argv, "--quiet");
    mlp_string_list settings = {0};
    mlp_sweep_settings(base, plan->grid, run->combination, &settings);
    char number[32];
    if (!mlp_sweep_grid_has_key(plan->grid, "seed")) {
        snprintf(number, sizeof number, "%llu", (unsigned long long)run->seed);
        mlp_string_list_push_setting(&settings, "seed", number);
    }
    if (threads) {
        snprintf(number, sizeof number, "%zu", threads);
        mlp_string_list_push_setting(&settings, "threads", number);
    }
    for (size_t i = 0; i < settings.count; i++) {
        mlp_string_list_push(argv, "--set");
        mlp_string_list_push(argv, settings.items[i]);
    }
    argv->failed |= settings.failed;
    mlp_string_list_free(&settings);
    mlp_string_list_push(argv, "--out");
    mlp_string_list_push(argv, run->dir);
}

void mlp_sweep_child_environment(char *const *envp, mlp_string_list *env) {
    static const char *const launcher_prefixes[] = {"OMPI_", "PMIX_", "PMI_", NULL};
    for (char *const *e = envp; e && *e; e++) {
        bool launcher = false;
        for (const char *const *p = launcher_prefixes; *p && !launcher; p++)
            launcher = strncmp(*e, *p, strlen(*p)) == 0;
        if (!launcher) mlp_string_list_push(env, *e);
    }
}
