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
    cli_texts args = {0};
    int code = cli_parse("eval", usage, argc, argv, NULL, 0, &args);
    if (code == EXIT_OK && args.count < 2)
        code = cli_usage("eval", "a model and at least one data source are required");
    if (code != EXIT_OK) {
        free(args.items);
        return code == CLI_HELP ? EXIT_OK : code;
    }
    char path[PATH_MAX];
    mlp_error err = {0};
    mlp_model *model;
    if (cli_model_path(args.items[0], path, &err) != MLP_OK ||
        mlp_model_load(&model, path, &err) != MLP_OK) {
        free(args.items);
        return cli_fail("eval", &err);
    }
    for (size_t i = 1; i < args.count && code == EXIT_OK; i++) {
        code = evaluate_source(model, args.items[i], args.count > 2);
        if (i + 1 < args.count) printf("\n");
    }
    mlp_model_free(model);
    free(args.items);
    return code;
}
