/* The double instantiation of the network math: the same formulas as the engine, for the
 * finite-difference gradient check. */
#include "core/kernels.h"

#include "util/error.h"

#include <cblas.h>
#include <stdlib.h>
#include <tgmath.h>

#define REAL double
#define K(name) name##_f64
#define GEMM cblas_dgemm
#include "core/kernels_impl.h"
