/* C export: a model as dependency-free C99 source (NAME.h, NAME.c), float or int8.
 *
 * float: the library's arithmetic, step by step: the preparation (x - lo) * (1 / (hi - lo)),
 * log(x + c), (x - mean_j) * (1 / std_j), each in its own statement (never contracted to an FMA);
 * every layer z = W x + b in float (eight running sums per row, which compilers vectorize; libmlp's
 * blocked products order their sums differently too) and its activation; softmax as
 * e^(z - max) * (1 / sum).
 *
 * int8 (post-training quantization, symmetric):
 *   weights   q_w[o][i] = round(W[o][i] / s_w[o]),  s_w[o] = max_i |W[o][i]| / 127  (per output)
 *   inputs    q_x[i] = round(clamp(x[i] / s_x, -127, 127)),  s_x = c_l / 127 per layer, c_l the
 *             99.99th percentile of |x| over the calibration samples' float activations (the
 *             largest few values clipped: standardised pixels that are almost always 0 reach 100)
 *   layer     z[o] = (sum_i q_w[o][i] q_x[i]) * (s_w[o] s_x) + b[o], the sum in int32
 *             (|sum| <= in * 127^2 < 2^31 for in < 133,000)
 * The preparation, biases, activations and softmax stay in float. */
#include "export/export.h"
#include "io/atomic_file.h"
#include "io/folders.h"
#include "train/model_file.h"
#include "util/error.h"
#include "util/text.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NAME = 64, INT8_MAX_INPUTS = 133000 };
#define CALIBRATION_PERCENTILE 99.99

/* Per layer: the int8 weights and their scales, and the input scale. */
typedef struct {
    int8_t *weights;
    float *multiplier; /* s_w[o] * s_x */
    float input_scale; /* s_x */
} int8_layer;

/* A float constant that reads back as the same float: 9 significant digits, and a decimal point
 * or exponent so that the "f" suffix makes a float literal. */
static void put_float(mlp_text *t, float v) {
    char number[48];
    snprintf(number, sizeof number, "%.9g", (double)v);
    bool has_point = strpbrk(number, ".e") != NULL;
    mlp_text_append(t, "%s%sf", number, has_point ? "" : ".0");
}

static void put_float_array(mlp_text *t, const char *name, const float *v, size_t n) {
    mlp_text_append(t, "static const float %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++) {
        mlp_text_append(t, "%s", i == 0 ? "\n    " : i % 8 ? ", " : ",\n    ");
        put_float(t, v[i]);
    }
    mlp_text_append(t, "\n};\n");
}

static void put_int8_array(mlp_text *t, const char *name, const int8_t *v, size_t n) {
    mlp_text_append(t, "static const int8_t %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++)
        mlp_text_append(t, "%s%d", i == 0 ? "\n    " : i % 20 ? "," : ",\n    ", v[i]);
    mlp_text_append(t, "\n};\n");
}

/* A C string literal: quotes, backslashes and '?' (no trigraphs) escaped, other bytes outside
 * printable ASCII as octal. */
static void put_string(mlp_text *t, const char *s) {
    mlp_text_append(t, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?')
            mlp_text_append(t, "\\%c", *p);
        else if (*p >= 32 && *p < 127)
            mlp_text_append(t, "%c", *p);
        else
            mlp_text_append(t, "\\%03o", *p);
    }
    mlp_text_append(t, "\"");
}

static void put_names(mlp_text *t, const char *prefix, const char *what, const char *const *names,
                      size_t count) {
    mlp_text_append(t, "const char *const %s_%s[%zu] = {", prefix, what, count);
    for (size_t k = 0; k < count; k++) {
        mlp_text_append(t, "%s", k ? ", " : "");
        put_string(t, names[k]);
    }
    mlp_text_append(t, "};\n");
}

/* Text inside a block comment, each line prefixed with " * ": no comment delimiters, no "??"
 * (a trigraph under -std=c99), no control characters. */
static void put_comment_text(mlp_text *t, const char *s) {
    mlp_text_append(t, " * ");
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == '\n') {
            mlp_text_append(t, p[1] ? "\n * " : "");
            continue;
        }
        if ((unsigned char)c < 32 || c == 127) c = ' ';
        mlp_text_append(t, "%c", c);
        if ((c == '*' && p[1] == '/') || (c == '/' && p[1] == '*') || (c == '?' && p[1] == '?'))
            mlp_text_append(t, " ");
    }
    mlp_text_append(t, "\n");
}

static bool is_identifier(const char *s) {
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_')) return false;
    return strlen(s) <= MAX_NAME;
}

/* ---- Calibration and quantization ---- */

static int compare_floats(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The value below which `percentile` % of the n values lie (sorts v). */
static float percentile(float *v, size_t n, double percent) {
    qsort(v, n, sizeof *v, compare_floats);
    size_t k = (size_t)(percent / 100.0 * (double)(n - 1) + 0.5);
    return v[k < n ? k : n - 1];
}

/* The float activations of `count` evenly spaced samples, layer by layer: fills the input scale
 * s_x of every layer from the magnitudes of that layer's inputs. */
static mlp_status calibrate(const mlp_model *model, const mlp_dataset *data, size_t count,
                            int8_layer *layers, mlp_error *err) {
    const mlp_net *net = mlp_model_net_const(model);
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    const float *params = mlp_net_params_const(net);
    size_t total = mlp_dataset_count(data);
    if (total == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: no samples to calibrate on",
                        mlp_dataset_source(data));
    if (count == 0 || count > total) count = total;
    size_t max_width = 0;
    for (size_t i = 0; i <= spec->num_layers; i++)
        max_width = spec->widths[i] > max_width ? spec->widths[i] : max_width;
    mlp_status s = MLP_OK;
    float *magnitudes[MLP_MAX_LAYERS] = {0};
    for (size_t l = 0; s == MLP_OK && l < spec->num_layers; l++)
        if (!(magnitudes[l] = mlp_calloc(count, spec->widths[l] * sizeof(float), err)))
            s = MLP_ERR_MEMORY;
    float *x = s == MLP_OK ? mlp_calloc(2, max_width * sizeof(float), err) : NULL;
    if (!x) s = MLP_ERR_MEMORY;
    for (size_t n = 0; s == MLP_OK && n < count; n++) {
        uint32_t index = (uint32_t)(n * total / count);
        float *in = x, *out = x + max_width;
        s = mlp_dataset_gather(data, &index, 1, mlp_model_transform(model), NULL, NULL, in, NULL,
                               err);
        for (size_t l = 0; s == MLP_OK && l < spec->num_layers; l++) {
            size_t fan_in = spec->widths[l], fan_out = spec->widths[l + 1];
            for (size_t i = 0; i < fan_in; i++)
                magnitudes[l][n * fan_in + i] = fabsf(in[i]);
            const float *w = params + mlp_net_weight_offset(net, l);
            const float *b = params + mlp_net_bias_offset(net, l);
            for (size_t o = 0; o < fan_out; o++) {
                float z = 0;
                for (size_t i = 0; i < fan_in; i++)
                    z += w[o * fan_in + i] * in[i];
                z += b[o];
                switch (spec->activation[l]) {
                case MLP_ACT_SIGMOID:
                    z = 1.0f / (1.0f + expf(-z));
                    break;
                case MLP_ACT_TANH:
                    z = tanhf(z);
                    break;
                case MLP_ACT_RELU:
                    z = z > 0 ? z : 0;
                    break;
                case MLP_ACT_LEAKY_RELU:
                    z = z > 0 ? z : spec->leaky_relu_slope * z;
                    break;
                default: /* identity; the output's softmax is never quantized */
                    break;
                }
                out[o] = z;
            }
            float *swap = in;
            in = out, out = swap;
        }
    }
    for (size_t l = 0; s == MLP_OK && l < spec->num_layers; l++) {
        float clip = percentile(magnitudes[l], count * spec->widths[l], CALIBRATION_PERCENTILE);
        layers[l].input_scale = clip > 0 && isfinite(clip) ? clip / 127.0f : 1.0f;
    }
    for (size_t l = 0; l < spec->num_layers; l++)
        free(magnitudes[l]);
    free(x);
    return s;
}

/* Rounds to nearest, halves away from zero, within [-127, 127]. */
static int8_t quantize(float v) {
    v = v > 127.0f ? 127.0f : v < -127.0f ? -127.0f : v;
    return (int8_t)(v >= 0 ? (int)(v + 0.5f) : -(int)(0.5f - v));
}

/* Per output unit o: s_w[o] = max |W[o][:]| / 127; multiplier[o] = s_w[o] * s_x. */
static mlp_status quantize_layers(const mlp_net *net, int8_layer *layers, mlp_error *err) {
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    const float *params = mlp_net_params_const(net);
    for (size_t l = 0; l < spec->num_layers; l++) {
        size_t fan_in = spec->widths[l], fan_out = spec->widths[l + 1];
        if (fan_in >= INT8_MAX_INPUTS)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "int8 export: layer %zu has %zu inputs: its int32 sums could "
                            "overflow (at most %d)",
                            l, fan_in, INT8_MAX_INPUTS - 1);
        layers[l].weights = mlp_calloc(fan_out, fan_in, err);
        layers[l].multiplier = mlp_calloc(fan_out, sizeof(float), err);
        if (!layers[l].weights || !layers[l].multiplier) return MLP_ERR_MEMORY;
        const float *w = params + mlp_net_weight_offset(net, l);
        for (size_t o = 0; o < fan_out; o++) {
            float largest = 0;
            for (size_t i = 0; i < fan_in; i++)
                largest = fmaxf(largest, fabsf(w[o * fan_in + i]));
            float scale = largest > 0 ? largest / 127.0f : 1.0f;
            for (size_t i = 0; i < fan_in; i++)
                layers[l].weights[o * fan_in + i] = quantize(w[o * fan_in + i] / scale);
            layers[l].multiplier[o] = scale * layers[l].input_scale;
        }
    }
    return mlp_ok(err);
}

/* ---- The generated files ---- */

static void put_header(mlp_text *t, const mlp_model *model, const char *name, const char *upper,
                       const char *description) {
    const mlp_net_spec *spec = mlp_net_get_spec(mlp_model_net_const(model));
    mlp_text_append(t,
                    "/* %s.h: a classifier exported by `mlp export` (%s).\n"
                    " * C99, needs only libm, allocates nothing, reentrant. */\n"
                    "#ifndef %s_H\n#define %s_H\n\n",
                    name, description, upper, upper);
    mlp_text_append(
        t,
        "/* Raw input values per sample, as the data source gives them. */\n"
        "#define %s_FEATURES %zu\n"
        "/* Entries of the probabilities (output activations). */\n"
        "#define %s_OUTPUTS %zu\n"
        "/* Classes: entries of the name arrays, indexed by what %s_predict returns. */\n"
        "#define %s_CLASSES %zu\n\n",
        upper, spec->widths[0], upper, spec->widths[spec->num_layers], name, upper,
        mlp_model_num_classes(model));
    mlp_text_append(
        t,
        "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
        "/* The classes' labels, as in the training data (mlp predict's output). */\n"
        "extern const char *const %s_class_names[%s_CLASSES];\n"
        "/* What people call them (the labels when the model has no display names). */\n"
        "extern const char *const %s_display_names[%s_CLASSES];\n\n",
        name, upper, name, upper);
    mlp_text_append(
        t,
        "/* Classifies one sample: input[%s_FEATURES] raw values; probabilities (NULL: not "
        "wanted)\n"
        " * gets %s_OUTPUTS output activations. Returns the class index. */\n"
        "int %s_predict(const float *input, float *probabilities);\n\n"
        "#ifdef __cplusplus\n}\n#endif\n\n#endif\n",
        upper, upper, name);
}

/* The comment at the top of NAME.c: what the network is and how it was trained. */
static void put_training_comment(mlp_text *t, const mlp_model *model, const char *name,
                                 const char *description, const mlp_c_export_spec *spec,
                                 size_t calibration_count) {
    mlp_text_append(t, "/* %s.c: generated by `mlp export` from an mlp model; do not edit.\n",
                    name);
    put_comment_text(t, description);
    if (spec->precision == MLP_EXPORT_INT8)
        mlp_text_append(t,
                        " * int8: weights quantized per output unit (symmetric), layer inputs "
                        "per layer with\n"
                        " * scales calibrated on %zu samples of %s (%.2f percentile of |x|), "
                        "int32 sums.\n",
                        calibration_count, mlp_dataset_source(spec->calibration),
                        CALIBRATION_PERCENTILE);
    static const char *const facts[] = {"mlp.version", "train.stop_reason", "train.epoch",
                                        "train.step", "train.best_val_accuracy"};
    mlp_text_append(t, " *\n * How it was trained:\n");
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
        const char *value = mlp_model_metadata(model, facts[i]);
        if (!value) continue;
        char line[512];
        snprintf(line, sizeof line, "  %s = %s", facts[i], value);
        put_comment_text(t, line);
    }
    const char *config = mlp_model_metadata(model, "config");
    if (config) {
        mlp_text_append(t, " *\n * The training configuration (mlp train's config.ini):\n");
        for (const char *line = config; *line;) {
            size_t n = strcspn(line, "\n");
            if (n > 0 && line[0] != '#' && line[0] != ';') {
                char text[1024];
                snprintf(text, sizeof text, "  %.*s", (int)n, line);
                put_comment_text(t, text);
            }
            line += n + (line[n] == '\n');
        }
    } else {
        mlp_text_append(t, " *   (the model holds no training configuration)\n");
    }
    mlp_text_append(t, " */\n");
}

static void put_helpers(mlp_text *t, const mlp_net_spec *spec, bool int8) {
    bool used[MLP_ACT_SOFTMAX + 1] = {false};
    for (size_t i = 0; i < spec->num_layers; i++)
        used[spec->activation[i]] = true;
    if (!int8)
        mlp_text_append(
            t, "/* y = W x + b, W [out, in] row-major; eight running sums per row, so compilers\n"
               " * vectorize the loop without reordering a sum. */\n"
               "static void dense(const float *w, const float *b, const float *x, int in, "
               "int out,\n"
               "                  float *y) {\n"
               "    for (int o = 0; o < out; o++) {\n"
               "        const float *row = w + (size_t)o * (size_t)in;\n"
               "        float s[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};\n"
               "        int i = 0;\n"
               "        for (; i + 8 <= in; i += 8)\n"
               "            for (int k = 0; k < 8; k++)\n"
               "                s[k] += row[i + k] * x[i + k];\n"
               "        float sum = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + "
               "(s[3] + s[7]));\n"
               "        for (; i < in; i++)\n"
               "            sum += row[i] * x[i];\n"
               "        y[o] = sum + b[o];\n"
               "    }\n"
               "}\n\n");
    else
        mlp_text_append(t,
                        "/* q = round(clamp(x / s, -127, 127)), given 1 / s. */\n"
                        "static void quantize(const float *x, int n, float inv_scale, int8_t *q) "
                        "{\n"
                        "    for (int i = 0; i < n; i++) {\n"
                        "        float v = x[i] * inv_scale;\n"
                        "        v = v > 127.0f ? 127.0f : v < -127.0f ? -127.0f : v;\n"
                        "        q[i] = (int8_t)(v >= 0.0f ? (int)(v + 0.5f) : -(int)(0.5f - v));\n"
                        "    }\n"
                        "}\n\n"
                        "/* y[o] = (sum_i w[o][i] q[i]) * multiplier[o] + b[o], the sum in int32. "
                        "*/\n"
                        "static void dense_int8(const int8_t *w, const float *multiplier, const "
                        "float *b,\n"
                        "                       const int8_t *q, int in, int out, float *y) {\n"
                        "    for (int o = 0; o < out; o++) {\n"
                        "        const int8_t *row = w + (size_t)o * (size_t)in;\n"
                        "        int32_t sum = 0;\n"
                        "        for (int i = 0; i < in; i++)\n"
                        "            sum += (int32_t)row[i] * (int32_t)q[i];\n"
                        "        y[o] = (float)sum * multiplier[o] + b[o];\n"
                        "    }\n"
                        "}\n\n");
    if (used[MLP_ACT_SIGMOID])
        mlp_text_append(t, "static void sigmoid(float *x, int n) {\n"
                           "    for (int i = 0; i < n; i++)\n"
                           "        x[i] = 1.0f / (1.0f + expf(-x[i]));\n"
                           "}\n\n");
    if (used[MLP_ACT_TANH])
        mlp_text_append(t, "static void tanh_all(float *x, int n) {\n"
                           "    for (int i = 0; i < n; i++)\n"
                           "        x[i] = tanhf(x[i]);\n"
                           "}\n\n");
    if (used[MLP_ACT_RELU])
        mlp_text_append(t, "static void relu(float *x, int n) {\n"
                           "    for (int i = 0; i < n; i++)\n"
                           "        x[i] = x[i] > 0.0f ? x[i] : 0.0f;\n"
                           "}\n\n");
    if (used[MLP_ACT_LEAKY_RELU])
        mlp_text_append(t, "static void leaky_relu(float *x, int n, float slope) {\n"
                           "    for (int i = 0; i < n; i++)\n"
                           "        x[i] = x[i] > 0.0f ? x[i] : slope * x[i];\n"
                           "}\n\n");
    if (used[MLP_ACT_SOFTMAX])
        mlp_text_append(t, "/* a_k = e^(z_k - max z) / sum_j e^(z_j - max z) */\n"
                           "static void softmax(float *z, int n) {\n"
                           "    float m = z[0], sum = 0.0f;\n"
                           "    for (int k = 1; k < n; k++)\n"
                           "        m = z[k] > m ? z[k] : m;\n"
                           "    for (int k = 0; k < n; k++) {\n"
                           "        z[k] = expf(z[k] - m);\n"
                           "        sum += z[k];\n"
                           "    }\n"
                           "    float inv = 1.0f / sum;\n"
                           "    for (int k = 0; k < n; k++)\n"
                           "        z[k] *= inv;\n"
                           "}\n\n");
}

/* The statements of the preparation, from input[] into x0[]. */
static void put_preparation(mlp_text *t, const mlp_transform *transform, size_t features) {
    mlp_text_append(t, "    for (int j = 0; j < %zu; j++) {\n        float v = input[j];\n",
                    features);
    const mlp_transform_spec *spec = transform ? mlp_transform_get_spec(transform) : NULL;
    if (spec && spec->scale) mlp_text_append(t, "        v = (v - prep_lo) * prep_inv_range;\n");
    if (spec && spec->log) mlp_text_append(t, "        v = logf(v + prep_log_offset);\n");
    if (spec && spec->standardize)
        mlp_text_append(t, "        v = (v - prep_mean[j]) * prep_inv_std[j];\n");
    mlp_text_append(t, "        x0[j] = v;\n    }\n");
}

static void put_preparation_constants(mlp_text *t, const mlp_transform *transform, size_t features,
                                      mlp_error *err, mlp_status *status) {
    if (!transform) return;
    for (size_t i = 0; i < mlp_transform_num_tensors(transform); i++) {
        const char *name;
        const float *v = mlp_transform_tensor(transform, i, &name, NULL);
        if (strcmp(name, "prep.scale") == 0) {
            mlp_text_append(t, "/* scale: (x - lo) / (hi - lo), lo = %.9g, hi = %.9g */\n",
                            (double)v[0], (double)v[1]);
            mlp_text_append(t, "static const float prep_lo = ");
            put_float(t, v[0]);
            mlp_text_append(t, ";\nstatic const float prep_inv_range = ");
            put_float(t, 1.0f / (v[1] - v[0]));
            mlp_text_append(t, ";\n");
        } else if (strcmp(name, "prep.log_offset") == 0) {
            mlp_text_append(t, "static const float prep_log_offset = ");
            put_float(t, v[0]);
            mlp_text_append(t, ";\n");
        } else if (strcmp(name, "prep.mean") == 0) {
            put_float_array(t, "prep_mean", v, features);
        } else if (strcmp(name, "prep.std") == 0) {
            float *inv = mlp_calloc(features, sizeof *inv, err);
            if (!inv) {
                *status = MLP_ERR_MEMORY;
                return;
            }
            for (size_t j = 0; j < features; j++)
                inv[j] = 1.0f / v[j];
            mlp_text_append(t, "/* 1 / std per feature */\n");
            put_float_array(t, "prep_inv_std", inv, features);
            free(inv);
        }
    }
}

static void put_activation(mlp_text *t, mlp_activation activation, float slope, size_t layer,
                           size_t width) {
    switch (activation) {
    case MLP_ACT_IDENTITY:
        break;
    case MLP_ACT_SIGMOID:
        mlp_text_append(t, "    sigmoid(x%zu, %zu);\n", layer, width);
        break;
    case MLP_ACT_TANH:
        mlp_text_append(t, "    tanh_all(x%zu, %zu);\n", layer, width);
        break;
    case MLP_ACT_RELU:
        mlp_text_append(t, "    relu(x%zu, %zu);\n", layer, width);
        break;
    case MLP_ACT_LEAKY_RELU:
        mlp_text_append(t, "    leaky_relu(x%zu, %zu, ", layer, width);
        put_float(t, slope);
        mlp_text_append(t, ");\n");
        break;
    case MLP_ACT_SOFTMAX:
        mlp_text_append(t, "    softmax(x%zu, %zu);\n", layer, width);
        break;
    }
}

static char *source_text(const mlp_model *model, const char *name, const char *description,
                         const mlp_c_export_spec *spec, const int8_layer *q,
                         size_t calibration_count, mlp_error *err) {
    const mlp_net *net = mlp_model_net_const(model);
    const mlp_net_spec *ns = mlp_net_get_spec(net);
    const float *params = mlp_net_params_const(net);
    bool int8 = spec->precision == MLP_EXPORT_INT8;
    size_t layers = ns->num_layers, outputs = ns->widths[layers];
    mlp_status status = MLP_OK;
    mlp_text t = {0};
    put_training_comment(&t, model, name, description, spec, calibration_count);
    mlp_text_append(&t, "#include \"%s.h\"\n\n#include <math.h>\n#include <stddef.h>\n", name);
    if (int8) mlp_text_append(&t, "#include <stdint.h>\n");
    mlp_text_append(&t, "\n");
    put_names(&t, name, "class_names", mlp_model_class_names(model), mlp_model_num_classes(model));
    put_names(&t, name, "display_names", mlp_model_display_names(model),
              mlp_model_num_classes(model));
    mlp_text_append(&t, "\n");
    put_preparation_constants(&t, mlp_model_transform(model), ns->widths[0], err, &status);
    for (size_t l = 0; l < layers; l++) {
        char array[64];
        size_t fan_in = ns->widths[l], fan_out = ns->widths[l + 1];
        mlp_text_append(&t, "\n/* layer %zu: %zu -> %zu, %s */\n", l, fan_in, fan_out,
                        mlp_activation_name(ns->activation[l]));
        snprintf(array, sizeof array, "w%zu", l);
        if (int8) {
            put_int8_array(&t, array, q[l].weights, fan_in * fan_out);
            snprintf(array, sizeof array, "m%zu", l);
            put_float_array(&t, array, q[l].multiplier, fan_out);
        } else {
            put_float_array(&t, array, params + mlp_net_weight_offset(net, l), fan_in * fan_out);
        }
        snprintf(array, sizeof array, "b%zu", l);
        put_float_array(&t, array, params + mlp_net_bias_offset(net, l), fan_out);
    }
    mlp_text_append(&t, "\n");
    put_helpers(&t, ns, int8);

    mlp_text_append(&t, "int %s_predict(const float *input, float *probabilities) {\n", name);
    for (size_t l = 0; l <= layers; l++)
        mlp_text_append(&t, "    float x%zu[%zu];\n", l, ns->widths[l]);
    if (int8)
        for (size_t l = 0; l < layers; l++)
            mlp_text_append(&t, "    int8_t q%zu[%zu];\n", l, ns->widths[l]);
    put_preparation(&t, mlp_model_transform(model), ns->widths[0]);
    for (size_t l = 0; l < layers; l++) {
        size_t fan_in = ns->widths[l], fan_out = ns->widths[l + 1];
        if (int8) {
            mlp_text_append(&t, "    quantize(x%zu, %zu, ", l, fan_in);
            put_float(&t, 1.0f / q[l].input_scale);
            mlp_text_append(&t, ", q%zu);\n", l);
            mlp_text_append(&t, "    dense_int8(w%zu, m%zu, b%zu, q%zu, %zu, %zu, x%zu);\n", l, l,
                            l, l, fan_in, fan_out, l + 1);
        } else {
            mlp_text_append(&t, "    dense(w%zu, b%zu, x%zu, %zu, %zu, x%zu);\n", l, l, l, fan_in,
                            fan_out, l + 1);
        }
        put_activation(&t, ns->activation[l], ns->leaky_relu_slope, l + 1, fan_out);
    }
    mlp_text_append(&t,
                    "    if (probabilities)\n        for (int k = 0; k < %zu; k++)\n"
                    "            probabilities[k] = x%zu[k];\n",
                    outputs, layers);
    if (outputs == 1)
        mlp_text_append(&t,
                        "    return x%zu[0] >= 0.5f; /* one sigmoid unit: class 1 when p >= 1/2 "
                        "*/\n}\n",
                        layers);
    else
        mlp_text_append(&t,
                        "    int best = 0; /* the first of equal maxima */\n"
                        "    for (int k = 1; k < %zu; k++)\n"
                        "        if (x%zu[k] > x%zu[best]) best = k;\n"
                        "    return best;\n}\n",
                        outputs, layers, layers);
    char *text = mlp_text_finish(&t, err);
    if (status != MLP_OK) {
        free(text);
        return NULL;
    }
    return text;
}

mlp_status mlp_model_export_c(const mlp_model *model, const char *dir,
                              const mlp_c_export_spec *spec, mlp_error *err) {
    if (!model || !dir || !spec || !spec->name)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "export c: a model, a folder and a name needed");
    if (!is_identifier(spec->name))
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "export c: name '%s' is not a C identifier (letters, digits, '_', not "
                        "starting with a digit, at most %d)",
                        spec->name, MAX_NAME);
    bool int8 = spec->precision == MLP_EXPORT_INT8;
    if (int8 && !spec->calibration)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "export c: int8 needs calibration samples");
    if (spec->precision != MLP_EXPORT_FLOAT && !int8)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "export c: unknown precision %d",
                        (int)spec->precision);
    const mlp_net *net = mlp_model_net_const(model);
    const mlp_net_spec *ns = mlp_net_get_spec(net);
    const float *params = mlp_net_params_const(net);
    for (size_t i = 0; i < mlp_net_num_params(net); i++)
        if (!isfinite(params[i]))
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "export c: parameter %zu is %g: C source cannot hold a non-finite "
                            "weight",
                            i, (double)params[i]);
    if (int8 && mlp_dataset_features(spec->calibration) != ns->widths[0])
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %zu features per sample, the model expects %zu",
                        mlp_dataset_source(spec->calibration),
                        mlp_dataset_features(spec->calibration), ns->widths[0]);

    char upper[MAX_NAME + 1], header_path[PATH_MAX], source_path[PATH_MAX], file[MAX_NAME + 3];
    size_t n = strlen(spec->name);
    for (size_t i = 0; i <= n; i++)
        upper[i] = (char)toupper((unsigned char)spec->name[i]);
    snprintf(file, sizeof file, "%s.h", spec->name);
    MLP_TRY(mlp_path_join(header_path, dir, file, err));
    snprintf(file, sizeof file, "%s.c", spec->name);
    MLP_TRY(mlp_path_join(source_path, dir, file, err));

    int8_layer q[MLP_MAX_LAYERS] = {{0}};
    size_t calibration_count = 0;
    mlp_status s = MLP_OK;
    if (int8) {
        size_t total = mlp_dataset_count(spec->calibration);
        calibration_count = spec->calibration_samples && spec->calibration_samples < total
                                ? spec->calibration_samples
                                : total;
        s = calibrate(model, spec->calibration, calibration_count, q, err);
        if (s == MLP_OK) s = quantize_layers(net, q, err);
    }
    char description[1024];
    export_describe(model, description, sizeof description);
    size_t used = strlen(description);
    snprintf(description + used, sizeof description - used, ", %s",
             int8 ? "int8 weights and layer inputs" : "float32");
    char *header = NULL, *source = NULL;
    if (s == MLP_OK) {
        mlp_text t = {0};
        put_header(&t, model, spec->name, upper, description);
        header = mlp_text_finish(&t, err);
        if (!header) s = MLP_ERR_MEMORY;
    }
    if (s == MLP_OK) {
        source = source_text(model, spec->name, description, spec, q, calibration_count, err);
        if (!source) s = MLP_ERR_MEMORY;
    }
    if (s == MLP_OK) s = mlp_atomic_write_text(header_path, header, err);
    if (s == MLP_OK) s = mlp_atomic_write_text(source_path, source, err);
    free(header);
    free(source);
    for (size_t l = 0; l < MLP_MAX_LAYERS; l++) {
        free(q[l].weights);
        free(q[l].multiplier);
    }
    return s;
}
