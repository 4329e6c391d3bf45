/* Parameter initialisation: weights drawn layer by layer in the order of the flat array, biases
 * set to a constant. fan_in = widths[i], fan_out = widths[i+1]. */
#include "core/layout.h"

#include "util/error.h"

#include <math.h>

/* The standard deviation (normal) or half-width (uniform) of a layer's weights. */
static double init_scale(const mlp_init_spec *init, double fan_in, double fan_out) {
    switch (init->kind) {
    case MLP_INIT_NORMAL:
    case MLP_INIT_UNIFORM:
        return init->scale;
    case MLP_INIT_GLOROT_NORMAL:
        return sqrt(2.0 / (fan_in + fan_out));
    case MLP_INIT_GLOROT_UNIFORM:
        return sqrt(6.0 / (fan_in + fan_out));
    case MLP_INIT_HE_NORMAL:
        return sqrt(2.0 / fan_in);
    case MLP_INIT_HE_UNIFORM:
        return sqrt(6.0 / fan_in);
    case MLP_INIT_LECUN_NORMAL:
        return sqrt(1.0 / fan_in);
    case MLP_INIT_LECUN_UNIFORM:
        return sqrt(3.0 / fan_in);
    }
    return 0;
}

static bool init_is_normal(mlp_init_kind kind) {
    return kind == MLP_INIT_NORMAL || kind == MLP_INIT_GLOROT_NORMAL ||
           kind == MLP_INIT_HE_NORMAL || kind == MLP_INIT_LECUN_NORMAL;
}

mlp_status mlp_net_init(mlp_net *net, const mlp_init_spec *init, mlp_rng *rng, mlp_error *err) {
    if (!net || !init || !rng)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_init: net, init or rng is NULL");
    if ((unsigned)init->kind > MLP_INIT_LECUN_UNIFORM)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_init: kind: unknown value %d",
                        (int)init->kind);
    if ((init->kind == MLP_INIT_NORMAL || init->kind == MLP_INIT_UNIFORM) &&
        !(init->scale >= 0.0f && isfinite(init->scale)))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_init: scale: %g is not a finite value >= 0",
                        (double)init->scale);
    if (!isfinite(init->bias))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_init: bias: %g is not finite",
                        (double)init->bias);
    const mlp_net_spec *spec = mlp_net_get_spec(net);
    float *params = mlp_net_params(net);
    bool normal = init_is_normal(init->kind);
    for (size_t i = 0; i < spec->num_layers; i++) {
        size_t in = spec->widths[i], out = spec->widths[i + 1];
        double scale = init_scale(init, (double)in, (double)out);
        float *w = params + mlp_net_weight_offset(net, i);
        for (size_t j = 0; j < in * out; j++)
            w[j] = normal ? (float)(scale * mlp_rng_normal(rng))
                          : (float)(scale * (2.0 * mlp_rng_uniform(rng) - 1.0));
        float *b = params + mlp_net_bias_offset(net, i);
        for (size_t j = 0; j < out; j++)
            b[j] = init->bias;
    }
    return mlp_ok(err);
}
