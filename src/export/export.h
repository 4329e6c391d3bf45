/* What the ONNX and C exporters share. */
#ifndef MLP_EXPORT_EXPORT_H
#define MLP_EXPORT_EXPORT_H

#include "mlp.h"

#include <stddef.h>

/* One line describing the model: "mlp 0.1.0 network 784-256-10 (relu,softmax), loss
 * softmax_cross_entropy, preparation standardize". */
void export_describe(const mlp_model *model, char *out, size_t size);

#endif
