/* A small pool of worker threads for the engine's own kernels (the products of the dense layers).
 * A task is cut into chunks; the caller and the workers claim chunks one at a time until none is
 * left, so a worker the system has descheduled delays nothing but the chunk it holds, and the
 * caller finishes the rest itself. Which thread runs a chunk never changes what it computes.
 * Workers spin briefly between tasks (a training step issues several in a row), then sleep on a
 * condition variable. One pool per network: nothing is shared between networks. */
#ifndef MLP_CORE_PARALLEL_H
#define MLP_CORE_PARALLEL_H

#include "mlp.h"

typedef struct parallel_pool parallel_pool;

/* One chunk of a task: chunk in 0..chunks-1. */
typedef void (*parallel_task)(void *arg, size_t chunk, size_t chunks);

/* A pool of `threads` threads in all (the caller included); threads >= 1. */
mlp_status parallel_pool_new(parallel_pool **pool, size_t threads, mlp_error *err);
void parallel_pool_free(parallel_pool *pool);
/* The thread count; 1 for a NULL pool. */
size_t parallel_pool_threads(const parallel_pool *pool);

/* Runs task(arg, chunk, chunks) for every chunk < chunks (< 2^32), some on the calling thread;
 * returns when all have finished. A NULL pool runs them all on the caller in order. */
void parallel_run(parallel_pool *pool, parallel_task task, void *arg, size_t chunks);

#endif
