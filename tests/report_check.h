/* Helpers for the picture tests: temporary folders and checks on the PNG files drawn. */
#ifndef MLP_TEST_REPORT_CHECK_H
#define MLP_TEST_REPORT_CHECK_H

#include "harness.h"
#include "support/image_png.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh folder under /tmp; remove it with remove_tree. */
static inline void make_temp_dir(char *path, size_t size) {
    snprintf(path, size, "/tmp/mlp-test-report-XXXXXX");
    CHECK(mkdtemp(path) != NULL);
}

static inline void remove_tree(const char *path) {
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", path);
    CHECK(system(command) == 0);
}

static inline void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK_MSG(f != NULL, "cannot create %s", path);
    fputs(text, f);
    fclose(f);
}

static inline bool file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The PNG at path is width x height and its inner area (inside a 10% margin) is not blank: at
 * least min_colors distinct colours. */
static inline void check_png(const char *path, size_t width, size_t height, size_t min_colors) {
    image_rgb image;
    mlp_error err;
    CHECK_MSG(image_png_read(&image, path, &err) == MLP_OK, "%s", err.message);
    size_t w = image.width, h = image.height;
    size_t colors = image_rgb_count_colors(&image, w / 10, h / 10, w - w / 10, h - h / 10, 64);
    image_rgb_free(&image);
    CHECK_MSG(w == width && h == height, "%s is %zux%zu, expected %zux%zu", path, w, h, width,
              height);
    CHECK_MSG(colors >= min_colors, "%s has %zu colours, expected at least %zu", path, colors,
              min_colors);
}

/* No file starting with prefix (e.g. a left-over temporary "out.png.tmp-...") exists in dir. */
static inline size_t count_files_starting(const char *dir, const char *prefix) {
    char command[512];
    snprintf(command, sizeof command, "ls -a '%s' | grep -c '^%s' ", dir, prefix);
    FILE *p = popen(command, "r");
    CHECK(p != NULL);
    size_t count = 0;
    CHECK(fscanf(p, "%zu", &count) == 1);
    pclose(p);
    return count;
}

#endif
