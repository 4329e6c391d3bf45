/* The trainer's data-parallel hook (mlp_distributed) on top of a world of processes. */
#include "mpi/distributed.h"

static mlp_status sum_floats(void *ctx, float *values, size_t n, mlp_error *err) {
    return mlp_world_sum_floats(ctx, values, n, err);
}

static mlp_status sum_doubles(void *ctx, double *values, size_t n, mlp_error *err) {
    return mlp_world_sum_doubles(ctx, values, n, err);
}

mlp_distributed mlp_world_distributed(mlp_world *world) {
    return (mlp_distributed){
        .rank = mlp_world_rank(world),
        .world_size = mlp_world_size(world),
        .sum_floats = sum_floats,
        .sum_doubles = sum_doubles,
        .ctx = world,
    };
}
