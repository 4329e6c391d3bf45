build-nompi/src/sweep/plan.o: src/sweep/plan.c src/sweep/plan.h \
 include/mlp.h src/sweep/grid.h src/util/error.h
src/sweep/plan.h:
include/mlp.h:
src/sweep/grid.h:
src/util/error.h:
