"""Evaluate an objective on a grid over its box, and choose a colour scale for it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.problems.objectives import Box, Objective

# Colour by log10(f - f_lowest + offset) when the values inside the box span more decades than this.
LOG_SPAN_DECADES = 2.5


@dataclass(frozen=True, slots=True)
class Landscape:
    """f on a regular grid: `z[i, j]` is f(xs[j], ys[i]) (rows are y, as Plotly expects).

    `colour` is what the colour scale shows: z itself, or log10(z - lowest + offset) when `log`
    is set. Non-finite values are NaN in both (drawn as gaps).
    """

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    colour: np.ndarray
    log: bool
    offset: float

    def colour_of(self, values: np.ndarray) -> np.ndarray:
        """Map f values onto the colour axis (for colour-bar ticks)."""
        if not self.log:
            return values
        return np.log10(values - self.lowest + self.offset)

    @property
    def lowest(self) -> float:
        """The lowest finite value on the grid (NaN when there is none)."""
        finite = self.z[np.isfinite(self.z)]
        return float(finite.min()) if finite.size else math.nan


def grid_points(box: Box, resolution: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """Grid coordinates and a `[resolution, resolution, 2]` float64 tensor of points."""
    (x0, x1), (y0, y1) = box
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys, indexing="xy")
    return xs, ys, torch.from_numpy(np.stack([gx, gy], axis=-1))


def evaluate(objective: Objective, box: Box | None = None, resolution: int = 160) -> Landscape:
    """Evaluate `objective` over `box` (default: its own) on a `resolution` x `resolution` grid."""
    xs, ys, points = grid_points(box or objective.box, resolution)
    with torch.no_grad():
        z = objective.fn(points).numpy().astype(np.float64)
    z = np.where(np.isfinite(z), z, np.nan)
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return Landscape(xs, ys, z, z, log=False, offset=0.0)
    lowest, highest = float(finite.min()), float(finite.max())
    spread = highest - lowest
    # A typical value well above the floor tells how many decades the landscape spans.
    typical = float(np.quantile(finite - lowest, 0.05))
    offset = max(typical * 0.1, spread * 1e-9, 1e-12)
    log = spread > 0 and math.log10((spread + offset) / offset) > LOG_SPAN_DECADES + 1
    colour = np.log10(z - lowest + offset) if log else z
    return Landscape(xs, ys, z, colour, log=log, offset=offset)
