/* The one-line description of an exported model (ONNX doc string, C comments). */
#include "export/export.h"
#include "train/model_file.h"

#include <stdio.h>

void export_describe(const mlp_model *model, char *out, size_t size) {
    const mlp_net_spec *spec = mlp_net_get_spec(mlp_model_net_const(model));
    size_t used = (size_t)snprintf(out, size, "mlp %s network ", MLP_VERSION);
    for (size_t i = 0; i <= spec->num_layers && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%zu", i ? "-" : "", spec->widths[i]);
    for (size_t i = 0; i < spec->num_layers && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "," : " (",
                                 mlp_activation_name(spec->activation[i]));
    char prep[256] = "none";
    if (mlp_model_transform(model))
        mlp_transform_spec_format(mlp_transform_get_spec(mlp_model_transform(model)), prep,
                                  sizeof prep);
    if (used < size)
        snprintf(out + used, size - used, "), loss %s, preparation %s", mlp_loss_name(spec->loss),
                 prep);
}
