/* A small pool of worker threads for the engine's own kernels (the products of the dense layers):
 * the caller and threads - 1 workers each run one part of a task, and the call returns when all
 * parts are done. Workers spin briefly between tasks (a training step issues several in a row),
 * then sleep on a condition variable. One pool per network: nothing is shared between networks. */
#ifndef MLP_CORE_PARALLEL_H
#define MLP_CORE_PARALLEL_H

#include "mlp.h"

typedef struct parallel_pool parallel_pool;

/* task(arg, part, parts) for part in 0..parts-1; parts is the pool's thread count. */
typedef void (*parallel_task)(void *arg, size_t part, size_t parts);

/* A pool of `threads` threads in all (the caller included); threads >= 1. */
mlp_status parallel_pool_new(parallel_pool **pool, size_t threads, mlp_error *err);
void parallel_pool_free(parallel_pool *pool);
size_t parallel_pool_threads(const parallel_pool *pool);

/* Runs every part of task, part 0 on the calling thread; returns when all have finished. With a
 * NULL pool or one thread, simply task(arg, 0, 1). */
void parallel_run(parallel_pool *pool, parallel_task task, void *arg);

#endif
