/* The world of a build without MPI: always one process. */
#include "mpi/world.h"

#include "util/error.h"

#include <stdlib.h>
#include <string.h>

struct mlp_world {
    int unused;
};

bool mlp_world_has_mpi(void) {
    return false;
}

mlp_status mlp_world_start(mlp_world **world, int *argc, char ***argv, mlp_error *err) {
    (void)argc;
    (void)argv;
    /* OpenMPI, MPICH (Hydra) and PMIx launchers set these in every process they start. */
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    if (!size) size = getenv("PMI_SIZE");
    if (size && atoi(size) > 1)
        return mlp_fail(err, MLP_ERR_UNSUPPORTED,
                        "started by mpirun with %s processes, but this mlp was built without "
                        "MPI: rebuild with `make MPI=1` (needs libopenmpi-dev)",
                        size);
    *world = mlp_calloc(1, sizeof **world, err);
    return *world ? mlp_ok(err) : MLP_ERR_MEMORY;
}

void mlp_world_finish(mlp_world *world) {
    free(world);
}

int mlp_world_rank(const mlp_world *world) {
    (void)world;
    return 0;
}

int mlp_world_size(const mlp_world *world) {
    (void)world;
    return 1;
}

int mlp_world_local_size(const mlp_world *world) {
    (void)world;
    return 1;
}

mlp_status mlp_world_sum_floats(mlp_world *world, float *data, size_t n, mlp_error *err) {
    (void)world, (void)data, (void)n;
    return mlp_ok(err);
}

mlp_status mlp_world_sum_doubles(mlp_world *world, double *data, size_t n, mlp_error *err) {
    (void)world, (void)data, (void)n;
    return mlp_ok(err);
}

mlp_status mlp_world_gather_texts(mlp_world *world, const char *mine, char ***texts,
                                  mlp_error *err) {
    (void)world;
    char **all = mlp_calloc(1, sizeof *all, err);
    if (all) all[0] = strdup(mine);
    if (!all || !all[0]) {
        free(all);
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory gathering results");
    }
    *texts = all;
    return mlp_ok(err);
}

void mlp_world_free_texts(const mlp_world *world, char **texts) {
    (void)world;
    if (texts) free(texts[0]);
    free(texts);
}

void mlp_world_abort(mlp_world *world, int code) {
    (void)world, (void)code;
}
