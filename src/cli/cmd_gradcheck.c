/* mlp gradcheck: the engine's finite-difference check of backpropagation on the network a config
 * describes, with a few real samples of its training data. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "train/train_config.h"

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
    "precision, for every parameter. Prints the worst relative error of each tensor; exits 1 when\n"
    "one exceeds the tolerance (default 1e-5). Every checked entry costs two forward passes,\n"
    "so at most M evenly spaced entries of each tensor are checked (default 500; 0: all).\n"
    "Exit status: 0 within tolerance, 1 above it or runtime error, 2 usage error.\n";

/* Prints the per-tensor table; returns whether every tensor is within tolerance. */
static bool print_report(const mlp_gradcheck_tensor *report, size_t num_tensors, size_t samples,
                         size_t num_params, double tolerance) {
    printf("gradient check: %zu samples, %zu parameters, tolerance %g\n", samples, num_params,
           tolerance);
    printf("%-16s %14s %10s %16s %16s\n", "tensor", "max rel error", "at", "backprop", "numeric");
    bool passed = true;
    for (size_t i = 0; i < num_tensors; i++) {
        const mlp_gradcheck_tensor *t = &report[i];
        char name[64];
        snprintf(name, sizeof name, "dense.%zu.%s", t->layer, t->is_bias ? "bias" : "weight");
        bool ok = t->max_relative_error <= tolerance;
        passed = passed && ok;
        printf("%-16s %14.3e %10zu %16.9g %16.9g%s\n", name, t->max_relative_error, t->worst_index,
               t->backprop, t->numeric, ok ? "" : "  ABOVE TOLERANCE");
    }
    printf("%s\n", passed ? "ok" : "FAILED");
    return passed;
}

int cmd_gradcheck(int argc, char **argv) {
    const char *config_path = NULL;
    char **sets = calloc((size_t)argc, sizeof *sets);
    size_t num_sets = 0, samples = 4, max_per_tensor = 500;
    double tolerance = 1e-5;
    int code = EXIT_OK;
    for (int i = 1; i < argc && code == EXIT_OK; i++) {
        bool missing = false;
        const char *v;
        char *end;
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            free(sets);
            return EXIT_OK;
        } else if ((v = cli_option(argc, argv, &i, "--set", &missing))) {
            sets[num_sets++] = (char *)v;
        } else if ((v = cli_option(argc, argv, &i, "--samples", &missing))) {
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 1 || n > 1000)
                code = cli_usage("gradcheck", "--samples wants 1 to 1000, got '%s'", v);
            samples = (size_t)n;
        } else if ((v = cli_option(argc, argv, &i, "--max-per-tensor", &missing))) {
            long long m = strtoll(v, &end, 10);
            if (*end || end == v || m < 0)
                code = cli_usage("gradcheck", "--max-per-tensor wants a count >= 0, got '%s'", v);
            max_per_tensor = (size_t)m;
        } else if ((v = cli_option(argc, argv, &i, "--tolerance", &missing))) {
            tolerance = strtod(v, &end);
            if (*end || end == v || !(tolerance > 0))
                code = cli_usage("gradcheck", "--tolerance wants a positive number, got '%s'", v);
        } else if (missing) {
            code = cli_usage("gradcheck", "%s needs a value", argv[i]);
        } else if (argv[i][0] == '-') {
            code = cli_usage("gradcheck", "unknown option '%s'", argv[i]);
        } else if (!config_path) {
            config_path = argv[i];
        } else {
            code = cli_usage("gradcheck", "unexpected argument '%s'", argv[i]);
        }
    }
    if (code == EXIT_OK && !config_path) code = cli_usage("gradcheck", "a config file is required");
    mlp_ini *ini = NULL;
    mlp_error err = {0};
    mlp_train_config config;
    if (code == EXIT_OK) {
        mlp_status st = mlp_train_ini_load(&ini, config_path, sets, num_sets, &err);
        if (st == MLP_OK) st = mlp_train_config_from_ini(ini, &config, &err);
        if (st != MLP_OK)
            code = st == MLP_ERR_IO ? cli_fail("gradcheck", &err)
                                    : cli_usage("gradcheck", "%s", err.message);
    }
    if (code == EXIT_OK) {
        cli_set_threads(config.threads);
        mlp_gradcheck_tensor report[2 * MLP_MAX_LAYERS];
        size_t num_tensors, used, num_params;
        if (mlp_train_gradcheck(&config, samples, max_per_tensor, report, &num_tensors, &used,
                                &num_params, &err) != MLP_OK)
            code = cli_fail("gradcheck", &err);
        else if (!print_report(report, num_tensors, used, num_params, tolerance))
            code = EXIT_RUNTIME;
    }
    mlp_ini_free(ini);
    free(sets);
    return code;
}
