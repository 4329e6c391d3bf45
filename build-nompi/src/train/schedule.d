build-nompi/src/train/schedule.o: src/train/schedule.c include/mlp.h \
 src/util/error.h
include/mlp.h:
src/util/error.h:
