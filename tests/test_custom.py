"""Custom formulas as objectives: compiled safely, minimum estimated, gaps where undefined."""

import numpy as np
import pytest
import torch

from core.figures.raster import banded_rgba
from core.formulas.custom import BoxError, check_box, custom_objective
from core.formulas.expressions import FormulaError
from core.optim.optimizers import OPTIMIZERS
from core.problems.landscape import evaluate
from core.problems.objectives import OBJECTIVES
from core.runs.engine import run

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
BOX = ((-5.0, 5.0), (-5.0, 5.0))


def test_estimated_minimum_is_a_true_minimum_of_a_known_function():
    objective = custom_objective(HIMMELBLAU, BOX)
    assert objective.f_min == pytest.approx(0.0, abs=1e-8)
    (point,) = objective.minima
    true_minima = OBJECTIVES["himmelblau"].minima
    assert min(np.hypot(point[0] - mx, point[1] - my) for mx, my in true_minima) < 1e-4


def test_formula_values_equal_the_registry_function():
    objective = custom_objective(HIMMELBLAU, BOX)
    points = torch.rand(50, 2, dtype=torch.float64) * 10 - 5
    torch.testing.assert_close(objective.fn(points), OBJECTIVES["himmelblau"].fn(points))


def test_unbounded_function_reports_the_lowest_point_of_the_box():
    objective = custom_objective("x + y", ((-1.0, 1.0), (-2.0, 2.0)))
    assert objective.minima == ((-1.0, -2.0),) and objective.f_min == -3.0


def test_undefined_regions_are_gaps_and_paths_into_them_diverge():
    objective = custom_objective("log(x) + y^2", ((-1.0, 1.0), (-1.0, 1.0)))
    landscape = evaluate(objective)
    left = landscape.xs < 0
    assert np.isnan(landscape.z[:, left]).all() and np.isfinite(landscape.z[:, ~left]).all()
    rgba = banded_rgba(landscape.colour)
    assert (rgba[:, left, 3] == 0).all() and (rgba[:, ~left, 3] == 255).all()
    result = run(objective, "sgd", (0.5, 0.5), 100, lr=1.0)
    assert result.stop.reason == "diverged"
    assert result.stop.message("SGD").startswith("SGD diverged at step")


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_default_learning_rates_move_a_path(optimizer):
    objective = custom_objective("sin(x) * cos(y) + 0.1 * (x^2 + y^2)", ((-4.0, 4.0), (-4.0, 4.0)))
    lr = objective.lr_gradient if optimizer == "sgd" else objective.lr_step
    frame = run(objective, optimizer, (1.0, 1.0), 50, lr=lr).frame
    moved = np.hypot(frame["x"].iloc[-1] - 1.0, frame["y"].iloc[-1] - 1.0)
    assert moved > 0.1


@pytest.mark.parametrize(
    ("box", "match"),
    [
        (((1.0, -1.0), (0.0, 1.0)), "x range is empty"),
        (((0.0, 1.0), (2.0, 2.0)), "y range is empty"),
        (((0.0, float("nan")), (0.0, 1.0)), "finite"),
        (((0.0, 1e9), (0.0, 1.0)), "finite"),
        ((("a", 1.0), (0.0, 1.0)), "four numbers"),
    ],
)
def test_bad_boxes_are_refused(box, match):
    with pytest.raises(ValueError, match=match):
        check_box(box)


def test_bad_formulas_raise_formula_errors():
    with pytest.raises(FormulaError):
        custom_objective("__import__('os')", BOX)


@pytest.mark.parametrize("half", [5001.0, 1e5, 1e6])
def test_a_wide_box_estimates_its_minimum_with_rates_in_range(half):
    # A box of ±5001 was refused: the estimate's Adam rate, 1% of the span, came out as 100.02.
    objective = custom_objective("(x/1000 - 1)^2 + (y/1000)^2", ((-half, half), (-half, half)))
    assert objective.f_min == pytest.approx(0.0, abs=1e-6)
    assert objective.minima[0] == pytest.approx((1000.0, 0.0), abs=1.0)
    for spec in OPTIMIZERS.values():
        spec.validate(**spec.defaults_for(objective))  # every default rate is a valid rate


DEFAULT_FORMULA = "sin(x) * cos(y) + 0.1 * (x^2 + y^2)"


@pytest.mark.parametrize(
    "formula",
    [DEFAULT_FORMULA, "x^2 + 3*y^2", HIMMELBLAU, "log(x) + y^2", "(x - 3)^2 + (y + 1)^2"],
)
def test_the_default_start_is_far_from_the_estimated_minimum(formula):
    box = ((-4.0, 4.0), (-4.0, 4.0))
    objective = custom_objective(formula, box)
    (mx, my), (sx, sy) = objective.minima[0], objective.start
    assert np.hypot(sx - mx, sy - my) > 3.0  # of a box 8 wide: a race worth watching
    assert -4.0 < sx < 4.0 and -4.0 < sy < 4.0
    point = torch.tensor(objective.start, dtype=torch.float64, requires_grad=True)
    value = objective.fn(point)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(point.grad).all()  # log(x): not at x <= 0


def test_a_symmetric_bowl_starts_in_the_upper_left_corner_region():
    assert custom_objective("x^2 + 3*y^2", ((-4.0, 4.0), (-4.0, 4.0))).start == (-2.4, 2.4)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_the_default_custom_race_moves_towards_the_minimum(optimizer):
    objective = custom_objective(DEFAULT_FORMULA, ((-4.0, 4.0), (-4.0, 4.0)))
    lr = OPTIMIZERS[optimizer].defaults_for(objective)["lr"]
    frame = run(objective, optimizer, objective.start, 300, lr=lr).frame
    moved = np.hypot(
        frame["x"].iloc[-1] - objective.start[0], frame["y"].iloc[-1] - objective.start[1]
    )
    assert moved > 1.0
    assert frame["loss"].iloc[-1] < frame["loss"].iloc[0] - 0.5


def test_a_bad_box_says_so_in_chinese_too():
    with pytest.raises(BoxError) as info:
        check_box(((2.0, 2.0), (0.0, 1.0)))
    assert str(info.value) == "The x range is empty: 'from' (2) must be below 'to' (2)."
    assert info.value.message("zh") == "x 的范围是空的：最小值（2）必须小于最大值（2）。"
