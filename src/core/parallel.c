#include "core/parallel.h"

#include "core/fp_mode.h"

#include "util/error.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* Spin iterations (one pause each, about 40 ns here) before a worker sleeps (some 200 us, longer
 * than the gap between two training steps at small batches; spinning longer only takes the core
 * from other processes), and before the caller, done with its own chunks, takes the ones no
 * worker has claimed (a worker asleep or descheduled) and then yields to those that hold one.
 * Taken at once, they would mostly be chunks a worker is about to start, and the weights' rows
 * it updates would move to the caller's core and back. */
#define SPIN_BEFORE_SLEEP 5000
#define SPIN_BEFORE_STEAL 2000

/* A worker's place in the pool: thread index 1.. (the caller is 0). */
typedef struct {
    parallel_pool *pool;
    size_t index;
} worker_seat;

struct parallel_pool {
    size_t threads;
    pthread_t *workers; /* threads - 1 */
    worker_seat *seats; /* threads - 1 */
    size_t started;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* The task in progress: generation in the high 32 bits, one bit per claimed chunk in the low
     * 32. A chunk is claimed by compare-and-swap, so a worker still holding an old generation
     * can never claim a chunk of a newer task. */
    _Atomic uint64_t ticket;
    atomic_size_t done;     /* chunks of the current task finished */
    atomic_size_t sleepers; /* workers waiting on `wake` */
    atomic_bool stop;
    /* Written by the caller before it publishes a generation; read by workers after. */
    _Atomic(parallel_task) task;
    _Atomic(void *) arg;
    atomic_size_t chunks;
};

/* How many chunks thread `index` owns: its block [index C / T, (index + 1) C / T). */
static size_t own_chunks(size_t index, size_t threads, size_t chunks) {
    return chunks * (index + 1) / threads - chunks * index / threads;
}

/* The c-th chunk thread `index` tries: its own block of chunks in order first (the same block
 * every task of the same size, so a thread keeps working on the same rows of the same weights
 * and finds them in its cache), then the others' from their ends, where their owners reach last. */
static size_t claim_order(size_t index, size_t threads, size_t chunks, size_t c) {
    size_t begin = chunks * index / threads, own = own_chunks(index, threads, chunks);
    return c < own ? begin + c : (begin + chunks - 1 - (c - own)) % chunks;
}

/* Claims and runs chunks of the task of generation `generation`: thread `index`'s own block, and
 * with `steal` then whatever of the others' is still unclaimed. */
static void run_chunks(parallel_pool *pool, uint64_t generation, size_t index, bool steal) {
    parallel_task task = atomic_load(&pool->task);
    void *arg = atomic_load(&pool->arg);
    size_t chunks = atomic_load(&pool->chunks);
    size_t tries = steal ? chunks : own_chunks(index, pool->threads, chunks);
    for (size_t c = 0; c < tries; c++) {
        size_t chunk = claim_order(index, pool->threads, chunks, c);
        uint64_t bit = (uint64_t)1 << chunk, t = atomic_load(&pool->ticket);
        bool mine = false;
        while (!mine) {
            if (t >> 32 != generation) return; /* a newer task: this one is finished */
            if (t & bit) break;                /* another thread has it */
            mine = atomic_compare_exchange_weak(&pool->ticket, &t, t | bit);
        }
        if (!mine) continue;
        task(arg, chunk, chunks);
        atomic_fetch_add_explicit(&pool->done, 1, memory_order_release);
    }
}

/* Waits for a generation other than `seen`: spin first, then sleep. */
static uint64_t wait_for_task(parallel_pool *pool, uint64_t seen) {
    for (int i = 0; i < SPIN_BEFORE_SLEEP; i++) {
        uint64_t g = atomic_load_explicit(&pool->ticket, memory_order_acquire) >> 32;
        if (g != seen) return g;
        CPU_RELAX();
    }
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add(&pool->sleepers, 1);
    uint64_t g;
    while ((g = atomic_load(&pool->ticket) >> 32) == seen)
        pthread_cond_wait(&pool->wake, &pool->lock);
    atomic_fetch_sub(&pool->sleepers, 1);
    pthread_mutex_unlock(&pool->lock);
    return g;
}

static void *worker_main(void *p) {
    worker_seat *seat = p;
    uint64_t seen = 0;
    core_denormals_off(); /* the pool's own threads keep it (core/fp_mode.h) */
    for (;;) {
        seen = wait_for_task(seat->pool, seen);
        if (atomic_load(&seat->pool->stop)) return NULL;
        run_chunks(seat->pool, seen, seat->index, false);
    }
}

/* Starts a new generation (its chunk counter at 0) and wakes sleeping workers. The sleepers check
 * is sequentially consistent with the worker's increment-then-check, so no wake-up is lost. */
static uint64_t publish(parallel_pool *pool) {
    uint64_t generation = (atomic_load(&pool->ticket) >> 32) + 1;
    atomic_store(&pool->ticket, generation << 32);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    return generation;
}

void parallel_pool_free(parallel_pool *pool) {
    if (!pool) return;
    atomic_store(&pool->stop, true);
    publish(pool);
    for (size_t i = 0; i < pool->started; i++)
        pthread_join(pool->workers[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->workers);
    free(pool->seats);
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
    atomic_init(&pool->ticket, 0);
    atomic_init(&pool->done, 0);
    atomic_init(&pool->sleepers, 0);
    atomic_init(&pool->stop, false);
    atomic_init(&pool->task, NULL);
    atomic_init(&pool->arg, NULL);
    atomic_init(&pool->chunks, 0);
    pool->workers = mlp_calloc(threads, sizeof *pool->workers, err);
    pool->seats = pool->workers ? mlp_calloc(threads, sizeof *pool->seats, err) : NULL;
    if (!pool->seats) {
        parallel_pool_free(pool);
        return MLP_ERR_MEMORY;
    }
    for (size_t i = 0; i + 1 < threads; i++) {
        pool->seats[i] = (worker_seat){pool, i + 1};
        if (pthread_create(&pool->workers[i], NULL, worker_main, &pool->seats[i]) != 0) {
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

void parallel_run(parallel_pool *pool, parallel_task task, void *arg, size_t chunks) {
    if (chunks > PARALLEL_MAX_CHUNKS) chunks = PARALLEL_MAX_CHUNKS;
    if (!pool || pool->threads == 1 || chunks < 2) {
        for (size_t c = 0; c < chunks; c++)
            task(arg, c, chunks);
        return;
    }
    atomic_store(&pool->task, task);
    atomic_store(&pool->arg, arg);
    atomic_store(&pool->chunks, chunks);
    atomic_store(&pool->done, 0);
    uint64_t generation = publish(pool);
    run_chunks(pool, generation, 0, false);
    for (unsigned spins = 0; atomic_load_explicit(&pool->done, memory_order_acquire) != chunks;
         spins++) {
        if (spins < SPIN_BEFORE_STEAL)
            CPU_RELAX();
        else if (spins == SPIN_BEFORE_STEAL)
            run_chunks(pool, generation, 0, true); /* what a late or descheduled worker left */
        else
            sched_yield(); /* a worker holding a chunk was descheduled: let it run */
    }
}

size_t mlp_available_cores(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}
