build-nompi/src/report/evaluation.o: src/report/evaluation.c \
 include/mlp.h src/util/error.h
include/mlp.h:
src/util/error.h:
