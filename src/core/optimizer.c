/* Optimizers with torch.optim's update rules and defaults (torch 1.13, single-tensor path). The
 * per-element arithmetic is float, in torch's order; scalar coefficients are computed in double
 * as Python does, from the decimal a user wrote (0.999, not the float 0.999000013: torch's
 * 1 - beta2 and beta2^t start from the Python double). g is the gradient (penalty gradients
 * already added), t the step number from 1.
 *   SGD      b = g (t = 1), b = mu b + (1 - dampening) g;  d = nesterov ? g + mu b : b
 *            (d = g when mu = 0);  p -= lr d
 *   Adam     m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
 *            p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *   AdamW    p *= 1 - lr weight_decay (masked entries), then the Adam update
 *   RMSprop  s = alpha s + (1 - alpha) g^2;  centered: c = alpha c + (1 - alpha) g,
 *            r = sqrt(s - c^2) + eps, else r = sqrt(s) + eps;
 *            mu > 0: b = mu b + g / r, p -= lr b;  else p -= lr g / r */
#include "core/optimizer.h"

#include "core/optimizer_avx512.h"

#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_BUFFERS 3

struct mlp_optimizer {
    mlp_optimizer_spec spec;
    double beta1, beta2, alpha, dampening; /* the decimals the float hyper-parameters stand for */
    size_t num_params;
    uint64_t steps;
    size_t num_buffers;
    float *buffer[MAX_BUFFERS];
    const char *name[MAX_BUFFERS];
};

void mlp_optimizer_spec_default(mlp_optimizer_spec *spec, mlp_optimizer_kind kind) {
    *spec = (mlp_optimizer_spec){
        .kind = kind, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f, .alpha = 0.99f};
    if (kind == MLP_OPT_ADAMW) spec->weight_decay = 0.01f;
}

/* The shortest decimal that rounds to v, as a double: the value the user typed. */
static double typed_decimal(float v) {
    char text[32];
    for (int digits = 1; digits < 9; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, (double)v);
        double d = strtod(text, NULL);
        if ((float)d == v) return d;
    }
    return (double)v;
}

static bool in_unit_interval(float v) {
    return v >= 0.0f && v < 1.0f;
}

static mlp_status check_spec(const mlp_optimizer_spec *s, mlp_error *err) {
    if ((unsigned)s->kind > MLP_OPT_RMSPROP)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "optimizer: kind: unknown value %d", (int)s->kind);
    if (!(s->momentum >= 0.0f && isfinite(s->momentum)))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "optimizer: momentum: %g is not a finite value >= 0",
                        (double)s->momentum);
    if (!(s->dampening >= 0.0f && s->dampening <= 1.0f))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "optimizer: dampening: %g not in [0, 1]",
                        (double)s->dampening);
    if (s->kind == MLP_OPT_SGD && s->nesterov && (s->momentum <= 0.0f || s->dampening != 0.0f))
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "optimizer: nesterov needs momentum > 0 and dampening 0");
    if (!in_unit_interval(s->beta1) || !in_unit_interval(s->beta2))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "optimizer: betas (%g, %g) not in [0, 1)",
                        (double)s->beta1, (double)s->beta2);
    if (!(s->eps >= 0.0f && isfinite(s->eps)))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "optimizer: eps: %g is not a finite value >= 0",
                        (double)s->eps);
    if (!(s->alpha >= 0.0f && s->alpha <= 1.0f))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "optimizer: alpha: %g not in [0, 1]",
                        (double)s->alpha);
    if (!(s->weight_decay >= 0.0f && isfinite(s->weight_decay)))
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "optimizer: weight_decay: %g is not a finite value >= 0",
                        (double)s->weight_decay);
    return MLP_OK;
}

/* The state buffers each rule keeps, in checkpoint order. */
static size_t buffer_names(const mlp_optimizer_spec *s, const char **names) {
    size_t count = 0;
    switch (s->kind) {
    case MLP_OPT_SGD:
        if (s->momentum != 0.0f) names[count++] = "momentum";
        break;
    case MLP_OPT_ADAM:
    case MLP_OPT_ADAMW:
        names[count++] = "exp_avg";
        names[count++] = "exp_avg_sq";
        break;
    case MLP_OPT_RMSPROP:
        names[count++] = "square_avg";
        if (s->momentum > 0.0f) names[count++] = "momentum";
        if (s->centered) names[count++] = "grad_avg";
        break;
    }
    return count;
}

mlp_status mlp_optimizer_new(mlp_optimizer **out, const mlp_optimizer_spec *spec, size_t num_params,
                             mlp_error *err) {
    if (!out || !spec)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_optimizer_new: optimizer or spec is NULL");
    *out = NULL;
    if (num_params == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_optimizer_new: num_params is zero");
    MLP_TRY(check_spec(spec, err));
    mlp_optimizer *opt = mlp_calloc(1, sizeof *opt, err);
    if (!opt) return MLP_ERR_MEMORY;
    opt->spec = *spec;
    opt->beta1 = typed_decimal(spec->beta1);
    opt->beta2 = typed_decimal(spec->beta2);
    opt->alpha = typed_decimal(spec->alpha);
    opt->dampening = typed_decimal(spec->dampening);
    opt->num_params = num_params;
    opt->num_buffers = buffer_names(spec, opt->name);
    for (size_t i = 0; i < opt->num_buffers; i++)
        if (!(opt->buffer[i] = mlp_calloc_lines(num_params, sizeof(float), err))) {
            mlp_optimizer_free(opt);
            return MLP_ERR_MEMORY;
        }
    *out = opt;
    return mlp_ok(err);
}

void mlp_optimizer_free(mlp_optimizer *opt) {
    if (!opt) return;
    for (size_t i = 0; i < opt->num_buffers; i++)
        free(opt->buffer[i]);
    free(opt);
}

const mlp_optimizer_spec *mlp_optimizer_get_spec(const mlp_optimizer *opt) {
    return opt ? &opt->spec : NULL;
}

size_t mlp_optimizer_num_buffers(const mlp_optimizer *opt) {
    return opt ? opt->num_buffers : 0;
}

float *mlp_optimizer_buffer(mlp_optimizer *opt, size_t index, const char **name) {
    if (!opt || index >= opt->num_buffers) return NULL;
    if (name) *name = opt->name[index];
    return opt->buffer[index];
}

size_t mlp_optimizer_num_params(const mlp_optimizer *opt) {
    return opt ? opt->num_params : 0;
}

uint64_t mlp_optimizer_steps(const mlp_optimizer *opt) {
    return opt ? opt->steps : 0;
}

void mlp_optimizer_set_steps(mlp_optimizer *opt, uint64_t steps) {
    if (opt) opt->steps = steps;
}

void optimizer_begin_step(const mlp_optimizer *opt, float lr, optimizer_plan *plan) {
    const mlp_optimizer_spec *s = &opt->spec;
    double t = (double)(opt->steps + 1);
    *plan = (optimizer_plan){.lr = lr, .first = opt->steps == 0};
    if (s->kind == MLP_OPT_ADAM || s->kind == MLP_OPT_ADAMW) {
        plan->step_size = (float)((double)lr / (1.0 - pow(opt->beta1, t)));
        plan->bc2_sqrt = (float)sqrt(1.0 - pow(opt->beta2, t));
    }
    if (s->kind == MLP_OPT_ADAMW) plan->decay = (float)(1.0 - (double)lr * (double)s->weight_decay);
}

void optimizer_end_step(mlp_optimizer *opt) {
    opt->steps++;
}

/* Each rule below updates the n entries of p, g and the state buffers from `offset` on. */

/* The L2 penalty's gradient, g += l2 p, as add_penalty_gradient_range without L1. */
static void add_l2(const float *restrict p, float *restrict g, size_t n, float l2) {
    if (l2 != 0.0f)
        for (size_t i = 0; i < n; i++)
            g[i] += l2 * p[i];
}

static void sgd_update(mlp_optimizer *opt, const optimizer_plan *plan, float *restrict p,
                       float *restrict g, size_t offset, size_t n, float l2) {
    float mu = opt->spec.momentum, lr = plan->lr;
    float *restrict b = mu == 0.0f ? NULL : opt->buffer[0] + offset;
    float keep = (float)(1.0 - opt->dampening);
    if (optimizer_avx512_supported()) {
        sgd_update_avx512(p, g, b, n, lr, mu, keep, plan->first, opt->spec.nesterov, l2 != 0.0f,
                          l2);
        return;
    }
    add_l2(p, g, n, l2);
    if (!b) {
        for (size_t i = 0; i < n; i++)
            p[i] -= lr * g[i];
        return;
    }
    if (plan->first)
        for (size_t i = 0; i < n; i++)
            b[i] = g[i];
    else
        for (size_t i = 0; i < n; i++)
            b[i] = b[i] * mu + keep * g[i];
    if (opt->spec.nesterov)
        for (size_t i = 0; i < n; i++)
            p[i] -= lr * (g[i] + mu * b[i]);
    else
        for (size_t i = 0; i < n; i++)
            p[i] -= lr * b[i];
}

static void adam_update(mlp_optimizer *opt, const optimizer_plan *plan, float *restrict p,
                        float *restrict g, const uint8_t *restrict decay_mask, size_t offset,
                        size_t n, float l2) {
    const mlp_optimizer_spec *s = &opt->spec;
    float b1 = s->beta1, b2 = s->beta2, eps = s->eps, bc2_sqrt = plan->bc2_sqrt;
    float step_size = plan->step_size;
    float c1 = (float)(1.0 - opt->beta1), c2 = (float)(1.0 - opt->beta2);
    float *restrict m = opt->buffer[0] + offset, *restrict v = opt->buffer[1] + offset;
    if (optimizer_avx512_supported()) {
        adam_coefficients c = {
            b1, c1, b2, c2, bc2_sqrt, eps, step_size, s->kind == MLP_OPT_ADAMW, plan->decay};
        adam_update_avx512(p, g, m, v, decay_mask, n, &c, l2 != 0.0f, l2);
        return;
    }
    add_l2(p, g, n, l2);
    if (s->kind == MLP_OPT_ADAMW)
        for (size_t i = 0; i < n; i++)
            if (!decay_mask || decay_mask[i]) p[i] *= plan->decay;
    for (size_t i = 0; i < n; i++) {
        m[i] = m[i] * b1 + c1 * g[i];
        v[i] = v[i] * b2 + c2 * (g[i] * g[i]);
        float denom = sqrtf(v[i]) / bc2_sqrt + eps;
        p[i] += -step_size * (m[i] / denom);
    }
}

static void rmsprop_update(mlp_optimizer *opt, const optimizer_plan *plan, float *restrict p,
                           float *restrict g, size_t offset, size_t n, float l2) {
    add_l2(p, g, n, l2);
    const mlp_optimizer_spec *s = &opt->spec;
    float alpha = s->alpha, c = (float)(1.0 - opt->alpha), eps = s->eps, mu = s->momentum;
    float lr = plan->lr;
    float *restrict sq = opt->buffer[0] + offset;
    float *restrict b = mu > 0.0f ? opt->buffer[1] + offset : NULL;
    float *restrict ga = s->centered ? opt->buffer[mu > 0.0f ? 2 : 1] + offset : NULL;
    for (size_t i = 0; i < n; i++) {
        sq[i] = sq[i] * alpha + c * (g[i] * g[i]);
        float avg;
        if (ga) {
            ga[i] = ga[i] * alpha + c * g[i];
            avg = sqrtf(sq[i] - ga[i] * ga[i]) + eps;
        } else {
            avg = sqrtf(sq[i]) + eps;
        }
        if (b) {
            b[i] = b[i] * mu + g[i] / avg;
            p[i] -= lr * b[i];
        } else {
            p[i] += -lr * (g[i] / avg);
        }
    }
}

void optimizer_update(mlp_optimizer *opt, const optimizer_plan *plan, float *params, float *grads,
                      const uint8_t *decay_mask, float l2, size_t begin, size_t end) {
    float *p = params + begin, *g = grads + begin;
    size_t n = end - begin;
    switch (opt->spec.kind) {
    case MLP_OPT_SGD:
        sgd_update(opt, plan, p, g, begin, n, l2);
        break;
    case MLP_OPT_ADAM:
    case MLP_OPT_ADAMW:
        adam_update(opt, plan, p, g, decay_mask ? decay_mask + begin : NULL, begin, n, l2);
        break;
    case MLP_OPT_RMSPROP:
        rmsprop_update(opt, plan, p, g, begin, n, l2);
        break;
    }
}

void mlp_optimizer_step(mlp_optimizer *opt, float *params, const float *grads,
                        const uint8_t *decay_mask, float lr) {
    if (!opt || !params || !grads) return;
    optimizer_plan plan;
    optimizer_begin_step(opt, lr, &plan);
    /* l2 = 0: grads are only read */
    optimizer_update(opt, &plan, params, (float *)grads, decay_mask, 0.0f, 0, opt->num_params);
    optimizer_end_step(opt);
}
