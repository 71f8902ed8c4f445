"""Where a Schedule-Free run is evaluated: the point its optimizer's eval() moves the parameter to.

Schedule-Free optimizers take their gradient at one point and are evaluated at another, their
running average. The engine records that point after every step (core.runs.engine.Trajectory)
and hands the race its path, with f and its gradient there (Run.eval_frame).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from core.problems.objectives import Objective


def evaluation_point(optimizer: torch.optim.Optimizer, params: torch.Tensor) -> list[float]:
    """Where the optimizer would be evaluated now, by the package's own switch: eval() moves the
    parameter there and train() back. The parameter is then restored bit for bit, as train()
    undoes eval() only up to rounding: the run stays the one a loop that never calls eval()
    makes."""
    kept = params.detach().clone()
    optimizer.eval()
    point = params.detach().tolist()
    optimizer.train()
    with torch.no_grad():
        params.copy_(kept)
    return point


def evaluation_frame(
    objective: Objective, trail: list[list[float]], frame: pd.DataFrame, dtype: torch.dtype
) -> pd.DataFrame:
    """The evaluation points `trail` (x_0 is the start) as a frame like the run's `frame`, with f
    and its gradient there, one row per iterate of `frame`."""
    if frame.empty:  # not even the start could be evaluated
        return frame.copy()
    points = torch.tensor(trail[: len(frame)], dtype=dtype).requires_grad_(True)
    loss = objective.fn(points)  # row by row: each row's value as if alone
    loss.sum().backward()
    grad = points.grad.double().numpy()
    out = frame.copy()
    out[["x", "y"]] = points.detach().double().numpy()
    out["loss"] = loss.detach().double().numpy()
    out[["grad_x", "grad_y"]] = grad
    out["grad_norm"] = np.linalg.norm(grad, axis=1)
    return out
