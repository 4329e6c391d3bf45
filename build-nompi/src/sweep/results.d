build-nompi/src/sweep/results.o: src/sweep/results.c src/sweep/results.h \
 include/mlp.h src/sweep/plan.h src/sweep/grid.h src/io/atomic_file.h \
 src/sweep/outcome.h src/util/error.h
src/sweep/results.h:
include/mlp.h:
src/sweep/plan.h:
src/sweep/grid.h:
src/io/atomic_file.h:
src/sweep/outcome.h:
src/util/error.h:
