/* libFuzzer target for mlp tune's search-space files: the input is parsed as a space file (up to
 * its first NUL byte, as mlp_tune_space_load refuses NUL bytes) and, when it parses, a few points
 * are drawn from it: four at random, four of the scrambled Halton sequence. */
#include "tune/halton.h"
#include "tune/space.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    mlp_tune_space *space = NULL;
    if (mlp_tune_space_parse(&space, text, "fuzz.ini", NULL) == MLP_OK) {
        mlp_rng rng;
        mlp_rng_seed(&rng, size, 1);
        for (int i = 0; i < 4; i++) {
            mlp_string_list settings = {0};
            mlp_tune_space_sample(space, &rng, &settings);
            mlp_string_list_free(&settings);
        }
        size_t dims = mlp_tune_space_num_keys(space);
        mlp_tune_halton *halton = NULL;
        double *u = calloc(dims, sizeof *u);
        if (u && mlp_tune_halton_new(&halton, dims, &rng, NULL) == MLP_OK)
            for (uint64_t i = 0; i < 4; i++) {
                mlp_string_list settings = {0};
                mlp_tune_halton_point(halton, i, u);
                mlp_tune_space_sample_at(space, u, &settings);
                mlp_string_list_free(&settings);
            }
        mlp_tune_halton_free(halton);
        free(u);
    }
    mlp_tune_space_free(space);
    free(text);
    return 0;
}
