build-nompi/src/sweep/outcome.o: src/sweep/outcome.c src/sweep/outcome.h \
 include/mlp.h src/util/error.h
src/sweep/outcome.h:
include/mlp.h:
src/util/error.h:
