/* mlp tune: searches a space of config settings for the best validation accuracy with
 * asynchronous successive halving (or plain random search), each trial an `mlp train` child
 * process; the work is in src/tune/ (the library). */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "sweep/launch.h"
#include "sweep/scheduler.h"
#include "train/train_config.h"
#include "tune/space.h"
#include "tune/tune.h"
#include "util/error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char usage[] =
    "usage: mlp tune CONFIG.ini --space SPACE.ini --budget TRIALS|DURATION --out DIR\n"
    "                [-j N] [--seed S] [--method asha|random] [--min-epochs N] [--eta N]\n"
    "                [--set SECTION.KEY=VALUE ...] [--quiet]\n"
    "\n"
    "Trains configurations drawn from SPACE.ini on top of CONFIG.ini and keeps the one with\n"
    "the best validation accuracy. SPACE.ini has one line per config key:\n"
    "    network.hidden = choice(256, 512, 1024:512)      (':' separates list items)\n"
    "    schedule.lr = log_uniform(1e-4, 3e-2)\n"
    "    regularization.dropout = uniform(0, 0.5)\n"
    "    training.batch_size = int_uniform(16, 128)\n"
    "\n"
    "  --space FILE        the search space (required)\n"
    "  --budget B          new trials (20) or a duration (90s, 15m, 2h); a duration is\n"
    "                      checked before each trial step starts (required)\n"
    "  --out DIR           the tune folder (required): DIR/trial-NNN/ run folders and logs,\n"
    "                      DIR/results.md, DIR/results.csv (ranked), DIR/best.ini\n"
    "  --method M          asha (default): rungs at min-epochs * eta^k epochs up to the\n"
    "                      config's training.epochs, the best 1/eta of each rung promoted and\n"
    "                      continued from its checkpoint; random: every trial runs all epochs\n"
    "  --min-epochs N      epochs of the first rung (default 1)\n"
    "  --eta N             the reduction factor (default 3)\n"
    "  --seed S            draws the trials (default 1): the same seed and -j 1 give the same\n"
    "                      trials and results\n"
    "  -j, --jobs N        trials at the same time (default 1); each gets cores / N threads\n"
    "                      unless the config sets threads\n"
    "  --set K=V           a fixed override for every trial (repeatable)\n"
    "  --quiet             no progress lines\n"
    "\n"
    "Exit status: 0 done, 1 runtime error (no trial finished), 2 usage error (bad arguments,\n"
    "space file or config).\n";

typedef struct {
    const char *config, *space, *budget, *out, *seed, *method;
    cli_texts sets;
    size_t jobs, min_epochs, eta;
    bool quiet;
} tune_args;

static int parse_args(int argc, char **argv, tune_args *a) {
    cli_texts positional = {0};
    const cli_option_spec options[] = {
        {"--space", NULL, CLI_TEXT, &a->space, 0, 0},
        {"--budget", NULL, CLI_TEXT, &a->budget, 0, 0},
        {"--out", NULL, CLI_TEXT, &a->out, 0, 0},
        {"--seed", NULL, CLI_TEXT, &a->seed, 0, 0},
        {"--method", NULL, CLI_TEXT, &a->method, 0, 0},
        {"--set", NULL, CLI_TEXTS, &a->sets, 0, 0},
        {"--jobs", "-j", CLI_COUNT, &a->jobs, 1, 1000},
        {"--min-epochs", NULL, CLI_COUNT, &a->min_epochs, 1, 1000000},
        {"--eta", NULL, CLI_COUNT, &a->eta, 2, 1000},
        {"--quiet", "-q", CLI_FLAG, &a->quiet, 0, 0},
    };
    int code = cli_parse("tune", usage, argc, argv, options, sizeof options / sizeof *options,
                         &positional);
    if (code == EXIT_OK && positional.count > 1)
        code = cli_usage("tune", "unexpected argument '%s'", positional.items[1]);
    if (code == EXIT_OK && positional.count == 0)
        code = cli_usage("tune", "a config file is required");
    if (code == EXIT_OK) a->config = positional.items[0];
    free(positional.items);
    if (code == EXIT_OK && !a->space) code = cli_usage("tune", "--space FILE is required");
    if (code == EXIT_OK && !a->budget) code = cli_usage("tune", "--budget is required");
    if (code == EXIT_OK && !a->out) code = cli_usage("tune", "--out DIR is required");
    if (code == EXIT_OK && strcmp(a->method, "asha") != 0 && strcmp(a->method, "random") != 0)
        code = cli_usage("tune", "--method '%s': asha or random", a->method);
    return code;
}

static void print_event(void *context, const char *line) {
    if (!*(const bool *)context) fprintf(stderr, "%s\n", line);
}

int cmd_tune(int argc, char **argv) {
    tune_args a = {.jobs = 1, .min_epochs = 1, .eta = 3, .seed = "1", .method = "asha"};
    mlp_error err = {0};
    int code = parse_args(argc, argv, &a);
    mlp_tune_options o = {0};
    if (code == EXIT_OK) {
        char *end = NULL;
        errno = 0;
        unsigned long long seed = strtoull(a.seed, &end, 10);
        if (!*a.seed || *end || errno || a.seed[0] == '-')
            code = cli_usage("tune", "--seed '%s': expected a whole number", a.seed);
        o.seed = seed;
    }
    if (code == EXIT_OK && mlp_tune_parse_budget(a.budget, &o.max_trials, &o.max_seconds, &err))
        code = cli_usage("tune", "%s", err.message);
    mlp_tune_space *space = NULL;
    mlp_status st = code == EXIT_OK ? mlp_tune_space_load(&space, a.space, &err) : MLP_OK;
    if (st != MLP_OK)
        code =
            st == MLP_ERR_ARGUMENT ? cli_usage("tune", "%s", err.message) : cli_fail("tune", &err);
    /* Threads: cores / jobs for each trial, unless the config or a --set fixes them. */
    bool threads_given = false;
    if (code == EXIT_OK) {
        mlp_ini *ini = NULL;
        st = mlp_train_ini_load(&ini, a.config, a.sets.items, a.sets.count, &err);
        if (st == MLP_OK) threads_given = mlp_ini_is_set(ini, "threads");
        mlp_ini_free(ini);
        if (st != MLP_OK)
            code = st == MLP_ERR_IO ? cli_fail("tune", &err) : cli_usage("tune", "%s", err.message);
    }
    char program[PATH_MAX];
    if (code == EXIT_OK) {
        ssize_t n = readlink("/proc/self/exe", program, sizeof program - 1);
        if (n <= 0) {
            fprintf(stderr, "mlp tune: cannot find the mlp executable (/proc/self/exe): %s\n",
                    strerror(errno));
            code = EXIT_RUNTIME;
        } else {
            program[n] = '\0';
        }
    }
    mlp_string_list env = {0};
    if (code == EXIT_OK) {
        mlp_sweep_child_environment(environ, &env);
        size_t cores = mlp_available_cores();
        o.program = program;
        o.config = a.config;
        o.sets = a.sets.items;
        o.num_sets = a.sets.count;
        o.space = space;
        o.out_dir = a.out;
        o.jobs = a.jobs;
        o.threads = threads_given ? 0 : mlp_threads_per_run(cores ? cores : 1, a.jobs);
        o.random_search = strcmp(a.method, "random") == 0;
        o.min_epochs = a.min_epochs;
        o.eta = a.eta;
        static char *empty_environment[] = {NULL};
        o.envp = env.count ? env.items : empty_environment;
        o.stop = cli_catch_interrupts();
        o.on_event = print_event;
        o.context = &a.quiet;
        mlp_tune_summary summary;
        char *markdown = NULL;
        st = mlp_tune_run(&o, &summary, &markdown, &err);
        if (markdown) fputs(markdown, stdout);
        free(markdown);
        if (st == MLP_ERR_ARGUMENT) {
            code = cli_usage("tune", "%s", err.message);
        } else if (st != MLP_OK) {
            code = cli_fail("tune", &err);
        } else {
            printf("%zu trials (%zu failed steps), %.0f epochs in total, %.1f s; best trial-%03ld: "
                   "val accuracy %.4f at rung %d (%.0f epochs)\n",
                   summary.trials, summary.failed, summary.total_epochs, summary.seconds,
                   summary.best + 1, summary.best_val_accuracy, summary.best_rung,
                   summary.best_epochs);
            printf("results: %s/results.md, %s/results.csv; best config: %s/best.ini\n", a.out,
                   a.out, a.out);
        }
    }
    mlp_string_list_free(&env);
    mlp_tune_space_free(space);
    free(a.sets.items);
    return code == CLI_HELP ? EXIT_OK : code;
}
