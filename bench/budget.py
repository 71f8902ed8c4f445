"""The work budget against its target: the largest request each page allows, timed.

    python bench/budget.py

Each row is the most expensive combination of one page's settings that the work budget
(core/runs/budget.py) still accepts: every size at its cap and the most steps that fit. The target
is at most 5 CPU-seconds of this process per request (one torch thread, as on a hosted app).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.batched.basins import basin_map
from core.batched.outcomes import MAX_GRID, MAX_MAP_SIDE, MAX_RATES
from core.batched.sweeps import log_rates, lr_sweep, momentum_map
from core.formulas.custom import ESTIMATE_WORK, custom_objective
from core.formulas.expressions import MAX_LENGTH
from core.optim.optimizers import OPTIMIZERS
from core.playground.link_race import link_race_key, race_runs
from core.runs.budget import WORK_BUDGET, Loop, steps_that_fit, work_of
from core.runs.engine import MAX_STEPS
from core.runs.race import RaceEntry, race_loops, run_race
from core.tutorials import autograd_lab
from core.tutorials.lab_loop import steps_within_budget
from core.tutorials.lab_training import LOOPS as LAB_LOOPS

TARGET_S = 5.0
TERMS = ("sin(x*y)", "cos(x-y)", "exp(-x^2)", "log(1+y^2)", "tanh(x)", "sqrt(1+x^2)")


def heavy_formula(max_length: int = MAX_LENGTH) -> str:
    """As many transcendental terms as the formula length cap allows."""
    formula = TERMS[0]
    for i in range(1, 1_000):
        longer = f"{formula} + {TERMS[i % len(TERMS)]}"
        if len(longer) > max_length:
            return formula
        formula = longer
    return formula


HEAVY_FORMULA = heavy_formula()
ELEMENTWISE = [o for o in OPTIMIZERS if not OPTIMIZERS[o].needs_closure]
SWEPT = ["sgd", "momentum", "adam"]


def fit(loops: list[Loop]) -> int:
    return min(MAX_STEPS, steps_that_fit(loops))


def requests() -> list[tuple[str, float, Callable[[], object]]]:
    """(what, work in optimizer-steps, the call) for each page's largest accepted request."""
    everyone = [RaceEntry.of(o) for o in ELEMENTWISE]
    race_steps = fit(race_loops(everyone, (0.0, 0.0), 1))
    single = fit(race_loops([RaceEntry.of("adam")], (0.0, 0.0), 1))
    grid_steps = fit([Loop(1, rows=MAX_GRID**2)])
    tiny_grid = fit([Loop(1, rows=4)])
    sweep_steps = fit([Loop(1, rows=MAX_RATES)] * len(SWEPT))
    map_steps = fit([Loop(1, rows=MAX_MAP_SIDE**2)])
    rates = log_rates(1e-4, 1.0, MAX_RATES)
    lab_cap = autograd_lab.MAX_STEPS
    # Each Lab section with loops runs two: with and without zero_grad(); over x and over a model.
    lab_fit, _ = steps_within_budget(OPTIMIZERS["lbfgs"], lab_cap, loops=LAB_LOOPS)
    lab_pair = steps_that_fit([Loop(1)] * LAB_LOOPS)
    typed_steps = min(
        MAX_STEPS, steps_that_fit([Loop(1)], WORK_BUDGET - ESTIMATE_WORK)
    )  # what a typed formula's minimum estimate leaves of the budget
    lab_steps, _ = steps_within_budget(OPTIMIZERS["adam"], lab_cap, loops=LAB_LOOPS)
    fair = link_race_key({"fair": "true"})  # the default race, its rates tuned first
    fair_steps = fit([*race_loops(fair.settings, fair.start, 1), *fair.loops_before])
    fair = link_race_key({"fair": "true", "steps": str(fair_steps)})
    return [
        (
            f"race: {len(everyone)} optimizers x {race_steps:,} steps",
            work_of(race_loops(everyone, (0.0, 0.0), race_steps)),
            lambda: run_race("rosenbrock", everyone, (-1.2, 1.0), race_steps),
        ),
        (
            f"race: Adam x {single:,} steps",
            single,
            lambda: run_race("rosenbrock", [RaceEntry.of("adam")], (-1.2, 1.0), single),
        ),
        (
            f"race: L-BFGS x {single:,} steps on Rastrigin",
            WORK_BUDGET,  # its line searches may spend the whole budget
            lambda: run_race("rastrigin", [RaceEntry.of("lbfgs", lr=0.5)], (3.1, -2.2), single),
        ),
        (
            f"fair race: {len(fair.settings)} tuned x {fair_steps:,} steps",
            work_of([*race_loops(fair.settings, fair.start, fair_steps), *fair.loops_before]),
            lambda: race_runs(fair),
        ),
        (
            f"basins: {MAX_GRID} x {MAX_GRID} starts x {grid_steps:,} steps",
            work_of([Loop(grid_steps, rows=MAX_GRID**2)]),
            lambda: basin_map("himmelblau", "adam", steps=grid_steps, resolution=MAX_GRID),
        ),
        (
            f"basins: 2 x 2 starts x {tiny_grid:,} steps",
            work_of([Loop(tiny_grid, rows=4)]),
            lambda: basin_map("himmelblau", "adam", steps=tiny_grid, resolution=2),
        ),
        (
            f"sweep: {len(SWEPT)} x {MAX_RATES} rates x {sweep_steps:,} steps",
            work_of([Loop(sweep_steps, rows=MAX_RATES)] * len(SWEPT)),
            lambda: lr_sweep("rosenbrock", SWEPT, (-1.2, 1.0), sweep_steps, rates),
        ),
        (
            f"momentum map: {MAX_MAP_SIDE} x {MAX_MAP_SIDE} x {map_steps:,} steps",
            work_of([Loop(map_steps, rows=MAX_MAP_SIDE**2)]),
            lambda: momentum_map(
                "quadratic",
                (-1.5, 1.0),
                map_steps,
                np.geomspace(1e-3, 1e-2, MAX_MAP_SIDE),
                np.linspace(0.0, 0.95, MAX_MAP_SIDE),
            ),
        ),
        (
            f"Lab: L-BFGS, {lab_cap:,} steps asked, 2 loops x {lab_fit:,} run",
            LAB_LOOPS * lab_fit * OPTIMIZERS["lbfgs"].evaluations_per_step(),
            lambda: autograd_lab.optimizer_loop(optimizer="lbfgs", steps=lab_cap),
        ),
        (
            f"Lab: Adam, {lab_cap:,} steps asked, 2 loops x {lab_steps:,} run",
            LAB_LOOPS * lab_steps,
            lambda: autograd_lab.optimizer_loop(optimizer="adam", steps=lab_cap),
        ),
        (
            f"Lab: zero_grad, 2 loops x {lab_pair:,} steps",
            LAB_LOOPS * lab_pair,
            lambda: autograd_lab.accumulation(steps=lab_cap),
        ),
        (
            f"typed formula ({len(HEAVY_FORMULA)} chars): estimate + Adam x {typed_steps:,}",
            ESTIMATE_WORK + typed_steps,
            lambda: run_race(
                custom_objective(HEAVY_FORMULA, ((-4.0, 4.0), (-4.0, 4.0))),
                [RaceEntry.of("adam")],
                (3.0, 3.0),
                typed_steps,
            ),
        ),
    ]


def main() -> None:
    torch.set_num_threads(1)
    run_race("rosenbrock", [RaceEntry.of("adam")], (-1.2, 1.0), 50)  # warm up torch
    print(f"work budget {WORK_BUDGET:,} optimizer-steps per request; target <= {TARGET_S:g} CPU-s")
    head = f"{'largest request accepted':<52} {'work':>8} {'CPU s':>7} {'us/step':>8}  target"
    print(head)
    print("-" * len(head))
    for what, work, call in requests():
        began = time.process_time()
        call()
        cpu = time.process_time() - began
        per_step = f"{1e6 * cpu / work:8.0f}" if work == work else f"{'':>8}"
        verdict = "ok" if cpu <= TARGET_S else "OVER"
        print(f"{what:<52} {work:>8,.0f} {cpu:>7.2f} {per_step}  {verdict}")


if __name__ == "__main__":
    main()
