/* ASHA's promotion rule (see asha.h). */
#include "tune/asha.h"

#include "util/error.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    int rung; /* highest completed rung, -1 none */
    bool running, failed;
    double score[MLP_TUNE_MAX_RUNGS];  /* NaN until the rung is completed */
    bool promoted[MLP_TUNE_MAX_RUNGS]; /* promoted out of rung k */
} trial;

struct mlp_tune_asha {
    size_t num_rungs;
    size_t epochs[MLP_TUNE_MAX_RUNGS];
    size_t eta;
    trial *trials;
    size_t num_trials, capacity, running;
};

mlp_status mlp_tune_asha_new(mlp_tune_asha **out, size_t min_epochs, size_t max_epochs, size_t eta,
                             bool random_search, mlp_error *err) {
    *out = NULL;
    if (max_epochs < 1) return mlp_fail(err, MLP_ERR_ARGUMENT, "max epochs must be at least 1");
    if (!random_search && (min_epochs < 1 || min_epochs > max_epochs))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "min epochs %zu must be from 1 to %zu", min_epochs,
                        max_epochs);
    if (!random_search && eta < 2)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "eta %zu must be at least 2", eta);
    mlp_tune_asha *a = mlp_calloc(1, sizeof *a, err);
    if (!a) return MLP_ERR_MEMORY;
    a->eta = eta;
    if (random_search) {
        a->num_rungs = 1;
        a->epochs[0] = max_epochs;
    } else {
        for (size_t r = min_epochs; r <= max_epochs && a->num_rungs < MLP_TUNE_MAX_RUNGS;) {
            a->epochs[a->num_rungs++] = r;
            if (r > max_epochs / eta) break;
            r *= eta;
        }
    }
    *out = a;
    return mlp_ok(err);
}

void mlp_tune_asha_free(mlp_tune_asha *asha) {
    if (!asha) return;
    free(asha->trials);
    free(asha);
}

size_t mlp_tune_asha_num_rungs(const mlp_tune_asha *a) {
    return a->num_rungs;
}
size_t mlp_tune_asha_rung_epochs(const mlp_tune_asha *a, size_t rung) {
    return a->epochs[rung];
}
size_t mlp_tune_asha_num_trials(const mlp_tune_asha *a) {
    return a->num_trials;
}
int mlp_tune_asha_trial_rung(const mlp_tune_asha *a, size_t t) {
    return a->trials[t].rung;
}
double mlp_tune_asha_trial_score(const mlp_tune_asha *a, size_t t) {
    const trial *tr = &a->trials[t];
    return tr->rung < 0 ? NAN : tr->score[tr->rung];
}

/* The trial rung k promotes now, or -1: the best not-yet-promoted trial among the top
 * floor(n_k / eta) of those that completed rung k. */
static long promotable(const mlp_tune_asha *a, size_t k) {
    size_t completed = 0;
    for (size_t t = 0; t < a->num_trials; t++)
        completed += !isnan(a->trials[t].score[k]);
    size_t top = completed / a->eta;
    /* Walk the completed trials from best to worst: the rank of t is the number of trials that
     * beat it (higher score, or equal score and earlier). */
    long best = -1;
    size_t best_rank = 0;
    for (size_t t = 0; t < a->num_trials; t++) {
        const trial *tr = &a->trials[t];
        if (isnan(tr->score[k]) || tr->promoted[k] || tr->running || tr->failed) continue;
        size_t rank = 0;
        for (size_t u = 0; u < a->num_trials; u++) {
            double su = a->trials[u].score[k];
            if (!isnan(su) && (su > tr->score[k] || (su == tr->score[k] && u < t))) rank++;
        }
        if (rank < top && (best < 0 || rank < best_rank)) {
            best = (long)t;
            best_rank = rank;
        }
    }
    return best;
}

mlp_job_answer mlp_tune_asha_next(mlp_tune_asha *a, bool may_start_new, mlp_tune_step *step) {
    for (size_t k = a->num_rungs - 1; k-- > 0;) {
        long t = promotable(a, k);
        if (t < 0) continue;
        a->trials[t].promoted[k] = true;
        a->trials[t].running = true;
        a->running++;
        *step = (mlp_tune_step){(size_t)t, k + 1, true};
        return MLP_JOB_READY;
    }
    if (may_start_new) {
        if (a->num_trials == a->capacity) {
            size_t capacity = a->capacity ? 2 * a->capacity : 16;
            trial *trials = realloc(a->trials, capacity * sizeof *trials);
            if (!trials) return MLP_JOB_DONE;
            a->trials = trials;
            a->capacity = capacity;
        }
        trial *tr = &a->trials[a->num_trials];
        *tr = (trial){.rung = -1, .running = true};
        for (size_t k = 0; k < MLP_TUNE_MAX_RUNGS; k++)
            tr->score[k] = NAN;
        a->running++;
        *step = (mlp_tune_step){a->num_trials++, 0, false};
        return MLP_JOB_READY;
    }
    return a->running ? MLP_JOB_WAIT : MLP_JOB_DONE;
}

void mlp_tune_asha_report(mlp_tune_asha *a, size_t t, size_t rung, double score) {
    if (t >= a->num_trials || rung >= a->num_rungs) return;
    trial *tr = &a->trials[t];
    if (tr->running) a->running--;
    tr->running = false;
    if (isnan(score)) {
        tr->failed = true;
        return;
    }
    tr->score[rung] = score;
    tr->rung = (int)rung;
}

void mlp_tune_asha_release(mlp_tune_asha *a, size_t t) {
    if (t >= a->num_trials || !a->trials[t].running) return;
    a->trials[t].running = false;
    a->running--;
}
