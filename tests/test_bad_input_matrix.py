"""Every objective x every optimizer x extreme learning rates x {1 step, the cap}: a clear stop
or a clear refusal, never an exception from inside torch."""

import math

import numpy as np
import pytest

from core.batched.basins import run_starts
from core.formulas.custom import custom_objective
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.runs.engine import MAX_STEPS, run
from core.runs.race import RaceEntry, run_race

RATES = (1e-6, 1e-2, 1.0, 10.0, 1e3)
# The default suite runs every objective x optimizer x rate for a few steps, where most
# divergences and NaNs show up, and the whole matrix at the step cap under `-m heavy`.
SHORT_STEPS = 3


def _allowed(lr: float) -> list[str]:
    return [
        i for i, spec in OPTIMIZERS.items() if spec.param("lr").low <= lr <= spec.param("lr").high
    ]


def _assert_extreme_rates_end_in_a_reported_stop(objective_id: str, steps: int) -> None:
    objective = OBJECTIVES[objective_id]
    for lr in RATES:
        allowed = _allowed(lr)
        runs = run_race(
            objective, [RaceEntry.of(i, lr=lr) for i in allowed], objective.start, steps
        )
        for optimizer_id, result in zip(allowed, runs, strict=True):
            stop = result.stop
            assert stop.reason in {"completed", "diverged", "escaped"}
            if stop.reason == "completed":
                assert stop.step == steps + 1 and len(result.frame) == steps + 1
            else:
                assert stop.step == len(result.frame) <= steps + 1
                assert stop.message(optimizer_id).startswith(optimizer_id)
            assert np.isfinite(result.frame[["x", "y", "loss"]].to_numpy()).all()


@pytest.mark.parametrize("objective_id", list(OBJECTIVES))
def test_extreme_rates_end_in_a_reported_stop(objective_id):
    _assert_extreme_rates_end_in_a_reported_stop(objective_id, SHORT_STEPS)


@pytest.mark.heavy
@pytest.mark.parametrize("objective_id", list(OBJECTIVES))
def test_extreme_rates_at_the_step_cap_end_in_a_reported_stop(objective_id):
    _assert_extreme_rates_end_in_a_reported_stop(objective_id, MAX_STEPS)


@pytest.mark.parametrize("optimizer_id", list(OPTIMIZERS))
def test_a_rate_outside_the_registry_range_is_refused_before_torch_runs(optimizer_id):
    lr = OPTIMIZERS[optimizer_id].param("lr")
    for rate in (lr.low / 10, lr.high * 10):
        with pytest.raises(ValueError, match="The learning rate must be from"):
            run("rosenbrock", optimizer_id, (0.0, 0.0), 1, lr=rate)


def test_a_start_far_outside_the_box_stops_at_once_with_a_message():
    result = run("rosenbrock", "adam", (1e6, -1e6), 100)
    assert result.stop.reason == "escaped" and result.stop.step == 0 and result.frame.empty
    assert result.stop.message("Adam") == (
        "Adam left the plotted region at step 0: the point is far outside the plot box"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: run("rosenbrock", "adam", (0.0, 0.0), -1), "Steps must be a whole number"),
        (lambda: run("rosenbrock", "adam", (0.0, 0.0), MAX_STEPS + 1), "from 0 to 5,000"),
        (lambda: run("rosenbrock", "adam", (math.nan, 0.0), 10), "The start must be finite"),
        (lambda: run_starts("himmelblau", "sgd", [[0.0, 0.0]], 0), "Steps must be from 1"),
        (lambda: custom_objective("x^2 + y^2", ((5.0, -5.0), (-1.0, 1.0))), "x range is empty"),
        (lambda: custom_objective("x^2 + y^2", ((-1.0, 1.0), (2.0, 2.0))), "y range is empty"),
    ],
)
def test_zero_or_out_of_range_steps_bad_starts_and_empty_boxes_are_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_zero_updates_record_the_start_alone():
    result = run("rosenbrock", "adam", (0.0, 0.0), 0)
    assert result.stop.reason == "completed" and len(result.frame) == 1
