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

/* A source of jobs decided as the run goes (the jobs of a tune depend on the outcomes of earlier
 * ones). next() is asked for a job whenever a slot is free: it answers MLP_JOB_READY with *job
 * (argv and log_path valid until on_end for its id) and an id of its choosing, MLP_JOB_WAIT when
 * the next job depends on jobs still running, or MLP_JOB_DONE. WAIT with nothing running ends
 * the run as DONE would. */
typedef enum { MLP_JOB_READY, MLP_JOB_WAIT, MLP_JOB_DONE } mlp_job_answer;

typedef struct {
    size_t parallel;
    char **envp;
    const volatile int *stop;
    /* A time on CLOCK_MONOTONIC (seconds; 0: none): once it has passed no job starts and each
     * running job is sent one SIGINT (`mlp train` then stops at its next step, keeping a
     * checkpoint); they are waited for. */
    double deadline;
    /* Each job runs in a process group of its own, away from the terminal's Ctrl-C, and once
     * *stop is set every running job is sent one SIGINT, as at the deadline. For a caller whose
     * jobs do not share its Ctrl-C (Python: the interpreter takes the signal); off, the jobs get
     * the terminal's SIGINT themselves. */
    bool interrupt_on_stop;
    mlp_job_answer (*next)(void *context, mlp_job *job, size_t *id);
    void (*on_start)(void *context, size_t id); /* may be NULL */
    void (*on_end)(void *context, size_t id, int status);
    void *context;
} mlp_job_source;

/* Runs the source's jobs, at most `parallel` at once, until next() answers DONE (or WAIT with
 * nothing running), *stop is set or the deadline passes; then waits for the running ones. *failed counts jobs that
 * could not start or ended with a non-zero status. Fails only when it cannot wait for its
 * children. */
mlp_status mlp_run_job_source(const mlp_job_source *source, size_t *failed, mlp_error *err);

/* Threads for each of `parallel` simultaneous runs on `cores` cores: floor(cores / parallel), at
 * least 1. Every run gets the same count, so a run's result does not depend on which slot it ran
 * in (the same seed and thread count give the same result). */
size_t mlp_threads_per_run(size_t cores, size_t parallel);

#endif
