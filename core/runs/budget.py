"""One work budget for every request that computes: races, basin maps, sweeps, momentum maps and
the Autograd Lab's L-BFGS loops. Separate caps (steps, grid side, rates) cannot bound their
product; this does, in one unit, so that no link or widget combination holds the server long.

The unit is the optimizer-step: one update of one run, with its evaluations of f. A request's
work is the sum of its loops, each

    steps x evaluations per step x (1 + (rows - 1) / ROWS_PER_STEP)

where rows are the runs that move together in one tensor (a basin map's starts, a sweep's rates,
a momentum map's pairs). One update of a tensor costs a fixed overhead (Python, torch's dispatch:
the whole cost of a single run) plus a share per row; ROWS_PER_STEP rows cost about one overhead.
L-BFGS re-evaluates f in its line search: a race counts it at one evaluation per step up front
and charges the rest as they happen (core.runs.race); the Autograd Lab, whose loop must match the
code it shows, counts its worst case, `max_eval` per step. `python bench/budget.py` times the
largest request each page allows against the CPU-seconds target.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass

from core.text.refusal import Phrase, Refusal

# Optimizer-steps per request: at most about 5 CPU-s on a slow 2-core machine. A host with faster
# cores may raise it (README, "Hosting a whole school").
WORK_BUDGET = int(os.environ.get("PLAYGROUND_WORK_BUDGET", "4000"))
ROWS_PER_STEP = 4_000  # rows of one tensor that cost about one update's fixed overhead
SIZE_HINTS = ("race", "basins", "sweep", "momentum")  # what a page can make smaller


@dataclass(frozen=True, slots=True)
class Loop:
    """One optimizer loop of a request: `steps` updates of `rows` runs moving together, each
    update evaluating f `evaluations` times."""

    steps: int
    rows: int = 1
    evaluations: int = 1

    @property
    def per_step(self) -> float:
        """Optimizer-steps one update of this loop costs."""
        return self.evaluations * (1 + (max(self.rows, 1) - 1) / ROWS_PER_STEP)

    @property
    def work(self) -> float:
        return self.steps * self.per_step


class BudgetError(Refusal):
    """A request over the work budget: its message says the work asked for, the limit, the
    largest step count that fits and what else the page can make smaller (one of SIZE_HINTS).
    `setup` is work already spent for the same request (a typed formula's minimum estimate)."""

    def __init__(
        self, work: float, steps_that_fit: int, budget: float, smaller: str, setup: float = 0.0
    ) -> None:
        self.work = work
        self.steps_that_fit = steps_that_fit
        spent = Phrase("budget_setup", {"setup": f"{math.ceil(setup):,}"}) if setup else ""
        super().__init__(
            "budget_exceeded",
            work=f"{math.ceil(work):,}",
            setup=spent,
            budget=f"{budget:,.0f}",
            fit=f"{steps_that_fit:,}",
            smaller=Phrase(f"budget_smaller_{smaller}"),
        )


def work_of(loops: Iterable[Loop]) -> float:
    """The request's work in optimizer-steps."""
    return sum(loop.work for loop in loops)


def steps_that_fit(loops: Iterable[Loop], budget: float | None = None) -> int:
    """The most steps per loop that keep the same request within `budget` (the work budget by
    default; 0 if not even one step fits)."""
    budget = WORK_BUDGET if budget is None else budget
    per_step = sum(loop.per_step for loop in loops)
    return int(budget // per_step) if per_step > 0 else 0


def require_within_budget(
    loops: Iterable[Loop],
    smaller: str,
    budget: float | None = None,
    setup: float = 0.0,
) -> None:
    """Raise BudgetError unless the loops' work, and `setup` work already spent for the same
    request (a typed formula's minimum estimate), fit `budget` (the work budget by default).

    `smaller` names what else the page can reduce (one of SIZE_HINTS); the message gives the
    largest step count that fits, and that alternative.
    """
    budget = WORK_BUDGET if budget is None else budget
    loops = list(loops)
    work = work_of(loops) + setup
    if work > budget:
        raise BudgetError(work, steps_that_fit(loops, budget - setup), budget, smaller, setup)
