"""Basins of attraction: a grid of starts over the box, run as one `[B, 2]` tensor.

For an elementwise optimizer (docs/architecture.md, "Batching") each row of the batch is bitwise the
run a single start would make, so the map is exact, not an approximation. L-BFGS couples the rows
(dot products over every parameter, a shared line search) and is refused with a reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from core.batched.outcomes import (
    DIVERGED,
    MAX_GRID,
    MAX_STARTS,
    NO_MINIMUM,
    Finish,
    SettleTracker,
    check_steps,
    finish_runs,
    tolerance_radius,
)
from core.optim.optimizers import OptimizerSpec
from core.problems.objectives import Box, Objective
from core.runs.budget import Loop, require_within_budget
from core.runs.engine import resolve_objective, resolve_optimizer, trajectory
from core.runs.progress import Progress, ProgressFn
from core.runs.summary import ARRIVAL_FRACTION
from core.text.refusal import Phrase, Refusal, shown


def not_batchable_reason(spec: OptimizerSpec) -> Phrase | None:
    """Why `spec` cannot run many starts as one tensor, or None when it can."""
    if spec.elementwise:
        return None
    key = "bv_not_batchable" if spec.needs_closure else "bv_not_batchable_coupled"
    return Phrase(key, {"name": spec.name})


def grid_axes(box: Box, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """`resolution` evenly spaced x and y coordinates over the box, ends included."""
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise Refusal("bv_err_grid_whole", value=shown(resolution))
    if not 2 <= resolution <= MAX_GRID:
        raise Refusal("bv_err_grid_range", max=MAX_GRID, size=resolution)
    (x0, x1), (y0, y1) = box
    return np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)


def run_starts(
    objective: str | Objective,
    optimizer: str | OptimizerSpec,
    starts: Any,
    steps: int,
    *,
    tolerance: float = ARRIVAL_FRACTION,
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
    on_progress: ProgressFn | None = None,
    **hyper: Any,
) -> Finish:
    """Run every start of `starts` `[B, 2]` with one optimizer over one tensor; keep the ends.

    Args:
        objective: an id of OBJECTIVES or an Objective.
        optimizer: an id of OPTIMIZERS or an OptimizerSpec; must be elementwise.
        starts: `[B, 2]` start points, B at most MAX_STARTS.
        steps: updates per run, 1 to MAX_STEPS.
        tolerance: the distance that counts as "at a minimum", as a fraction of the box diagonal.
        dtype: torch.float32 (as on the Playground) or torch.float64.
        device: one of core.runs.engine.available_devices().
        on_progress: called with the fraction done, about 100 times.
        **hyper: the optimizer's hyper-parameters, exactly as torch.optim receives them.
    """
    objective, spec = resolve_objective(objective), resolve_optimizer(optimizer)
    reason = not_batchable_reason(spec)
    if reason:
        raise Refusal(reason.key, **reason.values)
    points = np.asarray(starts, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or not 1 <= len(points) <= MAX_STARTS:
        raise Refusal("bv_err_starts_shape", max=f"{MAX_STARTS:,}")
    steps = check_steps(steps)
    require_within_budget([Loop(steps, rows=len(points))], "basins")
    radius = tolerance_radius(objective, tolerance)
    began = time.perf_counter()
    run = trajectory(objective, spec, points, steps, dtype=dtype, device=device, **hyper)
    tracker = SettleTracker(objective, radius, run.params)
    progress = Progress(on_progress, steps)
    for t in run.iterates():  # the bare loop: nothing is stored per step but the tracker's state
        tracker.update(t, run.params.detach())
        progress(t)
    progress.finish()
    return finish_runs(
        tracker,
        run.params,
        run.loss,
        run.row_last,
        steps,
        radius,
        time.perf_counter() - began,
    )


@dataclass(frozen=True, slots=True)
class BasinMap:
    """Where each start of a grid over the box ends, as `[ny, nx]` arrays (rows are y).

    Attributes:
        objective: the objective id.
        optimizer: the optimizer id.
        hyper: the hyper-parameters the runs used, as (name, value) pairs.
        xs, ys: the grid coordinates; start [i, j] is (xs[j], ys[i]).
        label: index into the objective's minima, NO_MINIMUM or DIVERGED (core.batched.outcomes).
        final_loss: f at the last iterate (NaN where the run diverged).
        settled: first step from which the run stayed near its minimum, -1 if it did not end there.
        last: last valid iterate (`steps` unless the run diverged or left the region).
        final: `[ny, nx, 2]` last iterate (NaN where the run diverged).
        steps: updates per run.
        radius: the distance that counts as "at a minimum".
        seconds: compute time of the batched run.
    """

    objective: str
    optimizer: str
    hyper: tuple[tuple[str, Any], ...]
    xs: np.ndarray
    ys: np.ndarray
    label: np.ndarray
    final_loss: np.ndarray
    settled: np.ndarray
    last: np.ndarray
    final: np.ndarray
    steps: int
    radius: float
    seconds: float

    @property
    def starts(self) -> int:
        return self.label.size

    @property
    def diverged(self) -> np.ndarray:
        return self.last < self.steps

    def counts(self, minima: int) -> dict[int, int]:
        """Starts per label: 0..minima-1, NO_MINIMUM and DIVERGED (all keys present)."""
        keys = [*range(minima), NO_MINIMUM, DIVERGED]
        return {k: int((self.label == k).sum()) for k in keys}


def basin_map(
    objective: str | Objective,
    optimizer: str | OptimizerSpec,
    *,
    resolution: int = 80,
    steps: int = 200,
    tolerance: float = ARRIVAL_FRACTION,
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
    on_progress: ProgressFn | None = None,
    **hyper: Any,
) -> BasinMap:
    """Run a `resolution` x `resolution` grid of starts over the box in one batch (see run_starts).

    Raises Refusal for a grid over MAX_GRID x MAX_GRID, steps over MAX_STEPS, a tolerance out
    of range, bad hyper-parameters (core.optim.optimizers checks them) or a non-elementwise
    optimizer.
    """
    objective, spec = resolve_objective(objective), resolve_optimizer(optimizer)
    xs, ys = grid_axes(objective.box, resolution)
    gx, gy = np.meshgrid(xs, ys, indexing="xy")
    starts = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    end = run_starts(
        objective,
        spec,
        starts,
        steps,
        tolerance=tolerance,
        dtype=dtype,
        device=device,
        on_progress=on_progress,
        **hyper,
    )
    shape = (len(ys), len(xs))
    return BasinMap(
        objective=objective.id,
        optimizer=spec.id,
        hyper=tuple(spec.validate(**hyper).items()),
        xs=xs,
        ys=ys,
        label=end.label.reshape(shape),
        final_loss=end.final_loss.reshape(shape),
        settled=end.settled.reshape(shape),
        last=end.last.reshape(shape),
        final=end.final.reshape(*shape, 2),
        steps=end.steps,
        radius=end.radius,
        seconds=end.seconds,
    )
