build-nompi/src/util/error.o: src/util/error.c src/util/error.h \
 include/mlp.h
src/util/error.h:
include/mlp.h:
