/* mlp gradcheck: the engine's finite-difference check of backpropagation on the network a config
 * describes, with a few real samples of its training data. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "train/train_config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mlp gradcheck CONFIG.ini [--set SECTION.KEY=VALUE ...] [--samples N]\n"
    "                     [--tolerance T] [--max-per-tensor M]\n"
    "\n"
    "Builds the network CONFIG.ini describes (initialised with its seed), takes the first N\n"
    "training samples (default 4) prepared as in training, and compares the gradient of\n"
    "(mean loss + penalty) from backpropagation with central finite differences, in double\n"
    "precision. Per tensor it prints the entry with the largest relative error beyond the finite\n"
    "difference's own estimated error (fd error):\n"
    "  (|backprop - numeric| - fd error) / (|backprop| + |numeric|), 0 if within it,\n"
    "and exits 1 when one exceeds the tolerance (default 1e-5). Every checked entry costs four\n"
    "forward passes, so at most M evenly spaced entries of each tensor are checked (default\n"
    "500; 0: all).\n"
    "Exit status: 0 within tolerance, 1 above it or runtime error, 2 usage error.\n";

/* Prints the per-tensor table; returns whether every tensor is within tolerance. */
static bool print_report(const mlp_gradcheck_tensor *report, size_t num_tensors, size_t samples,
                         size_t num_params, double tolerance) {
    printf("gradient check: %zu samples, %zu parameters, tolerance %g\n", samples, num_params,
           tolerance);
    printf("%-16s %10s %8s %16s %16s %11s %9s\n", "tensor", "rel error", "at", "backprop",
           "numeric", "difference", "fd error");
    bool passed = true;
    for (size_t i = 0; i < num_tensors; i++) {
        const mlp_gradcheck_tensor *t = &report[i];
        char name[64];
        snprintf(name, sizeof name, "dense.%zu.%s", t->layer, t->is_bias ? "bias" : "weight");
        bool ok = t->max_relative_error <= tolerance;
        passed = passed && ok;
        printf("%-16s %10.3g %8zu %16.9g %16.9g %11.2g %9.2g%s\n", name, t->max_relative_error,
               t->worst_index, t->backprop, t->numeric, fabs(t->backprop - t->numeric), t->fd_error,
               ok ? "" : "  ABOVE TOLERANCE");
    }
    printf("%s\n", passed ? "ok" : "FAILED");
    return passed;
}

int cmd_gradcheck(int argc, char **argv) {
    cli_texts sets = {0}, positional = {0};
    size_t samples = 4, max_per_tensor = 500;
    const char *tolerance_text = NULL;
    double tolerance = 1e-5;
    const cli_option_spec options[] = {
        {"--set", NULL, CLI_TEXTS, &sets, 0, 0},
        {"--samples", NULL, CLI_COUNT, &samples, 1, 1000},
        {"--max-per-tensor", NULL, CLI_COUNT, &max_per_tensor, 0, SIZE_MAX},
        {"--tolerance", NULL, CLI_TEXT, &tolerance_text, 0, 0},
    };
    int code = cli_parse("gradcheck", usage, argc, argv, options, sizeof options / sizeof *options,
                         &positional);
    if (code == EXIT_OK && tolerance_text) {
        char *end;
        tolerance = strtod(tolerance_text, &end);
        if (*end || end == tolerance_text || !(tolerance > 0))
            code = cli_usage("gradcheck", "--tolerance wants a positive number, got '%s'",
                             tolerance_text);
    }
    if (code == EXIT_OK && positional.count > 1)
        code = cli_usage("gradcheck", "unexpected argument '%s'", positional.items[1]);
    if (code == EXIT_OK && positional.count == 0)
        code = cli_usage("gradcheck", "a config file is required");
    const char *config_path = code == EXIT_OK ? positional.items[0] : NULL;
    mlp_ini *ini = NULL;
    mlp_error err = {0};
    mlp_train_config config;
    if (code == EXIT_OK) {
        mlp_status st = mlp_train_ini_load(&ini, config_path, sets.items, sets.count, &err);
        if (st == MLP_OK) st = mlp_train_config_from_ini(ini, &config, &err);
        if (st != MLP_OK)
            code = st == MLP_ERR_IO ? cli_fail("gradcheck", &err)
                                    : cli_usage("gradcheck", "%s", err.message);
    }
    if (code == EXIT_OK) {
        mlp_gradcheck_tensor report[2 * MLP_MAX_LAYERS];
        size_t num_tensors, used, num_params;
        if (mlp_train_gradcheck(&config, samples, max_per_tensor, report, &num_tensors, &used,
                                &num_params, &err) != MLP_OK)
            code = cli_fail("gradcheck", &err);
        else if (!print_report(report, num_tensors, used, num_params, tolerance))
            code = EXIT_RUNTIME;
    }
    mlp_ini_free(ini);
    free(sets.items);
    free(positional.items);
    return code == CLI_HELP ? EXIT_OK : code;
}
