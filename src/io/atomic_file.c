#include "io/atomic_file.h"

#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct mlp_atomic_file {
    char *path;      /* the target */
    char *temp_path; /* "<dir>/.<name>.tmp-<pid>-<nonce>" */
    FILE *stream;
};

/* The directory part of path ("." when it has none), malloc'ed. */
static char *directory_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* Creates a new temporary next to path with O_EXCL (mode 0666 less the umask, like the final
 * file would get), trying fresh names on collision. */
static int create_temporary(const char *path, char **temp_path, mlp_error *err) {
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    size_t size = strlen(path) + 64;
    char *name = malloc(size);
    if (!name) return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", path), -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    unsigned long nonce = (unsigned long)now.tv_nsec ^ ((unsigned long)(uintptr_t)name >> 4);
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(name, size, "%.*s.%s.tmp-%ld-%lx", (int)dir_len, path, base, (long)getpid(),
                 nonce + (unsigned long)attempt * 7919u);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *temp_path = name;
            return fd;
        }
        if (errno != EEXIST) {
            mlp_fail(err, MLP_ERR_IO, "%s: cannot create temporary file %s: %s", path, name,
                     strerror(errno));
            free(name);
            return -1;
        }
    }
    mlp_fail(err, MLP_ERR_IO, "%s: cannot find a free temporary file name", path);
    free(name);
    return -1;
}

static void release(mlp_atomic_file *file) {
    free(file->path);
    free(file->temp_path);
    free(file);
}

mlp_status mlp_atomic_file_open(mlp_atomic_file **file, const char *path, mlp_error *err) {
    *file = NULL;
    if (!path || !*path) return mlp_fail(err, MLP_ERR_ARGUMENT, "atomic file: empty path");
    mlp_atomic_file *f = mlp_calloc(1, sizeof *f, err);
    if (!f) return MLP_ERR_MEMORY;
    f->path = strdup(path);
    if (!f->path) {
        release(f);
        return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", path);
    }
    int fd = create_temporary(path, &f->temp_path, err);
    if (fd < 0) {
        release(f);
        return err ? err->status : MLP_ERR_IO;
    }
    f->stream = fdopen(fd, "wb");
    if (!f->stream) {
        mlp_status s = mlp_fail(err, MLP_ERR_IO, "%s: cannot open %s: %s", path, f->temp_path,
                                strerror(errno));
        close(fd);
        unlink(f->temp_path);
        release(f);
        return s;
    }
    *file = f;
    return mlp_ok(err);
}

FILE *mlp_atomic_file_stream(mlp_atomic_file *file) {
    return file->stream;
}

const char *mlp_atomic_file_path(const mlp_atomic_file *file) {
    return file->path;
}

void mlp_atomic_file_abort(mlp_atomic_file *file) {
    if (!file) return;
    if (file->stream) fclose(file->stream);
    unlink(file->temp_path);
    release(file);
}

/* fsync of the directory makes the rename durable; file systems that cannot sync a directory
 * (EINVAL) are accepted. */
static mlp_status sync_directory(const char *path, mlp_error *err) {
    char *dir = directory_of(path);
    if (!dir) return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", path);
    mlp_status status = MLP_OK;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
        status = mlp_fail(err, MLP_ERR_IO, "%s: written, but syncing directory %s failed: %s", path,
                          dir, strerror(errno));
    if (fd >= 0) close(fd);
    free(dir);
    return status;
}

mlp_status mlp_atomic_file_commit(mlp_atomic_file *file, mlp_error *err) {
    FILE *stream = file->stream;
    file->stream = NULL;
    const char *step = "writing";
    bool failed = fflush(stream) != 0 || ferror(stream);
    if (!failed) {
        step = "syncing";
        failed = fsync(fileno(stream)) != 0;
    }
    int saved_errno = errno;
    if (fclose(stream) != 0 && !failed) {
        step = "closing";
        failed = true;
        saved_errno = errno;
    }
    if (!failed && rename(file->temp_path, file->path) != 0) {
        step = "renaming";
        failed = true;
        saved_errno = errno;
    }
    if (failed) {
        mlp_status s = mlp_fail(err, MLP_ERR_IO, "%s: %s %s failed: %s (file left unchanged)",
                                file->path, step, file->temp_path, strerror(saved_errno));
        unlink(file->temp_path);
        release(file);
        return s;
    }
    mlp_status s = sync_directory(file->path, err);
    release(file);
    return s == MLP_OK ? mlp_ok(err) : s;
}

mlp_status mlp_atomic_write(const char *path, const void *data, size_t size, mlp_error *err) {
    mlp_atomic_file *file;
    MLP_TRY(mlp_atomic_file_open(&file, path, err));
    if (size && fwrite(data, 1, size, mlp_atomic_file_stream(file)) != size) {
        mlp_status s = mlp_fail(err, MLP_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        mlp_atomic_file_abort(file);
        return s;
    }
    return mlp_atomic_file_commit(file, err);
}

mlp_status mlp_atomic_write_text(const char *path, const char *text, mlp_error *err) {
    return mlp_atomic_write(path, text, strlen(text), err);
}
