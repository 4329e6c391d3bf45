/* The float instantiation of the network math: the engine that trains. */
#include "core/kernels.h"

#include "core/fp_mode.h"
#include "core/sgemm.h"
#include "util/error.h"

#include <stdlib.h>
#include <tgmath.h>

/* Every constant must be float here: a stray double would silently promote the arithmetic. */
#pragma GCC diagnostic error "-Wdouble-promotion"

#define REAL float
#define K(name) name##_f32
#define GEMM core_gemm
#define GEMM_THEN core_gemm_then
#define GEMM_TN_ROWS core_gemm_tn_rows
#define GEMM_TRAIN_FORWARD core_gemm_train_forward
/* The floating-point mode the products, and the passes they hand their blocks to, run in. */
#define PRODUCT_MODE_ENTER core_denormals_off
#define PRODUCT_MODE_LEAVE core_denormals_restore
#include "core/kernels_impl.h"
