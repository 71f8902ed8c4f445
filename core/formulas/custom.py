"""Objectives from typed formulas: a safe compiled function, a plot box and an estimated minimum."""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from core.formulas.expressions import compile_formula
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import Box, Objective, Point
from core.runs.budget import Loop, work_of
from core.runs.engine import trajectory
from core.settings.linkstate import tidy_coordinate
from core.text.refusal import InputError

MAX_COORDINATE = 1e6  # plot boxes beyond this are refused: float32 paths lose all precision
ESTIMATE_GRID = 16  # multi-start grid for the estimated minimum: 16 x 16 starts
ESTIMATE_STEPS = 300
# The estimate's work in the budget's unit: a request on a typed formula pays for it too.
ESTIMATE_WORK = work_of([Loop(ESTIMATE_STEPS, rows=ESTIMATE_GRID**2)])
# The default start is one of four points this far into the box from its corners: close enough
# to a corner for a long race, far enough inside that the first steps stay on the map.
START_INSET = 0.2
# The range of an objective's rates (lr_gradient, lr_step) that every optimizer's lr_factor maps
# into that optimizer's own learning-rate range, so that each default is a valid rate.
OBJECTIVE_LR_RANGE = (
    max(s.param("lr").low / s.lr_factor for s in OPTIMIZERS.values() if s.lr_family),
    min(s.param("lr").high / s.lr_factor for s in OPTIMIZERS.values() if s.lr_family),
)


class BoxError(InputError):
    """A plot box was refused; the message reads in English (str) or in `message(lang)`."""


def check_box(box: Box) -> Box:
    """The box as floats, or BoxError (a ValueError) when it is empty, reversed or not finite."""
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in box)
    except (TypeError, ValueError):
        raise BoxError("box_not_numbers") from None
    for low, high, axis in ((x0, x1, "x"), (y0, y1, "y")):
        if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in (low, high)):
            raise BoxError("box_not_finite", axis=axis, limit=f"{MAX_COORDINATE:g}")
        if not low < high:
            raise BoxError("box_empty", axis=axis, low=f"{low:g}", high=f"{high:g}")
    return (x0, x1), (y0, y1)


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return min(max(value, bounds[0]), bounds[1])


def estimate_minimum(fn, box: Box) -> tuple[Point, float] | None:
    """Lowest point found by a batched multi-start Adam descent kept inside `box`, in float64.

    The descent runs in the box's unit square (x = x0 + u * (x1 - x0), likewise y), where a rate
    of 1% moves about 1% of the box per step whatever its size: no rate derived from the box's
    span can fall outside the range torch.optim and the registry accept.

    Returns None when every start diverges (the function is non-finite almost everywhere).
    """
    (x0, x1), (y0, y1) = box
    corner = torch.tensor([x0, y0], dtype=torch.float64)
    size = torch.tensor([x1 - x0, y1 - y0], dtype=torch.float64)
    unit = np.linspace(0.0, 1.0, ESTIMATE_GRID)
    starts = np.stack([g.ravel() for g in np.meshgrid(unit, unit)], axis=-1)
    probe = Objective(
        "estimate",
        "estimate",
        lambda u: fn(corner + u * size),
        "",
        ((0.0, 1.0), (0.0, 1.0)),
        (),
        None,
        (0.0, 0.0),
        lr_gradient=1.0,
        lr_step=1.0,
    )
    run = trajectory(
        probe, "adam", starts, ESTIMATE_STEPS, dtype=torch.float64, project=True, lr=0.01
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
    x, y = (corner + best_point[best] * size).tolist()
    return (x, y), float(best_value[best])


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
    # One significant digit; the range's ends (5e-6, 20) have one, so rounding stays inside it.
    gradient, step = (
        float(f"{_clamp(rate, OBJECTIVE_LR_RANGE):.1g}") for rate in (lr_gradient, lr_step)
    )
    return gradient, step


def default_start(fn, box: Box, minimum: Point | None) -> Point:
    """Where a race on a typed formula starts: the inset corner point farthest from the estimated
    minimum (the first of equally far ones), so that there is a way to go; only points where the
    function and its gradient are finite qualify. The box centre when none does.
    """
    (x0, x1), (y0, y1) = box
    xs = (x0 + START_INSET * (x1 - x0), x0 + (1 - START_INSET) * (x1 - x0))
    ys = (y1 - START_INSET * (y1 - y0), y0 + START_INSET * (y1 - y0))
    span = max(x1 - x0, y1 - y0)
    corners = [(tidy_coordinate(x, span), tidy_coordinate(y, span)) for y in ys for x in xs]
    points = torch.tensor(corners, dtype=torch.float64, requires_grad=True)
    values = fn(points)
    values.sum().backward()
    finite = torch.isfinite(values) & torch.isfinite(points.grad).all(dim=-1)
    usable = [corner for corner, ok in zip(corners, finite.tolist(), strict=True) if ok]
    if not usable:
        return (x0 + x1) / 2, (y0 + y1) / 2
    if minimum is None:
        return usable[0]
    # Distances compared to a thousandth of the box: an estimate a hair off a symmetric bowl's
    # centre must not decide between equally good corners.
    return max(
        usable, key=lambda c: round(math.hypot(c[0] - minimum[0], c[1] - minimum[1]) / span, 3)
    )


@functools.lru_cache(maxsize=32)
def custom_objective(text: str, box: Box) -> Objective:
    """An Objective from a typed formula over `box`, with its minimum estimated numerically.

    Raises FormulaError for a formula that is not allowed and BoxError for a bad box (both
    ValueErrors whose `message(lang)` reads in the page's language). Cached (bounded): the
    result is immutable and costs a multi-start descent.
    """
    formula = compile_formula(text)
    box = check_box(box)
    found = estimate_minimum(formula, box)
    lr_gradient, lr_step = _default_learning_rates(formula, box)
    minimum = found[0] if found else None
    return Objective(
        id="custom",
        name="Custom formula",
        fn=formula,
        latex="",
        box=box,
        minima=(minimum,) if minimum else (),
        f_min=found[1] if found else None,
        start=default_start(formula, box, minimum),
        lr_gradient=lr_gradient,
        lr_step=lr_step,
        note=f"f(x, y) = {formula.source}",
        setup_work=ESTIMATE_WORK,
    )
