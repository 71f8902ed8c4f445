"""The fair race: each optimizer races at its own best learning rate for the same steps.

A race at everyone's default rate favours whoever's default happens to suit the function. Here
every entry that can be swept (core.batched.sweeps: its rates as the rows of one tensor, each an
exact torch.optim run) first runs FAIR_RATES learning rates from the race's start for the race's
steps; it then races at the best of them. Beside it stands its good-rate band: how far the rate
may move before the outcome gets much worse, which says how sensitive the optimizer is.

- The best rate reaches a minimum first (the Summary's "settled": it stays within the arrival
  radius from that step on); if no rate reaches one, it ends lowest. A rate that diverged or left
  the plotted region is never chosen.
- A rate is good when its run also reaches a minimum, or ends both within GOOD_GAP_FACTOR times
  the best rate's gap to f's minimum (where that is not known, to the lowest value f takes on
  its plotted grid) and at least halfway, on a log scale, from the start's gap to the best's.
  The first is two decades of loss, about ten times the distance near a minimum (where f grows
  as its square): one decade made a lucky landing (Adam on Rosenbrock at 1.33, its neighbours 40
  times further up in f) look like a band of one rate. The second keeps an optimizer that does
  badly at every rate from calling rates good that hardly move. The band is the run of good
  rates around the best one on the grid.
- The sweep runs without the race's gradient noise and box projection: the table says so when
  the race has either.
- An entry that cannot be swept (a closure, a coupled update, a pytorch-optimizer class, or a
  schedule, which the sweep does not follow) keeps its own rate, and the table says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from core.batched.outcomes import Finish
from core.batched.sweeps import not_sweepable_reason, run_groups
from core.optim.optimizers import OPTIMIZERS
from core.problems.landscape import evaluate
from core.problems.objectives import Objective, Point
from core.runs.budget import Loop
from core.runs.progress import ProgressFn
from core.runs.race import RaceEntry
from core.text.i18n import text

RATES_PER_DECADE = 8
LOWEST_GRID = 81  # points a side of the grid that finds f's lowest value when f_min is unknown
GOOD_GAP_FACTOR = 100.0


def fair_rates() -> np.ndarray:
    """The grid every entry is tuned on: the registry's learning-rate range, log-spaced."""
    lr = OPTIMIZERS["sgd"].param("lr")
    decades = math.log10(lr.high / lr.low)
    return np.logspace(
        math.log10(lr.low), math.log10(lr.high), round(decades) * RATES_PER_DECADE + 1
    )


FAIR_RATES = fair_rates()


@dataclass(frozen=True, slots=True)
class TunedRate:
    """What tuning found for one entry. `rate` is the rate it races at: the best of the grid, or
    its own when `reason` says why it was not tuned. `low`..`high` is its good-rate band (None
    when not tuned); `open_low` / `open_high`: the band reaches the grid's end."""

    entry: RaceEntry
    rate: float
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    reason: str | None = None  # a string key (fair_kept_*)

    @property
    def tuned(self) -> bool:
        return self.reason is None

    @property
    def width(self) -> float | None:
        """How many times larger the band's highest rate is than its lowest (1: one rate)."""
        return None if self.low is None or self.high is None else self.high / self.low


@dataclass(frozen=True, slots=True)
class Tuning:
    """A fair race's tuning: one TunedRate per race entry, in order, for `steps` steps."""

    rates: tuple[TunedRate, ...]
    steps: int

    @property
    def entries(self) -> tuple[RaceEntry, ...]:
        """The race's entries at the rates they race at."""
        return tuple(_at_rate(t.entry, t.rate) if t.tuned else t.entry for t in self.rates)


# Why an entry keeps its own rate, by the reason core.batched.sweeps gives for not sweeping it:
# the short words of a table cell.
_KEPT = {
    "bv_not_sweepable": "fair_kept_closure",
    "bv_not_sweepable_coupled": "fair_kept_coupled",
    "bv_not_sweepable_zoo": "fair_kept_zoo",
}


def untuned_reason(entry: RaceEntry) -> str | None:
    """The string key saying why an entry keeps its own rate in a fair race; None: it is tuned."""
    if entry.schedule is not None:
        return "fair_kept_schedule"
    reason = not_sweepable_reason(OPTIMIZERS[entry.optimizer])
    return None if reason is None else _KEPT[reason.key]


def tuning_loops(entries: Sequence[RaceEntry], steps: int) -> list[Loop]:
    """What tuning asks of the work budget: one sweep of FAIR_RATES rows per tuned entry."""
    return [Loop(steps, rows=len(FAIR_RATES)) for e in entries if untuned_reason(e) is None]


def tune(
    objective: Objective,
    entries: Sequence[RaceEntry],
    start: Point,
    steps: int,
    *,
    on_progress: ProgressFn | None = None,
) -> Tuning:
    """Sweep FAIR_RATES for each entry that can be swept, from `start` for `steps` steps (on the
    CPU, in float32, without gradient noise: the sweep's own exact runs); pick its best rate and
    its good-rate band. The caller checks the work budget (tuning_loops) with the race's."""
    tuned = [e for e in entries if untuned_reason(e) is None]
    # What every entry's gaps are measured from: f's minimum, or where it is not known the
    # lowest value f takes on its plotted grid (evaluated once for all entries), and f(start).
    known = objective.f_min
    floor = known if known is not None or not tuned else _lowest_plotted(objective)
    at_start = float(objective.fn(torch.tensor(start, dtype=torch.float64)))
    results: list[TunedRate] = []
    done = 0
    for entry in entries:
        reason = untuned_reason(entry)
        if reason is not None:
            results.append(TunedRate(entry, _rate_of(entry, objective), reason=reason))
            continue

        def report(fraction: float, done: int = done) -> None:
            if on_progress is not None:
                on_progress((done + fraction) / len(tuned))

        shared = {k: v for k, v in entry.hyper if k != "lr"}
        groups = [{"lr": float(r)} for r in FAIR_RATES]
        finish = run_groups(
            objective, entry.optimizer, start, steps, groups, on_progress=report, **shared
        )
        results.append(_choose(entry, finish, objective, floor, at_start))
        done += 1
    return Tuning(tuple(results), steps)


def _choose(
    entry: RaceEntry, finish: Finish, objective: Objective, floor: float, at_start: float
) -> TunedRate:
    """The best rate of one sweep and the band of good rates around it; gaps are measured from
    `floor` (no lower than any run of the sweep got), f(start) is `at_start`."""
    finished = ~finish.diverged
    if not finished.any():
        return TunedRate(entry, _rate_of(entry, objective), reason="fair_kept_no_rate")
    arrived = finished & (finish.settled >= 0)
    loss = np.where(finished, finish.final_loss, np.inf)
    if arrived.any():  # first to stay at a minimum; equal steps: the lower loss
        settled = np.where(arrived, finish.settled, np.iinfo(np.int64).max)
        best = int(np.lexsort((loss, settled))[0])
    else:
        best = int(np.argmin(loss))
    if objective.f_min is None:
        floor = min(floor, float(loss.min()))
    gap, best_gap = loss - floor, max(float(loss[best]) - floor, 0.0)
    start_gap = max(at_start - floor, 0.0)
    near_enough = gap <= min(GOOD_GAP_FACTOR * best_gap, math.sqrt(start_gap * best_gap))
    good = arrived | (finished & near_enough)
    low = high = best
    while low > 0 and good[low - 1]:
        low -= 1
    while high < len(good) - 1 and good[high + 1]:
        high += 1
    return TunedRate(
        entry,
        float(FAIR_RATES[best]),
        low=float(FAIR_RATES[low]),
        high=float(FAIR_RATES[high]),
        open_low=low == 0,
        open_high=high == len(good) - 1,
    )


def _lowest_plotted(objective: Objective) -> float:
    """Where f's minimum is not known (the saddle; a typed formula without one), the lowest value
    f takes on its plotted grid (inf if none is finite): a gap measured from the best run's own
    loss would be 0, and its band a single rate."""
    grid = evaluate(objective, resolution=LOWEST_GRID).z
    return float(np.nanmin(grid)) if np.isfinite(grid).any() else math.inf


def _rate_of(entry: RaceEntry, objective: Objective) -> float:
    """The entry's own rate: its setting, else the registry's default on this function."""
    default = OPTIMIZERS[entry.optimizer].defaults_for(objective)["lr"]
    return float(dict(entry.hyper).get("lr", default))


def _at_rate(entry: RaceEntry, rate: float) -> RaceEntry:
    hyper = (*((k, v) for k, v in entry.hyper if k != "lr"), ("lr", rate))
    return replace(entry, hyper=hyper)


def tuning_table(tuning: Tuning, labels: Sequence[str], lang: str) -> pd.DataFrame:
    """The fair race's table in `lang`: per path, the rate it raced at and its good-rate band,
    or why it kept its own rate."""
    rows = []
    for label, tuned in zip(labels, tuning.rates, strict=True):
        if tuned.tuned:
            low = ("≤ " if tuned.open_low else "") + f"{tuned.low:.2g}"
            high = ("≥ " if tuned.open_high else "") + f"{tuned.high:.2g}"
            band = (
                text("fair_band", lang, low=low, high=high, width=f"{tuned.width:.3g}")
                if tuned.width > 1
                else text("fair_band_one", lang, rate=high)
            )
            note = ""
        else:
            band, note = "", text(tuned.reason, lang)
        rows.append({"path": label, "rate": f"{tuned.rate:.3g}", "band": band, "note": note})
    columns = {key: text(f"fair_col_{key}", lang) for key in ("path", "rate", "band", "note")}
    return pd.DataFrame(rows, columns=list(columns)).rename(columns=columns)
