/* mlp plot RUNDIR... : learning curves of run folders and sweep folders. */
#include "cli/commands.h"
#include "cli/picture_args.h"
#include "mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out) {
    fputs("usage: mlp plot RUNDIR... [--out FILE.png|FILE.svg] [--x steps|epochs]\n"
          "                [--title TEXT] [--size WIDTHxHEIGHT]\n"
          "\n"
          "Draws loss (train, validation) and accuracy (train, validation) from each run\n"
          "folder's metrics.csv, one line per run named after its folder. A sweep folder\n"
          "(DIR/<combination>/<repeat>/) gives one line per combination with a band of\n"
          "mean +- std over its repeats.\n"
          "\n"
          "  --out FILE   .png or .svg (default: RUNDIR/curves.png for one folder,\n"
          "               curves.png for several)\n"
          "  --x AXIS     x axis of the loss panel: steps (default) or epochs\n"
          "  --title TEXT title of the chart\n"
          "  --size WxH   picture size in pixels (default 1200x800)\n",
          out);
}

int cmd_plot(int argc, char **argv) {
    mlp_plot_options options;
    mlp_plot_options_default(&options);
    const char *out = NULL;
    const char **dirs = calloc((size_t)argc, sizeof *dirs);
    if (!dirs) {
        fputs("mlp plot: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }
    size_t num_dirs = 0;
    int code = EXIT_OK;
    for (int i = 1; i < argc && code == EXIT_OK; i++) {
        const char *arg = argv[i];
        bool has_value = i + 1 < argc;
        int taken = picture_option("plot", argc, argv, &i, &options);
        if (taken) {
            if (taken < 0) code = EXIT_USAGE;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            free(dirs);
            return EXIT_OK;
        } else if (strcmp(arg, "--out") == 0 && has_value) {
            out = argv[++i];
        } else if (strcmp(arg, "--x") == 0 && has_value) {
            const char *axis = argv[++i];
            if (strcmp(axis, "steps") == 0)
                options.x_axis = MLP_PLOT_X_STEPS;
            else if (strcmp(axis, "epochs") == 0)
                options.x_axis = MLP_PLOT_X_EPOCHS;
            else {
                fprintf(stderr, "mlp plot: --x %s: expected steps or epochs\n", axis);
                code = EXIT_USAGE;
            }
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "mlp plot: %s: %s (see mlp plot --help)\n", arg,
                    has_value || strncmp(arg, "--", 2) != 0 ? "unknown option" : "missing value");
            code = EXIT_USAGE;
        } else {
            dirs[num_dirs++] = arg;
        }
    }
    if (code == EXIT_OK && num_dirs == 0) {
        usage(stderr);
        code = EXIT_USAGE;
    }
    char *default_out = NULL;
    if (code == EXIT_OK && !out) {
        size_t len = strlen(dirs[0]) + sizeof "/curves.png";
        default_out = malloc(len);
        if (default_out) snprintf(default_out, len, "%s/curves.png", dirs[0]);
        out = num_dirs == 1 ? default_out : "curves.png";
    }
    if (code == EXIT_OK) {
        mlp_error err;
        if (!out || mlp_plot_curves(dirs, num_dirs, &options, out, &err) != MLP_OK) {
            fprintf(stderr, "mlp plot: %s\n", out ? err.message : "out of memory");
            code = EXIT_RUNTIME;
        } else {
            printf("wrote %s\n", out);
        }
    }
    free(default_out);
    free(dirs);
    return code;
}
