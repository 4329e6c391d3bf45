/* mlp_tune (mlp.h): the public entry of a tune, the checks and defaults before mlp_tune_run. */
#include "sweep/launch.h"
#include "sweep/scheduler.h"
#include "train/train_config.h"
#include "tune/space.h"
#include "tune/tune.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

mlp_status mlp_tune_trial_threads(const char *config, char *const *sets, size_t num_sets,
                                  size_t jobs, size_t cores, size_t *threads, mlp_error *err) {
    *threads = 0;
    mlp_ini *ini = NULL;
    MLP_TRY(mlp_train_ini_load(&ini, config, sets, num_sets, err));
    bool given = mlp_ini_is_set(ini, "threads");
    mlp_ini_free(ini);
    if (!given) *threads = mlp_threads_per_run(cores ? cores : 1, jobs ? jobs : 1);
    return mlp_ok(err);
}

mlp_status mlp_tune(const mlp_tune_spec *spec, mlp_tune_result *result, char **markdown,
                    mlp_error *err) {
    memset(result, 0, sizeof *result);
    result->best = -1;
    if (markdown) *markdown = NULL;
    if (!spec || !spec->program || !spec->config || !spec->out_dir || !spec->budget)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "a tune needs the mlp program, a config, an output folder and a budget");
    if (!spec->space == !spec->space_text)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "a tune needs a search space: a file or its text (one of the two)");
    if (spec->num_sets && !spec->sets)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%zu overrides but no list of them", spec->num_sets);
    mlp_tune_options o = {0};
    MLP_TRY(mlp_tune_parse_budget(spec->budget, &o.max_trials, &o.max_seconds, err));
    mlp_tune_space *space = NULL;
    MLP_TRY(spec->space ? mlp_tune_space_load(&space, spec->space, err)
                        : mlp_tune_space_parse(&space, spec->space_text, "space", err));
    char *const *sets = (char *const *)spec->sets;
    mlp_status st = mlp_tune_trial_threads(spec->config, sets, spec->num_sets, spec->jobs,
                                           mlp_available_cores(), &o.threads, err);
    mlp_string_list env = {0};
    mlp_sweep_child_environment(environ, &env);
    static char *empty_environment[] = {NULL};
    if (st == MLP_OK && env.failed) st = mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    if (st == MLP_OK) {
        o.program = spec->program;
        o.config = spec->config;
        o.sets = sets;
        o.num_sets = spec->num_sets;
        o.space = space;
        /* Copied to OUT/space.ini for `mlp tune --resume`; a space given as text is not. */
        o.space_path = spec->space;
        o.out_dir = spec->out_dir;
        o.jobs = spec->jobs ? spec->jobs : 1;
        o.seed = spec->seed;
        o.sampler = spec->sampler;
        o.metric = spec->metric;
        o.random_search = spec->random_search;
        o.min_epochs = spec->min_epochs ? spec->min_epochs : 1;
        o.eta = spec->eta ? spec->eta : 3;
        o.envp = env.count ? env.items : empty_environment;
        o.stop = spec->stop;
        o.interrupt_on_stop = spec->interrupt_trials;
        o.on_event = spec->on_event;
        o.context = spec->context;
        mlp_tune_summary summary;
        st = mlp_tune_run(&o, &summary, markdown, err);
        result->trials = summary.trials;
        result->failed_steps = summary.failed;
        result->total_epochs = summary.total_epochs;
        result->seconds = summary.seconds;
        result->best = summary.best;
        result->best_rung = summary.best_rung;
        result->best_epochs = summary.best_epochs;
        result->best_val_accuracy = summary.best_val_accuracy;
        result->best_val_loss = summary.best_val_loss;
    }
    mlp_string_list_free(&env);
    mlp_tune_space_free(space);
    return st;
}
