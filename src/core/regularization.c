/* The public regularisation entry points: L1/L2 penalty of a network (math in
 * regularization_impl.h), gradient clipping by global norm and the weight mask. */
#include "core/kernels.h"

#include <math.h>
#include <string.h>

/* The layout of a live network (valid by construction, so this cannot fail). */
static net_layout layout_of(const mlp_net *net) {
    net_layout layout;
    net_layout_compute(&layout, mlp_net_get_spec(net), NULL);
    return layout;
}

double mlp_net_penalty(const mlp_net *net, const mlp_regularization *reg) {
    if (!net || !reg) return 0;
    net_layout layout = layout_of(net);
    return penalty_f32(mlp_net_params_const(net), mlp_net_get_spec(net), &layout, reg);
}

void mlp_net_add_penalty_gradient(mlp_net *net, const mlp_regularization *reg) {
    if (!net || !reg || (reg->l1 == 0.0f && reg->l2 == 0.0f)) return;
    net_layout layout = layout_of(net);
    add_penalty_gradient_f32(mlp_net_params(net), mlp_net_grads(net), mlp_net_get_spec(net),
                             &layout, reg);
}

/* As torch.nn.utils.clip_grad_norm_: norm = ||g||_2, and when max_norm > 0,
 * g *= min(1, max_norm / (norm + 1e-6)). The sum of squares runs in double, in index order. */
float mlp_clip_grad_norm(float *grads, size_t n, float max_norm) {
    double sum = 0;
    if (!grads) return 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)grads[i] * (double)grads[i];
    float norm = (float)sqrt(sum);
    if (max_norm > 0.0f) {
        float coef = (float)((double)max_norm / ((double)norm + 1e-6));
        if (coef < 1.0f)
            for (size_t i = 0; i < n; i++)
                grads[i] *= coef;
    }
    return norm;
}

void mlp_net_weight_mask(const mlp_net *net, bool on_biases, uint8_t *mask) {
    if (!net || !mask) return;
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    for (size_t i = 0; i < spec->num_layers; i++) {
        size_t out = spec->widths[i + 1];
        memset(mask + mlp_net_weight_offset(net, i), 1, out * spec->widths[i]);
        memset(mask + mlp_net_bias_offset(net, i), on_biases ? 1 : 0, out);
    }
}
