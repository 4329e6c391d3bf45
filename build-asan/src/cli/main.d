build-asan/src/cli/main.o: src/cli/main.c src/cli/commands.h \
 include/mlp.h
src/cli/commands.h:
include/mlp.h:
