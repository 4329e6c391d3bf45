#!/bin/sh
# End-to-end: `mlp show weights|confusion|samples` on a small model trained here on generated
# 4x4 "images" of three classes; picture sizes from the PNG header, errors and exit codes.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
dir=$(mktemp -d /tmp/mlp-test-show-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
png_size() {
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }'
}
# expect_png NAME SIZE ARGS...: mlp succeeds and writes out.png of SIZE.
expect_png() {
    name=$1 size=$2
    shift 2
    rm -f out.png
    if ! "$MLP" "$@" --out out.png </dev/null >out.txt 2>err.txt; then fail "$name" "$(cat err.txt)"
    elif [ "$(png_size out.png)" != "$size" ]; then fail "$name" "size $(png_size out.png)"
    else pass "$name"; fi
}
# expect_error NAME CODE NEEDLE ARGS...
expect_error() {
    name=$1 code=$2 needle=$3
    shift 3
    "$MLP" "$@" </dev/null >out.txt 2>err.txt
    rc=$?
    if [ "$rc" -ne "$code" ]; then fail "$name" "exit $rc, expected $code: $(cat err.txt)"
    elif ! grep -qF -- "$needle" err.txt; then fail "$name" "stderr lacks '$needle': $(cat err.txt)"
    else pass "$name"; fi
}

# Class c lights up row c of a 4x4 image (plus noise); labels cat, dog, bird.
awk 'BEGIN { srand(5); split("cat dog bird", names, " "); printf "label";
    for (j = 0; j < 16; j++) printf ",p%d", j; printf "\n";
    for (i = 0; i < 300; i++) { c = i % 3; printf "%s", names[c + 1];
        for (j = 0; j < 16; j++) printf ",%d", (int(j / 4) == c ? 200 : 0) + int(rand() * 60);
        printf "\n" } }' > images.csv
cat > tiny.ini <<INI
seed = 1
[data]
train = images.csv
transform = scale
validation = 0.2
[network]
hidden = 6
[optimizer]
kind = adam
[schedule]
lr = 0.02
[training]
epochs = 5
batch_size = 20
INI
if "$MLP" train tiny.ini --out run --quiet >/dev/null 2>train.err; then pass show_model_trained
else fail show_model_trained "$(cat train.err)"; fi

expect_png show_weights_first_layer 1200x800 show weights run
expect_png show_weights_output_templates_with_shape 900x600 show weights run/best.safetensors --layer 1 --shape 2x3 --size 900x600 --shared-scale
expect_png show_confusion 1000x900 show confusion run images.csv
expect_png show_samples 1200x800 show samples run "images.csv,shape=4x4" --count 12
expect_png show_samples_wrong_or_right 1200x800 show samples run "images.csv,shape=4x4" --right --count 6 --columns 3
expect_png show_samples_shape_option 1200x800 show samples run images.csv --shape 4x4 --count 5

expect_error show_weights_not_square 1 "layer 1 has 6 inputs, not a square image; give its shape with --shape" show weights run --layer 1 --out x.png
expect_error show_weights_bad_layer 1 "--layer 2: the model has 2 dense layers" show weights run --layer 2 --out x.png
expect_error show_weights_shape_mismatch 1 "--shape 3x3 has 9 pixels but layer 0 has 16 inputs" show weights run --shape 3x3 --out x.png
expect_error show_samples_no_image_shape 1 "16 features, not a known image shape" show samples run images.csv --out x.png
expect_error show_missing_model 1 "nope.safetensors" show weights nope.safetensors --out x.png
expect_error show_unknown_extension 1 "x.bmp: unknown picture format" show confusion run images.csv --out x.bmp
expect_error show_no_out 2 "--out FILE.png or FILE.svg is required" show weights run
expect_error show_unknown_kind 2 "'biases': expected weights, confusion or samples" show biases run --out x.png
expect_error show_confusion_needs_data 2 "show confusion needs at least one data source" show confusion run --out x.png
expect_error show_bad_count 2 "--count '0': expected a whole number from 1" show samples run images.csv --count 0 --out x.png
expect_error show_wrong_and_right 2 "--wrong and --right" show samples run images.csv --wrong --right --out x.png
expect_error show_columns_checked 2 "--columns 'x': expected a whole number" show weights run --columns x --out x.png
[ ! -e x.png ] && [ ! -e x.bmp ] && pass show_errors_leave_no_file || fail show_errors_leave_no_file "x.png written"
if "$MLP" show --help | grep -q "usage: mlp show weights MODEL"; then pass show_help; else fail show_help "no usage"; fi

echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
