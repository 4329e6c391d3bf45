build-asan/tests/test_error: tests/test_error.c tests/harness.h \
 src/util/error.h include/mlp.h
tests/harness.h:
src/util/error.h:
include/mlp.h:
