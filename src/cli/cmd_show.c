/* mlp show weights|confusion|samples: pictures of a trained model (weight tiles, the confusion
 * matrix on labelled data, sample images with their predictions). */
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/picture_args.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mlp show weights MODEL [--layer N] [--shape RxC] [--shared-scale] --out FILE\n"
    "       mlp show confusion MODEL DATA... --out FILE\n"
    "       mlp show samples MODEL DATA... [--wrong|--right] [--count N] [--shape RxC] --out FILE\n"
    "\n"
    "Pictures of a trained MODEL (a .safetensors model or checkpoint, or a run folder: its\n"
    "last.safetensors); FILE ends in .png or .svg. Classes are shown by the model's class names\n"
    "(data.class_names), or else by their labels.\n"
    "  weights    each unit's incoming weights in dense layer N (default 0) as an image of the\n"
    "             input's shape (a square number of inputs, e.g. 784 -> 28x28, or --shape);\n"
    "             the output layer's tiles are named after the classes (class templates)\n"
    "  confusion  the confusion matrix over the labelled DATA sources (docs/data.md)\n"
    "  samples    the first N (default 40) samples of DATA with predicted and true classes;\n"
    "             --wrong or --right keeps only wrong or right predictions\n"
    "options for all: --title TEXT, --size WIDTHxHEIGHT, --columns N (grids)\n"
    "Exit status: 0 done, 1 runtime error, 2 usage error.\n";

#define SHOW_MAX_DATA 16
#define SHOW_DEFAULT_COUNT 40

typedef enum { KEEP_ALL, KEEP_WRONG, KEEP_RIGHT } sample_filter;

typedef struct {
    const char *what, *model, *out;
    const char *data[SHOW_MAX_DATA];
    size_t num_data;
    size_t layer;
    size_t rows, cols; /* --shape, 0 when not given */
    size_t count;
    sample_filter filter;
    mlp_plot_options options;
} show_args;

/* 0, a usage error, or CLI_HELP. */
static int parse_args(int argc, char **argv, show_args *a) {
    memset(a, 0, sizeof *a);
    mlp_plot_options_default(&a->options);
    a->count = SHOW_DEFAULT_COUNT;
    const char *size = NULL, *shape = NULL;
    bool wrong = false, right = false;
    cli_texts positional = {0};
    const cli_option_spec options[] = {
        PICTURE_OPTIONS(&a->options, size),
        {"--out", NULL, CLI_TEXT, &a->out, 0, 0},
        {"--layer", NULL, CLI_COUNT, &a->layer, 0, SIZE_MAX},
        {"--count", NULL, CLI_COUNT, &a->count, 1, SIZE_MAX},
        {"--shape", NULL, CLI_TEXT, &shape, 0, 0},
        {"--shared-scale", NULL, CLI_FLAG, &a->options.shared_scale, 0, 0},
        {"--wrong", NULL, CLI_FLAG, &wrong, 0, 0},
        {"--right", NULL, CLI_FLAG, &right, 0, 0},
    };
    int code = cli_parse("show", usage, argc, argv, options, sizeof options / sizeof *options,
                         &positional);
    if (code == EXIT_OK) code = picture_size("show", size, &a->options);
    if (code == EXIT_OK && shape && !picture_parse_pair(shape, &a->rows, &a->cols))
        code = cli_usage("show", "--shape %s: expected ROWSxCOLS, e.g. 28x28", shape);
    if (code == EXIT_OK && wrong && right)
        code = cli_usage("show", "--wrong and --right: give one of them");
    a->filter = wrong ? KEEP_WRONG : right ? KEEP_RIGHT : KEEP_ALL;
    if (code == EXIT_OK && positional.count > 2 + SHOW_MAX_DATA)
        code = cli_usage("show", "at most %d data sources", SHOW_MAX_DATA);
    for (size_t i = 0; code == EXIT_OK && i < positional.count; i++) {
        if (i == 0)
            a->what = positional.items[0];
        else if (i == 1)
            a->model = positional.items[1];
        else
            a->data[a->num_data++] = positional.items[i];
    }
    free(positional.items);
    if (code != EXIT_OK) return code;
    if (!a->what || !a->model) return cli_usage("show", "what to show and a model are required");
    bool weights = strcmp(a->what, "weights") == 0;
    if (!weights && strcmp(a->what, "confusion") != 0 && strcmp(a->what, "samples") != 0)
        return cli_usage("show", "'%s': expected weights, confusion or samples", a->what);
    if (weights && a->num_data)
        return cli_usage("show", "show weights takes no data source ('%s')", a->data[0]);
    if (!weights && !a->num_data)
        return cli_usage("show", "show %s needs at least one data source", a->what);
    if (!a->out) return cli_usage("show", "--out FILE.png or FILE.svg is required");
    return EXIT_OK;
}

static int show_weights(mlp_model *model, const show_args *a) {
    const mlp_net *net = mlp_model_net_const(model);
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    if (a->layer >= spec->num_layers) {
        fprintf(stderr, "mlp show: %s: --layer %zu: the model has %zu dense layers (0..%zu)\n",
                a->model, a->layer, spec->num_layers, spec->num_layers - 1);
        return EXIT_RUNTIME;
    }
    size_t inputs = spec->widths[a->layer], units = spec->widths[a->layer + 1];
    size_t rows = a->rows, cols = a->cols;
    if (rows) {
        if (rows * cols != inputs) {
            fprintf(stderr,
                    "mlp show: --shape %zux%zu has %zu pixels but layer %zu has %zu inputs\n", rows,
                    cols, rows * cols, a->layer, inputs);
            return EXIT_RUNTIME;
        }
    } else {
        rows = cols = (size_t)llround(sqrt((double)inputs));
        if (rows * cols != inputs || inputs < 4) {
            fprintf(stderr,
                    "mlp show: %s: layer %zu has %zu inputs, not a square image; give its shape "
                    "with --shape ROWSxCOLS\n",
                    a->model, a->layer, inputs);
            return EXIT_RUNTIME;
        }
    }
    /* Output units of a softmax layer are the classes: their tiles are class templates. */
    bool output = a->layer + 1 == spec->num_layers && units == mlp_model_num_classes(model);
    const float *w = mlp_net_params_const(net) + mlp_net_weight_offset(net, a->layer);
    mlp_error err = {0};
    if (mlp_plot_weight_tiles(w, units, rows, cols, output ? mlp_model_display_names(model) : NULL,
                              &a->options, a->out, &err) != MLP_OK)
        return cli_fail("show", &err);
    printf("wrote %s\n", a->out);
    return EXIT_OK;
}

static int show_confusion(mlp_model *model, const show_args *a) {
    size_t k = mlp_model_num_classes(model);
    mlp_error err = {0};
    mlp_evaluation *ev = NULL;
    uint64_t *counts = calloc(k * k, sizeof *counts);
    mlp_status st =
        counts ? mlp_evaluation_new(&ev, k, &err) : mlp_fail(&err, MLP_ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < a->num_data && st == MLP_OK; i++) {
        mlp_dataset *data = NULL;
        st = mlp_dataset_load(&data, a->data[i], &err);
        if (st == MLP_OK) st = mlp_model_accept(model, data, &err);
        if (st == MLP_OK) st = mlp_model_evaluate(model, data, ev, &err);
        mlp_dataset_free(data);
    }
    for (size_t t = 0; t < k && st == MLP_OK; t++)
        for (size_t p = 0; p < k; p++)
            counts[t * k + p] = mlp_evaluation_confusion(ev, t, p);
    if (st == MLP_OK)
        st = mlp_plot_confusion(counts, k, mlp_model_display_names(model), &a->options, a->out,
                                &err);
    mlp_evaluation_free(ev);
    free(counts);
    if (st != MLP_OK) return cli_fail("show", &err);
    printf("wrote %s\n", a->out);
    return EXIT_OK;
}

/* Samples chosen so far: their pixels (copied out of the data sets) and predictions. */
typedef struct {
    mlp_plot_sample *samples;
    float *pixels;
    size_t count, features, rows, cols;
} chosen_samples;

/* Adds the samples of one data source that pass the filter, until `count` are chosen. */
static mlp_status choose_from(mlp_model *model, const char *source, const show_args *a,
                              chosen_samples *chosen, mlp_error *err) {
    mlp_dataset *data = NULL;
    mlp_status loaded = mlp_dataset_load(&data, source, err);
    if (loaded != MLP_OK) return loaded;
    size_t n = mlp_dataset_count(data), features = mlp_dataset_features(data);
    size_t outputs = mlp_net_get_spec(mlp_model_net_const(model))
                         ->widths[mlp_net_get_spec(mlp_model_net_const(model))->num_layers];
    int32_t *classes = calloc(n ? n : 1, sizeof *classes);
    float *probs = calloc(n ? n * outputs : 1, sizeof *probs);
    mlp_status st = classes && probs ? mlp_model_accept(model, data, err)
                                     : mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", source);
    size_t rows = a->rows, cols = a->cols;
    if (st == MLP_OK && !rows && !mlp_dataset_image_shape(data, &rows, &cols))
        st = mlp_fail(err, MLP_ERR_ARGUMENT,
                      "%s: %zu features, not a known image shape; give it with --shape ROWSxCOLS",
                      source, features);
    if (st == MLP_OK && rows * cols != features)
        st = mlp_fail(err, MLP_ERR_ARGUMENT, "%s: --shape %zux%zu does not match %zu features",
                      source, rows, cols, features);
    if (st == MLP_OK && chosen->count && features != chosen->features)
        st = mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %zu features, the sources before have %zu",
                      source, features, chosen->features);
    const int32_t *labels = st == MLP_OK ? mlp_dataset_labels(data) : NULL;
    if (st == MLP_OK && a->filter != KEEP_ALL && !labels)
        st = mlp_fail(err, MLP_ERR_ARGUMENT, "%s: no labels, so no right or wrong predictions",
                      source);
    if (st == MLP_OK) st = mlp_model_predict(model, data, classes, probs, err);
    if (st == MLP_OK && !chosen->pixels) {
        chosen->features = features;
        chosen->rows = rows;
        chosen->cols = cols;
        chosen->pixels = calloc(a->count * features, sizeof *chosen->pixels);
        chosen->samples = calloc(a->count, sizeof *chosen->samples);
        if (!chosen->pixels || !chosen->samples)
            st = mlp_fail(err, MLP_ERR_MEMORY, "out of memory for %zu samples", a->count);
    }
    const uint8_t *bytes = mlp_dataset_bytes(data);
    const float *floats = mlp_dataset_floats(data);
    for (size_t i = 0; i < n && st == MLP_OK && chosen->count < a->count; i++) {
        int32_t truth = labels ? labels[i] : -1;
        if ((a->filter == KEEP_WRONG && truth == classes[i]) ||
            (a->filter == KEEP_RIGHT && truth != classes[i]))
            continue;
        float *px = chosen->pixels + chosen->count * features;
        for (size_t j = 0; j < features; j++)
            px[j] = bytes ? (float)bytes[i * features + j] : floats[i * features + j];
        /* One sigmoid output is the probability of class 1. */
        float p = outputs == 1 ? probs[i] : probs[i * outputs + (size_t)classes[i]];
        float confidence = outputs == 1 && classes[i] == 0 ? 1 - p : p;
        chosen->samples[chosen->count++] = (mlp_plot_sample){px, classes[i], truth, confidence};
    }
    free(classes);
    free(probs);
    mlp_dataset_free(data);
    return st;
}

static int show_samples(mlp_model *model, const show_args *a) {
    chosen_samples chosen = {0};
    mlp_error err = {0};
    mlp_status st = MLP_OK;
    for (size_t i = 0; i < a->num_data && st == MLP_OK && chosen.count < a->count; i++)
        st = choose_from(model, a->data[i], a, &chosen, &err);
    if (st == MLP_OK && chosen.count == 0)
        st = mlp_fail(&err, MLP_ERR_ARGUMENT, "no %s predictions to show",
                      a->filter == KEEP_WRONG ? "wrong" : "right");
    if (st == MLP_OK)
        st = mlp_plot_samples(chosen.samples, chosen.count, chosen.rows, chosen.cols,
                              mlp_model_display_names(model), mlp_model_num_classes(model),
                              &a->options, a->out, &err);
    free(chosen.samples);
    free(chosen.pixels);
    if (st != MLP_OK) return cli_fail("show", &err);
    printf("wrote %s (%zu samples)\n", a->out, chosen.count);
    return EXIT_OK;
}

int cmd_show(int argc, char **argv) {
    show_args a;
    int code = parse_args(argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP ? EXIT_OK : code;
    char path[PATH_MAX];
    mlp_error err = {0};
    mlp_model *model;
    if (cli_model_path(a.model, path, &err) != MLP_OK ||
        mlp_model_load(&model, path, &err) != MLP_OK)
        return cli_fail("show", &err);
    if (strcmp(a.what, "weights") == 0)
        code = show_weights(model, &a);
    else if (strcmp(a.what, "confusion") == 0)
        code = show_confusion(model, &a);
    else
        code = show_samples(model, &a);
    mlp_model_free(model);
    return code;
}
