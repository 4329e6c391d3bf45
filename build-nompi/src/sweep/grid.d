build-nompi/src/sweep/grid.o: src/sweep/grid.c src/sweep/grid.h \
 include/mlp.h src/util/error.h
src/sweep/grid.h:
include/mlp.h:
src/util/error.h:
