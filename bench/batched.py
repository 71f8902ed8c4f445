"""Cost of the batched views: B starts in one tensor against one start, and against a loop;
sweeps as rows of one tensor against one param group per setting.

    python bench/batched.py [--repeats N] [--device cuda]

Targets (issue 6): 10,000 starts x 500 steps in one batched run cost at most 3x one start x 500
steps with the same optimizer and the same code (core.batched.basins.run_starts), measured side by
side (repeats interleaved, medians); and at least 1,000x less than running the starts one by one,
the loop extrapolated from a sample of starts.

Targets (issue 14), the sweeps table: a 60 x 60 momentum map x 1,000 steps in at most 2 s, and a
sweep of 200 rates x 500 steps for Adam in at most 3x one single-start run of 500 steps. Each row
times, side by side, one run (core.batched.basins.run_starts on the single start), the param-group
path (torch.optim looping over one group per setting) and the row-wise path (core.optim.rowwise),
repeats interleaved, the best of each kept: on a shared machine the fastest repeat is the least
disturbed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.batched.basins import run_starts
from core.batched.sweeps import log_rates, momentum_map, run_groups
from core.optim.optimizers import OPTIMIZERS as REGISTRY
from core.problems.objectives import OBJECTIVES

FUNCTION = "himmelblau"
STEPS = 500
STARTS = 10_000  # a 100 x 100 grid
LOOP_SAMPLE = 20  # starts timed one by one; the loop over all STARTS is extrapolated
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
SWEEP_OPTIMIZER = "adam"
SWEEP_RATES = 200
SWEEP_STEPS = 500
MAP_FUNCTION = "quadratic"  # the Batched views page's default for the momentum map
MAP_SIDE = 60
MAP_STEPS = 1_000
MAP_GROUP_STEPS = 100  # the param-group map takes ~100 s at 1,000 steps: timed on 100, scaled
SWEEP_REPEATS = 3


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


@dataclass(frozen=True)
class SweepCase:
    """One row of the sweeps table.

    Attributes:
        label, optimizer: what the row shows.
        steps: updates per run.
        group_steps: steps the param-group path is timed on (then scaled to `steps`).
        sweep: runs the sweep, sweep(method, steps).
        one: runs one single start for `steps` with the same optimizer.
    """

    label: str
    optimizer: str
    steps: int
    group_steps: int
    sweep: Callable[[str, int], object]
    one: Callable[[], object]


def sweep_cases() -> list[SweepCase]:
    adam, square = OBJECTIVES[FUNCTION], OBJECTIVES[MAP_FUNCTION]
    shared = {k: v for k, v in hyper(SWEEP_OPTIMIZER).items() if k != "lr"}
    rates = [{"lr": float(r)} for r in log_rates(1e-4, 1e-1, SWEEP_RATES)]
    lr = square.lr_gradient
    map_rates = log_rates(lr / 100, lr * 5, MAP_SIDE)  # the page's default range
    momenta = np.linspace(0.0, 0.99, MAP_SIDE)
    return [
        SweepCase(
            f"{SWEEP_RATES} rates x {SWEEP_STEPS} steps",
            SWEEP_OPTIMIZER,
            SWEEP_STEPS,
            SWEEP_STEPS,
            lambda method, steps: run_groups(
                FUNCTION, SWEEP_OPTIMIZER, adam.start, steps, rates, method=method, **shared
            ),
            lambda: run_starts(
                FUNCTION, SWEEP_OPTIMIZER, [adam.start], SWEEP_STEPS, **hyper(SWEEP_OPTIMIZER)
            ),
        ),
        SweepCase(
            f"{MAP_SIDE}x{MAP_SIDE} map x {MAP_STEPS:,} steps",
            "momentum",
            MAP_STEPS,
            MAP_GROUP_STEPS,
            lambda method, steps: momentum_map(
                MAP_FUNCTION, square.start, steps, map_rates, momenta, method=method
            ),
            lambda: run_starts(MAP_FUNCTION, "momentum", [square.start], MAP_STEPS, lr=lr),
        ),
    ]


def bench_sweeps(repeats: int) -> None:
    """The sweeps table: one run, param groups and rows side by side, best of `repeats`."""
    header = (
        f"{'sweep':<26} {'optimizer':<9} {'1 run s':>8} {'groups s':>9} {'rows s':>8} "
        f"{'groups/1':>9} {'rows/1':>7} {'groups/rows':>11}"
    )
    print(header)
    print("-" * len(header))
    for case in sweep_cases():
        case.sweep("rows", 10)  # warm-up
        one, groups, rows = [], [], []
        for _ in range(repeats):  # interleaved, so that load on the machine hits all alike
            one.append(seconds(case.one))
            scale = case.steps / case.group_steps
            groups.append(seconds(lambda c=case: c.sweep("param_groups", c.group_steps)) * scale)
            rows.append(seconds(lambda c=case: c.sweep("rows", c.steps)))
        one, groups, rows = min(one), min(groups), min(rows)
        print(
            f"{case.label:<26} {case.optimizer:<9} {one:>8.3f} {groups:>9.2f} {rows:>8.3f} "
            f"{groups / one:>8.1f}x {rows / one:>6.2f}x {groups / rows:>10.0f}x"
        )
    print(
        f"\ntargets: the {MAP_SIDE}x{MAP_SIDE} map in <= 2 s (rows s); the {SWEEP_RATES}-rate "
        f"{SWEEP_OPTIMIZER} sweep in <= 3x one run (rows/1). Best of {repeats} repeats.\n"
        "groups: one torch.optim param group per setting (the map timed on "
        f"{MAP_GROUP_STEPS} steps, x{MAP_STEPS // MAP_GROUP_STEPS}); rows: one tensor, "
        "core.optim.rowwise; 1 run: one start, core.batched.basins.run_starts."
    )


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
    print(
        "\n1 run: the same code on one start; loop: one run per start, "
        f"extrapolated from {LOOP_SAMPLE} timed starts.\n"
    )
    if device == "cpu":  # sweeps run on the CPU only (core.batched.sweeps)
        bench_sweeps(SWEEP_REPEATS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu", help="cpu, or cuda where torch has it")
    arguments = parser.parse_args()
    main(arguments.repeats, arguments.device)
