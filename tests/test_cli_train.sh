#!/bin/sh
# End to end through the mlp command on generated data: train, run folder contents, --set,
# misspelt keys, predict CSV format, eval, kill -9 + resume identical to an uninterrupted run,
# kill -9 during checkpoint writes, refusal to resume a finished run, gradcheck, info, exit codes.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

REPO=$(pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-cli-train-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

# Three classes named cat, dog, bird: blobs in 8 features (awk's srand makes them repeatable).
blobs() {
    awk -v n="$1" -v seed="$2" 'BEGIN {
        srand(seed); split("cat dog bird", names, " ");
        printf "label"; for (j = 1; j <= 8; j++) printf ",x%d", j; printf "\n";
        for (i = 0; i < n; i++) {
            c = i % 3; printf "%s", names[c + 1];
            for (j = 0; j < 8; j++) printf ",%.4f", (j % 3 == c ? 1.2 : 0) + rand() - 0.5;
            printf "\n";
        } }'
}
blobs 600 1 > train.csv
blobs 90 2 > test.csv
cat > blobs.ini <<INI
seed = 3
[data]
train = train.csv
test = test.csv
transform = standardize
validation = 0.2
[network]
hidden = 16
[optimizer]
kind = adam
[schedule]
lr = 0.01
[training]
epochs = 8
batch_size = 16
[checkpoint]
every_steps = 10
INI

# --- train and the run folder
"$MLP" train blobs.ini --out run1 --quiet > train.out 2> train.err
check train_exit_0 [ $? -eq 0 ]
check run_folder_files sh -c 'for f in config.ini metrics.csv last.safetensors best.safetensors summary.json curves.png; do [ -s run1/$f ] || exit 1; done'
check metrics_header [ "$(head -n 1 run1/metrics.csv)" = "epoch,step,lr,batch_size,train_loss,train_accuracy,val_loss,val_accuracy,seconds" ]
check metrics_rows [ "$(wc -l < run1/metrics.csv)" -eq 9 ]
check summary_keys sh -c 'for k in test_accuracy test_loss best_val_accuracy best_epoch epochs_run steps train_seconds samples_per_second stop_reason seed threads; do grep -q "\"$k\"" run1/summary.json || exit 1; done'
check summary_stop_reason grep -q '"stop_reason":[[:space:]]*"max_epochs"' run1/summary.json
check learns grep -Eq 'test accuracy (0\.[89]|1\.0)' train.out

# --- --out creates missing parent folders; a file in the way is an error naming it
"$MLP" train blobs.ini --out nested/deeper/run --quiet --set training.epochs=1 > /dev/null 2>&1
check out_creates_parents [ -s nested/deeper/run/summary.json ]
: > not-a-folder
"$MLP" train blobs.ini --out not-a-folder/run --quiet --set training.epochs=1 > /dev/null 2> out_bad.err
check out_file_in_the_way_exit_1 [ $? -eq 1 ]
check out_file_in_the_way_message grep -q 'not-a-folder' out_bad.err
"$MLP" train blobs.ini --out "" --quiet --set training.epochs=1 > /dev/null 2> out_empty.err
check out_empty_exit_1 [ $? -eq 1 ]
check out_empty_message grep -q 'folder name is empty' out_empty.err

# --- the checkpoint reads with the safetensors/numpy conventions (standard-library reader)
if command -v python3 > /dev/null 2>&1; then
    python3 "$REPO/scripts/safetensors_check.py" run1/last.safetensors > check.out 2>&1
    check checkpoint_python_reads [ $? -eq 0 ]
    check checkpoint_python_tensors grep -q '^dense.0.weight F32 \[16, 8\]' check.out
    check checkpoint_python_optimizer grep -q '^optimizer.exp_avg F32 \[195\]' check.out
else
    echo "SKIP checkpoint_python: python3 missing"; skipped=$((skipped + 1))
fi

# --- init.from: a new run starting from given weights; a file of other shapes is refused
"$MLP" train blobs.ini --out run7 --quiet --set init.from=run1/last.safetensors --set training.epochs=1 --set schedule.lr=1e-12 > init.out 2>&1
check init_from_exit_0 [ $? -eq 0 ]
check init_from_keeps_accuracy [ "$(grep '^test accuracy' init.out)" = "$(grep '^test accuracy' train.out | sed 's/, test loss.*//'), test loss $(sed -n 's/.*test loss //p' init.out)" ]
"$MLP" train blobs.ini --out run8 --quiet --set init.from=run1/last.safetensors --set network.hidden=7 > /dev/null 2> init_bad.err
check init_from_shape_exit_1 [ $? -eq 1 ]
check init_from_shape_message grep -q 'dense.0.weight' init_bad.err

# --- progress: without a terminal, one plain line per epoch on stderr; --quiet: none
"$MLP" train blobs.ini --out run9 --set training.epochs=3 > progress.out 2> progress.err
check progress_epoch_lines [ "$(grep -c '^epoch [1-3]/3  step ' progress.err)" -eq 3 ]
check progress_no_escapes sh -c "! grep -q \"$(printf '\033')\" progress.err"
check quiet_no_progress [ ! -s train.err ]

# --- --set overrides land in the effective config and in the run
"$MLP" train blobs.ini --out run2 --quiet --set training.epochs=2 --set network.hidden=5,4 > /dev/null 2>&1
check set_exit_0 [ $? -eq 0 ]
check set_epochs grep -q '"epochs_run":[[:space:]]*2,' run2/summary.json
check set_in_config grep -Eq '^epochs *= *2$' run2/config.ini
check set_hidden_layers sh -c "'$MLP' info run2 | grep -q '8 -> 5 -> 4 -> 3'"

# --- misspelt keys: usage error naming the key and suggesting the right one
printf '[training]\nepoch = 3\n' > typo.ini
"$MLP" train typo.ini --set data.train=train.csv > /dev/null 2> typo.err
check typo_file_exit_2 [ $? -eq 2 ]
check typo_file_suggests grep -q 'training.epochs' typo.err
check typo_file_names_place grep -q 'typo.ini:2' typo.err
"$MLP" train blobs.ini --set optimizer.kindd=adam > /dev/null 2> typo2.err
check typo_set_exit_2 [ $? -eq 2 ]
check typo_set_suggests grep -q 'optimizer.kind' typo2.err

# --- predict: submission CSV in the original label space
"$MLP" predict run1 test.csv --out pred.csv 2> /dev/null
check predict_exit_0 [ $? -eq 0 ]
check predict_header [ "$(head -n 1 pred.csv)" = "Id,Category" ]
check predict_rows [ "$(wc -l < pred.csv)" -eq 91 ]
check predict_ids [ "$(sed -n '2p' pred.csv | cut -d, -f1)" = 1 ] 
check predict_labels sh -c "tail -n +2 pred.csv | cut -d, -f2 | sort -u | tr '\n' ' ' | grep -qx 'bird cat dog '"
"$MLP" predict run1 test.csv --proba --header ImageId,Label --id-base 0 > pred2.csv 2> /dev/null
check predict_custom_header [ "$(head -n 1 pred2.csv)" = "ImageId,Label,bird,cat,dog" ]
check predict_id_base [ "$(sed -n '2p' pred2.csv | cut -d, -f1)" = 0 ]
check predict_proba_sum sh -c "tail -n +2 pred2.csv | awk -F, '{ s = \$3 + \$4 + \$5; if (s < 0.999 || s > 1.001) bad = 1 } END { exit bad }'"

# --- eval agrees with the test accuracy the trainer reported, and with the predictions
"$MLP" eval run1 test.csv > eval.out 2> /dev/null
check eval_exit_0 [ $? -eq 0 ]
reported=$(sed -n 's/^test accuracy \([0-9.]*\),.*/\1/p' train.out)
check eval_accuracy_matches grep -q "^accuracy  $reported " eval.out
correct=$(paste -d, pred.csv test.csv | tail -n +2 | awk -F, '$2 == $3 { n++ } END { print n + 0 }')
check eval_counts_match_predict grep -q "($correct/90)" eval.out
check eval_confusion grep -q '^confusion matrix' eval.out

# --- kill -9 mid-run, resume: the same final weights as the uninterrupted run1
"$MLP" train blobs.ini --out run3 --quiet --set training.epochs=200 --set checkpoint.every_steps=50 > /dev/null 2>&1 &
pid=$!
i=0
while [ ! -s run3/last.safetensors ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.2
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
"$MLP" train blobs.ini --out run4 --quiet --set training.epochs=200 --set checkpoint.every_steps=50 > /dev/null 2>&1
if grep -q '"stop_reason"' run3/summary.json 2> /dev/null; then
    echo "SKIP kill_resume_identical: the run finished before the kill"; skipped=$((skipped + 1))
else
    "$MLP" train --resume run3 --quiet > /dev/null 2> resume.err
    check resume_exit_0 [ $? -eq 0 ]
    d3=$("$MLP" info run3 | sed -n 's/.*digest \([0-9a-f]*\).*/\1/p')
    d4=$("$MLP" info run4 | sed -n 's/.*digest \([0-9a-f]*\).*/\1/p')
    check kill_resume_identical [ -n "$d3" -a "$d3" = "$d4" ]
fi

# --- a finished run is not resumed
"$MLP" train --resume run1 > /dev/null 2> finished.err
check resume_finished_exit_1 [ $? -eq 1 ]
check resume_finished_message grep -q 'finished' finished.err

# --- kill -9 while checkpoints are being written: the last one always loads
ok=1
for delay in 0.2 0.35 0.5 0.65 0.8; do
    rm -rf run5
    "$MLP" train blobs.ini --out run5 --quiet --set training.epochs=1000 --set checkpoint.every_steps=1 --set network.hidden=256,256 > /dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -9 $pid 2> /dev/null
    wait $pid 2> /dev/null
    if [ -e run5/last.safetensors ] && ! "$MLP" info run5 > /dev/null 2>&1; then ok=0; fi
done
check kill9_checkpoint_loadable [ $ok -eq 1 ]

# --- gradcheck, info, help, exit codes
"$MLP" gradcheck blobs.ini --set network.hidden=5 --samples 3 > gradcheck.out 2>&1
check gradcheck_exit_0 [ $? -eq 0 ]
check gradcheck_tensors [ "$(grep -c '^dense\.' gradcheck.out)" -eq 4 ]
check info_layers sh -c "'$MLP' info run1 | grep -q '8 -> 16 -> 3'"
check info_classes sh -c "'$MLP' info run1 | grep -q 'classes     3: bird cat dog'"
for c in train eval predict gradcheck info; do
    "$MLP" $c --help > help.out 2>&1 || { fail help_$c; continue; }
    grep -q "usage: mlp $c" help.out && pass help_$c || fail help_$c
done
"$MLP" --version | grep -q '^mlp [0-9]'
check version [ $? -eq 0 ]
"$MLP" train blobs.ini --bogus > /dev/null 2>&1
check unknown_option_exit_2 [ $? -eq 2 ]
"$MLP" train blobs.ini --set data.train=missing.csv --out run6 > /dev/null 2> missing.err
check missing_data_exit_1 [ $? -eq 1 ]
check missing_data_named grep -q 'missing.csv' missing.err
"$MLP" eval run1/nothing.safetensors test.csv > /dev/null 2>&1
check missing_model_exit_1 [ $? -eq 1 ]

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
