/* libFuzzer target for the INI configuration parser (libinih + schema validation): any text
 * must load or fail with a message, never crash or leak; and whatever loads must survive the
 * round trip through mlp_ini_to_text unchanged (the run folder's config.ini reproduces a run). */
#include "io/config_file.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"sgd", "adam", "rmsprop", NULL};

static const mlp_ini_key keys[] = {
    {"", "seed", MLP_INI_INT, "1", "seed", NULL},
    {"data", "train", MLP_INI_STRING, "", "source", NULL},
    {"data", "shuffle", MLP_INI_BOOL, "true", "shuffle", NULL},
    {"data", "labels", MLP_INI_STRING_LIST, "", "names", NULL},
    {"network", "hidden", MLP_INI_INT_LIST, "200", "widths", NULL},
    {"optimizer", "kind", MLP_INI_ENUM, "sgd", "rule", kinds},
    {"optimizer", "lr", MLP_INI_FLOAT, "0.01", "rate", NULL},
    {"schedule", "milestones", MLP_INI_FLOAT_LIST, "", "epochs", NULL},
};
static const mlp_ini_schema schema = {keys, sizeof keys / sizeof keys[0]};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    mlp_error err;
    mlp_ini *ini, *again;
    if (mlp_ini_new(&ini, &schema, &err) != MLP_OK) abort();
    if (mlp_ini_load_text(ini, text, "fuzz.ini", &err) == MLP_OK) {
        char *written = mlp_ini_to_text(ini, &err);
        if (!written || mlp_ini_new(&again, &schema, &err) != MLP_OK) abort();
        if (mlp_ini_load_text(again, written, "config.ini", &err) != MLP_OK) abort();
        char *rewritten = mlp_ini_to_text(again, &err);
        if (!rewritten || strcmp(written, rewritten) != 0) abort();
        free(written);
        free(rewritten);
        mlp_ini_free(again);
    }
    mlp_ini_set(ini, text, &err); /* the same text as a --set override */
    mlp_ini_free(ini);
    free(text);
    return 0;
}
