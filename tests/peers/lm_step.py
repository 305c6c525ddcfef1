#!/usr/bin/env python3
"""The language model's training step, PyTorch against the harness, in interleaved rounds.

The step is lm_benchmark's: a character model with a vocabulary of V = 80, H = 256, B = 32,
T = 100 — the embedding lookup, the recurrent layer, the softmax head and its cross-entropy,
backward, and an Adam update, the state carried from the previous step and detached (truncated
BPTT). PyTorch runs nn.Embedding(V, V) + nn.LSTM/GRU/RNN(V, H) + nn.Linear(H, V): an embedding as
wide as the vocabulary is the one-hot input the harness reads (the harness gathers W_x's
columns). Prints a Markdown table of median tokens/s and the ratio harness / PyTorch (above 1: the
harness is faster) for 1 and 2 threads.

PyTorch needs python3-torch and Debian's own /usr/bin/python3 (this script re-runs itself there
for the PyTorch side). Usage: tests/peers/lm_step.py [--build build] [--rounds 3]
                                                   [--repetitions 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

V, H, B, T = 80, 256, 32, 100
CELLS = ("lstm", "gru", "rnn_tanh")


def torch_times(threads, repetitions):
    """{cell: median ms per step}, measured in this process (which must have torch)."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    times = {}
    for cell in CELLS:
        recurrent = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU,
                     "rnn_tanh": lambda x, h: torch.nn.RNN(x, h, nonlinearity="tanh")}[cell](V, H)
        embedding, head = torch.nn.Embedding(V, V), torch.nn.Linear(H, V)
        parameters = [*embedding.parameters(), *recurrent.parameters(), *head.parameters()]
        optimizer = torch.optim.Adam(parameters, lr=1e-3)
        inputs = torch.randint(0, V, (T, B))
        targets = torch.randint(0, V, (T, B))
        state = None

        def step():
            nonlocal state
            optimizer.zero_grad(set_to_none=True)
            if state is not None:  # truncated BPTT: carry the state, not its gradient
                state = tuple(s.detach() for s in state) if isinstance(state, tuple) \
                    else state.detach()
            outputs, state = recurrent(embedding(inputs), state)
            loss = torch.nn.functional.cross_entropy(head(outputs).reshape(T * B, V),
                                                     targets.reshape(T * B))
            loss.backward()
            optimizer.step()

        step()
        samples = []
        for _ in range(repetitions):
            start = time.perf_counter()
            step()
            samples.append((time.perf_counter() - start) * 1000)
        times[cell] = statistics.median(samples)
    return times


def harness_times(build, threads, repetitions):
    """{(cell, backend): median ms per step} from lm_benchmark's JSON."""
    pattern = f"^lm_step/({'|'.join(CELLS)})/[a-z]+/threads:{threads}/"
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([os.path.join(build, "bin", "lm_benchmark"),
                        f"--benchmark_filter={pattern}", f"--benchmark_repetitions={repetitions}",
                        "--benchmark_report_aggregates_only=true", "--benchmark_min_time=0.2",
                        f"--benchmark_out={out.name}", "--benchmark_out_format=json"],
                       check=True, capture_output=True)
        report = json.load(open(out.name))
    times = {}
    for b in report["benchmarks"]:
        if b.get("aggregate_name") == "median":
            _, cell, backend, _ = b["run_name"].split("/", 3)
            times[(cell, backend)] = b["real_time"]
    return times


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--torch":  # the PyTorch side, under Debian's python
        print(json.dumps(torch_times(int(sys.argv[2]), int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for threads in (1, 2):
        harness, torch_ms = {}, {}
        for _ in range(args.rounds):  # interleaved, so both see the same machine
            for key, ms in harness_times(args.build, threads, args.repetitions).items():
                harness.setdefault(key, []).append(ms)
            torch_run = subprocess.run(
                ["/usr/bin/python3", os.path.abspath(__file__), "--torch", str(threads),
                 str(args.repetitions)], capture_output=True, text=True,
                env={**os.environ, "OMP_NUM_THREADS": str(threads)})
            if torch_run.returncode != 0:
                sys.exit("lm_step.py: PyTorch failed (is python3-torch installed?):\n"
                         + torch_run.stderr)
            for cell, ms in json.loads(torch_run.stdout).items():
                torch_ms.setdefault(cell, []).append(ms)
        for cell in CELLS:
            peer = statistics.median(torch_ms[cell])
            for backend in sorted({b for c, b in harness if c == cell}):
                ms = statistics.median(harness[(cell, backend)])
                rows.append((cell, backend, threads, B * T / ms * 1000, B * T / peer * 1000,
                             peer / ms))
    env = f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}"
    print(f"LM training step, V={V} H={H} B={B} T={T}; medians of {args.rounds} rounds × "
          f"{args.repetitions} repetitions; {env}\n")
    print("| cell | harness backend | threads | harness tokens/s | PyTorch tokens/s | ratio |")
    print("|---|---|---|---|---|---|")
    for cell, backend, threads, ours, theirs, ratio in rows:
        print(f"| {cell} | {backend} | {threads} | {ours:,.0f} | {theirs:,.0f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
