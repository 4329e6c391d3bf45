/* Internal questions about an mlp_transform asked by batch assembly. */
#ifndef MLP_DATA_TRANSFORM_H
#define MLP_DATA_TRANSFORM_H

#include "mlp.h"

/* True once every statistic the spec uses was fitted or set. */
bool transform_is_fitted(const mlp_transform *transform);
size_t transform_features(const mlp_transform *transform);

/* The transform of one row of bytes into out[features]: affine arithmetic without the log, a table
 * lookup of the scaled and logged byte values with it; then standardisation. */
void transform_apply_bytes(const mlp_transform *transform, const uint8_t *in, float *out);

#endif
