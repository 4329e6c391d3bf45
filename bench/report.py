"""Turns the raw output of bench/run.sh (RESULT lines, see bench/bench_common.h) into the tables
of docs/performance.md. Every measurement carries setting= (env: OpenBLAS as the environment sets
it; auto: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset) and threads= (OPENBLAS_NUM_THREADS, and
mlp's threads; avx512: OpenBLAS's AVX-512 kernels forced). For each setting and thread count:
training samples/s of every side and the ratio mlp / best peer, effective GFLOP/s against the
SGEMM peak of the same setting and threads, inference, and each peer's figure against its
stand-alone run; then the products alone, memory, accuracy, the kernels every side used, and each
target of issue 14. A target is judged for mlp in auto against the best peer of any setting, each
side at its faster thread count (1 or 2, round by round: a peer whose one-thread run is its
fastest, as NumPy's often is at small batches, is judged by that run), and the shares of the peak
against the highest SGEMM peak of any setting. A run of several rounds (round=R) is reported as
the median over its rounds of every figure, and the median of the per-round ratios for every
ratio: within a round the sides are measured minutes apart, so the machine's drift cancels in the
ratio.
Exits non-zero on an unfinished run.

usage: report.py RAW_FILE"""

import shlex
import statistics
import sys

# Targets of issue 14 (auto, 2 threads): (hidden widths, batch) -> minimum mlp / best peer.
RATIO_TARGETS = {
    ("200", 50): 2.5,
    ("200", 128): 2.0,
    ("200", 1000): 1.6,
    ("200-100", 100): 2.2,
    ("1024-1024", 256): 1.3,
}
PEAK_FRACTION_TARGETS = ((("200", 1000), 0.80), (("1024-1024", 256), 0.80))
INFERENCE_RATIO_TARGET = 1.25  # mlp inference / best peer's, every row
BF16_SPEEDUP_TARGETS = (("200", 1000), ("1024-1024", 256))  # mlp-bf16 / mlp >= 1.6
BF16_SPEEDUP = 1.6
BF16_INFERENCE_RATIO = 2.0  # mlp-bf16 inference / best float32 peer's
STANDALONE_WARNING = 0.67  # a peer's figure below this share of its stand-alone one is flagged
TARGET_SETTING, TARGET_THREADS = "auto", "2"
OWN_SIDES = ("mlp", "mlp-bf16")


def parse(path):
    results, skips, machine, loads, done = [], [], "", [], False
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(("RESULT ", "SKIP ")):
                fields = dict(word.split("=", 1) for word in shlex.split(line)[1:])
                (results if line.startswith("RESULT") else skips).append(fields)
            elif line.startswith("MACHINE "):
                machine = line[len("MACHINE ") :]
            elif line.startswith("LOAD "):
                loads.append(line[len("LOAD ") :])
            elif line == "DONE":
                done = True
    return results, skips, machine, loads, done


def flops_per_sample(net):
    """Forward 2 in*out, weight gradient 2 in*out, input gradient 2 in*out except layer 0."""
    widths = [int(w) for w in net.split("-")]
    pairs = list(zip(widths[:-1], widths[1:]))
    return 6 * sum(a * b for a, b in pairs) - 2 * pairs[0][0] * pairs[0][1]


def hidden_of(net):
    return "-".join(net.split("-")[1:-1])


def fmt(value, digits=0):
    return f"{value:,.{digits}f}" if value is not None else "–"


def kernels_of(r):
    """The OpenBLAS kernel name in a blas="... kernels NAME; threads N" field."""
    blas = r.get("blas", "")
    return blas.split("kernels ", 1)[1].split(";")[0] if "kernels " in blas else "?"


SETTING_TITLES = {
    "auto": "auto (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset: OpenBLAS picks its kernels)",
    "env": "as the environment sets it",
    "avx512": "avx512 (OPENBLAS_CORETYPE=SkylakeX: OpenBLAS's AVX-512 kernels forced)",
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    results, skips, machine, loads, done = parse(sys.argv[1])
    if not done:
        sys.exit(f"report.py: {sys.argv[1]}: the run did not finish (no DONE line); see its end")
    for r in results:
        if r["side"] != "trainer":  # the trainer runs once, in the environment as it is
            r.setdefault("setting", "env")
        r.setdefault("threads", "2")
    sgemm = [r for r in results if r["side"] == "sgemm"]
    products = [r for r in results if r["side"] == "product"]
    trainer = next((r for r in results if r["side"] == "trainer"), None)
    standalone = {
        (r["net"], int(r["batch"]), r["side"][: -len("-standalone")], r["setting"], r["threads"]): r
        for r in results
        if r["side"].endswith("-standalone")
    }
    training = [
        r
        for r in results
        if r["side"] not in ("sgemm", "product", "trainer") and not r["side"].endswith("-standalone")
    ]
    settings = sorted(dict.fromkeys(r["setting"] for r in results if "setting" in r),
                      key=lambda s: s != "auto")
    thread_counts = sorted(dict.fromkeys(r["threads"] for r in training), reverse=True)
    sides = list(dict.fromkeys(r["side"] for r in training))
    sides.sort(key=lambda s: (s not in OWN_SIDES, OWN_SIDES.index(s) if s in OWN_SIDES else 0))
    peers = [s for s in sides if s not in OWN_SIDES]
    configs = list(dict.fromkeys((r["net"], int(r["batch"])) for r in training))
    by = {}
    for r in training:
        by.setdefault((r["net"], int(r["batch"]), r["side"], r["setting"], r["threads"]), []).append(r)
    rounds = len({r.get("round", "1") for r in training})

    def values(net, batch, side, setting, threads, key):
        """{round: figure} of one side (round "1" where the run has no rounds)."""
        return {r.get("round", "1"): float(r[key])
                for r in by.get((net, batch, side, setting, threads), []) if key in r}

    def value(net, batch, side, setting, threads, key):
        found = values(net, batch, side, setting, threads, key)
        return statistics.median(found.values()) if found else None

    def best_rounds(of_sides, net, batch, in_settings, in_threads, key):
        """{round: the highest figure in that round of the given sides, over the given settings
        and thread counts}."""
        best = {}
        for s in in_settings:
            for t in in_threads:
                for side in of_sides:
                    for rnd, v in values(net, batch, side, s, t, key).items():
                        best[rnd] = max(best.get(rnd, 0.0), v)
        return best

    def best_peer_rounds(net, batch, in_settings, threads, key):
        """{round: the fastest peer's figure in that round, over the given settings}."""
        return best_rounds(peers, net, batch, in_settings, [threads], key)

    # The judged comparison: each side at its faster thread count, up to the judged one.
    judged_threads = [t for t in thread_counts if int(t) <= int(TARGET_THREADS)]

    def judged_rounds(of_sides, net, batch, key):
        """{round: figure} of the given sides at their best judged thread count, in the target
        setting for mlp's own sides and in any setting for the peers."""
        own = all(side in OWN_SIDES for side in of_sides)
        return best_rounds(of_sides, net, batch, [TARGET_SETTING] if own else settings,
                           judged_threads, key)

    def round_ratios(own, other):
        """own / other in each round both have: (median, lowest, highest), or None."""
        ratios = sorted(own[rnd] / other[rnd] for rnd in own if other.get(rnd))
        return (statistics.median(ratios), ratios[0], ratios[-1]) if ratios else None

    def spread(ratio):
        return f" (rounds {ratio[1]:.2f}-{ratio[2]:.2f})" if ratio and rounds > 1 else ""

    def peak_of(setting, threads):
        rates = [float(r["best_gflops"]) for r in sgemm
                 if r["setting"] == setting and r["threads"] == threads]
        return max(rates) if rates else None

    def best_peer(net, batch, setting, threads, key):
        rates = {s: value(net, batch, s, setting, threads, key) for s in peers}
        rates = {s: v for s, v in rates.items() if v is not None}
        if not rates:
            return None, None
        best = max(rates, key=rates.get)
        return best, rates[best]

    def best_peer_anywhere(net, batch, key):
        """The fastest peer in any OpenBLAS setting and judged thread count, named
        "side (setting, N-thread row)"."""
        found = [(rate, f"{side} ({s}, {t}-thread row)")
                 for s in settings for t in judged_threads
                 for side, rate in [best_peer(net, batch, s, t, key)] if rate is not None]
        if not found:
            return None, None
        rate, name = max(found)
        return name, rate

    def highest_peak(threads):
        peaks = [p for p in (peak_of(s, threads) for s in settings) if p]
        return max(peaks) if peaks else None

    out = []
    out.append(f"Machine: {machine}\n")
    out.append(f"Load average (1, 5, 15 min): {'; '.join(loads)}\n")
    if rounds > 1:
        out.append(f"Rounds: {rounds}. Each training and inference figure below is the median over "
                   "the rounds; each ratio is the median of the ratios within a round (their range in "
                   "the targets table).\n")
    busiest = max((float(load.split()[1]) for load in loads), default=0.0)
    if busiest > 1.0:
        out.append(
            f"**Warning: the 1-minute load reached {busiest:.2f}: other processes competed for "
            "the cores during the run, and two-thread figures suffer most.**\n"
        )
    for s in skips:
        out.append(f"Skipped: {s['side']} ({s['reason']}).\n")

    out.append("### SGEMM peak (2048³ cblas_sgemm, best of 10 after a warm-up; at the start and "
               "at the end of the run)\n")
    out.append("| OpenBLAS setting | kernels | threads | start: best / median | end: best / median "
               "| peak used (GFLOP/s) |")
    out.append("|---|---|---:|---:|---:|---:|")
    for setting in settings:
        for threads in sorted({r["threads"] for r in sgemm if r["setting"] == setting}, reverse=True):
            rows = [r for r in sgemm if r["setting"] == setting and r["threads"] == threads]
            cells = [f"{r['best_gflops']} / {r['median_gflops']}" for r in rows] + ["–", "–"]
            out.append(f"| {setting} | {kernels_of(rows[0])} | {threads} | {cells[0]} | {cells[1]} "
                       f"| **{peak_of(setting, threads):.1f}** |")

    verdicts = []
    for setting in settings:
        kernels = sorted({kernels_of(r) for r in results
                          if r.get("setting") == setting and "blas" in r})
        out.append(f"\n## OpenBLAS {SETTING_TITLES.get(setting, setting)}: kernels "
                   f"{', '.join(kernels)}\n")
        for threads in thread_counts:
            here = [s for s in sides
                    if any(value(n, b, s, setting, threads, "samples_per_s") for n, b in configs)]
            if not here:
                continue
            peak = peak_of(setting, threads)
            judged = (setting, threads) == (TARGET_SETTING, TARGET_THREADS)
            out.append(f"\n### {setting}, {threads} thread{'s' if threads != '1' else ''}: "
                       "training throughput (samples/s, median of the timed epochs)\n")
            out.append("| network | batch | " + " | ".join(here) + " | best peer | mlp / best peer |"
                       + (" best peer, any setting and thread count | mlp at its best / it | "
                          "target | |" if judged else ""))
            out.append("|---|---:|" + "---:|" * len(here) + "---|---:|"
                       + ("---|---:|---:|---|" if judged else ""))
            for net, batch in configs:
                best, _ = best_peer(net, batch, setting, threads, "samples_per_s")
                own = values(net, batch, "mlp", setting, threads, "samples_per_s")
                ratio = round_ratios(own, best_peer_rounds(net, batch, [setting], threads,
                                                           "samples_per_s"))
                ratio = ratio[0] if ratio else None
                row = (f"| {net} | {batch} | "
                       + " | ".join(fmt(value(net, batch, s, setting, threads, "samples_per_s"))
                                    for s in here)
                       + f" | {best or '–'} | {fmt(ratio, 2)}{'×' if ratio else ''} |")
                if judged:
                    anywhere, _ = best_peer_anywhere(net, batch, "samples_per_s")
                    ratios = round_ratios(judged_rounds(["mlp"], net, batch, "samples_per_s"),
                                          judged_rounds(peers, net, batch, "samples_per_s"))
                    ratio = ratios[0] if ratios else None
                    target = RATIO_TARGETS.get((hidden_of(net), batch))
                    met = "" if ratio is None or target is None else (
                        "met" if ratio >= target else "**not met**")
                    if met:
                        verdicts.append((f"{net} batch {batch}: mlp / best peer ≥ {target}×",
                                         f"{ratio:.2f}×{spread(ratios)} ({anywhere})", met))
                    row += f" {anywhere or '–'} | {fmt(ratio, 2)}{'×' if ratio else ''} |"
                    row += (f" ≥ {target}× | {met} |" if target else " | |")
                out.append(row)

            out.append(f"\n### {setting}, {threads} thread{'s' if threads != '1' else ''}: "
                       "effective GFLOP/s (6·Σ fan_in·fan_out per sample, less the first layer's "
                       f"input gradient) and share of the SGEMM peak ({fmt(peak, 1)})\n")
            out.append("| network | batch | FLOP/sample | " + " | ".join(here) + " |")
            out.append("|---|---:|---:|" + "---:|" * len(here))
            for net, batch in configs:
                per_sample = flops_per_sample(net)
                cells = []
                for s in here:
                    rate = value(net, batch, s, setting, threads, "samples_per_s")
                    cells.append("–" if rate is None or not peak else
                                 f"{rate * per_sample * 1e-9:.1f} ({rate * per_sample * 1e-9 / peak:.0%})")
                out.append(f"| {net} | {batch} | {per_sample:,} | " + " | ".join(cells) + " |")
                for (hidden, b), fraction in PEAK_FRACTION_TARGETS:
                    rate = value(net, batch, "mlp", setting, threads, "samples_per_s")
                    real_peak = highest_peak(threads)
                    if judged and (hidden_of(net), batch) == (hidden, b) and rate and real_peak:
                        got = rate * per_sample * 1e-9 / real_peak
                        verdicts.append((f"{net} batch {batch}: mlp ≥ {fraction:.0%} of the SGEMM "
                                         "peak (the highest of any setting)",
                                         f"{got:.0%} of {real_peak:.1f}",
                                         "met" if got >= fraction else "**not met**"))
                if judged and "mlp-bf16" in here and (hidden_of(net), batch) in BF16_SPEEDUP_TARGETS:
                    gain = round_ratios(values(net, batch, "mlp-bf16", setting, threads, "samples_per_s"),
                                        values(net, batch, "mlp", setting, threads, "samples_per_s"))
                    if gain:
                        verdicts.append((f"{net} batch {batch}: bf16 ≥ {BF16_SPEEDUP}× float32",
                                         f"{gain[0]:.2f}×{spread(gain)}",
                                         "met" if gain[0] >= BF16_SPEEDUP else "**not met**"))

            out.append(f"\n### {setting}, {threads} thread{'s' if threads != '1' else ''}: "
                       "inference (test set, 10,000 samples in chunks of 1,000; samples/s, median of 5)\n")
            out.append("| network | trained at batch | " + " | ".join(here) + " | best peer | mlp / best peer |")
            out.append("|---|---:|" + "---:|" * len(here) + "---|---:|")
            for net, batch in configs:
                best, _ = best_peer(net, batch, setting, threads, "infer_samples_per_s")
                own = values(net, batch, "mlp", setting, threads, "infer_samples_per_s")
                ratio = round_ratios(own, best_peer_rounds(net, batch, [setting], threads,
                                                           "infer_samples_per_s"))
                ratio = ratio[0] if ratio else None
                out.append(f"| {net} | {batch} | "
                           + " | ".join(fmt(value(net, batch, s, setting, threads, "infer_samples_per_s"))
                                        for s in here)
                           + f" | {best or '–'} | {fmt(ratio, 2)}{'×' if ratio else ''} |")
                if not judged:
                    continue
                anywhere, _ = best_peer_anywhere(net, batch, "infer_samples_per_s")
                peer_rates = judged_rounds(peers, net, batch, "infer_samples_per_s")
                ratios = round_ratios(judged_rounds(["mlp"], net, batch, "infer_samples_per_s"),
                                      peer_rates)
                if ratios:
                    verdicts.append((f"{net} (trained at {batch}) inference: mlp / best peer ≥ "
                                     f"{INFERENCE_RATIO_TARGET}×",
                                     f"{ratios[0]:.2f}×{spread(ratios)} ({anywhere})",
                                     "met" if ratios[0] >= INFERENCE_RATIO_TARGET else "**not met**"))
                gain = round_ratios(judged_rounds(["mlp-bf16"], net, batch, "infer_samples_per_s"),
                                    peer_rates)
                if gain:
                    verdicts.append((f"{net} (trained at {batch}) bf16 inference ≥ "
                                     f"{BF16_INFERENCE_RATIO}× best float32 peer",
                                     f"{gain[0]:.2f}×{spread(gain)}",
                                     "met" if gain[0] >= BF16_INFERENCE_RATIO else "**not met**"))

            checks = [(n, b, s) for n, b in configs for s in here
                      if (n, b, s, setting, threads) in standalone]
            if checks:
                out.append(f"\n### {setting}, {threads} thread{'s' if threads != '1' else ''}: each "
                           "peer against its stand-alone run (samples/s; a plain loop of steps, fresh "
                           "process, bare environment)\n")
                out.append("| network | batch | side | in the bench | stand-alone | bench / stand-alone | |")
                out.append("|---|---:|---|---:|---:|---:|---|")
                for n, b, s in checks:
                    mine = value(n, b, s, setting, threads, "samples_per_s")
                    alone = float(standalone[(n, b, s, setting, threads)]["samples_per_s"])
                    share = mine / alone if mine and alone else None
                    flag = ("**far below its stand-alone figure**"
                            if share is not None and share < STANDALONE_WARNING else "")
                    out.append(f"| {n} | {b} | {s} | {fmt(mine)} | {fmt(alone)} | "
                               f"{fmt(share, 2)} | {flag} |")

    if products:
        out.append("\n### The products of a dense layer alone, one thread (GFLOP/s of thread "
                   "CPU time, best of 3; bench/product_rates.c; bf16 includes rounding and packing)\n")
        out.append("| OpenBLAS setting | kernels | layer | batch | product | OpenBLAS cblas_sgemm | "
                   "mlp kernels | mlp / OpenBLAS | mlp bf16 | bf16 / float32 |")
        out.append("|---|---|---|---:|---|---:|---:|---:|---:|---:|")
        for r in sorted(products, key=lambda r: r["setting"] != "auto"):
            blas, own, bf16 = float(r["openblas_gflops"]), r.get("mlp_gflops"), r.get("mlp_bf16_gflops")
            ratio = f"{float(own) / blas:.2f}×" if own else "–"
            gain = f"{float(bf16) / float(own):.2f}×" if own and bf16 else "–"
            out.append(f"| {r['setting']} | {kernels_of(r)} | {r['in']}-{r['out']} | {r['batch']} | "
                       f"{r['product'].replace('_', ' ')} | {blas:.1f} | {own or '–'} | {ratio} | "
                       f"{bf16 or '–'} | {gain} |")

    setting = settings[0]
    threads = TARGET_THREADS if TARGET_THREADS in thread_counts else thread_counts[0]
    here = [s for s in sides if any(value(n, b, s, setting, threads, "samples_per_s") for n, b in configs)]
    out.append(f"\n### Peak resident memory of each process (MiB) and test accuracy after training "
               f"({setting}, {threads} threads)\n")
    out.append("| network | batch | " + " | ".join(f"{s} RSS" for s in here) + " | "
               + " | ".join(f"{s} acc." for s in here) + " |")
    out.append("|---|---:|" + "---:|" * (2 * len(here)))
    for net, batch in configs:
        out.append(f"| {net} | {batch} | "
                   + " | ".join(fmt(value(net, batch, s, setting, threads, "peak_rss_mib"), 1) for s in here)
                   + " | "
                   + " | ".join(fmt(value(net, batch, s, setting, threads, "test_accuracy"), 4)
                                for s in here) + " |")

    if trainer:
        out.append("\n### The default model trained by `mlp train` (examples/fashion-mnist.ini)\n")
        out.append("| test accuracy | training s | samples/s | epochs | threads | peak RSS MiB |")
        out.append("|---:|---:|---:|---:|---:|---:|")
        out.append(f"| {trainer['test_accuracy']} | {trainer['train_seconds']} | "
                   f"{int(trainer['samples_per_s']):,} | {trainer['epochs']} | {trainer['threads']} | "
                   f"{trainer['peak_rss_mib']} |")
        accuracy, seconds = float(trainer["test_accuracy"]), float(trainer["train_seconds"])
        rss = float(trainer["peak_rss_mib"])
        verdicts.append(("default model: test accuracy ≥ 0.89 in ≤ 3 s of training (issue 6)",
                         f"{accuracy:.4f} in {seconds:.2f} s",
                         "met" if accuracy >= 0.89 and seconds <= 3 else "**not met**"))
        verdicts.append(("default model: peak RSS ≤ 100 MB (issue 6)", f"{rss * 1.048576:.0f} MB",
                         "met" if rss * 1.048576 <= 100 else "**not met**"))

    out.append("\n### Kernels each side used\n")
    for setting in settings:
        for s in ["sgemm", *sides]:
            r = next((r for r in results if r["side"] == s and r.get("setting") == setting), None)
            if r:
                own = f"{r['kernels']}; " if "kernels" in r else ""
                out.append(f"- {setting}, {s}: {own}{r.get('blas')}")

    out.append(f"\n### Targets (issue 14; mlp in {TARGET_SETTING} against the best peer of any "
               f"setting, each side at its faster thread count up to {TARGET_THREADS}; the shares "
               f"of the peak at {TARGET_THREADS} threads against the highest SGEMM peak of any "
               "setting)\n")
    out.append("| target | this run | |")
    out.append("|---|---:|---|")
    for name, got, met in verdicts:
        out.append(f"| {name} | {got} | {met} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
