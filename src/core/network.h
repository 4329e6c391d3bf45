/* The network object's insides, shared by its entry points: network.c (forward, evaluation,
 * gradient) and train_step.c (the fused training step). */
#ifndef MLP_CORE_NETWORK_H
#define MLP_CORE_NETWORK_H

#include "core/kernels.h"

struct mlp_net {
    mlp_net_spec spec;
    net_layout layout;
    float *params;
    float *grads;
    workspace_f32 ws;
};

/* mlp_net_gradient with a hook into the backward pass (may be NULL); `where` names the caller in
 * messages. */
mlp_status net_gradient_pass(mlp_net *net, const mlp_batch *batch, mlp_rng *dropout_rng,
                             const net_update_hook *hook, mlp_batch_result *result,
                             const char *where, mlp_error *err);

#endif
