/* The definitions of the network math for one real type: included by kernels_f32.c and
 * kernels_f64.c with REAL, K(), the GEMM functions and PRODUCT_MODE_ENTER/LEAVE defined. */
#include "core/rng.h"

#include <stdatomic.h>

#include "core/activation_impl.h"
#include "core/loss_impl.h"
#include "core/dense_impl.h"
#include "core/dropout_impl.h"
#include "core/regularization_impl.h"
#include "core/pass_impl.h"
