"""Objectives from typed formulas: a safe compiled function, a plot box and an estimated minimum."""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from core.engine import trajectory
from core.expressions import compile_formula
from core.objectives import Box, Objective, Point

MAX_COORDINATE = 1e6  # plot boxes beyond this are refused: float32 paths lose all precision
ESTIMATE_GRID = 16  # multi-start grid for the estimated minimum: 16 x 16 starts
ESTIMATE_STEPS = 300


def check_box(box: Box) -> Box:
    """The box as floats, or ValueError when it is empty, reversed or not finite."""
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in box)
    except (TypeError, ValueError):
        raise ValueError("The plot box needs four numbers: x from, x to, y from, y to") from None
    for low, high, axis in ((x0, x1, "x"), (y0, y1, "y")):
        if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in (low, high)):
            raise ValueError(f"The {axis} range must be finite numbers within ±{MAX_COORDINATE:g}")
        if not low < high:
            raise ValueError(
                f"The {axis} range is empty: 'from' ({low:g}) must be below 'to' ({high:g})"
            )
    return (x0, x1), (y0, y1)


def estimate_minimum(fn, box: Box) -> tuple[Point, float] | None:
    """Lowest point found by a batched multi-start Adam descent kept inside `box`, in float64.

    Returns None when every start diverges (the function is non-finite almost everywhere).
    """
    (x0, x1), (y0, y1) = box
    gx, gy = np.meshgrid(np.linspace(x0, x1, ESTIMATE_GRID), np.linspace(y0, y1, ESTIMATE_GRID))
    starts = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    probe = Objective(
        "estimate", "estimate", fn, "", box, (), None, (x0, y0), lr_gradient=1.0, lr_step=1.0
    )
    step = 0.01 * max(x1 - x0, y1 - y0)
    run = trajectory(
        probe, "adam", starts, ESTIMATE_STEPS, dtype=torch.float64, project=True, lr=step
    )
    best_value = torch.full((len(starts),), math.inf, dtype=torch.float64)
    best_point = torch.zeros((len(starts), 2), dtype=torch.float64)
    for _ in run.iterates():  # keep each start's lowest finite iterate: a row may later diverge
        value = run.loss.detach()
        better = torch.isfinite(value) & (value < best_value)
        best_value = torch.where(better, value, best_value)
        best_point = torch.where(better[:, None], run.params.detach(), best_point)
    if not torch.isfinite(best_value).any():
        return None
    best = int(torch.argmin(best_value))
    return (float(best_point[best, 0]), float(best_point[best, 1])), float(best_value[best])


def _default_learning_rates(fn, box: Box) -> tuple[float, float]:
    """A step-scaled rate of 1% of the box, and a gradient-scaled one that moves about as far
    at a typical point of the box."""
    (x0, x1), (y0, y1) = box
    span = max(x1 - x0, y1 - y0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, 12), np.linspace(y0, y1, 12))
    points = torch.tensor(np.stack([gx, gy], axis=-1), dtype=torch.float64, requires_grad=True)
    fn(points).sum().backward()
    norms = points.grad.norm(dim=-1).numpy()
    typical = float(np.median(norms[np.isfinite(norms)])) if np.isfinite(norms).any() else 1.0
    lr_step = 0.01 * span
    lr_gradient = lr_step / typical if typical > 0 else lr_step
    return float(f"{min(max(lr_gradient, 1e-6), 100):.1g}"), float(
        f"{min(max(lr_step, 1e-6), 100):.1g}"
    )


@functools.lru_cache(maxsize=32)
def custom_objective(text: str, box: Box) -> Objective:
    """An Objective from a typed formula over `box`, with its minimum estimated numerically.

    Raises FormulaError (a ValueError) for a formula that is not allowed, and ValueError for a
    bad box. Cached (bounded): the result is immutable and costs a multi-start descent.
    """
    formula = compile_formula(text)
    box = check_box(box)
    (x0, x1), (y0, y1) = box
    found = estimate_minimum(formula, box)
    lr_gradient, lr_step = _default_learning_rates(formula, box)
    return Objective(
        id="custom",
        name="Custom formula",
        fn=formula,
        latex="",
        box=box,
        minima=(found[0],) if found else (),
        f_min=found[1] if found else None,
        start=((x0 + x1) / 2, (y0 + y1) / 2),
        lr_gradient=lr_gradient,
        lr_step=lr_step,
        note=f"f(x, y) = {formula.source}",
    )
