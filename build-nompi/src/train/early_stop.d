build-nompi/src/train/early_stop.o: src/train/early_stop.c include/mlp.h
include/mlp.h:
