/* mlp info: what a model or checkpoint holds: architecture, parameters, classes, preparation and
 * training metadata. */
#include "cli/cli_common.h"
#include "cli/commands.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mlp info MODEL [--metadata] [--config]\n"
    "\n"
    "Prints the architecture, the parameter count, the classes (their labels, and their names\n"
    "when the model has them), the data preparation and the training metadata of MODEL (a\n"
    ".safetensors model or checkpoint, or a run folder: its last.safetensors). --metadata also\n"
    "prints every metadata entry (training state, random states, ...), --config the config it\n"
    "was trained with.\n"
    "Exit status: 0 done, 1 runtime error, 2 usage error.\n";

/* Where training stood when the file was written (checkpoints and models written by mlp train). */
static void print_training(const mlp_model *model) {
    const char *step = mlp_model_metadata(model, "train.step");
    const char *epoch = mlp_model_metadata(model, "train.epoch");
    const char *seconds = mlp_model_metadata(model, "train.seconds");
    const char *finished = mlp_model_metadata(model, "train.finished");
    const char *reason = mlp_model_metadata(model, "train.stop_reason");
    if (step && epoch && seconds) {
        double s = strtod(seconds, NULL);
        if (finished && strcmp(finished, "1") == 0)
            printf("training    finished (%s) after %s epochs, %s steps, %.1f s\n",
                   reason ? reason : "?", epoch, step, s);
        else
            printf("training    checkpoint in epoch %llu at step %s (%.1f s): mlp train --resume "
                   "continues it\n",
                   strtoull(epoch, NULL, 10) + 1, step, s);
    }
    const char *best = mlp_model_metadata(model, "best.epoch");
    const char *monitor = mlp_model_metadata(model, "best.monitor");
    const char *value = mlp_model_metadata(model, "best.value");
    if (best && monitor && value)
        printf("best        epoch %s, %s %.6g\n", best, monitor, strtod(value, NULL));
}

/* Every metadata entry but the network, classes and config shown elsewhere. */
static void print_metadata(const mlp_model *model) {
    printf("metadata\n");
    for (size_t i = 0; i < mlp_model_metadata_count(model); i++) {
        const char *key, *value;
        mlp_model_metadata_at(model, i, &key, &value);
        if (strncmp(key, "net.", 4) == 0 || strcmp(key, "prep.spec") == 0 ||
            strcmp(key, "classes") == 0 || strcmp(key, "display_names") == 0 ||
            strcmp(key, "config") == 0)
            continue;
        printf("  %-37s %s\n", key, value);
    }
}

int cmd_info(int argc, char **argv) {
    bool show_config = false, show_metadata = false;
    cli_texts args = {0};
    const cli_option_spec options[] = {
        {"--config", NULL, CLI_FLAG, &show_config, 0, 0},
        {"--metadata", NULL, CLI_FLAG, &show_metadata, 0, 0},
    };
    int code =
        cli_parse("info", usage, argc, argv, options, sizeof options / sizeof *options, &args);
    const char *arg = args.count ? args.items[0] : NULL;
    if (code == EXIT_OK && args.count > 1)
        code = cli_usage("info", "unexpected argument '%s'", args.items[1]);
    if (code == EXIT_OK && !arg) code = cli_usage("info", "a model is required");
    free(args.items);
    if (code != EXIT_OK) return code == CLI_HELP ? EXIT_OK : code;
    char file[PATH_MAX];
    mlp_error err = {0};
    mlp_model *model;
    if (cli_model_path(arg, file, &err) != MLP_OK || mlp_model_load(&model, file, &err) != MLP_OK)
        return cli_fail("info", &err);
    const mlp_net *net = mlp_model_net_const(model);
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    printf("model       %s\n", file);
    printf("layers      %zu", spec->widths[0]);
    for (size_t i = 0; i < spec->num_layers; i++)
        printf(" -> %zu", spec->widths[i + 1]);
    printf("\nactivations %s\n", mlp_model_metadata(model, "net.activations"));
    printf("loss        %s\n", mlp_model_metadata(model, "net.loss"));
    /* FNV-1a over the parameter bytes: equal digests mean bit-identical weights. */
    const unsigned char *bytes = (const unsigned char *)mlp_net_params_const(net);
    uint64_t digest = 14695981039346656037ull;
    for (size_t i = 0; i < mlp_net_num_params(net) * sizeof(float); i++)
        digest = (digest ^ bytes[i]) * 1099511628211ull;
    printf("parameters  %zu (digest %016llx)\n", mlp_net_num_params(net),
           (unsigned long long)digest);
    const char *prep = mlp_model_metadata(model, "prep.spec");
    printf("preparation %s\n", prep ? prep : "none");
    printf("classes     %zu:", mlp_model_num_classes(model));
    for (size_t k = 0; k < mlp_model_num_classes(model); k++)
        printf(" %s", mlp_model_class_names(model)[k]);
    printf("\n");
    if (mlp_model_has_display_names(model)) {
        printf("names       ");
        for (size_t k = 0; k < mlp_model_num_classes(model); k++)
            printf("%s%s", k ? ", " : "", mlp_model_display_names(model)[k]);
        printf("\n");
    }
    print_training(model);
    if (show_metadata) print_metadata(model);
    const char *config = mlp_model_metadata(model, "config");
    if (config && show_config) printf("config\n%s", config);
    mlp_model_free(model);
    return EXIT_OK;
}
