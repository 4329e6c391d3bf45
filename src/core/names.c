/* Names of the activations and losses, in enum order. */
#include "core/names.h"

#include <string.h>

const char *const mlp_hidden_activation_names[] = {"identity", "sigmoid",    "tanh",
                                                   "relu",     "leaky_relu", NULL};
const char *const mlp_loss_names[] = {"softmax_cross_entropy", "binary_cross_entropy", "quadratic",
                                      NULL};

/* One name per enum value (softmax is the one activation after the hidden ones), and the NULL. */
_Static_assert(sizeof mlp_hidden_activation_names / sizeof *mlp_hidden_activation_names ==
                   MLP_ACT_SOFTMAX + 1,
               "an activation without a name");
_Static_assert(sizeof mlp_loss_names / sizeof *mlp_loss_names == MLP_LOSS_QUADRATIC + 2,
               "a loss without a name");

const char *mlp_activation_name(mlp_activation activation) {
    if ((size_t)activation < MLP_ACT_SOFTMAX) return mlp_hidden_activation_names[activation];
    return activation == MLP_ACT_SOFTMAX ? "softmax" : "unknown";
}

bool mlp_activation_from_name(const char *name, mlp_activation *activation) {
    for (size_t i = 0; i <= MLP_ACT_SOFTMAX; i++)
        if (strcmp(name, mlp_activation_name((mlp_activation)i)) == 0) {
            *activation = (mlp_activation)i;
            return true;
        }
    return false;
}

const char *mlp_loss_name(mlp_loss loss) {
    return (size_t)loss <= MLP_LOSS_QUADRATIC ? mlp_loss_names[loss] : "unknown";
}

bool mlp_loss_from_name(const char *name, mlp_loss *loss) {
    for (size_t i = 0; mlp_loss_names[i]; i++)
        if (strcmp(name, mlp_loss_names[i]) == 0) {
            *loss = (mlp_loss)i;
            return true;
        }
    return false;
}
