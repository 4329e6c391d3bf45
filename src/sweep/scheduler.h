/* Runs jobs as child processes, at most `parallel` at a time, each with its standard output and
 * error appended to its own log file and standard input from /dev/null. Children are waited for
 * individually (never another part of the program's children). */
#ifndef MLP_SWEEP_SCHEDULER_H
#define MLP_SWEEP_SCHEDULER_H

#include "mlp.h"

#include <stddef.h>

typedef struct {
    char **argv;          /* NULL-terminated; argv[0] is the program's path */
    const char *log_path; /* created if missing, appended to */
} mlp_job;

typedef struct {
    size_t parallel; /* >= 1 */
    char **envp;     /* the children's environment; NULL: this process's */
    /* Becomes non-zero (e.g. in a SIGINT handler) to start no further jobs; running ones are
     * waited for. May be NULL. */
    const volatile int *stop;
    /* Called as each job starts and ends; status is the exit code, or 128 + signal number. */
    void (*on_start)(void *context, size_t job);
    void (*on_end)(void *context, size_t job, int status);
    void *context;
} mlp_scheduler_options;

/* Runs jobs[0..n) in order. *failed counts jobs that could not start or ended with a non-zero
 * status; *not_started counts jobs skipped because of *stop. Fails only when it cannot wait for
 * its children (then some may still run). */
mlp_status mlp_run_jobs(const mlp_job *jobs, size_t n, const mlp_scheduler_options *options,
                        size_t *failed, size_t *not_started, mlp_error *err);

/* Threads for each of `parallel` simultaneous runs on `cores` cores: floor(cores / parallel), at
 * least 1. Every run gets the same count, so a run's result does not depend on which slot it ran
 * in (the same seed and thread count give the same result). */
size_t mlp_threads_per_run(size_t cores, size_t parallel);

#endif
