/* tune.json, space.ini and journal.jsonl of a tune folder (see journal.h). */
/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700
#include "tune/journal.h"

#include "tune/tune.h"

#include "io/atomic_file.h"
#include "io/folders.h"
#include "util/error.h"
#include "util/text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* tune.json holds a few paths and settings; a journal a line of ~200 bytes per step. */
#define MAX_OPTIONS_BYTES ((size_t)1 << 20)
#define MAX_JOURNAL_BYTES ((size_t)1 << 28)
#define MAX_SPACE_BYTES ((size_t)1 << 20)

static const char *const event_names[] = {"start", "end", "fail", "stop", "done"};

void mlp_tune_saved_options_free(mlp_tune_saved_options *saved) {
    free(saved->config);
    for (size_t i = 0; i < saved->num_sets; i++)
        free(saved->sets[i]);
    free(saved->sets);
    *saved = (mlp_tune_saved_options){0};
}

mlp_status mlp_tune_save_options(const char *dir, const mlp_tune_saved_options *saved,
                                 const char *space_path, mlp_error *err) {
    char config[PATH_MAX], path[PATH_MAX], seed[32];
    if (!realpath(saved->config, config))
        return mlp_fail(err, MLP_ERR_IO, "%s: %s", saved->config, strerror(errno));
    snprintf(seed, sizeof seed, "%" PRIu64, saved->seed);
    cJSON *json = cJSON_CreateObject(), *sets = cJSON_CreateArray();
    bool ok = json && sets && cJSON_AddItemToObject(json, "config", cJSON_CreateString(config)) &&
              cJSON_AddItemToObject(json, "sets", sets);
    if (!ok) cJSON_Delete(sets);
    for (size_t i = 0; ok && i < saved->num_sets; i++)
        ok = cJSON_AddItemToArray(sets, cJSON_CreateString(saved->sets[i]));
    ok = ok && cJSON_AddStringToObject(json, "seed", seed) &&
         cJSON_AddStringToObject(json, "method", saved->random_search ? "random" : "asha") &&
         cJSON_AddStringToObject(json, "sampler", mlp_tune_sampler_name(saved->sampler)) &&
         cJSON_AddStringToObject(json, "metric", mlp_tune_metric_name(saved->metric)) &&
         cJSON_AddNumberToObject(json, "min_epochs", (double)saved->min_epochs) &&
         cJSON_AddNumberToObject(json, "eta", (double)saved->eta) &&
         cJSON_AddNumberToObject(json, "max_trials", (double)saved->max_trials) &&
         cJSON_AddNumberToObject(json, "max_seconds", saved->max_seconds) &&
         cJSON_AddNumberToObject(json, "jobs", (double)saved->jobs) &&
         cJSON_AddNumberToObject(json, "threads", (double)saved->threads);
    char *text = ok ? cJSON_Print(json) : NULL;
    cJSON_Delete(json);
    if (!text) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    mlp_text full = {0};
    mlp_text_append(&full, "%s\n", text);
    free(text);
    text = mlp_text_finish(&full, err);
    if (!text) return MLP_ERR_MEMORY;
    mlp_status st = mlp_path_join(path, dir, "tune.json", err);
    if (st == MLP_OK) st = mlp_atomic_write_text(path, text, err);
    free(text);
    text = NULL;
    if (st == MLP_OK) st = mlp_read_file(space_path, MAX_SPACE_BYTES, &text, NULL, err);
    if (st == MLP_OK) st = mlp_path_join(path, dir, "space.ini", err);
    if (st == MLP_OK) st = mlp_atomic_write_text(path, text, err);
    free(text);
    return st;
}

/* A whole number from min to max held by key. */
static bool count_item(const cJSON *json, const char *key, size_t min, size_t max, size_t *out) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, key);
    if (!cJSON_IsNumber(item)) return false;
    double v = item->valuedouble;
    if (!(v >= (double)min && v <= (double)max) || v != floor(v)) return false;
    *out = (size_t)v;
    return true;
}

mlp_status mlp_tune_parse_options(const char *text, const char *name, mlp_tune_saved_options *saved,
                                  mlp_error *err) {
    *saved = (mlp_tune_saved_options){0};
    cJSON *json = cJSON_Parse(text);
    if (!cJSON_IsObject(json)) {
        cJSON_Delete(json);
        return mlp_fail(err, MLP_ERR_FORMAT, "%s: not a JSON object", name);
    }
    const char *fault = NULL;
    const char *config = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "config"));
    const char *seed = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "seed"));
    const char *method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "method"));
    const cJSON *sampler = cJSON_GetObjectItemCaseSensitive(json, "sampler");
    const cJSON *metric = cJSON_GetObjectItemCaseSensitive(json, "metric");
    const char *sampler_name = sampler ? cJSON_GetStringValue(sampler) : "random";
    const char *metric_name = metric ? cJSON_GetStringValue(metric) : "accuracy";
    const cJSON *sets = cJSON_GetObjectItemCaseSensitive(json, "sets");
    const cJSON *seconds = cJSON_GetObjectItemCaseSensitive(json, "max_seconds");
    char *end = NULL;
    errno = 0;
    unsigned long long seed_value = seed ? strtoull(seed, &end, 10) : 0;
    if (!config || !*config)
        fault = "config: expected a path";
    else if (!seed || !*seed || seed[0] == '-' || *end || errno)
        fault = "seed: expected a whole number as a string";
    else if (!method || (strcmp(method, "asha") != 0 && strcmp(method, "random") != 0))
        fault = "method: expected \"asha\" or \"random\"";
    else if (!sampler_name ||
             (strcmp(sampler_name, "random") != 0 && strcmp(sampler_name, "halton") != 0))
        fault = "sampler: expected \"random\" or \"halton\"";
    else if (!metric_name ||
             (strcmp(metric_name, "accuracy") != 0 && strcmp(metric_name, "loss") != 0))
        fault = "metric: expected \"accuracy\" or \"loss\"";
    else if (!cJSON_IsArray(sets))
        fault = "sets: expected an array of strings";
    else if (!count_item(json, "min_epochs", 1, 1000000, &saved->min_epochs))
        fault = "min_epochs: expected a whole number from 1 to 1000000";
    else if (!count_item(json, "eta", 2, 1000, &saved->eta))
        fault = "eta: expected a whole number from 2 to 1000";
    else if (!count_item(json, "jobs", 1, 1000, &saved->jobs))
        fault = "jobs: expected a whole number from 1 to 1000";
    else if (!count_item(json, "threads", 0, 1000000, &saved->threads))
        fault = "threads: expected a whole number";
    else if (!count_item(json, "max_trials", 0, 1000000, &saved->max_trials))
        fault = "max_trials: expected a whole number from 0 to 1000000";
    else if (!cJSON_IsNumber(seconds) ||
             !(seconds->valuedouble >= 0 && seconds->valuedouble <= 1e9))
        fault = "max_seconds: expected a number from 0 to 1e9";
    else if (saved->max_trials == 0 && seconds->valuedouble == 0)
        fault = "the budget needs max_trials or max_seconds above 0";
    mlp_status st = MLP_OK;
    if (fault) {
        st = mlp_fail(err, MLP_ERR_FORMAT, "%s: %s", name, fault);
    } else {
        saved->seed = (uint64_t)seed_value;
        saved->random_search = strcmp(method, "random") == 0;
        saved->sampler =
            strcmp(sampler_name, "halton") == 0 ? MLP_TUNE_SAMPLER_HALTON : MLP_TUNE_SAMPLER_RANDOM;
        saved->metric =
            strcmp(metric_name, "loss") == 0 ? MLP_TUNE_METRIC_LOSS : MLP_TUNE_METRIC_ACCURACY;
        saved->max_seconds = seconds->valuedouble;
        size_t n = (size_t)cJSON_GetArraySize(sets);
        saved->config = mlp_copy_string(config, err);
        saved->sets = mlp_calloc(n + 1, sizeof *saved->sets, err);
        st = saved->config && saved->sets ? MLP_OK : MLP_ERR_MEMORY;
        for (size_t i = 0; i < n && st == MLP_OK; i++) {
            const char *set = cJSON_GetStringValue(cJSON_GetArrayItem(sets, (int)i));
            if (!set || !strchr(set, '=')) {
                st =
                    mlp_fail(err, MLP_ERR_FORMAT, "%s: sets[%zu]: expected \"KEY=VALUE\"", name, i);
                break;
            }
            saved->sets[i] = mlp_copy_string(set, err);
            if (!saved->sets[i]) st = MLP_ERR_MEMORY;
            saved->num_sets = i + 1;
        }
    }
    cJSON_Delete(json);
    if (st != MLP_OK) mlp_tune_saved_options_free(saved);
    return st;
}

mlp_status mlp_tune_load_options(const char *dir, mlp_tune_saved_options *saved, mlp_error *err) {
    *saved = (mlp_tune_saved_options){0};
    char path[PATH_MAX], *text = NULL;
    MLP_TRY(mlp_path_join(path, dir, "tune.json", err));
    MLP_TRY(mlp_read_file(path, MAX_OPTIONS_BYTES, &text, NULL, err));
    mlp_status st = mlp_tune_parse_options(text, path, saved, err);
    free(text);
    return st;
}

/* A number, or NaN for null. */
static bool figure(const cJSON *json, const char *key, double *value) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, key);
    if (cJSON_IsNull(item)) {
        *value = NAN;
        return true;
    }
    if (!cJSON_IsNumber(item)) return false;
    *value = item->valuedouble;
    return true;
}

static const char *parse_event(const cJSON *json, mlp_tune_event *e) {
    *e = (mlp_tune_event){0};
    e->outcome = (mlp_sweep_outcome){NAN, NAN, NAN, NAN, NAN, "", NAN};
    if (!cJSON_IsObject(json)) return "not a JSON object";
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "event"));
    size_t k = 0;
    while (kind && k < sizeof event_names / sizeof *event_names && strcmp(kind, event_names[k]))
        k++;
    if (!kind || k == sizeof event_names / sizeof *event_names)
        return "event: expected start, end, fail, stop or done";
    e->kind = (mlp_tune_event_kind)k;
    if (!figure(json, "elapsed", &e->elapsed) || !(e->elapsed >= 0 && e->elapsed < 1e12))
        return "elapsed: expected a number of seconds";
    if (e->kind == MLP_TUNE_EVENT_DONE) {
        const char *reason = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "reason"));
        if (!reason || (strcmp(reason, "complete") != 0 && strcmp(reason, "budget") != 0))
            return "reason: expected \"complete\" or \"budget\"";
        e->budget = strcmp(reason, "budget") == 0;
        return NULL;
    }
    if (!count_item(json, "trial", 1, 1000000, &e->trial))
        return "trial: expected a whole number from 1 to 1000000";
    e->trial--;
    if (!count_item(json, "rung", 0, 31, &e->rung))
        return "rung: expected a whole number from 0 to 31";
    mlp_sweep_outcome *o = &e->outcome;
    if (e->kind == MLP_TUNE_EVENT_STOP && !figure(json, "epochs", &o->epochs))
        return "epochs: expected a number or null";
    if (e->kind == MLP_TUNE_EVENT_END) {
        if (!figure(json, "epochs", &o->epochs) ||
            !figure(json, "val_accuracy", &o->final_val_accuracy) ||
            !figure(json, "best_val_accuracy", &o->best_val_accuracy) ||
            !figure(json, "test_accuracy", &o->test_accuracy) ||
            !figure(json, "seconds", &o->seconds))
            return "end: epochs, val_accuracy, best_val_accuracy, test_accuracy and seconds "
                   "must be numbers or null";
        if (isnan(o->final_val_accuracy)) return "end: val_accuracy must be a number";
        o->final_val_loss = NAN;
        if (cJSON_GetObjectItemCaseSensitive(json, "val_loss") &&
            !figure(json, "val_loss", &o->final_val_loss))
            return "end: val_loss must be a number or null";
    }
    return NULL;
}

mlp_status mlp_tune_journal_parse(const char *text, const char *name, mlp_tune_event **events,
                                  size_t *count, mlp_error *err) {
    *events = NULL;
    *count = 0;
    size_t lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    mlp_tune_event *list = mlp_calloc(lines + 1, sizeof *list, err);
    if (!list) return MLP_ERR_MEMORY;
    size_t n = 0, line = 0;
    for (const char *start = text; *start;) {
        const char *newline = strchr(start, '\n');
        if (!newline) break; /* a write cut short */
        line++;
        size_t length = (size_t)(newline - start);
        char *copy = malloc(length + 1);
        if (!copy) {
            free(list);
            return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
        }
        memcpy(copy, start, length);
        copy[length] = '\0';
        start = newline + 1;
        if (!*mlp_trim(copy)) {
            free(copy);
            continue;
        }
        cJSON *json = cJSON_Parse(copy);
        free(copy);
        const char *fault = json ? parse_event(json, &list[n]) : "malformed JSON";
        cJSON_Delete(json);
        if (fault) {
            free(list);
            return mlp_fail(err, MLP_ERR_FORMAT, "%s:%zu: %s", name, line, fault);
        }
        list[n++].line = line;
    }
    *events = list;
    *count = n;
    return mlp_ok(err);
}

mlp_status mlp_tune_journal_read(const char *dir, mlp_tune_event **events, size_t *count,
                                 mlp_error *err) {
    *events = NULL;
    *count = 0;
    char path[PATH_MAX], *text = NULL;
    MLP_TRY(mlp_path_join(path, dir, "journal.jsonl", err));
    if (access(path, F_OK) != 0) return mlp_ok(err);
    MLP_TRY(mlp_read_file(path, MAX_JOURNAL_BYTES, &text, NULL, err));
    mlp_status st = mlp_tune_journal_parse(text, path, events, count, err);
    free(text);
    return st;
}

mlp_status mlp_tune_journal_open(const char *dir, int *fd, mlp_error *err) {
    char path[PATH_MAX], *text = NULL;
    size_t size = 0;
    MLP_TRY(mlp_path_join(path, dir, "journal.jsonl", err));
    *fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (*fd < 0) return mlp_fail(err, MLP_ERR_IO, "%s: %s", path, strerror(errno));
    /* One tune at a time appends (a lock the kernel drops when the process ends, even killed). */
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(*fd, F_SETLK, &lock) != 0) {
        close(*fd);
        *fd = -1;
        return mlp_fail(err, MLP_ERR_STATE, "%s is in use by another mlp tune", path);
    }
    /* A line cut short by a kill goes, so that the next one starts a line of its own. */
    mlp_status st = mlp_read_file(path, MAX_JOURNAL_BYTES, &text, &size, err);
    size_t keep = size;
    while (st == MLP_OK && keep > 0 && text[keep - 1] != '\n')
        keep--;
    free(text);
    if (st == MLP_OK && keep < size && ftruncate(*fd, (off_t)keep) != 0)
        st = mlp_fail(err, MLP_ERR_IO, "%s: %s", path, strerror(errno));
    if (st != MLP_OK) {
        close(*fd);
        *fd = -1;
    }
    return st;
}

static bool add_figure(cJSON *json, const char *key, double value) {
    return isnan(value) ? cJSON_AddNullToObject(json, key) != NULL
                        : cJSON_AddNumberToObject(json, key, value) != NULL;
}

mlp_status mlp_tune_journal_append(int fd, const mlp_tune_event *e, mlp_error *err) {
    cJSON *json = cJSON_CreateObject();
    bool ok = json && cJSON_AddStringToObject(json, "event", event_names[e->kind]);
    if (e->kind == MLP_TUNE_EVENT_DONE) {
        ok = ok && cJSON_AddStringToObject(json, "reason", e->budget ? "budget" : "complete");
    } else {
        ok = ok && cJSON_AddNumberToObject(json, "trial", (double)(e->trial + 1)) &&
             cJSON_AddNumberToObject(json, "rung", (double)e->rung);
    }
    ok = ok && cJSON_AddNumberToObject(json, "elapsed", e->elapsed);
    const mlp_sweep_outcome *o = &e->outcome;
    if (e->kind == MLP_TUNE_EVENT_STOP) ok = ok && add_figure(json, "epochs", o->epochs);
    if (e->kind == MLP_TUNE_EVENT_END)
        ok = ok && add_figure(json, "epochs", o->epochs) &&
             add_figure(json, "val_accuracy", o->final_val_accuracy) &&
             add_figure(json, "best_val_accuracy", o->best_val_accuracy) &&
             add_figure(json, "test_accuracy", o->test_accuracy) &&
             add_figure(json, "seconds", o->seconds) &&
             add_figure(json, "val_loss", o->final_val_loss);
    char *text = ok ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    if (!text) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    size_t length = strlen(text);
    char *line = realloc(text, length + 2);
    if (!line) {
        free(text);
        return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    }
    line[length] = '\n';
    line[length + 1] = '\0';
    /* One write: a line lands whole or (killed mid-way, at worst) without its newline. */
    ssize_t written = write(fd, line, length + 1);
    int saved_errno = errno;
    free(line);
    if (written != (ssize_t)(length + 1))
        return mlp_fail(err, MLP_ERR_IO, "journal.jsonl: %s",
                        written < 0 ? strerror(saved_errno) : "short write");
    if (fsync(fd) != 0)
        return mlp_fail(err, MLP_ERR_IO, "journal.jsonl: fsync: %s", strerror(errno));
    return mlp_ok(err);
}
