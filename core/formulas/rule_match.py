"""Does a typed update rule redo a torch.optim optimizer? Race them: which, or where they part.

The rule (core.formulas.rules) and each candidate run the same bare loop from the same start
with the same learning rate, the candidate at its registry defaults otherwise. A rule that
follows a candidate's whole path within MATCH_BOUND of the path's own scale matches it: torch
fuses multiply-adds into one rounding where a rule rounds each operation, so a faithful rule
differs by a few units in the last place (tests/test_rules.py measures it). Otherwise the
nearest candidate is named with the first step where the two paths part by more than that: a
faithful rule on a path that amplifies rounding (a rate near the edge of stability) parts late
and by little; a wrong one parts at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from core.formulas.rules import RuleOptimizer, UpdateRule
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import Objective, Point
from core.runs.budget import Loop, require_within_budget

MATCH_BOUND = {torch.float32: 2e-6, torch.float64: 1e-13}
CANDIDATES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")


@dataclass(frozen=True, slots=True)
class Comparison:
    """How the rule's path compares with the nearest candidate's over `steps` steps.

    Attributes:
        optimizer: the registry id of the nearest candidate.
        matches: the paths agree within MATCH_BOUND all the way.
        gap: the largest distance between the paths, over the largest coordinate either path
            reaches (the paths' own scale).
        parts_at: the first step (from 1) where they part by more than the bound; None when
            they match.
        apart: how far apart they are at that step (in the function's units).
    """

    optimizer: str
    steps: int
    matches: bool
    gap: float
    parts_at: int | None = None
    apart: float = 0.0


def compare_rule(
    rule: UpdateRule,
    objective: Objective,
    start: Point,
    steps: int,
    lr: float,
    *,
    candidates: Sequence[str] = CANDIDATES,
    dtype: torch.dtype = torch.float32,
) -> Comparison:
    """Race the rule against each candidate; the nearest one, and whether the rule matches it.
    One request of the work budget: the rule's run and every candidate's."""
    require_within_budget([Loop(steps)] * (len(candidates) + 1), "race")
    mine = _path(objective, lambda p: RuleOptimizer([p], rule, lr=lr), start, steps, dtype)
    best: Comparison | None = None
    for optimizer in candidates:
        make = OPTIMIZERS[optimizer].make
        theirs = _path(objective, lambda p, make=make: make([p], lr=lr), start, steps, dtype)
        found = _compare(optimizer, mine, theirs, MATCH_BOUND[dtype])
        if best is None or (found.matches, -found.gap) > (best.matches, -best.gap):
            best = found
    assert best is not None, "no candidate"  # CANDIDATES is not empty
    return best


def _path(objective: Objective, make, start: Point, steps: int, dtype: torch.dtype) -> torch.Tensor:
    """x_0 .. x_steps of the bare loop, in float64 (NaN from where a step was not finite)."""
    p = torch.tensor(start, dtype=dtype, requires_grad=True)
    optimizer = make(p)
    points = [p.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        objective.fn(p).sum().backward()
        optimizer.step()
        points.append(p.detach().clone())
        if not torch.isfinite(points[-1]).all():
            break
    path = torch.full((steps + 1, 2), float("nan"), dtype=torch.float64)
    path[: len(points)] = torch.stack(points).double()
    return path


def _compare(optimizer: str, mine: torch.Tensor, theirs: torch.Tensor, bound: float) -> Comparison:
    steps = len(mine) - 1
    scale = max(
        float(torch.nan_to_num(mine).abs().max()),
        float(torch.nan_to_num(theirs).abs().max()),
        1e-30,
    )
    distance = (mine - theirs).norm(dim=1)
    distance = torch.where(torch.isnan(distance), torch.tensor(float("inf")), distance)
    both_stopped = torch.isnan(mine).any(dim=1) & torch.isnan(theirs).any(dim=1)
    distance = torch.where(both_stopped, torch.zeros(()), distance)
    gap = float(distance.max()) / scale
    if gap <= bound:
        return Comparison(optimizer, steps, True, gap)
    parts_at = int(torch.nonzero(distance > bound * scale)[0])
    return Comparison(optimizer, steps, False, gap, parts_at, float(distance[parts_at]))
