/* The processes a command runs in (src/mpi/world.h). In an MPI build the test starts itself again
 * under `mpirun -np 2` (shared memory only) and checks the sums and the gather across the two
 * ranks; rank 0 reports. Without MPI (make MPI=0) it checks the world of one and skips the rest
 * with a message. Every rank makes every collective call before any CHECK, so a failed check on
 * one rank cannot leave the other waiting. */
#include "harness.h"
#include "mpi/distributed.h"
#include "mpi/world.h"

#include <stdlib.h>
#include <unistd.h>

static mlp_world *world;

/* The number of ranks for which `ok` holds, known to every rank. */
static int ranks_agreeing(bool ok) {
    double count = ok;
    if (mlp_world_sum_doubles(world, &count, 1, NULL) != MLP_OK) return -1;
    return (int)count;
}

static void test_sum_floats_in_place(void) {
    int rank = mlp_world_rank(world), size = mlp_world_size(world);
    enum { N = 1001 };
    float data[N];
    for (int i = 0; i < N; i++)
        data[i] = (float)(rank + 1) + 0.25f * (float)i;
    mlp_error err;
    bool ok = mlp_world_sum_floats(world, data, N, &err) == MLP_OK;
    /* sum over ranks r of (r + 1 + i/4) = size(size+1)/2 + size*i/4, exact in float here */
    for (int i = 0; ok && i < N; i++)
        ok = data[i] == (float)(size * (size + 1) / 2) + 0.25f * (float)(size * i);
    CHECK(ranks_agreeing(ok) == size);
}

static void test_sum_doubles_in_place(void) {
    int rank = mlp_world_rank(world), size = mlp_world_size(world);
    double data[3] = {rank == 0 ? 1e-3 : 0, 1.0 / 3.0, (double)rank};
    bool ok = mlp_world_sum_doubles(world, data, 3, NULL) == MLP_OK;
    ok = ok && data[0] == 1e-3 && data[1] == size * (1.0 / 3.0) &&
         data[2] == size * (size - 1) / 2.0;
    CHECK(ranks_agreeing(ok) == size);
}

static void test_gather_texts_on_rank_zero(void) {
    int rank = mlp_world_rank(world), size = mlp_world_size(world);
    char mine[64];
    /* Rank 1 sends an empty text: lengths may differ and be zero. */
    snprintf(mine, sizeof mine, rank == 1 ? "" : "text of rank %d", rank);
    char **texts = NULL;
    bool ok = mlp_world_gather_texts(world, mine, &texts, NULL) == MLP_OK;
    if (rank == 0) {
        ok = ok && texts && strcmp(texts[0], "text of rank 0") == 0;
        if (size > 1) ok = ok && strcmp(texts[1], "") == 0;
    } else {
        ok = ok && !texts;
    }
    mlp_world_free_texts(world, texts);
    CHECK(ranks_agreeing(ok) == size);
}

/* The trainer's hook: the world's rank and size, and sums through the context it carries. */
static void test_distributed_hook(void) {
    mlp_distributed d = mlp_world_distributed(world);
    float f[2] = {1.5f, (float)d.rank};
    double g = 0.5;
    bool ok =
        d.sum_floats(d.ctx, f, 2, NULL) == MLP_OK && d.sum_doubles(d.ctx, &g, 1, NULL) == MLP_OK;
    int size = mlp_world_size(world);
    ok = ok && d.rank == mlp_world_rank(world) && d.world_size == size;
    ok = ok && f[0] == 1.5f * (float)size && f[1] == (float)(size * (size - 1) / 2) &&
         g == 0.5 * size;
    CHECK(ranks_agreeing(ok) == size);
}

static void test_two_ranks_on_this_host(void) {
    if (mlp_world_size(world) == 1)
        SKIP("%s", mlp_world_has_mpi() ? "mpirun not found: only one process tested"
                                       : "built without MPI (make MPI=0): one process only");
    CHECK(mlp_world_size(world) == 2 && mlp_world_local_size(world) == 2);
    CHECK(ranks_agreeing(mlp_world_rank(world) < 2) == 2);
}

/* Starts this program again as two MPI ranks; returns only if that cannot be done. */
static void start_under_mpirun(const char *self) {
    if (!mlp_world_has_mpi() || getenv("OMPI_COMM_WORLD_SIZE") ||
        system("command -v mpirun "
               ">/dev/null 2>&1") != 0)
        return;
    /* OpenMPI allocates for the life of the process and frees little at MPI_Finalize: leak
     * reports from the sanitizer build would be about OpenMPI, not about mlp. */
    setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
    fflush(stdout);
    execlp("mpirun", "mpirun", "--allow-run-as-root", "-np", "2", "--mca", "btl", "self,vader",
           "-x", "ASAN_OPTIONS", self, (char *)NULL);
}

int main(int argc, char **argv) {
    (void)argc;
    start_under_mpirun(argv[0]);
    mlp_error err;
    if (mlp_world_start(&world, &argc, &argv, &err) != MLP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    /* Only rank 0 reports; the others' checks reach it through ranks_agreeing. */
    if (mlp_world_rank(world) != 0 && !freopen("/dev/null", "w", stdout)) return 1;
    RUN_TEST(test_sum_floats_in_place);
    RUN_TEST(test_sum_doubles_in_place);
    RUN_TEST(test_gather_texts_on_rank_zero);
    RUN_TEST(test_distributed_hook);
    RUN_TEST(test_two_ranks_on_this_host);
    int code = harness_finish();
    mlp_world_finish(world);
    return code;
}
