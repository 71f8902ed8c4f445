"""The engine against bare torch.optim loops: same iterates, bit for bit."""

import math

import numpy as np
import pytest
import torch

from core.formulas.custom import custom_objective
from core.optim.optimizers import OPTIMIZERS, TORCH_OPTIMIZERS
from core.optim.schedules import Schedule
from core.problems.objectives import OBJECTIVES
from core.runs.engine import (
    LINE_SEARCH,
    MAX_STEPS,
    Stop,
    available_devices,
    closure_step,
    run,
    to_frame,
    trajectory,
)
from core.tutorials.autograd_lab import optimizer_loop
from tests.devices import each_accelerator

# pytorch-optimizer's optimizers have the same checks in tests/test_zoo.py.
ELEMENTWISE = [i for i, spec in TORCH_OPTIMIZERS.items() if spec.elementwise]


def bare_loop(objective_id, optimizer_id, start, steps, dtype=torch.float32, **hyper):
    """What a student writes: zero_grad, f(p).sum().backward(), step. Returns the iterates. For
    an optimizer of matrices only (Muon) the parameter is the 1 x 2 matrix [[x, y]]."""
    obj, spec = OBJECTIVES[objective_id], OPTIMIZERS[optimizer_id]
    point = [start] if spec.holds == "row" else start
    p = torch.tensor(point, dtype=dtype, requires_grad=True)
    opt = spec.cls([p], **spec.torch_kwargs(**hyper))

    def closure():
        opt.zero_grad()
        loss = obj.fn(p).sum()
        loss.backward()
        return loss

    points = [p.detach().clone()]
    for _ in range(steps):
        if spec.needs_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
        points.append(p.detach().clone())
    return torch.stack(points).reshape(len(points), 2).numpy()


@pytest.mark.parametrize("oid", list(TORCH_OPTIMIZERS))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_iterates_equal_a_bare_loop_bitwise(oid, dtype):
    spec = OPTIMIZERS[oid]
    hyper = spec.defaults | ({"lr": 1e-3} if spec.lr_family else {})
    start = OBJECTIVES["rosenbrock"].start
    expected = bare_loop("rosenbrock", oid, start, 60, dtype=dtype, **hyper)
    traj = trajectory("rosenbrock", oid, start, 60, dtype=dtype, **hyper)
    got = np.stack([s.point for s in traj])
    assert traj.stop.reason == "completed"
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("oid", ELEMENTWISE)
def test_batched_run_equals_independent_runs_bitwise(oid):
    obj = OBJECTIVES["himmelblau"]
    hyper = OPTIMIZERS[oid].defaults_for(obj)
    starts = np.array([[0.0, -0.5], [-4.0, 4.0], [2.5, -3.0], [1.0, 1.0]])
    batch = trajectory("himmelblau", oid, starts, 40, dtype=torch.float64, **hyper)
    batched = np.stack([s.point for s in batch])
    for row, start in enumerate(starts):
        single = np.stack(
            [
                s.point
                for s in trajectory("himmelblau", oid, start, 40, dtype=torch.float64, **hyper)
            ]
        )
        # A row that diverges runs on inside the batch; it must agree up to its last valid iterate.
        assert batch.row_last[row] == len(single) - 1
        np.testing.assert_array_equal(batched[: len(single), row], single)


def test_step_records_point_loss_gradient_and_state():
    steps = list(trajectory("booth", "adam", (-8.0, -6.0), 5, dtype=torch.float64, lr=0.1))
    assert [s.t for s in steps] == list(range(6))
    first = steps[0]
    np.testing.assert_array_equal(first.point, [-8.0, -6.0])
    x, y = -8.0, -6.0
    assert first.loss == (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2
    np.testing.assert_allclose(
        first.grad,
        [2 * (x + 2 * y - 7) + 4 * (2 * x + y - 5), 4 * (x + 2 * y - 7) + 2 * (2 * x + y - 5)],
    )
    assert first.grad_norm == pytest.approx(np.linalg.norm(first.grad))
    assert first.lr == 0.1
    assert set(first.state) >= {"step", "exp_avg", "exp_avg_sq"}
    # After the first Adam step, exp_avg = (1 - beta1) * g.
    np.testing.assert_allclose(first.state["exp_avg"], 0.1 * first.grad)
    assert steps[-1].state == {}
    with pytest.raises(ValueError):
        first.point[0] = 1.0  # read-only copies: a snapshot cannot be altered
    with pytest.raises(TypeError):
        first.state["exp_avg"] = None


def test_momentum_state_is_torchs_momentum_buffer():
    steps = list(trajectory("quadratic", "momentum", (1.0, 0.5), 3, dtype=torch.float64, lr=0.01))
    buf = steps[0].grad
    np.testing.assert_allclose(steps[0].state["momentum_buffer"], buf)
    buf = 0.9 * buf + steps[1].grad
    np.testing.assert_allclose(steps[1].state["momentum_buffer"], buf)


def test_divergence_stops_on_the_last_finite_iterate_with_a_reason():
    traj = trajectory("quadratic", "sgd", (1.0, 0.0), 500, lr=1.0)
    steps = list(traj)
    assert traj.stop.reason in {"diverged", "escaped"}
    assert traj.stop.step == len(steps) < 500
    assert all(np.isfinite(s.loss) for s in steps)
    msg = traj.stop.message("SGD")
    assert msg.startswith(f"SGD {'diverged' if traj.stop.reason == 'diverged' else 'left'}")
    assert f"step {traj.stop.step}" in msg


def test_non_finite_loss_reports_diverged_with_the_value():
    # lr far above 2/100 on the quadratic grows the iterate to inf without leaving... use a tiny box
    traj = trajectory("rosenbrock", "sgd", (-1.2, 1.0), 200, lr=1.0, dtype=torch.float32)
    list(traj)
    assert traj.stop.reason in {"diverged", "escaped"}


def test_region_escape_is_reported_for_the_saddle():
    traj = trajectory("saddle", "sgd", (-1.8, 0.01), MAX_STEPS, lr=0.1)
    steps = list(traj)
    assert traj.stop == Stop("escaped", len(steps))
    assert abs(steps[-1].point[1]) <= 6.0


def test_completed_run_has_steps_plus_one_records():
    traj = trajectory("booth", "sgd", (0.0, 0.0), 25)
    assert len(list(traj)) == 26
    assert traj.stop == Stop("completed", 26)
    assert traj.stop.message("SGD") == "SGD completed 25 steps"


def test_batched_rows_stop_independently():
    starts = np.array([[1.0, 0.0], [1e-3, 0.0]])
    # On x^2 - y^2 along y = 0, SGD with lr = 1.5 maps x to -2x: the first row leaves the region
    # |x| <= 6 at step 3, the second (1e-3 * 2^10 ~ 1) never does.
    traj = trajectory("saddle", "sgd", starts, 10, lr=1.5)
    steps = list(traj)
    assert len(steps) == 11 and traj.stop.reason == "completed"
    assert traj.row_last.tolist() == [2, 10]


def test_lbfgs_refuses_batched_starts_with_a_reason():
    with pytest.raises(ValueError, match="couples"):
        trajectory("booth", "lbfgs", np.zeros((3, 2)), 5)


def test_lbfgs_solves_a_quadratic_in_a_few_steps():
    steps = list(trajectory("booth", "lbfgs", (-8.0, -6.0), 5, dtype=torch.float64))
    np.testing.assert_allclose(steps[-1].point, [1.0, 3.0], atol=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"steps": -1}, "Steps"),
        ({"steps": MAX_STEPS + 1}, "Steps"),
        ({"steps": 2.5}, "Steps"),
        ({"start": (float("nan"), 0.0)}, "finite"),
        ({"start": (1.0, 2.0, 3.0)}, "start"),
        ({"device": "tpu"}, "not available"),
        ({"lr": -1.0}, "learning rate must be from"),
        ({"lr": float("nan")}, "learning rate must be from"),
        ({"bogus": 1.0}, "no hyper-parameter"),
        ({"noise": -1.0}, "noise"),
    ],
)
def test_bad_arguments_raise_clear_value_errors(kwargs, match):
    args = {"start": (0.0, 0.0), "steps": 5} | kwargs
    with pytest.raises(ValueError, match=match):
        trajectory("booth", "sgd", args.pop("start"), args.pop("steps"), **args)


def test_unknown_ids_raise_value_errors():
    with pytest.raises(ValueError, match="Unknown function"):
        trajectory("nope", "sgd", (0.0, 0.0), 1)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        trajectory("booth", "nope", (0.0, 0.0), 1)


def test_devices_list_cpu_first():
    assert available_devices()[0] == "cpu"


@each_accelerator
def test_a_run_on_an_accelerator_matches_the_cpu(device):
    cpu = run("booth", "adam", (-8.0, -6.0), 50, lr=0.3).frame
    other = run("booth", "adam", (-8.0, -6.0), 50, lr=0.3, device=device).frame
    np.testing.assert_allclose(other[["x", "y"]], cpu[["x", "y"]], rtol=1e-5, atol=1e-5)


def test_noise_is_seeded_and_changes_the_path():
    clean = run("booth", "sgd", (0.0, 0.0), 20, lr=0.02).frame
    a = run("booth", "sgd", (0.0, 0.0), 20, lr=0.02, noise=1.0, seed=7).frame
    b = run("booth", "sgd", (0.0, 0.0), 20, lr=0.02, noise=1.0, seed=7).frame
    c = run("booth", "sgd", (0.0, 0.0), 20, lr=0.02, noise=1.0, seed=8).frame
    assert a.equals(b)
    assert not a[["x", "y"]].equals(clean[["x", "y"]])
    assert not a[["x", "y"]].equals(c[["x", "y"]])


def test_projection_keeps_eggholder_inside_its_box():
    obj = OBJECTIVES["eggholder"]
    free = run("eggholder", "adam", (480.0, 400.0), 300, lr=5.0).frame
    boxed = run("eggholder", "adam", (480.0, 400.0), 300, lr=5.0, project=True).frame
    assert free["x"].max() > 512  # unconstrained descent leaves the box (table: 522.16, 413.32)
    assert boxed["x"].max() <= 512 and boxed["y"].max() <= 512
    assert boxed["loss"].iloc[-1] == pytest.approx(obj.f_min, abs=0.5)


def test_schedule_changes_the_recorded_learning_rate():
    frame = run("booth", "sgd", (0.0, 0.0), 10, lr=0.02, schedule=Schedule("step", 0.5, 4)).frame
    assert frame["lr"].tolist() == pytest.approx([0.02] * 4 + [0.01] * 4 + [0.005] * 3)
    cosine = run("booth", "sgd", (0.0, 0.0), 10, lr=0.02, schedule=Schedule("cosine")).frame
    assert cosine["lr"].iloc[0] == 0.02 and cosine["lr"].iloc[-1] == pytest.approx(0.0, abs=1e-12)


def test_frame_is_tidy():
    r = run("booth", "momentum", (0.0, 0.0), 10, lr=0.02)
    assert list(r.frame.columns) == [
        "optimizer",
        "t",
        "x",
        "y",
        "loss",
        "grad_x",
        "grad_y",
        "grad_norm",
        "lr",
    ]
    assert len(r.frame) == 11 and (r.frame["optimizer"] == "momentum").all()
    assert r.seconds > 0
    steps = list(trajectory("booth", "momentum", (0.0, 0.0), 10, lr=0.02))
    assert to_frame(steps, "momentum").equals(r.frame)


@pytest.mark.parametrize("steps", [255, 256, 257, 600])
@pytest.mark.parametrize("oid", ["sgd", "adam", "lbfgs"])
def test_every_step_is_recorded_across_chunk_boundaries(oid, steps):
    """Steps are made a chunk at a time: none may be lost or repeated at a chunk's edge, and each
    carries the state after its own update (none for stateless SGD, none for the last)."""
    hyper = {"lr": 1e-4} if oid != "lbfgs" else {"lr": 0.1}
    run = trajectory("rosenbrock", oid, (-1.2, 1.0), steps, **hyper)
    recorded = list(run)
    assert [s.t for s in recorded] == list(range(steps + 1)) and run.stop.reason == "completed"
    assert recorded[-1].state == {}
    if oid == "adam":
        assert [s.state["step"] for s in recorded[:-1]] == list(range(1, steps + 1))
    if oid == "sgd":
        assert all(s.state == {} for s in recorded)


# torch's strong-Wolfe line search fails with an IndexError when it meets a NaN (log(x) left of
# x = 0 here): the run must end as diverged, on its last finite iterate, never raise.
LOG_X = custom_objective("log(x) + y^2", ((-5.0, 5.0), (-5.0, 5.0)))


def test_a_line_search_that_meets_nan_ends_the_lbfgs_run_as_diverged():
    traj = trajectory(LOG_X, "lbfgs", (1.0, 1.0), 300)
    steps = list(traj)
    assert (traj.stop.reason, traj.stop.step, traj.stop.what) == ("diverged", 3, LINE_SEARCH)
    assert math.isnan(traj.stop.value)
    assert [s.t for s in steps] == [0, 1, 2] and traj.row_last.tolist() == [2]
    assert all(np.isfinite(s.loss) and np.isfinite(s.point).all() for s in steps)
    assert traj.stop.message("L-BFGS") == (
        "L-BFGS diverged at step 3: its line search met a loss of nan and cannot go on"
    )
    # The same iterates as the bare loop, whose next step is the one torch cannot make.
    p = torch.tensor([1.0, 1.0], requires_grad=True)
    opt = OPTIMIZERS["lbfgs"].cls([p], **OPTIMIZERS["lbfgs"].torch_kwargs())

    def closure():
        opt.zero_grad()
        loss = LOG_X.fn(p).sum()
        loss.backward()
        return loss

    for step in steps[1:]:
        opt.step(closure)
        assert p.detach().numpy().tolist() == step.point.tolist()
    with pytest.raises(IndexError):
        opt.step(closure)
    assert run(LOG_X, "lbfgs", (1.0, 1.0), 300).frame.shape[0] == 3


class _FailingStep:
    """An optimizer whose step evaluates the closure, then fails as torch's line search does."""

    def step(self, closure):
        closure()
        raise IndexError("list index out of range")


def test_closure_step_returns_the_value_the_line_search_failed_on_and_reraises_real_bugs():
    assert closure_step(_FailingStep(), lambda: torch.tensor(-math.inf)) == -math.inf
    with pytest.raises(IndexError):  # no non-finite value met: not the line search's failure
        closure_step(_FailingStep(), lambda: torch.tensor(1.0))


def test_the_autograd_labs_lbfgs_on_a_downward_parabola_ends_as_diverged_with_a_note():
    result = optimizer_loop(a=-1.0, b=0.0, c=0.0, optimizer="lbfgs", lr=1.0, steps=500, x0=1.0)
    assert result.diverged and len(result.path) < 501
    assert all(math.isfinite(x) for x in result.path)
    assert (
        f"L-BFGS diverged at step {len(result.path)}: its line search met f = -inf"
        in result.runaway
    )
    chinese = optimizer_loop(
        a=-1.0, b=0.0, c=0.0, optimizer="lbfgs", lr=1.0, steps=500, x0=1.0, lang="zh"
    )
    assert f"L-BFGS 在第 {len(result.path)} 步发散：线搜索遇到了 f = -inf" in chinese.runaway
