/* mlp tune: searches a space of config settings for the best validation accuracy with
 * asynchronous successive halving (or plain random search), each trial an `mlp train` child
 * process; the work is in src/tune/ (the library). */
/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "sweep/launch.h"
#include "sweep/scheduler.h"
#include "train/train_config.h"
#include "io/folders.h"
#include "mpi/world.h"
#include "tune/journal.h"
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
    "                [--sampler random|halton] [--metric accuracy|loss]\n"
    "                [--set SECTION.KEY=VALUE ...] [--quiet]\n"
    "       mlp tune --resume DIR [--quiet]\n"
    "\n"
    "Trains configurations drawn from SPACE.ini on top of CONFIG.ini and keeps the one with\n"
    "the best validation accuracy (or loss). SPACE.ini has one line per config key:\n"
    "    network.hidden = choice(256, 512, 1024:512)      (':' separates list items)\n"
    "    schedule.lr = log_uniform(1e-4, 3e-2)\n"
    "    regularization.dropout = uniform(0, 0.5)\n"
    "    training.batch_size = int_uniform(16, 128)\n"
    "\n"
    "  --space FILE        the search space (required)\n"
    "  --budget B          new trials (20) or a duration (90s, 15m, 2h); when a duration\n"
    "                      has passed, running trials stop at their next step (required)\n"
    "  --out DIR           the tune folder (required): DIR/trial-NNN/ run folders and logs,\n"
    "                      DIR/results.md, DIR/results.csv, DIR/results.json (ranked),\n"
    "                      DIR/best.ini, and DIR/tune.json, DIR/space.ini,\n"
    "                      DIR/journal.jsonl for --resume; `mlp plot DIR` draws DIR/tune.png\n"
    "  --resume DIR        continue a tune that was interrupted (Ctrl-C, a kill, a machine\n"
    "                      stop) with the options it started with: it takes the decisions\n"
    "                      the tune would have taken; steps cut short re-run from their\n"
    "                      checkpoints. A finished tune prints its results again. Other\n"
    "                      options, if given, must equal the tune's own\n"
    "  --method M          asha (default): rungs at min-epochs * eta^k epochs up to the\n"
    "                      config's training.epochs, the best 1/eta of each rung promoted and\n"
    "                      continued from its checkpoint; random: every trial runs all epochs\n"
    "  --min-epochs N      epochs of the first rung (default 1)\n"
    "  --eta N             the reduction factor (default 3)\n"
    "  --metric M          accuracy (default): rank by validation accuracy, higher is better;\n"
    "                      loss: by validation loss, lower is better\n"
    "  --sampler S         random (default): independent uniform draws; halton: a scrambled\n"
    "                      Halton sequence, covering the space more evenly\n"
    "  --seed S            draws the trials (default 1): the same seed and -j 1 give the same\n"
    "                      trials and results\n"
    "  -j, --jobs N        trials at the same time (default 1); each gets cores / N threads\n"
    "                      unless the config sets threads\n"
    "  --set K=V           a fixed override for every trial (repeatable)\n"
    "  --quiet             no progress lines\n"
    "\n"
    "Under `mpirun -np N mlp tune ...` the steps go out in rounds of N * jobs, step i of a\n"
    "round to rank i mod N, and rank 0 writes the results; DIR must be on a file system\n"
    "every rank sees.\n"
    "\n"
    "Exit status: 0 done, 1 runtime error (no trial finished), 2 usage error (bad arguments,\n"
    "space file or config).\n";

typedef struct {
    const char *config, *space, *budget, *out, *seed, *method, *resume, *sampler, *metric;
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
        {"--resume", NULL, CLI_TEXT, &a->resume, 0, 0},
        {"--seed", NULL, CLI_TEXT, &a->seed, 0, 0},
        {"--method", NULL, CLI_TEXT, &a->method, 0, 0},
        {"--sampler", NULL, CLI_TEXT, &a->sampler, 0, 0},
        {"--metric", NULL, CLI_TEXT, &a->metric, 0, 0},
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
    if (code == EXIT_OK && positional.count == 0 && !a->resume)
        code = cli_usage("tune", "a config file is required");
    if (code == EXIT_OK && positional.count) a->config = positional.items[0];
    free(positional.items);
    if (code == EXIT_OK && a->resume && a->out)
        code = cli_usage("tune", "--resume DIR takes no --out: the tune goes on in DIR");
    if (code == EXIT_OK && !a->resume && !a->space)
        code = cli_usage("tune", "--space FILE is required");
    if (code == EXIT_OK && !a->resume && !a->budget)
        code = cli_usage("tune", "--budget is required");
    if (code == EXIT_OK && !a->resume && !a->out) code = cli_usage("tune", "--out DIR is required");
    if (code == EXIT_OK && a->method && strcmp(a->method, "asha") != 0 &&
        strcmp(a->method, "random") != 0)
        code = cli_usage("tune", "--method '%s': asha or random", a->method);
    if (code == EXIT_OK && a->sampler && strcmp(a->sampler, "random") != 0 &&
        strcmp(a->sampler, "halton") != 0)
        code = cli_usage("tune", "--sampler '%s': random or halton", a->sampler);
    if (code == EXIT_OK && a->metric && strcmp(a->metric, "accuracy") != 0 &&
        strcmp(a->metric, "loss") != 0)
        code = cli_usage("tune", "--metric '%s': accuracy or loss", a->metric);
    return code;
}

typedef struct {
    bool quiet;
    int rank, size;
} print_context;

/* A progress line, "[rank R] " first under mpirun, written whole. */
static void print_event(void *context, const char *line) {
    const print_context *p = context;
    if (p->quiet) return;
    if (p->size > 1)
        fprintf(stderr, "[rank %d] %s\n", p->rank, line);
    else
        fprintf(stderr, "%s\n", line);
}

/* Whether two files hold the same bytes (false when either cannot be read). */
static bool same_content(const char *a, const char *b) {
    char *ta = NULL, *tb = NULL;
    size_t na = 0, nb = 0;
    bool same = mlp_read_file(a, (size_t)1 << 20, &ta, &na, NULL) == MLP_OK &&
                mlp_read_file(b, (size_t)1 << 20, &tb, &nb, NULL) == MLP_OK && na == nb &&
                memcmp(ta, tb, na) == 0;
    free(ta);
    free(tb);
    return same;
}

/* --resume DIR: the tune's own options into *o (and the space from DIR/space.ini); any option
 * also given on the command line must equal the tune's. */
static int resume_options(tune_args *a, mlp_tune_saved_options *saved, mlp_tune_options *o,
                          mlp_tune_space **space, char space_path[PATH_MAX]) {
    mlp_error err = {0};
    mlp_status st = mlp_tune_load_options(a->resume, saved, &err);
    if (st == MLP_ERR_IO) {
        fprintf(stderr, "mlp tune: --resume %s: not a tune folder (%s)\n", a->resume, err.message);
        return EXIT_RUNTIME;
    }
    if (st != MLP_OK) return cli_fail("tune", &err);
    const char *conflict = NULL;
    char given[PATH_MAX];
    size_t trials = 0;
    double seconds = 0;
    if (mlp_path_join(space_path, a->resume, "space.ini", &err) != MLP_OK)
        return cli_fail("tune", &err);
    if (a->config && (!realpath(a->config, given) || strcmp(given, saved->config) != 0))
        conflict = "CONFIG";
    else if (a->space && !same_content(a->space, space_path))
        conflict = "--space (its content)";
    else if (a->budget && (mlp_tune_parse_budget(a->budget, &trials, &seconds, &err) != MLP_OK ||
                           trials != saved->max_trials || seconds != saved->max_seconds))
        conflict = "--budget";
    else if (a->seed && strtoull(a->seed, NULL, 10) != saved->seed)
        conflict = "--seed";
    else if (a->method && (strcmp(a->method, "random") == 0) != saved->random_search)
        conflict = "--method";
    else if (a->sampler && strcmp(a->sampler, mlp_tune_sampler_name(saved->sampler)) != 0)
        conflict = "--sampler";
    else if (a->metric && strcmp(a->metric, mlp_tune_metric_name(saved->metric)) != 0)
        conflict = "--metric";
    else if (a->min_epochs && a->min_epochs != saved->min_epochs)
        conflict = "--min-epochs";
    else if (a->eta && a->eta != saved->eta)
        conflict = "--eta";
    else if (a->jobs && a->jobs != saved->jobs)
        conflict = "-j";
    else if (a->sets.count && a->sets.count != saved->num_sets)
        conflict = "--set";
    for (size_t i = 0; !conflict && a->sets.count && i < saved->num_sets; i++)
        if (strcmp(a->sets.items[i], saved->sets[i]) != 0) conflict = "--set";
    if (conflict)
        return cli_usage("tune",
                         "--resume %s: %s differs from the tune's own (%s/tune.json): a resumed "
                         "tune keeps the options it started with",
                         a->resume, conflict, a->resume);
    st = mlp_tune_space_load(space, space_path, &err);
    if (st != MLP_OK) return cli_fail("tune", &err);
    o->config = saved->config;
    o->sets = saved->sets;
    o->num_sets = saved->num_sets;
    o->seed = saved->seed;
    o->random_search = saved->random_search;
    o->sampler = saved->sampler;
    o->metric = saved->metric;
    o->min_epochs = saved->min_epochs;
    o->eta = saved->eta;
    o->jobs = saved->jobs;
    o->threads = saved->threads;
    o->max_trials = saved->max_trials;
    o->max_seconds = saved->max_seconds;
    o->space = *space;
    o->space_path = space_path;
    o->out_dir = a->resume;
    o->resume = true;
    return EXIT_OK;
}

/* A new tune's options into *o; each trial gets cores (of this rank) / jobs threads. */
static int new_options(tune_args *a, mlp_tune_options *o, mlp_tune_space **space, size_t cores) {
    mlp_error err = {0};
    int code = EXIT_OK;
    char *end = NULL;
    errno = 0;
    unsigned long long seed = strtoull(a->seed, &end, 10);
    if (!*a->seed || *end || errno || a->seed[0] == '-')
        return cli_usage("tune", "--seed '%s': expected a whole number", a->seed);
    o->seed = seed;
    if (mlp_tune_parse_budget(a->budget, &o->max_trials, &o->max_seconds, &err))
        return cli_usage("tune", "%s", err.message);
    mlp_status st = mlp_tune_space_load(space, a->space, &err);
    if (st != MLP_OK)
        return st == MLP_ERR_ARGUMENT ? cli_usage("tune", "%s", err.message)
                                      : cli_fail("tune", &err);
    st = mlp_tune_trial_threads(a->config, a->sets.items, a->sets.count, a->jobs, cores,
                                &o->threads, &err);
    if (st != MLP_OK)
        return st == MLP_ERR_IO ? cli_fail("tune", &err) : cli_usage("tune", "%s", err.message);
    o->config = a->config;
    o->sets = a->sets.items;
    o->num_sets = a->sets.count;
    o->space = *space;
    o->space_path = a->space;
    o->out_dir = a->out;
    o->jobs = a->jobs;
    o->random_search = strcmp(a->method, "random") == 0;
    o->sampler =
        strcmp(a->sampler, "halton") == 0 ? MLP_TUNE_SAMPLER_HALTON : MLP_TUNE_SAMPLER_RANDOM;
    o->metric = strcmp(a->metric, "loss") == 0 ? MLP_TUNE_METRIC_LOSS : MLP_TUNE_METRIC_ACCURACY;
    o->min_epochs = a->min_epochs;
    o->eta = a->eta;
    return code;
}

int cmd_tune(int argc, char **argv) {
    /* Zero and NULL: not given (a resumed tune compares what is given with its own options). */
    tune_args a = {0};
    mlp_error err = {0};
    int code = parse_args(argc, argv, &a);
    mlp_tune_options o = {0};
    mlp_tune_saved_options saved = {0};
    mlp_tune_space *space = NULL;
    char space_path[PATH_MAX];
    mlp_world *world = NULL;
    if (code == EXIT_OK && mlp_world_start(&world, &argc, &argv, &err) != MLP_OK)
        code = cli_fail("tune", &err);
    int rank = world ? mlp_world_rank(world) : 0, size = world ? mlp_world_size(world) : 1;
    /* The cores of this host are shared by the ranks on it, then by the trials of each. */
    size_t cores = world ? mlp_available_cores() / (size_t)mlp_world_local_size(world) : 1;
    if (code == EXIT_OK && a.resume) {
        code = resume_options(&a, &saved, &o, &space, space_path);
    } else if (code == EXIT_OK) {
        if (!a.jobs) a.jobs = 1;
        if (!a.min_epochs) a.min_epochs = 1;
        if (!a.eta) a.eta = 3;
        if (!a.seed) a.seed = "1";
        if (!a.method) a.method = "asha";
        if (!a.sampler) a.sampler = "random";
        if (!a.metric) a.metric = "accuracy";
        code = new_options(&a, &o, &space, cores ? cores : 1);
    }
    if (world && size > 1) {
        /* Every rank goes on to the tune, or none (one alone would wait for the others). */
        double failures = code != EXIT_OK;
        if (mlp_world_sum_doubles(world, &failures, 1, &err) != MLP_OK) {
            code = cli_fail("tune", &err);
        } else if (failures > 0 && code == EXIT_OK) {
            fprintf(stderr, "mlp tune: [rank %d] another rank stopped (see its message)\n", rank);
            code = EXIT_RUNTIME;
        }
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
        o.program = program;
        static char *empty_environment[] = {NULL};
        o.envp = env.count ? env.items : empty_environment;
        o.stop = cli_catch_interrupts();
        o.world = world;
        print_context printing = {a.quiet, rank, size};
        o.on_event = print_event;
        o.context = &printing;
        mlp_tune_summary summary;
        char *markdown = NULL;
        mlp_status st = mlp_tune_run(&o, &summary, &markdown, &err);
        if (st == MLP_OK && summary.finished_before && rank == 0)
            fprintf(stderr, "mlp tune: the tune in %s had finished; its results:\n", o.out_dir);
        if (markdown) fputs(markdown, stdout);
        free(markdown);
        if (st == MLP_ERR_ARGUMENT) {
            code = cli_usage("tune", "%s", err.message);
        } else if (st != MLP_OK) {
            code = cli_fail("tune", &err);
        } else if (rank == 0) {
            printf("%zu trials (%zu failed steps), %.0f epochs in total, %.1f s; best trial-%03ld: "
                   "val accuracy %.4f, val loss %.4f at rung %d (%.0f epochs)\n",
                   summary.trials, summary.failed, summary.total_epochs, summary.seconds,
                   summary.best + 1, summary.best_val_accuracy, summary.best_val_loss,
                   summary.best_rung, summary.best_epochs);
            if (summary.budget_ended)
                printf("the time budget (%.0f s) ended the tune; %zu steps stopped before their "
                       "rung's end\n",
                       o.max_seconds, summary.stopped);
            if (summary.interrupted)
                printf("interrupted: mlp tune --resume %s goes on\n", o.out_dir);
            printf("results: %s/results.md, %s/results.csv; best config: %s/best.ini\n", o.out_dir,
                   o.out_dir, o.out_dir);
        }
    }
    mlp_string_list_free(&env);
    mlp_tune_space_free(space);
    mlp_tune_saved_options_free(&saved);
    mlp_world_finish(world);
    free(a.sets.items);
    return code == CLI_HELP ? EXIT_OK : code;
}
