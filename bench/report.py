"""Turns the raw output of bench/run.sh (RESULT lines, see bench/bench_common.h) into the tables
of docs/performance.md: training samples/s of every side and the ratio mlp / best peer, effective
GFLOP/s against the SGEMM peak of the same run, inference, peak memory, accuracy, BLAS kernels,
each target with whether this run met it. Exits non-zero on an unfinished run.

usage: report.py RAW_FILE"""

import shlex
import statistics
import sys

# Targets of issue 6: (hidden widths, batch) -> minimum mlp / best peer samples/s.
RATIO_TARGETS = {("200", 50): 2.0, ("200", 128): 1.5, ("200", 1000): 1.2, ("200-100", 100): 1.5}
PEAK_FRACTION_TARGET = (("200", 1000), 0.70)
INFERENCE_TARGET = ("200", 500_000)


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


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    results, skips, machine, loads, done = parse(sys.argv[1])
    if not done:
        sys.exit(f"report.py: {sys.argv[1]}: the run did not finish (no DONE line); see its end")
    sgemm = [r for r in results if r["side"] == "sgemm"]
    products = [r for r in results if r["side"] == "product"]
    trainer = next((r for r in results if r["side"] == "trainer"), None)
    training = [r for r in results if r["side"] not in ("sgemm", "product", "trainer")]
    peak = max(float(r["best_gflops"]) for r in sgemm)
    sides = list(dict.fromkeys(r["side"] for r in training))
    peers = [s for s in sides if s != "mlp"]
    configs = list(dict.fromkeys((r["net"], int(r["batch"])) for r in training))
    by = {(r["net"], int(r["batch"]), r["side"]): r for r in training}

    def value(net, batch, side, key):
        r = by.get((net, batch, side))
        return float(r[key]) if r else None

    out = []
    out.append(f"Machine: {machine}\n")
    out.append(f"Load average (1, 5, 15 min): {'; '.join(loads)}\n")
    busiest = max((float(load.split()[1]) for load in loads), default=0.0)
    if busiest > 1.0:
        out.append(
            f"**Warning: the 1-minute load reached {busiest:.2f}: other processes competed for "
            "the cores during the run, and two-thread figures suffer most.**\n"
        )
    out.append(
        "SGEMM peak (2048³ cblas_sgemm, best of 10 after a warm-up; measured at the start and "
        "at the end of the run): "
        + "; ".join(f"best {r['best_gflops']} / median {r['median_gflops']} GFLOP/s" for r in sgemm)
        + f". **Peak used below: {peak:.1f} GFLOP/s.**\n"
    )
    for s in skips:
        out.append(f"Skipped: {s['side']} ({s['reason']}).\n")

    out.append("### Training throughput (samples/s, median of the timed epochs)\n")
    out.append(
        "torch-t1: PyTorch with torch.set_num_threads(1) and OpenBLAS at OPENBLAS_NUM_THREADS; "
        "torch-t2: torch.set_num_threads(2), measured on fewer samples and epochs (see the "
        "`samples` and `epochs` fields of its RESULT lines).\n"
    )
    out.append("| network | batch | " + " | ".join(sides) + " | best peer | mlp / best peer | target | |")
    out.append("|---|---:|" + "---:|" * len(sides) + "---|---:|---:|---|")
    verdicts = []
    for net, batch in configs:
        rates = {s: value(net, batch, s, "samples_per_s") for s in sides}
        peer_rates = {s: rates[s] for s in peers if rates[s] is not None}
        best = max(peer_rates, key=peer_rates.get) if peer_rates else None
        ratio = rates["mlp"] / peer_rates[best] if best and rates.get("mlp") else None
        target = RATIO_TARGETS.get((hidden_of(net), batch))
        met = "" if ratio is None or target is None else ("met" if ratio >= target else "**missed**")
        if met:
            verdicts.append((f"{net} batch {batch}: mlp / best peer ≥ {target}", f"{ratio:.2f}×", met))
        out.append(
            f"| {net} | {batch} | "
            + " | ".join(fmt(rates[s]) for s in sides)
            + f" | {best or '–'} | {fmt(ratio, 2)}{'×' if ratio else ''} | "
            + (f"≥ {target}×" if target else "")
            + f" | {met} |"
        )

    out.append("\n### Effective GFLOP/s (6·Σ fan_in·fan_out per sample, less the first layer's "
               "input gradient) and share of the SGEMM peak\n")
    out.append("| network | batch | FLOP/sample | " + " | ".join(sides) + " |")
    out.append("|---|---:|---:|" + "---:|" * len(sides))
    for net, batch in configs:
        per_sample = flops_per_sample(net)
        cells = []
        for s in sides:
            rate = value(net, batch, s, "samples_per_s")
            cells.append(
                "–" if rate is None else f"{rate * per_sample * 1e-9:.1f} ({rate * per_sample * 1e-9 / peak:.0%})"
            )
        out.append(f"| {net} | {batch} | {per_sample:,} | " + " | ".join(cells) + " |")
        (hidden, b), fraction = PEAK_FRACTION_TARGET
        if (hidden_of(net), batch) == (hidden, b) and value(net, batch, "mlp", "samples_per_s"):
            got = value(net, batch, "mlp", "samples_per_s") * per_sample * 1e-9 / peak
            verdicts.append(
                (f"{net} batch {batch}: mlp ≥ {fraction:.0%} of SGEMM peak", f"{got:.0%}",
                 "met" if got >= fraction else "**missed**")
            )

    if products:
        out.append("\n### The products of a 784-200 layer alone, one thread (GFLOP/s of thread "
                   "CPU time, best of 3; bench/product_rates.c)\n")
        out.append("| batch | product | OpenBLAS cblas_sgemm | mlp kernels | mlp / OpenBLAS |")
        out.append("|---:|---|---:|---:|---:|")
        for r in products:
            blas, own = float(r["openblas_gflops"]), r.get("mlp_gflops")
            ratio = f"{float(own) / blas:.2f}×" if own else "–"
            out.append(f"| {r['batch']} | {r['product'].replace('_', ' ')} | {blas:.1f} | "
                       f"{own or '–'} | {ratio} |")

    out.append("\n### Inference (test set, 10,000 samples in chunks of 1,000; samples/s, median of 5)\n")
    out.append("| network | trained at batch | " + " | ".join(sides) + " |")
    out.append("|---|---:|" + "---:|" * len(sides))
    for net, batch in configs:
        out.append(f"| {net} | {batch} | "
                   + " | ".join(fmt(value(net, batch, s, "infer_samples_per_s")) for s in sides) + " |")
    hidden, minimum = INFERENCE_TARGET
    mlp_inference = [value(n, b, "mlp", "infer_samples_per_s") for n, b in configs
                     if hidden_of(n) == hidden and value(n, b, "mlp", "infer_samples_per_s")]
    if mlp_inference:
        got = statistics.median(mlp_inference)
        verdicts.append((f"784-{hidden}-10 inference ≥ {minimum:,} samples/s (median of the rows above)",
                         fmt(got), "met" if got >= minimum else "**missed**"))

    out.append("\n### Peak resident memory of each process (MiB) and test accuracy after training\n")
    out.append("| network | batch | " + " | ".join(f"{s} RSS" for s in sides) + " | "
               + " | ".join(f"{s} acc." for s in sides) + " |")
    out.append("|---|---:|" + "---:|" * (2 * len(sides)))
    for net, batch in configs:
        out.append(f"| {net} | {batch} | "
                   + " | ".join(fmt(value(net, batch, s, "peak_rss_mib"), 1) for s in sides) + " | "
                   + " | ".join(fmt(value(net, batch, s, "test_accuracy"), 4) for s in sides) + " |")

    if trainer:
        out.append("\n### The default model trained by `mlp train` (examples/fashion-mnist.ini)\n")
        out.append("| test accuracy | training s | samples/s | epochs | threads | peak RSS MiB |")
        out.append("|---:|---:|---:|---:|---:|---:|")
        out.append(f"| {trainer['test_accuracy']} | {trainer['train_seconds']} | "
                   f"{int(trainer['samples_per_s']):,} | {trainer['epochs']} | {trainer['threads']} | "
                   f"{trainer['peak_rss_mib']} |")
        accuracy, seconds = float(trainer["test_accuracy"]), float(trainer["train_seconds"])
        rss = float(trainer["peak_rss_mib"])
        verdicts.append(("default model: test accuracy ≥ 0.89 in ≤ 3 s of training",
                         f"{accuracy:.4f} in {seconds:.2f} s",
                         "met" if accuracy >= 0.89 and seconds <= 3 else "**missed**"))
        verdicts.append(("default model: peak RSS ≤ 100 MB", f"{rss * 1.048576:.0f} MB",
                         "met" if rss * 1.048576 <= 100 else "**missed**"))

    out.append("\n### Kernels each side used\n")
    for s in ["sgemm", *sides]:
        r = next((r for r in results if r["side"] == s), {})
        own = f"{r['kernels']}; " if "kernels" in r else ""
        out.append(f"- {s}: {own}{r.get('blas')}")

    out.append("\n### Targets (issue 6)\n")
    out.append("| target | this run | |")
    out.append("|---|---:|---|")
    for name, got, met in verdicts:
        out.append(f"| {name} | {got} | {met} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
