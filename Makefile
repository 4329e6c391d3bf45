# mlp: `make` builds libmlp.a and the `mlp` command into build/; `make test` builds and runs every
# test program three times (plainly, under AddressSanitizer + UndefinedBehaviorSanitizer, and
# without the AVX-512 kernels), the end-to-end scripts once, and ends with the line
# "N passed, N failed, N skipped". Both first install missing Debian packages (scripts/install-deps.sh).
#
# Layout: every .c under src/ except src/cli/ goes into the library; src/cli/ is the command;
# tests/test_*.c are test programs (tests/harness.h), tests/test_*.sh are end-to-end test scripts;
# fuzz/fuzz_*.c are libFuzzer targets (`make fuzz`, `make fuzz-smoke`).

CC ?= cc
BUILD ?= build
OPT ?= -O3 -g
SAN ?=
CPPFLAGS += -Iinclude -Isrc -I/usr/include/plplot -D_POSIX_C_SOURCE=200809L
# -fno-math-errno: the library never reads errno after sqrtf/expf/logf, and without it gcc cannot
# vectorise loops that call them (Adam's update took 3x longer).
CFLAGS += -std=c11 -Wall -Wextra -Werror -fno-math-errno $(OPT) $(SAN) -MMD -MP
LDLIBS += -lopenblas -lmatio -lz -lcjson -linih -lplplot -lpng -lm -lpthread
LDFLAGS += $(SAN)

# PORTABLE=1 leaves out the AVX-512 kernels (src/core/sgemm_avx512.c compiles its stubs), so every
# product goes through cblas_sgemm as on a CPU without AVX-512; `make test` checks that path too.
PORTABLE ?= 0
ifeq ($(PORTABLE),1)
CPPFLAGS += -DMLP_PORTABLE
endif

# MPI (OpenMPI): MPI=1 builds `mpirun -np N mlp train|sweep` support (src/mpi/world_mpi.c); MPI=0
# builds without any MPI (src/mpi/world_none.c). Default: 1 when mpicc is found.
MPI ?= $(if $(shell command -v mpicc 2>/dev/null),1,0)
ifeq ($(MPI),1)
MPI_CPPFLAGS := $(shell mpicc --showme:compile)
LDLIBS += $(shell mpicc --showme:link)
WORLD_SRC := src/mpi/world_mpi.c
else
WORLD_SRC := src/mpi/world_none.c
endif

LIB_SRC := $(sort $(shell find src -name '*.c' ! -path 'src/cli/*' ! -path 'src/mpi/world_*') $(WORLD_SRC))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_SH := $(sort $(wildcard tests/test_*.sh))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
BENCH_BIN := $(BUILD)/bench/mlp_bench $(BUILD)/bench/sgemm_peak $(BUILD)/bench/product_rates

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all deps lib test tests asan fuzz fuzz-smoke data format clean demo bench bench-smoke python bench-python
all: deps $(BUILD)/mlp

deps:
	@./scripts/install-deps.sh

lib: $(BUILD)/libmlp.a $(BUILD)/lib/libmlp.so

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/src/mpi/world_mpi.o: CPPFLAGS += $(MPI_CPPFLAGS)

$(BUILD)/libmlp.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The shared library (the Python package loads it): the library's objects compiled
# position-independent in their own flavour, $(BUILD)-pic, linked whole.
$(BUILD)/lib/libmlp.so: FORCE
	$(MAKE) BUILD=$(BUILD)-pic OPT="$(OPT) -fPIC" $(BUILD)-pic/libmlp.a
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ -Wl,--whole-archive $(BUILD)-pic/libmlp.a -Wl,--no-whole-archive \
	  $(LDFLAGS) $(LDLIBS)

FORCE:

$(BUILD)/mlp: $(CLI_OBJ) $(BUILD)/libmlp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libmlp.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libmlp.a $(LDFLAGS) $(LDLIBS)

# Test programs and the command, for one build flavour (used by `test` for both flavours).
tests: $(TEST_BIN) $(BUILD)/mlp $(BENCH_BIN)

# The sanitizer flavour lives in $(BUILD)-asan so the two never mix objects.
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: deps
	$(MAKE) BUILD=$(BUILD)-asan SAN="$(ASAN_FLAGS)" OPT="-O1 -g" tests

# End-to-end scripts get the command to test in $MLP (plain build) and run once.
# The test programs run a third time in $(BUILD)-portable, without the AVX-512 kernels.
test: deps
	$(MAKE) tests
	$(MAKE) python
	$(MAKE) BUILD=$(BUILD)-asan SAN="$(ASAN_FLAGS)" OPT="-O1 -g" tests
	$(MAKE) BUILD=$(BUILD)-portable PORTABLE=1 OPT="-O1 -g" $(TEST_BIN:$(BUILD)/%=$(BUILD)-portable/%)
	@MLP=$(CURDIR)/$(BUILD)/mlp ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ./tests/run.sh $(TEST_BIN) $(TEST_BIN:$(BUILD)/%=$(BUILD)-asan/%) \
	  $(TEST_BIN:$(BUILD)/%=$(BUILD)-portable/%) $(TEST_SH)

# The Python package (python/, docs/python.md) installed into .venv offline, from Debian's
# packages only; tests/test_python.sh runs its pytest suite with that interpreter.
PYTHON ?= /usr/bin/python3
python: deps
	$(PYTHON) -m venv --system-site-packages .venv && .venv/bin/pip install --no-build-isolation ./python

# mlp.MLPClassifier against scikit-learn's on Fashion-MNIST (docs/performance.md, "From Python").
bench-python: python $(BUILD)/mlp
	.venv/bin/python bench/python_sklearn.py --mlp $(BUILD)/mlp

FUZZ_BUILD ?= $(BUILD)-fuzz
# libFuzzer targets, built with clang against a sanitized library compiled by clang.
fuzz: deps
	$(MAKE) CC=clang BUILD=$(FUZZ_BUILD) FUZZ_BUILD=$(FUZZ_BUILD) SAN="-fsanitize=fuzzer-no-link,address,undefined" \
	  OPT="-O1 -g" $(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/fuzz/%)

$(FUZZ_BUILD)/fuzz/%: fuzz/%.c $(FUZZ_BUILD)/libmlp.a
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(FUZZ_BUILD)/libmlp.a $(LDLIBS)

# A few seconds per target over the committed seed corpus: a regression check, not a campaign.
FUZZ_SECONDS ?= 10
fuzz-smoke: fuzz
	@for f in $(FUZZ_SRC:fuzz/%.c=%); do \
	  echo "== $$f"; mkdir -p $(FUZZ_BUILD)/corpus/$$f; \
	  $(FUZZ_BUILD)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 \
	    $(FUZZ_BUILD)/corpus/$$f fuzz/corpus/$$f || exit 1; \
	done

# The benchmark (bench/run.sh, docs/performance.md): mlp against PyTorch and NumPy.
$(BUILD)/bench/mlp_bench: $(addprefix $(BUILD)/bench/,mlp_bench.o bench_common.o) $(BUILD)/libmlp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/sgemm_peak: $(BUILD)/bench/sgemm_peak.o $(BUILD)/bench/bench_common.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/product_rates: $(addprefix $(BUILD)/bench/,product_rates.o bench_common.o) $(BUILD)/libmlp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench:
	@MLP_BENCH_DEPS=1 ./scripts/install-deps.sh
	$(MAKE) $(BENCH_BIN)
	./bench/run.sh $(BUILD)

bench-smoke: deps
	$(MAKE) $(BENCH_BIN)
	./bench/run.sh --smoke $(BUILD)

data:
	@./scripts/get-data.sh

# A fresh machine to a trained default model: packages (with Fashion-MNIST), build, train, report.
FASHION := /usr/share/datasets/fashion-mnist
demo: all
	$(BUILD)/mlp train examples/fashion-mnist.ini --out runs/fashion-mnist
	$(BUILD)/mlp eval runs/fashion-mnist \
	  $(FASHION)/t10k-images-idx3-ubyte.gz,$(FASHION)/t10k-labels-idx1-ubyte.gz

format:
	clang-format -i $$(find include src tests fuzz bench -name '*.[ch]')

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-pic $(FUZZ_BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(wildcard $(BUILD)/bench/*.d)
