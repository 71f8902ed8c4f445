"""Learning-rate sweeps and momentum maps: one optimizer, one param group per setting.

A tensor learning rate must have one element, so a `[R, 2]` tensor cannot carry R rates. Instead
each setting gets its own leaf `[2]` in its own param group of one optimizer; the loss is f over the
stacked leaves, summed. Every group's update reads only its own parameter and state, so each is
bitwise the single run with that setting (tests/test_batched.py checks it). The loop and its
divergence rule are those of core.engine.Trajectory.iterates.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch

from core.batched import (
    MAX_MAP_SIDE,
    MAX_RATES,
    Finish,
    Progress,
    ProgressFn,
    SettleTracker,
    check_steps,
    finish_runs,
    text,
    tolerance_radius,
)
from core.engine import region, resolve_objective, resolve_optimizer
from core.objectives import Objective, Point
from core.optimizers import OPTIMIZERS, OptimizerSpec
from core.summary import ARRIVAL_FRACTION

SWEEP_COLUMNS = (
    "optimizer",
    "lr",
    "final_loss",
    "gap",
    "settled",
    "last",
    "diverged",
    "final_x",
    "final_y",
)
MAP_COLUMNS = ("lr", "momentum", "final_loss", "gap", "settled", "last", "diverged")
MOMENTUM_OPTIMIZERS = ("momentum", "nesterov")  # torch.optim.SGD with momentum (heavy ball)
MAX_GROUPS = MAX_MAP_SIDE * MAX_MAP_SIDE


def not_sweepable_reason(spec: OptimizerSpec, lang: str = "en") -> str | None:
    """Why `spec` cannot run one param group per setting (in `lang`), or None when it can."""
    if spec.elementwise and not spec.needs_closure:
        return None
    return text("bv_not_sweepable", lang, name=spec.name)


def log_rates(low: float, high: float, count: int, lang: str = "en") -> np.ndarray:
    """`count` log-spaced learning rates from `low` to `high`, both included."""
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        raise ValueError(text("bv_err_rate_count_whole", lang, value=repr(count)))
    if not 2 <= count <= MAX_RATES:
        raise ValueError(text("bv_err_rate_count_range", lang, max=MAX_RATES, value=count))
    lr_range = OPTIMIZERS["sgd"].param("lr")
    if not (lr_range.low <= low < high <= lr_range.high):
        raise ValueError(
            text(
                "bv_err_rate_range",
                lang,
                low_limit=f"{lr_range.low:g}",
                high_limit=f"{lr_range.high:g}",
                low=repr(low),
                high=repr(high),
            )
        )
    return np.logspace(math.log10(low), math.log10(high), count)


def run_groups(
    objective: str | Objective,
    optimizer: str | OptimizerSpec,
    start: Point,
    steps: int,
    groups: Sequence[Mapping[str, Any]],
    *,
    tolerance: float = ARRIVAL_FRACTION,
    dtype: torch.dtype = torch.float32,
    on_progress: ProgressFn | None = None,
    lang: str = "en",
    **hyper: Any,
) -> Finish:
    """Run one start with G settings at once: one optimizer, one param group per setting.

    Args:
        objective: an id of OBJECTIVES or an Objective.
        optimizer: an id of OPTIMIZERS or an OptimizerSpec (not L-BFGS).
        start: the common start point (x, y).
        steps: updates per run, 1 to MAX_STEPS.
        groups: per group, the hyper-parameters that differ (e.g. {"lr": 0.01}); each group gets
            the full validated keyword set, exactly what a single optimizer would receive.
        tolerance: the distance that counts as "at a minimum", as a fraction of the box diagonal.
        dtype: torch.float32 or torch.float64.
        on_progress: called with the fraction done, about 100 times.
        lang: the language of the error messages ("en" or "zh").
        **hyper: hyper-parameters shared by every group.

    Returns:
        A Finish with one row per group, in order.
    """
    objective, spec = resolve_objective(objective), resolve_optimizer(optimizer)
    reason = not_sweepable_reason(spec, lang)
    if reason:
        raise ValueError(reason)
    if not 1 <= len(groups) <= MAX_GROUPS:
        raise ValueError(
            text("bv_err_settings_count", lang, max=f"{MAX_GROUPS:,}", count=f"{len(groups):,}")
        )
    steps = check_steps(steps, lang)
    radius = tolerance_radius(objective, tolerance, lang)
    x, y = (float(v) for v in start)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(text("bv_err_start_finite", lang, value=repr(start)))
    began = time.perf_counter()
    leaves = [torch.tensor([x, y], dtype=dtype, requires_grad=True) for _ in groups]
    settings = [
        {"params": [leaf], **spec.torch_kwargs(**(hyper | dict(g)))}
        for leaf, g in zip(leaves, groups, strict=True)
    ]
    opt = spec.cls(settings, **spec.torch_kwargs(**hyper))

    (rx0, rx1), (ry0, ry1) = region(objective.box)
    rows = len(leaves)
    alive = torch.ones(rows, dtype=torch.bool)
    last = torch.full((rows,), steps, dtype=torch.int64)
    tracker = SettleTracker(objective, radius, torch.stack(leaves).detach())
    progress = Progress(on_progress, steps)
    for t in range(steps + 1):
        opt.zero_grad()
        points = torch.stack(leaves)  # [G, 2]; its backward hands each leaf its own row
        points.retain_grad()
        loss = objective.fn(points)
        loss.sum().backward()
        p, grad = points.detach(), points.grad
        # The engine's rule: a row stops at the first iterate with a non-finite loss or gradient,
        # or outside the region; it keeps running (it cannot be frozen) but no longer counts.
        ok = torch.isfinite(loss.detach()) & torch.isfinite(grad).all(-1)
        ok &= (p[:, 0] >= rx0) & (p[:, 0] <= rx1) & (p[:, 1] >= ry0) & (p[:, 1] <= ry1)
        newly_dead = alive & ~ok
        if newly_dead.any():
            last.masked_fill_(newly_dead, t - 1)
            alive &= ok
            if not alive.any():
                break
        tracker.update(t, p)
        progress(t)
        if t == steps:
            break
        opt.step()
    progress.finish()
    return finish_runs(
        tracker,
        points.detach(),
        loss.detach(),
        last.numpy(),
        steps,
        radius,
        time.perf_counter() - began,
    )


def _gap(objective: Objective, loss: np.ndarray) -> np.ndarray:
    if objective.f_min is None:
        return np.full_like(loss, np.nan)
    return loss - objective.f_min


def lr_sweep(
    objective: str | Objective,
    optimizers: Sequence[str | tuple[str, Mapping[str, Any]]],
    start: Point,
    steps: int,
    rates: Sequence[float] | np.ndarray,
    *,
    tolerance: float = ARRIVAL_FRACTION,
    dtype: torch.dtype = torch.float32,
    on_progress: ProgressFn | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Final loss and steps to converge against the learning rate, for each optimizer.

    Args:
        objective: an id of OBJECTIVES or an Objective.
        optimizers: optimizer ids (other hyper-parameters at the registry defaults), or
            (id, hyper-parameters) pairs; each swept rate replaces the learning rate.
        start: the common start point.
        steps: updates per run.
        rates: the learning rates (at most MAX_RATES; see log_rates).
        tolerance, dtype, on_progress, lang: as in run_groups.

    Returns:
        A tidy DataFrame, one row per (optimizer, rate), columns SWEEP_COLUMNS: gap is
        final_loss - f_min (NaN when f_min is unknown); settled is -1 when the run did not end
        near a minimum; final values are NaN where the run diverged (last < steps).
    """
    objective = resolve_objective(objective)
    rates = np.asarray(rates, dtype=np.float64)
    if rates.ndim != 1 or not 1 <= len(rates) <= MAX_RATES:
        raise ValueError(text("bv_err_rates_count", lang, max=MAX_RATES, count=rates.size))
    if not optimizers:
        raise ValueError(text("bv_pick_sweep", lang))
    frames = []
    for i, entry in enumerate(optimizers):
        optimizer_id, hyper = (entry, {}) if isinstance(entry, str) else entry
        spec = resolve_optimizer(optimizer_id)
        shared = {k: v for k, v in dict(hyper).items() if k != "lr"}

        def report(fraction: float, i: int = i) -> None:
            if on_progress is not None:
                on_progress((i + fraction) / len(optimizers))

        end = run_groups(
            objective,
            spec,
            start,
            steps,
            [{"lr": float(r)} for r in rates],
            tolerance=tolerance,
            dtype=dtype,
            on_progress=report,
            lang=lang,
            **shared,
        )
        frames.append(
            pd.DataFrame(
                {
                    "optimizer": pd.Series([spec.id] * len(rates), dtype="string"),
                    "lr": rates,
                    "final_loss": end.final_loss,
                    "gap": _gap(objective, end.final_loss),
                    "settled": end.settled,
                    "last": end.last,
                    "diverged": end.diverged,
                    "final_x": end.final[:, 0],
                    "final_y": end.final[:, 1],
                },
                columns=list(SWEEP_COLUMNS),
            )
        )
    return pd.concat(frames, ignore_index=True)


def momentum_map(
    objective: str | Objective,
    start: Point,
    steps: int,
    rates: Sequence[float] | np.ndarray,
    momenta: Sequence[float] | np.ndarray,
    *,
    optimizer: str = "momentum",
    tolerance: float = ARRIVAL_FRACTION,
    dtype: torch.dtype = torch.float32,
    on_progress: ProgressFn | None = None,
    lang: str = "en",
    **hyper: Any,
) -> pd.DataFrame:
    """Final loss over a learning rate x momentum grid for SGD with momentum (heavy ball).

    The convergence map of Goh, "Why Momentum Really Works" (Distill, 2017), with torch.optim.SGD:
    every (rate, momentum) pair is its own param group of one optimizer. Error messages are in
    `lang`.

    Returns:
        A tidy DataFrame, one row per pair (rates vary fastest), columns MAP_COLUMNS.
    """
    if optimizer not in MOMENTUM_OPTIMIZERS:
        raise ValueError(
            text(
                "bv_err_map_optimizer",
                lang,
                choices=repr(MOMENTUM_OPTIMIZERS),
                value=repr(optimizer),
            )
        )
    objective = resolve_objective(objective)
    rates = np.asarray(rates, dtype=np.float64)
    momenta = np.asarray(momenta, dtype=np.float64)
    for axis, message in (
        (rates, text("bv_err_rates_count", lang, max=MAX_MAP_SIDE, count=rates.size)),
        (momenta, text("bv_err_momenta_count", lang, max=MAX_MAP_SIDE, count=momenta.size)),
    ):
        if axis.ndim != 1 or not 1 <= len(axis) <= MAX_MAP_SIDE:
            raise ValueError(message)
    if optimizer == "nesterov" and not (momenta > 0).all():
        # torch checks this only for the optimizer's defaults, not per param group.
        raise ValueError(text("bv_err_nesterov", lang))
    lr_grid, momentum_grid = (a.ravel() for a in np.meshgrid(rates, momenta, indexing="xy"))
    shared = {k: v for k, v in hyper.items() if k not in ("lr", "momentum")}
    end = run_groups(
        objective,
        optimizer,
        start,
        steps,
        [
            {"lr": float(lr), "momentum": float(m)}
            for lr, m in zip(lr_grid, momentum_grid, strict=True)
        ],
        tolerance=tolerance,
        dtype=dtype,
        on_progress=on_progress,
        lang=lang,
        **shared,
    )
    return pd.DataFrame(
        {
            "lr": lr_grid,
            "momentum": momentum_grid,
            "final_loss": end.final_loss,
            "gap": _gap(objective, end.final_loss),
            "settled": end.settled,
            "last": end.last,
            "diverged": end.diverged,
        },
        columns=list(MAP_COLUMNS),
    )


def largest_stable_rate(sweep: pd.DataFrame, optimizer: str) -> float | None:
    """The largest swept rate below which no rate diverged, for one optimizer of a sweep."""
    rows = sweep[sweep["optimizer"] == optimizer].sort_values("lr")
    diverged = rows["diverged"].to_numpy()
    if diverged.all():
        return None
    first_bad = int(np.argmax(diverged)) if diverged.any() else len(rows)
    return float(rows["lr"].iloc[first_bad - 1]) if first_bad else None
