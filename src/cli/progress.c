#include "cli/progress.h"

#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

void cli_progress_init(cli_progress *progress, bool quiet) {
    progress->terminal = isatty(STDERR_FILENO);
    progress->quiet = quiet;
    progress->last_draw = -1;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void format_duration(double seconds, char *out, size_t size) {
    if (!isfinite(seconds)) {
        snprintf(out, size, "--:--");
        return;
    }
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(out, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, size, "%ld:%02ld", s / 60, s % 60);
}

/* One line describing the epoch's end: training values, then validation when there is some. */
static void print_epoch(const mlp_progress *p, const char *prefix) {
    fprintf(stderr, "%sepoch %zu/%zu  step %llu  lr %.4g  batch %zu  loss %.4f  acc %.4f", prefix,
            p->epoch, p->epochs, (unsigned long long)p->step, (double)p->lr, p->batch_size, p->loss,
            p->accuracy);
    if (!isnan(p->val_loss))
        fprintf(stderr, "  val_loss %.4f  val_acc %.4f", p->val_loss, p->val_accuracy);
    fprintf(stderr, "  %.0f samples/s  %.1f s\n", p->samples_per_second, p->seconds);
}

void cli_progress_update(void *ctx, const mlp_progress *p) {
    cli_progress *progress = ctx;
    if (progress->quiet) return;
    if (p->epoch_end) {
        print_epoch(p, progress->terminal ? "\r\033[K" : "");
        progress->last_draw = -1;
        return;
    }
    if (!progress->terminal) return;
    double t = now();
    if (progress->last_draw >= 0 && t - progress->last_draw < 0.1) return;
    progress->last_draw = t;
    enum { WIDTH = 24 };
    size_t filled = p->batches ? p->batch * WIDTH / p->batches : 0;
    char bar[WIDTH + 1], eta[32];
    for (size_t i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    format_duration(p->eta_seconds, eta, sizeof eta);
    fprintf(stderr,
            "\r\033[Kepoch %zu/%zu [%s] %zu/%zu  loss %.4f  acc %.4f  %.0f samples/s  ETA %s",
            p->epoch, p->epochs, bar, p->batch, p->batches, p->loss, p->accuracy,
            p->samples_per_second, eta);
    fflush(stderr);
}

void cli_progress_finish(cli_progress *progress) {
    if (progress->terminal && !progress->quiet && progress->last_draw >= 0) fputc('\n', stderr);
    progress->last_draw = -1;
}
