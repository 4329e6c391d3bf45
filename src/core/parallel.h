/* A small pool of worker threads for the engine's own kernels (the products of the dense layers).
 * A task is cut into chunks. Each thread first claims the chunks of its own block (thread t of T
 * owns chunks [t C / T, (t + 1) C / T)), so from task to task a thread works on the same rows and
 * finds them in its cache. A worker runs only its own block; the caller, done with its own, waits
 * a moment (SPIN_BEFORE_STEAL) and then takes what no worker has claimed, so a worker the system
 * has descheduled or that sleeps delays nothing but the chunk it holds. Which thread runs a chunk
 * never changes what it computes. Workers spin briefly between tasks (a training step issues
 * several in a row), then sleep on a condition variable. One pool per network: nothing is shared
 * between networks. */
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

/* The most chunks a task is cut into (one bit each in a 32-bit claim mask). */
#define PARALLEL_MAX_CHUNKS 32
/* Chunks per thread an element-wise task (a gather, a dropout mask) is cut into: enough that a late
 * or descheduled thread leaves little for the others. Products take one per thread (sgemm.c):
 * each of their chunks reads the operand all threads share once more. */
#define PARALLEL_CHUNKS_PER_THREAD 4
/* Below this many values an element-wise pass (a batch gather, a dropout mask) stays on the
 * calling thread: a small pass is not worth waking a worker for. Fashion-MNIST's batch of 50
 * (39,200 bytes to floats) gathered on 2 threads trained 3-12 % faster than on one
 * (bench/mlp_bench, 3 rounds alternated). */
#define PARALLEL_MIN_ELEMENTS 16384

/* Runs task(arg, chunk, chunks) for every chunk < chunks, some on the calling thread; returns when
 * all have finished. A NULL pool runs them all on the caller in order. chunks above
 * PARALLEL_MAX_CHUNKS is lowered to it (the task sees the lowered count). */
void parallel_run(parallel_pool *pool, parallel_task task, void *arg, size_t chunks);

#endif
