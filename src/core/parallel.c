#include "core/parallel.h"

#include "util/error.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* Spin iterations (one pause each, some tens of microseconds in all) before a worker sleeps. */
#define SPIN_BEFORE_SLEEP 20000

typedef struct {
    parallel_pool *pool;
    size_t part;
} worker_arg;

struct parallel_pool {
    size_t threads;
    pthread_t *workers; /* threads - 1 */
    worker_arg *args;
    size_t started;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_uint_fast64_t generation; /* bumped once per task (and to stop) */
    atomic_size_t pending;           /* workers still running the current task */
    atomic_size_t sleepers;          /* workers waiting on `wake` */
    atomic_bool stop;
    parallel_task task; /* written before generation is bumped, read after it is seen */
    void *arg;
};

/* Waits for the generation to move past `seen`: spin first, then sleep. */
static uint_fast64_t wait_for_task(parallel_pool *pool, uint_fast64_t seen) {
    for (int i = 0; i < SPIN_BEFORE_SLEEP; i++) {
        uint_fast64_t g = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (g != seen) return g;
        CPU_RELAX();
    }
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add(&pool->sleepers, 1);
    uint_fast64_t g;
    while ((g = atomic_load(&pool->generation)) == seen) pthread_cond_wait(&pool->wake, &pool->lock);
    atomic_fetch_sub(&pool->sleepers, 1);
    pthread_mutex_unlock(&pool->lock);
    return g;
}

static void *worker_main(void *p) {
    worker_arg *w = p;
    parallel_pool *pool = w->pool;
    uint_fast64_t seen = 0;
    for (;;) {
        seen = wait_for_task(pool, seen);
        if (atomic_load(&pool->stop)) return NULL;
        pool->task(pool->arg, w->part, pool->threads);
        atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_release);
    }
}

/* Publishes a new generation and wakes sleeping workers. The sleepers check is sequentially
 * consistent with the worker's increment-then-check, so no wake-up is lost. */
static void publish(parallel_pool *pool) {
    atomic_fetch_add(&pool->generation, 1);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
}

void parallel_pool_free(parallel_pool *pool) {
    if (!pool) return;
    atomic_store(&pool->stop, true);
    publish(pool);
    for (size_t i = 0; i < pool->started; i++) pthread_join(pool->workers[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->workers);
    free(pool->args);
    free(pool);
}

mlp_status parallel_pool_new(parallel_pool **out, size_t threads, mlp_error *err) {
    *out = NULL;
    if (threads < 1) return mlp_fail(err, MLP_ERR_ARGUMENT, "parallel pool: threads must be >= 1");
    parallel_pool *pool = mlp_calloc(1, sizeof *pool, err);
    if (!pool) return MLP_ERR_MEMORY;
    pool->threads = threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->pending, 0);
    atomic_init(&pool->sleepers, 0);
    atomic_init(&pool->stop, false);
    pool->workers = mlp_calloc(threads, sizeof *pool->workers, err);
    pool->args = pool->workers ? mlp_calloc(threads, sizeof *pool->args, err) : NULL;
    if (!pool->args) {
        parallel_pool_free(pool);
        return MLP_ERR_MEMORY;
    }
    for (size_t i = 0; i + 1 < threads; i++) {
        pool->args[i] = (worker_arg){pool, i + 1};
        if (pthread_create(&pool->workers[i], NULL, worker_main, &pool->args[i]) != 0) {
            parallel_pool_free(pool);
            return mlp_fail(err, MLP_ERR_MEMORY, "parallel pool: cannot start thread %zu of %zu",
                            i + 2, threads);
        }
        pool->started++;
    }
    *out = pool;
    return mlp_ok(err);
}

size_t parallel_pool_threads(const parallel_pool *pool) {
    return pool ? pool->threads : 1;
}

void parallel_run(parallel_pool *pool, parallel_task task, void *arg) {
    if (!pool || pool->threads == 1) {
        task(arg, 0, 1);
        return;
    }
    pool->task = task;
    pool->arg = arg;
    atomic_store_explicit(&pool->pending, pool->threads - 1, memory_order_relaxed);
    publish(pool);
    task(arg, 0, pool->threads);
    for (unsigned spins = 0; atomic_load_explicit(&pool->pending, memory_order_acquire) != 0;
         spins++) {
        if (spins < SPIN_BEFORE_SLEEP) CPU_RELAX();
        else sched_yield(); /* a worker was descheduled: let it run */
    }
}
