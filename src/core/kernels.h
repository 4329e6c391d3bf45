/* The network math, written once over a real type REAL and instantiated twice: float (_f32, the
 * engine used for training) and double (_f64, used by the gradient check), so the check exercises
 * exactly the formulas the engine trains with. See kernels_api.h for the functions. */
#ifndef MLP_CORE_KERNELS_H
#define MLP_CORE_KERNELS_H

#include "core/layout.h"
#include "core/parallel.h"
#include "core/sgemm.h"

/* A training step's hook into the backward pass: rows(ctx, layer, begin, end) is called once the
 * gradients of layer `layer`'s weight rows and biases [begin, end) are final and the pass no
 * longer reads those weights, on the thread that computed them; it may update them. */
typedef struct {
    void (*rows)(void *ctx, size_t layer, size_t begin, size_t end);
    void *ctx;
} net_update_hook;

#define REAL float
#define K(name) name##_f32
#include "core/kernels_api.h"
#undef REAL
#undef K

#define REAL double
#define K(name) name##_f64
#include "core/kernels_api.h"
#undef REAL
#undef K

#endif
