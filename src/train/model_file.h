/* The safetensors side of mlp_model, shared with the trainer's checkpoints: a checkpoint is a
 * model file plus optimizer tensors and training state. */
#ifndef MLP_TRAIN_MODEL_FILE_H
#define MLP_TRAIN_MODEL_FILE_H

#include "io/safetensors.h"
#include "mlp.h"

/* Adds the model's tensors (borrowed: the model must outlive st's write) and metadata to st. */
mlp_status mlp_model_add_to(const mlp_model *model, mlp_safetensors *st, mlp_error *err);

/* Builds a model from a file already read (checkpoint or model). */
mlp_status mlp_model_from(mlp_model **model, const mlp_safetensors *st, mlp_error *err);

/* Copies dense.N.weight / dense.N.bias of st into net, checking every shape against the net's
 * (any float dtype: files written by other tools are accepted). */
mlp_status mlp_net_load_weights(mlp_net *net, const mlp_safetensors *st, mlp_error *err);

#endif
