/* Gradient check: backpropagation against central finite differences of
 *   J(p) = mean data loss + penalty,   numeric_j = (J(p + h e_j) - J(p - h e_j)) / 2h,
 * both through the double instantiation of the engine's own formulas (kernels_f64.c). A
 * perturbation of layer i only changes layers i and above, so each J re-runs the forward pass
 * from layer i. With dropout, one mask is drawn and held fixed for every evaluation. */
#include "core/kernels.h"

#include "util/error.h"

#include <math.h>
#include <stdlib.h>

/* Step h: truncation error ~h^2 and rounding ~1e-16/h balance near 1e-5 for losses of order 1. */
#define GRADCHECK_STEP 1e-5
/* Gradients smaller than this in magnitude are compared absolutely: the difference quotient's
 * rounding noise is about 1e-16 |J| / h ~ 1e-11 |J|, relatively large for tiny gradients. */
#define GRADCHECK_FLOOR 1e-6

typedef struct {
    workspace_f64 ws;
    const double *x;
    const mlp_batch *batch;
    const mlp_regularization *reg;
} objective;

static bool penalised(const objective *o, bool is_bias) {
    return (o->reg->l1 != 0.0f || o->reg->l2 != 0.0f) && (!is_bias || o->reg->on_biases);
}

/* Data part of J after changing a parameter of layer `first_layer`. */
static double data_loss(objective *o, size_t first_layer) {
    double sum;
    net_forward_f64(&o->ws, o->x, o->batch->n, first_layer, true, o->batch, &sum);
    return sum / (double)o->batch->n;
}

/* Compares one tensor (count parameters from params[begin], every stride-th) and fills its
 * report entry. */
static void check_tensor(objective *o, size_t layer, bool is_bias, size_t begin, size_t count,
                         size_t stride, mlp_gradcheck_tensor *report) {
    double *p = o->ws.params;
    bool pen = penalised(o, is_bias);
    *report = (mlp_gradcheck_tensor){.layer = layer, .is_bias = is_bias};
    for (size_t j = 0; j < count; j += stride) {
        double saved = p[begin + j], step = GRADCHECK_STEP;
        /* |w| is not differentiable at 0: keep both evaluations on the side of w. */
        if (pen && o->reg->l1 != 0.0f && saved != 0 && fabs(saved) < 2 * step)
            step = fabs(saved) / 2;
        p[begin + j] = saved + step;
        double plus = data_loss(o, layer) + (pen ? penalty_term_f64(p[begin + j], o->reg) : 0);
        p[begin + j] = saved - step;
        double minus = data_loss(o, layer) + (pen ? penalty_term_f64(p[begin + j], o->reg) : 0);
        p[begin + j] = saved;
        double numeric = (plus - minus) / (2 * step);
        double backprop = o->ws.grads[begin + j];
        double scale = fmax(fabs(backprop) + fabs(numeric), GRADCHECK_FLOOR);
        double rel = fabs(backprop - numeric) / scale;
        if (j == 0 || rel > report->max_relative_error) {
            report->max_relative_error = rel;
            report->worst_index = j;
            report->backprop = backprop;
            report->numeric = numeric;
        }
    }
}

/* Every entry when max_per_tensor is 0 or covers the tensor, else every (count / max)-th. */
static size_t stride_for(size_t count, size_t max_per_tensor) {
    return max_per_tensor == 0 || count <= max_per_tensor ? 1 : count / max_per_tensor;
}

mlp_status mlp_gradcheck(const mlp_net *net, const mlp_batch *batch, const mlp_regularization *reg,
                         mlp_rng *dropout_rng, mlp_gradcheck_tensor *report, mlp_error *err) {
    return mlp_gradcheck_sample(net, batch, reg, dropout_rng, 0, report, err);
}

mlp_status mlp_gradcheck_sample(const mlp_net *net, const mlp_batch *batch,
                                const mlp_regularization *reg, mlp_rng *dropout_rng,
                                size_t max_per_tensor, mlp_gradcheck_tensor *report,
                                mlp_error *err) {
    if (!net || !batch || !reg || !report || !batch->x)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "mlp_gradcheck: net, batch, inputs, regularization or report is NULL");
    if (batch->n == 0) return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_gradcheck: empty batch");
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    MLP_TRY(net_check_targets(spec, batch, "mlp_gradcheck", err));
    if (net_has_dropout(spec) && !dropout_rng)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "mlp_gradcheck: the network has dropout but dropout_rng is NULL");
    net_layout layout;
    MLP_TRY(net_layout_compute(&layout, spec, err));
    core_blas_threads(mlp_net_threads(net)); /* the double products are cblas_dgemm's */

    size_t num_params = layout.num_params, inputs = batch->n * spec->widths[0];
    objective o = {.ws = {.spec = spec, .layout = &layout}, .batch = batch, .reg = reg};
    double *params = mlp_calloc(num_params, sizeof(double), err);
    double *grads = params ? mlp_calloc(num_params, sizeof(double), err) : NULL;
    double *x = grads ? mlp_calloc(inputs, sizeof(double), err) : NULL;
    mlp_status status = x ? workspace_reserve_f64(&o.ws, batch->n, err) : MLP_ERR_MEMORY;
    if (status == MLP_OK) {
        const float *source = mlp_net_params_const(net);
        for (size_t j = 0; j < num_params; j++)
            params[j] = source[j];
        for (size_t j = 0; j < inputs; j++)
            x[j] = batch->x[j];
        o.ws.params = params;
        o.ws.grads = grads;
        o.x = x;
        if (net_has_dropout(spec)) workspace_draw_dropout_f64(&o.ws, batch->n, dropout_rng);
        data_loss(&o, 0);
        net_backward_f64(&o.ws, x, batch->n, true, batch, NULL);
        add_penalty_gradient_f64(params, grads, spec, &layout, reg);
        /* Top layer first: perturbing layer i rewrites only the outputs of layers >= i, so the
         * outputs below layer i - 1, which its check reuses, are still those of p. */
        for (size_t i = spec->num_layers; i-- > 0;) {
            size_t out = spec->widths[i + 1], weights = out * spec->widths[i];
            check_tensor(&o, i, false, layout.weight[i], weights,
                         stride_for(weights, max_per_tensor), &report[2 * i]);
            check_tensor(&o, i, true, layout.bias[i], out, stride_for(out, max_per_tensor),
                         &report[2 * i + 1]);
        }
        status = mlp_ok(err);
    }
    workspace_release_f64(&o.ws);
    free(params);
    free(grads);
    free(x);
    return status;
}
