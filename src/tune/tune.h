/* mlp tune: trials drawn from a search space, trained as child `mlp train` processes (up to
 * `jobs` at once, through the sweep scheduler) under ASHA (asha.h) or plain random search; a
 * promoted trial continues from its checkpoint with `mlp train --resume DIR --set
 * training.epochs=N`. Writes OUT/trial-NNN/ (a run folder), OUT/trial-NNN.log, OUT/results.md,
 * OUT/results.csv, OUT/results.json (the settings, rungs and ranked trials, for `mlp plot` and
 * Python), OUT/best.ini (the best trial's effective config) and the files of a resume
 * (OUT/tune.json, OUT/space.ini, OUT/journal.jsonl; see journal.h). */
#ifndef MLP_TUNE_TUNE_H
#define MLP_TUNE_TUNE_H

#include "mlp.h"
#include "mpi/world.h"
#include "tune/space.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *program; /* the mlp executable the trials run */
    const char *config;  /* the config file */
    char *const *sets;   /* fixed overrides "key=value" */
    size_t num_sets;
    const mlp_tune_space *space;
    const char *space_path; /* the space's file, copied to OUT/space.ini */
    const char *out_dir;
    /* Continue the tune in out_dir (see journal.h): its events are replayed, the steps that were
     * running re-run from their checkpoints, and the tune goes on. The other options must be
     * those of OUT/tune.json (mlp_tune_load_options). Without it, an out_dir that holds a tune
     * already is refused. */
    bool resume;
    size_t jobs;        /* trials at once, >= 1 */
    size_t threads;     /* threads of each trial; 0: the config's */
    size_t max_trials;  /* new trials; 0: no limit (then max_seconds > 0) */
    double max_seconds; /* no step starts after this many seconds; 0: no limit */
    uint64_t seed;      /* draws the trials' settings */
    mlp_tune_sampler sampler;
    mlp_tune_metric metric; /* ranks the trials */
    bool random_search;
    size_t min_epochs, eta; /* ASHA's rungs: min_epochs * eta^k up to the config's epochs */
    char **envp;            /* the children's environment; NULL: this process's */
    /* Under mpirun (more than one rank): every rank calls mlp_tune_run with the same options and
     * holds the same ASHA state; the steps go out in rounds of size * jobs, step i of a round to
     * rank i mod size, and the outcomes of a round are summed to every rank before the next
     * round is decided. Rank 0 alone writes tune.json, the journal and the results; the trials'
     * folders must be on a file system every rank sees. NULL: alone. */
    mlp_world *world;
    const volatile int *stop;
    bool interrupt_on_stop; /* see mlp_tune_spec */
    /* A progress line (no newline), e.g. "trial-003 rung 1 (3 epochs): val accuracy 0.9123". */
    void (*on_event)(void *context, const char *line);
    void *context;
} mlp_tune_options;

typedef struct {
    size_t trials;        /* trials started */
    size_t failed;        /* steps that failed */
    size_t stopped;       /* steps the time budget stopped before their rung's end */
    bool budget_ended;    /* the time budget ended the tune */
    bool interrupted;     /* *stop (Ctrl-C) ended it: --resume continues */
    bool finished_before; /* resumed, the tune had finished already: nothing ran */
    double total_epochs;  /* epochs trained by all trials together */
    double seconds;       /* the tune's wall time */
    long best;            /* the best trial's number (-1: none finished) */
    double best_val_accuracy, best_val_loss;
    int best_rung;
    double best_epochs;
} mlp_tune_summary;

/* Runs the tune. The config and space are checked before anything runs (MLP_ERR_ARGUMENT naming
 * the fault). Fails with MLP_ERR_STATE when no trial finished a step. *markdown (if not NULL)
 * receives the results table (caller frees). */
mlp_status mlp_tune_run(const mlp_tune_options *options, mlp_tune_summary *summary, char **markdown,
                        mlp_error *err);

/* The threads of each trial: 0 (the config's own) when the config file or an override sets
 * `threads`, else cores / jobs (mlp_threads_per_run), so that the trials at once share the
 * cores (those of this process: under mpirun a host's cores shared by its ranks). */
mlp_status mlp_tune_trial_threads(const char *config, char *const *sets, size_t num_sets,
                                  size_t jobs, size_t cores, size_t *threads, mlp_error *err);

/* The score ASHA ranks a step by, higher is better: the validation accuracy, or minus the
 * validation loss. NaN when that figure is missing (the step then counts as failed). */
double mlp_tune_score(mlp_tune_metric metric, double val_accuracy, double val_loss);

/* The metric's name ("accuracy", "loss") and the sampler's ("random", "halton"). */
const char *mlp_tune_metric_name(mlp_tune_metric metric);
const char *mlp_tune_sampler_name(mlp_tune_sampler sampler);

/* A budget: a whole number of trials ("20"), or a duration: a number with s, m or h ("90s",
 * "15m", "1.5h"). Sets one of *trials, *seconds and zeroes the other. */
mlp_status mlp_tune_parse_budget(const char *text, size_t *trials, double *seconds, mlp_error *err);

#endif
