/* The validated shape of a network: where each tensor lives in the flat parameter array. */
#ifndef MLP_CORE_LAYOUT_H
#define MLP_CORE_LAYOUT_H

#include "mlp.h"

typedef struct {
    size_t weight[MLP_MAX_LAYERS]; /* offset of W_i [widths[i+1], widths[i]] */
    size_t bias[MLP_MAX_LAYERS];   /* offset of b_i [widths[i+1]] */
    size_t num_params;
    size_t max_width; /* the widest layer output, widths[1..num_layers] */
} net_layout;

/* Checks every field of spec (layer count, widths within BLAS's int, activations consistent with
 * the loss, dropout in [0, 1) on hidden layers only, max_batch >= 1) and computes the layout.
 * MLP_ERR_ARGUMENT on a bad field, MLP_ERR_MEMORY when the parameter count overflows. */
mlp_status net_layout_compute(net_layout *layout, const mlp_net_spec *spec, mlp_error *err);

/* Checks that capacity samples of every layer's width fit in memory sizes (MLP_ERR_MEMORY). */
mlp_status net_layout_check_capacity(const mlp_net_spec *spec, size_t capacity, mlp_error *err);

/* Checks a batch's targets against the network: labels or a target matrix present, labels in
 * 0..K-1 (0 or 1 with a single output unit). `where` names the caller in the message. */
mlp_status net_check_targets(const mlp_net_spec *spec, const mlp_batch *batch, const char *where,
                             mlp_error *err);

/* Whether any hidden layer has dropout. */
bool net_has_dropout(const mlp_net_spec *spec);

#endif
