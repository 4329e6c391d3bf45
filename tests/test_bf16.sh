#!/bin/sh
# training.precision = bf16 and mlp predict --precision through the command, on generated data:
# a bf16 run learns; resumed from a mid-run checkpoint it ends with the same weights as the
# uninterrupted run (checkpoints hold the float32 master weights and optimizer state); its model
# predicts in f32 and bf16 with nearly the same labels; a float32 model predicts in bf16. Where the
# CPU or the build (PORTABLE=1) lacks the bf16 kernels, both refuse with a message naming what is
# missing, and the rest is skipped.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
finish() { echo "$passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-bf16-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

# Three classes in 40 features (awk's srand makes them repeatable).
blobs() {
    awk -v n="$1" -v seed="$2" 'BEGIN {
        srand(seed); printf "label"; for (j = 1; j <= 40; j++) printf ",x%d", j; printf "\n";
        for (i = 0; i < n; i++) {
            c = i % 3; printf "%d", c;
            for (j = 0; j < 40; j++) printf ",%.4f", (j % 3 == c ? 0.8 : 0) + rand() - 0.5;
            printf "\n";
        } }'
}
blobs 900 1 > train.csv
blobs 300 2 > test.csv
cat > blobs.ini <<INI
seed = 3
threads = 2
[data]
train = train.csv
test = test.csv
transform = standardize
validation = 0.2
[network]
hidden = 64, 32
[optimizer]
kind = adam
[schedule]
lr = 0.01
[training]
epochs = 6
batch_size = 32
precision = bf16
[checkpoint]
every_steps = 20
keep = true
INI

"$MLP" train blobs.ini --out run1 --quiet > train.out 2> train.err
rc=$?
if grep -q 'not available' train.err; then
    check refused_exit_1 [ "$rc" -eq 1 ]
    check refused_names_key grep -q 'training.precision' train.err
    check refused_names_feature grep -Eq 'AVX512_BF16|AVX-512|PORTABLE' train.err
    "$MLP" train blobs.ini --out run0 --quiet --set training.precision=f32 > /dev/null 2>&1
    "$MLP" predict run0 test.csv --precision bf16 > /dev/null 2> predict.err
    check predict_refused_exit_1 [ $? -eq 1 ]
    check predict_refused_names_feature grep -Eq 'AVX512_BF16|AVX-512|PORTABLE' predict.err
    echo "SKIP bf16_runs: $(cat train.err)"
    skipped=$((skipped + 1))
    finish
fi
check train_exit_0 [ "$rc" -eq 0 ]
check learns grep -Eq 'test accuracy (0\.[89]|1\.0)' train.out
check config_records_precision grep -q '^precision = bf16' run1/config.ini

# Resume from the checkpoint of step 40 (of 6 x 23 steps): the same final weights.
mkdir run2
cp run1/config.ini run1/step-40.safetensors run2/
"$MLP" train --resume run2 --from run2/step-40.safetensors --quiet > /dev/null 2> resume.err
check resume_exit_0 [ $? -eq 0 ]
d1=$("$MLP" info run1 | sed -n 's/.*digest \([0-9a-f]*\).*/\1/p')
d2=$("$MLP" info run2 | sed -n 's/.*digest \([0-9a-f]*\).*/\1/p')
check resume_identical [ -n "$d1" -a "$d1" = "$d2" ]

# The bf16-trained model predicts in either precision, nearly always the same label.
"$MLP" predict run1 test.csv --precision f32 > f32.csv 2> /dev/null
check predict_f32_exit_0 [ $? -eq 0 ]
"$MLP" predict run1 test.csv --precision bf16 > bf16.csv 2> /dev/null
check predict_bf16_exit_0 [ $? -eq 0 ]
same=$(paste -d, f32.csv bf16.csv | tail -n +2 | awk -F, '$2 == $4 { n++ } END { print n + 0 }')
check predict_labels_agree [ "$same" -ge 291 ] # 97 % of 300
"$MLP" predict run1 test.csv --precision fp16 > /dev/null 2> usage.err
check predict_precision_usage_exit_2 [ $? -eq 2 ]
check predict_precision_usage_message grep -q 'f32 or bf16' usage.err
finish
