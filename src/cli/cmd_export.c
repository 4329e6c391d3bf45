/* mlp export: a model as an ONNX file or as C source (float or int8). */
#include "cli/cli_common.h"
#include "cli/commands.h"

#include "io/config_file.h"
#include "io/folders.h"
#include "train/train_config.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CALIBRATION_SAMPLES 2000

static const char usage[] =
    "usage: mlp export MODEL --format onnx --out FILE.onnx\n"
    "       mlp export MODEL --format c --out DIR [--name NAME] [--quantize int8]\n"
    "                  [--calibration DATA] [--calibration-samples N]\n"
    "\n"
    "Writes MODEL (a .safetensors model or checkpoint, or a run folder) for use without mlp:\n"
    "  onnx   one ONNX file (IR 8, opset 13): raw values in (input [N, features]), the stored\n"
    "         preparation, every layer and softmax or sigmoid; outputs probabilities [N, K] and\n"
    "         label [N]; class names and training metadata in metadata_props\n"
    "  c      DIR/NAME.h and DIR/NAME.c: C99, libm only, no allocation, weights as const arrays;\n"
    "         int NAME_predict(const float *input, float *probabilities), NAME_class_names[]\n"
    "\n"
    "  --format onnx|c          what to write (required)\n"
    "  --out PATH               the ONNX file, or the folder for the C files (created if missing)\n"
    "  --name NAME              C prefix and file names (default: model)\n"
    "  --quantize int8          C only: int8 weights and layer inputs, int32 sums (post-training\n"
    "                           quantization; default: float32)\n"
    "  --calibration DATA       int8: samples whose activations set the scales (default: the\n"
    "                           training data named in the model's config)\n"
    "  --calibration-samples N  int8: how many of them, evenly spaced (default 2000; 0: all)\n"
    "Every file is written whole or not at all. See docs/deploy.md.\n"
    "Exit status: 0 done, 1 runtime error, 2 usage error.\n";

/* The training source named in the model's stored config (data.train); NULL with err set when
 * the model holds no config. *ini owns the string. */
static const char *training_source(const mlp_model *model, mlp_ini **ini, mlp_error *err) {
    const char *config = mlp_model_metadata(model, "config");
    if (!config) {
        mlp_fail(err, MLP_ERR_ARGUMENT,
                 "the model holds no training config to take calibration samples from; name "
                 "them with --calibration DATA");
        return NULL;
    }
    const char *source = NULL;
    if (mlp_train_ini_new(ini, err) != MLP_OK ||
        mlp_ini_load_text(*ini, config, "the model's config", err) != MLP_OK ||
        mlp_ini_get_string(*ini, "data.train", &source, err) != MLP_OK)
        return NULL;
    return source;
}

static mlp_status export_c(const mlp_model *model, const char *dir, const char *name, bool int8,
                           const char *calibration, size_t samples, mlp_error *err) {
    mlp_c_export_spec spec = {.name = name,
                              .precision = int8 ? MLP_EXPORT_INT8 : MLP_EXPORT_FLOAT,
                              .calibration_samples = samples};
    mlp_ini *ini = NULL;
    mlp_dataset *data = NULL;
    mlp_status st = MLP_OK;
    if (int8 && !calibration) {
        calibration = training_source(model, &ini, err);
        if (!calibration) st = err->status;
    }
    if (st == MLP_OK && int8) st = mlp_dataset_load(&data, calibration, err);
    spec.calibration = data;
    if (st == MLP_OK) st = mlp_make_folders(dir, err);
    if (st == MLP_OK) st = mlp_model_export_c(model, dir, &spec, err);
    if (st == MLP_OK && int8)
        fprintf(stderr, "wrote %s/%s.h and %s/%s.c (int8, calibrated on %s)\n", dir, name, dir,
                name, calibration);
    else if (st == MLP_OK)
        fprintf(stderr, "wrote %s/%s.h and %s/%s.c (float32)\n", dir, name, dir, name);
    mlp_dataset_free(data);
    mlp_ini_free(ini);
    return st;
}

int cmd_export(int argc, char **argv) {
    const char *format = NULL, *out = NULL, *name = NULL, *quantize = NULL, *calibration = NULL;
    size_t samples = DEFAULT_CALIBRATION_SAMPLES;
    cli_texts positional = {0};
    const cli_option_spec specs[] = {
        {"--format", NULL, CLI_TEXT, &format, 0, 0},
        {"--out", "-o", CLI_TEXT, &out, 0, 0},
        {"--name", NULL, CLI_TEXT, &name, 0, 0},
        {"--quantize", NULL, CLI_TEXT, &quantize, 0, 0},
        {"--calibration", NULL, CLI_TEXT, &calibration, 0, 0},
        {"--calibration-samples", NULL, CLI_COUNT, &samples, 0, SIZE_MAX},
    };
    int code =
        cli_parse("export", usage, argc, argv, specs, sizeof specs / sizeof *specs, &positional);
    bool onnx = format && strcmp(format, "onnx") == 0, c = format && strcmp(format, "c") == 0;
    if (code == EXIT_OK && positional.count != 1)
        code = cli_usage("export", "one model is required, got %zu arguments", positional.count);
    else if (code == EXIT_OK && !format)
        code = cli_usage("export", "--format onnx or --format c is required");
    else if (code == EXIT_OK && !onnx && !c)
        code = cli_usage("export", "--format '%s': expected onnx or c", format);
    else if (code == EXIT_OK && !out)
        code = cli_usage("export", "--out is required (%s)", onnx ? "the .onnx file" : "a folder");
    else if (code == EXIT_OK && onnx && (name || quantize || calibration))
        code = cli_usage("export", "--name, --quantize and --calibration are for --format c");
    else if (code == EXIT_OK && quantize && strcmp(quantize, "int8") != 0)
        code = cli_usage("export", "--quantize '%s': only int8 is supported", quantize);
    else if (code == EXIT_OK && calibration && !quantize)
        code = cli_usage("export", "--calibration is for --quantize int8");
    if (code != EXIT_OK) {
        free(positional.items);
        return code == CLI_HELP ? EXIT_OK : code;
    }
    char path[PATH_MAX];
    mlp_error err = {0};
    mlp_model *model = NULL;
    mlp_status st = cli_model_path(positional.items[0], path, &err);
    if (st == MLP_OK) st = mlp_model_load(&model, path, &err);
    if (st == MLP_OK && onnx) {
        st = mlp_model_export_onnx(model, out, &err);
        if (st == MLP_OK) fprintf(stderr, "wrote %s\n", out);
    } else if (st == MLP_OK) {
        st = export_c(model, out, name ? name : "model", quantize != NULL, calibration, samples,
                      &err);
    }
    mlp_model_free(model);
    free(positional.items);
    return st == MLP_OK ? EXIT_OK : cli_fail("export", &err);
}
