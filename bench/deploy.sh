#!/bin/sh
# The figures of docs/deploy.md: a trained model exported to C as float and as int8, both compiled
# with `cc -std=c99 -O2`, against libmlp's own predict, one sample at a time on a labelled test
# set: accuracy, agreement, time per sample (bench/deploy_latency.c), and the bytes of constants
# (weights, scales, preparation) in each compiled object.
#
# usage: bench/deploy.sh RUN_OR_MODEL TEST_SOURCE [BUILD_DIR]
#   e.g. bench/deploy.sh runs/fashion-mnist \
#          /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz,/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
set -eu
[ $# -ge 2 ] || { echo "usage: bench/deploy.sh RUN_OR_MODEL TEST_SOURCE [BUILD_DIR]" >&2; exit 2; }
model=$1 test=$2 build=${3:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
[ -d "$model" ] && model=$model/last.safetensors
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-deploy-XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$build/mlp" export "$model" --format c --out "$dir" --name f
"$build/mlp" export "$model" --format c --out "$dir" --name q --quantize int8
for name in f q; do cc -std=c99 -O2 -c "$dir/$name.c" -o "$dir/$name.o"; done
mpi_libs=$(mpicc --showme:link 2> /dev/null || true)
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$root/include" -I"$dir" "$root/bench/deploy_latency.c" \
    "$dir/f.o" "$dir/q.o" "$build/libmlp.a" -lopenblas -lmatio -lz -lcjson -linih -lplplot \
    -lprotobuf-c -lm -lpthread $mpi_libs -o "$dir/deploy_latency"

echo "cc: $(cc --version | head -n 1); CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
for name in f q; do
    bytes=$(size -A "$dir/$name.o" | awk '/^\.rodata/ { s += $2 } END { print s }')
    echo "$name.o: $bytes bytes of constants; $(wc -c < "$dir/$name.c") bytes of source"
done
"$dir/deploy_latency" "$model" "$test" 5
