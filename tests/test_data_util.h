/* Helpers for the data tests: a scratch folder, files written plain or gzip, error checks. */
#ifndef MLP_TEST_DATA_UTIL_H
#define MLP_TEST_DATA_UTIL_H

#include "harness.h"
#include "mlp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char scratch_dir[256];

/* A fresh folder under /tmp for this program's files (removed by scratch_cleanup). */
static inline void scratch_init(const char *name) {
    snprintf(scratch_dir, sizeof scratch_dir, "/tmp/mlp-%s-XXXXXX", name);
    if (!mkdtemp(scratch_dir)) {
        perror("mkdtemp");
        exit(1);
    }
}

static inline void scratch_cleanup(void) {
    char command[300];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch_dir);
    if (system(command) != 0) fprintf(stderr, "could not remove %s\n", scratch_dir);
}

/* The path of `name` in the scratch folder (a static buffer per call slot, 4 slots). */
static inline const char *scratch_path(const char *name) {
    static char paths[4][512];
    static int slot;
    char *p = paths[slot++ % 4];
    snprintf(p, 512, "%s/%s", scratch_dir, name);
    return p;
}

/* Writes n bytes to path, gzip-compressed when gzip is true. */
static inline void write_file(const char *path, const void *data, size_t n, int gzip) {
    if (gzip) {
        gzFile f = gzopen(path, "wb");
        if (!f || (n && gzwrite(f, data, (unsigned)n) != (int)n) || gzclose(f) != Z_OK) {
            fprintf(stderr, "cannot write %s\n", path);
            exit(1);
        }
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

static inline void write_text(const char *path, const char *text) {
    write_file(path, text, strlen(text), 0);
}

/* Loading `source` must fail with `status` and a message containing each of the fragments. */
#define CHECK_LOAD_FAILS(source, status_, ...)                                                     \
    do {                                                                                           \
        mlp_dataset *d_ = NULL;                                                                    \
        mlp_error e_ = {0};                                                                        \
        mlp_status s_ = mlp_dataset_load(&d_, (source), &e_);                                      \
        CHECK_MSG(s_ == (status_), "status %d (%s), message: %s", (int)s_, mlp_status_string(s_),  \
                  e_.message);                                                                     \
        CHECK(d_ == NULL);                                                                         \
        const char *fragments_[] = {__VA_ARGS__};                                                  \
        for (size_t f_ = 0; f_ < sizeof fragments_ / sizeof *fragments_; f_++)                     \
            CHECK_MSG(strstr(e_.message, fragments_[f_]) != NULL, "'%s' not in: %s",               \
                      fragments_[f_], e_.message);                                                 \
    } while (0)

/* A field of /proc/self/status in KiB ("VmRSS:", "VmHWM:" = peak), or -1. */
static inline long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0) kib = atol(line + n);
    if (f) fclose(f);
    return kib;
}

/* Memory figures mean little under AddressSanitizer (shadow memory, quarantine). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Loads source, failing the test with the message if it does not load. */
static inline mlp_dataset *load_ok(const char *source) {
    mlp_dataset *d = NULL;
    mlp_error e = {0};
    mlp_status s = mlp_dataset_load(&d, source, &e);
    if (s != MLP_OK) fprintf(stderr, "  load '%s': %s\n", source, e.message);
    return s == MLP_OK ? d : NULL;
}

#endif
