#!/bin/sh
# Installs the Debian packages mlp builds, tests and benchmarks with. Idempotent: it only calls
# apt-get when something is missing, so `make` and `make test` can run it every time.
set -eu
packages="build-essential clang libclang-rt-14-dev libopenblas-dev zlib1g-dev libmatio-dev
libinih-dev libcjson-dev libplplot-dev plplot-driver-cairo libpng-dev openmpi-bin libopenmpi-dev
dataset-fashion-mnist python3-dev python3-venv python3-pip python3-setuptools python3-numpy
python3-sklearn python3-pandas python3-pytest libprotobuf-c-dev protobuf-c-compiler python3-onnx pkg-config"
if [ "${MLP_BENCH_DEPS:-0}" = 1 ]; then packages="$packages python3-torch python3-numpy"; fi
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# npm (for the real-digits package) may come with a non-Debian Node.js; only install it if absent.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $missing >&2
