#include "report/plot_lines.h"

#include "io/folders.h"
#include "io/metrics_log.h"
#include "util/error.h"
#include "util/text.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The rows of one run's metrics.csv. */
typedef struct {
    mlp_metrics_row *rows;
    size_t num_rows;
} metrics_table;

/* The value a curve of kind c takes from a row (NAN: none at that row). */
static double curve_value(const mlp_metrics_row *row, curve_kind c) {
    switch (c) {
    case CURVE_TRAIN_LOSS:
        return row->train_loss;
    case CURVE_VAL_LOSS:
        return row->val_loss;
    case CURVE_TRAIN_ACCURACY:
        return row->train_accuracy;
    default:
        return row->val_accuracy;
    }
}

static bool is_directory(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_metrics(const char *dir) {
    char path[PATH_MAX];
    if (mlp_path_join(path, dir, "metrics.csv", NULL) != MLP_OK) return false;
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The last component of a path, ignoring trailing slashes ("runs/lr-0.01/" -> "lr-0.01"). */
static char *folder_name(const char *path, mlp_error *err) {
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t begin = end;
    while (begin > 0 && path[begin - 1] != '/')
        begin--;
    char *name = mlp_calloc(end - begin + 1, 1, err);
    if (name) memcpy(name, path + begin, end - begin);
    return name;
}

typedef struct {
    char **names;
    size_t count;
} name_list;

static void name_list_free(name_list *list) {
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
    list->names = NULL;
    list->count = 0;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sub-folders of dir (hidden ones skipped), sorted by name. */
static mlp_status list_subfolders(const char *dir, name_list *list, mlp_error *err) {
    list->names = NULL;
    list->count = 0;
    DIR *d = opendir(dir);
    if (!d) return mlp_fail(err, MLP_ERR_IO, "%s: %s", dir, strerror(errno));
    size_t capacity = 0;
    mlp_status status = MLP_OK;
    for (struct dirent *entry; status == MLP_OK && (entry = readdir(d));) {
        if (entry->d_name[0] == '.') continue;
        char path[PATH_MAX];
        status = mlp_path_join(path, dir, entry->d_name, err);
        if (status != MLP_OK || !is_directory(path)) continue;
        if (list->count == capacity) {
            capacity = capacity ? 2 * capacity : 16;
            char **grown = realloc(list->names, capacity * sizeof *grown);
            if (!grown) {
                status = mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", dir);
                break;
            }
            list->names = grown;
        }
        list->names[list->count] = mlp_copy_string(entry->d_name, err);
        if (!list->names[list->count])
            status = MLP_ERR_MEMORY;
        else
            list->count++;
    }
    closedir(d);
    if (status != MLP_OK)
        name_list_free(list);
    else if (list->count)
        qsort(list->names, list->count, sizeof *list->names, compare_names);
    return status;
}

static void curve_free(curve *c) {
    free(c->step);
    free(c->epoch);
    free(c->mean);
    free(c->std);
    memset(c, 0, sizeof *c);
}

/* Point k of the curve averages the k-th row of each repeat where the column has a value. */
/* Whether a run logs rows every N steps (some epoch is fractional). */
static bool has_step_rows(const metrics_table *run) {
    for (size_t i = 0; i < run->num_rows; i++) {
        double epoch = run->rows[i].epoch;
        if (epoch != floor(epoch)) return true;
    }
    return false;
}

/* Whether row i of the run gives a point of the curve of kind `kind`. A run logged every N steps
 * has training values over the last N steps in its step rows but over the whole epoch in its
 * epoch rows: mixed, they would zigzag, so its training curves use the step rows only. */
static bool row_counts(const metrics_table *run, size_t i, curve_kind kind, bool step_rows) {
    const mlp_metrics_row *row = &run->rows[i];
    if (isnan(curve_value(row, kind))) return false;
    bool training = kind == CURVE_TRAIN_LOSS || kind == CURVE_TRAIN_ACCURACY;
    return !(training && step_rows && row->epoch == floor(row->epoch));
}

static mlp_status average_curve(curve *c, const metrics_table *runs, size_t num_runs,
                                curve_kind kind, mlp_error *err) {
    size_t longest = 0;
    for (size_t r = 0; r < num_runs; r++) {
        size_t n = 0;
        bool step_rows = has_step_rows(&runs[r]);
        for (size_t i = 0; i < runs[r].num_rows; i++)
            n += row_counts(&runs[r], i, kind, step_rows);
        if (n > longest) longest = n;
    }
    c->num_points = longest;
    c->step = mlp_calloc(longest, sizeof *c->step, err);
    c->epoch = mlp_calloc(longest, sizeof *c->epoch, err);
    c->mean = mlp_calloc(longest, sizeof *c->mean, err);
    c->std = mlp_calloc(longest, sizeof *c->std, err);
    size_t *count = mlp_calloc(longest, sizeof *count, err);
    double *sum_sq = mlp_calloc(longest, sizeof *sum_sq, err);
    if (!c->step || !c->epoch || !c->mean || !c->std || !count || !sum_sq) {
        free(count);
        free(sum_sq);
        curve_free(c);
        return MLP_ERR_MEMORY;
    }
    /* Welford's update per point: mean += d/n, M2 += d*(x - mean); std = sqrt(M2/(n-1)). */
    for (size_t r = 0; r < num_runs; r++) {
        size_t k = 0;
        bool step_rows = has_step_rows(&runs[r]);
        for (size_t i = 0; i < runs[r].num_rows; i++) {
            const mlp_metrics_row *row = &runs[r].rows[i];
            if (!row_counts(&runs[r], i, kind, step_rows)) continue;
            size_t n = ++count[k];
            double x = curve_value(row, kind);
            c->step[k] += ((double)row->step - c->step[k]) / (double)n;
            c->epoch[k] += (row->epoch - c->epoch[k]) / (double)n;
            double delta = x - c->mean[k];
            c->mean[k] += delta / (double)n;
            sum_sq[k] += delta * (x - c->mean[k]);
            k++;
        }
    }
    for (size_t k = 0; k < longest; k++)
        c->std[k] = count[k] > 1 ? sqrt(sum_sq[k] / (double)(count[k] - 1)) : 0.0;
    free(count);
    free(sum_sq);
    return MLP_OK;
}

/* Reads the metrics.csv of every folder in run_dirs and averages them into one line. */
static mlp_status load_line(plot_line *line, const char *name, char *const *run_dirs,
                            size_t num_runs, mlp_error *err) {
    memset(line, 0, sizeof *line);
    metrics_table *runs = mlp_calloc(num_runs, sizeof *runs, err);
    if (!runs) return MLP_ERR_MEMORY;
    mlp_status status = MLP_OK;
    for (size_t r = 0; r < num_runs && status == MLP_OK; r++) {
        char path[PATH_MAX];
        status = mlp_path_join(path, run_dirs[r], "metrics.csv", err);
        if (status == MLP_OK)
            status = mlp_metrics_read(path, &runs[r].rows, &runs[r].num_rows, err);
    }
    for (size_t c = 0; c < CURVE_COUNT && status == MLP_OK; c++)
        status = average_curve(&line->curves[c], runs, num_runs, (curve_kind)c, err);
    for (size_t r = 0; r < num_runs; r++)
        free(runs[r].rows);
    free(runs);
    line->repeats = num_runs;
    line->name = status == MLP_OK ? mlp_copy_string(name, err) : NULL;
    if (status == MLP_OK && !line->name) status = MLP_ERR_MEMORY;
    return status;
}

static mlp_status add_line(plot_lines *lines, const char *name, char *const *run_dirs,
                           size_t num_runs, mlp_error *err) {
    plot_line *grown = realloc(lines->lines, (lines->num_lines + 1) * sizeof *grown);
    if (!grown) return mlp_fail(err, MLP_ERR_MEMORY, "out of memory");
    lines->lines = grown;
    MLP_TRY(load_line(&lines->lines[lines->num_lines], name, run_dirs, num_runs, err));
    lines->num_lines++;
    if (num_runs > lines->max_repeats) lines->max_repeats = num_runs;
    return MLP_OK;
}

/* The repeat folders (those holding metrics.csv) of one combination folder; a combination folder
 * that holds metrics.csv itself counts as its only repeat. */
static mlp_status load_combination(plot_lines *lines, const char *sweep, const char *combination,
                                   mlp_error *err) {
    char dir[PATH_MAX];
    MLP_TRY(mlp_path_join(dir, sweep, combination, err));
    name_list repeats = {0};
    char **runs = NULL;
    size_t num_runs = 0;
    mlp_status status = MLP_OK;
    if (has_metrics(dir)) {
        char *runs_of_one[1] = {dir};
        status = add_line(lines, combination, runs_of_one, 1, err);
    } else {
        status = list_subfolders(dir, &repeats, err);
        if (status == MLP_OK) runs = mlp_calloc(repeats.count, sizeof *runs, err);
        if (status == MLP_OK && !runs) status = MLP_ERR_MEMORY;
        for (size_t i = 0; status == MLP_OK && i < repeats.count; i++) {
            char run[PATH_MAX];
            status = mlp_path_join(run, dir, repeats.names[i], err);
            if (status == MLP_OK && has_metrics(run)) {
                runs[num_runs] = mlp_copy_string(run, err);
                if (!runs[num_runs++]) status = MLP_ERR_MEMORY;
            }
        }
        if (status == MLP_OK && num_runs == 0)
            status = mlp_fail(err, MLP_ERR_IO,
                              "%s: no repeat folder with a metrics.csv (expected %s/<repeat>/"
                              "metrics.csv)",
                              dir, dir);
        if (status == MLP_OK) status = add_line(lines, combination, runs, num_runs, err);
    }
    for (size_t i = 0; i < num_runs; i++)
        free(runs[i]);
    free(runs);
    name_list_free(&repeats);
    return status;
}

static mlp_status load_folder(plot_lines *lines, const char *dir, mlp_error *err) {
    struct stat st;
    if (stat(dir, &st) != 0) return mlp_fail(err, MLP_ERR_IO, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return mlp_fail(err, MLP_ERR_IO, "%s: not a folder", dir);
    if (has_metrics(dir)) {
        char *name = folder_name(dir, err);
        if (!name) return MLP_ERR_MEMORY;
        char *runs[1] = {(char *)dir};
        mlp_status status = add_line(lines, name, runs, 1, err);
        free(name);
        return status;
    }
    name_list combinations;
    MLP_TRY(list_subfolders(dir, &combinations, err));
    mlp_status status = MLP_OK;
    if (combinations.count == 0)
        status = mlp_fail(err, MLP_ERR_IO,
                          "%s: no metrics.csv (not a run folder) and no sub-folders (not a sweep "
                          "folder DIR/<combination>/<repeat>/)",
                          dir);
    for (size_t i = 0; status == MLP_OK && i < combinations.count; i++)
        status = load_combination(lines, dir, combinations.names[i], err);
    name_list_free(&combinations);
    return status;
}

/* Two runs given as a/run and b/run would share a legend entry: name them by their paths. */
static mlp_status disambiguate(plot_lines *lines, const char *const *dirs, mlp_error *err) {
    bool *shared = mlp_calloc(lines->num_lines, sizeof *shared, err);
    if (!shared) return MLP_ERR_MEMORY;
    for (size_t i = 0; i < lines->num_lines; i++)
        for (size_t j = i + 1; j < lines->num_lines; j++)
            if (strcmp(lines->lines[i].name, lines->lines[j].name) == 0)
                shared[i] = shared[j] = true;
    mlp_status status = MLP_OK;
    for (size_t i = 0; i < lines->num_lines && status == MLP_OK; i++) {
        if (!shared[i]) continue;
        char *path = mlp_copy_string(dirs[i], err);
        if (!path)
            status = MLP_ERR_MEMORY;
        else {
            free(lines->lines[i].name);
            lines->lines[i].name = path;
        }
    }
    free(shared);
    return status;
}

/* Whether the comma-separated setting [part, part + len) appears in every line's name. */
static bool setting_everywhere(const plot_lines *lines, const char *part, size_t len) {
    for (size_t i = 0; i < lines->num_lines; i++) {
        bool found = false;
        for (const char *s = lines->lines[i].name; !found;) {
            size_t n = strcspn(s, ",");
            found = n == len && memcmp(s, part, len) == 0;
            if (s[n] == '\0') break;
            s += n + 1;
        }
        if (!found) return false;
    }
    return true;
}

/* Sweep combinations are named by all their settings ("optimizer.kind=adam,schedule.lr=0.01"):
 * the settings every line shares say nothing in a legend, so they are dropped from the names
 * (a name left empty stays whole). */
static mlp_status drop_shared_settings(plot_lines *lines, mlp_error *err) {
    if (lines->num_lines < 2) return MLP_OK;
    for (size_t i = 0; i < lines->num_lines; i++)
        if (!strchr(lines->lines[i].name, '=')) return MLP_OK;
    char **shorter = mlp_calloc(lines->num_lines, sizeof *shorter, err);
    if (!shorter) return MLP_ERR_MEMORY;
    mlp_status status = MLP_OK;
    for (size_t i = 0; i < lines->num_lines && status == MLP_OK; i++) {
        const char *s = lines->lines[i].name;
        char *out = shorter[i] = mlp_calloc(strlen(s) + 1, 1, err);
        if (!out) {
            status = MLP_ERR_MEMORY;
            break;
        }
        for (;;) {
            size_t len = strcspn(s, ",");
            if (!setting_everywhere(lines, s, len)) {
                if (out != shorter[i]) *out++ = ',';
                memcpy(out, s, len);
                out += len;
            }
            if (s[len] == '\0') break;
            s += len + 1;
        }
    }
    for (size_t i = 0; i < lines->num_lines; i++) {
        if (status == MLP_OK && shorter[i][0]) {
            free(lines->lines[i].name);
            lines->lines[i].name = shorter[i];
        } else {
            free(shorter[i]);
        }
    }
    free(shorter);
    return status;
}

mlp_status plot_lines_load(plot_lines *lines, const char *const *dirs, size_t num_dirs,
                           mlp_error *err) {
    memset(lines, 0, sizeof *lines);
    if (!dirs || num_dirs == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "no run folder given to plot");
    mlp_status status = MLP_OK;
    for (size_t i = 0; i < num_dirs && status == MLP_OK; i++) {
        if (!dirs[i])
            status = mlp_fail(err, MLP_ERR_ARGUMENT, "run folder %zu is NULL", i);
        else
            status = load_folder(lines, dirs[i], err);
    }
    /* With one line per folder given (no sweep), line i comes from dirs[i]. */
    if (status == MLP_OK && lines->num_lines == num_dirs) status = disambiguate(lines, dirs, err);
    if (status == MLP_OK) status = drop_shared_settings(lines, err);
    if (status != MLP_OK) plot_lines_free(lines);
    return status == MLP_OK ? mlp_ok(err) : status;
}

void plot_lines_free(plot_lines *lines) {
    if (!lines) return;
    for (size_t i = 0; i < lines->num_lines; i++) {
        free(lines->lines[i].name);
        for (size_t c = 0; c < CURVE_COUNT; c++)
            curve_free(&lines->lines[i].curves[c]);
    }
    free(lines->lines);
    memset(lines, 0, sizeof *lines);
}
