/* The tune driver (see tune.h): ASHA's steps as jobs of the sweep scheduler. */
#include "tune/tune.h"

#include "io/atomic_file.h"
#include "io/folders.h"
#include "mpi/world.h"
#include "sweep/launch.h"
#include "sweep/outcome.h"
#include "sweep/scheduler.h"
#include "train/train_config.h"
#include "tune/asha.h"
#include "tune/halton.h"
#include "tune/journal.h"
#include "util/error.h"
#include "util/text.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The rng stream of the trials' draws ("tune" in ASCII), apart from training's own streams. */
#define TUNE_STREAM 0x74756e65u

typedef struct {
    mlp_string_list settings; /* the drawn "key=value" */
    char dir[PATH_MAX], log_path[PATH_MAX];
    mlp_string_list argv; /* the running step's command line */
    size_t rung;          /* the running step's rung */
    bool have_outcome;
    mlp_sweep_outcome outcome; /* after its last completed step */
    double epochs_trained;     /* its run folder's epochs, stopped steps included */
    bool pending;              /* replaying a journal: started, not ended */
    bool rerun;                /* the running step re-runs an interrupted one */
    bool stopped;              /* the time budget stopped its last step */
} trial_info;

typedef struct {
    const mlp_tune_options *o;
    mlp_tune_asha *asha;
    mlp_rng rng;
    mlp_tune_halton *halton; /* the sampler's sequence (NULL: random draws) */
    double *point;           /* one Halton point */
    trial_info *trials;
    size_t capacity;
    double start;    /* CLOCK_MONOTONIC when the tune began, earlier sessions counted */
    double deadline; /* the time budget's end on that clock; 0: none */
    size_t failed, stopped;
    bool out_of_memory, budget_ended, interrupted, finished_before;
    int journal; /* OUT/journal.jsonl, -1: not open */
    mlp_status journal_status;
    mlp_error journal_err;
    size_t *reruns; /* trials whose interrupted step runs again first, in start order */
    size_t num_reruns, next_rerun;
    int rank, size; /* under mpirun: this process's rank and the number of ranks */
} tune_state;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Formats a progress line and hands it to the caller's on_event. */
static void send_event(const tune_state *s, const char *format, va_list args) {
    char line[1024];
    vsnprintf(line, sizeof line, format, args);
    s->o->on_event(s->o->context, line);
}

/* A line about the tune as a whole (rank 0 alone prints it). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
event(const tune_state *s, const char *format, ...) {
    if (!s->o->on_event || s->rank != 0) return;
    va_list args;
    va_start(args, format);
    send_event(s, format, args);
    va_end(args);
}

/* A line about this rank's own trial process (every rank prints its own). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
local_event(const tune_state *s, const char *format, ...) {
    if (!s->o->on_event) return;
    va_list args;
    va_start(args, format);
    send_event(s, format, args);
    va_end(args);
}

static void push_number_setting(mlp_string_list *list, const char *key, size_t value) {
    char text[128];
    snprintf(text, sizeof text, "%s=%zu", key, value);
    mlp_string_list_push(list, text);
}

static bool budget_left(tune_state *s) {
    const mlp_tune_options *o = s->o;
    if (o->stop && *o->stop) {
        s->interrupted = true;
        return false;
    }
    if (s->deadline > 0 && now_seconds() >= s->deadline) {
        s->budget_ended = true;
        return false;
    }
    return true;
}

/* Appends an event to the journal; after a failed write the tune starts nothing more. */
static void journal(tune_state *s, mlp_tune_event e) {
    if (s->journal < 0 || s->journal_status != MLP_OK) return;
    e.elapsed = now_seconds() - s->start;
    s->journal_status = mlp_tune_journal_append(s->journal, &e, &s->journal_err);
}

/* A new trial's folder and draw. */
static bool new_trial(tune_state *s, size_t t) {
    if (t >= s->capacity) {
        size_t capacity = s->capacity ? 2 * s->capacity : 16;
        trial_info *trials = realloc(s->trials, capacity * sizeof *trials);
        if (!trials) return false;
        memset(trials + s->capacity, 0, (capacity - s->capacity) * sizeof *trials);
        s->trials = trials;
        s->capacity = capacity;
    }
    trial_info *tr = &s->trials[t];
    char name[32];
    snprintf(name, sizeof name, "trial-%03zu", t + 1);
    if (mlp_path_join(tr->dir, s->o->out_dir, name, NULL) != MLP_OK) return false;
    snprintf(name, sizeof name, "trial-%03zu.log", t + 1);
    if (mlp_path_join(tr->log_path, s->o->out_dir, name, NULL) != MLP_OK) return false;
    if (s->halton) {
        mlp_tune_halton_point(s->halton, t, s->point);
        mlp_tune_space_sample_at(s->o->space, s->point, &tr->settings);
    } else {
        mlp_tune_space_sample(s->o->space, &s->rng, &tr->settings);
    }
    return !tr->settings.failed;
}

/* The command line of trial t's step to `rung`: from its checkpoint (`resume`) or new. */
static mlp_job_answer ready(tune_state *s, size_t t, size_t rung, bool resume, mlp_job *job,
                            size_t *id) {
    const mlp_tune_options *o = s->o;
    trial_info *tr = &s->trials[t];
    mlp_string_list_free(&tr->argv);
    mlp_string_list *a = &tr->argv;
    size_t epochs = mlp_tune_asha_rung_epochs(s->asha, rung);
    mlp_string_list_push(a, o->program);
    mlp_string_list_push(a, "train");
    if (resume) {
        mlp_string_list_push(a, "--resume");
        mlp_string_list_push(a, tr->dir);
    } else {
        mlp_string_list_push(a, o->config);
        for (size_t i = 0; i < o->num_sets; i++) {
            mlp_string_list_push(a, "--set");
            mlp_string_list_push(a, o->sets[i]);
        }
        for (size_t i = 0; i < tr->settings.count; i++) {
            mlp_string_list_push(a, "--set");
            mlp_string_list_push(a, tr->settings.items[i]);
        }
        if (o->threads) {
            mlp_string_list_push(a, "--set");
            push_number_setting(a, "threads", o->threads);
        }
        mlp_string_list_push(a, "--out");
        mlp_string_list_push(a, tr->dir);
    }
    mlp_string_list_push(a, "--set");
    push_number_setting(a, "training.epochs", epochs);
    mlp_string_list_push(a, "--quiet");
    if (a->failed) {
        s->out_of_memory = true;
        mlp_tune_asha_report(s->asha, t, rung, NAN);
        return MLP_JOB_DONE;
    }
    tr->rung = rung;
    *job = (mlp_job){a->items, tr->log_path};
    *id = t;
    return MLP_JOB_READY;
}

static mlp_job_answer next_job(void *context, mlp_job *job, size_t *id) {
    tune_state *s = context;
    const mlp_tune_options *o = s->o;
    if (s->out_of_memory || s->journal_status != MLP_OK || !budget_left(s)) return MLP_JOB_DONE;
    if (s->next_rerun < s->num_reruns) {
        /* An interrupted step: a first one anew (the same seed gives the same run, and a kill
         * between its last checkpoint and its summary.json leaves a folder --resume refuses),
         * a promoted one from its trial's checkpoint. */
        size_t t = s->reruns[s->next_rerun++];
        trial_info *tr = &s->trials[t];
        tr->rerun = true;
        return ready(s, t, tr->rung, tr->rung != 0, job, id);
    }
    size_t started = mlp_tune_asha_num_trials(s->asha);
    bool may_start = o->max_trials == 0 || started < o->max_trials;
    mlp_tune_step step;
    mlp_job_answer answer = mlp_tune_asha_next(s->asha, may_start, &step);
    if (answer != MLP_JOB_READY) return answer;
    if (!step.promoted && !new_trial(s, step.trial)) {
        s->out_of_memory = true;
        mlp_tune_asha_report(s->asha, step.trial, 0, NAN);
        return MLP_JOB_DONE;
    }
    s->trials[step.trial].rerun = false;
    journal(s,
            (mlp_tune_event){.kind = MLP_TUNE_EVENT_START, .trial = step.trial, .rung = step.rung});
    return ready(s, step.trial, step.rung, step.promoted, job, id);
}

static void on_start(void *context, size_t t) {
    tune_state *s = context;
    const trial_info *tr = &s->trials[t];
    mlp_text text = {0};
    for (size_t i = 0; i < tr->settings.count; i++)
        mlp_text_append(&text, "%s%s", i ? " " : "", tr->settings.items[i]);
    char *settings = mlp_text_finish(&text, NULL);
    bool show = tr->rung == 0 && !tr->rerun;
    local_event(s, "%s trial-%03zu to rung %zu (%zu epochs)%s%s",
                tr->rerun  ? "rerun"
                : tr->rung ? "promote"
                           : "start",
                t + 1, tr->rung, mlp_tune_asha_rung_epochs(s->asha, tr->rung), show ? ": " : "",
                show ? (settings ? settings : "") : "");
    free(settings);
}

/* How a step ended, as the rank that ran it saw it. */
/* STEP_NOT_RUN: an MPI round's step its rank did not start (a Ctrl-C or the deadline came
 * first); like an interrupted one it is in the journal as started, not ended. */
typedef enum { STEP_END, STEP_FAIL, STEP_STOP, STEP_INTERRUPTED, STEP_NOT_RUN } step_kind;

typedef struct {
    step_kind kind;
    mlp_sweep_outcome outcome; /* STEP_END: its figures; STEP_STOP: epochs only */
} step_result;

/* Reads the outcome of trial t's step that ended with `status` (on the rank that ran it). */
static step_result collect(tune_state *s, size_t t, int status) {
    trial_info *tr = &s->trials[t];
    step_result r = {STEP_FAIL, {NAN, NAN, NAN, NAN, NAN, "", NAN}};
    mlp_sweep_outcome outcome;
    mlp_error err = {0};
    bool deadline = s->deadline > 0 && now_seconds() >= s->deadline;
    bool ctrl_c = s->o->stop && *s->o->stop;
    if (status != 0 && (deadline || ctrl_c)) {
        /* Stopped by the SIGINT of the deadline or of Ctrl-C: the rung is not completed. */
        r.kind = deadline ? STEP_STOP : STEP_INTERRUPTED;
        /* The epochs it reached, when it stopped cleanly (a SIGINT during its start-up ends it
         * before it handles one, leaving the folder of its last rung). */
        if (deadline && mlp_sweep_read_outcome(tr->dir, &outcome, NULL) == MLP_OK &&
            strcmp(outcome.stop_reason, "interrupted") == 0)
            r.outcome.epochs = outcome.epochs;
    } else if (status != 0) {
        local_event(s, "FAILED trial-%03zu (exit status %d): see %s", t + 1, status, tr->log_path);
    } else if (mlp_sweep_read_outcome(tr->dir, &outcome, &err) != MLP_OK) {
        local_event(s, "FAILED trial-%03zu: %s", t + 1, err.message);
    } else if (isnan(outcome.final_val_accuracy)) {
        local_event(s,
                    "FAILED trial-%03zu: no validation accuracy (the config needs data.validation "
                    "or data.validation_count above 0)",
                    t + 1);
    } else if (isnan(mlp_tune_score(s->o->metric, outcome.final_val_accuracy,
                                    outcome.final_val_loss))) {
        local_event(s, "FAILED trial-%03zu: no finite validation loss", t + 1);
    } else {
        r.kind = STEP_END;
        r.outcome = outcome;
    }
    return r;
}

/* Takes a step's result into the tune (on every rank, in the same order). */
static void apply(tune_state *s, size_t t, const step_result *r) {
    trial_info *tr = &s->trials[t];
    const mlp_sweep_outcome *outcome = &r->outcome;
    switch (r->kind) {
    case STEP_NOT_RUN:
        mlp_tune_asha_release(s->asha, t);
        return;
    case STEP_INTERRUPTED:
        mlp_tune_asha_release(s->asha, t);
        s->interrupted = true;
        event(s, "stopped trial-%03zu before the end of rung %zu: mlp tune --resume %s goes on",
              t + 1, tr->rung, s->o->out_dir);
        return;
    case STEP_STOP: {
        mlp_tune_asha_release(s->asha, t);
        if (!isnan(outcome->epochs)) tr->epochs_trained = outcome->epochs;
        tr->stopped = true;
        s->stopped++;
        s->budget_ended = true;
        mlp_tune_event e = {.kind = MLP_TUNE_EVENT_STOP, .trial = t, .rung = tr->rung};
        e.outcome.epochs = outcome->epochs;
        journal(s, e);
        event(s, "stopped trial-%03zu by the time budget at %.2f of rung %zu's %zu epochs", t + 1,
              outcome->epochs, tr->rung, mlp_tune_asha_rung_epochs(s->asha, tr->rung));
        return;
    }
    case STEP_FAIL:
        s->failed++;
        journal(s, (mlp_tune_event){.kind = MLP_TUNE_EVENT_FAIL, .trial = t, .rung = tr->rung});
        mlp_tune_asha_report(s->asha, t, tr->rung, NAN);
        return;
    case STEP_END:
        tr->outcome = *outcome;
        tr->have_outcome = true;
        tr->stopped = false;
        tr->epochs_trained = outcome->epochs;
        journal(s,
                (mlp_tune_event){
                    .kind = MLP_TUNE_EVENT_END, .trial = t, .rung = tr->rung, .outcome = *outcome});
        event(s,
              "done   trial-%03zu rung %zu (%.0f epochs, %.1f s): val accuracy %.4f, val loss "
              "%.4f",
              t + 1, tr->rung, outcome->epochs, outcome->seconds, outcome->final_val_accuracy,
              outcome->final_val_loss);
        mlp_tune_asha_report(
            s->asha, t, tr->rung,
            mlp_tune_score(s->o->metric, outcome->final_val_accuracy, outcome->final_val_loss));
        return;
    }
}

static void on_end(void *context, size_t t, int status) {
    tune_state *s = context;
    step_result r = collect(s, t, status);
    apply(s, t, &r);
}

/* Trial numbers ranked: highest rung first, then the metric (ASHA's score), then the earlier
 * trial. Trials without a completed step come last. */
static int compare_trials(const mlp_tune_asha *asha, size_t a, size_t b) {
    int ra = mlp_tune_asha_trial_rung(asha, a), rb = mlp_tune_asha_trial_rung(asha, b);
    if (ra != rb) return ra > rb ? -1 : 1;
    double sa = mlp_tune_asha_trial_score(asha, a), sb = mlp_tune_asha_trial_score(asha, b);
    if (!isnan(sa) && !isnan(sb) && sa != sb) return sa > sb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Insertion sort (a tune has tens of trials; qsort would need the state in a global). */
static void rank_trials(const mlp_tune_asha *asha, size_t *order, size_t n) {
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && compare_trials(asha, order[j], order[j - 1]) < 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

/* The value a trial's settings give key (NULL: none). */
static const char *setting_value(const trial_info *tr, const char *key) {
    size_t n = strlen(key);
    for (size_t i = 0; i < tr->settings.count; i++)
        if (strncmp(tr->settings.items[i], key, n) == 0 && tr->settings.items[i][n] == '=')
            return tr->settings.items[i] + n + 1;
    return NULL;
}

static void csv_field(mlp_text *t, const char *value) {
    if (!strpbrk(value, ",\"\n")) {
        mlp_text_append(t, "%s", value);
        return;
    }
    mlp_text_append(t, "\"");
    for (const char *c = value; *c; c++)
        mlp_text_append(t, *c == '"' ? "\"\"" : "%c", *c);
    mlp_text_append(t, "\"");
}

static void number_or_empty(char *buffer, size_t size, const char *format, double value) {
    if (isnan(value))
        snprintf(buffer, size, "%s", "");
    else
        snprintf(buffer, size, format, value);
}

static mlp_status write_results(tune_state *s, size_t *order, char **markdown, mlp_error *err) {
    const mlp_tune_options *o = s->o;
    size_t n = mlp_tune_asha_num_trials(s->asha), keys = mlp_tune_space_num_keys(o->space);
    mlp_text md = {0}, csv = {0};
    mlp_text_append(&md, "| rank | trial |");
    mlp_text_append(&csv, "rank,trial");
    for (size_t k = 0; k < keys; k++) {
        mlp_text_append(&md, " %s |", mlp_tune_space_key(o->space, k));
        mlp_text_append(&csv, ",");
        csv_field(&csv, mlp_tune_space_key(o->space, k));
    }
    mlp_text_append(
        &md, " rung | epochs | val accuracy | val loss | test accuracy | seconds |\n|---|---|");
    mlp_text_append(&csv, ",rung,epochs,val_accuracy,val_loss,test_accuracy,seconds\n");
    for (size_t k = 0; k < keys; k++)
        mlp_text_append(&md, "---|");
    mlp_text_append(&md, "---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        size_t t = order[i];
        const trial_info *tr = &s->trials[t];
        int rung = mlp_tune_asha_trial_rung(s->asha, t);
        mlp_text_append(&md, "| %zu | trial-%03zu |", i + 1, t + 1);
        mlp_text_append(&csv, "%zu,trial-%03zu", i + 1, t + 1);
        for (size_t k = 0; k < keys; k++) {
            const char *v = setting_value(tr, mlp_tune_space_key(o->space, k));
            mlp_text_append(&md, " %s |", v ? v : "");
            mlp_text_append(&csv, ",");
            csv_field(&csv, v ? v : "");
        }
        char rung_text[16] = "", epochs[32] = "", val[32] = "", loss[32] = "", test[32] = "",
             secs[32] = "";
        if (rung >= 0) snprintf(rung_text, sizeof rung_text, "%d", rung);
        if (tr->have_outcome) {
            number_or_empty(epochs, sizeof epochs, "%.0f", tr->outcome.epochs);
            number_or_empty(val, sizeof val, "%.4f", tr->outcome.final_val_accuracy);
            number_or_empty(loss, sizeof loss, "%.4f", tr->outcome.final_val_loss);
            number_or_empty(test, sizeof test, "%.4f", tr->outcome.test_accuracy);
            number_or_empty(secs, sizeof secs, "%.1f", tr->outcome.seconds);
        }
        mlp_text_append(&md, " %s | %s | %s | %s | %s | %s |\n",
                        rung_text[0]  ? rung_text
                        : tr->stopped ? "stopped"
                                      : "failed",
                        epochs, val, loss, test, secs);
        mlp_text_append(&csv, ",%s,%s,%s,%s,%s,%s\n", rung_text, epochs, val, loss, test, secs);
    }
    char *md_text = mlp_text_finish(&md, err), *csv_text = mlp_text_finish(&csv, err);
    char path[PATH_MAX];
    mlp_status st = md_text && csv_text ? MLP_OK : MLP_ERR_MEMORY;
    if (st == MLP_OK) st = mlp_path_join(path, o->out_dir, "results.md", err);
    if (st == MLP_OK) st = mlp_atomic_write_text(path, md_text, err);
    if (st == MLP_OK) st = mlp_path_join(path, o->out_dir, "results.csv", err);
    if (st == MLP_OK) st = mlp_atomic_write_text(path, csv_text, err);
    free(csv_text);
    if (st == MLP_OK && markdown)
        *markdown = md_text;
    else
        free(md_text);
    return st;
}

static bool add_number(cJSON *object, const char *key, double value) {
    return isfinite(value) ? cJSON_AddNumberToObject(object, key, value) != NULL
                           : cJSON_AddNullToObject(object, key) != NULL;
}

/* OUT/results.json: the tune's method, sampler, metric and seed (a string), its rungs' epochs
 * and the trials in rank order (the same figures as results.csv, numbers as numbers, null where a
 * figure is missing, the settings as an object of strings). */
static mlp_status write_json(const tune_state *s, const size_t *order, mlp_error *err) {
    const mlp_tune_options *o = s->o;
    size_t n = mlp_tune_asha_num_trials(s->asha), keys = mlp_tune_space_num_keys(o->space);
    cJSON *root = cJSON_CreateObject(), *rungs = NULL, *trials = NULL;
    char seed[32]; /* a string: a 64-bit seed does not fit a JSON double */
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    bool ok = root &&
              cJSON_AddStringToObject(root, "method", o->random_search ? "random" : "asha") &&
              cJSON_AddStringToObject(root, "sampler", mlp_tune_sampler_name(o->sampler)) &&
              cJSON_AddStringToObject(root, "metric", mlp_tune_metric_name(o->metric)) &&
              cJSON_AddStringToObject(root, "seed", seed) &&
              (rungs = cJSON_AddArrayToObject(root, "rung_epochs")) != NULL;
    for (size_t k = 0; ok && k < mlp_tune_asha_num_rungs(s->asha); k++) {
        cJSON *epochs = cJSON_CreateNumber((double)mlp_tune_asha_rung_epochs(s->asha, k));
        ok = epochs && cJSON_AddItemToArray(rungs, epochs);
        if (!ok) cJSON_Delete(epochs);
    }
    ok = ok && (trials = cJSON_AddArrayToObject(root, "trials")) != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        size_t t = order[i];
        const trial_info *tr = &s->trials[t];
        int rung = mlp_tune_asha_trial_rung(s->asha, t);
        char name[32];
        snprintf(name, sizeof name, "trial-%03zu", t + 1);
        cJSON *item = cJSON_CreateObject(), *settings = NULL;
        ok = item && cJSON_AddItemToArray(trials, item);
        if (!ok) {
            cJSON_Delete(item);
            break;
        }
        ok = add_number(item, "rank", (double)(i + 1)) &&
             cJSON_AddStringToObject(item, "trial", name) &&
             (settings = cJSON_AddObjectToObject(item, "settings")) != NULL;
        for (size_t k = 0; ok && k < keys; k++) {
            const char *v = setting_value(tr, mlp_tune_space_key(o->space, k));
            ok = cJSON_AddStringToObject(settings, mlp_tune_space_key(o->space, k), v ? v : "") !=
                 NULL;
        }
        const mlp_sweep_outcome *oc = &tr->outcome;
        bool have = tr->have_outcome;
        ok = ok && (rung >= 0 ? add_number(item, "rung", rung) : add_number(item, "rung", NAN)) &&
             add_number(item, "epochs", have ? oc->epochs : NAN) &&
             add_number(item, "val_accuracy", have ? oc->final_val_accuracy : NAN) &&
             add_number(item, "val_loss", have ? oc->final_val_loss : NAN) &&
             add_number(item, "test_accuracy", have ? oc->test_accuracy : NAN) &&
             add_number(item, "seconds", have ? oc->seconds : NAN);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory writing results.json");
    char path[PATH_MAX];
    mlp_status st = mlp_path_join(path, o->out_dir, "results.json", err);
    if (st == MLP_OK) st = mlp_atomic_write_text(path, text, err);
    cJSON_free(text);
    return st;
}

/* OUT/best.ini: the best trial's effective config (its config.ini, which `mlp train --resume`
 * rewrites with the epochs it went on to). */
static mlp_status write_best(const tune_state *s, size_t t, mlp_error *err) {
    char from[PATH_MAX], to[PATH_MAX], *text = NULL;
    MLP_TRY(mlp_path_join(from, s->trials[t].dir, "config.ini", err));
    MLP_TRY(mlp_path_join(to, s->o->out_dir, "best.ini", err));
    if (s->trials[t].stopped) {
        /* Its config.ini names the epochs of the step the budget stopped: back to its rung's. */
        char epochs[64];
        int rung = mlp_tune_asha_trial_rung(s->asha, t);
        snprintf(epochs, sizeof epochs, "training.epochs=%zu",
                 mlp_tune_asha_rung_epochs(s->asha, (size_t)rung));
        char *sets[] = {epochs};
        mlp_ini *ini = NULL;
        MLP_TRY(mlp_train_ini_load(&ini, from, sets, 1, err));
        text = mlp_ini_to_text(ini, err);
        mlp_ini_free(ini);
        if (!text) return err ? err->status : MLP_ERR_MEMORY;
    } else {
        MLP_TRY(mlp_read_file(from, (size_t)1 << 20, &text, NULL, err));
    }
    mlp_status st = mlp_atomic_write_text(to, text, err);
    free(text);
    return st;
}

/* The config's training.epochs (the top rung's limit), after checking the config and space. */
static mlp_status check_inputs(const mlp_tune_options *o, size_t *max_epochs, mlp_error *err) {
    for (size_t k = 0; k < mlp_tune_space_num_keys(o->space); k++) {
        const char *key = mlp_tune_space_key(o->space, k);
        if (strcmp(key, "training.epochs") == 0 || strcmp(key, "threads") == 0 ||
            strcmp(key, "data.train") == 0)
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "%s cannot be tuned (the tune sets it for every trial)", key);
    }
    MLP_TRY(mlp_tune_space_check(o->space, o->config, o->sets, o->num_sets, err));
    mlp_ini *ini = NULL;
    MLP_TRY(mlp_train_ini_load(&ini, o->config, o->sets, o->num_sets, err));
    int64_t epochs = 0;
    mlp_status st = mlp_ini_get_int(ini, "training.epochs", &epochs, err);
    mlp_ini_free(ini);
    *max_epochs = epochs > 0 ? (size_t)epochs : 1;
    return st;
}

/* Rebuilds the state of the tune in out_dir from its journal: every start is asked of ASHA again
 * (drawing a new trial's settings as the tune did) and must be what the journal says, every end
 * reported. Steps started and not ended go to s->reruns. */
static mlp_status replay(tune_state *s, const mlp_tune_event *events, size_t n, double *elapsed,
                         mlp_error *err) {
    const mlp_tune_options *o = s->o;
    char name[PATH_MAX];
    MLP_TRY(mlp_path_join(name, o->out_dir, "journal.jsonl", err));
    *elapsed = 0;
    for (size_t i = 0; i < n; i++) {
        const mlp_tune_event *e = &events[i];
        *elapsed = e->elapsed;
        if (e->kind == MLP_TUNE_EVENT_DONE) {
            s->finished_before = true;
            s->budget_ended = e->budget;
            continue;
        }
        if (e->kind == MLP_TUNE_EVENT_START) {
            size_t started = mlp_tune_asha_num_trials(s->asha);
            bool may_start = o->max_trials == 0 || started < o->max_trials;
            mlp_tune_step step;
            if (mlp_tune_asha_next(s->asha, may_start, &step) != MLP_JOB_READY ||
                step.trial != e->trial || step.rung != e->rung)
                return mlp_fail(
                    err, MLP_ERR_FORMAT,
                    "%s:%zu: trial-%03zu to rung %zu does not follow from tune.json and "
                    "the lines before it (were the tune's files edited?)",
                    name, e->line, e->trial + 1, e->rung);
            if (!step.promoted && !new_trial(s, step.trial))
                return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
            s->trials[step.trial].rung = step.rung;
            s->trials[step.trial].pending = true;
            continue;
        }
        trial_info *tr = e->trial < mlp_tune_asha_num_trials(s->asha) ? &s->trials[e->trial] : NULL;
        if (!tr || !tr->pending || tr->rung != e->rung)
            return mlp_fail(err, MLP_ERR_FORMAT,
                            "%s:%zu: trial-%03zu rung %zu ends but did not start", name, e->line,
                            e->trial + 1, e->rung);
        tr->pending = false;
        if (e->kind == MLP_TUNE_EVENT_END) {
            tr->outcome = e->outcome;
            tr->have_outcome = true;
            tr->stopped = false;
            tr->epochs_trained = e->outcome.epochs;
            mlp_tune_asha_report(s->asha, e->trial, e->rung,
                                 mlp_tune_score(o->metric, e->outcome.final_val_accuracy,
                                                e->outcome.final_val_loss));
        } else if (e->kind == MLP_TUNE_EVENT_FAIL) {
            s->failed++;
            mlp_tune_asha_report(s->asha, e->trial, e->rung, NAN);
        } else {
            tr->stopped = true;
            s->stopped++;
            if (!isnan(e->outcome.epochs)) tr->epochs_trained = e->outcome.epochs;
            mlp_tune_asha_release(s->asha, e->trial);
        }
    }
    size_t pending = 0;
    for (size_t t = 0; t < mlp_tune_asha_num_trials(s->asha); t++)
        pending += s->trials[t].pending;
    s->reruns = mlp_calloc(pending + 1, sizeof *s->reruns, err);
    if (!s->reruns) return MLP_ERR_MEMORY;
    for (size_t i = 0; i < n; i++) {
        const mlp_tune_event *e = &events[i];
        if (e->kind != MLP_TUNE_EVENT_START) continue;
        trial_info *tr = &s->trials[e->trial];
        if (tr->pending && tr->rung == e->rung) s->reruns[s->num_reruns++] = e->trial;
    }
    return mlp_ok(err);
}

/* A re-run step whose process ended after its rung's last epoch but before the journal said so
 * is done: its outcome is read instead of running it again. */
static void settle_finished_reruns(tune_state *s) {
    size_t kept = 0;
    for (size_t i = 0; i < s->num_reruns; i++) {
        size_t t = s->reruns[i];
        trial_info *tr = &s->trials[t];
        mlp_sweep_outcome outcome;
        if (mlp_sweep_run_state_of(tr->dir) == MLP_SWEEP_RUN_FINISHED &&
            mlp_sweep_read_outcome(tr->dir, &outcome, NULL) == MLP_OK &&
            outcome.epochs >= (double)mlp_tune_asha_rung_epochs(s->asha, tr->rung)) {
            tr->rerun = true;
            on_end(s, t, 0);
        } else {
            s->reruns[kept++] = t;
        }
    }
    s->num_reruns = kept;
}

/* The steps of one MPI round that this rank runs: round step i with i mod size == rank. */
typedef struct {
    tune_state *s;
    const size_t *trials;
    const bool *resume;
    size_t count, next;
    step_result *results; /* by round step */
} round_source;

static mlp_job_answer round_next(void *context, mlp_job *job, size_t *id) {
    round_source *r = context;
    tune_state *s = r->s;
    if (r->next >= r->count) return MLP_JOB_DONE;
    size_t i = r->next;
    r->next += (size_t)s->size;
    size_t t = r->trials[i];
    trial_info *tr = &s->trials[t];
    bool resume = r->resume[i];
    if (tr->rerun) resume = tr->rung != 0;
    mlp_job_answer answer = ready(s, t, tr->rung, resume, job, id);
    if (answer != MLP_JOB_READY) r->next = r->count;
    return answer;
}

static void round_start(void *context, size_t t) {
    on_start(((round_source *)context)->s, t);
}

static void round_end(void *context, size_t t, int status) {
    round_source *r = context;
    for (size_t i = 0; i < r->count; i++)
        if (r->trials[i] == t) r->results[i] = collect(r->s, t, status);
}

/* The rounds of a tune over MPI ranks (see mlp_tune_options.world). Every decision is taken on
 * every rank from the same state; the ranks agree on stopping (rank 0's deadline, anyone's
 * Ctrl-C) before each round. */
static mlp_status run_rounds(tune_state *s, size_t *failed, mlp_error *err) {
    const mlp_tune_options *o = s->o;
    size_t jobs = o->jobs ? o->jobs : 1, per_round = (size_t)s->size * jobs;
    enum { FIELDS = 7 };
    size_t *trials = mlp_calloc(per_round, sizeof *trials, err);
    bool *resume = mlp_calloc(per_round, sizeof *resume, err);
    step_result *results = mlp_calloc(per_round, sizeof *results, err);
    double *rows = mlp_calloc(per_round * FIELDS, sizeof *rows, err);
    mlp_status st = trials && resume && results && rows ? MLP_OK : MLP_ERR_MEMORY;
    while (st == MLP_OK) {
        double flags[3] = {s->rank == 0 && s->deadline > 0 && now_seconds() >= s->deadline,
                           o->stop && *o->stop, s->out_of_memory || s->journal_status != MLP_OK};
        st = mlp_world_sum_doubles(o->world, flags, 3, err);
        if (st != MLP_OK) break;
        if (flags[1] > 0) s->interrupted = true;
        if (flags[0] > 0 && flags[1] == 0) s->budget_ended = true;
        /* A rank out of memory (or rank 0 unable to journal) ends the tune on every rank. */
        if (flags[2] > 0 && s->journal_status == MLP_OK) s->out_of_memory = true;
        if (flags[0] > 0 || flags[1] > 0 || flags[2] > 0) break;
        /* The round: steps cut short by an interruption first, then ASHA's. */
        size_t m = 0;
        while (m < per_round) {
            if (s->next_rerun < s->num_reruns) {
                size_t t = s->reruns[s->next_rerun++];
                s->trials[t].rerun = true;
                trials[m] = t;
                resume[m++] = true;
                continue;
            }
            size_t started = mlp_tune_asha_num_trials(s->asha);
            bool may_start = o->max_trials == 0 || started < o->max_trials;
            mlp_tune_step step;
            if (mlp_tune_asha_next(s->asha, may_start, &step) != MLP_JOB_READY) break;
            if (!step.promoted && !new_trial(s, step.trial)) {
                s->out_of_memory = true;
                mlp_tune_asha_report(s->asha, step.trial, 0, NAN);
                break;
            }
            s->trials[step.trial].rerun = false;
            s->trials[step.trial].rung = step.rung;
            journal(s, (mlp_tune_event){
                           .kind = MLP_TUNE_EVENT_START, .trial = step.trial, .rung = step.rung});
            trials[m] = step.trial;
            resume[m++] = step.promoted;
        }
        if (m == 0) break;
        for (size_t i = 0; i < m; i++)
            results[i] = (step_result){STEP_NOT_RUN, {NAN, NAN, NAN, NAN, NAN, "", NAN}};
        round_source source = {s, trials, resume, m, (size_t)s->rank, results};
        mlp_job_source jobs_here = {
            .parallel = jobs,
            .envp = o->envp,
            .stop = o->stop,
            .interrupt_on_stop = o->interrupt_on_stop,
            .deadline = s->deadline,
            .next = round_next,
            .on_start = round_start,
            .on_end = round_end,
            .context = &source,
        };
        size_t failed_here = 0;
        st = mlp_run_job_source(&jobs_here, &failed_here, err);
        *failed += failed_here;
        if (st != MLP_OK) break; /* the other ranks then wait: the command aborts the job */
        /* Every rank gets every outcome: rows of the others are zero here (NaN + 0 is NaN). */
        memset(rows, 0, m * FIELDS * sizeof *rows);
        for (size_t i = (size_t)s->rank; i < m; i += (size_t)s->size) {
            const mlp_sweep_outcome *out = &results[i].outcome;
            double *row = rows + i * FIELDS;
            row[0] = (double)results[i].kind;
            row[1] = out->epochs, row[2] = out->final_val_accuracy;
            row[3] = out->best_val_accuracy, row[4] = out->test_accuracy, row[5] = out->seconds;
            row[6] = out->final_val_loss;
        }
        st = mlp_world_sum_doubles(o->world, rows, m * FIELDS, err);
        for (size_t i = 0; i < m && st == MLP_OK; i++) {
            const double *row = rows + i * FIELDS;
            step_result r = {(step_kind)row[0],
                             {row[2], row[3], row[4], row[1], row[5], "", row[6]}};
            apply(s, trials[i], &r);
        }
    }
    free(trials);
    free(resume);
    free(results);
    free(rows);
    return st;
}

/* A new tune: out_dir must not hold one; its options go to tune.json and space.ini. */
static mlp_status start_new(const mlp_tune_options *o, mlp_error *err) {
    char path[PATH_MAX];
    MLP_TRY(mlp_path_join(path, o->out_dir, "tune.json", err));
    if (access(path, F_OK) == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "%s holds a tune already: mlp tune --resume %s continues it (or choose "
                        "another --out)",
                        o->out_dir, o->out_dir);
    MLP_TRY(mlp_make_folders(o->out_dir, err));
    if (!o->space_path) return mlp_ok(err);
    mlp_tune_saved_options saved = {
        .config = (char *)o->config,
        .sets = (char **)o->sets,
        .num_sets = o->num_sets,
        .seed = o->seed,
        .random_search = o->random_search,
        .sampler = o->sampler,
        .metric = o->metric,
        .min_epochs = o->min_epochs,
        .eta = o->eta,
        .jobs = o->jobs ? o->jobs : 1,
        .threads = o->threads,
        .max_trials = o->max_trials,
        .max_seconds = o->max_seconds,
    };
    return mlp_tune_save_options(o->out_dir, &saved, o->space_path, err);
}

mlp_status mlp_tune_run(const mlp_tune_options *o, mlp_tune_summary *summary, char **markdown,
                        mlp_error *err) {
    memset(summary, 0, sizeof *summary);
    summary->best = -1;
    if (markdown) *markdown = NULL;
    if (o->max_trials == 0 && !(o->max_seconds > 0))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "the budget needs a trial count or a duration");
    size_t max_epochs = 0;
    MLP_TRY(check_inputs(o, &max_epochs, err));
    tune_state s = {.o = o, .start = now_seconds(), .journal = -1, .size = 1};
    if (o->world) {
        s.rank = mlp_world_rank(o->world);
        s.size = mlp_world_size(o->world);
    }
    mlp_rng_seed(&s.rng, o->seed, TUNE_STREAM);
    MLP_TRY(mlp_tune_asha_new(&s.asha, o->min_epochs, max_epochs, o->eta, o->random_search, err));
    mlp_status st = MLP_OK;
    if (o->sampler == MLP_TUNE_SAMPLER_HALTON) {
        size_t dims = mlp_tune_space_num_keys(o->space);
        st = mlp_tune_halton_new(&s.halton, dims, &s.rng, err);
        if (st == MLP_OK && !(s.point = mlp_calloc(dims, sizeof *s.point, err)))
            st = MLP_ERR_MEMORY;
    }
    if (st != MLP_OK) {
    } else if (o->resume) {
        mlp_tune_event *events = NULL;
        size_t n = 0;
        double elapsed = 0;
        st = mlp_tune_journal_read(o->out_dir, &events, &n, err);
        if (st == MLP_OK) st = replay(&s, events, n, &elapsed, err);
        free(events);
        s.start -= elapsed;
    } else if (s.rank == 0) {
        st = start_new(o, err);
    } else {
        st = mlp_make_folders(o->out_dir, err);
    }
    if (o->max_seconds > 0) s.deadline = s.start + o->max_seconds;
    if (st == MLP_OK && !s.finished_before && s.rank == 0)
        st = mlp_tune_journal_open(o->out_dir, &s.journal, err);
    if (s.size > 1) {
        /* Every rank goes on, or none (a rank alone in the rounds would wait forever). */
        double failures = st != MLP_OK;
        mlp_error sum_err;
        if (mlp_world_sum_doubles(o->world, &failures, 1, &sum_err) != MLP_OK && st == MLP_OK)
            st = mlp_fail(err, sum_err.status, "%s", sum_err.message);
        if (st == MLP_OK && failures > 0)
            st = mlp_fail(err, MLP_ERR_STATE,
                          "another rank could not start the tune (see its "
                          "message; under mpirun %s must be on a file system "
                          "every rank sees)",
                          o->out_dir);
    }
    if (st == MLP_OK && !s.finished_before) {
        mlp_text rungs = {0};
        for (size_t k = 0; k < mlp_tune_asha_num_rungs(s.asha); k++)
            mlp_text_append(&rungs, "%s%zu", k ? ", " : "", mlp_tune_asha_rung_epochs(s.asha, k));
        char *text = mlp_text_finish(&rungs, NULL);
        if (s.size > 1)
            event(&s, "%s: rungs at %s epochs; rounds of %zu trials on each of %d ranks",
                  o->random_search ? "random" : "asha", text ? text : "?", o->jobs ? o->jobs : 1,
                  s.size);
        else
            event(&s, "%s: rungs at %s epochs; %zu trials at a time",
                  o->random_search ? "random" : "asha", text ? text : "?", o->jobs ? o->jobs : 1);
        event(&s, "%s draws, ranked by validation %s", mlp_tune_sampler_name(o->sampler),
              mlp_tune_metric_name(o->metric));
        free(text);
        if (o->resume)
            event(&s, "resumed after %.1f s: %zu trials started, %zu steps to re-run",
                  now_seconds() - s.start, mlp_tune_asha_num_trials(s.asha), s.num_reruns);
        settle_finished_reruns(&s);
        mlp_job_source source = {
            .parallel = o->jobs ? o->jobs : 1,
            .envp = o->envp,
            .stop = o->stop,
            .interrupt_on_stop = o->interrupt_on_stop,
            .deadline = s.deadline,
            .next = next_job,
            .on_start = on_start,
            .on_end = on_end,
            .context = &s,
        };
        size_t failed = 0;
        st = s.size > 1 ? run_rounds(&s, &failed, err) : mlp_run_job_source(&source, &failed, err);
        if (st == MLP_OK && s.journal_status != MLP_OK)
            st = mlp_fail(err, s.journal_status, "%s", s.journal_err.message);
        if (o->stop && *o->stop) s.interrupted = true;
        /* A duration budget ends a tune that was not stopped otherwise (ASHA always has work). */
        if (s.deadline > 0 && now_seconds() >= s.deadline && !s.interrupted) s.budget_ended = true;
        if (st == MLP_OK && !s.out_of_memory && !s.interrupted)
            journal(&s, (mlp_tune_event){.kind = MLP_TUNE_EVENT_DONE, .budget = s.budget_ended});
        if (st == MLP_OK && s.journal_status != MLP_OK)
            st = mlp_fail(err, s.journal_status, "%s", s.journal_err.message);
    }
    if (s.journal >= 0) close(s.journal);
    if (st == MLP_OK && s.out_of_memory) st = mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    size_t n = mlp_tune_asha_num_trials(s.asha);
    size_t *order = st == MLP_OK ? mlp_calloc(n + 1, sizeof *order, err) : NULL;
    if (st == MLP_OK && !order) st = MLP_ERR_MEMORY;
    if (st == MLP_OK) {
        rank_trials(s.asha, order, n);
        summary->trials = n;
        summary->failed = s.failed;
        summary->stopped = s.stopped;
        summary->budget_ended = s.budget_ended;
        summary->interrupted = s.interrupted;
        summary->finished_before = s.finished_before;
        for (size_t t = 0; t < n; t++)
            summary->total_epochs += s.trials[t].epochs_trained;
        summary->seconds = now_seconds() - s.start;
        if (s.rank == 0) st = write_results(&s, order, markdown, err);
        if (s.rank == 0 && st == MLP_OK) st = write_json(&s, order, err);
    }
    if (st == MLP_OK && n > 0 && mlp_tune_asha_trial_rung(s.asha, order[0]) >= 0) {
        size_t best = order[0];
        summary->best = (long)best;
        summary->best_rung = mlp_tune_asha_trial_rung(s.asha, best);
        summary->best_val_accuracy = s.trials[best].outcome.final_val_accuracy;
        summary->best_val_loss = s.trials[best].outcome.final_val_loss;
        summary->best_epochs = s.trials[best].outcome.epochs;
        if (s.rank == 0) st = write_best(&s, best, err);
    } else if (st == MLP_OK) {
        st = mlp_fail(err, MLP_ERR_STATE, "no trial finished a step (see the logs in %s)",
                      o->out_dir);
    }
    free(order);
    for (size_t t = 0; t < s.capacity && s.trials; t++) {
        mlp_string_list_free(&s.trials[t].settings);
        mlp_string_list_free(&s.trials[t].argv);
    }
    free(s.trials);
    free(s.reruns);
    free(s.point);
    mlp_tune_halton_free(s.halton);
    mlp_tune_asha_free(s.asha);
    return st;
}

double mlp_tune_score(mlp_tune_metric metric, double val_accuracy, double val_loss) {
    if (metric == MLP_TUNE_METRIC_LOSS) return isfinite(val_loss) ? -val_loss : NAN;
    return isfinite(val_accuracy) ? val_accuracy : NAN;
}

const char *mlp_tune_metric_name(mlp_tune_metric metric) {
    return metric == MLP_TUNE_METRIC_LOSS ? "loss" : "accuracy";
}

const char *mlp_tune_sampler_name(mlp_tune_sampler sampler) {
    return sampler == MLP_TUNE_SAMPLER_HALTON ? "halton" : "random";
}

mlp_status mlp_tune_parse_budget(const char *text, size_t *trials, double *seconds,
                                 mlp_error *err) {
    *trials = 0;
    *seconds = 0;
    char *end = NULL;
    double value = strtod(text, &end);
    bool number = end != text && isfinite(value) && value > 0;
    if (number && *end == '\0') {
        if (value != floor(value) || value > 1e6 || strchr(text, '.') || strpbrk(text, "eExX"))
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "budget '%s': a trial count is a whole number from 1 to 1000000", text);
        *trials = (size_t)value;
        return mlp_ok(err);
    }
    double unit = !number || end[0] == '\0' || end[1] != '\0' ? 0
                  : end[0] == 's'                             ? 1
                  : end[0] == 'm'                             ? 60
                  : end[0] == 'h'                             ? 3600
                                                              : 0;
    if (unit == 0 || value * unit > 1e9)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "budget '%s': expected a trial count (20) or a duration (90s, 15m, 2h)",
                        text);
    *seconds = value * unit;
    return mlp_ok(err);
}
