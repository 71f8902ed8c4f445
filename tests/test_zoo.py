"""pytorch-optimizer's optimizers in the registry: real classes of the pinned package, the same
iterates as a bare loop bit for bit, batched only where that is exact, a default rate that
finishes the default scene, and a package imported only when one of them runs."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import pytorch_optimizer
import torch

from core.batched.basins import not_batchable_reason
from core.batched.sweeps import not_sweepable_reason
from core.export.codegen import race_script
from core.optim.optimizers import OPTIMIZERS, PICKER_ORDER
from core.optim.zoo import FAMILIES, exclusions, zoo_records
from core.playground.settings import DEFAULTS
from core.problems.objectives import OBJECTIVES
from core.runs.engine import run as engine_run
from core.runs.engine import trajectory
from core.runs.race import RaceEntry, run_race
from core.text.i18n import text
from core.text.refusal import Refusal

ROOT = Path(__file__).resolve().parent.parent
ZOO = [oid for oid, spec in OPTIMIZERS.items() if not spec.from_torch]
ELEMENTWISE = [oid for oid in ZOO if OPTIMIZERS[oid].elementwise]
COUPLED = [oid for oid in ZOO if not OPTIMIZERS[oid].elementwise]

# The package warns about options that mean nothing for one small tensor (a low-rank projection
# of a vector, say): those warnings are its business, not a failure of the race.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def bare_loop(objective, spec, start, steps, dtype, lr):
    """What a student writes with the package: zero_grad, f(p).sum().backward(), step; for a
    second-order one, torch.manual_seed(0) first (its random probes) and a backward that keeps
    the gradient's graph."""
    torch.manual_seed(0)
    p = torch.tensor(start, dtype=dtype, requires_grad=True)
    optimizer = getattr(pytorch_optimizer, spec.source)([p], lr=lr)
    points = [p.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        objective.fn(p).sum().backward(create_graph=spec.second_order)
        optimizer.step()
        points.append(p.detach().clone())
    return torch.stack(points).numpy()


def test_the_registry_and_its_exclusions_cover_the_pinned_package_exactly():
    registered = {record.id for record in zoo_records()}
    excluded = {oid for exclusion in exclusions() for oid in exclusion.ids}
    assert len(registered) >= 60 and not registered & excluded
    assert registered | excluded == set(pytorch_optimizer.get_supported_optimizers())
    for record in zoo_records():
        assert pytorch_optimizer.load_optimizer(record.id) is OPTIMIZERS[record.id].cls
        assert record.family in FAMILIES
        if record.paper is not None and record.paper.url.startswith("https://arxiv.org/"):
            assert record.paper.year is not None  # an arXiv number says its year


def test_the_readme_names_every_exclusion_and_why():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for exclusion in exclusions():
        assert exclusion.why in readme
        for oid in exclusion.ids:
            assert f"`{oid}`" in readme, oid


def test_the_package_is_imported_only_when_one_of_its_optimizers_runs():
    code = (
        "import sys\n"
        "import core.optim.optimizers, core.playground.settings, core.runs.race\n"
        "assert 'pytorch_optimizer' not in sys.modules, 'imported at start'\n"
        "from core.runs.engine import run\n"
        "run('quadratic', 'adam', (1.0, 1.0), 3)\n"
        "assert 'pytorch_optimizer' not in sys.modules, 'imported for torch.optim'\n"
        "run('quadratic', 'lion', (1.0, 1.0), 3)\n"
        "assert 'pytorch_optimizer' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("oid", ZOO)
def test_iterates_equal_a_bare_loop_bitwise(oid, dtype):
    spec, objective = OPTIMIZERS[oid], OBJECTIVES["himmelblau"]
    lr = spec.defaults_for(objective)["lr"]
    got = np.stack(
        [s.point for s in trajectory(objective, oid, (0.5, -0.5), 40, dtype=dtype, lr=lr)]
    )
    expected = bare_loop(objective, spec, (0.5, -0.5), 40, dtype, lr)
    assert got.dtype == expected.dtype and len(got) > 1
    # A run the stop rule ended early agrees with the bare loop up to its last iterate.
    np.testing.assert_array_equal(got, expected[: len(got)])


@pytest.mark.parametrize("oid", ZOO)
def test_defaults_finish_the_default_scene_and_every_function_runs(oid):
    """A default rate that diverges or escapes on the Playground's default scene is a defect;
    on every other function a run may stop early, with its reason, but never raise. (Ten steps
    there: past the first steps' special cases, at a third of the time thirty took.)"""
    spec = OPTIMIZERS[oid]
    for objective_id, objective in OBJECTIVES.items():
        hyper = spec.defaults_for(objective)
        spec.validate(**hyper)  # within the control's range
        steps = int(DEFAULTS["steps"]) if objective_id == DEFAULTS["fn"] else 10
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            traj = trajectory(objective, oid, objective.start, steps, **hyper)
            list(traj)
        if objective_id == DEFAULTS["fn"]:
            assert traj.stop.reason == "completed", traj.stop
        else:
            assert traj.stop.reason in {"completed", "diverged", "escaped"}


@pytest.mark.parametrize("oid", ZOO)
def test_a_run_replays_bit_for_bit_wherever_its_tensors_lie(oid):
    """The same run twice, with the allocator moved in between: a kernel that rounds by memory
    alignment (DASH's, left out) would give other bits the second time."""
    objective = OBJECTIVES["rosenbrock"]
    hyper = OPTIMIZERS[oid].defaults_for(objective)

    def points():
        run = trajectory(objective, oid, objective.start, 40, noise=0.5, seed=3, **hyper)
        return np.stack([s.point for s in run])

    first, moved = points(), []
    for size in range(1, 5):
        moved.append(torch.empty(size))  # kept: the next small tensors land elsewhere
        np.testing.assert_array_equal(points(), first)


@pytest.mark.parametrize("oid", ELEMENTWISE)
def test_an_elementwise_ones_batch_equals_its_runs_alone_bitwise(oid):
    objective = OBJECTIVES["himmelblau"]
    hyper = OPTIMIZERS[oid].defaults_for(objective)
    starts = np.array([[0.0, -0.5], [-4.0, 4.0], [2.5, -3.0], [1.0, 1.0]])
    batch = trajectory(objective, oid, starts, 40, dtype=torch.float64, **hyper)
    batched = np.stack([s.point for s in batch])
    assert not_batchable_reason(OPTIMIZERS[oid]) is None
    for row, start in enumerate(starts):
        alone = trajectory(objective, oid, start, 40, dtype=torch.float64, **hyper)
        single = np.stack([s.point for s in alone])
        assert batch.row_last[row] == len(single) - 1
        np.testing.assert_array_equal(batched[: len(single), row], single)


@pytest.mark.parametrize("oid", COUPLED)
def test_a_coupled_one_is_refused_by_the_batched_views_with_its_reason(oid):
    spec = OPTIMIZERS[oid]
    assert "not elementwise" in not_batchable_reason(spec).say("en")
    assert not_sweepable_reason(spec) is not None
    with pytest.raises(Refusal):
        trajectory("himmelblau", oid, [[0.0, 0.0], [1.0, 1.0]], 3)


def test_a_race_of_them_equals_each_ones_own_run():
    objective = OBJECTIVES["rosenbrock"]
    for first in range(0, len(ZOO), 30):  # 30 at a time: within one request's work budget
        ids = ZOO[first : first + 30]
        entries = [RaceEntry.of(i, **OPTIMIZERS[i].defaults_for(objective)) for i in ids]
        runs = run_race(objective, entries, objective.start, 60)
        for entry, raced in zip(entries, runs, strict=True):
            alone = trajectory(objective, entry.optimizer, objective.start, 60, **dict(entry.hyper))
            points = np.stack([s.point for s in alone])
            np.testing.assert_array_equal(raced.frame[["x", "y"]].to_numpy(), points)


def test_the_code_tab_script_reproduces_a_race_of_them(tmp_path):
    objective = OBJECTIVES["booth"]
    ids = ["lion", "adan", "prodigy", "schedulefreeadamw", "soap", "sgdw", "adahessian", "sophiah"]
    entries = [RaceEntry.of(i, **OPTIMIZERS[i].defaults_for(objective)) for i in ids]
    script = race_script(objective, objective.start, 50, entries)
    assert "import pytorch_optimizer" in script
    path = tmp_path / "playground_run.py"
    path.write_text(script, encoding="utf-8")
    printed = subprocess.run(
        [sys.executable, "-W", "ignore", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    runs = run_race(objective, entries, objective.start, 50)
    for line, entry, raced in zip(printed, entries, runs, strict=True):
        x, y = raced.frame[["x", "y"]].to_numpy()[-1]
        assert line.startswith(
            f"{OPTIMIZERS[entry.optimizer].name}: x = {float(x)!r}, y = {float(y)!r}"
        )


def test_the_picker_lists_torch_optim_first_then_each_family_together():
    assert PICKER_ORDER[:4] == ("sgd", "momentum", "nesterov", "adam")
    assert sorted(PICKER_ORDER) == sorted(OPTIMIZERS)
    families = [OPTIMIZERS[i].family for i in PICKER_ORDER if not OPTIMIZERS[i].from_torch]
    assert families == sorted(families, key=FAMILIES.index)  # one block per family
    assert OPTIMIZERS["lion"].picker_label("en") == "Lion · sign-based"
    assert OPTIMIZERS["lion"].picker_label("zh") == "Lion · 符号类"
    assert OPTIMIZERS["adam"].picker_label("zh") == "Adam"


EVALUATED_ELSEWHERE = [oid for oid in ZOO if OPTIMIZERS[oid].eval_point]


def test_the_schedule_free_optimizers_are_the_ones_evaluated_elsewhere():
    assert EVALUATED_ELSEWHERE == ["schedulefreeadamw", "schedulefreeradam", "schedulefreesgd"]
    assert all(hasattr(OPTIMIZERS[oid].cls, "eval") for oid in EVALUATED_ELSEWHERE)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("oid", EVALUATED_ELSEWHERE)
def test_the_evaluation_point_is_what_eval_gives_after_a_bare_loop(oid, dtype):
    """After k steps of a loop that never switches modes, `optimizer.eval()` moves p to the
    average x_k: the run's eval_frame row k is that point, bit for bit, and f there; recording
    it leaves the run's own path as the bare loop's (test_iterates_equal_a_bare_loop_bitwise)."""
    spec, objective = OPTIMIZERS[oid], OBJECTIVES["rosenbrock"]
    lr = spec.defaults_for(objective)["lr"]
    result = engine_run(objective, oid, objective.start, 40, dtype=dtype, lr=lr)
    evaluated = result.eval_frame
    assert len(evaluated) == len(result.frame) == 41
    np.testing.assert_array_equal(evaluated.loc[0, ["x", "y"]], result.frame.loc[0, ["x", "y"]])
    for k in (1, 7, 40):
        p = torch.tensor(objective.start, dtype=dtype, requires_grad=True)
        optimizer = getattr(pytorch_optimizer, spec.source)([p], lr=lr)
        for _ in range(k):
            optimizer.zero_grad()
            objective.fn(p).sum().backward()
            optimizer.step()
        optimizer.eval()
        expected = p.detach().clone()
        np.testing.assert_array_equal(evaluated.loc[k, ["x", "y"]].to_numpy(), expected.numpy())
        assert evaluated.loc[k, "loss"] == float(objective.fn(expected))
    assert not np.array_equal(evaluated[["x", "y"]], result.frame[["x", "y"]])  # another point


def test_the_race_draws_each_schedule_free_run_beside_its_evaluation_points():
    from app_pages.playground_views import drawn_views

    runs = run_race(
        "rosenbrock", [RaceEntry.of("adam"), RaceEntry.of("schedulefreeadamw")], (-1.2, 1.0), 30
    )
    assert runs[0].eval_frame is None and runs[1].eval_frame is not None
    for lang in ("en", "zh"):
        views = drawn_views(runs, lang)
        assert [v.label for v in views] == [
            "Adam",
            "ScheduleFreeAdamW",
            text("eval_point_label", lang, name="ScheduleFreeAdamW"),
        ]
        assert views[2].colour == views[1].colour and views[2].dash == "dot"
        np.testing.assert_array_equal(views[2].frame[["x", "y"]], runs[1].eval_frame[["x", "y"]])


SECOND_ORDER = [oid for oid in ZOO if OPTIMIZERS[oid].second_order]


@pytest.mark.parametrize("oid", ["adahessian", "sophiah"])
def test_the_second_order_ones_draw_their_own_probes_whatever_else_draws(oid):
    """AdaHessian and SophiaH take random probes from torch's default generator: a run draws its
    own stream (seeded as torch.manual_seed(0) seeds a script's), whatever other draws happen
    between its steps, and leaves the default generator as it found it."""
    assert SECOND_ORDER == ["adahessian", "sophiah"]
    objective, spec = OBJECTIVES["himmelblau"], OPTIMIZERS[oid]
    lr = spec.defaults_for(objective)["lr"]
    expected = bare_loop(objective, spec, (0.5, -0.5), 30, torch.float32, lr)
    torch.manual_seed(123)
    found = torch.get_rng_state()
    quiet = np.stack([s.point for s in trajectory(objective, oid, (0.5, -0.5), 30, lr=lr)])
    assert torch.equal(torch.get_rng_state(), found)  # left as it found it
    np.testing.assert_array_equal(quiet, expected[: len(quiet)])
    # One step at a time, with another session's draws between the steps.
    steps = trajectory(objective, oid, (0.5, -0.5), 30, lr=lr, record_chunk=1)
    points = []
    for step in steps:
        points.append(step.point)
        torch.rand(7)
    np.testing.assert_array_equal(np.stack(points), quiet)


def test_a_second_order_run_lets_its_point_go_when_it_ends():
    """backward(create_graph=True) leaves a graph in the gradient that refers back to the point,
    a cycle Python's collector cannot free: the run drops the gradient when it ends."""
    import gc
    import weakref

    traj = trajectory("himmelblau", "adahessian", (0.5, -0.5), 5)
    list(traj)
    point = weakref.ref(traj.params)
    assert traj.params.grad is None
    del traj
    gc.collect()
    assert point() is None


def test_a_schedule_free_run_that_cannot_start_has_no_evaluation_points_to_draw():
    from core.formulas.custom import custom_objective

    objective = custom_objective("sqrt(x) + y^2", ((-2.0, 2.0), (-2.0, 2.0)))
    result = engine_run(objective, "schedulefreeadamw", (-1.0, 1.0), 10)
    assert result.frame.empty and result.eval_frame is not None and result.eval_frame.empty
    assert result.stop.reason == "diverged"


def grouped_loop(objective, spec, start, steps, rates):
    """One optimizer, one param group per rate, each group its own copy of the start."""
    points = [torch.tensor(start, requires_grad=True) for _ in rates]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(points, rates, strict=True)]
    optimizer = getattr(pytorch_optimizer, spec.source)(groups)
    for _ in range(steps):
        optimizer.zero_grad()
        sum(objective.fn(p).sum() for p in points).backward()
        optimizer.step()
    return [p.detach().numpy() for p in points]


@pytest.mark.parametrize("oid", ["prodigy", "dadaptadam"])
def test_parameter_free_ones_couple_their_param_groups_so_the_tuner_runs_each_rate_alone(oid):
    """Why bench/tune_zoo_rates.py tunes by single runs (the README says so): these estimate one
    step size from every group, so a second group's run is not its rate's run alone."""
    spec, objective = OPTIMIZERS[oid], OBJECTIVES["rosenbrock"]
    rates = (1.0, 0.5)
    grouped = grouped_loop(objective, spec, objective.start, 50, rates)
    alone = [bare_loop(objective, spec, objective.start, 50, torch.float32, lr)[-1] for lr in rates]
    np.testing.assert_array_equal(grouped[0], alone[0])
    assert not np.array_equal(grouped[1], alone[1])


def test_an_elementwise_ones_param_groups_are_its_runs_alone():
    """The contrast: Lion's groups are independent, bit for bit."""
    spec, objective = OPTIMIZERS["lion"], OBJECTIVES["rosenbrock"]
    rates = (1e-3, 3e-4)
    grouped = grouped_loop(objective, spec, objective.start, 50, rates)
    for got, lr in zip(grouped, rates, strict=True):
        expected = bare_loop(objective, spec, objective.start, 50, torch.float32, lr)[-1]
        np.testing.assert_array_equal(got, expected)
