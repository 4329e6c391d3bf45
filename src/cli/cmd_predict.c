/* mlp predict: class predictions of a model as a submission CSV (Id,Category), optionally with
 * the class probabilities. */
#include "cli/cli_common.h"
#include "cli/commands.h"

#include "io/atomic_file.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mlp predict MODEL DATA... [--out FILE.csv] [--proba] [--names]\n"
    "                   [--header ID,CATEGORY] [--id-base N] [--precision f32|bf16]\n"
    "\n"
    "Predicts the class of every sample of the DATA sources (in order, one after another) with\n"
    "MODEL (a .safetensors model or checkpoint, or a run folder) and writes a CSV: a header line,\n"
    "then one line per sample: Id, then the class's label as the training data gave it (e.g.\n"
    "1..26, or a CSV's label text), or with --names its name from data.class_names.\n"
    "\n"
    "  --out FILE.csv     where to write (atomically); default: standard output\n"
    "  --proba            add one column per class with its probability (the output activation)\n"
    "  --names            write the class names given in training (data.class_names, e.g.\n"
    "                     Sandal for label 5) instead of the labels, also in the --proba header\n"
    "  --header ID,CAT    the names of the two columns (default Id,Category)\n"
    "  --id-base N        the Id of the first sample (default 1)\n"
    "  --precision P      arithmetic of the layer products: f32 (default) or bf16 (bfloat16\n"
    "                     products summed in float32; needs a CPU with AVX512_BF16), whatever\n"
    "                     precision the model was trained in\n"
    "Exit status: 0 done, 1 runtime error, 2 usage error.\n";

typedef struct {
    const char *out;
    bool proba, names;
    char id_name[128], category_name[128];
    long long id_base;
} options;

static int parse_header(const char *text, options *o) {
    const char *comma = strchr(text, ',');
    if (!comma || comma == text || !comma[1] || strchr(comma + 1, ',') ||
        (size_t)(comma - text) >= sizeof o->id_name || strlen(comma + 1) >= sizeof o->category_name)
        return cli_usage("predict", "--header wants two names separated by a comma, got '%s'",
                         text);
    snprintf(o->id_name, sizeof o->id_name, "%.*s", (int)(comma - text), text);
    snprintf(o->category_name, sizeof o->category_name, "%s", comma + 1);
    return EXIT_OK;
}

/* Writes a CSV field, quoted when it holds a comma, a quote or a line break. */
static void put_field(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The labels as the training data gave them, or the display names with --names. */
static const char *const *category_names(const options *o, const mlp_model *model) {
    return o->names ? mlp_model_display_names(model) : mlp_model_class_names(model);
}

static void put_header(FILE *f, const options *o, const mlp_model *model) {
    put_field(f, o->id_name);
    fputc(',', f);
    put_field(f, o->category_name);
    if (o->proba)
        for (size_t k = 0; k < mlp_model_num_classes(model); k++) {
            fputc(',', f);
            put_field(f, category_names(o, model)[k]);
        }
    fputc('\n', f);
}

/* Predicts one source and appends its rows; *next_id advances. */
static mlp_status predict_source(mlp_model *model, const char *source, const options *o, FILE *f,
                                 long long *next_id, mlp_error *err) {
    mlp_dataset *data;
    mlp_status st = mlp_dataset_load(&data, source, err);
    if (st != MLP_OK) return st;
    const mlp_net_spec *spec = mlp_net_get_spec(mlp_model_net(model));
    size_t n = mlp_dataset_count(data), outputs = spec->widths[spec->num_layers];
    int32_t *classes = calloc(n + 1, sizeof *classes);
    float *proba = o->proba ? calloc(n * outputs + 1, sizeof *proba) : NULL;
    st = classes && (proba || !o->proba)
             ? MLP_OK
             : mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", source);
    if (st == MLP_OK) st = mlp_model_accept(model, data, err);
    if (st == MLP_OK) st = mlp_model_predict(model, data, classes, proba, err);
    const char *const *names = category_names(o, model);
    for (size_t i = 0; st == MLP_OK && i < n; i++) {
        fprintf(f, "%lld,", (*next_id)++);
        put_field(f, names[classes[i]]);
        for (size_t k = 0; proba && k < outputs; k++)
            fprintf(f, ",%.6g", (double)proba[i * outputs + k]);
        fputc('\n', f);
    }
    free(classes);
    free(proba);
    mlp_dataset_free(data);
    return st;
}

int cmd_predict(int argc, char **argv) {
    options o = {.id_name = "Id", .category_name = "Category", .id_base = 1};
    cli_texts positional = {0};
    const char *header = NULL, *id_base = NULL, *precision_name = NULL;
    mlp_precision precision = MLP_PRECISION_F32;
    const cli_option_spec specs[] = {
        {"--out", NULL, CLI_TEXT, &o.out, 0, 0},
        {"--header", NULL, CLI_TEXT, &header, 0, 0},
        {"--id-base", NULL, CLI_TEXT, &id_base, 0, 0},
        {"--proba", NULL, CLI_FLAG, &o.proba, 0, 0},
        {"--names", NULL, CLI_FLAG, &o.names, 0, 0},
        {"--precision", NULL, CLI_TEXT, &precision_name, 0, 0},
    };
    int code =
        cli_parse("predict", usage, argc, argv, specs, sizeof specs / sizeof *specs, &positional);
    if (code == EXIT_OK && header) code = parse_header(header, &o);
    if (code == EXIT_OK && id_base) {
        char *end;
        o.id_base = strtoll(id_base, &end, 10);
        if (*end || end == id_base)
            code = cli_usage("predict", "--id-base wants an integer, got '%s'", id_base);
    }
    if (code == EXIT_OK && precision_name && !mlp_precision_from_name(precision_name, &precision))
        code = cli_usage("predict", "--precision wants f32 or bf16, got '%s'", precision_name);
    if (code == EXIT_OK && positional.count < 2)
        code = cli_usage("predict", "a model and at least one data source are required");
    if (code != EXIT_OK) {
        free(positional.items);
        return code == CLI_HELP ? EXIT_OK : code;
    }
    char path[PATH_MAX];
    mlp_error err = {0};
    mlp_model *model = NULL;
    mlp_atomic_file *file = NULL;
    mlp_status st = cli_model_path(positional.items[0], path, &err);
    if (st == MLP_OK) st = mlp_model_load(&model, path, &err);
    if (st == MLP_OK) st = mlp_net_set_precision(mlp_model_net(model), precision, &err);
    if (st == MLP_OK && o.names && !mlp_model_has_display_names(model))
        fprintf(stderr, "mlp predict: %s has no class names (data.class_names), writing labels\n",
                positional.items[0]);
    if (st == MLP_OK && o.out) st = mlp_atomic_file_open(&file, o.out, &err);
    if (st == MLP_OK) {
        FILE *f = file ? mlp_atomic_file_stream(file) : stdout;
        put_header(f, &o, model);
        long long next_id = o.id_base;
        for (size_t i = 1; st == MLP_OK && i < positional.count; i++)
            st = predict_source(model, positional.items[i], &o, f, &next_id, &err);
        if (st == MLP_OK && file) {
            st = mlp_atomic_file_commit(file, &err);
            file = NULL;
        }
        if (st == MLP_OK && o.out)
            fprintf(stderr, "wrote %lld predictions to %s\n", next_id - o.id_base, o.out);
    }
    mlp_atomic_file_abort(file);
    mlp_model_free(model);
    free(positional.items);
    return st == MLP_OK ? EXIT_OK : cli_fail("predict", &err);
}
