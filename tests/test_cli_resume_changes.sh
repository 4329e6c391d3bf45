#!/bin/sh
# mlp train --resume RUNDIR --set: a run continued with changed settings (finished or not) from
# its checkpoint's step on, the change recorded in config.ini, changes.csv, the checkpoints and
# summary.json; fixed keys and runs without epochs left refused; an unchanged resume from a
# checkpoint before the change still equals the uninterrupted run exactly. Then E3's schedule
# (L2's lambda 0.1 -> 0.01 -> 0.001, the rate lowered with it) replayed through resumes on a
# slice of Fashion-MNIST when it is installed.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
REPO=$(pwd)
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
digest() { "$MLP" info "$1" | sed -n 's/.*digest \([0-9a-f]*\).*/\1/p'; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-resume-changes-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

awk -v n=600 'BEGIN {
    srand(1); split("cat dog bird", names, " ");
    printf "label"; for (j = 1; j <= 8; j++) printf ",x%d", j; printf "\n";
    for (i = 0; i < n; i++) {
        c = i % 3; printf "%s", names[c + 1];
        for (j = 0; j < 8; j++) printf ",%.4f", (j % 3 == c ? 1.2 : 0) + rand() - 0.5;
        printf "\n";
    } }' > train.csv
cat > blobs.ini <<INI
seed = 3
threads = 1
[data]
train = train.csv
validation = 0.2
[network]
hidden = 16
[optimizer]
kind = sgd
momentum = 0.9
[schedule]
lr = 0.05
[training]
epochs = 6
batch_size = 16
[regularization]
l2 = 0.1
[checkpoint]
keep = true
INI

# --- the uninterrupted run, and one continued from epoch 3 with a lower lambda and rate
"$MLP" train blobs.ini --out full --quiet > /dev/null 2>&1
check full_exit_0 [ $? -eq 0 ]
"$MLP" train blobs.ini --out run --quiet > /dev/null 2>&1
"$MLP" train --resume run --from run/step-90.safetensors --quiet \
    --set regularization.l2=0.001 --set schedule.lr=0.01 > changed.out 2> changed.err
check changed_exit_0 [ $? -eq 0 ]
check changed_stated grep -q 'continues from step 90 with changed settings' changed.err
check changed_lists_l2 grep -q 'regularization.l2: 0.1 -> 0.001' changed.err
check changed_config_ini grep -Eq '^l2 = 0.001$' run/config.ini
check changes_csv [ "$(cat run/changes.csv)" = 'step,epoch,key,before,after
90,3,"schedule.lr","0.05","0.01"
90,3,"regularization.l2","0.1","0.001"' ]
check summary_says_changed grep -q '"key":[[:space:]]*"regularization.l2"' run/summary.json
check plain_summary_empty_changes grep -q '"setting_changes":[[:space:]]*\[\]' full/summary.json
# metrics.csv keeps its format: epochs 1-3 at the old rate, 4-6 at the new one
check metrics_header [ "$(head -n 1 run/metrics.csv)" = "$(head -n 1 full/metrics.csv)" ]
check metrics_rates [ "$(cut -d, -f3 run/metrics.csv | tr '\n' ' ')" = "lr 0.05 0.05 0.05 0.01 0.01 0.01 " ]
check metrics_first_stage_kept [ "$(sed -n 2,4p run/metrics.csv | cut -d, -f1-8)" = "$(sed -n 2,4p full/metrics.csv | cut -d, -f1-8)" ]
check changed_differs [ "$(digest run)" != "$(digest full)" ]
"$MLP" plot run --out curves.png > /dev/null 2>&1
check plot_reads_metrics [ -s curves.png ]
# the changes travel in the checkpoints: a resume from one after the change keeps them
"$MLP" train --resume run --from run/step-150.safetensors --quiet > /dev/null 2>&1
check resume_after_change_keeps_history grep -q '^90,3,"regularization.l2"' run/changes.csv

# --- unchanged resume from the checkpoint before the change: exactly the uninterrupted run
"$MLP" train --resume run --from run/step-90.safetensors --quiet > /dev/null 2>&1
check unchanged_resume_exit_0 [ $? -eq 0 ]
check unchanged_resume_identical [ -n "$(digest run)" -a "$(digest run)" = "$(digest full)" ]
check unchanged_resume_no_changes_csv [ ! -e run/changes.csv ]
check unchanged_resume_config_ini grep -Eq '^l2 = 0.1$' run/config.ini
check unchanged_resume_metrics [ "$(cut -d, -f1-8 run/metrics.csv)" = "$(cut -d, -f1-8 full/metrics.csv)" ]

# --- killed after its summary.json and before its finished checkpoint (the last thing a run
# writes): it resumes from the checkpoint before (epoch 5) to the uninterrupted end
cp -r full window && cp window/step-150.safetensors window/last.safetensors
"$MLP" train --resume window --quiet > window.out 2> window.err
check window_resume_exit_0 [ $? -eq 0 ]
check window_resume_identical [ -n "$(digest window)" -a "$(digest window)" = "$(digest full)" ]
untimed() { grep -v -e '"train_seconds"' -e '"samples_per_second"' "$1"; }
check window_resume_summary [ "$(untimed window/summary.json)" = "$(untimed full/summary.json)" ]

# --- a finished run goes on with more epochs; without changes, or without epochs left, refused
"$MLP" train --resume full --quiet > /dev/null 2> finished.err
check finished_unchanged_exit_1 [ $? -eq 1 ]
check finished_advice grep -q 'set training.epochs=' finished.err
"$MLP" train --resume full --set regularization.l2=0.01 --quiet > /dev/null 2> noepochs.err
check no_epochs_left_exit_2 [ $? -eq 2 ]
check no_epochs_left_named grep -q 'training.epochs = 6' noepochs.err
"$MLP" train --resume full --set training.epochs=8 --quiet > extend.out 2> extend.err
check extend_exit_0 [ $? -eq 0 ]
check extend_epochs grep -q '^max_epochs after 8 epochs' extend.out
check extend_metrics_rows [ "$(wc -l < full/metrics.csv)" -eq 9 ]

# --- keys that cannot change mid-run are refused, each named
"$MLP" train --resume run --set seed=4 --set network.hidden=32 --set data.train=x.csv \
    --set optimizer.kind=adam > /dev/null 2> fixed.err
check fixed_exit_2 [ $? -eq 2 ]
check fixed_named sh -c 'for k in seed network.hidden data.train optimizer.kind; do grep -q "$k" fixed.err || exit 1; done'
"$MLP" train --resume run --set optimizer.momentum=0 > /dev/null 2> momentum.err
check momentum_buffer_exit_2 [ $? -eq 2 ]
"$MLP" train --resume run --out elsewhere > /dev/null 2>&1
check resume_out_exit_2 [ $? -eq 2 ]

# --- E3: lambda 0.1 -> 0.01 -> 0.001 and the rate halved at each resume, one epoch per stage
fm=/usr/share/datasets/fashion-mnist
if [ ! -s "$fm/train-images-idx3-ubyte.gz" ]; then
    echo "SKIP e3_replay: Fashion-MNIST is not in $fm"; skipped=$((skipped + 1))
else
    "$MLP" train "$REPO/examples/e3-letters-adapted-fashion.ini" --out e3 --quiet \
        --set "data.train=$fm/train-images-idx3-ubyte.gz,$fm/train-labels-idx1-ubyte.gz,limit=3000" \
        --set "data.test=$fm/t10k-images-idx3-ubyte.gz,$fm/t10k-labels-idx1-ubyte.gz,limit=1000" \
        --set data.validation_count=500 --set training.epochs=1 --set regularization.l2=0.1 \
        --set checkpoint.every_steps=500 > e3-1.out 2>&1
    rc1=$?
    "$MLP" train --resume e3 --quiet --set training.epochs=2 --set regularization.l2=0.01 \
        --set schedule.lr=0.005 > e3-2.out 2>&1
    rc2=$?
    "$MLP" train --resume e3 --quiet --set training.epochs=3 --set regularization.l2=0.001 \
        --set schedule.lr=0.0025 > e3-3.out 2>&1
    rc3=$?
    for s in 1 2 3; do echo "e3 stage $s: $(grep -h 'accuracy' e3-$s.out | tr '\n' ' ')"; done
    check e3_stages_exit_0 [ "$rc1$rc2$rc3" = 000 ]
    check e3_changes [ "$(grep -v epochs e3/changes.csv | cut -d, -f1,3,5 | tr '\n' ' ')" = 'step,key,after 2500,"schedule.lr","0.005" 2500,"regularization.l2","0.01" 5000,"schedule.lr","0.0025" 5000,"regularization.l2","0.001" ' ]
    check e3_rates [ "$(cut -d, -f3 e3/metrics.csv | tr '\n' ' ')" = "lr 0.01 0.005 0.0025 " ]
    check e3_final_lambda grep -Eq '^l2 = 0.001$' e3/config.ini
    check e3_test_accuracy grep -Eq 'test accuracy 0\.[5-9]' e3-3.out
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
