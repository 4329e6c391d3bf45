/* mlp eval: loss, accuracy, per-class precision/recall/F1 and the confusion matrix of a model on
 * labelled data. */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mlp eval MODEL DATA...\n"
    "\n"
    "Evaluates MODEL (a .safetensors model or checkpoint, or a run folder: its last.safetensors)\n"
    "on each labelled DATA source (docs/data.md) and prints the loss, the accuracy, per-class\n"
    "precision, recall and F1, and the confusion matrix (rows: true class, columns: predicted),\n"
    "with the model's class names (data.class_names) or else the labels.\n"
    "Exit status: 0 done, 1 runtime error (bad file, unknown label), 2 usage error.\n";

static int evaluate_source(mlp_model *model, const char *source, bool heading) {
    mlp_error err = {0};
    mlp_dataset *data = NULL;
    mlp_evaluation *ev = NULL;
    char *report = NULL;
    mlp_status st = mlp_dataset_load(&data, source, &err);
    if (st == MLP_OK && !mlp_dataset_labels(data))
        st = mlp_fail(&err, MLP_ERR_ARGUMENT, "%s: no labels to evaluate against", source);
    if (st == MLP_OK) st = mlp_model_accept(model, data, &err);
    if (st == MLP_OK) st = mlp_evaluation_new(&ev, mlp_model_num_classes(model), &err);
    if (st == MLP_OK) st = mlp_model_evaluate(model, data, ev, &err);
    if (st == MLP_OK) {
        report = mlp_evaluation_report(ev, mlp_model_display_names(model), &err);
        if (!report) st = err.status;
    }
    if (st == MLP_OK) {
        if (heading) printf("== %s\n", source);
        fputs(report, stdout);
    }
    free(report);
    mlp_evaluation_free(ev);
    mlp_dataset_free(data);
    return st == MLP_OK ? EXIT_OK : cli_fail("eval", &err);
}

int cmd_eval(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("eval", "unknown option '%s'", argv[i]);
    }
    if (argc < 3) return cli_usage("eval", "a model and at least one data source are required");
    char path[PATH_MAX];
    mlp_error err = {0};
    mlp_model *model;
    if (cli_model_path(argv[1], path, &err) != MLP_OK ||
        mlp_model_load(&model, path, &err) != MLP_OK)
        return cli_fail("eval", &err);
    int code = EXIT_OK;
    for (int i = 2; i < argc && code == EXIT_OK; i++) {
        code = evaluate_source(model, argv[i], argc > 3);
        if (i + 1 < argc) printf("\n");
    }
    mlp_model_free(model);
    return code;
}
