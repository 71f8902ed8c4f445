"""The fair race (core.batched.fair): the tuned rates follow the stated rule on independent runs,
the race at them is an ordinary race, what cannot be tuned says why, and the budget counts it."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from core.batched.fair import (
    FAIR_RATES,
    GOOD_GAP_FACTOR,
    RATES_PER_DECADE,
    TunedRate,
    Tuning,
    tune,
    tuning_loops,
    tuning_table,
)
from core.batched.outcomes import Finish
from core.batched.sweeps import run_groups
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import Schedule
from core.playground.link_race import link_race_key, race_runs, tuned_race_key
from core.problems.objectives import OBJECTIVES
from core.runs.budget import WORK_BUDGET, BudgetError, work_of
from core.runs.race import RaceEntry, require_race_within_budget, run_race
from core.text.i18n import text

APP = str(Path(__file__).parent.parent / "app.py")  # opens on the Playground


def test_the_grid_is_the_registrys_rate_range_eight_rates_a_decade():
    lr = OPTIMIZERS["sgd"].param("lr")
    assert FAIR_RATES[0] == pytest.approx(lr.low) and FAIR_RATES[-1] == pytest.approx(lr.high)
    steps = np.diff(np.log10(FAIR_RATES))
    np.testing.assert_allclose(steps, 1 / RATES_PER_DECADE)


def expected_choice(finish: Finish, f_min: float, start_loss: float) -> tuple[int, int, int]:
    """The rule as the module states it, written plainly: (best, lowest good, highest good)."""
    finished = [i for i in range(len(FAIR_RATES)) if finish.last[i] == finish.steps]
    arrived = [i for i in finished if finish.settled[i] >= 0]
    loss = finish.final_loss
    if arrived:
        best = min(arrived, key=lambda i: (finish.settled[i], loss[i]))
    else:
        best = min(finished, key=lambda i: loss[i])
    best_gap, start_gap = loss[best] - f_min, start_loss - f_min
    limit = min(GOOD_GAP_FACTOR * best_gap, math.sqrt(start_gap * best_gap))

    def good(i: int) -> bool:
        return i in arrived or (i in finished and loss[i] - f_min <= limit)

    low = high = best
    while low > 0 and good(low - 1):
        low -= 1
    while high + 1 < len(FAIR_RATES) and good(high + 1):
        high += 1
    return best, low, high


@pytest.mark.parametrize(
    ("function", "optimizer", "steps"),
    [("quadratic", "sgd", 150), ("rosenbrock", "adam", 300), ("himmelblau", "rmsprop", 100)],
)
def test_the_tuned_rate_and_band_follow_the_rule_on_independent_runs(function, optimizer, steps):
    """The reference runs are param groups: each group is bitwise its own torch.optim run."""
    objective = OBJECTIVES[function]
    groups = [{"lr": float(r)} for r in FAIR_RATES]
    finish = run_groups(objective, optimizer, objective.start, steps, groups, method="param_groups")
    start_loss = float(objective.fn(torch.tensor(objective.start, dtype=torch.float64)))
    best, low, high = expected_choice(finish, objective.f_min, start_loss)
    (tuned,) = tune(objective, [RaceEntry.of(optimizer)], objective.start, steps).rates
    assert tuned.tuned
    assert (tuned.rate, tuned.low, tuned.high) == (
        FAIR_RATES[best],
        FAIR_RATES[low],
        FAIR_RATES[high],
    )
    assert tuned.width == pytest.approx(FAIR_RATES[high] / FAIR_RATES[low])
    assert finish.last[best] == steps  # the chosen rate finished


def test_sgds_band_on_the_ravine_ends_below_its_stability_limit():
    """On the quadratic with curvatures 1 and 100, SGD converges only for lr < 2/100: the band's
    top is the last grid rate under it, and Adam's band is wider than SGD's."""
    objective = OBJECTIVES["quadratic"]
    entries = [RaceEntry.of("sgd"), RaceEntry.of("adam")]
    sgd, adam = tune(objective, entries, objective.start, 150).rates
    assert sgd.high < 0.02 < FAIR_RATES[np.searchsorted(FAIR_RATES, sgd.high, side="right")]
    assert adam.width > 3 * sgd.width


def test_a_fair_race_is_the_plain_race_at_the_tuned_rates():
    params = {"fn": "rosenbrock", "fair": "true", "steps": "120"}
    key = link_race_key(params)
    assert key.fair
    tuning = tune(OBJECTIVES["rosenbrock"], key.settings, key.start, key.steps)
    fair = race_runs(key)
    plain = run_race(
        "rosenbrock",
        [RaceEntry.of(t.entry.optimizer, lr=t.rate) for t in tuning.rates],
        key.start,
        key.steps,
    )
    for got, expected, tuned in zip(fair, plain, tuning.rates, strict=True):
        np.testing.assert_array_equal(
            got.frame[["x", "y", "loss"]], expected.frame[["x", "y", "loss"]]
        )
        assert float(got.frame["lr"].iloc[0]) == pytest.approx(tuned.rate)
    tuned = tuned_race_key(key, tuning)
    assert not tuned.fair and tuned.loops_before == key.loops_before


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (RaceEntry.of("lbfgs"), "fair_kept_closure"),
        (RaceEntry.of("muon"), "fair_kept_coupled"),
        (RaceEntry.of("lion"), "fair_kept_zoo"),
        (RaceEntry.of("sgd", Schedule("step", 0.5, 50)), "fair_kept_schedule"),
    ],
)
def test_what_cannot_be_tuned_keeps_its_own_rate_and_says_why(entry, reason):
    objective = OBJECTIVES["himmelblau"]
    own = OPTIMIZERS[entry.optimizer].defaults_for(objective)["lr"]
    tuning = tune(objective, [entry, RaceEntry.of("adam")], objective.start, 30)
    kept, adam = tuning.rates
    assert (kept.tuned, kept.reason, kept.rate, kept.width) == (False, reason, own, None)
    assert tuning.entries[0] == entry and adam.tuned
    assert tuning_loops([entry], 30) == []  # nothing of the budget for what is not swept
    for lang in ("en", "zh"):
        table = tuning_table(tuning, ["kept", "Adam"], lang)
        assert table.iloc[0, -1] == text(reason, lang) and table.iloc[1, -1] == ""


def test_no_rate_that_finishes_keeps_the_entrys_rate():
    """Every rate of the grid diverged: nothing to choose from, so the entry keeps its own."""
    rows = len(FAIR_RATES)
    nothing = Finish(
        final=np.full((rows, 2), np.nan),
        final_loss=np.full(rows, np.nan),
        label=np.full(rows, -2),
        settled=np.full(rows, -1),
        last=np.zeros(rows, dtype=np.int64),
        steps=10,
        radius=0.1,
        seconds=0.0,
    )
    from core.batched import fair

    entry = RaceEntry.of("sgd", lr=0.05)
    chosen = fair._choose(entry, nothing, OBJECTIVES["himmelblau"], 0.0, 170.0)
    assert chosen == TunedRate(entry, 0.05, reason="fair_kept_no_rate")
    assert Tuning((chosen,), 10).entries == (entry,)


def test_the_budget_counts_the_tuning_with_the_race():
    """700 steps of four optimizers fit as a plain race (2,800 optimizer-steps) but not with
    their tuning (four sweeps of 65 rates as well)."""
    objective = OBJECTIVES["rosenbrock"]
    key = link_race_key({"fn": "rosenbrock", "fair": "true", "steps": "700"})
    plain = require_race_within_budget(objective, key.settings, key.start, key.steps)
    assert plain == WORK_BUDGET - 4 * 700
    with pytest.raises(BudgetError) as refused:
        require_race_within_budget(objective, key.settings, key.start, key.steps, key.loops_before)
    assert refused.value.work == pytest.approx(4 * 700 + work_of(tuning_loops(key.settings, 700)))
    # The largest step count it names does fit, tuning included.
    fit = refused.value.steps_that_fit
    fitting = link_race_key({"fn": "rosenbrock", "fair": "true", "steps": str(fit)})
    require_race_within_budget(objective, key.settings, key.start, fit, fitting.loops_before)


def open_page(params: dict, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in (params | {"lang": lang}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_races_at_the_tuned_rates_and_shows_them(lang):
    params = {"fn": "quadratic", "opts": "sgd,momentum,adam,lbfgs", "fair": "true", "steps": "80"}
    at = open_page(params, lang)
    key = link_race_key(params)
    tuning = tune(OBJECTIVES["quadratic"], key.settings, key.start, key.steps)
    table = at.table[0].value
    assert list(table.columns) == [
        text(f"fair_col_{c}", lang) for c in ("path", "rate", "band", "note")
    ]
    assert list(table.iloc[:, 1]) == [f"{t.rate:.3g}" for t in tuning.rates]
    assert table.iloc[3, 3] == text("fair_kept_closure", lang)
    title = text("fair_title", lang, count=len(FAIR_RATES), steps=80)
    assert any(title in m.value for m in at.markdown)
    # The Code tab writes the rates the race ran at.
    at.session_state["playground_tab"] = text("tab_code", lang)
    at.run()
    (script,) = [c.value for c in at.code if "import torch" in c.value]
    for tuned in tuning.rates[:3]:
        assert f"lr={tuned.rate!r}" in script, tuned.rate


def test_the_page_refuses_a_fair_race_over_the_budget_in_both_languages():
    for lang in ("en", "zh"):
        at = open_page({"fn": "rosenbrock", "fair": "true", "steps": "700"}, lang)
        (error,) = at.error
        tuning = work_of(tuning_loops(link_race_key({"fair": "true"}).settings, 700))
        work = f"{math.ceil(4 * 700 + tuning):,}"
        assert work in error.value
        assert not at.dataframe  # nothing ran


def test_without_a_known_minimum_the_band_is_measured_from_fs_lowest_plotted_value():
    """The quadratic as a typed formula with no minimum known: the gap is taken to the lowest
    value f takes on its plotted grid (0, at the origin), so the bands are those of the known
    minimum's, not the best rate alone (a gap from the best run's own loss would be 0)."""
    known = OBJECTIVES["quadratic"]
    unknown = dataclasses.replace(known, f_min=None, minima=())
    entries = [RaceEntry.of("sgd"), RaceEntry.of("adam")]
    without = tune(unknown, entries, known.start, 100).rates
    assert all(t.tuned and t.width > 1 for t in without)
    # (The saddle has no minimum either; there the best rate is the largest that stays in the
    # box, and a band of one rate is the truth: one grid rate more and the point escapes.)
    saddle = OBJECTIVES["saddle"]
    (sgd,) = tune(saddle, [RaceEntry.of("sgd")], saddle.start, 100).rates
    assert sgd.width == 1 and sgd.open_high is False


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_table_says_what_the_race_has_that_the_tuning_did_not(lang):
    params = {"fn": "quadratic", "fair": "true", "steps": "40", "noise": "0.5", "project": "true"}
    at = open_page(params, lang)
    captions = [c.value for c in at.caption]
    assert text("fair_noise_note", lang) in captions and text("fair_project_note", lang) in captions
