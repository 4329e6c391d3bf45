/* The tune driver (see tune.h): ASHA's steps as jobs of the sweep scheduler. */
#include "tune/tune.h"

#include "io/atomic_file.h"
#include "io/folders.h"
#include "sweep/launch.h"
#include "sweep/outcome.h"
#include "sweep/scheduler.h"
#include "train/train_config.h"
#include "tune/asha.h"
#include "util/error.h"
#include "util/text.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The rng stream of the trials' draws ("tune" in ASCII), apart from training's own streams. */
#define TUNE_STREAM 0x74756e65u

typedef struct {
    mlp_string_list settings; /* the drawn "key=value" */
    char dir[PATH_MAX], log_path[PATH_MAX];
    mlp_string_list argv; /* the running step's command line */
    size_t rung;          /* the running step's rung */
    bool have_outcome;
    mlp_sweep_outcome outcome; /* after its last completed step */
} trial_info;

typedef struct {
    const mlp_tune_options *o;
    mlp_tune_asha *asha;
    mlp_rng rng;
    trial_info *trials;
    size_t capacity;
    double start;
    size_t failed;
    bool out_of_memory;
} tune_state;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
event(const tune_state *s, const char *format, ...) {
    if (!s->o->on_event) return;
    char line[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    s->o->on_event(s->o->context, line);
}

static void push_number_setting(mlp_string_list *list, const char *key, size_t value) {
    char text[128];
    snprintf(text, sizeof text, "%s=%zu", key, value);
    mlp_string_list_push(list, text);
}

static bool budget_left(const tune_state *s) {
    const mlp_tune_options *o = s->o;
    if (o->stop && *o->stop) return false;
    if (o->max_seconds > 0 && now_seconds() - s->start >= o->max_seconds) return false;
    return true;
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
    mlp_tune_space_sample(s->o->space, &s->rng, &tr->settings);
    return !tr->settings.failed;
}

static mlp_job_answer next_job(void *context, mlp_job *job, size_t *id) {
    tune_state *s = context;
    const mlp_tune_options *o = s->o;
    if (s->out_of_memory || !budget_left(s)) return MLP_JOB_DONE;
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
    trial_info *tr = &s->trials[step.trial];
    mlp_string_list_free(&tr->argv);
    mlp_string_list *a = &tr->argv;
    size_t epochs = mlp_tune_asha_rung_epochs(s->asha, step.rung);
    mlp_string_list_push(a, o->program);
    mlp_string_list_push(a, "train");
    if (step.promoted) {
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
        mlp_tune_asha_report(s->asha, step.trial, step.rung, NAN);
        return MLP_JOB_DONE;
    }
    tr->rung = step.rung;
    *job = (mlp_job){a->items, tr->log_path};
    *id = step.trial;
    return MLP_JOB_READY;
}

static void on_start(void *context, size_t t) {
    tune_state *s = context;
    const trial_info *tr = &s->trials[t];
    mlp_text text = {0};
    for (size_t i = 0; i < tr->settings.count; i++)
        mlp_text_append(&text, "%s%s", i ? " " : "", tr->settings.items[i]);
    char *settings = mlp_text_finish(&text, NULL);
    event(s, "%s trial-%03zu to rung %zu (%zu epochs)%s%s", tr->rung ? "promote" : "start", t + 1,
          tr->rung, mlp_tune_asha_rung_epochs(s->asha, tr->rung), tr->rung ? "" : ": ",
          tr->rung ? "" : (settings ? settings : ""));
    free(settings);
}

static void on_end(void *context, size_t t, int status) {
    tune_state *s = context;
    trial_info *tr = &s->trials[t];
    mlp_sweep_outcome outcome;
    mlp_error err = {0};
    double score = NAN;
    if (status != 0) {
        event(s, "FAILED trial-%03zu (exit status %d): see %s", t + 1, status, tr->log_path);
    } else if (mlp_sweep_read_outcome(tr->dir, &outcome, &err) != MLP_OK) {
        event(s, "FAILED trial-%03zu: %s", t + 1, err.message);
    } else if (isnan(outcome.final_val_accuracy)) {
        event(s,
              "FAILED trial-%03zu: no validation accuracy (the config needs data.validation "
              "or data.validation_count above 0)",
              t + 1);
    } else {
        score = outcome.final_val_accuracy;
        tr->outcome = outcome;
        tr->have_outcome = true;
        event(s, "done   trial-%03zu rung %zu (%.0f epochs, %.1f s): val accuracy %.4f", t + 1,
              tr->rung, outcome.epochs, outcome.seconds, score);
    }
    if (isnan(score)) s->failed++;
    mlp_tune_asha_report(s->asha, t, tr->rung, score);
}

/* Trial numbers ranked: highest rung first, then validation accuracy, then the earlier trial.
 * Trials without a completed step come last. */
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
    mlp_text_append(&md, " rung | epochs | val accuracy | test accuracy | seconds |\n|---|---|");
    mlp_text_append(&csv, ",rung,epochs,val_accuracy,test_accuracy,seconds\n");
    for (size_t k = 0; k < keys; k++)
        mlp_text_append(&md, "---|");
    mlp_text_append(&md, "---|---|---|---|---|\n");
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
        char rung_text[16] = "", epochs[32] = "", val[32] = "", test[32] = "", secs[32] = "";
        if (rung >= 0) snprintf(rung_text, sizeof rung_text, "%d", rung);
        if (tr->have_outcome) {
            number_or_empty(epochs, sizeof epochs, "%.0f", tr->outcome.epochs);
            number_or_empty(val, sizeof val, "%.4f", tr->outcome.final_val_accuracy);
            number_or_empty(test, sizeof test, "%.4f", tr->outcome.test_accuracy);
            number_or_empty(secs, sizeof secs, "%.1f", tr->outcome.seconds);
        }
        mlp_text_append(&md, " %s | %s | %s | %s | %s |\n", rung_text[0] ? rung_text : "failed",
                        epochs, val, test, secs);
        mlp_text_append(&csv, ",%s,%s,%s,%s,%s\n", rung_text, epochs, val, test, secs);
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

/* OUT/best.ini: the best trial's effective config (its config.ini, which `mlp train --resume`
 * rewrites with the epochs it went on to). */
static mlp_status write_best(const tune_state *s, size_t t, mlp_error *err) {
    char from[PATH_MAX], to[PATH_MAX], *text = NULL;
    MLP_TRY(mlp_path_join(from, s->trials[t].dir, "config.ini", err));
    MLP_TRY(mlp_path_join(to, s->o->out_dir, "best.ini", err));
    MLP_TRY(mlp_read_file(from, (size_t)1 << 20, &text, NULL, err));
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

mlp_status mlp_tune_run(const mlp_tune_options *o, mlp_tune_summary *summary, char **markdown,
                        mlp_error *err) {
    memset(summary, 0, sizeof *summary);
    summary->best = -1;
    if (markdown) *markdown = NULL;
    if (o->max_trials == 0 && !(o->max_seconds > 0))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "the budget needs a trial count or a duration");
    size_t max_epochs = 0;
    MLP_TRY(check_inputs(o, &max_epochs, err));
    tune_state s = {.o = o, .start = now_seconds()};
    mlp_rng_seed(&s.rng, o->seed, TUNE_STREAM);
    MLP_TRY(mlp_tune_asha_new(&s.asha, o->min_epochs, max_epochs, o->eta, o->random_search, err));
    mlp_status st = mlp_make_folders(o->out_dir, err);
    if (st == MLP_OK) {
        mlp_text rungs = {0};
        for (size_t k = 0; k < mlp_tune_asha_num_rungs(s.asha); k++)
            mlp_text_append(&rungs, "%s%zu", k ? ", " : "", mlp_tune_asha_rung_epochs(s.asha, k));
        char *text = mlp_text_finish(&rungs, NULL);
        event(&s, "%s: rungs at %s epochs; %zu trials at a time",
              o->random_search ? "random" : "asha", text ? text : "?", o->jobs ? o->jobs : 1);
        free(text);
        mlp_job_source source = {
            .parallel = o->jobs ? o->jobs : 1,
            .envp = o->envp,
            .stop = o->stop,
            .next = next_job,
            .on_start = on_start,
            .on_end = on_end,
            .context = &s,
        };
        size_t failed = 0;
        st = mlp_run_job_source(&source, &failed, err);
    }
    if (st == MLP_OK && s.out_of_memory) st = mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    size_t n = mlp_tune_asha_num_trials(s.asha);
    size_t *order = st == MLP_OK ? mlp_calloc(n + 1, sizeof *order, err) : NULL;
    if (st == MLP_OK && !order) st = MLP_ERR_MEMORY;
    if (st == MLP_OK) {
        rank_trials(s.asha, order, n);
        summary->trials = n;
        summary->failed = s.failed;
        for (size_t t = 0; t < n; t++)
            if (s.trials[t].have_outcome) summary->total_epochs += s.trials[t].outcome.epochs;
        summary->seconds = now_seconds() - s.start;
        st = write_results(&s, order, markdown, err);
    }
    if (st == MLP_OK && n > 0 && mlp_tune_asha_trial_rung(s.asha, order[0]) >= 0) {
        size_t best = order[0];
        summary->best = (long)best;
        summary->best_rung = mlp_tune_asha_trial_rung(s.asha, best);
        summary->best_val_accuracy = s.trials[best].outcome.final_val_accuracy;
        summary->best_epochs = s.trials[best].outcome.epochs;
        st = write_best(&s, best, err);
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
    mlp_tune_asha_free(s.asha);
    return st;
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
