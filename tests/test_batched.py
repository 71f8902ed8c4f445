"""Batched views against independent single runs: the same numbers, bit for bit."""

import math
import pickle
import re

import numpy as np
import pytest
import torch

from core.batched.basins import basin_map, grid_axes, run_starts
from core.batched.outcomes import DIVERGED, MAX_GRID, MAX_MAP_SIDE, MAX_RATES, NO_MINIMUM
from core.batched.sweeps import (
    largest_stable_rate,
    log_rates,
    lr_sweep,
    momentum_map,
    not_sweepable_reason,
    run_groups,
)
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.runs.engine import MAX_STEPS, run
from core.runs.progress import Progress
from core.runs.summary import arrival_radius
from core.text.refusal import Refusal
from tests.devices import each_accelerator

ELEMENTWISE = [i for i, spec in OPTIMIZERS.items() if spec.elementwise]
HIMMELBLAU = OBJECTIVES["himmelblau"]
QUADRATIC = OBJECTIVES["quadratic"]


def single(objective, optimizer, start, steps, dtype, **hyper):
    """An independent run through the engine (recording every step): end point, loss, last t."""
    r = run(objective, optimizer, start, steps, dtype=dtype, **hyper)
    last = len(r.frame) - 1
    return r.frame[["x", "y"]].to_numpy()[-1], r.frame["loss"].to_numpy()[-1], last


def settled_from_path(objective, points, radius):
    """The first step from which a recorded path stays within `radius` of a minimum."""
    minima = np.asarray(objective.minima)
    near = (np.hypot(*(points[:, None, :] - minima).transpose(2, 0, 1)) <= radius).any(-1)
    if not near[-1]:
        return -1
    far = np.flatnonzero(~near)
    return int(far[-1] + 1) if far.size else 0


# ---- Basins -----------------------------------------------------------------------------------


# RAdam's first five updates are not adapted (lr x momentum of the gradient): with the
# step-scaled default every start would diverge, and only the divergence steps would be compared.
LR_OVERRIDE = {"radam": 0.01}


@pytest.mark.parametrize("oid", ELEMENTWISE)
def test_basin_rows_equal_independent_single_runs_bitwise(oid):
    hyper = OPTIMIZERS[oid].defaults_for(HIMMELBLAU)
    hyper["lr"] = LR_OVERRIDE.get(oid, hyper["lr"])
    basins = basin_map(HIMMELBLAU, oid, resolution=3, steps=80, **hyper)
    gx, gy = np.meshgrid(basins.xs, basins.ys)
    for (i, j), x, y in zip(np.ndindex(gx.shape), gx.ravel(), gy.ravel(), strict=True):
        point, loss, last = single(HIMMELBLAU, oid, (x, y), 80, torch.float32, **hyper)
        assert basins.last[i, j] == last
        if last == 80:
            # float32 end points and losses, as the engine records them: identical bits.
            np.testing.assert_array_equal(basins.final[i, j], point)
            assert basins.final_loss[i, j] == loss
        if i != j:
            continue  # labels and settling steps of a row alone: the diagonal's three suffice
        alone = run_starts(HIMMELBLAU, oid, [(x, y)], 80, **hyper)
        assert basins.label[i, j] == alone.label[0]
        assert basins.settled[i, j] == alone.settled[0]


def test_basin_labels_and_settling_steps_match_a_recorded_path():
    hyper = {"lr": 0.01}
    basins = basin_map(HIMMELBLAU, "sgd", resolution=4, steps=150, dtype=torch.float64, **hyper)
    radius = arrival_radius(HIMMELBLAU)
    assert basins.radius == pytest.approx(radius)
    gx, gy = np.meshgrid(basins.xs, basins.ys)
    for (i, j), x, y in zip(np.ndindex(gx.shape), gx.ravel(), gy.ravel(), strict=True):
        r = run(HIMMELBLAU, "sgd", (x, y), 150, dtype=torch.float64, **hyper)
        points = r.frame[["x", "y"]].to_numpy()
        assert basins.settled[i, j] == settled_from_path(HIMMELBLAU, points, radius)
        minima = np.asarray(HIMMELBLAU.minima)
        nearest = int(np.argmin(np.hypot(*(points[-1] - minima).T)))
        assert basins.label[i, j] == nearest


@pytest.mark.parametrize("k", range(4))
def test_starts_next_to_each_himmelblau_minimum_are_labelled_with_it(k):
    mx, my = HIMMELBLAU.minima[k]
    angles = np.linspace(0, 2 * math.pi, 8, endpoint=False)
    starts = np.stack([mx + 0.4 * np.cos(angles), my + 0.4 * np.sin(angles)], axis=-1)
    for optimizer in ("sgd", "adam"):
        end = run_starts(
            HIMMELBLAU, optimizer, starts, 300, **OPTIMIZERS[optimizer].defaults_for(HIMMELBLAU)
        )
        assert (end.label == k).all(), (optimizer, end.label)
        assert (end.settled >= 0).all() and not end.diverged.any()


def test_gradient_descent_shows_himmelblaus_four_basins():
    basins = basin_map(HIMMELBLAU, "sgd", resolution=40, steps=200, lr=0.01)
    counts = basins.counts(4)
    assert counts[NO_MINIMUM] == counts[DIVERGED] == 0
    assert all(counts[k] > 0.15 * basins.starts for k in range(4))
    # The grid cell nearest to each minimum belongs to that minimum's basin.
    for k, (mx, my) in enumerate(HIMMELBLAU.minima):
        i, j = np.argmin(np.abs(basins.ys - my)), np.argmin(np.abs(basins.xs - mx))
        assert basins.label[i, j] == k


def test_divergence_is_labelled_and_other_rows_are_untouched():
    starts = np.array([[3.2, 2.1], [4.9, 4.9], [-3.0, 3.0]])
    end = run_starts(HIMMELBLAU, "sgd", starts, 100, lr=0.05)
    assert end.label[1] == DIVERGED and end.diverged[1] and np.isnan(end.final_loss[1])
    for row in (0, 2):
        point, _, last = single(HIMMELBLAU, "sgd", starts[row], 100, torch.float32, lr=0.05)
        assert end.last[row] == last
        if last == 100:
            np.testing.assert_array_equal(end.final[row], point)


def test_a_function_without_minima_gets_no_labels_but_escape_steps():
    basins = basin_map("saddle", "sgd", resolution=5, steps=100, lr=0.05)
    assert set(np.unique(basins.label)) <= {NO_MINIMUM, DIVERGED}
    assert (basins.settled == -1).all()
    left = basins.label == DIVERGED
    assert left.any() and (basins.last[left] < 100).all()


@each_accelerator
def test_basin_maps_agree_on_every_accelerator(device):
    """Each accelerator torch has here draws the CPU's map: a GPU's float32 kernels may round a
    few starts on a basin boundary the other way, never more than 1 in 100."""
    cpu = basin_map(HIMMELBLAU, "adam", resolution=60, steps=300, lr=0.05)
    other = basin_map(HIMMELBLAU, "adam", resolution=60, steps=300, lr=0.05, device=device)
    assert (other.label == cpu.label).mean() >= 0.99
    np.testing.assert_allclose(other.final_loss, cpu.final_loss, rtol=1e-3, atol=1e-5)
    assert other.counts(4) == pytest.approx(cpu.counts(4), abs=0.01 * cpu.starts)


def test_basin_map_survives_the_cache_pickle():
    basins = basin_map(HIMMELBLAU, "adam", resolution=4, steps=10, lr=0.1)
    copy = pickle.loads(pickle.dumps(basins))
    np.testing.assert_array_equal(copy.label, basins.label)
    assert copy.hyper == basins.hyper and copy.steps == 10


# ---- Sweeps -----------------------------------------------------------------------------------

SWEEPABLE = [i for i in ELEMENTWISE if not_sweepable_reason(OPTIMIZERS[i]) is None]


@pytest.mark.parametrize("oid", SWEEPABLE)
def test_sweep_rows_equal_independent_single_runs_bitwise(oid):
    rates = [1e-4, 3e-3, 0.03, 0.3, 3.0]  # from crawling to diverging, for most optimizers
    hyper = {k: v for k, v in OPTIMIZERS[oid].defaults.items() if k != "lr"}
    sweep = lr_sweep(QUADRATIC, [(oid, hyper)], QUADRATIC.start, 60, rates)
    for row in sweep.itertuples():
        point, loss, last = single(
            QUADRATIC, oid, QUADRATIC.start, 60, torch.float32, lr=row.lr, **hyper
        )
        assert row.last == last and row.diverged == (last < 60)
        if last == 60:
            assert (row.final_x, row.final_y) == tuple(point) and row.final_loss == loss


def test_param_groups_are_exact_in_float64_too():
    groups = [{"lr": 0.01, "momentum": m} for m in (0.0, 0.5, 0.9)]
    end = run_groups(HIMMELBLAU, "momentum", (0.0, -0.5), 50, groups, dtype=torch.float64)
    for row, group in enumerate(groups):
        point, loss, _ = single(HIMMELBLAU, "momentum", (0.0, -0.5), 50, torch.float64, **group)
        np.testing.assert_array_equal(end.final[row], point)
        assert end.final_loss[row] == loss


def test_gradient_descent_diverges_exactly_above_2_over_lambda_max():
    from core.analysis.curvature import stability_limit

    limit = stability_limit(QUADRATIC)
    assert limit == 2 / 100
    # Log-spaced rates, plus rates 0.05% either side of the limit: at 0.02001 the stiff direction
    # grows by 1.001 per step, which leaves the region within 2,200 of the 3,000 steps.
    rates = np.sort(np.concatenate([log_rates(1e-3, 1e-1, 50), [0.01999, 0.02001]]))
    sweep = lr_sweep(QUADRATIC, ["sgd"], QUADRATIC.start, 3_000, rates)
    np.testing.assert_array_equal(sweep["diverged"].to_numpy(), sweep["lr"].to_numpy() > limit)
    assert largest_stable_rate(sweep, "sgd") == 0.01999
    below = sweep[sweep["lr"] < limit]
    assert np.isfinite(below["final_loss"]).all()


def test_momentum_map_matches_single_runs_and_the_heavy_ball_limit():
    rates = log_rates(1e-3, 0.1, 12)
    momenta = np.array([0.0, 0.3, 0.6, 0.9])
    grid = momentum_map(QUADRATIC, QUADRATIC.start, 1_500, rates, momenta)
    assert len(grid) == 48 and (grid["lr"].to_numpy()[:12] == rates).all()
    limit = 2 * (1 + grid["momentum"].to_numpy()) / 100
    clear = np.abs(grid["lr"].to_numpy() / limit - 1) > 0.05  # cells away from the boundary
    np.testing.assert_array_equal(
        grid["diverged"].to_numpy()[clear], (grid["lr"].to_numpy() > limit)[clear]
    )
    for row in grid.iloc[[5, 20, 47]].itertuples():
        _, loss, last = single(
            QUADRATIC,
            "momentum",
            QUADRATIC.start,
            1_500,
            torch.float32,
            lr=row.lr,
            momentum=row.momentum,
        )
        assert row.last == last
        if last == 1_500:
            assert row.final_loss == loss


# ---- Caps and errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: basin_map(HIMMELBLAU, "sgd", resolution=MAX_GRID + 1), "200 x 200"),
        (lambda: basin_map(HIMMELBLAU, "sgd", resolution=1), "2 x 2"),
        (lambda: basin_map(HIMMELBLAU, "sgd", steps=MAX_STEPS + 1), "Steps"),
        (lambda: basin_map(HIMMELBLAU, "sgd", steps=0), "Steps"),
        (lambda: basin_map(HIMMELBLAU, "sgd", tolerance=0.0), "tolerance"),
        (lambda: basin_map(HIMMELBLAU, "sgd", tolerance=0.5), "tolerance"),
        (lambda: basin_map("six_hump_camel", "sgd", tolerance=0.1, resolution=2), None),
        (lambda: basin_map(HIMMELBLAU, "lbfgs"), "not elementwise"),
        (lambda: basin_map(HIMMELBLAU, "sgd", lr=1e9), "learning rate"),
        (lambda: run_starts(HIMMELBLAU, "sgd", np.zeros((40_001, 2)), 5), "40,000"),
        (lambda: run_starts(HIMMELBLAU, "sgd", np.zeros((3, 3)), 5), r"\[B, 2\]"),
        (lambda: log_rates(1e-3, 1e-1, MAX_RATES + 1), "from 2 to 200"),
        (lambda: log_rates(1e-1, 1e-3, 50), r"lowest learning rate \(0\.1\) must be below"),
        (lambda: log_rates(1e-9, 1e-3, 50), "from 1e-06 to 100, got 1e-09 to 0.001"),
        (lambda: lr_sweep(HIMMELBLAU, ["lbfgs"], (0.0, 0.0), 10, [0.1]), "one param group"),
        (lambda: lr_sweep(HIMMELBLAU, [], (0.0, 0.0), 10, [0.1]), "at least one"),
        (lambda: lr_sweep(HIMMELBLAU, ["sgd"], (math.nan, 0.0), 10, [0.1]), "finite"),
        (
            lambda: momentum_map(QUADRATIC, (1.0, 1.0), 10, [0.1] * (MAX_MAP_SIDE + 1), [0.5]),
            "Between 1 and 60",
        ),
        (
            lambda: momentum_map(QUADRATIC, (1.0, 1.0), 10, [0.1], [0.0], optimizer="nesterov"),
            "above 0",
        ),
        (
            lambda: momentum_map(QUADRATIC, (1.0, 1.0), 10, [0.1], [0.5], optimizer="adam"),
            "momentum",
        ),
    ],
)
def test_caps_and_bad_settings_raise_value_errors(call, match):
    if match is None:  # a valid edge case: the largest tolerance where minima are far apart
        call()
        return
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: basin_map(HIMMELBLAU, "sgd", resolution=MAX_GRID + 1), "网格"),
        (lambda: basin_map(HIMMELBLAU, "sgd", resolution=2.5), "整数"),
        (lambda: basin_map(HIMMELBLAU, "sgd", steps=0), "步数"),
        (lambda: basin_map(HIMMELBLAU, "sgd", steps=1.5), "整数"),
        (lambda: basin_map(HIMMELBLAU, "sgd", tolerance=0.5), "容差"),
        (lambda: basin_map(HIMMELBLAU, "lbfgs"), "不是逐元素"),
        (lambda: run_starts(HIMMELBLAU, "sgd", np.zeros((3, 3)), 5), "起点"),
        (lambda: log_rates(1e-3, 1e-1, MAX_RATES + 1), "学习率个数"),
        (lambda: log_rates(1e-3, 1e-1, 2.0), "整数"),
        (lambda: log_rates(1e-1, 1e-3, 50), r"下限（0\.1）必须小于上限（0\.001）"),
        (lambda: lr_sweep(HIMMELBLAU, ["lbfgs"], (0, 0), 10, [0.1]), "参数组"),
        (lambda: lr_sweep(HIMMELBLAU, [], (0.0, 0.0), 10, [0.1]), "至少选择"),
        (lambda: lr_sweep(HIMMELBLAU, ["sgd"], (0, 0), 10, []), "学习率个数"),
        (lambda: lr_sweep(HIMMELBLAU, ["sgd"], (math.nan, 0), 10, [0.1]), "有限"),
        (lambda: run_groups(HIMMELBLAU, "sgd", (0, 0), 10, []), "设置数"),
        (
            lambda: momentum_map(QUADRATIC, (1, 1), 10, [0.1] * 61, [0.5]),
            "学习率个数",
        ),
        (
            lambda: momentum_map(QUADRATIC, (1, 1), 10, [0.1], [0.5] * 61),
            "动量取值",
        ),
        (
            lambda: momentum_map(QUADRATIC, (1, 1), 10, [0.1], [0.0], optimizer="nesterov"),
            "大于 0",
        ),
        (
            lambda: momentum_map(QUADRATIC, (1, 1), 10, [0.1], [0.5], optimizer="adam"),
            "动量图",
        ),
    ],
)
def test_refusals_say_themselves_in_either_language(call, match):
    with pytest.raises(Refusal) as refused:
        call()
    english, chinese = refused.value.message("en"), refused.value.message("zh")
    assert english == str(refused.value) and not re.search(r"[\u4e00-\u9fff]", english)
    assert re.search(match, chinese) and re.search(r"[\u4e00-\u9fff]", chinese)


def test_tolerance_that_would_merge_two_minima_is_refused():
    from core.batched.outcomes import tolerance_radius
    from core.problems.objectives import Objective

    close = Objective(
        "close",
        "Close",
        HIMMELBLAU.fn,
        "",
        ((-5.0, 5.0),) * 2,
        ((0.0, 0.0), (0.5, 0.0)),
        0.0,
        (1.0, 1.0),
        lr_gradient=0.01,
        lr_step=0.1,
    )
    assert tolerance_radius(close, 0.01) == pytest.approx(0.01 * math.hypot(10, 10))
    with pytest.raises(Refusal, match="too large") as refused:
        tolerance_radius(close, 0.02)
    assert re.search(r"对 Close 而言.*容差太大", refused.value.message("zh"))


def test_grid_axes_cover_the_box():
    xs, ys = grid_axes(((-2.0, 2.0), (-1.0, 3.0)), 5)
    assert xs.tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0] and ys[0] == -1.0 and ys[-1] == 3.0


# ---- Progress ---------------------------------------------------------------------------------


def test_progress_is_reported_and_an_interruption_stops_the_run():
    seen = []
    basin_map(HIMMELBLAU, "sgd", resolution=4, steps=300, lr=0.01, on_progress=seen.append)
    assert 50 <= len(seen) <= 200 and seen == sorted(seen) and seen[-1] == 1.0

    class Stop(Exception):
        pass

    def interrupt(fraction):
        if fraction > 0.5:
            raise Stop  # what Streamlit's rerun request does at the next st.* call

    with pytest.raises(Stop):
        lr_sweep(HIMMELBLAU, ["sgd", "adam"], (0.0, 0.0), 200, [0.01, 0.1], on_progress=interrupt)


def test_progress_helper_spreads_updates():
    calls = []
    progress = Progress(calls.append, 1000, updates=10)
    for done in range(1001):
        progress(done)
    progress.finish()
    assert len(calls) == 12 and calls[-1] == 1.0
