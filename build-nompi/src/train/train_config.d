build-nompi/src/train/train_config.o: src/train/train_config.c \
 src/train/train_config.h src/io/config_file.h include/mlp.h \
 src/util/error.h
src/train/train_config.h:
src/io/config_file.h:
include/mlp.h:
src/util/error.h:
