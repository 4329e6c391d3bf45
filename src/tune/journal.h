/* The files that let an interrupted tune go on (`mlp tune --resume DIR`):
 *
 * DIR/tune.json   the options the tune started with, written once (atomically) before the first
 *                 trial: the config's absolute path, the --set overrides, the seed (a string: a
 *                 64-bit number does not fit a JSON double), method, min_epochs, eta, the budget
 *                 (max_trials or max_seconds), jobs, the trials' threads, the sampler and the
 *                 metric (absent: random and accuracy);
 * DIR/space.ini   a copy of the search space file;
 * DIR/journal.jsonl  one JSON object per line, appended with a single write and fsync'ed as
 *                 each step starts and ends:
 *   {"event":"start","trial":N,"rung":K,"elapsed":S}
 *   {"event":"end","trial":N,"rung":K,"elapsed":S,"epochs":E,"val_accuracy":V,
 *    "best_val_accuracy":B,"test_accuracy":T,"seconds":W,"val_loss":L}   (NaN figures as null;
 *    val_loss absent: null)
 *   {"event":"fail","trial":N,"rung":K,"elapsed":S}
 *   {"event":"stop","trial":N,"rung":K,"elapsed":S,"epochs":E}  (stopped by the time budget)
 *   {"event":"done","reason":"complete"|"budget","elapsed":S}
 * trial is the 1-based number of trial-NNN; elapsed the tune's wall seconds over all its
 * sessions. Replaying the starts and ends through ASHA, with the draws re-derived from the seed,
 * rebuilds the state the tune had. A last line without its newline (a write cut short) is
 * ignored. */
#ifndef MLP_TUNE_JOURNAL_H
#define MLP_TUNE_JOURNAL_H

#include "mlp.h"
#include "sweep/outcome.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *config; /* absolute path */
    char **sets;
    size_t num_sets;
    uint64_t seed;
    bool random_search;
    mlp_tune_sampler sampler;
    mlp_tune_metric metric;
    size_t min_epochs, eta, jobs, threads, max_trials;
    double max_seconds;
} mlp_tune_saved_options;

/* Writes DIR/tune.json from saved (config made absolute) and copies space_path to
 * DIR/space.ini. */
mlp_status mlp_tune_save_options(const char *dir, const mlp_tune_saved_options *saved,
                                 const char *space_path, mlp_error *err);
/* Reads DIR/tune.json: MLP_ERR_IO when it cannot be read ("DIR is not a tune folder"),
 * MLP_ERR_FORMAT naming the fault. Free with mlp_tune_saved_options_free. */
mlp_status mlp_tune_load_options(const char *dir, mlp_tune_saved_options *saved, mlp_error *err);
mlp_status mlp_tune_parse_options(const char *text, const char *name, mlp_tune_saved_options *saved,
                                  mlp_error *err);
void mlp_tune_saved_options_free(mlp_tune_saved_options *saved);

typedef enum {
    MLP_TUNE_EVENT_START,
    MLP_TUNE_EVENT_END,
    MLP_TUNE_EVENT_FAIL,
    MLP_TUNE_EVENT_STOP,
    MLP_TUNE_EVENT_DONE,
} mlp_tune_event_kind;

typedef struct {
    mlp_tune_event_kind kind;
    size_t trial, rung; /* trial from 0 (trial-001 is 0) */
    double elapsed;
    mlp_sweep_outcome outcome; /* end: its figures; stop: epochs only */
    bool budget;               /* done: the time budget ended the tune */
    size_t line;               /* where it was read (for messages) */
} mlp_tune_event;

/* Parses a journal's text (name for messages): every complete line an event, else
 * MLP_ERR_FORMAT "NAME:LINE: ...". *events is malloc'ed (caller frees). */
mlp_status mlp_tune_journal_parse(const char *text, const char *name, mlp_tune_event **events,
                                  size_t *count, mlp_error *err);
/* Reads DIR/journal.jsonl (a missing file is an empty journal). */
mlp_status mlp_tune_journal_read(const char *dir, mlp_tune_event **events, size_t *count,
                                 mlp_error *err);

/* Opens DIR/journal.jsonl for appending (created if missing), locked (fcntl) against a second
 * tune appending to it (MLP_ERR_STATE), with a last line cut short removed. */
mlp_status mlp_tune_journal_open(const char *dir, int *fd, mlp_error *err);
/* Appends one event as a line with a single write, then fsyncs. */
mlp_status mlp_tune_journal_append(int fd, const mlp_tune_event *event, mlp_error *err);

#endif
