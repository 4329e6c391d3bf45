/* mlp plot RUNDIR... : learning curves of run folders and sweep folders; the trials of a tune
 * folder. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/picture_args.h"
#include "io/folders.h"
#include "mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: mlp plot RUNDIR... [--out FILE.png|FILE.svg] [--x steps|epochs]\n"
    "                [--title TEXT] [--size WIDTHxHEIGHT]\n"
    "\n"
    "Draws loss (train, validation) and accuracy (train, validation) from each run\n"
    "folder's metrics.csv, one line per run named after its folder. A sweep folder\n"
    "(DIR/<combination>/<repeat>/) gives one line per combination with a band of\n"
    "mean +- std over its repeats. A tune folder (written by mlp tune, with results.json)\n"
    "gives every trial's validation accuracy and loss against epochs, the rungs and the\n"
    "best trial marked.\n"
    "\n"
    "  --out FILE   .png or .svg (default: RUNDIR/curves.png for one folder,\n"
    "               curves.png for several, DIR/tune.png for a tune folder)\n"
    "  --x AXIS     x axis of the loss panel: steps (default) or epochs\n"
    "  --title TEXT title of the chart\n"
    "  --size WxH   picture size in pixels (default 1200x800)\n";

int cmd_plot(int argc, char **argv) {
    mlp_plot_options options;
    mlp_plot_options_default(&options);
    const char *out = NULL, *size = NULL, *axis = NULL;
    cli_texts dirs = {0};
    const cli_option_spec specs[] = {
        PICTURE_OPTIONS(&options, size),
        {"--out", NULL, CLI_TEXT, &out, 0, 0},
        {"--x", NULL, CLI_TEXT, &axis, 0, 0},
    };
    int code = cli_parse("plot", usage, argc, argv, specs, sizeof specs / sizeof *specs, &dirs);
    if (code == EXIT_OK) code = picture_size("plot", size, &options);
    if (code == EXIT_OK && axis) {
        if (strcmp(axis, "steps") == 0)
            options.x_axis = MLP_PLOT_X_STEPS;
        else if (strcmp(axis, "epochs") == 0)
            options.x_axis = MLP_PLOT_X_EPOCHS;
        else
            code = cli_usage("plot", "--x %s: expected steps or epochs", axis);
    }
    if (code == EXIT_OK && dirs.count == 0) {
        fputs(usage, stderr);
        code = EXIT_USAGE;
    }
    char default_out[PATH_MAX], marker[PATH_MAX];
    mlp_error err = {0};
    struct stat st;
    bool tune = code == EXIT_OK && dirs.count == 1 &&
                mlp_path_join(marker, dirs.items[0], "results.json", NULL) == MLP_OK &&
                stat(marker, &st) == 0;
    if (code == EXIT_OK && !out) {
        if (dirs.count > 1)
            out = "curves.png";
        else if (mlp_path_join(default_out, dirs.items[0], tune ? "tune.png" : "curves.png",
                               &err) == MLP_OK)
            out = default_out;
        else
            code = cli_fail("plot", &err);
    }
    if (code == EXIT_OK) {
        mlp_status status = tune ? mlp_plot_tune(dirs.items[0], &options, out, &err)
                                 : mlp_plot_curves((const char *const *)dirs.items, dirs.count,
                                                   &options, out, &err);
        if (status != MLP_OK)
            code = cli_fail("plot", &err);
        else
            printf("wrote %s\n", out);
    }
    free(dirs.items);
    return code == CLI_HELP ? EXIT_OK : code;
}
