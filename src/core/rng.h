/* The engine's own use of the generator (mlp.h has the public one). */
#ifndef MLP_CORE_RNG_H
#define MLP_CORE_RNG_H

#include "mlp.h"

/* Moves rng on by `steps` draws of mlp_rng_u32 in O(log steps) (Brown, "Random number generation
 * with arbitrary strides", 1994): the state after is that after `steps` calls. So a sequence of
 * draws can be cut into pieces computed on different threads, with the same values. */
void core_rng_advance(mlp_rng *rng, uint64_t steps);

#endif
