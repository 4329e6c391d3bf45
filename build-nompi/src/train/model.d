build-nompi/src/train/model.o: src/train/model.c src/train/model_file.h \
 src/io/safetensors.h include/mlp.h src/util/error.h
src/train/model_file.h:
src/io/safetensors.h:
include/mlp.h:
src/util/error.h:
