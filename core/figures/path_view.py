"""The shared vocabulary of every figure: a run as the figures draw it, its loss as they plot it.

PathView is one optimizer's run with its style: each optimizer keeps its own colour, dash and
marker (core.optim.optimizers' LineStyle) in every figure; PALETTE colours the categories that
are not optimizers. The loss panels show what float32 can resolve: gaps to f_min below
`gap_floor` are rounding noise and are drawn at that floor, and values outside the plot box are
marked as such (outside the box a function may go below the f_min stated for the box).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import Box, Objective

# Okabe-Ito, yellow last: for categories that are not optimizers (basins, inspector arrows).
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
LOG_FLOOR = 1e-12  # log axes cannot show 0: smaller gaps and gradients are drawn at this floor
F32_EPS = float(np.finfo(np.float32).eps)  # float32's relative step: 1.19e-7


@dataclass(frozen=True, slots=True)
class PathView:
    """One optimizer's run as the figures draw it.

    `frame` has the columns t, x, y, loss, grad_norm (see core.runs.engine.FRAME_COLUMNS); it may
    have no row at all when not even the start could be evaluated. `message` is set when the run
    stopped early (divergence or escape) and is shown at its last point. `dash` and `symbol` are
    the second channel beside the colour (a Plotly line dash and marker symbol).
    """

    label: str
    colour: str
    frame: pd.DataFrame
    message: str | None = None
    dash: str = "solid"
    symbol: str = "circle"

    @property
    def empty(self) -> bool:
        """True when the run has no iterate to draw, not even its start."""
        return len(self.frame) == 0


def optimizer_view(optimizer_id: str, frame: pd.DataFrame, message: str | None = None) -> PathView:
    """A run drawn in its optimizer's own style, whichever other optimizers run beside it."""
    spec = OPTIMIZERS[optimizer_id]
    style = spec.style
    return PathView(spec.name, style.colour, frame, message, style.dash, style.symbol)


def eval_point_view(optimizer_id: str, frame: pd.DataFrame, label: str) -> PathView:
    """Where a Schedule-Free run is evaluated (its average x_t): the run's colour, dotted, with
    an open marker, so that it reads as the companion of the run's own path."""
    style = OPTIMIZERS[optimizer_id].style
    return PathView(label, style.colour, frame, None, "dot", "diamond-open")


def f32(values: np.ndarray | pd.Series | Sequence[float]) -> dict[str, str]:
    """float32 values as a Plotly typed-array spec: compact base64 in the JSON, and plotly.py
    accepts it without re-validating every element (a figure has thousands of small arrays)."""
    array = np.ascontiguousarray(values, dtype=np.float32)
    spec = {"dtype": "f4", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ",".join(map(str, array.shape))
    return spec


def gap_floor(objective: Objective) -> float:
    """The smallest gap f - f_min that float32 tells apart from rounding noise (LOG_FLOOR when
    f_min is unknown).

    Two limits: one float32 step of f at f_min (large when |f_min| is large, e.g. Eggholder), and
    the largest gap float32 returns at the float32 neighbours of each minimiser (the rounding of
    the formula's inner terms, e.g. Himmelblau's x^2 + y - 11). Below it, a converged run's loss
    jumps between rounding levels: a comb of spikes, not progress.
    """
    if objective.f_min is None or not objective.minima:
        return LOG_FLOOR
    near = []
    for point in np.asarray(objective.minima, dtype=np.float32):
        steps = [np.nextafter(point, np.float32(side)) for side in (-np.inf, np.inf)]
        xs, ys = {point[0], steps[0][0], steps[1][0]}, {point[1], steps[0][1], steps[1][1]}
        near += [(x, y) for x in xs for y in ys]
    with torch.no_grad():
        values = objective.fn(torch.tensor(np.array(near, dtype=np.float32))).double().numpy()
    noise = np.abs(values[np.isfinite(values)] - objective.f_min)
    return max(LOG_FLOOR, F32_EPS * abs(objective.f_min), float(noise.max(initial=0.0)))


def inside_box(box: Box, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points lie in the plot box (f_min and the landscape are the box's)."""
    (x0, x1), (y0, y1) = box
    xs, ys = np.asarray(xs), np.asarray(ys)
    return (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)


@dataclass(frozen=True, slots=True)
class LossScale:
    """What the loss panel plots: the gap to f_min on a log axis floored at float32's
    resolution, or the loss itself on a linear axis when f_min is unknown."""

    f_min: float | None
    floor: float

    @classmethod
    def of(cls, objective: Objective) -> LossScale:
        return cls(objective.f_min, gap_floor(objective))

    @property
    def log(self) -> bool:
        return self.f_min is not None

    def plotted(self, loss: np.ndarray) -> np.ndarray:
        if self.f_min is None:
            return np.asarray(loss, dtype=np.float64)
        return np.maximum(np.asarray(loss, dtype=np.float64) - self.f_min, self.floor)

    def axis_units(self, values: np.ndarray) -> np.ndarray:
        """Plotted values in the axis's own units (log10 on a log axis), for ranges and labels."""
        return np.log10(values) if self.log else np.asarray(values, dtype=np.float64)

    def from_units(self, units: np.ndarray) -> np.ndarray:
        return 10.0**units if self.log else units


@dataclass(frozen=True, slots=True)
class LossSeries:
    """One run on the loss panel: the line inside the box, the dotted line outside it (NaN where
    the panel cannot show a value: below f_min, out there), and which rows were inside."""

    inside: np.ndarray
    outside: np.ndarray
    in_box: np.ndarray


def loss_series(scale: LossScale, view: PathView, box: Box) -> LossSeries:
    frame = view.frame
    in_box = inside_box(box, frame["x"].to_numpy(), frame["y"].to_numpy())
    plotted = scale.plotted(frame["loss"].to_numpy())
    outside = np.where(in_box, np.nan, plotted)
    if scale.log:  # outside the box a gap at or below the floor may be below f_min: not shown
        gap = frame["loss"].to_numpy() - scale.f_min
        outside = np.where(gap > scale.floor, outside, np.nan)
    return LossSeries(np.where(in_box, plotted, np.nan), outside, in_box)


def shown_loss(series: LossSeries) -> np.ndarray:
    """The loss panel's value of every row, inside the box or out (NaN where not drawable)."""
    return np.where(series.in_box, series.inside, series.outside)
