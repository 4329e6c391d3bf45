/* Gradient check: backpropagation against central finite differences, both through the double
 * instantiation of the engine's own formulas (kernels_f64.c), of
 *   J(p) = D(p) + P(p),   D = mean data loss,   P = sum_j pen(p_j)   (the penalty, if any).
 * The quotients of D and of the perturbed entry's pen are taken apart: a penalty difference of
 * 1e-13 added to D (about 2.3 for ten classes) before subtracting would keep only a few digits.
 *
 * A difference quotient has an error of its own, estimated per entry, and an entry passes when
 *   |g - n| <= E + tolerance (|g| + |n|),    g backprop, n = N_h, E the estimate below:
 *   truncation  N_h = D' + c h^2 + O(h^4), so N_h - N_2h = -3 c h^2: |N_h - N_2h| is three times
 *               N_h's truncation error (and carries some of its rounding too);
 *   rounding    each computed D is off by some eps (a few units in its last place; more where
 *               large terms cancel), which N_h divides by h: standard deviation eps / (sqrt(2) h).
 *               eps is measured on the run: the fourth difference
 *                 D(2h) - 4 D(h) + 6 D(0) - 4 D(-h) + D(-2h) = h^4 D'''' (~1e-20) + rounding,
 *               the rounding with standard deviation sqrt(70) eps; the median of its size over
 *               the checked entries that move D (a kink at a few entries does not shift it) is
 *               0.6745 sqrt(70) eps for normal noise. Floor: the rounding of D itself, 2^-54 |D|.
 *   E = |N_h - N_2h| + 6 eps / h (8.5 standard deviations) + the penalty quotient's rounding.
 * The report gives, per tensor, the largest (|g - n| - E)^+ / (|g| + |n|): the relative error that
 * finite differences cannot account for (0 where |g - n| <= E, as on gradients below their
 * resolution); the caller compares it with its tolerance.
 *
 * A perturbation of layer i only changes layers i and above, so each D re-runs the forward pass
 * from layer i. With dropout, one mask is drawn and held fixed for every evaluation. */
#include "core/gradcheck.h"

#include "util/error.h"

#include <math.h>
#include <stdlib.h>

/* h = 2^-17 ~ 7.6e-6: truncation (~h^2) and rounding (~1e-16 / h) balance near 1e-5 for losses of
 * order 1. A power of two, so w + k h (k = +-1, +-2) is exact for 2^-15 <= |w| < 2^35 but at a
 * binade's edge, and off by at most half a unit in its last place otherwise: the points are
 * equally spaced, as the fourth difference assumes. */
#define STEP 0x1p-17
/* E's rounding term in units of eps / h. */
#define ROUNDING_ALLOWANCE 6.0
/* median |fourth difference| / eps for normal noise: 0.6745 sqrt(70) */
#define MEDIAN_PER_EPS (0.6745 * 8.366600265340756)

typedef struct {
    workspace_f64 ws;
    const double *x;
    const mlp_batch *batch;
    const mlp_regularization *reg;
    double d0; /* D(p) */
} objective;

/* What one checked entry leaves for the verdict. */
typedef struct {
    double backprop, numeric;
    double truncation; /* |N_h - N_2h| */
    double penalty_rounding;
} entry;

/* One tensor's place in the report, the parameters and the entries. */
typedef struct {
    size_t layer, begin, count, stride, first_entry;
    bool is_bias;
} tensor;

static bool penalised(const objective *o, bool is_bias) {
    return (o->reg->l1 != 0.0f || o->reg->l2 != 0.0f) && (!is_bias || o->reg->on_biases);
}

/* D after changing a parameter of layer `first_layer`. */
static double data_loss(objective *o, size_t first_layer) {
    double sum;
    net_forward_f64(&o->ws, o->x, o->batch->n, first_layer, true, o->batch, &sum);
    return sum / (double)o->batch->n;
}

/* The penalty's quotient for w and its rounding bound (pen is quadratic, or linear on one side of
 * 0, so the central difference has no truncation error). l1 |w| has a kink at 0: for 0 < |w| < 2h
 * the step shrinks to |w|/2, keeping both points on the side of w. */
static double penalty_quotient(const objective *o, double w, double *rounding) {
    double step = STEP;
    if (o->reg->l1 != 0.0f && w != 0 && fabs(w) < 2 * step) step = fabs(w) / 2;
    double up = w + step, down = w - step;
    double plus = penalty_term_f64(up, o->reg), minus = penalty_term_f64(down, o->reg);
    /* each term: a few operations, each off by at most 2^-53 of its size */
    *rounding = 4 * 0x1p-53 * (fabs(plus) + fabs(minus)) / (up - down);
    return (plus - minus) / (up - down);
}

/* Measures parameter `index` of layer `layer`: fills e (but backprop) and *fourth, the fourth
 * difference of D; returns whether D moved at all. */
static bool measure(objective *o, size_t layer, bool pen, size_t index, entry *e, double *fourth) {
    static const double steps[4] = {STEP, -STEP, 2 * STEP, -2 * STEP};
    double *p = o->ws.params, saved = p[index], d[4];
    for (size_t k = 0; k < 4; k++) {
        p[index] = saved + steps[k];
        d[k] = data_loss(o, layer) - o->d0; /* exact: within a factor 2 of each other */
    }
    p[index] = saved;
    double n_h = (d[0] - d[1]) / (2 * STEP), n_2h = (d[2] - d[3]) / (4 * STEP);
    e->numeric = n_h;
    e->truncation = fabs(n_h - n_2h);
    e->penalty_rounding = 0;
    if (pen) e->numeric += penalty_quotient(o, saved, &e->penalty_rounding);
    *fourth = fabs((d[2] + d[3]) - 4 * (d[0] + d[1]));
    return d[0] != 0 || d[1] != 0 || d[2] != 0 || d[3] != 0;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* eps, the rounding of one computed D, from the fourth differences of the entries that moved D
 * (sorted in place). */
static double loss_rounding(double *fourth, size_t count, double d0) {
    double floor = 0x1p-54 * fabs(d0);
    if (count == 0) return floor;
    qsort(fourth, count, sizeof *fourth, compare_doubles);
    double median = count % 2 ? fourth[count / 2] : (fourth[count / 2 - 1] + fourth[count / 2]) / 2;
    return fmax(median / MEDIAN_PER_EPS, floor);
}

/* The report of one tensor: the entry with the largest relative error beyond E; where every entry
 * is within E, the one closest to its E. */
static void judge(const tensor *t, const entry *entries, double rounding,
                  mlp_gradcheck_tensor *report) {
    *report = (mlp_gradcheck_tensor){.layer = t->layer, .is_bias = t->is_bias};
    double worst_excess = -1, worst_used = -1;
    for (size_t k = 0; k * t->stride < t->count; k++) {
        const entry *e = &entries[t->first_entry + k];
        double diff = fabs(e->backprop - e->numeric);
        double allowed = e->truncation + rounding + e->penalty_rounding;
        /* diff > allowed >= 0 implies |g| + |n| > 0 */
        double excess =
            diff > allowed ? (diff - allowed) / (fabs(e->backprop) + fabs(e->numeric)) : 0;
        double used = allowed > 0 ? diff / allowed : diff > 0 ? INFINITY : 0;
        if (excess > worst_excess || (excess == worst_excess && used > worst_used)) {
            worst_excess = excess;
            worst_used = used;
            report->max_relative_error = excess;
            report->worst_index = k * t->stride;
            report->backprop = e->backprop;
            report->numeric = e->numeric;
            report->fd_error = allowed;
        }
    }
}

/* Every entry when max_per_tensor is 0 or covers the tensor, else every (count / max)-th. */
static size_t stride_for(size_t count, size_t max_per_tensor) {
    return max_per_tensor == 0 || count <= max_per_tensor ? 1 : count / max_per_tensor;
}

void gradcheck_backprop(void *ctx, workspace_f64 *ws, const double *x, const mlp_batch *batch,
                        const mlp_regularization *reg) {
    (void)ctx;
    net_backward_f64(ws, x, batch->n, true, batch, NULL);
    add_penalty_gradient_f64(ws->params, ws->grads, ws->spec, ws->layout, reg);
}

mlp_status mlp_gradcheck(const mlp_net *net, const mlp_batch *batch, const mlp_regularization *reg,
                         mlp_rng *dropout_rng, mlp_gradcheck_tensor *report, mlp_error *err) {
    return gradcheck_run(net, batch, reg, dropout_rng, 0, gradcheck_backprop, NULL, report, err);
}

mlp_status mlp_gradcheck_sample(const mlp_net *net, const mlp_batch *batch,
                                const mlp_regularization *reg, mlp_rng *dropout_rng,
                                size_t max_per_tensor, mlp_gradcheck_tensor *report,
                                mlp_error *err) {
    return gradcheck_run(net, batch, reg, dropout_rng, max_per_tensor, gradcheck_backprop, NULL,
                         report, err);
}

mlp_status gradcheck_run(const mlp_net *net, const mlp_batch *batch, const mlp_regularization *reg,
                         mlp_rng *dropout_rng, size_t max_per_tensor, gradcheck_gradient gradient,
                         void *ctx, mlp_gradcheck_tensor *report, mlp_error *err) {
    if (!net || !batch || !reg || !report || !batch->x || !gradient)
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

    /* report order: W0, b0, W1, b1, ... */
    tensor tensors[2 * MLP_MAX_LAYERS];
    size_t num_tensors = 2 * spec->num_layers, num_entries = 0;
    for (size_t t = 0; t < num_tensors; t++) {
        size_t i = t / 2, out = spec->widths[i + 1];
        bool is_bias = t % 2;
        size_t count = is_bias ? out : out * spec->widths[i];
        size_t stride = stride_for(count, max_per_tensor);
        tensors[t] = (tensor){.layer = i,
                              .is_bias = is_bias,
                              .begin = is_bias ? layout.bias[i] : layout.weight[i],
                              .count = count,
                              .stride = stride,
                              .first_entry = num_entries};
        num_entries += (count + stride - 1) / stride;
    }

    size_t num_params = layout.num_params, inputs = batch->n * spec->widths[0];
    objective o = {.ws = {.spec = spec, .layout = &layout}, .batch = batch, .reg = reg};
    double *params = mlp_calloc(num_params, sizeof(double), err);
    double *grads = params ? mlp_calloc(num_params, sizeof(double), err) : NULL;
    double *x = grads ? mlp_calloc(inputs, sizeof(double), err) : NULL;
    entry *entries = x ? mlp_calloc(num_entries, sizeof *entries, err) : NULL;
    double *fourth = entries ? mlp_calloc(num_entries, sizeof *fourth, err) : NULL;
    mlp_status status = fourth ? workspace_reserve_f64(&o.ws, batch->n, err) : MLP_ERR_MEMORY;
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
        o.d0 = data_loss(&o, 0);
        gradient(ctx, &o.ws, x, batch, reg);
        /* Top layer first: perturbing layer i rewrites only the outputs of layers >= i, so the
         * outputs below layer i - 1, which its check reuses, are still those of p. */
        size_t moved = 0;
        for (size_t t = num_tensors; t-- > 0;) {
            const tensor *c = &tensors[t];
            bool pen = penalised(&o, c->is_bias);
            for (size_t k = 0; k * c->stride < c->count; k++) {
                size_t index = c->begin + k * c->stride;
                entry *e = &entries[c->first_entry + k];
                if (measure(&o, c->layer, pen, index, e, &fourth[moved])) moved++;
                e->backprop = grads[index];
            }
        }
        double rounding = ROUNDING_ALLOWANCE * loss_rounding(fourth, moved, o.d0) / STEP;
        for (size_t t = 0; t < num_tensors; t++)
            judge(&tensors[t], entries, rounding, &report[t]);
        status = mlp_ok(err);
    }
    workspace_release_f64(&o.ws);
    free(params);
    free(grads);
    free(x);
    free(entries);
    free(fourth);
    return status;
}
