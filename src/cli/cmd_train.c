/* mlp train: trains a network from an INI config into a run folder, or resumes one. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "mpi/distributed.h"
#include "train/train_config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: mlp train CONFIG.ini [--set SECTION.KEY=VALUE ...] [--out RUNDIR] [--quiet]\n"
    "       mlp train --resume RUNDIR [--from CHECKPOINT] [--quiet]\n"
    "       mlp train --keys\n"
    "\n"
    "Trains the network CONFIG.ini describes (every key: docs/config.md) and writes RUNDIR\n"
    "(default runs/CONFIG-NAME): config.ini (the effective config), metrics.csv,\n"
    "last.safetensors, best.safetensors, summary.json, curves.png.\n"
    "\n"
    "  --set S.K=V     override one config key (repeatable), e.g. --set schedule.lr=0.01\n"
    "  --out RUNDIR    the run folder\n"
    "  --resume RUNDIR continue an interrupted run exactly where its last checkpoint stopped\n"
    "  --from FILE     with --resume: continue from this checkpoint of the run instead (a\n"
    "                  step-N.safetensors kept with checkpoint.keep = true)\n"
    "  --quiet         no progress output\n"
    "  --keys          print every config key with its type, default and meaning (Markdown)\n"
    "\n"
    "Progress goes to stderr: a live line on a terminal, one line per epoch otherwise. Ctrl-C\n"
    "saves last.safetensors and stops; --resume continues. Exit status: 0 done, 1 runtime error\n"
    "(bad data, divergence, interruption), 2 usage error (bad arguments or config).\n";

/* runs/NAME for CONFIG path .../NAME.ini */
static void default_run_dir(const char *config, char *out, size_t size) {
    const char *base = strrchr(config, '/');
    base = base ? base + 1 : config;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ini") == 0) n -= 4;
    snprintf(out, size, "runs/%.*s", (int)n, base);
}

static void print_result(const mlp_train_result *r, const char *run_dir) {
    printf("%s after %zu epochs (%llu steps) in %.1f s, %.0f samples/s",
           mlp_stop_reason_name(r->stop_reason),
           r->epochs_run, (unsigned long long)r->steps, r->train_seconds, r->samples_per_second);
    if (!isnan(r->best_val_accuracy))
        printf("; best val accuracy %.4f (epoch %zu)", r->best_val_accuracy, r->best_epoch);
    printf("\n");
    if (!isnan(r->test_accuracy))
        printf("test accuracy %.4f, test loss %.4f\n", r->test_accuracy, r->test_loss);
    printf("run folder: %s\n", run_dir);
}

/* What to do after a run that did not finish, in the command's words. */
static void advise(mlp_status st, const char *run_dir) {
    if (st == MLP_ERR_INTERRUPTED)
        fprintf(stderr, "mlp train: continue with: mlp train --resume %s\n", run_dir);
    else if (st == MLP_ERR_NUMERIC)
        fprintf(stderr, "mlp train: try a lower schedule.lr or a training.clip_norm\n");
    else if (st == MLP_ERR_STATE)
        fprintf(stderr,
                "mlp train: to train its model further, start a new run from its weights "
                "with init.from = %s/last.safetensors\n",
                run_dir);
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
    char metrics[4200], png[4200];
    snprintf(metrics, sizeof metrics, "%s/metrics.csv", run_dir);
    snprintf(png, sizeof png, "%s/curves.png", run_dir);
    struct stat st;
    if (stat(metrics, &st) != 0) return;
    mlp_error err = {0};
    const char *dirs[] = {run_dir};
    if (mlp_plot_curves(dirs, 1, NULL, png, &err) != MLP_OK && warn)
        fprintf(stderr, "mlp train: warning: %s not drawn: %s\n", png, err.message);
}

int cmd_train(int argc, char **argv) {
    const char *config_path = NULL, *out = NULL, *resume = NULL, *from = NULL;
    char **sets = calloc((size_t)argc, sizeof *sets);
    size_t num_sets = 0;
    bool quiet = false;
    int code = EXIT_OK;
    for (int i = 1; i < argc && code == EXIT_OK; i++) {
        bool missing = false;
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            free(sets);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--keys") == 0) {
            free(sets);
            return print_keys();
        } else if ((v = cli_option(argc, argv, &i, "--set", &missing))) {
            sets[num_sets++] = (char *)v;
        } else if ((v = cli_option(argc, argv, &i, "--out", &missing))) {
            out = v;
        } else if ((v = cli_option(argc, argv, &i, "--resume", &missing))) {
            resume = v;
        } else if ((v = cli_option(argc, argv, &i, "--from", &missing))) {
            from = v;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = true;
        } else if (missing) {
            code = cli_usage("train", "%s needs a value", argv[i]);
        } else if (argv[i][0] == '-') {
            code = cli_usage("train", "unknown option '%s'", argv[i]);
        } else if (!config_path) {
            config_path = argv[i];
        } else {
            code = cli_usage("train", "unexpected argument '%s'", argv[i]);
        }
    }
    if (code == EXIT_OK && !resume && !config_path)
        code = cli_usage("train", "a config file or --resume RUNDIR is required");
    if (code == EXIT_OK && from && !resume)
        code = cli_usage("train", "--from FILE goes with --resume RUNDIR");
    if (code == EXIT_OK && resume && (config_path || num_sets || out))
        code = cli_usage("train", "--resume RUNDIR takes no config, --set or --out: a resumed "
                                  "run continues with its own config.ini");
    if (code != EXIT_OK) {
        free(sets);
        return code;
    }

    char run_dir[4096], resume_config[4200], last[4200];
    if (resume) {
        snprintf(run_dir, sizeof run_dir, "%s", resume);
        snprintf(resume_config, sizeof resume_config, "%s/config.ini", resume);
        config_path = resume_config;
        snprintf(last, sizeof last, "%s/last.safetensors", resume);
        if (!from) from = last;
    } else if (out) {
        snprintf(run_dir, sizeof run_dir, "%s", out);
    } else {
        default_run_dir(config_path, run_dir, sizeof run_dir);
    }

    mlp_error err = {0};
    mlp_ini *ini = NULL;
    mlp_train_config config;
    char *text = NULL;
    mlp_status st = mlp_train_ini_load(&ini, config_path, sets, num_sets, &err);
    if (st == MLP_OK) st = mlp_train_config_from_ini(ini, &config, &err);
    if (st == MLP_OK) {
        text = mlp_ini_to_text(ini, &err);
        if (!text) st = err.status;
    }
    free(sets);
    if (st != MLP_OK) {
        /* A config that does not parse or check is the caller's mistake. */
        code = st == MLP_ERR_IO || st == MLP_ERR_MEMORY ? cli_fail("train", &err)
                                                        : cli_usage("train", "%s", err.message);
        mlp_ini_free(ini);
        return code;
    }
    config.config_text = text;
    /* Under mpirun: data-parallel training over the ranks, which share this host's cores; rank 0
     * reports and writes the run folder (docs/scaling.md). */
    mlp_world *world = NULL;
    if (mlp_world_start(&world, &argc, &argv, &err) != MLP_OK) {
        free(text);
        mlp_ini_free(ini);
        return cli_fail("train", &err);
    }
    mlp_distributed distributed = mlp_world_distributed(world);
    bool parallel = mlp_world_size(world) > 1, root = mlp_world_rank(world) == 0;
    long share = sysconf(_SC_NPROCESSORS_ONLN) / mlp_world_local_size(world);
    if (!config.threads && parallel) config.threads = share > 1 ? (int)share : 1;

    /* runs/ is made on demand for the default run folder (a failure shows up in mlp_train). */
    if (!resume && !out) (void)mkdir("runs", 0777);
    cli_progress progress;
    cli_progress_init(&progress, quiet || !root);
    mlp_train_hooks hooks = {
        .progress = cli_progress_update,
        .progress_ctx = &progress,
        .stop_requested = cli_catch_interrupts(),
        .distributed = parallel ? &distributed : NULL,
    };
    mlp_train_result result;
    st = mlp_train(&config, run_dir, from, &hooks, &result, &err);
    cli_progress_finish(&progress);
    if (st != MLP_OK) {
        code = cli_fail("train", &err);
        advise(st, run_dir);
    }
    /* A failure on one rank (not a stop all ranks agreed on) would leave the others waiting. */
    /* The result is filled when training ran: finished, interrupted or diverged. */
    bool ran = st == MLP_OK || st == MLP_ERR_INTERRUPTED || st == MLP_ERR_NUMERIC;
    if (!ran && parallel)
        mlp_world_abort(world, EXIT_RUNTIME);
    else if (root && ran)
        print_result(&result, run_dir);
    if (root) draw_curves(run_dir, st == MLP_OK);
    free(text);
    mlp_ini_free(ini);
    mlp_world_finish(world);
    return code;
}
