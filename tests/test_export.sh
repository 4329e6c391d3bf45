#!/bin/sh
# mlp export end to end, on every shipped example model and the default Fashion-MNIST model.
# ONNX: each file passes onnx.checker (Debian's python3-onnx) and, run by ONNX Runtime itself
# (npm onnxruntime-web under Node.js, installed by make data) on the model's test images, gives
# mlp predict's label on every sample and its probabilities within 1e-5.
# C: each model's float export, compiled by gcc and clang at -std=c99 -Wall -Wextra -Werror
# -pedantic with docs/deploy.md's example program, gives mlp predict's label on every test image;
# int8 keeps the accuracy within 0.5 point of float on the default model and 1 point on E5, with
# compiled constants at least 3.5x smaller.
# The examples are trained for one epoch (the check is the export, not accuracy); the default
# model and E5, whose int8 accuracy is checked, fully. What lacks its data or tool is skipped
# with a visible message.
MLP=${MLP:-build/mlp}
root=$(cd "$(dirname "$0")/.." && pwd)
case $MLP in /*) ;; *) MLP=$root/$MLP ;; esac
ORT=${MLP_ORT_DIR:-$root/data/.cache/onnxruntime-web}
PYTHON=/usr/bin/python3
FASHION=/usr/share/datasets/fashion-mnist
DIGITS=$root/data/mnist
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }
check() { what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-export-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$root" || exit 1 # the examples name data/mnist relative to the repository

# -- The command's refusals ---------------------------------------------------------------------
echo "not a model" > "$dir/junk.safetensors"
"$MLP" export "$dir/junk.safetensors" --format onnx --out "$dir/junk.onnx" > "$dir/junk.out" 2>&1
rc=$?
check refuses_non_model sh -c "[ $rc -eq 1 ] && grep -q 'junk.safetensors' '$dir/junk.out' && [ ! -e '$dir/junk.onnx' ]"
"$MLP" export "$dir/junk.safetensors" --format tflite --out x > "$dir/format.out" 2>&1
rc=$?
check refuses_unknown_format sh -c "[ $rc -eq 2 ] && grep -q 'tflite' '$dir/format.out'"
"$MLP" export "$dir/junk.safetensors" --format onnx --quantize int8 --out x > /dev/null 2>&1
check refuses_int8_onnx [ $? -eq 2 ]

have_fashion=0 have_digits=0 have_ort=0 have_checker=0
[ -f "$FASHION/t10k-images-idx3-ubyte.gz" ] && have_fashion=1
[ -f "$DIGITS/t10k-images-idx3-ubyte.gz" ] && have_digits=1
[ -f "$ORT/node_modules/onnxruntime-web/package.json" ] && command -v node > /dev/null 2>&1 && have_ort=1
"$PYTHON" -c "import onnx.checker" > /dev/null 2>&1 && have_checker=1
[ $have_ort = 1 ] || skip onnx_runtime "onnxruntime-web missing in $ORT (make data installs it)"
[ $have_checker = 1 ] || skip onnx_checker "python3-onnx missing (scripts/install-deps.sh installs it)"

# docs/deploy.md's example program, for the C exports.
sed -n '/^### Using the C files/,/^## /p' "$root/docs/deploy.md" | sed -n '/^```c$/,/^```$/p' |
    sed '1d;$d' > "$dir/classify.c"
check docs_example_extracted [ -s "$dir/classify.c" ]

# train NAME CONFIG [--set ...]: the model in $dir/NAME.
train() {
    name=$1 config=$2
    shift 2
    if "$MLP" train "examples/$config" --out "$dir/$name" --quiet "$@" \
        > "$dir/$name.train" 2>&1; then
        pass "train_$name"
    else
        fail "train_$name" "$(tail -n 3 "$dir/$name.train")"
        return 1
    fi
}

# onnx NAME TEST_IMAGES: checker and ONNX Runtime against mlp predict.
onnx() {
    name=$1 images=$2 model=$dir/$name.onnx
    if ! "$MLP" export "$dir/$name" --format onnx --out "$model" > "$dir/$name.export" 2>&1; then
        fail "onnx_export_$name" "$(cat "$dir/$name.export")"
        return
    fi
    pass "onnx_export_$name"
    if [ $have_checker = 1 ]; then
        if "$PYTHON" - "$model" > "$dir/$name.checker" 2>&1 <<'PY'; then
import json, sys
import onnx, onnx.checker
from onnx import TensorProto
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
assert m.ir_version == 8, m.ir_version
assert [(o.domain, o.version) for o in m.opset_import] == [("", 13)], m.opset_import
g = m.graph
assert [i.name for i in g.input] == ["input"] and [o.name for o in g.output] == ["probabilities", "label"]
assert g.input[0].type.tensor_type.elem_type == TensorProto.FLOAT
assert g.output[1].type.tensor_type.elem_type == TensorProto.INT64
meta = {p.key: p.value for p in m.metadata_props}
assert len(json.loads(meta["classes"])) >= 2 and "config" in meta and "net.widths" in meta
PY
            pass "onnx_checker_$name"
        else
            fail "onnx_checker_$name" "$(tail -n 3 "$dir/$name.checker")"
        fi
    fi
    [ $have_ort = 1 ] || return
    "$MLP" predict "$dir/$name" "$images" --proba --out "$dir/$name.proba.csv" 2> /dev/null
    if node "$root/tests/onnx_runtime_check.js" "$ORT" "$model" "$images" "$dir/$name.proba.csv" \
        > "$dir/$name.ort" 2>&1; then
        pass "onnx_runtime_$name ($(cat "$dir/$name.ort"))"
    else
        fail "onnx_runtime_$name" "$(tail -n 3 "$dir/$name.ort")"
    fi
}

# c NAME PRECISION TEST_IMAGES: exports NAME as model.c in $dir/NAME-PRECISION, compiles it with
# the example program by gcc and clang (strict), runs it on the (gunzipped) test images; leaves
# the accuracy in $dir/NAME-PRECISION/accuracy and the gcc object's constant bytes in .../bytes.
c() {
    name=$1 precision=$2 images=$3 out=$dir/$1-$2
    quantize=
    [ "$precision" = int8 ] && quantize="--quantize int8"
    if ! "$MLP" export "$dir/$name" --format c --out "$out" $quantize > "$dir/$name-$precision.export" 2>&1; then
        fail "c_export_${name}_$precision" "$(cat "$dir/$name-$precision.export")"
        return 1
    fi
    strict="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
    for cc in gcc clang; do
        if ! command -v $cc > /dev/null 2>&1; then
            skip "c_compile_${name}_${precision}_$cc" "$cc not installed"
            continue
        fi
        if $cc $strict -c "$out/model.c" -o "$out/model-$cc.o" 2> "$out/$cc.err" &&
            $cc $strict -I"$out" "$dir/classify.c" "$out/model-$cc.o" -lm -o "$out/classify-$cc" 2>> "$out/$cc.err"; then
            pass "c_compile_${name}_${precision}_$cc"
        else
            fail "c_compile_${name}_${precision}_$cc" "$(head -n 5 "$out/$cc.err")"
            return 1
        fi
    done
    gzip -dc "$images" > "$dir/images" && gzip -dc "$(echo "$images" | sed 's/images-idx3/labels-idx1/')" > "$dir/labels"
    "$out/classify-gcc" "$dir/images" "$dir/labels" > "$out/predictions.csv" 2> "$out/accuracy.out"
    sed -n 's/^accuracy //p' "$out/accuracy.out" > "$out/accuracy"
    size -A "$out/model-gcc.o" | awk '/^\.rodata/ { s += $2 } END { print s }' > "$out/bytes"
    if [ "$precision" = float ]; then
        "$MLP" predict "$dir/$name" "$images" --out "$dir/$name.csv" 2> /dev/null
        check "c_float_same_labels_$name" cmp -s "$out/predictions.csv" "$dir/$name.csv"
        [ -x "$out/classify-clang" ] &&
            check "c_float_same_labels_${name}_clang" sh -c "'$out/classify-clang' '$dir/images' | cmp -s - '$dir/$name.csv'"
    fi
    return 0
}

# int8 NAME TOLERANCE: int8 accuracy within TOLERANCE of float; constants >= 3.5x smaller.
int8() {
    name=$1 tolerance=$2
    f=$(cat "$dir/$name-float/accuracy") q=$(cat "$dir/$name-int8/accuracy")
    fb=$(cat "$dir/$name-float/bytes") qb=$(cat "$dir/$name-int8/bytes")
    check "c_int8_accuracy_$name (float $f, int8 $q)" awk -v f="$f" -v q="$q" -v t="$tolerance" \
        'BEGIN { exit !(f != "" && q != "" && f - q <= t) }'
    check "c_int8_smaller_$name (float $fb bytes, int8 $qb)" awk -v f="$fb" -v q="$qb" \
        'BEGIN { exit !(q > 0 && f >= 3.5 * q) }'
}

fashion_test=$FASHION/t10k-images-idx3-ubyte.gz
digits_test=$DIGITS/t10k-images-idx3-ubyte.gz
if [ $have_fashion = 1 ]; then
    if train fashion fashion-mnist.ini; then
        onnx fashion "$fashion_test"
        c fashion float "$fashion_test" && c fashion int8 "$fashion_test" && int8 fashion 0.005
    fi
    if train e3 e3-letters-adapted-fashion.ini --set training.epochs=1 --set checkpoint.keep=false \
        --set "data.train=$FASHION/train-images-idx3-ubyte.gz,$FASHION/train-labels-idx1-ubyte.gz,limit=6000"; then
        onnx e3 "$fashion_test"
        c e3 float "$fashion_test"
    fi
else
    skip fashion "Fashion-MNIST missing in $FASHION (scripts/install-deps.sh installs it)"
fi
if [ $have_digits = 1 ]; then
    if train e5 e5-sigmoid-784-30-10.ini; then
        onnx e5 "$digits_test"
        c e5 float "$digits_test" && c e5 int8 "$digits_test" && int8 e5 0.01
        # Calibration named on the command line, a few samples: the scales (and files) change.
        "$MLP" export "$dir/e5" --format c --out "$dir/e5-cal" --quantize int8 \
            --calibration "$DIGITS/train-images-idx3-ubyte.gz,limit=500" --calibration-samples 50 \
            > "$dir/e5-cal.out" 2>&1
        check c_int8_calibration_option sh -c "grep -q 'calibrated on 50 samples' '$dir/e5-cal/model.c' &&
            ! cmp -s '$dir/e5-cal/model.c' '$dir/e5-int8/model.c'"
    fi
    for example in e1:e1-digits-784-200-10.ini e2:e2-digits-784-200-100-10.ini \
        e4a:e4-logistic-2-vs-3.ini e4b:e4-softmax-regression.ini; do
        name=${example%%:*}
        if train "$name" "${example#*:}" --set training.epochs=1; then
            onnx "$name" "$digits_test"
            c "$name" float "$digits_test"
        fi
    done
else
    skip digits "$DIGITS missing (run make data)"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
