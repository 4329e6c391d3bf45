#!/bin/sh
# End to end: display names of classes whose labels are numbers (data.class_names): stored in the
# model, shown by mlp info, mlp eval and mlp show; mlp predict writes the labels unless --names;
# wrong lists refused naming the key; a model without names falls back to its labels.
MLP=${MLP:-build/mlp}
case $MLP in /*) ;; *) MLP=$(pwd)/$MLP ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-class-names-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

# Labels 0, 1, 2 (numbers, as in IDX files); class c lights up row c of a 4x4 image.
awk 'BEGIN { srand(5); printf "label"; for (j = 0; j < 16; j++) printf ",p%d", j; printf "\n";
    for (i = 0; i < 300; i++) { c = i % 3; printf "%d", c;
        for (j = 0; j < 16; j++) printf ",%d", (int(j / 4) == c ? 200 : 0) + int(rand() * 60);
        printf "\n" } }' > images.csv
cat > named.ini <<INI
seed = 1
[data]
train = images.csv
class_names = T-shirt/top, Ankle boot,Bag
transform = standardize
validation = 0.2
[network]
hidden = 8
[optimizer]
kind = adam
[schedule]
lr = 0.02
[training]
epochs = 10
batch_size = 20
INI

"$MLP" train named.ini --out run --quiet > /dev/null 2> train.err
check train_with_names [ $? -eq 0 ]
check config_keeps_names grep -qx 'class_names = T-shirt/top, Ankle boot,Bag' run/config.ini

"$MLP" info run > info.txt
check info_labels grep -qx 'classes     3: 0 1 2' info.txt
check info_names grep -qx 'names       T-shirt/top, Ankle boot, Bag' info.txt
"$MLP" info run --metadata > meta.txt
check info_metadata_skips_names sh -c '! grep -q display_names meta.txt'

"$MLP" eval run images.csv > eval.txt
check eval_exit_0 [ $? -eq 0 ]
check eval_learns grep -Eq '^accuracy  (1\.0000|0\.9)' eval.txt
check eval_per_class_names sh -c 'grep -q "^T-shirt/top " eval.txt && grep -q "^Ankle boot " eval.txt && grep -q "^Bag " eval.txt'
check eval_confusion_header grep -Eq '^ +T-shirt/top +Ankle boot +Bag$' eval.txt
check eval_no_label_rows sh -c '! grep -Eq "^[012] " eval.txt'

# predict: labels by default, names with --names (a quoted CSV field is never needed here).
"$MLP" predict run images.csv --out labels.csv 2> /dev/null
check predict_labels sh -c 'tail -n +2 labels.csv | cut -d, -f2 | sort -u | tr "\n" " " | grep -qx "0 1 2 "'
"$MLP" predict run images.csv --names --proba --out names.csv 2> /dev/null
check predict_names_header [ "$(head -n 1 names.csv)" = "Id,Category,T-shirt/top,Ankle boot,Bag" ]
check predict_names_values sh -c 'tail -n +2 names.csv | cut -d, -f2 | sort -u | tr "\n" "|" | grep -qx "Ankle boot|Bag|T-shirt/top|"'
# Row by row, the name is the label's.
paste -d, labels.csv names.csv | tail -n +2 | awk -F, '
    { want = $2 == 0 ? "T-shirt/top" : $2 == 1 ? "Ankle boot" : "Bag"; if ($4 != want) bad++ }
    END { exit bad > 0 }'
check predict_names_match_labels [ $? -eq 0 ]
check predict_help_names sh -c '"$0" predict --help | grep -q -- "--names"' "$MLP"

# Pictures with the names (the drawing is checked by eye; here: they are made).
for what in confusion samples; do
    "$MLP" show $what run "images.csv,shape=4x4" --out $what.png > /dev/null 2>&1
    check show_${what}_with_names [ -s $what.png ]
done

# Wrong lists: errors naming the key, exit 1 (count, needs the data) or 2 (syntax).
"$MLP" train named.ini --out bad1 --set 'data.class_names=Bag, Coat' > /dev/null 2> err.txt
rc=$?
check count_refused [ $rc -eq 1 ]
check count_message grep -qF 'data.class_names: 2 display names for 3 classes; the classes of images.csv are 0, 1, 2' err.txt
"$MLP" train named.ini --out bad2 --set 'data.class_names=Bag, Coat, Bag' > /dev/null 2> err.txt
check duplicate_message grep -qF "data.class_names: display name 'Bag' is given twice (names 1 and 3)" err.txt
"$MLP" train named.ini --out bad3 --set 'data.class_names=Bag,,Coat' > /dev/null 2> err.txt
rc=$?
check empty_item_refused [ $rc -eq 2 ]
check empty_item_message grep -qF 'data.class_names' err.txt

# A model trained without names: labels everywhere, --names falls back to them with a note.
"$MLP" train named.ini --out plain --set data.class_names= --quiet > /dev/null 2>&1
"$MLP" info plain > info2.txt
check plain_info_no_names sh -c '! grep -q "^names" info2.txt'
"$MLP" eval plain images.csv > eval2.txt
check plain_eval_labels grep -Eq '^ +0 +1 +2$' eval2.txt
"$MLP" predict plain images.csv --names > plain.csv 2> note.txt
check plain_predict_names_falls_back sh -c 'tail -n +2 plain.csv | cut -d, -f2 | sort -u | tr "\n" " " | grep -qx "0 1 2 "'
check plain_predict_note grep -qF 'has no class names (data.class_names), writing labels' note.txt

echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
