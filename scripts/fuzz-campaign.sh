#!/bin/sh
# A fuzzing campaign (docs/reliability.md): every libFuzzer target at once for SECONDS each,
# niced, each growing its own copy of the seeds in OUT/corpus/TARGET; a log per target
# (-print_final_stats) in OUT, crashes as OUT/TARGET-crash-*, and OUT/stats.txt with each
# target's executions, rate, coverage (cov: edges, ft: features) and corpus. With MERGE=1 the
# inputs that add coverage are then merged into fuzz/corpus/TARGET (libFuzzer -merge=1): the
# committed seeds stay, new files are named by their SHA-1.
#
#   scripts/fuzz-campaign.sh FUZZ_BUILD OUT SECONDS [TARGET...]
set -u
build=$1 out=$2 seconds=$3
shift 3
targets=${*:-$(cd fuzz && ls fuzz_*.c | sed 's/\.c$//')}
mkdir -p "$out"
for t in $targets; do
    mkdir -p "$out/corpus/$t"
    nice -n 19 "$build/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
        -rss_limit_mb=2048 -timeout=60 -artifact_prefix="$out/$t-" \
        "$out/corpus/$t" "fuzz/corpus/$t" >"$out/$t.log" 2>&1 &
done
wait
final_stat() { grep "^stat::$2:" "$out/$1.log" | tail -1 | awk '{print $2}'; }
{
    printf '%-18s %12s %8s %7s %7s %7s %9s %s\n' target execs exec/s cov ft corpus bytes findings
    for t in $targets; do
        # The last status line: "#N ... cov: C ft: F corp: K/SIZE ...".
        last=$(grep -E '^#[0-9]+' "$out/$t.log" | tail -1)
        cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
        ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
        corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/\([0-9a-zA-Z]*\).*/\1 \2/p')
        crashes=$(ls "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-oom-* "$out/$t"-timeout-* 2>/dev/null | wc -l)
        printf '%-18s %12s %8s %7s %7s %7s %9s %s\n' "$t" "$(final_stat "$t" number_of_executed_units)" \
            "$(final_stat "$t" average_exec_per_sec)" "${cov:-?}" "${ft:-?}" ${corp:-? ?} "$crashes"
    done
} >"$out/stats.txt"
cat "$out/stats.txt"
if [ "${MERGE:-0}" = 1 ]; then
    for t in $targets; do
        "$build/fuzz/$t" -merge=1 -rss_limit_mb=2048 "fuzz/corpus/$t" "$out/corpus/$t" \
            >"$out/$t.merge.log" 2>&1 || echo "merge of $t failed: see $out/$t.merge.log"
    done
fi
