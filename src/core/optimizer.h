/* An optimizer's step cut into ranges of parameters, so that a training step can update each
 * block of parameters as soon as its gradient is final, on the thread that computed it, while it
 * is still in that core's cache. The rules are element-wise: updating the ranges in any order and
 * split gives the parameters mlp_optimizer_step gives, bit for bit (it is begin_step, one update
 * over all parameters, end_step). */
#ifndef MLP_CORE_OPTIMIZER_H
#define MLP_CORE_OPTIMIZER_H

#include "mlp.h"

/* What one step's updates share: the rate, and the coefficients of step t computed once. */
typedef struct {
    float lr;
    bool first;      /* SGD: the first step, whose momentum buffer starts at g */
    float step_size; /* Adam: lr / (1 - beta1^t) */
    float bc2_sqrt;  /* Adam: sqrt(1 - beta2^t) */
    float decay;     /* AdamW: 1 - lr weight_decay */
} optimizer_plan;

void optimizer_begin_step(const mlp_optimizer *opt, float lr, optimizer_plan *plan);
/* Updates params[begin, end) from grads[begin, end) and the matching state; decay_mask (may be
 * NULL) is indexed like params. Ranges of one step must not overlap. */
void optimizer_update(mlp_optimizer *opt, const optimizer_plan *plan, float *params,
                      const float *grads, const uint8_t *decay_mask, size_t begin, size_t end);
/* Counts the step (Adam's t, SGD's first step). */
void optimizer_end_step(mlp_optimizer *opt);

#endif
