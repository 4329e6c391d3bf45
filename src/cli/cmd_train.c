/* mlp train: trains a network from an INI config into a run folder, or resumes one. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "io/folders.h"
#include "mpi/distributed.h"
#include "train/train_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: mlp train CONFIG.ini [--set SECTION.KEY=VALUE ...] [--out RUNDIR] [--quiet]\n"
    "       mlp train --resume RUNDIR [--from CHECKPOINT] [--set SECTION.KEY=VALUE ...] [--quiet]\n"
    "       mlp train --keys\n"
    "\n"
    "Trains the network CONFIG.ini describes (every key: docs/config.md) and writes RUNDIR\n"
    "(default runs/CONFIG-NAME): config.ini (the effective config), metrics.csv,\n"
    "last.safetensors, best.safetensors, summary.json, curves.png.\n"
    "\n"
    "  --set S.K=V     override one config key (repeatable), e.g. --set schedule.lr=0.01\n"
    "  --out RUNDIR    the run folder\n"
    "  --resume RUNDIR continue an interrupted run exactly where its last checkpoint stopped;\n"
    "                  with --set, continue it (finished or not) with changed settings from\n"
    "                  there on, e.g. --set training.epochs=20 --set regularization.l2=0.001\n"
    "                  (recorded in RUNDIR/changes.csv; docs/training.md)\n"
    "  --from FILE     with --resume: continue from this checkpoint of the run instead (a\n"
    "                  step-N.safetensors kept with checkpoint.keep = true)\n"
    "  --quiet         no progress output\n"
    "  --keys          print every config key with its type, default and meaning (Markdown)\n"
    "\n"
    "Progress goes to stderr: a live line on a terminal, one line per epoch otherwise. Ctrl-C\n"
    "saves last.safetensors and stops; --resume continues. Exit status: 0 done, 1 runtime error\n"
    "(bad data, divergence, interruption), 2 usage error (bad arguments or config).\n";

static void print_result(const mlp_train_result *r, const char *run_dir) {
    printf("%s after %zu epochs (%llu steps) in %.1f s, %.0f samples/s",
           mlp_stop_reason_name(r->stop_reason), r->epochs_run, (unsigned long long)r->steps,
           r->train_seconds, r->samples_per_second);
    if (!isnan(r->best_val_accuracy))
        printf("; best val accuracy %.4f (epoch %zu)", r->best_val_accuracy, r->best_epoch);
    printf("\n");
    if (!isnan(r->test_accuracy))
        printf("test accuracy %.4f, test loss %.4f\n", r->test_accuracy, r->test_loss);
    printf("run folder: %s\n", run_dir);
}

/* The settings a resumed run changes, before it starts. */
static void print_changes(const mlp_train_run *run) {
    if (!run->num_changes) return;
    fprintf(stderr, "mlp train: %s continues from step %llu with changed settings:\n", run->run_dir,
            (unsigned long long)run->step);
    for (size_t i = 0; i < run->num_changes; i++)
        fprintf(stderr, "  %s: %s -> %s\n", run->changes[i].key, run->changes[i].before,
                run->changes[i].after);
    fprintf(stderr,
            "mlp train: from here on the run equals no uninterrupted run; %s/changes.csv "
            "records the changes\n",
            run->run_dir);
}

/* What to do after a run that did not finish, in the command's words. */
static void advise(mlp_status st, const mlp_train_run *run) {
    if (st == MLP_ERR_INTERRUPTED)
        fprintf(stderr, "mlp train: continue with: mlp train --resume %s\n", run->run_dir);
    else if (st == MLP_ERR_NUMERIC)
        fprintf(stderr, "mlp train: try a lower schedule.lr or a training.clip_norm\n");
    else if (st == MLP_ERR_STATE)
        fprintf(stderr,
                "mlp train: to train it further, give it more epochs (other settings may "
                "change with them): mlp train --resume %s --set training.epochs=%zu\n",
                run->run_dir, run->epoch + run->config.epochs);
}

static int print_keys(void) {
    mlp_error err = {0};
    char *markdown = mlp_ini_schema_markdown(mlp_train_schema(), &err);
    if (!markdown) return cli_fail("train", &err);
    fputs(markdown, stdout);
    free(markdown);
    return EXIT_OK;
}

/* RUNDIR/curves.png from metrics.csv, also after an interruption or divergence; a picture that
 * cannot be drawn is a warning (silent after a failed run, whose metrics may be empty), not a
 * failed run. */
static void draw_curves(const char *run_dir, bool warn) {
    char metrics[PATH_MAX], png[PATH_MAX];
    mlp_error err = {0};
    struct stat st;
    if (mlp_path_join(metrics, run_dir, "metrics.csv", &err) != MLP_OK ||
        mlp_path_join(png, run_dir, "curves.png", &err) != MLP_OK || stat(metrics, &st) != 0)
        return;
    const char *dirs[] = {run_dir};
    if (mlp_plot_curves(dirs, 1, NULL, png, &err) != MLP_OK && warn)
        fprintf(stderr, "mlp train: warning: %s not drawn: %s\n", png, err.message);
}

/* The run to train from the arguments, or an exit code (CLI_HELP after --help or --keys). */
static int prepare(int argc, char **argv, mlp_train_run *run, bool *quiet) {
    const char *out = NULL, *resume = NULL, *from = NULL;
    bool keys = false;
    cli_texts sets = {0}, positional = {0};
    const cli_option_spec options[] = {
        {"--set", NULL, CLI_TEXTS, &sets, 0, 0},     {"--out", NULL, CLI_TEXT, &out, 0, 0},
        {"--resume", NULL, CLI_TEXT, &resume, 0, 0}, {"--from", NULL, CLI_TEXT, &from, 0, 0},
        {"--quiet", "-q", CLI_FLAG, quiet, 0, 0},    {"--keys", NULL, CLI_FLAG, &keys, 0, 0},
    };
    int code = cli_parse("train", usage, argc, argv, options, sizeof options / sizeof *options,
                         &positional);
    if (code == EXIT_OK && keys) code = print_keys() == EXIT_OK ? CLI_HELP : EXIT_RUNTIME;
    if (code == EXIT_OK && positional.count > (resume ? 0 : 1))
        code = cli_usage("train", "unexpected argument '%s'", positional.items[resume ? 0 : 1]);
    if (code == EXIT_OK && !resume && !positional.count)
        code = cli_usage("train", "a config file or --resume RUNDIR is required");
    if (code == EXIT_OK && from && !resume)
        code = cli_usage("train", "--from FILE goes with --resume RUNDIR");
    if (code == EXIT_OK && resume && out)
        code = cli_usage("train", "--resume RUNDIR takes no --out: the run continues in RUNDIR");
    mlp_error err = {0};
    mlp_status st = MLP_OK;
    if (code == EXIT_OK && resume)
        st = mlp_train_run_resume(run, resume, from, sets.items, sets.count, &err);
    else if (code == EXIT_OK)
        st = mlp_train_run_new(run, positional.items[0], sets.items, sets.count, out, &err);
    free(sets.items);
    free(positional.items);
    /* A config that does not parse or check, or a fixed key changed, is the caller's mistake. */
    if (st == MLP_ERR_ARGUMENT) return cli_usage("train", "%s", err.message);
    return st != MLP_OK ? cli_fail("train", &err) : code;
}

int cmd_train(int argc, char **argv) {
    mlp_train_run run;
    bool quiet = false;
    int code = prepare(argc, argv, &run, &quiet);
    if (code != EXIT_OK) return code == CLI_HELP ? EXIT_OK : code;
    /* Under mpirun: data-parallel training over the ranks, which share this host's cores; rank 0
     * reports and writes the run folder (docs/scaling.md). */
    mlp_error err = {0};
    mlp_world *world = NULL;
    if (mlp_world_start(&world, &argc, &argv, &err) != MLP_OK) {
        mlp_train_run_free(&run);
        return cli_fail("train", &err);
    }
    mlp_distributed distributed = mlp_world_distributed(world);
    bool parallel = mlp_world_size(world) > 1, root = mlp_world_rank(world) == 0;
    long share = sysconf(_SC_NPROCESSORS_ONLN) / mlp_world_local_size(world);
    if (!run.config.threads && parallel) run.config.threads = share > 1 ? (int)share : 1;
    if (root) print_changes(&run);

    cli_progress progress;
    cli_progress_init(&progress, quiet || !root);
    mlp_train_hooks hooks = {
        .progress = cli_progress_update,
        .progress_ctx = &progress,
        .stop_requested = cli_catch_interrupts(),
        .distributed = parallel ? &distributed : NULL,
    };
    mlp_train_result result;
    mlp_status st = mlp_train(&run.config, run.run_dir, run.checkpoint[0] ? run.checkpoint : NULL,
                              &hooks, &result, &err);
    cli_progress_finish(&progress);
    if (st != MLP_OK) {
        code = cli_fail("train", &err);
        advise(st, &run);
    }
    /* The result is filled when training ran: finished, interrupted or diverged. A failure on
     * one rank (not a stop all ranks agreed on) would leave the others waiting. */
    bool ran = st == MLP_OK || st == MLP_ERR_INTERRUPTED || st == MLP_ERR_NUMERIC;
    if (!ran && parallel)
        mlp_world_abort(world, EXIT_RUNTIME);
    else if (root && ran)
        print_result(&result, run.run_dir);
    if (root) draw_curves(run.run_dir, st == MLP_OK);
    mlp_train_run_free(&run);
    mlp_world_finish(world);
    return code;
}
