/* ONNX export: the whole prediction path of a model as one graph, encoded by protobuf-c from
 * onnx.proto (the C code is generated at build time, see the Makefile).
 *
 *   input [N, F] raw values
 *     -> Sub(lo), Mul(1 / (hi - lo))          scale        (the preparation, as stored)
 *     -> Add(c), Log                          log(x + c)
 *     -> Sub(mean), Mul(1 / std)              standardize
 *     -> Gemm(W, b, transB=1) -> activation   every layer (dropout is training only)
 *     -> probabilities [N, K]                 softmax or sigmoid (or the output activation)
 *     -> label [N] int64                      ArgMax, or p >= 0.5 for one sigmoid unit
 *
 * Every constant is the float the library itself multiplies or adds (1/(hi - lo) and 1/std are
 * computed in float as src/data/transform.c does), so a runtime repeats the same operations. */
#include "export/export.h"
#include "io/atomic_file.h"
#include "util/error.h"

#include "onnx.pb-c.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Opset 13 and IR version 8 (ONNX 1.10, 2021): loaded by every runtime of the last years. */
enum { ONNX_IR_VERSION = 8, ONNX_OPSET = 13 };

/* Every message and array of the model, freed together at the end. */
typedef struct arena_block {
    struct arena_block *next;
    max_align_t data[];
} arena_block;

typedef struct {
    arena_block *blocks;
    bool failed;
    Onnx__NodeProto **nodes;
    size_t num_nodes, node_capacity;
    Onnx__TensorProto **initializers;
    size_t num_initializers, initializer_capacity;
    unsigned names; /* counter for intermediate names */
} builder;

static void *arena_alloc(builder *b, size_t count, size_t size) {
    size_t bytes;
    if (b->failed || mlp_mul_overflows(count, size, &bytes) ||
        bytes > SIZE_MAX - sizeof(arena_block)) {
        b->failed = true;
        return NULL;
    }
    arena_block *block = calloc(1, sizeof *block + bytes);
    if (!block) {
        b->failed = true;
        return NULL;
    }
    block->next = b->blocks;
    b->blocks = block;
    return block->data;
}

static void arena_free(builder *b) {
    while (b->blocks) {
        arena_block *next = b->blocks->next;
        free(b->blocks);
        b->blocks = next;
    }
    free(b->nodes);
    free(b->initializers);
}

static char *arena_string(builder *b, const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = arena_alloc(b, n, 1);
    if (copy) memcpy(copy, s, n);
    return copy;
}

/* Appends item to a growing array of pointers. */
static void push(builder *b, void ***items, size_t *count, size_t *capacity, void *item) {
    if (b->failed || !item) {
        b->failed = true;
        return;
    }
    if (*count == *capacity) {
        size_t grown = *capacity ? 2 * *capacity : 16;
        void **bigger = realloc(*items, grown * sizeof *bigger);
        if (!bigger) {
            b->failed = true;
            return;
        }
        *items = bigger;
        *capacity = grown;
    }
    (*items)[(*count)++] = item;
}

/* A fresh intermediate name "<stem>_<n>". */
static char *fresh_name(builder *b, const char *stem) {
    char name[64];
    snprintf(name, sizeof name, "%s_%u", stem, b->names++);
    return arena_string(b, name);
}

/* A float constant of the graph (borrowed data: it must live until the model is packed). */
static char *constant(builder *b, const char *stem, const float *data, size_t ndims,
                      const size_t *dims) {
    Onnx__TensorProto *t = arena_alloc(b, 1, sizeof *t);
    int64_t *shape = arena_alloc(b, ndims ? ndims : 1, sizeof *shape);
    char *name = fresh_name(b, stem);
    if (!t || !shape || !name) {
        b->failed = true;
        return NULL;
    }
    *t = (Onnx__TensorProto)ONNX__TENSOR_PROTO__INIT;
    size_t count = 1;
    for (size_t i = 0; i < ndims; i++) {
        shape[i] = (int64_t)dims[i];
        count *= dims[i];
    }
    t->name = name;
    t->n_dims = ndims;
    t->dims = shape;
    t->has_data_type = true;
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    t->n_float_data = count;
    t->float_data = (float *)data; /* packed by protobuf-c, not modified */
    push(b, (void ***)&b->initializers, &b->num_initializers, &b->initializer_capacity, t);
    return name;
}

/* A scalar constant, shape [1] (broadcast over the batch). */
static char *scalar(builder *b, const char *stem, float value) {
    float *data = arena_alloc(b, 1, sizeof *data);
    if (!data) return NULL;
    *data = value;
    size_t one = 1;
    return constant(b, stem, data, 1, &one);
}

static Onnx__AttributeProto *attribute_int(builder *b, const char *name, int64_t value) {
    Onnx__AttributeProto *a = arena_alloc(b, 1, sizeof *a);
    if (!a) return NULL;
    *a = (Onnx__AttributeProto)ONNX__ATTRIBUTE_PROTO__INIT;
    a->name = (char *)name;
    a->has_type = true;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    a->has_i = true;
    a->i = value;
    return a;
}

static Onnx__AttributeProto *attribute_float(builder *b, const char *name, float value) {
    Onnx__AttributeProto *a = arena_alloc(b, 1, sizeof *a);
    if (!a) return NULL;
    *a = (Onnx__AttributeProto)ONNX__ATTRIBUTE_PROTO__INIT;
    a->name = (char *)name;
    a->has_type = true;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    a->has_f = true;
    a->f = value;
    return a;
}

/* Adds node op(inputs) -> output (NULL: a fresh name from op) with up to two attributes;
 * returns the output's name. */
static char *node(builder *b, const char *op, const char *in0, const char *in1, const char *in2,
                  const char *output, Onnx__AttributeProto *attr0, Onnx__AttributeProto *attr1) {
    Onnx__NodeProto *n = arena_alloc(b, 1, sizeof *n);
    char **inputs = arena_alloc(b, 3, sizeof *inputs);
    char **outputs = arena_alloc(b, 1, sizeof *outputs);
    Onnx__AttributeProto **attrs = arena_alloc(b, 2, sizeof *attrs);
    char *out = output ? arena_string(b, output) : fresh_name(b, op);
    if (!n || !inputs || !outputs || !attrs || !out || !in0 || (in1 && !*in1)) {
        b->failed = true;
        return NULL;
    }
    *n = (Onnx__NodeProto)ONNX__NODE_PROTO__INIT;
    const char *in[3] = {in0, in1, in2};
    for (size_t i = 0; i < 3 && in[i]; i++)
        inputs[n->n_input++] = (char *)in[i];
    n->input = inputs;
    outputs[0] = out;
    n->n_output = 1;
    n->output = outputs;
    n->op_type = (char *)op;
    n->name = fresh_name(b, op);
    if (attr0) attrs[n->n_attribute++] = attr0;
    if (attr1) attrs[n->n_attribute++] = attr1;
    n->attribute = attrs;
    push(b, (void ***)&b->nodes, &b->num_nodes, &b->node_capacity, n);
    return out;
}

/* The stored preparation, in the library's order and arithmetic; returns the prepared tensor. */
static char *add_preparation(builder *b, const mlp_transform *t, size_t features, char *x) {
    if (!t) return x;
    const mlp_transform_spec *spec = mlp_transform_get_spec(t);
    const float *scale = NULL, *log_offset = NULL, *mean = NULL, *std = NULL;
    for (size_t i = 0; i < mlp_transform_num_tensors(t); i++) {
        const char *name;
        const float *values = mlp_transform_tensor(t, i, &name, NULL);
        if (strcmp(name, "prep.scale") == 0) scale = values;
        if (strcmp(name, "prep.log_offset") == 0) log_offset = values;
        if (strcmp(name, "prep.mean") == 0) mean = values;
        if (strcmp(name, "prep.std") == 0) std = values;
    }
    if (spec->scale && scale) {
        x = node(b, "Sub", x, scalar(b, "scale_lo", scale[0]), NULL, NULL, NULL, NULL);
        x = node(b, "Mul", x, scalar(b, "scale_inv_range", 1.0f / (scale[1] - scale[0])), NULL,
                 NULL, NULL, NULL);
    }
    if (spec->log && log_offset) {
        x = node(b, "Add", x, scalar(b, "log_offset", log_offset[0]), NULL, NULL, NULL, NULL);
        x = node(b, "Log", x, NULL, NULL, NULL, NULL, NULL);
    }
    if (spec->standardize && mean && std) {
        float *inv_std = arena_alloc(b, features, sizeof *inv_std);
        if (!inv_std) return NULL;
        for (size_t j = 0; j < features; j++)
            inv_std[j] = 1.0f / std[j];
        x = node(b, "Sub", x, constant(b, "mean", mean, 1, &features), NULL, NULL, NULL, NULL);
        x = node(b, "Mul", x, constant(b, "inv_std", inv_std, 1, &features), NULL, NULL, NULL,
                 NULL);
    }
    return x;
}

static char *add_activation(builder *b, mlp_activation activation, float slope, char *x,
                            const char *output) {
    switch (activation) {
    case MLP_ACT_IDENTITY:
        return output ? node(b, "Identity", x, NULL, NULL, output, NULL, NULL) : x;
    case MLP_ACT_SIGMOID:
        return node(b, "Sigmoid", x, NULL, NULL, output, NULL, NULL);
    case MLP_ACT_TANH:
        return node(b, "Tanh", x, NULL, NULL, output, NULL, NULL);
    case MLP_ACT_RELU:
        return node(b, "Relu", x, NULL, NULL, output, NULL, NULL);
    case MLP_ACT_LEAKY_RELU:
        return node(b, "LeakyRelu", x, NULL, NULL, output, attribute_float(b, "alpha", slope),
                    NULL);
    case MLP_ACT_SOFTMAX:
        return node(b, "Softmax", x, NULL, NULL, output, attribute_int(b, "axis", 1), NULL);
    }
    b->failed = true;
    return NULL;
}

/* The graph from input to probabilities and label. */
static void add_network(builder *b, const mlp_model *model) {
    const mlp_net *net = mlp_model_net_const(model);
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    const float *params = mlp_net_params_const(net);
    char *x = add_preparation(b, mlp_model_transform(model), spec->widths[0], (char *)"input");
    for (size_t i = 0; i < spec->num_layers; i++) {
        size_t wdims[2] = {spec->widths[i + 1], spec->widths[i]};
        char *w = constant(b, "weight", params + mlp_net_weight_offset(net, i), 2, wdims);
        char *bias = constant(b, "bias", params + mlp_net_bias_offset(net, i), 1, wdims);
        x = node(b, "Gemm", x, w, bias, NULL, attribute_int(b, "transB", 1), NULL);
        bool last = i + 1 == spec->num_layers;
        x = add_activation(b, spec->activation[i], spec->leaky_relu_slope, x,
                           last ? "probabilities" : NULL);
    }
    if (spec->widths[spec->num_layers] == 1) {
        /* One sigmoid unit: class 1 when p >= 1/2, as mlp_model_predict decides. */
        static const int64_t axis_one = 1;
        Onnx__TensorProto *axes = arena_alloc(b, 1, sizeof *axes);
        int64_t *axes_dims = arena_alloc(b, 1, sizeof *axes_dims);
        char *axes_name = fresh_name(b, "axes");
        if (!axes || !axes_dims || !axes_name) {
            b->failed = true;
            return;
        }
        *axes = (Onnx__TensorProto)ONNX__TENSOR_PROTO__INIT;
        axes->name = axes_name;
        axes_dims[0] = 1;
        axes->n_dims = 1;
        axes->dims = axes_dims;
        axes->has_data_type = true;
        axes->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
        axes->n_int64_data = 1;
        axes->int64_data = (int64_t *)&axis_one;
        push(b, (void ***)&b->initializers, &b->num_initializers, &b->initializer_capacity, axes);
        char *ge = node(b, "GreaterOrEqual", x, scalar(b, "half", 0.5f), NULL, NULL, NULL, NULL);
        char *squeezed = node(b, "Squeeze", ge, axes_name, NULL, NULL, NULL, NULL);
        node(b, "Cast", squeezed, NULL, NULL, "label",
             attribute_int(b, "to", ONNX__TENSOR_PROTO__DATA_TYPE__INT64), NULL);
    } else {
        /* ArgMax takes the first of equal maxima, as mlp_model_predict does. */
        node(b, "ArgMax", x, NULL, NULL, "label", attribute_int(b, "axis", 1),
             attribute_int(b, "keepdims", 0));
    }
}

/* A graph input or output: a tensor of elem_type with a symbolic batch dimension "N" and, when
 * width is not 0, a second dimension of that size. */
static Onnx__ValueInfoProto *value_info(builder *b, const char *name, int32_t elem_type,
                                        size_t width) {
    Onnx__ValueInfoProto *v = arena_alloc(b, 1, sizeof *v);
    Onnx__TypeProto *type = arena_alloc(b, 1, sizeof *type);
    Onnx__TypeProto__Tensor *tensor = arena_alloc(b, 1, sizeof *tensor);
    Onnx__TensorShapeProto *shape = arena_alloc(b, 1, sizeof *shape);
    Onnx__TensorShapeProto__Dimension *dims = arena_alloc(b, 2, sizeof *dims);
    Onnx__TensorShapeProto__Dimension **dim_list = arena_alloc(b, 2, sizeof *dim_list);
    if (!v || !type || !tensor || !shape || !dims || !dim_list) return NULL;
    *v = (Onnx__ValueInfoProto)ONNX__VALUE_INFO_PROTO__INIT;
    *type = (Onnx__TypeProto)ONNX__TYPE_PROTO__INIT;
    *tensor = (Onnx__TypeProto__Tensor)ONNX__TYPE_PROTO__TENSOR__INIT;
    *shape = (Onnx__TensorShapeProto)ONNX__TENSOR_SHAPE_PROTO__INIT;
    for (int i = 0; i < 2; i++) {
        dims[i] = (Onnx__TensorShapeProto__Dimension)ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
        dim_list[i] = &dims[i];
    }
    dims[0].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
    dims[0].dim_param = (char *)"N";
    dims[1].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    dims[1].dim_value = (int64_t)width;
    shape->n_dim = width ? 2 : 1;
    shape->dim = dim_list;
    tensor->has_elem_type = true;
    tensor->elem_type = elem_type;
    tensor->shape = shape;
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tensor;
    v->name = (char *)name;
    v->type = type;
    return v;
}

static Onnx__StringStringEntryProto *entry(builder *b, const char *key, const char *value) {
    Onnx__StringStringEntryProto *e = arena_alloc(b, 1, sizeof *e);
    char *k = arena_string(b, key), *v = arena_string(b, value);
    if (!e || !k || !v) return NULL;
    *e = (Onnx__StringStringEntryProto)ONNX__STRING_STRING_ENTRY_PROTO__INIT;
    e->key = k;
    e->value = v;
    return e;
}

/* metadata_props: "classes" (a JSON array of the class names), then the model's own metadata
 * (training state, the config text, ...) except a stored copy of "classes". */
static Onnx__StringStringEntryProto **metadata(builder *b, const mlp_model *model, size_t *count) {
    size_t n = mlp_model_metadata_count(model);
    Onnx__StringStringEntryProto **props = arena_alloc(b, n + 1, sizeof *props);
    cJSON *names =
        cJSON_CreateStringArray(mlp_model_class_names(model), (int)mlp_model_num_classes(model));
    char *json = names ? cJSON_PrintUnformatted(names) : NULL;
    cJSON_Delete(names);
    if (!props || !json) {
        cJSON_free(json);
        b->failed = true;
        return NULL;
    }
    *count = 0;
    props[(*count)++] = entry(b, "classes", json);
    cJSON_free(json);
    for (size_t i = 0; i < n; i++) {
        const char *key, *value;
        mlp_model_metadata_at(model, i, &key, &value);
        if (strcmp(key, "classes") != 0) props[(*count)++] = entry(b, key, value);
    }
    for (size_t i = 0; i < *count; i++)
        if (!props[i]) b->failed = true;
    return props;
}

mlp_status mlp_model_export_onnx(const mlp_model *model, const char *path, mlp_error *err) {
    if (!model || !path || !*path)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "export onnx: a model and an output path needed");
    const mlp_net_spec *spec = mlp_net_get_spec(mlp_model_net_const(model));
    builder b = {0};
    add_network(&b, model);

    Onnx__ValueInfoProto *inputs[1] = {
        value_info(&b, "input", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, spec->widths[0])};
    Onnx__ValueInfoProto *outputs[2] = {
        value_info(&b, "probabilities", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT,
                   spec->widths[spec->num_layers]),
        value_info(&b, "label", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 0)};
    Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
    graph.name = (char *)"mlp";
    graph.n_node = b.num_nodes;
    graph.node = b.nodes;
    graph.n_initializer = b.num_initializers;
    graph.initializer = b.initializers;
    graph.n_input = 1;
    graph.input = inputs;
    graph.n_output = 2;
    graph.output = outputs;

    Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    opset.domain = (char *)"";
    opset.has_version = true;
    opset.version = ONNX_OPSET;
    Onnx__OperatorSetIdProto *opsets[1] = {&opset};

    char doc[1024];
    export_describe(model, doc, sizeof doc);
    Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
    m.has_ir_version = true;
    m.ir_version = ONNX_IR_VERSION;
    m.n_opset_import = 1;
    m.opset_import = opsets;
    m.producer_name = (char *)"mlp";
    m.producer_version = (char *)MLP_VERSION;
    m.doc_string = doc;
    m.graph = &graph;
    m.metadata_props = metadata(&b, model, &m.n_metadata_props);

    mlp_status s = MLP_OK;
    if (b.failed || !inputs[0] || !outputs[0] || !outputs[1])
        s = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory building the ONNX graph", path);
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (s == MLP_OK) {
        size = protobuf_c_message_get_packed_size(&m.base);
        bytes = malloc(size ? size : 1);
        if (!bytes) s = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory (%zu bytes)", path, size);
    }
    if (s == MLP_OK && protobuf_c_message_pack(&m.base, bytes) != size)
        s = mlp_fail(err, MLP_ERR_STATE, "%s: protobuf-c packed a size it did not announce", path);
    if (s == MLP_OK) s = mlp_atomic_write(path, bytes, size, err);
    free(bytes);
    arena_free(&b);
    return s;
}
