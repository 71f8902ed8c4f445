"""The work budget: one unit for every request that computes, refused in the page's language
with what fits, and L-BFGS charged for the evaluations its line searches make."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.batched.basins import basin_map
from core.batched.outcomes import MAX_GRID, MAX_MAP_SIDE, MAX_RATES
from core.batched.sweeps import log_rates, lr_sweep, momentum_map
from core.optim.optimizers import OPTIMIZERS
from core.runs import budget
from core.runs.budget import BudgetError, Loop, require_within_budget, steps_that_fit, work_of
from core.runs.engine import MAX_STEPS
from core.runs.race import RaceEntry, race_loops, run_race
from core.text.i18n import text

APP = str(Path(__file__).parent.parent / "app.py")
EVERY_OPTIMIZER = [RaceEntry.of(optimizer_id) for optimizer_id in OPTIMIZERS]


def test_work_counts_steps_rows_and_evaluations():
    assert Loop(300).work == 300
    assert Loop(100, evaluations=25).work == 2_500
    # A tensor of ROWS_PER_STEP + 1 rows costs two single runs per update.
    assert Loop(10, rows=budget.ROWS_PER_STEP + 1).work == pytest.approx(20)
    assert work_of([Loop(300)] * 4) == 1_200
    loops = [Loop(1, rows=3_600)] * 2
    fit = steps_that_fit(loops)
    assert work_of([Loop(fit, rows=3_600)] * 2) <= budget.WORK_BUDGET
    assert work_of([Loop(fit + 1, rows=3_600)] * 2) > budget.WORK_BUDGET


# The most expensive request each computing function can be asked for: every cap at its maximum.
LARGEST = {
    "race": lambda: run_race("rosenbrock", EVERY_OPTIMIZER, (-1.2, 1.0), MAX_STEPS),
    "basins": lambda: basin_map("himmelblau", "sgd", steps=MAX_STEPS, resolution=MAX_GRID),
    "sweep": lambda: lr_sweep(
        "quadratic",
        ["sgd", "momentum", "adam"],
        (-1.5, 1.0),
        MAX_STEPS,
        log_rates(1e-4, 1.0, MAX_RATES),
    ),
    "momentum": lambda: momentum_map(
        "quadratic",
        (-1.5, 1.0),
        MAX_STEPS,
        np.geomspace(1e-3, 1e-2, MAX_MAP_SIDE),
        np.linspace(0.0, 0.95, MAX_MAP_SIDE),
    ),
}
WORDS = {
    "en": ("Too much work for one request", "Use at most"),
    "zh": ("一次请求的计算量过大", "请把步数减到"),
}


@pytest.mark.parametrize("page", list(LARGEST))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_largest_request_of_each_page_is_refused_before_it_runs(page, lang):
    with pytest.raises(BudgetError) as refused:
        LARGEST[page]()
    message = refused.value.message(lang)
    assert all(word in message for word in WORDS[lang]), message
    # What else the page can make smaller, said in the same language as the sentence around it.
    assert text(f"budget_smaller_{page}", lang) in message
    assert f"{refused.value.steps_that_fit:,}" in message
    assert 0 < refused.value.steps_that_fit < MAX_STEPS
    assert refused.value.work > budget.WORK_BUDGET


def test_a_race_at_the_budget_runs_and_one_step_more_is_refused():
    entries = EVERY_OPTIMIZER[:2]
    fit = steps_that_fit(race_loops(entries, (0.0, 0.0), 1))
    require_within_budget(race_loops(entries, (0.0, 0.0), fit), "race")
    with pytest.raises(BudgetError):
        require_within_budget(race_loops(entries, (0.0, 0.0), fit + 1), "race")


def test_lbfgs_pays_for_its_line_searches_and_stops_when_they_use_up_the_budget(monkeypatch):
    monkeypatch.setattr(budget, "WORK_BUDGET", 600)
    # 500 steps fit up front (one evaluation each); Rastrigin's line searches need more.
    (lbfgs,) = run_race("rastrigin", [RaceEntry.of("lbfgs", lr=0.5)], (3.1, -2.2), 500)
    assert lbfgs.stop.reason == "budget" and lbfgs.stop.value == 600
    assert len(lbfgs.frame) == lbfgs.stop.step < 500
    assert "stopped at step" in lbfgs.stop.message("L-BFGS")


def test_lbfgs_within_its_share_completes(monkeypatch):
    (lbfgs,) = run_race("quadratic", [RaceEntry.of("lbfgs")], (-1.5, 1.0), 50)
    assert lbfgs.stop.reason == "completed"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_playground_refuses_the_largest_link_and_keeps_its_settings(lang):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": lang, "opts": ",".join(OPTIMIZERS), "steps": str(MAX_STEPS)})
    at.run()
    assert not at.exception
    assert WORDS[lang][0] in at.error[0].value
    assert len(at.multiselect(key="opts").value) == len(OPTIMIZERS)  # nothing was reset
    assert at.number_input(key="steps").value == MAX_STEPS
    at.number_input(key="steps").set_value(20).run()  # fewer steps: within the budget
    assert not at.error and not at.exception


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_batched_views_refuse_the_largest_basin_map(lang):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": lang, "bv_grid": str(MAX_GRID), "bv_steps": str(MAX_STEPS)})
    at.switch_page("app_pages/basins.py").run()
    assert not at.exception
    assert any(WORDS[lang][0] in error.value for error in at.error)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "up to 25 times a step. One request's work budget is 4,000 optimizer-steps"),
        ("zh", "每一步最多要计算 25 次 f。单次请求的计算预算是 4,000 个优化器步"),
        ("en", "each runs 80 of the 500 steps"),
        ("zh", "每个循环只运行了 80 步（设定为 500 步）"),
    ],
)
def test_the_labs_lbfgs_loop_is_shortened_to_its_worst_case_within_the_budget(lang, words):
    """L-BFGS may evaluate f max_eval = 25 times a step, and the section runs its loop twice (over
    x, and over a model's parameters): 2 x 80 steps fit 4,000 optimizer-steps. The loops run
    them, the code shown runs exactly them, and a note says so."""
    from core.tutorials import autograd_lab

    assert budget.WORK_BUDGET == 4_000
    result = autograd_lab.optimizer_loop(optimizer="lbfgs", steps=500, lang=lang)
    assert len(result.path) == len(result.model_path) == 81
    assert all("for i in range(80):" in cell.code for cell in result.cells[:2])
    assert any(words in note for note in result.notes), result.notes
    sgd = autograd_lab.optimizer_loop(optimizer="sgd", steps=500, lang=lang)
    assert len(sgd.path) == 501 and not sgd.notes


LAB_TRIMMED = {
    "en": "runs {steps:,} of the {asked:,} steps asked for",
    "zh": "只运行了 {steps:,} 步（设定为 {asked:,} 步）",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rprop"])
def test_any_labs_loop_runs_at_most_the_budget_with_a_note(lang, optimizer):
    """At the Lab's step cap the section's two loops would be 20,000 optimizer-steps: each runs
    those that fit in its half of the budget."""
    from core.tutorials import autograd_lab

    asked, fit = autograd_lab.MAX_STEPS, budget.WORK_BUDGET // 2
    result = autograd_lab.optimizer_loop(optimizer=optimizer, steps=asked, lang=lang)
    assert len(result.path) == len(result.model_path) == fit + 1
    assert all(f"for i in range({fit}):" in cell.code for cell in result.cells[:2])
    words = LAB_TRIMMED[lang].format(steps=fit, asked=asked)
    assert any(words in note for note in result.notes), result.notes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_zero_grad_comparison_shares_the_budget_between_its_two_loops(lang):
    from core.tutorials import autograd_lab

    half = budget.WORK_BUDGET // 2
    result = autograd_lab.accumulation(steps=3 * half // 2, lang=lang)
    assert len(result.with_zero) == len(result.without_zero) == half + 1
    assert sum(f"range({half})" in cell.code for cell in result.cells) == 2
    words = LAB_TRIMMED[lang].format(steps=half, asked=3 * half // 2)
    assert any(words in note for note in result.notes), result.notes
    full = autograd_lab.accumulation(steps=half, lang=lang)
    assert len(full.with_zero) == half + 1 and not any(f"{half:,}" in n for n in full.notes)


TYPED_REFUSAL = {
    "en": "(4,001 optimizer-steps, 320 of them to estimate the typed formula's minimum; the limit "
    "is 4,000). Use at most 3,680 steps",
    "zh": "（需要 4,001 个优化器步，其中 320 个用于估计所输入公式的最小值，上限为 4,000）。"
    "请把步数减到 3,680 以内",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_race_on_a_typed_formula_pays_for_its_minimum_estimate(lang):
    """16 x 16 starts x 300 Adam steps estimate the minimum, one tensor of 256 rows: 319
    optimizer-steps of the same request, so one optimizer may race 3,680 steps on a typed
    formula (4,000 on a built-in function), and the refusal says where the rest went."""
    from core.formulas.custom import ESTIMATE_GRID, ESTIMATE_STEPS, custom_objective

    assert (ESTIMATE_GRID, ESTIMATE_STEPS) == (16, 300)
    formula = custom_objective("x^2 + y^2", ((-4.0, 4.0), (-4.0, 4.0)))
    assert formula.setup_work == pytest.approx(300 * (1 + 255 / budget.ROWS_PER_STEP))
    adam = [RaceEntry.of("adam")]
    assert len(run_race(formula, adam, (1.0, 1.0), 3_680)[0].frame) == 3_681
    with pytest.raises(BudgetError) as refused:
        run_race(formula, adam, (1.0, 1.0), 3_681)
    assert TYPED_REFUSAL[lang] in refused.value.message(lang)
    assert len(run_race("quadratic", adam, (1.0, 1.0), 4_000)[0].frame) == 4_001
