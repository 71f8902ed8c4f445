"""Curvature from autograd: Hessians by differentiating twice, their eigenvalues, stability limits.

The Hessian is what the Autograd Lab's higher-order section builds: `torch.autograd.grad` with
`create_graph=True` gives the gradient as part of a graph, and a second `grad` of each gradient
component gives one Hessian row. Objectives reduce only over the last dimension, so one pair of
calls does it for every point of a batch at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from core.problems.objectives import Objective
from core.text.refusal import Refusal, shown

CURVATURE_COLUMNS = ("t", "x", "y", "lambda_min", "lambda_max", "condition")
MAX_POINTS = 100_000
PROBES = 7  # quadratic test: the Hessian must be the same on a 7 x 7 grid over the box
CONSTANT_RTOL = 1e-9

TorchFn = Callable[[torch.Tensor], torch.Tensor]


def hessians(fn: TorchFn | Objective, points: Any) -> np.ndarray:
    """`[N, 2, 2]` Hessians of `fn` at `points` `[N, 2]`, in float64, by autograd twice.

    Non-finite entries (e.g. at a kink) are returned as they come, usually NaN. Bad points are
    a Refusal.
    """
    fn = fn.fn if isinstance(fn, Objective) else fn
    array = np.asarray(points, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 2 or len(array) > MAX_POINTS:
        raise Refusal("bv_err_points", max=f"{MAX_POINTS:,}")
    p = torch.tensor(array, dtype=torch.float64, requires_grad=True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(fn(p).sum(), p, create_graph=True)
        rows = []
        for i in range(2):
            if grad.requires_grad:  # False for a function that is linear in both coordinates
                (row,) = torch.autograd.grad(
                    grad[:, i].sum(), p, retain_graph=True, allow_unused=True
                )
            else:
                row = None
            rows.append(torch.zeros_like(p) if row is None else row)
    return torch.stack(rows, dim=1).detach().numpy()


def eigenvalues(h: np.ndarray) -> np.ndarray:
    """`[N, 2]` ascending eigenvalues of symmetric `[N, 2, 2]` matrices (NaN where not finite)."""
    h = np.asarray(h, dtype=np.float64)
    out = np.full(h.shape[:-1], np.nan)
    finite = np.isfinite(h).all(axis=(-2, -1))
    if finite.any():
        sym = (h[finite] + np.swapaxes(h[finite], -1, -2)) / 2  # exact second derivatives commute
        out[finite] = np.linalg.eigvalsh(sym)
    return out


def condition_numbers(lam: np.ndarray) -> np.ndarray:
    """max |lambda| / min |lambda| per row: inf when an eigenvalue is 0, NaN when not finite."""
    magnitude = np.abs(lam)
    big, small = magnitude.max(axis=-1), magnitude.min(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = big / small
    ratio = np.where(small == 0, np.inf, ratio)
    return np.where(np.isfinite(lam).all(axis=-1), ratio, np.nan)


def curvature_along(
    objective: Objective | TorchFn, points: Any, t: Any | None = None
) -> pd.DataFrame:
    """Hessian eigenvalues and condition number at each point of a path.

    Args:
        objective: an Objective (or a torch callable on `[..., 2]`).
        points: `[N, 2]` iterates, e.g. a run's frame[["x", "y"]].
        t: step index of each point (default 0..N-1), e.g. a run's frame["t"].

    Returns:
        A DataFrame with columns CURVATURE_COLUMNS: lambda_min <= lambda_max, and condition =
        max |lambda| / min |lambda| (inf at a zero eigenvalue; NaN where the Hessian is not finite).
    """
    array = np.asarray(points, dtype=np.float64)
    lam = eigenvalues(hessians(objective, array))
    steps = np.arange(len(array)) if t is None else np.asarray(t, dtype=np.int64)
    if steps.shape != (len(array),):
        raise Refusal("bv_err_step_index")
    return pd.DataFrame(
        {
            "t": steps,
            "x": array[:, 0],
            "y": array[:, 1],
            "lambda_min": lam[:, 0],
            "lambda_max": lam[:, 1],
            "condition": condition_numbers(lam),
        },
        columns=list(CURVATURE_COLUMNS),
    )


def constant_hessian(objective: Objective) -> np.ndarray | None:
    """The Hessian when it is the same all over the box (a quadratic), else None."""
    (x0, x1), (y0, y1) = objective.box
    gx, gy = np.meshgrid(np.linspace(x0, x1, PROBES), np.linspace(y0, y1, PROBES))
    probes = np.concatenate([np.stack([gx.ravel(), gy.ravel()], -1), [objective.start]])
    h = hessians(objective, probes)
    if not np.isfinite(h).all():
        return None
    first = h[0]
    scale = max(1.0, float(np.abs(first).max()))
    if np.abs(h - first).max() > CONSTANT_RTOL * scale:
        return None
    return (first + first.T) / 2


def stability_limit(objective: Objective, momentum: float = 0.0) -> float | None:
    """The largest stable learning rate of (heavy-ball) gradient descent on a convex quadratic.

    With Hessian eigenvalues 0 < lambda_min <= lambda_max, gradient descent converges exactly for
    lr < 2 / lambda_max, and SGD with momentum beta (torch.optim.SGD, dampening 0) for
    lr < 2 (1 + beta) / lambda_max. None when the objective is not a convex quadratic; a bad
    momentum is a Refusal.
    """
    if not (math.isfinite(momentum) and 0.0 <= momentum < 1.0):
        raise Refusal("bv_err_momentum", value=shown(momentum))
    quadratic = convex_quadratic(objective)
    if quadratic is None:
        return None
    return 2.0 * (1.0 + momentum) / quadratic.lambda_max


@dataclass(frozen=True, slots=True)
class Quadratic:
    """A convex quadratic's constant Hessian and its eigenvalues, 0 < lambda_min <= lambda_max."""

    hessian: np.ndarray
    lambda_min: float
    lambda_max: float


def convex_quadratic(objective: Objective) -> Quadratic | None:
    """The Hessian and its eigenvalues when `objective` is a convex quadratic, else None."""
    h = constant_hessian(objective)
    if h is None:
        return None
    low, high = np.linalg.eigvalsh(h)
    if low <= 0:
        return None
    return Quadratic(h, float(low), float(high))
