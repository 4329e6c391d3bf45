/* L1/L2 penalties for one real type (template, see activation_impl.h):
 *   P = l1 sum |w| + l2/2 sum w^2,   dP/dw = l1 sign(w) + l2 w   (sign(0) = 0)
 * over the weights of every layer, and the biases too when reg->on_biases. */

double K(penalty_term)(REAL w, const mlp_regularization *reg) {
    double v = (double)w;
    return (double)reg->l1 * fabs(v) + 0.5 * (double)reg->l2 * v * v;
}

/* Layer i's penalised parameters are one range: its weights, then its biases if on_biases. */
static void K(penalised_range)(const mlp_net_spec *spec, const net_layout *layout, size_t i,
                               bool on_biases, size_t *begin, size_t *end) {
    *begin = layout->weight[i];
    *end = layout->bias[i] + (on_biases ? spec->widths[i + 1] : 0);
}

double K(penalty)(const REAL *params, const mlp_net_spec *spec, const net_layout *layout,
                  const mlp_regularization *reg) {
    double sum = 0;
    for (size_t i = 0; i < spec->num_layers; i++) {
        size_t begin, end;
        K(penalised_range)(spec, layout, i, reg->on_biases, &begin, &end);
        for (size_t p = begin; p < end; p++)
            sum += K(penalty_term)(params[p], reg);
    }
    return sum;
}

void K(add_penalty_gradient_range)(const REAL *params, REAL *grads, size_t begin, size_t end,
                                   const mlp_regularization *reg) {
    REAL l1 = (REAL)reg->l1, l2 = (REAL)reg->l2;
    if (l1 == 0) /* the common L2-only case in one vectorisable loop */
        for (size_t p = begin; p < end; p++)
            grads[p] += l2 * params[p];
    else
        for (size_t p = begin; p < end; p++) {
            REAL w = params[p];
            REAL sign = (REAL)((w > 0) - (w < 0));
            grads[p] += l1 * sign + l2 * w;
        }
}

void K(add_penalty_gradient)(const REAL *params, REAL *grads, const mlp_net_spec *spec,
                             const net_layout *layout, const mlp_regularization *reg) {
    for (size_t i = 0; i < spec->num_layers; i++) {
        size_t begin, end;
        K(penalised_range)(spec, layout, i, reg->on_biases, &begin, &end);
        K(add_penalty_gradient_range)(params, grads, begin, end, reg);
    }
}
