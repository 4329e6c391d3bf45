/* The network math, written once over a real type REAL and instantiated twice: float (_f32, the
 * engine used for training) and double (_f64, used by the gradient check), so the check exercises
 * exactly the formulas the engine trains with. See kernels_api.h for the functions. */
#ifndef MLP_CORE_KERNELS_H
#define MLP_CORE_KERNELS_H

#include "core/layout.h"
#include "core/parallel.h"

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
