/* libFuzzer target for sweep grid axes (`--grid section.key=v1,v2,...`): the input is split at
 * newlines into axes added to one grid; every combination is then named. */
#include "sweep/grid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    mlp_sweep_grid *grid = NULL;
    if (mlp_sweep_grid_new(&grid, NULL) == MLP_OK) {
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
            mlp_sweep_grid_add_axis(grid, line, NULL);
        size_t n = mlp_sweep_grid_num_combinations(grid);
        for (size_t c = 0; c < n && c < 1000; c++) {
            char *name = NULL;
            if (mlp_sweep_grid_name(grid, c, &name, NULL) == MLP_OK) free(name);
        }
    }
    mlp_sweep_grid_free(grid);
    free(text);
    return 0;
}
