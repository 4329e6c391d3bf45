#!/bin/sh
# bench/report.py on made-up runs of three rounds: every figure is the median over the rounds and
# every ratio the median of the ratios within a round, not the ratio of the medians; a target is
# judged with each side at its faster thread count, round by round.
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

blas='blas="OpenBLAS test; kernels Test; threads 2"'
# rounds THREADS "ROUND MLP NUMPY"...: the RESULT lines of mlp and numpy at batch 50, one pair a
# round, the given samples/s as training and inference figures.
rounds() {
    threads=$1
    shift
    for r in "$@"; do
        set -- $r
        for side in "mlp $2" "numpy $3"; do
            set -- "$1" $side
            echo "RESULT side=$2 net=784-200-10 batch=50 samples_per_s=$3 infer_samples_per_s=$3" \
                "test_accuracy=0.85 peak_rss_mib=10 $blas setting=auto threads=$threads round=$1"
        done
    done
}
# report TEST RAW REPORT: runs bench/report.py on RAW into REPORT, one test.
report() {
    if /usr/bin/python3 "$root/bench/report.py" "$2" >"$3" 2>"$dir/err"; then
        pass "$1"
    else
        fail "$1" "$(cat "$dir/err")"
    fi
}

# mlp / numpy per round: 300/100 = 3, 200/100 = 2, 300/150 = 2. Medians 300 and 100 would give 3.
{
    echo "MACHINE test machine"
    echo "LOAD start: 0.10 0.10 0.10"
    echo "RESULT side=sgemm n=2048 best_gflops=100.0 median_gflops=90.0 $blas setting=auto threads=2"
    rounds 2 "1 300 100" "2 200 100" "3 300 150"
    echo "LOAD end: 0.10 0.10 0.10"
    echo "DONE"
} >"$dir/raw.txt"
report bench_report_runs "$dir/raw.txt" "$dir/report.md"
if grep -q '^| 784-200-10 batch 50: mlp / best peer ≥ 2.5× | 2.00× (rounds 2.00-3.00) (numpy (auto, 2-thread row)) | \*\*not met\*\* |$' "$dir/report.md"; then
    pass bench_report_ratio_is_median_of_round_ratios
else
    fail bench_report_ratio_is_median_of_round_ratios "$(grep 'best peer ≥' "$dir/report.md")"
fi
if grep -q '^| 784-200-10 | 50 | 300 | 100 | numpy | 2.00× |' "$dir/report.md" &&
    grep -q '^Rounds: 3\.' "$dir/report.md"; then
    pass bench_report_figures_are_medians
else
    fail bench_report_figures_are_medians "$(grep -E '^\| 784-200-10 \| 50 |^Rounds' "$dir/report.md")"
fi

# The same run with 1-thread rows. Per round, mlp 2/1 threads: 300/100, 200/250, 300/100; numpy
# 100/120, 100/80, 150/200. Each at its faster count: 300/120, 250/100, 300/200 = 2.5, 2.5, 1.5.
{
    sed '/^LOAD end/,$d' "$dir/raw.txt"
    echo "RESULT side=sgemm n=2048 best_gflops=50.0 median_gflops=45.0 $blas setting=auto threads=1"
    rounds 1 "1 100 120" "2 250 80" "3 100 200"
    echo "LOAD end: 0.10 0.10 0.10"
    echo "DONE"
} >"$dir/threads.txt"
report bench_report_runs_with_thread_counts "$dir/threads.txt" "$dir/threads.md"
if grep -q '^| 784-200-10 batch 50: mlp / best peer ≥ 2.5× | 2.50× (rounds 1.50-2.50) (numpy (auto, 1-thread row)) | met |$' "$dir/threads.md" &&
    grep -q '^| 784-200-10 | 50 | 300 | 100 | numpy | 2.00× | numpy (auto, 1-thread row) | 2.50× |' "$dir/threads.md"; then
    pass bench_report_judges_each_side_at_its_faster_thread_count
else
    fail bench_report_judges_each_side_at_its_faster_thread_count \
        "$(grep -E 'best peer ≥|^\| 784-200-10 \| 50 ' "$dir/threads.md")"
fi
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
