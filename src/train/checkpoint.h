/* Training checkpoints: a model file (train/model_file.h) plus the optimizer buffers as tensors
 * optimizer.<buffer> and, in the metadata, everything else a resumed run needs to continue
 * bit for bit: epoch, position inside the epoch, step, random states, schedule and early-stopping
 * state, running metrics, elapsed seconds. */
#ifndef MLP_TRAIN_CHECKPOINT_H
#define MLP_TRAIN_CHECKPOINT_H

#include "io/safetensors.h"
#include "mlp.h"

typedef struct {
    size_t epoch;    /* 0-based epoch in progress */
    size_t position; /* training samples of that epoch already used (a batch boundary) */
    uint64_t step;   /* optimizer steps taken */
    double seconds;  /* training seconds so far, over every resumed part */
    uint64_t samples_seen;
    /* Running sums over the epoch so far, and over the steps since the last every-N-steps row. */
    double epoch_loss_sum;
    uint64_t epoch_correct, epoch_seen;
    double window_loss_sum;
    uint64_t window_correct, window_seen;
    mlp_rng dropout_rng, augment_rng;
    mlp_schedule_state schedule;
    mlp_early_stop_state early_stop;
    double best_val_accuracy; /* NAN until a validation pass */
    bool finished;
    mlp_stop_reason stop_reason; /* set when finished */
} mlp_run_state;

/* The stop reason named name (mlp_stop_reason_name's inverse); false for NULL or another name. */
bool mlp_stop_reason_parse(const char *name, mlp_stop_reason *reason);

/* Writes model, optimizer state and run state to path atomically. */
mlp_status mlp_checkpoint_write(const char *path, const mlp_model *model, mlp_optimizer *optimizer,
                                const mlp_run_state *state, mlp_error *err);

/* Reads the optimizer buffers (num_params floats each) and step count into optimizer (made with
 * the same kind) and the run state from a checkpoint file already read. */
mlp_status mlp_checkpoint_read_state(const mlp_safetensors *st, mlp_optimizer *optimizer,
                                     size_t num_params, mlp_run_state *state, mlp_error *err);

#endif
