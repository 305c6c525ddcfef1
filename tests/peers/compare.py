#!/usr/bin/env python3
"""Peer comparison: the harness's backends against oneDNN's RNN primitive and PyTorch.

Runs, in interleaved rounds (harness, oneDNN, PyTorch, then again), the same cells at the same
sizes (the table `cell_benchmark --sizes` prints) on 1 and 2 threads, and prints one Markdown table
of median times with speed ratios (oneDNN time / harness time: above 1 means the harness is
faster), and for the faster of the two oneDNN-engine backends (onednn, onednn_tbb) its GFLOP/s and
their share of dnnl_sgemm's own peak on a large product, measured in the same run.

oneDNN needs libdnnl-dev at build time (the build then makes `onednn_rnn`); PyTorch needs
python3-torch and runs under Debian's own /usr/bin/python3. Whatever is missing is left out of the table.

Usage: tests/peers/compare.py [--build build] [--sizes S,M,L] [--modes fwd+bwd] [--rounds 3]
                              [--repetitions 5] [--cells-at SIZE=CELL,CELL]...
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def run(command, env=None):
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}).stdout


def harness_times(build, sizes, modes, threads, repetitions):
    """{(cell, size, mode, backend): (median ms, median FLOP/s)} from cell_benchmark's JSON."""
    per_size = "|".join("({})/(blas|tbb|onednn|onednn_tbb)/{}".format("|".join(s["cells"]), s["id"])
                        for s in sizes)
    pattern = "^({})/({})/threads:{}/".format(
        per_size, "|".join(m.replace("+", r"\+") for m in modes), threads)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run([os.path.join(build, "bin", "cell_benchmark"), f"--benchmark_filter={pattern}",
             f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true",
             "--benchmark_min_time=0.2", f"--benchmark_out={out.name}",
             "--benchmark_out_format=json"])
        text = open(out.name).read()
    if not text:
        sys.exit(f"compare.py: cell_benchmark ran nothing for the filter {pattern}")
    report = json.loads(text)
    times = {}
    for b in report["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        cell, backend, size, mode, _ = b["run_name"].split("/", 4)
        times[(cell, size, mode, backend)] = (b["real_time"], b.get("FLOP/s", 0.0))
        if "error_message" in b:
            sys.exit(f"compare.py: {b['run_name']}: {b['error_message']}")
    return times


def peer_times(lines, peer):
    times = {}
    for line in lines.splitlines():
        cell, size, mode, median, _ = line.split()
        times[(cell, size, mode, peer)] = (float(median), 0.0)
    return times


def onednn_times(build, size_ids, threads, repetitions):
    binary = os.path.join(build, "bin", "onednn_rnn")
    if not os.path.exists(binary):
        return {}
    lines = "".join(run([binary, str(repetitions), size_id], {"OMP_NUM_THREADS": str(threads)})
                    for size_id in size_ids)
    return peer_times(lines, "oneDNN")


# python3-torch is installed for Debian's own interpreter.
DEBIAN_PYTHON = "/usr/bin/python3"


def torch_times(sizes, threads, repetitions):
    env = {"OMP_NUM_THREADS": str(threads)}
    try:
        run([DEBIAN_PYTHON, "-c", "import torch"], env)
    except (OSError, subprocess.CalledProcessError):
        return {}
    lines = run([DEBIAN_PYTHON, os.path.join(HERE, "torch_rnn.py"), json.dumps(sizes), str(threads),
                 str(repetitions)], env)
    return peer_times(lines, "PyTorch")


def sgemm_peak(build, threads):
    """dnnl_sgemm's GFLOP/s on a large product, or None without oneDNN."""
    binary = os.path.join(build, "bin", "onednn_rnn")
    if not os.path.exists(binary):
        return None
    return float(run([binary, "--sgemm-peak"], {"OMP_NUM_THREADS": str(threads)}).split()[1])


def load_average():
    return os.getloadavg()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--modes", default="fwd+bwd")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--cells-at", action="append", default=[], metavar="SIZE=CELL,CELL",
                        help="only these cells at this size (repeatable; default: the size's all)")
    args = parser.parse_args()

    wanted = args.sizes.split(",")
    only = {}
    for item in args.cells_at:
        size_id, _, cells = item.partition("=")
        if not cells:
            sys.exit(f"compare.py: --cells-at wants SIZE=CELL,CELL, not {item!r}")
        only[size_id] = cells.split(",")
    all_sizes = json.loads(run([os.path.join(args.build, "bin", "cell_benchmark"), "--sizes"]))
    sizes = [s for s in all_sizes if s["id"] in wanted]
    for s in sizes:
        if s["id"] in only:
            s["cells"] = [c for c in s["cells"] if c in only[s["id"]]]
    sizes = [s for s in sizes if s["cells"]]
    modes = args.modes.split(",")
    samples = defaultdict(list)  # (cell, size, mode, who, threads) -> per-round (ms, FLOP/s)
    peaks = defaultdict(list)  # threads -> per-round sgemm GFLOP/s
    loads = [load_average()]
    for round_index in range(args.rounds):
        for threads in (1, 2):
            print(f"round {round_index + 1}/{args.rounds}, {threads} thread(s)", file=sys.stderr)
            measured = {}
            measured.update(harness_times(args.build, sizes, modes, threads, args.repetitions))
            measured.update(onednn_times(args.build, wanted, threads, args.repetitions))
            measured.update(torch_times(sizes, threads, args.repetitions))
            for (cell, size, mode, who), value in measured.items():
                if mode in modes:
                    samples[(cell, size, mode, who, threads)].append(value)
            peak = sgemm_peak(args.build, threads)
            if peak:
                peaks[threads].append(peak)
        loads.append(load_average())

    def median(cell, size, mode, who, threads, index=0):
        values = samples.get((cell, size, mode, who, threads))
        return statistics.median(v[index] for v in values) if values else None

    def ms(value):
        return f"{value:.2f}" if value is not None else "—"

    def ratio(reference, value):
        return f"{reference / value:.2f}" if reference and value else "—"

    coretype = os.environ.get("OPENBLAS_CORETYPE", "auto")
    peak_text = ", ".join(f"{t} thread(s) {statistics.median(p):.0f}" for t, p in peaks.items())
    print(f"Median of {args.rounds} rounds × {args.repetitions} repetitions, times in ms; "
          f"OPENBLAS_CORETYPE={coretype}; 1-minute load average "
          f"{min(loads):.2f}–{max(loads):.2f}; dnnl_sgemm peak (2048³, GFLOP/s): "
          f"{peak_text or '—'}.\n"
          "Ratios are oneDNN's time over the harness's (above 1: the harness is faster).\n")
    print("| cell | size | mode | threads | blas | tbb | onednn | onednn_tbb | oneDNN RNN | PyTorch "
          "| onednn vs oneDNN | onednn_tbb vs oneDNN | faster one's GFLOP/s | % of sgemm peak |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        for cell in size["cells"]:
            for mode in modes:
                for threads in (1, 2):
                    key = (cell, size["id"], mode)
                    blas, tbb = median(*key, "blas", threads), median(*key, "tbb", threads)
                    ours = median(*key, "onednn", threads)
                    sliced = median(*key, "onednn_tbb", threads)
                    faster = "onednn_tbb" if sliced and (not ours or sliced < ours) else "onednn"
                    flops = median(*key, faster, threads, index=1)
                    onednn = median(*key, "oneDNN", threads)
                    torch = median(*key, "PyTorch", threads)
                    gflops = f"{flops / 1e9:.0f}" if flops else "—"
                    peak = statistics.median(peaks[threads]) if peaks.get(threads) else None
                    share = f"{flops / 1e9 / peak * 100:.0f}%" if flops and peak else "—"
                    print(f"| {cell} | {size['id']} | {mode} | {threads} | {ms(blas)} | {ms(tbb)} "
                          f"| {ms(ours)} | {ms(sliced)} | {ms(onednn)} | {ms(torch)} "
                          f"| {ratio(onednn, ours)} | {ratio(onednn, sliced)} | {gflops} "
                          f"| {share} |")


if __name__ == "__main__":
    main()
