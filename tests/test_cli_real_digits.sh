#!/bin/sh
# End to end on a slice of the real digits (make data): train, Ctrl-C (SIGINT) mid-run, resume,
# identical weights to an uninterrupted run; eval and predict on real test digits. Skips, with a
# visible message, when data/mnist/ is absent.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
DIGITS=$(pwd)/data/mnist
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

if [ ! -f "$DIGITS/train-images-idx3-ubyte.gz" ]; then
    echo "SKIP real_digits: $DIGITS missing (run make data)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-cli-digits-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

cat > digits.ini <<INI
seed = 5
threads = 1
[data]
train = $DIGITS/train-images-idx3-ubyte.gz,$DIGITS/train-labels-idx1-ubyte.gz,limit=3000
test = $DIGITS/t10k-images-idx3-ubyte.gz,$DIGITS/t10k-labels-idx1-ubyte.gz,limit=500
transform = scale
validation = 0.1
augment_shift = 1
[network]
hidden = 64
dropout = 0.1
[optimizer]
kind = sgd
momentum = 0.9
nesterov = true
[schedule]
lr = 0.05
kind = multistep
milestones = 3
gamma = 0.5
[training]
epochs = 60
batch_size = 32, 64
stage_epochs = 2
[checkpoint]
every_steps = 25
INI

"$MLP" train digits.ini --out full --quiet > full.out 2>&1
check full_exit_0 [ $? -eq 0 ]
check full_learns grep -Eq 'test accuracy 0\.(8|9)' full.out

# SIGINT once the first checkpoint exists: a clean stop (exit 1, stop_reason interrupted).
"$MLP" train digits.ini --out part --quiet > part.out 2>&1 &
pid=$!
i=0
while [ ! -s part/last.safetensors ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $pid
wait $pid
status=$?
if grep -q '"max_epochs"' part/summary.json 2> /dev/null; then
    echo "SKIP sigint_resume: the run finished before the interrupt"; skipped=$((skipped + 1))
else
    check sigint_exit_1 [ $status -eq 1 ]
    check sigint_stop_reason grep -q '"interrupted"' part/summary.json
    check sigint_message grep -q 'mlp train --resume' part.out
    "$MLP" train --resume part --quiet > resume.out 2>&1
    check resume_exit_0 [ $? -eq 0 ]
    a=$("$MLP" info full | sed -n 's/.*digest \([0-9a-f]*\).*/\1/p')
    b=$("$MLP" info part | sed -n 's/.*digest \([0-9a-f]*\).*/\1/p')
    check sigint_resume_identical [ -n "$a" -a "$a" = "$b" ]
    check resume_same_test_result [ "$(grep '^test accuracy' full.out)" = "$(grep '^test accuracy' resume.out)" ]
fi

test_source="$DIGITS/t10k-images-idx3-ubyte.gz,$DIGITS/t10k-labels-idx1-ubyte.gz,limit=500"
"$MLP" eval full "$test_source" > eval.out 2>&1
check eval_exit_0 [ $? -eq 0 ]
check eval_matches_training grep -q "^accuracy  $(sed -n 's/^test accuracy \([0-9.]*\),.*/\1/p' full.out) " eval.out
"$MLP" predict full "$DIGITS/t10k-images-idx3-ubyte.gz,limit=500" --out pred.csv 2> /dev/null
check predict_rows [ "$(wc -l < pred.csv)" -eq 501 ]
check predict_digits sh -c "tail -n +2 pred.csv | cut -d, -f2 | grep -qvx '[0-9]' && exit 1 || exit 0"

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
