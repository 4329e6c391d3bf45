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
    mlp_precision precision;
    core_bf16_buffers bf16; /* pack buffers of the bf16 products (NULL in float32) */
    size_t bf16_capacity;   /* the batch size they are sized for */
};

/* mlp_net_gradient with a hook into the backward pass (may be NULL); `where` names the caller in
 * messages. */
mlp_status net_gradient_pass(mlp_net *net, const mlp_batch *batch, mlp_rng *dropout_rng,
                             const net_update_hook *hook, mlp_batch_result *result,
                             const char *where, mlp_error *err);

/* The network's thread pool with mlp_net_threads threads (made on first use; NULL where the
 * products run on one thread or through OpenBLAS), for other work of a step to run on. */
parallel_pool *net_pool(mlp_net *net);

#endif
