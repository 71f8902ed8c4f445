"""Shared pieces of the batched views (basins, learning-rate sweeps, momentum maps).

Thousands of independent runs share one tensor (docs/architecture.md, "Batching"), so no view may
keep every step of every run: 40,000 starts x 5,000 steps would be 3 GB. Each run keeps only what a
view shows: where it ended, its final loss, the last valid iterate (divergence) and the first step
from which it stayed near a known minimum. The caps below are enforced here, not only by the
widgets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.problems.objectives import Objective
from core.runs.engine import MAX_STEPS
from core.runs.summary import ARRIVAL_FRACTION, arrival_radius
from core.text.refusal import Refusal, objective_phrase, shown

MAX_GRID = 200  # basins: at most 200 x 200 starts
MAX_STARTS = MAX_GRID * MAX_GRID
MAX_RATES = 200  # learning-rate sweep: rates per optimizer
MAX_MAP_SIDE = 60  # momentum map: at most 60 x 60 (learning rate, momentum) pairs
MAX_TOLERANCE = 0.1  # of the box diagonal

NO_MINIMUM = -1  # label of a run that ended away from every known minimum
DIVERGED = -2  # label of a run that turned non-finite or left the region (core.runs.engine.region)


def check_steps(steps: object) -> int:
    """`steps` as an int from 1 to MAX_STEPS, or Refusal."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise Refusal("bv_err_steps_whole", max=f"{MAX_STEPS:,}", value=shown(steps))
    if not 1 <= steps <= MAX_STEPS:
        raise Refusal("bv_err_steps_range", max=f"{MAX_STEPS:,}", value=shown(steps))
    return int(steps)


def tolerance_radius(objective: Objective, tolerance: float = ARRIVAL_FRACTION) -> float:
    """The distance that counts as "at a minimum": `tolerance` times the box diagonal.

    Raises Refusal when `tolerance` is not in (0, MAX_TOLERANCE], or when circles of that
    radius around two minima would touch (a run could then be "at" both).
    """
    if not (isinstance(tolerance, (int, float)) and 0 < tolerance <= MAX_TOLERANCE):
        raise Refusal("bv_err_tolerance_range", max=f"{MAX_TOLERANCE:g}", value=shown(tolerance))
    radius = arrival_radius(objective, float(tolerance))
    minima = np.asarray(objective.minima, dtype=np.float64).reshape(-1, 2)
    if len(minima) > 1:
        gaps = np.hypot(*(minima[:, None, :] - minima[None, :, :]).transpose(2, 0, 1))
        closest = gaps[np.triu_indices(len(minima), 1)].min()
        if radius >= closest / 2:
            raise Refusal(
                "bv_err_tolerance_merge",
                tolerance=f"{tolerance:g}",
                radius=f"{radius:.3g}",
                name=objective_phrase(objective.id, objective.name),
                closest=f"{closest:.3g}",
            )
    return radius


class SettleTracker:
    """Per row, the last step at which it was farther than `radius` from every known minimum.

    A row has converged at step s when it stays within `radius` of a minimum from s to the end:
    a momentum path that passes through a minimum and overshoots has not. The check runs on every
    step, on whole columns (a reduction over a size-2 dimension costs 10x more in torch).
    """

    def __init__(self, objective: Objective, radius: float, points: torch.Tensor) -> None:
        self.minima = [(float(x), float(y)) for x, y in objective.minima]
        self.r2 = radius * radius
        rows = points.shape[0]
        self.last_far = torch.full((rows,), -1, dtype=torch.int64, device=points.device)

    def _sq_distances(self, points: torch.Tensor) -> list[torch.Tensor]:
        x, y = points[:, 0], points[:, 1]
        out = []
        for mx, my in self.minima:
            d2 = (x - mx).square_()
            out.append(d2.add_((y - my).square_()))
        return out

    def update(self, t: int, points: torch.Tensor) -> None:
        """Record step t; `points` is the detached `[B, 2]` iterate x_t."""
        if not self.minima:
            return
        far = None
        for d2 in self._sq_distances(points):
            # NaN compares False: a non-finite row is never near a minimum.
            outside = ~(d2 <= self.r2)
            far = outside if far is None else far.logical_and_(outside)
        self.last_far.masked_fill_(far, t)

    def finish(self, points: torch.Tensor, alive: np.ndarray, steps: int) -> tuple[np.ndarray, ...]:
        """Labels and settling steps from the final iterate x_steps.

        Returns (label, settled): label is the index of the minimum within `radius`, NO_MINIMUM, or
        DIVERGED for rows that are not `alive`; settled is the first step from which the row
        stayed near that minimum, -1 when it did not end near one.
        """
        rows = points.shape[0]
        label = np.full(rows, NO_MINIMUM, dtype=np.int64)
        if self.minima:
            d2 = torch.stack(self._sq_distances(points), dim=-1)
            best = torch.argmin(torch.nan_to_num(d2, nan=math.inf), dim=-1)
            near = (d2.gather(-1, best[:, None])[:, 0] <= self.r2).cpu().numpy()
            label = np.where(near, best.cpu().numpy(), NO_MINIMUM)
        label = np.where(alive, label, DIVERGED)
        last_far = self.last_far.cpu().numpy()
        settled = np.where(label >= 0, last_far + 1, -1)
        # The tracker saw x_steps with the same arithmetic: a row near at the end settled by then.
        assert (settled <= steps).all()
        return label, settled


@dataclass(frozen=True, slots=True)
class Finish:
    """How B independent runs ended.

    Attributes:
        final: `[B, 2]` last iterate x_steps (NaN for rows that stopped early).
        final_loss: `[B]` f(x_steps) (NaN for rows that stopped early).
        label: `[B]` index into objective.minima of the minimum within `radius` of x_steps,
            NO_MINIMUM, or DIVERGED.
        settled: `[B]` first step from which the row stayed within `radius` of a minimum, -1 when
            it did not end near one.
        last: `[B]` last valid iterate: `steps` unless the row diverged or left the region.
        steps: the number of updates asked for.
        radius: the distance that counts as "at a minimum".
        seconds: compute time.
    """

    final: np.ndarray
    final_loss: np.ndarray
    label: np.ndarray
    settled: np.ndarray
    last: np.ndarray
    steps: int
    radius: float
    seconds: float

    @property
    def diverged(self) -> np.ndarray:
        """`[B]` True for rows that turned non-finite or left the region before the end."""
        return self.last < self.steps


def finish_runs(
    tracker: SettleTracker,
    points: torch.Tensor,
    loss: torch.Tensor,
    last: np.ndarray,
    steps: int,
    radius: float,
    seconds: float,
) -> Finish:
    """Assemble a Finish from the tensors of the final iterate."""
    alive = last >= steps
    label, settled = tracker.finish(points, alive, steps)
    final = points.detach().cpu().numpy().astype(np.float64)
    final_loss = loss.detach().cpu().numpy().astype(np.float64)
    final[~alive] = np.nan
    final_loss[~alive] = np.nan
    return Finish(final, final_loss, label, settled, last.copy(), steps, radius, seconds)
