/* Training progress on stderr: on a terminal a live line (epoch, batch, loss, accuracy,
 * samples/s, ETA) redrawn a few times a second and kept at each epoch's end; otherwise one plain
 * line per epoch. */
#ifndef MLP_CLI_PROGRESS_H
#define MLP_CLI_PROGRESS_H

#include "mlp.h"

typedef struct {
    bool terminal;
    bool quiet;
    double last_draw;
} cli_progress;

void cli_progress_init(cli_progress *progress, bool quiet);
/* An mlp_train_hooks.progress callback; ctx is a cli_progress. */
void cli_progress_update(void *ctx, const mlp_progress *p);
/* Ends a live line left unfinished (interruption, error). */
void cli_progress_finish(cli_progress *progress);

#endif
