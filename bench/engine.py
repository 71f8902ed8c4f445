"""Engine speed against bare torch.optim loops, measured side by side in one run.

    python bench/engine.py [repeats]

Targets (issue 8):
- recording: `trajectory` with every Step recorded costs at most 1.10x a bare loop
  (zero_grad, forward, backward, step) for the same function, optimizer, steps and dtype, for
  torch.optim's optimizers and pytorch-optimizer's (Lion, Adan, Prodigy; issue 17);
- race: K optimizers from one start (core.runs.race.run_race, one shared forward and backward per
  step) cost at most 0.8x K separate bare loops.
Repeats are interleaved so that load on the machine hits both sides alike; ratios are medians.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.runs.engine import trajectory
from core.runs.race import RaceEntry, run_race

FUNCTION = "rosenbrock"
STEPS = 1_000
RACE = ("sgd", "momentum", "adam", "rmsprop")
RECORDED = (*RACE, "lion", "adan", "prodigy")  # pytorch-optimizer's are recorded the same way


def seconds(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def hyper(optimizer: str) -> dict:
    return OPTIMIZERS[optimizer].defaults_for(OBJECTIVES[FUNCTION])


def bare_loop(optimizer: str) -> None:
    """What a student writes."""
    objective, spec = OBJECTIVES[FUNCTION], OPTIMIZERS[optimizer]
    p = torch.tensor(objective.start, requires_grad=True)
    opt = spec.make([p], **hyper(optimizer))
    for _ in range(STEPS):
        opt.zero_grad()
        objective.fn(p).sum().backward()
        opt.step()


def recorded(optimizer: str) -> None:
    objective = OBJECTIVES[FUNCTION]
    for _ in trajectory(FUNCTION, optimizer, objective.start, STEPS, **hyper(optimizer)):
        pass


def race() -> None:
    entries = [RaceEntry.of(o, **hyper(o)) for o in RACE]
    run_race(FUNCTION, entries, OBJECTIVES[FUNCTION].start, STEPS)


def ratio(ours: Callable[[], object], theirs: Callable[[], object], repeats: int):
    ours(), theirs()  # warm-up: the first optimizer step in a process is slow
    pairs = [(seconds(ours), seconds(theirs)) for _ in range(repeats)]
    return (
        statistics.median(o / t for o, t in pairs),
        statistics.median(o for o, _ in pairs),
        statistics.median(t for _, t in pairs),
    )


def rows(repeats: int) -> list[tuple[str, float, float, float, str]]:
    out = []
    for optimizer in RECORDED:
        r, ours, theirs = ratio(
            lambda o=optimizer: recorded(o), lambda o=optimizer: bare_loop(o), repeats
        )
        out.append((f"recording, {OPTIMIZERS[optimizer].name}", ours, theirs, r, "<= 1.10"))
    r, ours, theirs = ratio(race, lambda: [bare_loop(o) for o in RACE], repeats)
    out.append((f"race of {len(RACE)} vs {len(RACE)} bare loops", ours, theirs, r, "<= 0.80"))
    return out


def main(repeats: int = 9) -> None:
    print(f"{FUNCTION}, {STEPS} steps, float32, {repeats} interleaved repeats (medians)")
    print(f"{'measure':<36} {'ours s':>8} {'bare s':>8} {'ratio':>7}  target")
    for name, ours, theirs, r, target in rows(repeats):
        print(f"{name:<36} {ours:>8.3f} {theirs:>8.3f} {r:>7.2f}  {target}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
