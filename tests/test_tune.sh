#!/bin/sh
# mlp tune end to end on generated data: ASHA's rungs and promotions (a promoted trial continues
# its run folder), the ranked results.csv, best.ini retrained by mlp train giving the recorded
# validation accuracy, the same seed giving the same trials, random search, and the errors of
# space files and arguments.
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
flat_check test_accuracy_column 'NR == 2 { exit !($8 > 0) }' t1/results.csv

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
"$MLP" tune base.ini --budget 2 --out bad > /dev/null 2>&1
check no_space_exit_2 [ $? -eq 2 ]
"$MLP" tune --help > help.out 2>&1
check help_exit_0 [ $? -eq 0 ]
check help_text grep -q 'log_uniform' help.out

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
