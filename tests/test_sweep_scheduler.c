/* The sweep scheduler on real child processes: the limit on simultaneous runs, exit statuses,
 * logs, programs that cannot start, and stopping. */
#include "harness.h"
#include "sweep/scheduler.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

typedef struct {
    size_t running, most_running, started, ended;
    int status[16];
    volatile int *stop;
    size_t stop_after; /* set *stop when this many have started (0: never) */
} tally;

static void on_start(void *context, size_t job) {
    tally *t = context;
    (void)job;
    t->started++;
    if (++t->running > t->most_running) t->most_running = t->running;
    if (t->stop && t->started == t->stop_after) *t->stop = 1;
}

static void on_end(void *context, size_t job, int status) {
    tally *t = context;
    t->running--;
    t->ended++;
    t->status[job] = status;
}

/* Job i: marks itself running in root/running, records how many are running, sleeps a little,
 * prints its number and exits with status i % 3. */
static char script[512];
static char numbers[8][24];
static char *job_argv[8][5];
static char log_paths[8][128];
static mlp_job jobs[8];

static void make_jobs(size_t n) {
    snprintf(script, sizeof script,
             "mkdir -p %s/running; touch %s/running/$0; ls %s/running | wc -l >> %s/counts; "
             "sleep 0.05; rm %s/running/$0; echo job $0; exit $(($0 %% 3))",
             root, root, root, root, root);
    for (size_t i = 0; i < n; i++) {
        snprintf(numbers[i], sizeof numbers[i], "%zu", i);
        /* sh -c SCRIPT NAME: the script sees NAME as $0 */
        char *argv[5] = {"/bin/sh", "-c", script, numbers[i], NULL};
        memcpy(job_argv[i], argv, sizeof argv);
        snprintf(log_paths[i], sizeof log_paths[i], "%s/job-%zu.log", root, i);
        jobs[i] = (mlp_job){job_argv[i], log_paths[i]};
    }
}

static int most_in_counts(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/counts", root);
    FILE *f = fopen(path, "r");
    int most = 0, n;
    while (f && fscanf(f, "%d", &n) == 1)
        if (n > most) most = n;
    if (f) fclose(f);
    return most;
}

static void test_runs_all_jobs_two_at_a_time(void) {
    make_jobs(7);
    tally t = {0};
    mlp_scheduler_options options = {
        .parallel = 2, .on_start = on_start, .on_end = on_end, .context = &t};
    size_t failed = 99, not_started = 99;
    mlp_error err;
    CHECK_MSG(mlp_run_jobs(jobs, 7, &options, &failed, &not_started, &err) == MLP_OK, "%s",
              err.message);
    CHECK(t.started == 7 && t.ended == 7 && not_started == 0);
    CHECK(t.most_running <= 2);
    CHECK(most_in_counts() <= 2); /* as the children themselves saw it */
    for (size_t i = 0; i < 7; i++)
        CHECK(t.status[i] == (int)(i % 3));
    CHECK(failed == 4); /* jobs 1, 2, 4, 5 */
    FILE *f = fopen(log_paths[5], "r");
    char line[32] = "";
    CHECK(f && fgets(line, sizeof line, f));
    fclose(f);
    CHECK(strcmp(line, "job 5\n") == 0);
}

static void test_missing_program_counts_as_failed(void) {
    char *argv[] = {"/nonexistent/mlp", NULL};
    char log[128];
    snprintf(log, sizeof log, "%s/missing.log", root);
    mlp_job job = {argv, log};
    tally t = {0};
    mlp_scheduler_options options = {
        .parallel = 3, .on_start = on_start, .on_end = on_end, .context = &t};
    size_t failed, not_started;
    CHECK(mlp_run_jobs(&job, 1, &options, &failed, &not_started, NULL) == MLP_OK);
    CHECK(failed == 1 && t.status[0] == 127 && t.ended == 1);
}

static void test_stop_starts_no_more_jobs(void) {
    make_jobs(6);
    volatile int stop = 0;
    tally t = {.stop = &stop, .stop_after = 2};
    mlp_scheduler_options options = {
        .parallel = 2, .stop = &stop, .on_start = on_start, .on_end = on_end, .context = &t};
    size_t failed, not_started;
    CHECK(mlp_run_jobs(jobs, 6, &options, &failed, &not_started, NULL) == MLP_OK);
    CHECK(t.started == 2 && t.ended == 2 && not_started == 4);
}

static void test_threads_per_run(void) {
    CHECK(mlp_threads_per_run(2, 1) == 2);
    CHECK(mlp_threads_per_run(2, 2) == 1);
    CHECK(mlp_threads_per_run(16, 3) == 5);
    CHECK(mlp_threads_per_run(2, 8) == 1);
    CHECK(mlp_available_cores() >= 1);
}

int main(void) {
    snprintf(root, sizeof root, "/tmp/mlp-test-scheduler-XXXXXX");
    if (!mkdtemp(root)) return 1;
    RUN_TEST(test_runs_all_jobs_two_at_a_time);
    RUN_TEST(test_missing_program_counts_as_failed);
    RUN_TEST(test_stop_starts_no_more_jobs);
    RUN_TEST(test_threads_per_run);
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    if (system(command) != 0) fprintf(stderr, "could not remove %s\n", root);
    return harness_finish();
}
