build-nompi/src/mpi/world_none.o: src/mpi/world_none.c src/mpi/world.h \
 include/mlp.h src/util/error.h
src/mpi/world.h:
include/mlp.h:
src/util/error.h:
