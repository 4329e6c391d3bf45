/* libFuzzer target for training configs: any INI text over the training schema gives either a
 * checked mlp_train_config (and, for a valid one, a network spec) or an error naming the key;
 * never a crash or a leak. */
#include "train/train_config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    mlp_error err;
    mlp_ini *ini;
    if (mlp_train_ini_load(&ini, NULL, NULL, 0, &err) == MLP_OK) {
        mlp_train_config config;
        if (mlp_ini_load_text(ini, text, "fuzz.ini", &err) == MLP_OK &&
            mlp_train_config_from_ini(ini, &config, &err) == MLP_OK) {
            mlp_net_spec spec;
            mlp_train_config_net_spec(&config, 784, 10, &spec, &err);
        }
        mlp_ini_free(ini);
    }
    free(text);
    return 0;
}
