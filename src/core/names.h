/* The names of the activations and losses, as written in configs and model files (one table,
 * in enum order; mlp_activation_name and friends in mlp.h read it). */
#ifndef MLP_CORE_NAMES_H
#define MLP_CORE_NAMES_H

#include "mlp.h"

/* NULL-terminated, in enum order, for tables of choices: the activations a hidden layer can use
 * (every one but softmax, which is the last and output-only), and the losses. */
extern const char *const mlp_hidden_activation_names[];
extern const char *const mlp_loss_names[];

#endif
