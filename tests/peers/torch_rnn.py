"""Times PyTorch's RNN modules on the benchmark sizes, for the peer comparison.

Usage: torch_rnn.py SIZES_JSON THREADS REPETITIONS
SIZES_JSON is what `cell_benchmark --sizes` prints. Prints one line per case:
"<cell> <size> <fwd|fwd+bwd> <median ms> <min ms>". Needs python3-torch (Debian), run with Debian's
own python3. PyTorch has no reset-before-product GRU, no peephole or CIFG LSTM and no
update-gate-only GRU: those cells are skipped.
"""
import json
import statistics
import sys
import time

import torch


def module_for(cell, x, h):
    if cell in ("rnn_tanh", "rnn_relu"):
        return torch.nn.RNN(x, h, nonlinearity=cell[4:])
    if cell == "gru_lbr":  # PyTorch's GRU applies the reset gate after the recurrent product
        return torch.nn.GRU(x, h)
    if cell == "lstm":
        return torch.nn.LSTM(x, h)
    return None


def time_ms(fn, repetitions):
    fn()  # warm-up
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), min(times)


def main():
    sizes = json.loads(sys.argv[1])
    torch.set_num_threads(int(sys.argv[2]))
    repetitions = int(sys.argv[3])
    for size in sizes:
        for cell in size["cells"]:
            module = module_for(cell, size["X"], size["H"])
            if module is None:
                continue
            x = torch.randn(size["T"], size["B"], size["X"]) * 0.1

            def forward():
                with torch.no_grad():
                    module(x)

            def forward_backward():
                module.zero_grad()
                inputs = x.clone().requires_grad_(True)
                output, _ = module(inputs)
                output.sum().backward()

            for mode, fn in (("fwd", forward), ("fwd+bwd", forward_backward)):
                median, best = time_ms(fn, repetitions)
                print(f"{cell} {size['id']} {mode} {median:.4f} {best:.4f}", flush=True)


if __name__ == "__main__":
    main()
