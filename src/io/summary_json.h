/* summary.json of a run folder, written atomically with cJSON. */
#ifndef MLP_IO_SUMMARY_JSON_H
#define MLP_IO_SUMMARY_JSON_H

#include "mlp.h"

#include <cjson/cJSON.h>
#include <stdint.h>

typedef struct {
    double test_accuracy;     /* NAN: no labelled test data -> null */
    double test_loss;         /* NAN -> null */
    double best_val_accuracy; /* NAN: no validation -> null */
    uint64_t best_epoch;      /* 0: none -> null */
    uint64_t epochs_run;
    uint64_t steps;
    double train_seconds;
    double samples_per_second;
    const char *stop_reason; /* "max_epochs", "early_stop", "diverged", "interrupted" */
    uint64_t seed;
    int threads;
} mlp_summary;

/* Writes the summary's keys, plus every item of `extra` (a cJSON object, may be NULL; not taken
 * over), as an indented JSON object to path atomically. */
mlp_status mlp_summary_write(const char *path, const mlp_summary *summary, const cJSON *extra,
                             mlp_error *err);

/* Writes any cJSON value as indented JSON text to path atomically. */
mlp_status mlp_json_write(const char *path, const cJSON *value, mlp_error *err);

#endif
