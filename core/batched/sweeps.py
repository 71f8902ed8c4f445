"""Learning-rate sweeps and momentum maps: one start, many settings, each an exact torch.optim run.

A tensor learning rate must have one element, so torch.optim cannot give the rows of one `[R, 2]`
tensor R rates. Two ways around it, with the same bits (tests/test_rowwise.py):

- rows (the default): the settings are the rows of one tensor, moved by core.optim.rowwise, which
applies
  torch's own update formula with per-row rates (and momenta) as `[R, 1]` tensors;
- param groups (the reference, and the fallback where no row-wise rule applies): each setting gets
  its own leaf `[2]` in its own param group of one optimizer; torch loops over the groups in Python,
  which costs about as much per group as a whole single run.

Either way the loss is f over the stacked rows, summed, and the loop and its divergence rule are
those of core.runs.engine.Trajectory.iterates.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import torch

from core.batched.outcomes import (
    MAX_MAP_SIDE,
    MAX_RATES,
    Finish,
    SettleTracker,
    check_steps,
    finish_runs,
    tolerance_radius,
)
from core.optim.optimizers import OPTIMIZERS, OptimizerSpec
from core.optim.rowwise import RowStepper, row_stepper
from core.problems.objectives import Objective, Point
from core.runs.budget import Loop, require_within_budget
from core.runs.engine import in_play, region, resolve_objective, resolve_optimizer
from core.runs.progress import Progress, ProgressFn
from core.runs.summary import ARRIVAL_FRACTION
from core.text.refusal import Phrase, Refusal, listed, shown

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
Method = Literal["rows", "param_groups"]
METHODS: tuple[Method, ...] = ("rows", "param_groups")


def not_sweepable_reason(spec: OptimizerSpec) -> Phrase | None:
    """Why `spec` cannot be swept (its settings run as the rows of one tensor), or None when it
    can: it must be elementwise, and core.optim.rowwise must have its update formula."""
    name = {"name": spec.name}
    if spec.needs_closure:
        return Phrase("bv_not_sweepable", name)
    if not spec.elementwise:
        return Phrase("bv_not_sweepable_coupled", name)
    if not spec.from_torch:
        return Phrase("bv_not_sweepable_zoo", name)
    return None


def log_rates(low: float, high: float, count: int) -> np.ndarray:
    """`count` log-spaced learning rates from `low` to `high`, both included."""
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        raise Refusal("bv_err_rate_count_whole", value=shown(count))
    if not 2 <= count <= MAX_RATES:
        raise Refusal("bv_err_rate_count_range", max=MAX_RATES, value=shown(count))
    if not low < high:
        raise Refusal("bv_err_rate_order", low=shown(low), high=shown(high))
    lr_range = OPTIMIZERS["sgd"].param("lr")
    if not (lr_range.low <= low and high <= lr_range.high):
        raise Refusal(
            "bv_err_rate_range",
            low_limit=shown(lr_range.low),
            high_limit=shown(lr_range.high),
            low=shown(low),
            high=shown(high),
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
    method: Method = "rows",
    **hyper: Any,
) -> Finish:
    """Run one start with G settings at once, each exactly as its own torch.optim run.

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
        method: "rows" runs the settings as the rows of one `[G, 2]` tensor (core.optim.rowwise),
            where a row-wise rule covers the optimizer and the settings that differ; otherwise,
            and with "param_groups", one torch.optim optimizer gets one param group per setting
            (torch then loops over the groups in Python). Both give the same bits.
        **hyper: hyper-parameters shared by every group.

    Returns:
        A Finish with one row per group, in order.
    """
    objective, spec = resolve_objective(objective), resolve_optimizer(optimizer)
    reason = not_sweepable_reason(spec)
    if reason:
        raise Refusal(reason.key, **reason.values)
    if method not in METHODS:  # a programming error, not a user's input
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not 1 <= len(groups) <= MAX_GROUPS:
        raise Refusal("bv_err_settings_count", max=f"{MAX_GROUPS:,}", count=f"{len(groups):,}")
    steps = check_steps(steps)
    require_within_budget([Loop(steps, rows=len(groups))], "sweep")
    radius = tolerance_radius(objective, tolerance)
    x, y = (float(v) for v in start)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise Refusal("bv_err_start_finite", value=shown(start))
    began = time.perf_counter()
    plan = _Plan(
        objective,
        spec,
        defaults=spec.torch_kwargs(**hyper),
        settings=tuple(spec.torch_kwargs(**(hyper | dict(g))) for g in groups),
        first=torch.tensor([x, y], dtype=dtype),
    )
    runner = _RowRuns.make(plan) if method == "rows" else None
    if runner is None:
        runner = _GroupRuns(plan)
    tracker = SettleTracker(objective, radius, plan.first.expand(len(plan.settings), 2))
    points, loss, last = _run_rows(objective, runner, tracker, steps, on_progress)
    return finish_runs(
        tracker, points, loss, last.numpy(), steps, radius, time.perf_counter() - began
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the runners of one sweep share: the objective, the optimizer, its keyword arguments
    (`defaults` for the optimizer, one full set per setting) and the common start point."""

    objective: Objective
    spec: OptimizerSpec
    defaults: Mapping[str, Any]
    settings: tuple[Mapping[str, Any], ...]
    first: torch.Tensor


class _RowRuns:
    """G settings as the rows of one `[G, 2]` leaf, moved by a row-wise rule
    (core.optim.rowwise)."""

    def __init__(self, objective: Objective, params: torch.Tensor, stepper: RowStepper) -> None:
        self.fn, self.params, self.stepper = objective.fn, params, stepper
        self.rows = params.shape[0]

    @classmethod
    def make(cls, plan: _Plan) -> _RowRuns | None:
        """The row runner, or None where no row-wise rule covers the plan's settings."""
        params = plan.first.repeat(len(plan.settings), 1).requires_grad_(True)
        stepper = row_stepper(plan.spec.cls, plan.defaults, plan.settings, params)
        return None if stepper is None else cls(plan.objective, params, stepper)

    def evaluate(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x_t, the gradient and f(x_t) of every row, detached."""
        self.params.grad = None  # what torch.optim's zero_grad does
        loss = self.fn(self.params)
        loss.sum().backward()
        return self.params.detach(), self.params.grad, loss.detach()

    def update(self) -> None:
        with torch.no_grad():
            self.stepper.step(self.params, self.params.grad)


class _GroupRuns:
    """G settings as G leaves `[2]`, one param group each of one torch.optim optimizer.

    The loss is f over the stacked leaves, summed. Every group's update reads only its own
    parameter and state, so each is bitwise the single run with that setting.
    """

    def __init__(self, plan: _Plan) -> None:
        self.fn = plan.objective.fn
        self.leaves = [plan.first.clone().requires_grad_(True) for _ in plan.settings]
        groups = [
            {"params": [leaf], **s} for leaf, s in zip(self.leaves, plan.settings, strict=True)
        ]
        self.optimizer = plan.spec.cls(groups, **plan.defaults)
        self.update = self.optimizer.step
        self.rows = len(self.leaves)

    def evaluate(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x_t, the gradient and f(x_t) of every group, detached."""
        self.optimizer.zero_grad()
        points = torch.stack(self.leaves)  # [G, 2]; its backward hands each leaf its own row
        points.retain_grad()
        loss = self.fn(points)
        loss.sum().backward()
        return points.detach(), points.grad, loss.detach()


def _run_rows(
    objective: Objective,
    runner: _RowRuns | _GroupRuns,
    tracker: SettleTracker,
    steps: int,
    on_progress: ProgressFn | None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The loop of core.runs.engine.Trajectory.iterates over G runs that move together.

    Returns the last iterate, its loss and each row's last valid step.
    """
    region_box = region(objective.box)
    alive = torch.ones(runner.rows, dtype=torch.bool)
    last = torch.full((runner.rows,), steps, dtype=torch.int64)
    progress = Progress(on_progress, steps)
    for t in range(steps + 1):
        p, grad, loss = runner.evaluate()
        # The engine's stop rule; a row out of play keeps moving (it cannot be frozen inside the
        # tensor) but no longer counts.
        ok = in_play(p, loss, grad, region_box)
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
        runner.update()
    progress.finish()
    return p, loss, last


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
    method: Method = "rows",
) -> pd.DataFrame:
    """Final loss and steps to converge against the learning rate, for each optimizer.

    Args:
        objective: an id of OBJECTIVES or an Objective.
        optimizers: optimizer ids (other hyper-parameters at the registry defaults), or
            (id, hyper-parameters) pairs; each swept rate replaces the learning rate.
        start: the common start point.
        steps: updates per run.
        rates: the learning rates (at most MAX_RATES; see log_rates).
        tolerance, dtype, on_progress, method: as in run_groups.

    Returns:
        A tidy DataFrame, one row per (optimizer, rate), columns SWEEP_COLUMNS: gap is
        final_loss - f_min (NaN when f_min is unknown); settled is -1 when the run did not end
        near a minimum; final values are NaN where the run diverged (last < steps).
    """
    objective = resolve_objective(objective)
    rates = np.asarray(rates, dtype=np.float64)
    if rates.ndim != 1 or not 1 <= len(rates) <= MAX_RATES:
        raise Refusal("bv_err_rates_count", max=MAX_RATES, count=rates.size)
    if not optimizers:
        raise Refusal("bv_pick_sweep")
    # One request: every optimizer's sweep together (each is one loop of len(rates) rows).
    loops = [Loop(check_steps(steps), rows=len(rates)) for _ in optimizers]
    require_within_budget(loops, "sweep")
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
            method=method,
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
    method: Method = "rows",
    **hyper: Any,
) -> pd.DataFrame:
    """Final loss over a learning rate x momentum grid for SGD with momentum (heavy ball).

    The convergence map of Goh, "Why Momentum Really Works" (Distill, 2017), with torch.optim.SGD's
    update: every (rate, momentum) pair is one row of one tensor (or, with method="param_groups",
    its own param group of one optimizer; see run_groups).

    Returns:
        A tidy DataFrame, one row per pair (rates vary fastest), columns MAP_COLUMNS.
    """
    if optimizer not in MOMENTUM_OPTIMIZERS:
        choices = listed(MOMENTUM_OPTIMIZERS)
        raise Refusal("bv_err_map_optimizer", choices=choices, value=shown(optimizer))
    objective = resolve_objective(objective)
    rates = np.asarray(rates, dtype=np.float64)
    momenta = np.asarray(momenta, dtype=np.float64)
    for axis, key in ((rates, "bv_err_rates_count"), (momenta, "bv_err_momenta_count")):
        if axis.ndim != 1 or not 1 <= len(axis) <= MAX_MAP_SIDE:
            raise Refusal(key, max=MAX_MAP_SIDE, count=axis.size)
    if optimizer == "nesterov" and not (momenta > 0).all():
        # torch checks this only for the optimizer's defaults, not per param group.
        raise Refusal("bv_err_nesterov")
    pairs = Loop(check_steps(steps), rows=len(rates) * len(momenta))
    require_within_budget([pairs], "momentum")
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
        method=method,
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
