/* Evaluation of a classifier: mean loss, accuracy, and the confusion counts from which
 * per-class precision, recall and F1 follow. */
#include "mlp.h"
#include "util/error.h"
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mlp_evaluation {
    size_t num_classes;
    uint64_t count;
    double loss_sum;
    uint64_t *confusion; /* [actual * num_classes + predicted] */
};

mlp_status mlp_evaluation_new(mlp_evaluation **ev, size_t num_classes, mlp_error *err) {
    *ev = NULL;
    if (num_classes == 0 || num_classes > 100000)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "evaluation: %zu classes", num_classes);
    mlp_evaluation *e = mlp_calloc(1, sizeof *e, err);
    if (!e) return MLP_ERR_MEMORY;
    e->num_classes = num_classes;
    e->confusion = mlp_calloc(num_classes * num_classes, sizeof *e->confusion, err);
    if (!e->confusion) {
        free(e);
        return MLP_ERR_MEMORY;
    }
    *ev = e;
    return mlp_ok(err);
}

void mlp_evaluation_free(mlp_evaluation *ev) {
    if (!ev) return;
    free(ev->confusion);
    free(ev);
}

void mlp_evaluation_add(mlp_evaluation *ev, const int32_t *labels, const int32_t *predicted,
                        size_t n, double loss_sum) {
    for (size_t i = 0; i < n; i++)
        ev->confusion[(size_t)labels[i] * ev->num_classes + (size_t)predicted[i]]++;
    ev->count += n;
    ev->loss_sum += loss_sum;
}

size_t mlp_evaluation_num_classes(const mlp_evaluation *ev) {
    return ev->num_classes;
}

uint64_t mlp_evaluation_count(const mlp_evaluation *ev) {
    return ev->count;
}

double mlp_evaluation_loss(const mlp_evaluation *ev) {
    return ev->count ? ev->loss_sum / (double)ev->count : 0.0;
}

uint64_t mlp_evaluation_confusion(const mlp_evaluation *ev, size_t actual, size_t predicted) {
    return ev->confusion[actual * ev->num_classes + predicted];
}

static uint64_t correct(const mlp_evaluation *ev) {
    uint64_t c = 0;
    for (size_t k = 0; k < ev->num_classes; k++)
        c += mlp_evaluation_confusion(ev, k, k);
    return c;
}

double mlp_evaluation_accuracy(const mlp_evaluation *ev) {
    return ev->count ? (double)correct(ev) / (double)ev->count : 0.0;
}

/* Column sum (everything predicted as k) or row sum (everything truly k). */
static uint64_t predicted_as(const mlp_evaluation *ev, size_t k) {
    uint64_t s = 0;
    for (size_t a = 0; a < ev->num_classes; a++)
        s += mlp_evaluation_confusion(ev, a, k);
    return s;
}

static uint64_t support(const mlp_evaluation *ev, size_t k) {
    uint64_t s = 0;
    for (size_t p = 0; p < ev->num_classes; p++)
        s += mlp_evaluation_confusion(ev, k, p);
    return s;
}

static double ratio(uint64_t a, uint64_t b) {
    return b ? (double)a / (double)b : 0.0;
}

double mlp_evaluation_precision(const mlp_evaluation *ev, size_t k) {
    return ratio(mlp_evaluation_confusion(ev, k, k), predicted_as(ev, k));
}

double mlp_evaluation_recall(const mlp_evaluation *ev, size_t k) {
    return ratio(mlp_evaluation_confusion(ev, k, k), support(ev, k));
}

double mlp_evaluation_f1(const mlp_evaluation *ev, size_t k) {
    double p = mlp_evaluation_precision(ev, k), r = mlp_evaluation_recall(ev, k);
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

char *mlp_evaluation_report(const mlp_evaluation *ev, const char *const *class_names,
                            mlp_error *err) {
    mlp_text b = {0};
    size_t k_max = ev->num_classes;
    char name[32];
    int width = 5; /* class column width: the longest name, at least "class" */
    for (size_t k = 0; k < k_max; k++) {
        size_t n =
            class_names ? strlen(class_names[k]) : (size_t)snprintf(name, sizeof name, "%zu", k);
        if ((int)n > width) width = (int)n < 24 ? (int)n : 24;
    }
    mlp_text_append(&b, "samples   %llu\nloss      %.6g\naccuracy  %.4f (%llu/%llu)\n\n",
                    (unsigned long long)ev->count, mlp_evaluation_loss(ev),
                    mlp_evaluation_accuracy(ev), (unsigned long long)correct(ev),
                    (unsigned long long)ev->count);
    mlp_text_append(&b, "%-*s  precision  recall      f1  support\n", width, "class");
    double sums[3] = {0, 0, 0};
    for (size_t k = 0; k < k_max; k++) {
        snprintf(name, sizeof name, "%zu", k);
        double p = mlp_evaluation_precision(ev, k), r = mlp_evaluation_recall(ev, k),
               f = mlp_evaluation_f1(ev, k);
        sums[0] += p, sums[1] += r, sums[2] += f;
        mlp_text_append(&b, "%-*.*s  %9.4f  %6.4f  %6.4f  %7llu\n", width, 24,
                        class_names ? class_names[k] : name, p, r, f,
                        (unsigned long long)support(ev, k));
    }
    mlp_text_append(&b, "%-*s  %9.4f  %6.4f  %6.4f  %7llu\n\n", width, "mean",
                    sums[0] / (double)k_max, sums[1] / (double)k_max, sums[2] / (double)k_max,
                    (unsigned long long)ev->count);

    /* Columns as wide as the largest count or class name. */
    int cell = 3;
    for (size_t i = 0; i < k_max * k_max; i++) {
        int n = snprintf(name, sizeof name, "%llu", (unsigned long long)ev->confusion[i]);
        if (n > cell) cell = n;
    }
    for (size_t k = 0; k < k_max; k++) {
        int n = class_names ? (int)strlen(class_names[k]) : snprintf(name, sizeof name, "%zu", k);
        if (n > cell) cell = n < 12 ? n : 12;
    }
    mlp_text_append(&b, "confusion matrix (rows: true class, columns: predicted class)\n%*s", width,
                    "");
    for (size_t k = 0; k < k_max; k++) {
        snprintf(name, sizeof name, "%zu", k);
        mlp_text_append(&b, " %*.*s", cell, cell, class_names ? class_names[k] : name);
    }
    mlp_text_append(&b, "\n");
    for (size_t a = 0; a < k_max; a++) {
        snprintf(name, sizeof name, "%zu", a);
        mlp_text_append(&b, "%-*.*s", width, 24, class_names ? class_names[a] : name);
        for (size_t p = 0; p < k_max; p++)
            mlp_text_append(&b, " %*llu", cell,
                            (unsigned long long)mlp_evaluation_confusion(ev, a, p));
        mlp_text_append(&b, "\n");
    }
    char *report = mlp_text_finish(&b, err);
    if (report) mlp_ok(err);
    return report;
}
