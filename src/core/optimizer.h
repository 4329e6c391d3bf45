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
 * NULL) is indexed like params. Ranges of one step must not overlap. With l2 non-zero, first adds
 * the L2 penalty's gradient to the range's grads, grads[i] += l2 params[i] (what
 * add_penalty_gradient_range gives without L1), in the same pass; with l2 = 0 grads are only read.
 * On a CPU with AVX-512 the Adam/AdamW and SGD rules run as optimizer_avx512.h's loops, which give
 * the scalar loops' values bit for bit. */
void optimizer_update(mlp_optimizer *opt, const optimizer_plan *plan, float *params, float *grads,
                      const uint8_t *decay_mask, float l2, size_t begin, size_t end);
/* Counts the step (Adam's t, SGD's first step). */
void optimizer_end_step(mlp_optimizer *opt);

#endif
