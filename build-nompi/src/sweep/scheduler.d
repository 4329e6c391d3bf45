build-nompi/src/sweep/scheduler.o: src/sweep/scheduler.c \
 src/sweep/scheduler.h include/mlp.h src/util/error.h
src/sweep/scheduler.h:
include/mlp.h:
src/util/error.h:
