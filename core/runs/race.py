"""Several optimizers from one start, sharing one forward and backward pass per step.

Each optimizer keeps its own parameter tensor, its own torch.optim instance and its own stop.
What is shared is the objective: the parameters of every optimizer still running are stacked
into one `[K, 2]` tensor, evaluated once and differentiated once. The objectives work row by
row, so each optimizer's loss and gradient are bitwise those of its own run (tests prove it);
the cost per step falls from K forward/backward passes to one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from core.optim.schedules import Schedule
from core.problems.objectives import Objective
from core.runs import budget
from core.runs.budget import Loop, require_within_budget, work_of
from core.runs.engine import (
    Recorder,
    Run,
    Trajectory,
    region,
    resolve_objective,
    resolve_optimizer,
    run,
    to_frame,
)
from core.runs.progress import Progress, ProgressFn


@dataclass(frozen=True, slots=True)
class RaceEntry:
    """One optimizer of a race: its registry id, the hyper-parameters that replace the registry's
    defaults as (name, value) pairs, and its schedule (None: a constant rate). Hashable, so the
    page's caches key on it."""

    optimizer: str
    hyper: tuple[tuple[str, Any], ...] = ()
    schedule: Schedule | None = None

    @classmethod
    def of(cls, optimizer: str, schedule: Schedule | None = None, **hyper: Any) -> RaceEntry:
        return cls(optimizer, tuple(hyper.items()), schedule)


def race_loops(entries: Sequence[RaceEntry], start: Any, steps: int) -> list[Loop]:
    """What a race asks of the work budget: one loop per optimizer, each closure optimizer at
    its minimum of one evaluation per step (what it spends beyond is charged as it runs)."""
    rows = len(start) if np.ndim(start) == 2 else 1  # a batch of starts
    passes = (resolve_optimizer(entry.optimizer).passes_per_step for entry in entries)
    return [Loop(steps, rows=rows, evaluations=n) for n in passes]


def require_race_within_budget(
    objective: Objective,
    entries: Sequence[RaceEntry],
    start: Any,
    steps: int,
    before: Sequence[Loop] = (),
) -> float:
    """Raise BudgetError for a race over its budget; else return what its loops leave of it.
    A race also pays for making its objective (`setup_work`: a typed formula's minimum
    estimate, which the first request for the formula computes) and for the loops its request
    runs `before` it (a fair race's tuning, which grows with the steps as the race does)."""
    loops = [*race_loops(entries, start, steps), *before]
    require_within_budget(loops, "race", setup=objective.setup_work)
    return budget.WORK_BUDGET - objective.setup_work - work_of(loops)


def run_race(
    objective: str | Objective,
    entries: Sequence[RaceEntry],
    start: Any,
    steps: int,
    *,
    on_progress: ProgressFn | None = None,
    before: Sequence[Loop] = (),
    **options: Any,
) -> list[Run]:
    """Run every entry from `start` for `steps` updates; the same Runs as `run` would give.

    Optimizers that need a closure (L-BFGS evaluates f several times per step) run on their
    own. `Run.seconds` is each optimizer's share of the shared loop. `on_progress(fraction)` is
    called about 100 times over the whole race.

    The race is one request of the work budget (core.runs.budget): over it, BudgetError before
    anything runs. A closure optimizer is counted at one evaluation per step up front, and may
    spend what the others leave of the budget on its line searches; past that it stops (Stop
    "budget"). `before`: the loops run for the same request before it (a fair race's tuning).
    """
    objective = resolve_objective(objective)
    spare = require_race_within_budget(objective, entries, start, steps, before)
    # What each closure optimizer may evaluate: its own steps (counted above) and an equal share
    # of what the others leave. It is never batched (L-BFGS couples a batch's rows).
    closures = sum(resolve_optimizer(entry.optimizer).needs_closure for entry in entries)
    evaluations = steps + int(spare // max(closures, 1))
    progress = Progress(on_progress, steps * len(entries))
    done = 0  # optimizer-steps of the runs finished so far
    trajectories: dict[int, Trajectory] = {}
    runs: dict[int, Run] = {}
    for i, entry in enumerate(entries):
        optimizer_id, hyper, schedule = entry.optimizer, dict(entry.hyper), entry.schedule
        traj = Trajectory(
            objective, optimizer_id, start, steps, schedule=schedule, **options, **hyper
        )
        # On their own: a closure's extra evaluations, and a second-order step's graph of the
        # gradient (create_graph), are each optimizer's own.
        if traj.batched or traj.spec.needs_closure or traj.spec.second_order:
            runs[i] = run(
                objective,
                optimizer_id,
                start,
                steps,
                schedule=schedule,
                on_step=lambda t, before=done: progress(before + t),
                max_evaluations=evaluations if traj.spec.needs_closure else None,
                **options,
                **hyper,
            )
            done += steps
        else:
            trajectories[i] = traj
    width = len(trajectories)
    began = time.perf_counter()
    steps_of = _shared_loop(
        objective, list(trajectories.values()), steps, lambda t: progress(done + t * width)
    )
    share = (time.perf_counter() - began) / max(width, 1)
    progress.finish()
    for (i, traj), recorded in zip(trajectories.items(), steps_of, strict=True):
        assert traj.stop is not None
        frame = to_frame(recorded, traj.spec.id)
        runs[i] = Run(traj.spec.id, frame, traj.stop, share, traj.eval_frame(frame))
    return [runs[i] for i in range(len(entries))]


def _shared_loop(
    objective: Objective,
    trajectories: list[Trajectory],
    steps: int,
    on_step: Callable[[int], None],
) -> list[list]:
    """The engine's loop (Trajectory.iterates) for all trajectories at once."""
    recorders = [Recorder(traj) for traj in trajectories]
    recorded: list[list] = [[] for _ in trajectories]
    region_box = region(objective.box)
    alive = list(range(len(trajectories)))
    for t in range(steps + 1):
        if not alive:
            break
        for k in alive:
            trajectories[k].zero_grad()
        losses = objective.fn(torch.stack([trajectories[k].params for k in alive]))
        losses.sum().backward()
        still = []
        for row, k in enumerate(alive):
            if trajectories[k].observe(losses[row], region_box, t):
                recorders[k].observe()
                still.append(k)
        alive = still
        on_step(t)
        if t < steps:
            alive = [k for k in alive if trajectories[k].update(t)]
    for k in alive:
        trajectories[k].complete()
    for k, recorder in enumerate(recorders):
        recorded[k] = list(recorder.flush(final=True))
    return recorded
