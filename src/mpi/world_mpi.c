/* The world of an MPI build: MPI_COMM_WORLD when started by an MPI launcher, else one process
 * without MPI at all (a plain `mlp train` does not pay for MPI_Init or need a launcher). */
#include "mpi/world.h"

#include "util/error.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mlp_world {
    bool mpi; /* MPI_Init was called by mlp_world_start */
    MPI_Comm comm;
    int rank, size, local_size;
};

bool mlp_world_has_mpi(void) {
    return true;
}

/* OpenMPI, MPICH (Hydra) and PMIx launchers set these in every process they start. */
static bool started_by_launcher(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

static mlp_status mpi_failed(int code, const char *what, mlp_error *err) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) snprintf(text, sizeof text, "?");
    return mlp_fail(err, MLP_ERR_IO, "MPI: %s failed: %s", what, text);
}

mlp_status mlp_world_start(mlp_world **world, int *argc, char ***argv, mlp_error *err) {
    mlp_world *w = mlp_calloc(1, sizeof *w, err);
    if (!w) return MLP_ERR_MEMORY;
    w->rank = 0;
    w->size = w->local_size = 1;
    if (started_by_launcher()) {
        int code = MPI_Init(argc, argv);
        if (code != MPI_SUCCESS) {
            free(w);
            return mpi_failed(code, "MPI_Init", err);
        }
        w->mpi = true;
        /* Errors come back as codes (reported through err) instead of aborting the job. */
        MPI_Comm_dup(MPI_COMM_WORLD, &w->comm);
        MPI_Comm_set_errhandler(w->comm, MPI_ERRORS_RETURN);
        MPI_Comm_rank(w->comm, &w->rank);
        MPI_Comm_size(w->comm, &w->size);
        MPI_Comm local;
        MPI_Comm_split_type(w->comm, MPI_COMM_TYPE_SHARED, w->rank, MPI_INFO_NULL, &local);
        MPI_Comm_size(local, &w->local_size);
        MPI_Comm_free(&local);
    }
    *world = w;
    return mlp_ok(err);
}

void mlp_world_finish(mlp_world *world) {
    if (!world) return;
    if (world->mpi) {
        MPI_Comm_free(&world->comm);
        MPI_Finalize();
    }
    free(world);
}

int mlp_world_rank(const mlp_world *world) {
    return world->rank;
}

int mlp_world_size(const mlp_world *world) {
    return world->size;
}

int mlp_world_local_size(const mlp_world *world) {
    return world->local_size;
}

/* MPI counts are int: large arrays go in chunks. */
static mlp_status sum_in_place(mlp_world *world, void *data, size_t n, MPI_Datatype type,
                               size_t element_size, mlp_error *err) {
    if (!world->mpi) return mlp_ok(err);
    for (size_t done = 0; done < n;) {
        size_t count = n - done < (size_t)INT_MAX ? n - done : (size_t)INT_MAX;
        int code = MPI_Allreduce(MPI_IN_PLACE, (char *)data + done * element_size, (int)count, type,
                                 MPI_SUM, world->comm);
        if (code != MPI_SUCCESS) return mpi_failed(code, "MPI_Allreduce", err);
        done += count;
    }
    return mlp_ok(err);
}

mlp_status mlp_world_sum_floats(mlp_world *world, float *data, size_t n, mlp_error *err) {
    return sum_in_place(world, data, n, MPI_FLOAT, sizeof *data, err);
}

mlp_status mlp_world_sum_doubles(mlp_world *world, double *data, size_t n, mlp_error *err) {
    return sum_in_place(world, data, n, MPI_DOUBLE, sizeof *data, err);
}

void mlp_world_free_texts(const mlp_world *world, char **texts) {
    if (!texts) return;
    for (int r = 0; r < world->size; r++)
        free(texts[r]);
    free(texts);
}

/* Rank 0's side of the gather: receives lengths[r] bytes from every rank into all[r]. */
static mlp_status receive_texts(mlp_world *world, const char *mine, int my_length, char **all,
                                mlp_error *err) {
    int size = world->size;
    int *lengths = calloc((size_t)size, sizeof *lengths);
    int *offsets = calloc((size_t)size, sizeof *offsets);
    /* The other ranks are already in the collectives (size > 1): failing here ends the job. */
    if (!lengths || !offsets) mlp_world_abort(world, 1);
    int code = MPI_Gather(&my_length, 1, MPI_INT, lengths, 1, MPI_INT, 0, world->comm);
    size_t total = 0;
    for (int r = 0; r < size; r++) {
        offsets[r] = (int)total;
        total += (size_t)lengths[r];
    }
    char *buffer = total < (size_t)INT_MAX ? malloc(total + 1) : NULL;
    if (code == MPI_SUCCESS && !buffer) mlp_world_abort(world, 1);
    if (code == MPI_SUCCESS)
        code = MPI_Gatherv(mine, my_length, MPI_CHAR, buffer, lengths, offsets, MPI_CHAR, 0,
                           world->comm);
    mlp_status status = code == MPI_SUCCESS ? MLP_OK : mpi_failed(code, "gathering results", err);
    for (int r = 0; r < size && status == MLP_OK; r++) {
        all[r] = malloc((size_t)lengths[r] + 1);
        if (!all[r]) {
            status = mlp_fail(err, MLP_ERR_MEMORY, "out of memory gathering results");
            break;
        }
        memcpy(all[r], buffer + offsets[r], (size_t)lengths[r]);
        all[r][lengths[r]] = '\0';
    }
    free(buffer);
    free(lengths);
    free(offsets);
    return status;
}

mlp_status mlp_world_gather_texts(mlp_world *world, const char *mine, char ***texts,
                                  mlp_error *err) {
    *texts = NULL;
    size_t length = strlen(mine);
    if (length >= (size_t)INT_MAX) mlp_world_abort(world, 1);
    if (world->rank != 0) {
        int my_length = (int)length;
        int code = MPI_Gather(&my_length, 1, MPI_INT, NULL, 1, MPI_INT, 0, world->comm);
        if (code == MPI_SUCCESS)
            code =
                MPI_Gatherv(mine, my_length, MPI_CHAR, NULL, NULL, NULL, MPI_CHAR, 0, world->comm);
        return code == MPI_SUCCESS ? mlp_ok(err) : mpi_failed(code, "gathering results", err);
    }
    char **all = mlp_calloc((size_t)world->size, sizeof *all, err);
    if (!all) mlp_world_abort(world, 1);
    mlp_status status = MLP_OK;
    if (world->size > 1)
        status = receive_texts(world, mine, (int)length, all, err);
    else if (!(all[0] = strdup(mine)))
        status = mlp_fail(err, MLP_ERR_MEMORY, "out of memory gathering results");
    if (status != MLP_OK) {
        mlp_world_free_texts(world, all);
        return status;
    }
    *texts = all;
    return mlp_ok(err);
}

void mlp_world_abort(mlp_world *world, int code) {
    if (world->mpi && world->size > 1) MPI_Abort(world->comm, code);
}
