/* mlp sweep: trains every combination of a grid of config values, each repeated with its own
 * seed, as `mlp train` child processes running side by side (spread over the ranks when started
 * by mpirun), skips runs that have finished, resumes interrupted ones, and tabulates the
 * results. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "mpi/world.h"
#include "sweep/grid.h"
#include "sweep/launch.h"
#include "sweep/outcome.h"
#include "sweep/plan.h"
#include "sweep/results.h"
#include "sweep/scheduler.h"
#include "util/error.h"
#include "util/text.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char usage[] =
    "usage: mlp sweep CONFIG.ini --out DIR [--grid SECTION.KEY=V1,V2,... ...]\n"
    "                 [--set SECTION.KEY=VALUE ...] [--repeat N] [-j N] [--quiet]\n"
    "\n"
    "Trains CONFIG.ini once for every combination of the --grid values, --repeat times each,\n"
    "as `mlp train` processes, -j at a time. Run folders: DIR/KEY=V,KEY=V/repeat-R/ (output\n"
    "in DIR/KEY=V,KEY=V/repeat-R.log); the table: DIR/results.md and DIR/results.csv (printed\n"
    "at the end). Repeat R has seed (config seed) + R - 1 in every combination.\n"
    "\n"
    "  --grid K=V1,V2      one axis of the grid (repeatable; the grid is their product);\n"
    "                      K1+K2=A1+A2,B1+B2 changes several keys together\n"
    "  --set K=V           a fixed override for every run (repeatable)\n"
    "  --repeat N          runs per combination, with seeds seed .. seed+N-1 (default 1)\n"
    "  -j, --jobs N        runs at the same time (default: the cores); each run gets\n"
    "                      cores / N threads unless the config sets threads\n"
    "  --out DIR           the sweep folder (required)\n"
    "  --quiet             no progress lines\n"
    "\n"
    "Running the same command again skips finished runs (summary.json present) and resumes\n"
    "interrupted ones (Ctrl-C stops every run cleanly). Under `mpirun -np N mlp sweep ...` run\n"
    "i goes to rank i mod N and rank 0 gathers the results. Exit status: 0 every run finished,\n"
    "1 some run failed or was interrupted, 2 usage error (bad arguments, grid or config).\n";

typedef struct {
    const char *config, *out;
    cli_texts grids, sets;
    size_t repeats, jobs;
    bool quiet;
} sweep_args;

/* EXIT_OK, a usage error's exit code, or CLI_HELP. */
static int parse_args(int argc, char **argv, sweep_args *a) {
    cli_texts positional = {0};
    const cli_option_spec options[] = {
        {"--grid", NULL, CLI_TEXTS, &a->grids, 0, 0},
        {"--set", NULL, CLI_TEXTS, &a->sets, 0, 0},
        {"--out", NULL, CLI_TEXT, &a->out, 0, 0},
        {"--repeat", NULL, CLI_COUNT, &a->repeats, 1, 100000},
        {"--jobs", "-j", CLI_COUNT, &a->jobs, 1, 100000},
        {"--quiet", "-q", CLI_FLAG, &a->quiet, 0, 0},
    };
    int code = cli_parse("sweep", usage, argc, argv, options, sizeof options / sizeof *options,
                         &positional);
    if (code == EXIT_OK && positional.count > 1)
        code = cli_usage("sweep", "unexpected argument '%s'", positional.items[1]);
    if (code == EXIT_OK && positional.count == 0)
        code = cli_usage("sweep", "a config file is required");
    if (code == EXIT_OK) a->config = positional.items[0];
    free(positional.items);
    if (code == EXIT_OK && !a->out) code = cli_usage("sweep", "--out DIR is required");
    return code;
}

/* What the progress callbacks need: the runs this rank launches, by job index. */
typedef struct {
    const mlp_sweep_plan *plan;
    const size_t *job_run; /* job index -> run index */
    size_t num_jobs, ended;
    int rank, size;
    bool quiet;
} progress_context;

/* One progress line, "[rank R] " first under mpirun, written at once so that the lines of
 * several ranks do not interleave. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
say(const progress_context *p, const char *format, ...) {
    mlp_text t = {0};
    if (p->size > 1) mlp_text_append(&t, "[rank %d] ", p->rank);
    va_list args;
    va_start(args, format);
    char line[1024];
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    mlp_text_append(&t, "%s\n", line);
    char *text = mlp_text_finish(&t, NULL);
    if (text) fputs(text, stderr);
    free(text);
}

static void on_run_start(void *context, size_t job) {
    const progress_context *p = context;
    if (p->quiet) return;
    const mlp_sweep_run *run = &p->plan->runs[p->job_run[job]];
    say(p, "start  %s/repeat-%zu", run->name, run->repeat);
}

static void on_run_end(void *context, size_t job, int status) {
    progress_context *p = context;
    p->ended++;
    const mlp_sweep_run *run = &p->plan->runs[p->job_run[job]];
    mlp_sweep_outcome o;
    if (status != 0 && mlp_sweep_run_state_of(run->dir) == MLP_SWEEP_RUN_RESUME) {
        say(p, "stopped %s/repeat-%zu: the same command resumes it", run->name, run->repeat);
    } else if (status != 0) {
        say(p, "FAILED %s/repeat-%zu (exit status %d): see %s", run->name, run->repeat, status,
            run->log_path);
    } else if (!p->quiet && mlp_sweep_read_outcome(run->dir, &o, NULL) == MLP_OK) {
        char val[64] = "", test[64] = "";
        if (!isnan(o.best_val_accuracy))
            snprintf(val, sizeof val, ", best val accuracy %.4f", o.best_val_accuracy);
        if (!isnan(o.test_accuracy))
            snprintf(test, sizeof test, ", test accuracy %.4f", o.test_accuracy);
        say(p, "[%zu/%zu] done %s/repeat-%zu: %s after %.0f epochs, %.1f s%s%s", p->ended,
            p->num_jobs, run->name, run->repeat, o.stop_reason, o.epochs, o.seconds, val, test);
    }
}

/* The program to start for each run: this very executable. */
static int own_path(char path[PATH_MAX]) {
    ssize_t n = readlink("/proc/self/exe", path, PATH_MAX);
    if (n <= 0 || n >= PATH_MAX) {
        fprintf(stderr, "mlp sweep: cannot find the mlp executable (/proc/self/exe): %s\n",
                n <= 0 ? strerror(errno) : "the path is too long");
        return EXIT_RUNTIME;
    }
    path[n] = '\0';
    return EXIT_OK;
}

/* Runs this rank's share of the plan: run i belongs to rank i mod size. Sets *failed to the
 * runs that failed or were not started. */
static int run_share(const char *program, const sweep_args *a, const mlp_sweep_plan *plan,
                     mlp_world *world, size_t threads, size_t *failed) {
    int rank = mlp_world_rank(world), size = mlp_world_size(world);
    size_t share = (plan->num_runs - (size_t)rank + (size_t)size - 1) / (size_t)size;
    mlp_job *jobs = calloc(share + 1, sizeof *jobs);
    mlp_string_list *argvs = calloc(share + 1, sizeof *argvs);
    size_t *job_run = calloc(share + 1, sizeof *job_run);
    mlp_string_list env = {0};
    mlp_sweep_child_environment(environ, &env);
    size_t num_jobs = 0, finished = 0, resumed = 0;
    bool out_of_memory = !jobs || !argvs || !job_run || env.failed;
    for (size_t i = (size_t)rank; i < plan->num_runs && !out_of_memory; i += (size_t)size) {
        mlp_sweep_run_state state = mlp_sweep_run_state_of(plan->runs[i].dir);
        if (state == MLP_SWEEP_RUN_FINISHED) {
            finished++;
            continue;
        }
        resumed += state == MLP_SWEEP_RUN_RESUME;
        mlp_sweep_base base = {a->config, a->sets.items, a->sets.count};
        mlp_sweep_run_argv(program, &base, plan, &plan->runs[i], state == MLP_SWEEP_RUN_RESUME,
                           threads, &argvs[num_jobs]);
        out_of_memory = argvs[num_jobs].failed;
        jobs[num_jobs] = (mlp_job){argvs[num_jobs].items, plan->runs[i].log_path};
        job_run[num_jobs++] = i;
    }
    int code = EXIT_OK;
    size_t parallel = a->jobs < num_jobs ? a->jobs : num_jobs;
    progress_context progress = {plan, job_run, num_jobs, 0, rank, size, a->quiet};
    if (out_of_memory) {
        fputs("mlp sweep: out of memory\n", stderr);
        code = EXIT_RUNTIME;
    } else if (!a->quiet) {
        char threads_text[32] = "the config's";
        if (threads) snprintf(threads_text, sizeof threads_text, "%zu", threads);
        say(&progress,
            "%zu runs: %zu finished before, %zu to resume, %zu new; %zu at a time, %s "
            "threads each",
            share, finished, resumed, num_jobs - resumed, parallel ? parallel : 1, threads_text);
    }
    *failed = 0;
    if (code == EXIT_OK && num_jobs > 0) {
        static char *empty_environment[] = {NULL};
        mlp_scheduler_options options = {
            .parallel = parallel,
            .envp = env.count ? env.items : empty_environment,
            .stop = cli_catch_interrupts(),
            .on_start = on_run_start,
            .on_end = on_run_end,
            .context = &progress,
        };
        size_t not_started = 0;
        mlp_error err = {0};
        if (mlp_run_jobs(jobs, num_jobs, &options, failed, &not_started, &err) != MLP_OK)
            code = cli_fail("sweep", &err);
        *failed += not_started;
        if (not_started && !a->quiet)
            fprintf(stderr,
                    "mlp sweep: stopped with %zu runs not started; run the same command "
                    "again to resume\n",
                    not_started);
    }
    for (size_t j = 0; argvs && j < num_jobs; j++)
        mlp_string_list_free(&argvs[j]);
    mlp_string_list_free(&env);
    free(argvs);
    free(jobs);
    free(job_run);
    return code;
}

int cmd_sweep(int argc, char **argv) {
    sweep_args a = {.repeats = 1};
    mlp_error err = {0};
    mlp_world *world = NULL;
    mlp_sweep_grid *grid = NULL;
    mlp_sweep_plan *plan = NULL;
    int code = parse_args(argc, argv, &a);
    if (code == EXIT_OK && mlp_world_start(&world, &argc, &argv, &err) != MLP_OK)
        code = cli_fail("sweep", &err);
    if (code == EXIT_OK && mlp_sweep_grid_new(&grid, &err) != MLP_OK)
        code = cli_fail("sweep", &err);
    for (size_t i = 0; code == EXIT_OK && i < a.grids.count; i++)
        if (mlp_sweep_grid_add_axis(grid, a.grids.items[i], &err) != MLP_OK)
            code = cli_usage("sweep", "%s", err.message);
    if (code == EXIT_OK && a.repeats > 1 && mlp_sweep_grid_has_key(grid, "seed"))
        code = cli_usage("sweep",
                         "--repeat %zu with a grid over seed: the repeats would be "
                         "identical; use one or the other",
                         a.repeats);
    uint64_t seed = 0;
    bool threads_given = false;
    mlp_sweep_base base = {a.config, a.sets.items, a.sets.count};
    mlp_status st = code == EXIT_OK
                        ? mlp_sweep_check_configs(&base, grid, &seed, &threads_given, &err)
                        : MLP_OK;
    if (st != MLP_OK)
        code = st == MLP_ERR_IO || st == MLP_ERR_MEMORY ? cli_fail("sweep", &err)
                                                        : cli_usage("sweep", "%s", err.message);
    if (code == EXIT_OK &&
        (mlp_sweep_plan_new(&plan, grid, a.repeats, seed, a.out, &err) != MLP_OK ||
         mlp_sweep_plan_make_dirs(plan, &err) != MLP_OK))
        code = cli_fail("sweep", &err);
    char program[PATH_MAX];
    if (code == EXIT_OK) code = own_path(program);

    size_t failed = 0;
    if (code == EXIT_OK) {
        /* The cores of this host are shared by the ranks on it, then by the runs of each. */
        size_t cores = mlp_available_cores() / (size_t)mlp_world_local_size(world);
        if (cores == 0) cores = 1;
        if (a.jobs == 0) a.jobs = cores;
        bool threads_swept = mlp_sweep_grid_has_key(grid, "threads");
        size_t threads = threads_given || threads_swept ? 0 : mlp_threads_per_run(cores, a.jobs);
        code = run_share(program, &a, plan, world, threads, &failed);
    }
    if (world && mlp_world_size(world) > 1) {
        /* Every rank reaches this point (the checks above give every rank the same answer). */
        double total_failed = (double)failed + (code != EXIT_OK);
        if (mlp_world_sum_doubles(world, &total_failed, 1, &err) != MLP_OK ||
            (plan && mlp_sweep_gather_outcomes(world, plan, &err) != MLP_OK))
            code = cli_fail("sweep", &err);
        failed = (size_t)total_failed;
    }
    if (plan && mlp_world_rank(world) == 0) {
        char *markdown = NULL;
        if (mlp_sweep_write_results(plan, &markdown, &err) != MLP_OK) {
            code = cli_fail("sweep", &err);
        } else {
            fputs(markdown, stdout);
            printf("results: %s/results.md, %s/results.csv\n", plan->out_dir, plan->out_dir);
        }
        free(markdown);
        if (code == EXIT_OK && failed > 0) {
            fprintf(stderr,
                    "mlp sweep: %zu runs did not finish (failed, stopped or not started; logs in "
                    "%s/COMBINATION/repeat-R.log); the same command again resumes them\n",
                    failed, plan->out_dir);
            code = EXIT_RUNTIME;
        }
    }
    mlp_sweep_plan_free(plan);
    mlp_sweep_grid_free(grid);
    mlp_world_finish(world);
    free(a.grids.items);
    free(a.sets.items);
    return code == CLI_HELP ? EXIT_OK : code;
}
