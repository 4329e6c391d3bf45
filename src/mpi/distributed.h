/* The trainer's data-parallel hook for `mpirun -np N mlp train`: rank and size of the world, and
 * in-place sums over its processes (MPI_Allreduce in an MPI build). */
#ifndef MLP_MPI_DISTRIBUTED_H
#define MLP_MPI_DISTRIBUTED_H

#include "mlp.h"
#include "mpi/world.h"

/* The hook for world; it borrows world, which must outlive the training. */
mlp_distributed mlp_world_distributed(mlp_world *world);

#endif
