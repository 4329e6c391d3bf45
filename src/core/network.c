/* The public network object: spec, layout, the flat parameter and gradient arrays and the float
 * workspace, with the forward, evaluation and gradient entry points. */
#include "core/network.h"

#include "util/error.h"

#include <stdlib.h>
#include <string.h>

mlp_status mlp_net_new(mlp_net **out, const mlp_net_spec *spec, mlp_error *err) {
    if (!out) return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_new: net is NULL");
    *out = NULL;
    net_layout layout;
    MLP_TRY(net_layout_compute(&layout, spec, err));
    mlp_net *net = mlp_calloc(1, sizeof *net, err);
    if (!net) return MLP_ERR_MEMORY;
    net->spec = *spec;
    net->layout = layout;
    net->ws.spec = &net->spec;
    net->ws.layout = &net->layout;
    net->params = mlp_calloc_lines(layout.num_params, sizeof(float), err);
    net->grads = net->params ? mlp_calloc_lines(layout.num_params, sizeof(float), err) : NULL;
    mlp_status status =
        net->grads ? workspace_reserve_f32(&net->ws, spec->max_batch, err) : MLP_ERR_MEMORY;
    if (status != MLP_OK) {
        mlp_net_free(net);
        return status;
    }
    net->ws.params = net->params;
    net->ws.grads = net->grads;
    *out = net;
    return mlp_ok(err);
}

static void free_bf16(mlp_net *net) {
    free(net->bf16.a);
    free(net->bf16.b);
    net->bf16 = (core_bf16_buffers){NULL, NULL};
    net->bf16_capacity = 0;
}

/* Pack buffers for every product of a pass over batches of `capacity` samples: per layer
 * (in -> out) the forward (capacity x out over in), the input gradient (capacity x in over out)
 * and the weight gradient (out x in over capacity). */
static mlp_status reserve_bf16(mlp_net *net, size_t capacity, mlp_error *err) {
    if (net->bf16.a && capacity <= net->bf16_capacity) return MLP_OK;
    size_t words_a = 1, words_b = 1;
    for (size_t i = 0; i < net->spec.num_layers; i++) {
        size_t in = net->spec.widths[i], out = net->spec.widths[i + 1];
        size_t a[3] = {core_bf16_words_a(capacity, in), core_bf16_words_a(capacity, out),
                       core_bf16_words_a(out, capacity)};
        size_t b[3] = {core_bf16_words_b(out, in), core_bf16_words_b(in, out),
                       core_bf16_words_b(in, capacity)};
        for (size_t p = 0; p < 3; p++) {
            if (a[p] > words_a) words_a = a[p];
            if (b[p] > words_b) words_b = b[p];
        }
    }
    core_bf16_buffers fresh = {mlp_calloc_lines(words_a, sizeof(uint32_t), err),
                               mlp_calloc_lines(words_b, sizeof(uint32_t), err)};
    if (!fresh.a || !fresh.b) {
        free(fresh.a);
        free(fresh.b);
        return MLP_ERR_MEMORY;
    }
    free_bf16(net);
    net->bf16 = fresh;
    net->bf16_capacity = capacity;
    net->ws.bf16 = &net->bf16;
    return MLP_OK;
}

const char *mlp_precision_name(mlp_precision precision) {
    switch (precision) {
    case MLP_PRECISION_F32:
        return "f32";
    case MLP_PRECISION_BF16:
        return "bf16";
    }
    return NULL;
}

bool mlp_precision_from_name(const char *name, mlp_precision *precision) {
    for (mlp_precision p = MLP_PRECISION_F32; p <= MLP_PRECISION_BF16; p++)
        if (name && strcmp(name, mlp_precision_name(p)) == 0) {
            if (precision) *precision = p;
            return true;
        }
    return false;
}

mlp_status mlp_net_set_precision(mlp_net *net, mlp_precision precision, mlp_error *err) {
    if (!net) return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_set_precision: net is NULL");
    if (!mlp_precision_name(precision))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_set_precision: unknown precision %d",
                        (int)precision);
    if (precision == MLP_PRECISION_F32) {
        free_bf16(net);
        net->ws.bf16 = NULL;
        net->precision = precision;
        return mlp_ok(err);
    }
    const char *missing = NULL;
    if (!core_bf16_supported(&missing))
        return mlp_fail(err, MLP_ERR_UNSUPPORTED,
                        "precision bf16 is not available: %s; use precision f32", missing);
    MLP_TRY(reserve_bf16(net, net->ws.capacity, err));
    net->precision = precision;
    return mlp_ok(err);
}

mlp_precision mlp_net_precision(const mlp_net *net) {
    return net ? net->precision : MLP_PRECISION_F32;
}

void mlp_net_free(mlp_net *net) {
    if (!net) return;
    free_bf16(net);
    workspace_release_f32(&net->ws);
    parallel_pool_free(net->ws.pool);
    free(net->params);
    free(net->grads);
    free(net);
}

const mlp_net_spec *mlp_net_get_spec(const mlp_net *net) {
    return net ? &net->spec : NULL;
}

size_t mlp_net_num_params(const mlp_net *net) {
    return net ? net->layout.num_params : 0;
}

float *mlp_net_params(mlp_net *net) {
    return net ? net->params : NULL;
}

const float *mlp_net_params_const(const mlp_net *net) {
    return net ? net->params : NULL;
}

float *mlp_net_grads(mlp_net *net) {
    return net ? net->grads : NULL;
}

/* Offsets of layers past the last are the parameter count (an empty range at the end). */
size_t mlp_net_weight_offset(const mlp_net *net, size_t layer) {
    if (!net) return 0;
    return layer < net->spec.num_layers ? net->layout.weight[layer] : net->layout.num_params;
}

size_t mlp_net_bias_offset(const mlp_net *net, size_t layer) {
    if (!net) return 0;
    return layer < net->spec.num_layers ? net->layout.bias[layer] : net->layout.num_params;
}

mlp_status mlp_net_reserve(mlp_net *net, size_t max_batch, mlp_error *err) {
    if (!net) return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_reserve: net is NULL");
    if (max_batch <= net->ws.capacity) return mlp_ok(err);
    if (net->precision == MLP_PRECISION_BF16) MLP_TRY(reserve_bf16(net, max_batch, err));
    MLP_TRY(workspace_reserve_f32(&net->ws, max_batch, err));
    net->spec.max_batch = max_batch;
    return mlp_ok(err);
}

size_t mlp_net_threads(const mlp_net *net) {
    if (!net) return 0;
    return net->spec.threads ? net->spec.threads : mlp_available_cores();
}

/* Gives the products mlp_net_threads threads: the network's own kernels (core/sgemm.h) in a pool
 * made on first use, OpenBLAS (cblas_sgemm without AVX-512) through its thread count. Without a
 * pool the own kernels run on the caller's thread, with the same results: the split never
 * changes the arithmetic. */
static void match_threads(mlp_net *net) {
    size_t want = mlp_net_threads(net);
    core_blas_threads(want);
    if (!core_sgemm_uses_avx512()) return;
    if (parallel_pool_threads(net->ws.pool) == want) return;
    parallel_pool_free(net->ws.pool);
    net->ws.pool = NULL;
    if (want > 1 && parallel_pool_new(&net->ws.pool, want, NULL) != MLP_OK) net->ws.pool = NULL;
}

parallel_pool *net_pool(mlp_net *net) {
    match_threads(net);
    return net->ws.pool;
}

/* Checks x and n (and the batch's targets when batch is not NULL) and grows the buffers. */
static mlp_status prepare(mlp_net *net, const float *x, size_t n, const mlp_batch *batch,
                          const char *where, mlp_error *err) {
    if (!net) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: net is NULL", where);
    if (!x) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: inputs are NULL", where);
    if (n == 0) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: empty batch", where);
    if (batch) MLP_TRY(net_check_targets(&net->spec, batch, where, err));
    match_threads(net);
    return mlp_net_reserve(net, n, err);
}

mlp_status mlp_net_forward(mlp_net *net, const float *x, size_t n, const float **outputs,
                           mlp_error *err) {
    if (!outputs) return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_forward: outputs is NULL");
    MLP_TRY(prepare(net, x, n, NULL, "mlp_net_forward", err));
    *outputs = net_forward_f32(&net->ws, x, n, 0, false, NULL, NULL);
    return mlp_ok(err);
}

/* The class of one output row: the argmax, or with a single unit whether it is >= 0.5. */
static int32_t row_class(const float *row, size_t k) {
    if (k == 1) return row[0] >= 0.5f;
    size_t best = 0;
    for (size_t j = 1; j < k; j++)
        if (row[j] > row[best]) best = j;
    return (int32_t)best;
}

mlp_status mlp_net_predict(mlp_net *net, const float *x, size_t n, int32_t *classes,
                           mlp_error *err) {
    if (!classes) return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_predict: classes is NULL");
    const float *out;
    MLP_TRY(mlp_net_forward(net, x, n, &out, err));
    size_t k = net->spec.widths[net->spec.num_layers];
    for (size_t r = 0; r < n; r++)
        classes[r] = row_class(out + r * k, k);
    return mlp_ok(err);
}

/* Mean loss and, with labels, the count of samples whose predicted class is the label. */
static void summarize(const mlp_net *net, const mlp_batch *batch, const float *out, double loss_sum,
                      mlp_batch_result *result) {
    size_t k = net->spec.widths[net->spec.num_layers], correct = 0;
    if (batch->labels && !batch->targets)
        for (size_t r = 0; r < batch->n; r++)
            correct += row_class(out + r * k, k) == batch->labels[r];
    result->loss = loss_sum / (double)batch->n;
    result->correct = correct;
}

mlp_status mlp_net_evaluate(mlp_net *net, const mlp_batch *batch, mlp_batch_result *result,
                            mlp_error *err) {
    if (!batch || !result)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_evaluate: batch or result is NULL");
    MLP_TRY(prepare(net, batch->x, batch->n, batch, "mlp_net_evaluate", err));
    double loss_sum;
    const float *out = net_forward_f32(&net->ws, batch->x, batch->n, 0, false, batch, &loss_sum);
    summarize(net, batch, out, loss_sum, result);
    return mlp_ok(err);
}

mlp_status net_gradient_pass(mlp_net *net, const mlp_batch *batch, mlp_rng *dropout_rng,
                             const net_update_hook *hook, mlp_batch_result *result,
                             const char *where, mlp_error *err) {
    if (!batch) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: batch is NULL", where);
    MLP_TRY(prepare(net, batch->x, batch->n, batch, where, err));
    if (net_has_dropout(&net->spec)) {
        if (!dropout_rng)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "%s: the network has dropout but dropout_rng is NULL", where);
        workspace_draw_dropout_f32(&net->ws, batch->n, dropout_rng);
    }
    double loss_sum;
    const float *out = net_forward_f32(&net->ws, batch->x, batch->n, 0, true, batch, &loss_sum);
    net_backward_f32(&net->ws, batch->x, batch->n, true, batch, hook);
    if (result) summarize(net, batch, out, loss_sum, result);
    return mlp_ok(err);
}

mlp_status mlp_net_gradient(mlp_net *net, const mlp_batch *batch, mlp_rng *dropout_rng,
                            mlp_batch_result *result, mlp_error *err) {
    return net_gradient_pass(net, batch, dropout_rng, NULL, result, "mlp_net_gradient", err);
}
