"""Cost of the batched views: B starts in one tensor against one start, and against a loop.

    python bench/batched.py [--repeats N] [--device cuda]

Targets (issue 6): 10,000 starts x 500 steps in one batched run cost at most 3x one start x 500
steps with the same optimizer and the same code (core.basins.run_starts), measured side by side
(repeats interleaved, medians); and at least 1,000x less than running the starts one by one, the
loop extrapolated from a sample of starts. The sweep rows show the same for one param group per
learning rate (core.sweeps.run_groups), where torch.optim loops over the groups in Python.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.basins import run_starts
from core.objectives import OBJECTIVES
from core.optimizers import OPTIMIZERS as REGISTRY
from core.sweeps import log_rates, run_groups

FUNCTION = "himmelblau"
STEPS = 500
STARTS = 10_000  # a 100 x 100 grid
LOOP_SAMPLE = 20  # starts timed one by one; the loop over all STARTS is extrapolated
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
SWEEP_RATES = 200


def seconds(fn: Callable[[], object]) -> float:
    """Wall seconds of fn(); every run returns numpy arrays, so CUDA work is finished inside."""
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def grid_starts(count: int) -> np.ndarray:
    (x0, x1), (y0, y1) = OBJECTIVES[FUNCTION].box
    side = round(count**0.5)
    gx, gy = np.meshgrid(np.linspace(x0, x1, side), np.linspace(y0, y1, side))
    return np.stack([gx.ravel(), gy.ravel()], axis=-1)


def hyper(optimizer: str) -> dict:
    return REGISTRY[optimizer].defaults_for(OBJECTIVES[FUNCTION])


def bench_starts(optimizer: str, repeats: int, device: str) -> tuple[float, float, float]:
    """Median seconds: one start, all STARTS in one batch, and the extrapolated loop."""
    starts = grid_starts(STARTS)
    values = hyper(optimizer) | {"device": device}
    run_starts(FUNCTION, optimizer, starts, 20, **values)  # allocator warm-up at full size
    one, batch = [], []
    for _ in range(repeats):  # interleaved, so that load on the machine hits both alike
        one.append(seconds(lambda: run_starts(FUNCTION, optimizer, starts[:1], STEPS, **values)))
        batch.append(seconds(lambda: run_starts(FUNCTION, optimizer, starts, STEPS, **values)))
    sample = starts[np.random.default_rng(0).choice(len(starts), LOOP_SAMPLE, replace=False)]
    per_start = [
        seconds(lambda s=s: run_starts(FUNCTION, optimizer, s[None], STEPS, **values))
        for s in sample
    ]
    return statistics.median(one), statistics.median(batch), statistics.median(per_start) * STARTS


def bench_sweep(optimizer: str, repeats: int) -> tuple[float, float, float]:
    """Median seconds: one rate, SWEEP_RATES rates as param groups, and the extrapolated loop."""
    start = OBJECTIVES[FUNCTION].start
    values = {k: v for k, v in hyper(optimizer).items() if k != "lr"}
    rates = log_rates(1e-4, 1e-1, SWEEP_RATES)
    one, batch = [], []
    for _ in range(repeats):
        one.append(
            seconds(lambda: run_groups(FUNCTION, optimizer, start, STEPS, [{"lr": 1e-3}], **values))
        )
        batch.append(
            seconds(
                lambda: run_groups(
                    FUNCTION, optimizer, start, STEPS, [{"lr": r} for r in rates], **values
                )
            )
        )
    per_rate = statistics.median(one)  # a loop over rates runs exactly the one-rate case
    return per_rate, statistics.median(batch), per_rate * SWEEP_RATES


def main(repeats: int = 5, device: str = "cpu") -> None:
    run_starts(FUNCTION, "sgd", grid_starts(4), 20, device=device)  # first-step warm-up
    where = torch.cuda.get_device_name() if device == "cuda" else "1 thread"
    print(
        f"{FUNCTION}, {STEPS} steps per run, float32, {device} ({where}); "
        f"medians of {repeats} repeats"
    )
    print("targets: batch <= 3x one start; loop over the starts >= 1,000x the batch\n")
    header = (
        f"{'batched':<22} {'optimizer':<9} {'1 run s':>8} {'batch s':>8} {'batch/1':>8} "
        f"{'loop s':>8} {'loop/batch':>10}"
    )
    print(header)
    print("-" * len(header))
    for optimizer in OPTIMIZERS:
        one, batch, loop = bench_starts(optimizer, repeats, device)
        print(
            f"{f'{STARTS:,} starts':<22} {optimizer:<9} {one:>8.3f} {batch:>8.3f} "
            f"{batch / one:>7.2f}x {loop:>8.0f} {loop / batch:>9.0f}x"
        )
    # Param groups run on the CPU only (core.sweeps): torch.optim loops over groups in Python,
    # so a GPU would launch each group's kernels one by one.
    for optimizer in OPTIMIZERS[:3] if device == "cpu" else ():
        one, batch, loop = bench_sweep(optimizer, repeats)
        print(
            f"{f'{SWEEP_RATES} rates (groups)':<22} {optimizer:<9} {one:>8.3f} {batch:>8.3f} "
            f"{batch / one:>7.2f}x {loop:>8.1f} {loop / batch:>9.1f}x"
        )
    print(
        "\n1 run: the same code on one start (one rate); loop: one run per start (rate), "
        f"extrapolated from {LOOP_SAMPLE} timed starts."
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu", help="cpu, or cuda where torch has it")
    arguments = parser.parse_args()
    main(arguments.repeats, arguments.device)
