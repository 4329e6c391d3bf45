/* The gradient check with the gradient it checks as a parameter, so the checker itself can be
 * tested against gradients known to be wrong (tests/test_core_gradcheck.c). mlp_gradcheck and
 * mlp_gradcheck_sample pass gradcheck_backprop, the engine's own; nothing else reaches this. */
#ifndef MLP_CORE_GRADCHECK_H
#define MLP_CORE_GRADCHECK_H

#include "core/kernels.h"

/* Fills ws->grads with d(mean data loss + penalty)/d(params) at ws->params, after a training-mode
 * forward pass of batch (inputs x) from layer 0. */
typedef void (*gradcheck_gradient)(void *ctx, workspace_f64 *ws, const double *x,
                                   const mlp_batch *batch, const mlp_regularization *reg);

/* The engine's gradient: net_backward_f64, then add_penalty_gradient_f64 (ctx unused). */
void gradcheck_backprop(void *ctx, workspace_f64 *ws, const double *x, const mlp_batch *batch,
                        const mlp_regularization *reg);

/* mlp_gradcheck_sample comparing `gradient` (called once, with ctx) with finite differences. */
mlp_status gradcheck_run(const mlp_net *net, const mlp_batch *batch, const mlp_regularization *reg,
                         mlp_rng *dropout_rng, size_t max_per_tensor, gradcheck_gradient gradient,
                         void *ctx, mlp_gradcheck_tensor *report, mlp_error *err);

#endif
