/* The fused training step: gradient, penalty and optimizer update in one backward pass. Each
 * block of weight rows (and their biases) is updated as soon as its gradient is final, by the
 * thread that computed it, which also multiplied those rows in the forward pass: the weights,
 * their gradient and the optimizer's state for them are still in that core's cache, instead of
 * being read back from memory by a separate pass over all parameters once the gradient is done.
 * The update rules and the penalty are element-wise, so the result is that of the separate calls,
 * bit for bit. */
#include "core/network.h"
#include "core/optimizer.h"

#include "util/error.h"

typedef struct {
    mlp_net *net;
    mlp_optimizer *opt;
    const optimizer_plan *plan;
    const mlp_regularization *reg; /* NULL: no penalty */
    const uint8_t *decay_mask;
} step_context;

/* Adds the penalty's gradient (when `penalised`) and updates params[begin, end). An L2-only
 * penalty is added by the update's own pass over the range (optimizer_update's l2). */
static void update_range(const step_context *s, size_t begin, size_t end, bool penalised) {
    float l2 = 0.0f;
    if (penalised && s->reg) {
        if (s->reg->l1 != 0.0f)
            add_penalty_gradient_range_f32(s->net->params, s->net->grads, begin, end, s->reg);
        else
            l2 = s->reg->l2;
    }
    optimizer_update(s->opt, s->plan, s->net->params, s->net->grads, s->decay_mask, l2, begin, end);
}

/* net_update_hook: weight rows [begin, end) of `layer` and the same units' biases. */
static void update_rows(void *ctx, size_t layer, size_t begin, size_t end) {
    const step_context *s = ctx;
    const net_layout *layout = &s->net->layout;
    size_t fan_in = s->net->spec.widths[layer];
    update_range(s, layout->weight[layer] + begin * fan_in, layout->weight[layer] + end * fan_in,
                 true);
    update_range(s, layout->bias[layer] + begin, layout->bias[layer] + end,
                 s->reg && s->reg->on_biases);
}

mlp_status mlp_net_train_step(mlp_net *net, const mlp_batch *batch, mlp_rng *dropout_rng,
                              const mlp_regularization *reg, mlp_optimizer *opt,
                              const uint8_t *decay_mask, float lr, mlp_batch_result *result,
                              mlp_error *err) {
    if (!net || !opt)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "mlp_net_train_step: net or optimizer is NULL");
    if (mlp_optimizer_num_params(opt) != net->layout.num_params)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "mlp_net_train_step: the optimizer has %zu parameters, the network %zu",
                        mlp_optimizer_num_params(opt), net->layout.num_params);
    if (reg && reg->l1 == 0.0f && reg->l2 == 0.0f) reg = NULL;
    optimizer_plan plan;
    optimizer_begin_step(opt, lr, &plan);
    step_context context = {net, opt, &plan, reg, decay_mask};
    net_update_hook hook = {update_rows, &context};
    MLP_TRY(net_gradient_pass(net, batch, dropout_rng, &hook, result, "mlp_net_train_step", err));
    optimizer_end_step(opt);
    return mlp_ok(err);
}
