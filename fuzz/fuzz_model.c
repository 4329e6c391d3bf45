/* libFuzzer target for model files (safetensors + mlp metadata: net.*, classes, display_names,
 * prep.*): any bytes give either a model that predicts, or an error; never a crash, a leak or an
 * allocation larger than the file implies. */
#include "train/model_file.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mlp_error err;
    mlp_safetensors *st;
    if (mlp_safetensors_parse(&st, data, size, "fuzz.safetensors", &err) != MLP_OK) return 0;
    mlp_model *model;
    if (mlp_model_from(&model, st, &err) == MLP_OK) {
        /* The prediction runs on a copy of the network on one thread: the model's own network
         * would start a thread pool (threads = 0: all cores) for every input, whose thread
         * stacks cost ASan more than everything else here. */
        mlp_net *net = mlp_model_net(model), *one = NULL;
        mlp_net_spec spec = *mlp_net_get_spec(net);
        spec.threads = 1;
        spec.max_batch = 1;
        float *x = calloc(spec.widths[0], sizeof *x);
        int32_t label;
        if (x && mlp_net_new(&one, &spec, &err) == MLP_OK) {
            memcpy(mlp_net_params(one), mlp_net_params_const(net),
                   mlp_net_num_params(net) * sizeof(float));
            mlp_net_predict(one, x, 1, &label, &err);
        }
        mlp_net_free(one);
        free(x);
        size_t chars = 0; /* every name the reports would print is a string */
        for (size_t k = 0; k < mlp_model_num_classes(model); k++)
            chars += strlen(mlp_model_display_names(model)[k]);
        (void)chars;
        mlp_model_free(model);
    }
    mlp_safetensors_free(st);
    return 0;
}
