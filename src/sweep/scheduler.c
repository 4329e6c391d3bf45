#include "sweep/scheduler.h"

#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static mlp_status spawn_job(const mlp_job *job, char **envp, bool own_group, pid_t *pid,
                            mlp_error *err) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    if (posix_spawnattr_init(&attributes) != 0)
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory starting %s", job->argv[0]);
    /* Process group 0: a new group led by the child. */
    if (own_group && (posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP) != 0 ||
                      posix_spawnattr_setpgroup(&attributes, 0) != 0)) {
        posix_spawnattr_destroy(&attributes);
        return mlp_fail(err, MLP_ERR_STATE, "cannot set the process group of %s", job->argv[0]);
    }
    if (posix_spawn_file_actions_init(&actions) != 0) {
        posix_spawnattr_destroy(&attributes);
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory starting %s", job->argv[0]);
    }
    int rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&actions, 1, job->log_path,
                                              O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (rc == 0) rc = posix_spawn(pid, job->argv[0], &actions, &attributes, job->argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0)
        return mlp_fail(err, MLP_ERR_IO, "cannot start %s (log %s): %s", job->argv[0],
                        job->log_path, strerror(rc));
    return mlp_ok(err);
}

/* Blocks until some child can be reaped (without reaping it) or a signal arrives. */
static mlp_status wait_for_any_child(mlp_error *err) {
    siginfo_t info;
    if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) == 0 || errno == EINTR) return mlp_ok(err);
    return mlp_fail(err, MLP_ERR_STATE, "waiting for the runs failed: %s", strerror(errno));
}

static int exit_code_of(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return 255;
}

mlp_status mlp_run_job_source(const mlp_job_source *source, size_t *failed, mlp_error *err) {
    size_t parallel = source->parallel ? source->parallel : 1;
    pid_t *pids = mlp_calloc(parallel, sizeof *pids, err); /* 0: free slot */
    size_t *slot_job = mlp_calloc(parallel, sizeof *slot_job, err);
    if (!pids || !slot_job) {
        free(pids);
        free(slot_job);
        return MLP_ERR_MEMORY;
    }
    char **envp = source->envp ? source->envp : environ;
    size_t running = 0;
    bool done = false;
    mlp_status status = MLP_OK;
    *failed = 0;
    bool signalled = false; /* the deadline's or the stop's SIGINT went out */
    for (;;) {
        bool stopping = source->stop && *source->stop;
        bool deadline = source->deadline > 0 && now_seconds() >= source->deadline;
        if (!signalled && (deadline || (stopping && source->interrupt_on_stop))) {
            for (size_t s = 0; s < parallel; s++)
                if (pids[s]) kill(pids[s], SIGINT);
            signalled = true;
        }
        stopping = stopping || signalled;
        for (size_t s = 0; s < parallel && !done && !stopping; s++) {
            if (pids[s]) continue;
            mlp_job job;
            size_t id = 0;
            mlp_job_answer answer = source->next(source->context, &job, &id);
            if (answer == MLP_JOB_DONE) done = true;
            if (answer != MLP_JOB_READY) break;
            if (source->on_start) source->on_start(source->context, id);
            mlp_error spawn_err;
            if (spawn_job(&job, envp, source->interrupt_on_stop, &pids[s], &spawn_err) != MLP_OK) {
                pids[s] = 0;
                (*failed)++;
                if (source->on_end) source->on_end(source->context, id, 127);
                continue;
            }
            slot_job[s] = id;
            running++;
        }
        if (running == 0) break;
        /* Before a deadline, or a stop set by another thread (which wakes no wait), poll (the
         * sleep below) so that it is noticed while children run. */
        if ((source->deadline <= 0 && !source->interrupt_on_stop) || signalled) {
            status = wait_for_any_child(err);
            if (status != MLP_OK) break;
        }
        size_t reaped = 0;
        for (size_t s = 0; s < parallel; s++) {
            int wait_status;
            if (!pids[s] || waitpid(pids[s], &wait_status, WNOHANG) != pids[s]) continue;
            pids[s] = 0;
            running--;
            reaped++;
            int code = exit_code_of(wait_status);
            if (code != 0) (*failed)++;
            if (source->on_end) source->on_end(source->context, slot_job[s], code);
        }
        /* Woken by a signal or by a child that is not ours: do not spin. */
        if (reaped == 0) nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    }
    free(pids);
    free(slot_job);
    return status == MLP_OK ? mlp_ok(err) : status;
}

/* mlp_run_jobs as a source: the fixed list in order. */
typedef struct {
    const mlp_job *jobs;
    size_t n, next;
    const mlp_scheduler_options *options;
} list_source;

static mlp_job_answer list_next(void *context, mlp_job *job, size_t *id) {
    list_source *l = context;
    if (l->next >= l->n) return MLP_JOB_DONE;
    *id = l->next++;
    *job = l->jobs[*id];
    return MLP_JOB_READY;
}

static void list_start(void *context, size_t id) {
    list_source *l = context;
    if (l->options->on_start) l->options->on_start(l->options->context, id);
}

static void list_end(void *context, size_t id, int status) {
    list_source *l = context;
    if (l->options->on_end) l->options->on_end(l->options->context, id, status);
}

mlp_status mlp_run_jobs(const mlp_job *jobs, size_t n, const mlp_scheduler_options *options,
                        size_t *failed, size_t *not_started, mlp_error *err) {
    list_source list = {jobs, n, 0, options};
    mlp_job_source source = {
        .parallel = options->parallel,
        .envp = options->envp,
        .stop = options->stop,
        .next = list_next,
        .on_start = list_start,
        .on_end = list_end,
        .context = &list,
    };
    mlp_status status = mlp_run_job_source(&source, failed, err);
    *not_started = n - list.next;
    return status;
}

size_t mlp_threads_per_run(size_t cores, size_t parallel) {
    size_t threads = parallel ? cores / parallel : cores;
    return threads ? threads : 1;
}
