#include "core/layout.h"

#include "util/error.h"

#include <limits.h>
#include <math.h>

mlp_status mlp_net_spec_default(mlp_net_spec *spec, size_t inputs, const size_t *hidden,
                                size_t num_hidden, size_t outputs, mlp_activation hidden_activation,
                                mlp_error *err) {
    if (!spec) return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: spec is NULL");
    if (num_hidden + 1 > MLP_MAX_LAYERS)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: %zu hidden layers (at most %d)",
                        num_hidden, MLP_MAX_LAYERS - 1);
    if (num_hidden > 0 && !hidden)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: hidden widths are NULL");
    *spec = (mlp_net_spec){0};
    spec->num_layers = num_hidden + 1;
    spec->widths[0] = inputs;
    for (size_t i = 0; i < num_hidden; i++) {
        spec->widths[i + 1] = hidden[i];
        spec->activation[i] = hidden_activation;
    }
    spec->widths[num_hidden + 1] = outputs;
    spec->activation[num_hidden] = MLP_ACT_SOFTMAX;
    spec->loss = MLP_LOSS_SOFTMAX_CROSS_ENTROPY;
    spec->leaky_relu_slope = 0.01f;
    spec->max_batch = 256;
    net_layout layout;
    return net_layout_compute(&layout, spec, err);
}

static bool activation_known(mlp_activation a) {
    return a == MLP_ACT_IDENTITY || a == MLP_ACT_SIGMOID || a == MLP_ACT_TANH ||
           a == MLP_ACT_RELU || a == MLP_ACT_LEAKY_RELU || a == MLP_ACT_SOFTMAX;
}

static mlp_status check_output(const mlp_net_spec *spec, mlp_error *err) {
    mlp_activation out = spec->activation[spec->num_layers - 1];
    switch (spec->loss) {
    case MLP_LOSS_SOFTMAX_CROSS_ENTROPY:
        if (out != MLP_ACT_SOFTMAX)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "network spec: activation[%zu]: softmax cross-entropy needs a softmax "
                            "output layer",
                            spec->num_layers - 1);
        return MLP_OK;
    case MLP_LOSS_BINARY_CROSS_ENTROPY:
        if (out != MLP_ACT_SIGMOID)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "network spec: activation[%zu]: binary cross-entropy needs a sigmoid "
                            "output layer",
                            spec->num_layers - 1);
        return MLP_OK;
    case MLP_LOSS_QUADRATIC:
        if (out == MLP_ACT_SOFTMAX)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "network spec: activation[%zu]: the quadratic cost takes an "
                            "element-wise output activation, not softmax",
                            spec->num_layers - 1);
        return MLP_OK;
    }
    return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: loss: unknown value %d", (int)spec->loss);
}

mlp_status net_layout_compute(net_layout *layout, const mlp_net_spec *spec, mlp_error *err) {
    if (!spec) return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: spec is NULL");
    size_t layers = spec->num_layers;
    if (layers < 1 || layers > MLP_MAX_LAYERS)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: num_layers: %zu (1 to %d)", layers,
                        MLP_MAX_LAYERS);
    if (spec->threads > 1024)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: threads: %zu (0 to 1024)",
                        spec->threads);
    for (size_t i = 0; i <= layers; i++) {
        if (spec->widths[i] == 0)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: widths[%zu] is zero", i);
        if (spec->widths[i] > INT_MAX)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: widths[%zu]: %zu exceeds %d", i,
                            spec->widths[i], INT_MAX);
    }
    for (size_t i = 0; i < layers; i++) {
        mlp_activation a = spec->activation[i];
        if (!activation_known(a))
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "network spec: activation[%zu]: unknown value %d", i, (int)a);
        if (a == MLP_ACT_SOFTMAX && i + 1 < layers)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "network spec: activation[%zu]: softmax is for the output layer only",
                            i);
        float p = spec->dropout[i];
        if (i + 1 < layers && !(p >= 0.0f && p < 1.0f))
            return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: dropout[%zu]: %g not in [0, 1)",
                            i, (double)p);
        if (i + 1 == layers && p != 0.0f)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "network spec: dropout[%zu]: the output layer takes no dropout", i);
    }
    MLP_TRY(check_output(spec, err));
    float slope = spec->leaky_relu_slope;
    if (!(slope >= 0.0f && slope < 1.0f))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: leaky_relu_slope: %g not in [0, 1)",
                        (double)slope);
    if (spec->max_batch == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "network spec: max_batch is zero");
    MLP_TRY(net_layout_check_capacity(spec, spec->max_batch, err));

    size_t offset = 0, max_width = 0;
    for (size_t i = 0; i < layers; i++) {
        size_t in = spec->widths[i], out = spec->widths[i + 1], weights;
        if (out > max_width) max_width = out;
        layout->weight[i] = offset;
        if (mlp_mul_overflows(out, in, &weights) || weights > SIZE_MAX - offset ||
            out > SIZE_MAX - offset - weights)
            return mlp_fail(err, MLP_ERR_MEMORY,
                            "network spec: layer %zu: the parameter count overflows", i);
        layout->bias[i] = offset + weights;
        offset += weights + out;
    }
    layout->num_params = offset;
    layout->max_width = max_width;
    return MLP_OK;
}

mlp_status net_layout_check_capacity(const mlp_net_spec *spec, size_t capacity, mlp_error *err) {
    if (capacity > INT_MAX)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "network: batch of %zu samples exceeds %d", capacity,
                        INT_MAX);
    for (size_t i = 0; i <= spec->num_layers; i++) {
        size_t count, bytes;
        if (mlp_mul_overflows(capacity, spec->widths[i], &count) ||
            mlp_mul_overflows(count, sizeof(double), &bytes))
            return mlp_fail(err, MLP_ERR_MEMORY,
                            "network: %zu samples of width %zu (widths[%zu]) overflow", capacity,
                            spec->widths[i], i);
    }
    return MLP_OK;
}

mlp_status net_check_targets(const mlp_net_spec *spec, const mlp_batch *batch, const char *where,
                             mlp_error *err) {
    if (batch->targets) return MLP_OK;
    if (!batch->labels)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: the batch has neither labels nor targets",
                        where);
    size_t k = spec->widths[spec->num_layers];
    int32_t classes = k == 1 ? 2 : (int32_t)k;
    for (size_t r = 0; r < batch->n; r++)
        if (batch->labels[r] < 0 || batch->labels[r] >= classes)
            return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: sample %zu: label %d not in 0..%d", where,
                            r, (int)batch->labels[r], (int)classes - 1);
    return MLP_OK;
}

bool net_has_dropout(const mlp_net_spec *spec) {
    for (size_t i = 0; i + 1 < spec->num_layers; i++)
        if (spec->dropout[i] > 0) return true;
    return false;
}
