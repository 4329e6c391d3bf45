build-nompi/src/io/atomic_file.o: src/io/atomic_file.c \
 src/io/atomic_file.h include/mlp.h src/util/error.h
src/io/atomic_file.h:
include/mlp.h:
src/util/error.h:
