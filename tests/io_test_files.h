/* File helpers shared by the tests of src/io: a fresh temporary directory, reading a whole file,
 * counting directory entries. */
#ifndef MLP_TESTS_IO_TEST_FILES_H
#define MLP_TESTS_IO_TEST_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes a new directory under $TMPDIR (or /tmp) and writes its path into dir. */
static inline int test_make_dir(char *dir, size_t size) {
    const char *base = getenv("TMPDIR");
    snprintf(dir, size, "%s/mlp-io-test-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) != NULL;
}

/* Removes a directory made by test_make_dir and every plain file in it. */
static inline void test_remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove(path);
    }
    closedir(d);
    remove(dir);
}

/* The number of entries in dir besides "." and "..". */
static inline int test_count_entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

/* The whole content of path, NUL-terminated, malloc'ed; NULL if it cannot be read. */
static inline char *test_read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) free(buf);
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (size) *size = n;
    return buf;
}

/* Writes size bytes to path (plainly, for setting up test inputs); 1 on success. */
static inline int test_write_file(const char *path, const void *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok;
}

#endif
