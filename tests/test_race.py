"""One shared forward/backward per step for several optimizers: the same runs, bit for bit."""

import pytest
import torch

from core.formulas.custom import custom_objective
from core.optim.optimizers import OPTIMIZERS, TORCH_OPTIMIZERS
from core.optim.schedules import Schedule
from core.problems.objectives import OBJECTIVES
from core.runs.engine import LINE_SEARCH, run
from core.runs.race import RaceEntry, run_race


def entries_for(objective, ids, schedule=None):
    return [RaceEntry.of(i, schedule, **OPTIMIZERS[i].defaults_for(objective)) for i in ids]


def assert_same_runs(objective, entries, start, steps, **options):
    shared = run_race(objective, entries, start, steps, **options)
    for entry, got in zip(entries, shared, strict=True):
        optimizer_id, hyper = entry.optimizer, dict(entry.hyper)
        alone = run(
            objective, optimizer_id, start, steps, schedule=entry.schedule, **options, **hyper
        )
        assert got.optimizer == optimizer_id
        assert got.stop == alone.stop, optimizer_id
        assert got.frame.equals(alone.frame), optimizer_id


@pytest.mark.parametrize("objective_id", ["rosenbrock", "styblinski_tang", "eggholder", "saddle"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_every_optimizer_in_one_race_equals_its_own_run(objective_id, dtype):
    objective = OBJECTIVES[objective_id]
    entries = entries_for(objective, list(TORCH_OPTIMIZERS))  # the others: tests/test_zoo.py
    assert_same_runs(objective, entries, objective.start, 120, dtype=dtype)


def test_schedules_noise_and_projection_are_per_optimizer_as_alone():
    objective = OBJECTIVES["eggholder"]
    entries = entries_for(objective, ["sgd", "adam", "rmsprop"], Schedule("step", 0.5, 20))
    assert_same_runs(objective, entries, (480.0, 400.0), 80, noise=2.0, seed=3, project=True)


def test_noise_reaches_the_row_muon_holds_as_in_a_run_alone():
    """In the shared pass the noise is added to each point's gradient after backward: Muon's
    1 x 2 row, a view of that gradient, sees it as in a run alone."""
    objective = OBJECTIVES["rosenbrock"]
    entries = entries_for(objective, ["muon", "adam", "lion"])
    assert_same_runs(objective, entries, objective.start, 60, noise=0.5, seed=3)


def test_a_diverging_optimizer_leaves_the_others_untouched():
    objective = OBJECTIVES["quadratic"]
    entries = [
        RaceEntry.of("sgd", lr=0.05),
        RaceEntry.of("momentum", lr=0.01),
        RaceEntry.of("adam", lr=0.05),
    ]
    shared = run_race(objective, entries, objective.start, 200)
    assert shared[0].stop.reason != "completed" and shared[1].stop.reason == "completed"
    assert_same_runs(objective, entries, objective.start, 200)


def test_an_lbfgs_line_search_failure_in_a_race_ends_only_that_run():
    objective = custom_objective("log(x) + y^2", ((-5.0, 5.0), (-5.0, 5.0)))
    entries = [RaceEntry.of("lbfgs", lr=1.0), RaceEntry.of("adam", lr=0.001)]
    lbfgs, adam = run_race(objective, entries, (1.0, 1.0), 200)
    assert (lbfgs.stop.reason, lbfgs.stop.step, lbfgs.stop.what) == ("diverged", 3, LINE_SEARCH)
    assert adam.stop.reason == "completed" and len(adam.frame) == 201
    assert_same_runs(objective, entries[1:], (1.0, 1.0), 200)


def test_custom_formulas_share_too():
    objective = custom_objective(
        "sin(x) * cos(y) + 0.1 * (x^2 + y^2) + max(x, y)", ((-4.0, 4.0), (-4.0, 4.0))
    )
    assert_same_runs(
        objective, entries_for(objective, ["sgd", "nadam", "adagrad"]), (1.0, 2.0), 100
    )


def test_progress_is_reported_across_the_shared_and_the_separate_runs():
    """The page's progress bar (and so the interruption of a long race) rests on these calls."""
    entries = [RaceEntry.of("adam", lr=0.01), RaceEntry.of("lbfgs", lr=0.5), RaceEntry.of("sgd")]
    calls: list[float] = []
    runs = run_race("rosenbrock", entries, (-1.2, 1.0), 900, on_progress=calls.append)
    quiet = run_race("rosenbrock", entries, (-1.2, 1.0), 900)
    assert 50 <= len(calls) <= 110 and calls == sorted(calls) and calls[-1] == 1.0
    assert calls[0] < 0.05 and any(0.3 < c < 0.4 for c in calls)  # L-BFGS's third, then the rest
    for a, b in zip(runs, quiet, strict=True):
        assert a.frame.equals(b.frame)


def test_an_exception_from_the_progress_callback_stops_the_race():
    """Streamlit stops a script by raising from its next st.* call: here, the callback."""

    class Rerun(Exception):
        pass

    def interrupt(fraction: float) -> None:
        if fraction > 0.1:
            raise Rerun

    with pytest.raises(Rerun):
        run_race("rosenbrock", [RaceEntry.of("adam"), RaceEntry.of("lbfgs")], (-1.2, 1.0), 2000,
                 on_progress=interrupt)  # fmt: skip
