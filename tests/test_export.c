/* Export: the ONNX graph read back with protobuf-c (operators, constants, inputs, outputs,
 * metadata), the C files' interface, and the faults each refuses. Running the exports (ONNX
 * Runtime, onnx.checker, gcc and clang) is tests/test_export.sh. */
#include "harness.h"
#include "io_test_files.h"
#include "mlp.h"

#include "onnx.pb-c.h"

#include <sys/stat.h>

static char dir[512];

/* A stored training config with comment delimiters and a trigraph in a value. */
#define CONFIG "# the schema's comment\n[data]\nnote = a */ b /* c ?\?/\n"

static void path_of(char *out, size_t size, const char *name) {
    if (!dir[0]) test_make_dir(dir, sizeof dir);
    snprintf(out, size, "%s/%s", dir, name);
}

/* 4 -> 3 (hidden) -> outputs; with a fitted scale, log and standardize preparation. */
static mlp_model *small_model(size_t outputs, mlp_activation hidden, bool preparation) {
    mlp_net_spec spec;
    size_t widths[] = {3};
    CHECK(mlp_net_spec_default(&spec, 4, widths, 1, outputs, hidden, NULL) == MLP_OK);
    if (outputs == 1) {
        spec.loss = MLP_LOSS_BINARY_CROSS_ENTROPY;
        spec.activation[1] = MLP_ACT_SIGMOID;
    }
    spec.leaky_relu_slope = 0.125f;
    spec.dropout[0] = 0.5f;
    mlp_net *net;
    CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
    mlp_rng rng;
    mlp_rng_seed(&rng, 3, 1);
    mlp_init_spec init = {.kind = MLP_INIT_GLOROT_UNIFORM, .bias = 0.1f};
    CHECK(mlp_net_init(net, &init, &rng, NULL) == MLP_OK);
    mlp_transform *t = NULL;
    if (preparation) {
        mlp_transform_spec ts = {
            .scale = true, .log = true, .log_offset = 0.25f, .standardize = true};
        CHECK(mlp_transform_new(&t, &ts, 4, NULL) == MLP_OK);
        const float scale[2] = {0, 255}, offset[1] = {0.25f}, mean[4] = {-1, -0.5f, 0, 0.5f},
                    std[4] = {0.5f, 1, 3, 7};
        CHECK(mlp_transform_set_tensor(t, "prep.scale", scale, 2, NULL) == MLP_OK);
        CHECK(mlp_transform_set_tensor(t, "prep.log_offset", offset, 1, NULL) == MLP_OK);
        CHECK(mlp_transform_set_tensor(t, "prep.mean", mean, 4, NULL) == MLP_OK);
        CHECK(mlp_transform_set_tensor(t, "prep.std", std, 4, NULL) == MLP_OK);
    }
    const char *names3[] = {"no, really", "yes", "?\?=\"\\"};
    const char *names2[] = {"2", "3"};
    mlp_model *model;
    CHECK(mlp_model_new(&model, net, t, outputs == 1 ? names2 : names3, outputs == 1 ? 2 : 3,
                        NULL) == MLP_OK);
    CHECK(mlp_model_set_metadata(model, "config", CONFIG, NULL) == MLP_OK);
    return model;
}

static Onnx__ModelProto *read_onnx(const char *path) {
    size_t size;
    char *bytes = test_read_file(path, &size);
    CHECK(bytes != NULL);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, size, (const uint8_t *)bytes);
    free(bytes);
    CHECK(m != NULL);
    return m;
}

static const Onnx__TensorProto *initializer(const Onnx__GraphProto *g, const char *name) {
    for (size_t i = 0; i < g->n_initializer; i++)
        if (strcmp(g->initializer[i]->name, name) == 0) return g->initializer[i];
    return NULL;
}

static const char *metadata(const Onnx__ModelProto *m, const char *key) {
    for (size_t i = 0; i < m->n_metadata_props; i++)
        if (strcmp(m->metadata_props[i]->key, key) == 0) return m->metadata_props[i]->value;
    return NULL;
}

/* The tensor type of a graph input or output: element type and dims (-1 for "N"). */
static void check_value(const Onnx__ValueInfoProto *v, const char *name, int32_t type, size_t ndim,
                        int64_t width) {
    CHECK(strcmp(v->name, name) == 0);
    CHECK(v->type->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE);
    const Onnx__TypeProto__Tensor *t = v->type->tensor_type;
    CHECK(t->elem_type == type && t->shape->n_dim == ndim);
    CHECK(t->shape->dim[0]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM);
    CHECK(strcmp(t->shape->dim[0]->dim_param, "N") == 0);
    if (ndim == 2) CHECK(t->shape->dim[1]->dim_value == width);
}

static void test_onnx_graph(void) {
    mlp_model *model = small_model(3, MLP_ACT_LEAKY_RELU, true);
    char path[600];
    path_of(path, sizeof path, "small.onnx");
    mlp_error err;
    CHECK_MSG(mlp_model_export_onnx(model, path, &err) == MLP_OK, "%s", err.message);
    Onnx__ModelProto *m = read_onnx(path);
    CHECK(m->ir_version == 8 && m->n_opset_import == 1);
    CHECK(strcmp(m->opset_import[0]->domain, "") == 0 && m->opset_import[0]->version == 13);
    CHECK(strcmp(m->producer_name, "mlp") == 0);
    const Onnx__GraphProto *g = m->graph;
    const char *ops[] = {"Sub",  "Mul",       "Add",  "Log",     "Sub",   "Mul",
                         "Gemm", "LeakyRelu", "Gemm", "Softmax", "ArgMax"};
    CHECK(g->n_node == sizeof ops / sizeof *ops);
    for (size_t i = 0; i < g->n_node; i++)
        CHECK_MSG(strcmp(g->node[i]->op_type, ops[i]) == 0, "node %zu is %s", i,
                  g->node[i]->op_type);
    CHECK(strcmp(g->node[0]->input[0], "input") == 0);
    CHECK(strcmp(g->node[9]->output[0], "probabilities") == 0);
    CHECK(strcmp(g->node[10]->output[0], "label") == 0);
    /* The dropout of the hidden layer is gone; leaky ReLU keeps its slope. */
    CHECK(g->node[7]->n_attribute == 1 && g->node[7]->attribute[0]->f == 0.125f);
    CHECK(g->node[6]->attribute[0]->i == 1 &&
          strcmp(g->node[6]->attribute[0]->name, "transB") == 0);

    /* Constants: 1 / (hi - lo), the offset, 1 / std, and the weights as they are. */
    const Onnx__TensorProto *inv_range = initializer(g, g->node[1]->input[1]);
    CHECK(inv_range && inv_range->n_float_data == 1 && inv_range->float_data[0] == 1.0f / 255);
    CHECK(initializer(g, g->node[2]->input[1])->float_data[0] == 0.25f);
    const Onnx__TensorProto *inv_std = initializer(g, g->node[5]->input[1]);
    CHECK(inv_std && inv_std->n_float_data == 4 && inv_std->float_data[3] == 1.0f / 7);
    const mlp_net *net = mlp_model_net_const(model);
    const Onnx__TensorProto *w1 = initializer(g, g->node[8]->input[1]);
    CHECK(w1 && w1->n_dims == 2 && w1->dims[0] == 3 && w1->dims[1] == 3);
    CHECK(memcmp(w1->float_data, mlp_net_params_const(net) + mlp_net_weight_offset(net, 1),
                 9 * sizeof(float)) == 0);

    CHECK(g->n_input == 1 && g->n_output == 2);
    check_value(g->input[0], "input", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, 4);
    check_value(g->output[0], "probabilities", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, 3);
    check_value(g->output[1], "label", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, 0);
    CHECK(strcmp(metadata(m, "classes"), "[\"no, really\",\"yes\",\"?\?=\\\"\\\\\"]") == 0);
    CHECK(strcmp(metadata(m, "config"), CONFIG) == 0);
    CHECK(metadata(m, "display_names") == NULL);
    onnx__model_proto__free_unpacked(m, NULL);
    mlp_model_free(model);
}

/* One sigmoid unit: label = (p >= 0.5) as int64, no ArgMax; no preparation: Gemm reads input. */
static void test_onnx_one_sigmoid_unit(void) {
    mlp_model *model = small_model(1, MLP_ACT_RELU, false);
    const char *display[] = {"two", "three"};
    CHECK(mlp_model_set_display_names(model, display, 2, NULL) == MLP_OK);
    char path[600];
    path_of(path, sizeof path, "sigmoid.onnx");
    mlp_error err;
    CHECK_MSG(mlp_model_export_onnx(model, path, &err) == MLP_OK, "%s", err.message);
    Onnx__ModelProto *m = read_onnx(path);
    const Onnx__GraphProto *g = m->graph;
    const char *ops[] = {"Gemm", "Relu", "Gemm", "Sigmoid", "GreaterOrEqual", "Squeeze", "Cast"};
    CHECK(g->n_node == sizeof ops / sizeof *ops);
    for (size_t i = 0; i < g->n_node; i++)
        CHECK(strcmp(g->node[i]->op_type, ops[i]) == 0);
    CHECK(strcmp(g->node[0]->input[0], "input") == 0);
    CHECK(initializer(g, g->node[4]->input[1])->float_data[0] == 0.5f);
    CHECK(g->node[6]->attribute[0]->i == ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
    check_value(g->output[0], "probabilities", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, 1);
    CHECK(strcmp(metadata(m, "classes"), "[\"2\",\"3\"]") == 0);
    CHECK(strcmp(metadata(m, "display_names"), "[\"two\",\"three\"]") == 0);
    onnx__model_proto__free_unpacked(m, NULL);
    mlp_model_free(model);
}

/* A path that cannot be written: an I/O error naming it, nothing left behind. */
static void test_onnx_unwritable(void) {
    mlp_model *model = small_model(3, MLP_ACT_TANH, false);
    char folder[600], path[700];
    path_of(folder, sizeof folder, "out");
    snprintf(path, sizeof path, "%s/missing/model.onnx", folder);
    mlp_error err;
    CHECK(mlp_model_export_onnx(model, path, &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, path) != NULL);
    CHECK(mlp_model_export_onnx(model, "", &err) == MLP_ERR_ARGUMENT);
    mlp_model_free(model);
}

static void test_c_files(void) {
    mlp_model *model = small_model(3, MLP_ACT_SIGMOID, true);
    const char *display[] = {"No", "Yes", "Maybe"};
    CHECK(mlp_model_set_display_names(model, display, 3, NULL) == MLP_OK);
    char folder[600], path[700];
    path_of(folder, sizeof folder, "c");
    mkdir(folder, 0700);
    mlp_c_export_spec spec = {.name = "tiny", .precision = MLP_EXPORT_FLOAT};
    mlp_error err;
    CHECK_MSG(mlp_model_export_c(model, folder, &spec, &err) == MLP_OK, "%s", err.message);
    snprintf(path, sizeof path, "%s/tiny.h", folder);
    char *header = test_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/tiny.c", folder);
    char *source = test_read_file(path, NULL);
    CHECK(header && source);
    CHECK(strstr(header, "int tiny_predict(const float *input, float *probabilities);"));
    CHECK(strstr(header, "extern const char *const tiny_class_names[TINY_CLASSES];"));
    CHECK(strstr(header, "#define TINY_FEATURES 4") && strstr(header, "#define TINY_CLASSES 3"));
    /* Names as C strings: quotes, backslashes and '?' escaped (no trigraph). */
    CHECK(strstr(source, "{\"no, really\", \"yes\", \"\\?\\?=\\\"\\\\\"}"));
    CHECK(strstr(source, "tiny_display_names[3] = {\"No\", \"Yes\", \"Maybe\"};"));
    CHECK(strstr(header, "extern const char *const tiny_display_names[TINY_CLASSES];"));
    /* The config's settings in the comment, which no value ends early; no trigraph. */
    CHECK(strstr(source, " *   note = a * / b / * c ? ?/\n"));
    CHECK(!strstr(source, "= a */") && !strstr(source, "schema's comment"));
    CHECK(strstr(source, "v = (v - prep_lo) * prep_inv_range;"));
    CHECK(strstr(source, "v = logf(v + prep_log_offset);"));
    CHECK(strstr(source, "sigmoid(x1, 3);") && strstr(source, "softmax(x2, 3);"));
    CHECK(!strstr(source, "malloc") && !strstr(source, "int8_t"));
    free(header);
    free(source);
    mlp_model_free(model);
}

static void test_c_refusals(void) {
    mlp_model *model = small_model(3, MLP_ACT_RELU, false);
    char folder[600];
    path_of(folder, sizeof folder, "refused");
    mkdir(folder, 0700);
    mlp_error err;
    const char *bad_names[] = {"", "9lives", "a-b", "x.y"};
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
        mlp_c_export_spec spec = {.name = bad_names[i]};
        CHECK(mlp_model_export_c(model, folder, &spec, &err) == MLP_ERR_ARGUMENT);
        CHECK(strstr(err.message, "not a C identifier"));
    }
    mlp_c_export_spec int8 = {.name = "q", .precision = MLP_EXPORT_INT8};
    CHECK(mlp_model_export_c(model, folder, &int8, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "calibration"));
    mlp_net_params(mlp_model_net(model))[5] = NAN;
    mlp_c_export_spec plain = {.name = "nan"};
    CHECK(mlp_model_export_c(model, folder, &plain, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "parameter 5"));
    CHECK(test_count_entries(folder) == 0);
    mlp_model_free(model);
}

/* int8: calibrated on a small CSV; int8 weights, int32 sums, the float preparation. */
static void test_c_int8(void) {
    mlp_model *model = small_model(3, MLP_ACT_RELU, true);
    char folder[600], csv[700], path[700];
    path_of(folder, sizeof folder, "int8");
    mkdir(folder, 0700);
    snprintf(csv, sizeof csv, "%s/calibration.csv", folder);
    FILE *f = fopen(csv, "w");
    CHECK(f != NULL);
    fputs("a,b,c,d\n", f);
    for (int i = 0; i < 40; i++)
        fprintf(f, "%d,%d,%d,%d\n", i * 6, 255 - i * 5, i % 7, 100);
    fclose(f);
    mlp_dataset *data;
    char source[800];
    snprintf(source, sizeof source, "%s,label=none", csv);
    mlp_error err;
    CHECK_MSG(mlp_dataset_load(&data, source, &err) == MLP_OK, "%s", err.message);
    mlp_c_export_spec spec = {
        .name = "q8", .precision = MLP_EXPORT_INT8, .calibration = data, .calibration_samples = 10};
    CHECK_MSG(mlp_model_export_c(model, folder, &spec, &err) == MLP_OK, "%s", err.message);
    snprintf(path, sizeof path, "%s/q8.c", folder);
    char *source_text = test_read_file(path, NULL);
    CHECK(source_text);
    CHECK(strstr(source_text, "static const int8_t w0[12] = {"));
    CHECK(strstr(source_text, "int32_t sum = 0;"));
    CHECK(strstr(source_text, "calibrated on 10 samples"));
    /* Every weight row has one entry at +-127 (its scale is its largest magnitude). */
    const char *w0 = strstr(source_text, "w0[12] = {");
    CHECK(w0 && (strstr(w0, "127") != NULL));
    free(source_text);
    mlp_dataset_free(data);
    mlp_model_free(model);
}

int main(void) {
    RUN_TEST(test_onnx_graph);
    RUN_TEST(test_onnx_one_sigmoid_unit);
    RUN_TEST(test_onnx_unwritable);
    RUN_TEST(test_c_files);
    RUN_TEST(test_c_refusals);
    RUN_TEST(test_c_int8);
    char sub[700];
    const char *subs[] = {"c", "refused", "int8", "out"};
    for (size_t i = 0; dir[0] && i < sizeof subs / sizeof *subs; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, subs[i]);
        test_remove_dir(sub);
    }
    if (dir[0]) test_remove_dir(dir);
    return harness_finish();
}
