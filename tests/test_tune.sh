#!/bin/sh
# mlp tune end to end on generated data: ASHA's rungs and promotions (a promoted trial continues
# its run folder), the ranked results.csv and results.json, best.ini retrained by mlp train giving
# the recorded validation accuracy, the same seed giving the same trials, random search, Halton
# draws, ranking by validation loss, `mlp plot` of the tune folder, a tune killed and resumed
# equal to an uninterrupted one, a duration budget stopping running steps, and the errors of
# space files, arguments and resumes.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-tune-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

# Three overlapping blobs in 8 features (awk's srand makes them repeatable).
awk -v n=600 -v seed=1 'BEGIN {
    srand(seed); split("cat dog bird", names, " ");
    printf "label"; for (j = 1; j <= 8; j++) printf ",x%d", j; printf "\n";
    for (i = 0; i < n; i++) {
        c = i % 3; printf "%s", names[c + 1];
        for (j = 0; j < 8; j++) printf ",%.4f", (j % 3 == c ? 0.6 : 0) + rand() - 0.5;
        printf "\n";
    } }' > train.csv
head -n 91 train.csv > test.csv
# A constant learning rate: a run resumed rung by rung equals one trained straight through.
cat > base.ini <<INI
seed = 3
threads = 1
[data]
train = train.csv
test = test.csv
transform = standardize
validation = 0.25
[network]
hidden = 8
[optimizer]
kind = sgd
[training]
epochs = 9
batch_size = 32
INI
cat > space.ini <<INI
# learning rate and shape
schedule.lr = log_uniform(1e-3, 0.3)
network.hidden = choice(4, 16, 8:8)
INI

# results.csv with quoted fields ("8,8") as one word, for awk -F,.
flat() { sed 's/"[^"]*"/Q/g' "$1"; }
flat_check() { # name, awk program, file
    if flat "$3" | awk -F, "$2"; then pass "$1"; else fail "$1"; fi
}

# --- ASHA: 9 trials, rungs at 1, 3, 9 epochs
"$MLP" tune base.ini --space space.ini --budget 9 --out t1 > t1.out 2> t1.err
check asha_exit_0 [ $? -eq 0 ]
check asha_files sh -c '[ -s t1/results.csv ] && [ -s t1/results.md ] && [ -s t1/best.ini ] && [ -s t1/trial-009/summary.json ] && [ -s t1/trial-001.log ]'
check asha_rungs grep -q 'rungs at 1, 3, 9 epochs' t1.err
check asha_nine_trials [ "$(tail -n +2 t1/results.csv | wc -l)" -eq 9 ]
check asha_promotes grep -q '^promote trial-' t1.err
# Rung 0 holds 9, so 3 or more reach rung 1 and at least one rung 2 (9 epochs).
flat_check asha_rung_counts 'NR > 1 { n[$5]++ } END { exit !(n[0] + n[1] + n[2] == 9 && n[1] + n[2] >= 3 && n[2] >= 1) }' t1/results.csv
# A promoted trial's run folder goes on: its metrics.csv has a row per epoch, 1 to 9.
top=$(flat t1/results.csv | awk -F, 'NR == 2 { print $2 }')
check promoted_continues [ "$(tail -n +2 "t1/$top/metrics.csv" | wc -l)" -eq 9 ]
# Ranked: rung descending, then validation accuracy descending.
flat_check ranked 'NR > 2 && ($5 > r || ($5 == r && $7 > v)) { bad = 1 } NR > 1 { r = $5; v = $7 } END { exit bad }' t1/results.csv
flat_check ranks_numbered 'NR > 1 && $1 != NR - 1 { bad = 1 } END { exit bad }' t1/results.csv
check list_value_quoted grep -q '"8,8"' t1/results.csv
check summary_epochs grep -Eq '^9 trials \(0 failed steps\), [0-9]+ epochs in total' t1.out
total=$(sed -n 's/^9 trials (0 failed steps), \([0-9]*\) epochs in total.*/\1/p' t1.out)
check summary_epochs_sum [ "$total" = "$(flat t1/results.csv | awk -F, 'NR > 1 { s += $6 } END { print s }')" ]
flat_check results_header 'NR == 1 { exit !($5 == "rung" && $7 == "val_accuracy" && $8 == "val_loss" && $9 == "test_accuracy") }' t1/results.csv
flat_check test_accuracy_column 'NR == 2 { exit !($9 > 0) }' t1/results.csv
flat_check val_loss_column 'NR > 1 && !($8 > 0) { bad = 1 } END { exit bad }' t1/results.csv
check results_json sh -c 'grep -q "\"metric\":[[:space:]]*\"accuracy\"" t1/results.json && grep -q "\"sampler\":[[:space:]]*\"random\"" t1/results.json && grep -q "\"trial\":[[:space:]]*\"'"$top"'\"" t1/results.json'

# --- mlp plot of the tune folder: DIR/tune.png (1200x700), or the --out given
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }'; }
"$MLP" plot t1 > plot.out 2>&1
check plot_tune_png [ "$(png_size t1/tune.png)" = 1200x700 ]
check plot_tune_not_curves [ ! -e t1/curves.png ]
"$MLP" plot t1 --out t1.svg --size 900x600 > /dev/null 2>&1
check plot_tune_svg grep -q '<svg' t1.svg

# --- best.ini reproduces the best trial's validation accuracy with mlp train
"$MLP" train t1/best.ini --out retrain --quiet > /dev/null 2>&1
check best_retrains [ $? -eq 0 ]
recorded=$(flat t1/results.csv | awk -F, 'NR == 2 { print $7 }')
again=$(awk -F, 'END { printf "%.4f", $8 }' retrain/metrics.csv)
check best_same_val_accuracy [ "$recorded" = "$again" ]

# --- the same seed gives the same trials; another seed other ones
"$MLP" tune base.ini --space space.ini --budget 9 --out t2 --quiet > /dev/null 2>&1
check same_seed_same_trials sh -c 'cut -d, -f1-8 t1/results.csv > a; cut -d, -f1-8 t2/results.csv > b; cmp -s a b'
"$MLP" tune base.ini --space space.ini --budget 3 --seed 2 --out t3 --quiet > /dev/null 2>&1
check other_seed_other_trials sh -c '! cmp -s t1/trial-001/config.ini t3/trial-001/config.ini'

# --- random search: every trial trains all 9 epochs
"$MLP" tune base.ini --space space.ini --budget 2 --method random --out r1 --quiet > /dev/null 2>&1
check random_exit_0 [ $? -eq 0 ]
flat_check random_full_epochs 'NR > 1 && $6 != 9 { bad = 1 } END { exit bad || NR != 3 }' r1/results.csv

# --- resume: a tune killed (-9, with its children) partway and resumed gives the results of the
# uninterrupted t1 (-j 1, seed 1): same trials, settings, rungs, epochs and accuracies.
same_results() { # two results.csv: every column but the training seconds
    sed 's/,[^,]*$//' "$1" > same.a; sed 's/,[^,]*$//' "$2" > same.b; cmp -s same.a same.b
}
kill_tune_at() { # out dir, journal lines to wait for; then kill -9 the tune and its children
    # In a process group of its own (setsid), so that one kill reaches the tune and every child,
    # also one it is spawning at that moment.
    setsid "$MLP" tune base.ini --space space.ini --budget 9 --out "$1" --quiet > /dev/null 2>&1 &
    pid=$!
    i=0
    while [ "$(cat "$1/journal.jsonl" 2> /dev/null | wc -l)" -lt "$2" ] && [ $i -lt 600 ] &&
          kill -0 $pid 2> /dev/null; do sleep 0.05; i=$((i + 1)); done
    kill -KILL "-$pid" 2> /dev/null
    wait $pid 2> /dev/null
    # The group's last processes are gone when none of them remains.
    i=0
    while pgrep -g "$pid" > /dev/null 2>&1 && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}
# interrupt_tune_at OUT LINES ARGS...: `mlp tune ARGS... --out OUT` in the background (its output
# in OUT.out), SIGINT to the tune alone (as `kill -INT`) once its journal has LINES lines.
interrupt_tune_at() {
    out=$1 lines=$2
    shift 2
    "$MLP" tune "$@" --out "$out" > "$out.out" 2>&1 &
    pid=$!
    i=0
    while [ "$(cat "$out/journal.jsonl" 2> /dev/null | wc -l)" -lt "$lines" ] && [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    kill -INT $pid
    wait $pid
}
kill_tune_at k1 7
check killed_partway sh -c '[ -s k1/tune.json ] && [ -s k1/space.ini ] && ! grep -q "\"done\"" k1/journal.jsonl'
"$MLP" tune --resume k1 > k1.out 2> k1.err
check resume_exit_0 [ $? -eq 0 ]
check resume_says_resumed grep -q '^resumed after' k1.err
check resume_equals_uninterrupted same_results t1/results.csv k1/results.csv
check resume_journal_done grep -q '"event":"done","reason":"complete"' k1/journal.jsonl
# Killed at another point (right after a step's start), resumed twice over.
kill_tune_at k2 12
"$MLP" tune --resume k2 --quiet > /dev/null 2>&1
check resume_again_equals_uninterrupted same_results t1/results.csv k2/results.csv
# SIGINT to the tune alone (as `kill -INT`): no step starts, the running one ends, no "done".
interrupt_tune_at c1 5 base.ini --space space.ini --budget 9
check sigint_says_interrupted grep -q 'interrupted: mlp tune --resume c1' c1.out
check sigint_no_done sh -c '! grep -q "\"done\"" c1/journal.jsonl'
"$MLP" tune --resume c1 --quiet > /dev/null 2>&1
check sigint_resume_equals_uninterrupted same_results t1/results.csv c1/results.csv
# A finished tune resumed runs nothing and prints its results again.
cp k1/results.csv k1.before
"$MLP" tune --resume k1 > k1.again 2> k1.again.err
check resume_finished_exit_0 [ $? -eq 0 ]
check resume_finished_says_so grep -q 'had finished' k1.again.err
check resume_finished_same_results cmp -s k1.before k1/results.csv
check resume_finished_runs_nothing sh -c '! grep -q "^start\|^promote\|^rerun" k1.again.err'
# The options stay the tune's own; other files are refused.
"$MLP" tune --resume k1 --seed 2 > /dev/null 2> conflict.err
check resume_conflict_exit_2 [ $? -eq 2 ]
check resume_conflict_message grep -q -- '--seed differs from the tune' conflict.err
"$MLP" tune --resume k1 --seed 1 -j 1 --budget 9 base.ini --space space.ini --quiet > /dev/null 2>&1
check resume_same_options_accepted [ $? -eq 0 ]
"$MLP" tune base.ini --space space.ini --budget 9 --out k1 > /dev/null 2> again.err
check new_tune_over_tune_exit_2 [ $? -eq 2 ]
check new_tune_over_tune_message grep -q 'holds a tune already' again.err
"$MLP" tune --resume train.csv > /dev/null 2> notune.err
check resume_not_a_tune_exit_1 [ $? -eq 1 ]
check resume_not_a_tune_message grep -q 'not a tune folder' notune.err
# A journal line cut short (no newline) is dropped; a malformed complete line is an error.
cp -r k1 k3
grep -v '"done"' k1/journal.jsonl > k3/journal.jsonl
printf '{"event":"start","tri' >> k3/journal.jsonl
"$MLP" tune --resume k3 --quiet > /dev/null 2>&1
check resume_torn_line_dropped same_results t1/results.csv k3/results.csv
cp -r k1 k4
printf '{"event":"end","trial":99,"rung":0,"elapsed":1}\n' >> k4/journal.jsonl
"$MLP" tune --resume k4 > /dev/null 2> k4.err
check resume_bad_journal_exit_1 [ $? -eq 1 ]
check resume_bad_journal_message grep -q 'journal.jsonl:[0-9]*: ' k4.err

# --- a duration budget: at the deadline no step starts and the running one is sent SIGINT. Rungs
# of 50, 100, 200, ... epochs up to a million: the tune ends by the budget. Whether a step is in
# training at the deadline depends on timing; if one is stopped, the journal has its "stop" and,
# when it stopped cleanly, its epochs and "interrupted" in its summary.json (one stopped in its
# start-up has epochs null).
sed 's/^epochs = 9/epochs = 1000000/' base.ini > long.ini
"$MLP" tune long.ini --space space.ini --budget 3s --min-epochs 50 --eta 2 --out b1 > b1.out 2> b1.err
check budget_exit_0 [ $? -eq 0 ]
check budget_says_ended grep -q 'time budget (3 s) ended the tune' b1.out
check budget_journal_done grep -q '"event":"done","reason":"budget"' b1/journal.jsonl
stop=$(grep '"event":"stop"' b1/journal.jsonl | tail -n 1)
stopped=$(echo "$stop" | sed -n 's/.*"trial":\([0-9]*\),.*/\1/p')
check budget_stop_consistent sh -c "[ -z '$stop' ] || echo '$stop' | grep -q '\"epochs\":null' || grep -q '\"interrupted\"' b1/trial-$(printf %03d "${stopped:-0}")/summary.json"
# best.ini trains the epochs of the best trial's completed rung (not those of a stopped step).
best_epochs=$(flat b1/results.csv | awk -F, 'NR == 2 { print $6 }')
check budget_best_epochs grep -q "^epochs = $best_epochs\$" b1/best.ini
"$MLP" tune --resume b1 > /dev/null 2> b1.again.err
check budget_resume_finished grep -q 'had finished' b1.again.err
# A single step of a million epochs (random search) is certainly in training at a 3 s deadline:
# it stops at its next mini-batch with a checkpoint, is recorded as stopped, and as no step
# completed, the tune fails (exit 1) after writing its results.
"$MLP" tune long.ini --space space.ini --budget 3s --method random --out b2 > b2.out 2> b2.err
check budget_nothing_finished_exit_1 [ $? -eq 1 ]
check budget_nothing_finished_message grep -q 'no trial finished a step' b2.err
check budget_stop_recorded grep -Eq '"event":"stop","trial":1,"rung":0,.*"epochs":[0-9]' b2/journal.jsonl
check budget_stop_checkpoint sh -c 'grep -q "\"interrupted\"" b2/trial-001/summary.json && [ -s b2/trial-001/last.safetensors ]'
check budget_stop_in_results grep -q '| trial-001 |.*| stopped |' b2/results.md
check budget_stop_journal_done grep -q '"event":"done","reason":"budget"' b2/journal.jsonl
# --- Halton draws: the same seed gives the same trials, in range
"$MLP" tune base.ini --space space.ini --budget 6 --sampler halton --method random --out h1 --set training.epochs=1 --quiet > /dev/null 2>&1
check halton_exit_0 [ $? -eq 0 ]
"$MLP" tune base.ini --space space.ini --budget 6 --sampler halton --method random --out h2 --set training.epochs=1 --quiet > /dev/null 2>&1
flat h1/results.csv | cut -d, -f2-4 | sort > h1.trials
flat h2/results.csv | cut -d, -f2-4 | sort > h2.trials
check halton_same_seed_same_trials cmp -s h1.trials h2.trials
flat_check halton_in_range 'NR > 1 && !($3 >= 0.001 && $3 <= 0.3) { bad = 1 } END { exit bad || NR != 7 }' h1/results.csv
check halton_recorded grep -q '"sampler":[[:space:]]*"halton"' h1/results.json
# Six Halton points over 3 choices: network.hidden (the second key, base 3) takes each twice.
flat_check halton_choices_even 'NR > 1 { n[$4]++ } END { exit !(n["4"] == 2 && n["16"] == 2 && n["Q"] == 2) }' h1/results.csv

# --- ranked by validation loss: within a rung, val_loss ascending; the summary names the loss
"$MLP" tune base.ini --space space.ini --budget 9 --metric loss --out l1 > l1.out 2> l1.err
check loss_exit_0 [ $? -eq 0 ]
check loss_announced grep -q 'ranked by validation loss' l1.err
flat_check loss_ranked 'NR > 2 && ($5 > r || ($5 == r && $8 < v)) { bad = 1 } NR > 1 { r = $5; v = $8 } END { exit bad }' l1/results.csv
check loss_recorded grep -q '"metric":[[:space:]]*"loss"' l1/results.json
best_loss=$(flat l1/results.csv | awk -F, 'NR == 2 { print $8 }')
check loss_summary grep -q "val loss $best_loss at rung" l1.out

# --- a Halton tune by loss, interrupted (SIGINT) and resumed, ends as the uninterrupted one:
# tune.json keeps the sampler and the metric, the journal the validation losses.
"$MLP" tune base.ini --space space.ini --budget 9 --sampler halton --metric loss --out hl1 --quiet > /dev/null 2>&1
interrupt_tune_at hl2 5 base.ini --space space.ini --budget 9 --sampler halton --metric loss
check halton_loss_interrupted grep -q 'interrupted: mlp tune --resume hl2' hl2.out
check halton_loss_saved sh -c 'grep -q "\"sampler\":[[:space:]]*\"halton\"" hl2/tune.json && grep -q "\"metric\":[[:space:]]*\"loss\"" hl2/tune.json && grep -q "\"val_loss\":" hl2/journal.jsonl'
"$MLP" tune --resume hl2 --quiet > /dev/null 2>&1
check halton_loss_resume_equals_uninterrupted same_results hl1/results.csv hl2/results.csv
"$MLP" tune --resume hl2 --metric accuracy > /dev/null 2> hl2.conflict
check resume_metric_conflict grep -q -- '--metric differs' hl2.conflict

# --- errors: space files name FILE:LINE, bad arguments are usage errors (exit 2)
bad_space() { # name, space text, expected message
    printf '%s\n' "$2" > bad.ini
    "$MLP" tune base.ini --space bad.ini --budget 2 --out bad > /dev/null 2> bad.err
    code=$?
    if [ $code -eq 2 ] && grep -q "$3" bad.err; then pass "$1"; else fail "$1" "exit $code: $(cat bad.err)"; fi
}
bad_space space_unknown_key '# c
network.hiden = choice(4, 8)' 'bad.ini:2: unknown config key'
bad_space space_bad_function 'schedule.lr = normal(0, 1)' "bad.ini:1: unknown function 'normal'"
bad_space space_bad_range 'schedule.lr = uniform(0.2, 0.1)' 'bad.ini:1: uniform(): lo'
bad_space space_bad_value 'optimizer.kind = choice(sgd, adamx)' 'bad.ini:1:'
bad_space space_out_of_range 'schedule.lr = uniform(-1, 0.1)' 'bad.ini:1: schedule.lr = -1'
bad_space space_duplicate 'schedule.lr = choice(0.1)
schedule.lr = choice(0.2)' 'bad.ini:2:.*given twice'
bad_space space_epochs_not_tunable 'training.epochs = choice(1, 2)' 'cannot be tuned'
"$MLP" tune base.ini --space missing.ini --budget 2 --out bad > /dev/null 2> missing.err
check space_missing_exit_1 [ $? -eq 1 ]
"$MLP" tune base.ini --space space.ini --budget 2x --out bad > /dev/null 2> budget.err
check bad_budget_exit_2 [ $? -eq 2 ]
check bad_budget_message grep -q "budget '2x'" budget.err
"$MLP" tune base.ini --space space.ini --budget 2 --out bad --method grid > /dev/null 2>&1
check bad_method_exit_2 [ $? -eq 2 ]
"$MLP" tune base.ini --space space.ini --budget 2 --out bad --sampler sobol > /dev/null 2> sampler.err
check bad_sampler_exit_2 [ $? -eq 2 ]
check bad_sampler_message grep -q "random or halton" sampler.err
"$MLP" tune base.ini --space space.ini --budget 2 --out bad --metric f1 > /dev/null 2>&1
check bad_metric_exit_2 [ $? -eq 2 ]
"$MLP" tune base.ini --budget 2 --out bad > /dev/null 2>&1
check no_space_exit_2 [ $? -eq 2 ]
"$MLP" tune --help > help.out 2>&1
check help_exit_0 [ $? -eq 0 ]
check help_text grep -q 'log_uniform' help.out
check help_sampler_metric sh -c 'grep -q "sampler random|halton" help.out && grep -q "metric accuracy|loss" help.out'

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
