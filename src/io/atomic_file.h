/* Files written whole or not at all: the content goes to a temporary file in the target's
 * directory, which is flushed, fsync'ed and renamed over the target, and the directory is
 * fsync'ed so the rename itself survives a crash. A failure at any step (or a process killed
 * mid-write) leaves the previous target untouched; the temporary is removed on failure. */
#ifndef MLP_IO_ATOMIC_FILE_H
#define MLP_IO_ATOMIC_FILE_H

#include "mlp.h"

#include <stddef.h>
#include <stdio.h>

typedef struct mlp_atomic_file mlp_atomic_file;

/* Creates the temporary "<dir>/.<name>.tmp-XXXXXX" next to path and opens it for writing. */
mlp_status mlp_atomic_file_open(mlp_atomic_file **file, const char *path, mlp_error *err);

/* The stream to write the content to (buffered stdio; errors are detected at commit). */
FILE *mlp_atomic_file_stream(mlp_atomic_file *file);

/* The target path given to mlp_atomic_file_open (for messages). */
const char *mlp_atomic_file_path(const mlp_atomic_file *file);

/* Flushes, fsyncs, closes, renames over the target and fsyncs the directory. Always releases
 * file; on failure the temporary is removed and the target is left as it was. */
mlp_status mlp_atomic_file_commit(mlp_atomic_file *file, mlp_error *err);

/* Closes and removes the temporary without touching the target; releases file (NULL is fine). */
void mlp_atomic_file_abort(mlp_atomic_file *file);

/* Writes size bytes of data to path atomically (open, write, commit). */
mlp_status mlp_atomic_write(const char *path, const void *data, size_t size, mlp_error *err);

/* Writes a NUL-terminated text to path atomically. */
mlp_status mlp_atomic_write_text(const char *path, const char *text, mlp_error *err);

#endif
