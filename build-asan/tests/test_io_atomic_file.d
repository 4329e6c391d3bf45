build-asan/tests/test_io_atomic_file: tests/test_io_atomic_file.c \
 tests/harness.h src/io/atomic_file.h include/mlp.h tests/io_test_files.h
tests/harness.h:
src/io/atomic_file.h:
include/mlp.h:
tests/io_test_files.h:
