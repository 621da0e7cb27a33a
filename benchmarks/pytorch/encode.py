"""PyTorch's side of the `encode` suite: the CpuDefault encoder (nn.LSTM, 1 x 512 units over 10 frames of 64x64)
as a PyTorch user would run it for features, eval mode under no_grad, at the batches and precisions the .NET suite
uses, on the same kind of rows (uniform pixels). bfloat16 is the whole module and input cast to bfloat16, which is
what PyTorch offers on a CPU without autocast; LstmAe keeps gates and cell state in float32. For bfloat16 two figures:
rows cast once before timing, and float32 rows cast batch by batch inside the timing, which is LstmAe's work (its
input is float32 frames).

    OMP_WAIT_POLICY=PASSIVE python3 benchmarks/pytorch/encode.py [--quick] [--device cuda]

Prints one line per case: precision, batch, sequences per second (best of several timings of at least a second), and
for bfloat16 the rate from float32 rows.
"""
import os
import sys
import time

import torch

FRAMES, FRAME_SIZE, HIDDEN = 10, 64 * 64, 512


def best_rate(lstm, rows, batch, repetitions, seconds, synchronize, dtype):
    """Sequences per second; like LstmAe's Encode, each batch's features are copied to the host. Each batch is cast to
    `dtype` inside the timing (nothing to do where the rows already have it)."""
    with torch.no_grad():
        lstm(rows[:batch].to(dtype))
        synchronize()
        best = 0.0
        for _ in range(repetitions):
            done, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                for first in range(0, rows.shape[0], batch):
                    _, (hidden, _) = lstm(rows[first:first + batch].to(dtype))
                    hidden[-1].cpu()
                done += rows.shape[0]
            best = max(best, done / (time.perf_counter() - start))
    return best


def main():
    quick = "--quick" in sys.argv
    device = torch.device(sys.argv[sys.argv.index("--device") + 1] if "--device" in sys.argv else "cpu")
    synchronize = (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else (lambda: None)
    # Some builds (Debian's 1.13) start with one thread; libtorch in LstmAe uses every core unless told otherwise.
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(os.cpu_count())
    torch.manual_seed(0)
    # The rows live where the model runs, as LstmAe's benchmark caches its rows before timing.
    rows = torch.rand(128 if quick else 512, FRAMES, FRAME_SIZE, device=device)
    lstm = torch.nn.LSTM(FRAME_SIZE, HIDDEN, 1, batch_first=True).to(device).eval()
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"{torch.get_num_threads()} threads"
    print(f"PyTorch {torch.__version__} on {where}, BLAS: "
          f"{'MKL' if torch.backends.mkl.is_available() else 'not MKL'}, oneDNN: {torch.backends.mkldnn.is_available()}")
    print(f"{'products':<9} {'batch':>5} {'features/s':>11} {'from float32 rows/s':>20}")
    for dtype, name in [(torch.float32, "Float32"), (torch.bfloat16, "BFloat16")]:
        model, data = lstm.to(dtype), rows.to(dtype)
        for batch in (16, 64):
            timing = (2 if quick else 5, 0.2 if quick else 1.0, synchronize, dtype)
            rate = best_rate(model, data, batch, *timing)
            cast = best_rate(model, rows, batch, *timing) if dtype != torch.float32 else rate
            print(f"{name:<9} {batch:>5} {rate:>11.1f} {cast:>20.1f}")

if __name__ == "__main__":
    main()
