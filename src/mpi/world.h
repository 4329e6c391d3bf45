/* The processes a command runs in: one, or the ranks of an MPI job started by `mpirun -np N`.
 *
 * Two implementations, chosen by the Makefile: world_mpi.c (built with `make MPI=1`, the default
 * when mpicc is found) and world_none.c (`make MPI=0`: no MPI anywhere in the build). Only the
 * first calls MPI, and only when the process was started by an MPI launcher; a command run
 * alone is a world of one process either way. */
#ifndef MLP_MPI_WORLD_H
#define MLP_MPI_WORLD_H

#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct mlp_world mlp_world;

/* True when this build can run on several processes through MPI. */
bool mlp_world_has_mpi(void);

/* Joins the MPI job when this process was started by an MPI launcher (MPI_Init), else makes a
 * world of one. A build without MPI started by a launcher with more than one process fails:
 * every copy would otherwise train alone and write the same files. */
mlp_status mlp_world_start(mlp_world **world, int *argc, char ***argv, mlp_error *err);

/* Leaves the MPI job (MPI_Finalize) and frees world; NULL is fine. */
void mlp_world_finish(mlp_world *world);

/* This process's rank (0 .. size-1), the number of processes, and how many of them run on this
 * host (to share its cores). */
int mlp_world_rank(const mlp_world *world);
int mlp_world_size(const mlp_world *world);
int mlp_world_local_size(const mlp_world *world);

/* Replaces data[0..n) on every process by its sum over all processes (MPI_Allreduce); every
 * process must call it with the same n. With one process it leaves data as it is. */
mlp_status mlp_world_sum_floats(mlp_world *world, float *data, size_t n, mlp_error *err);
mlp_status mlp_world_sum_doubles(mlp_world *world, double *data, size_t n, mlp_error *err);

/* Collects one NUL-terminated text from every process on rank 0: there *texts receives size
 * malloc'ed strings in rank order (free them with mlp_world_free_texts); elsewhere *texts is
 * NULL. Every process must call it. */
mlp_status mlp_world_gather_texts(mlp_world *world, const char *mine, char ***texts,
                                  mlp_error *err);
void mlp_world_free_texts(const mlp_world *world, char **texts);

/* Ends every process of the job with `code` after a failure that leaves the others waiting in
 * a collective call; with one process it only returns. */
void mlp_world_abort(mlp_world *world, int code);

#endif
