"""Hessians by autograd twice: known matrices, an independent check, stability limits."""

import numpy as np
import pytest
import torch

from core.analysis.curvature import (
    CURVATURE_COLUMNS,
    condition_numbers,
    constant_hessian,
    curvature_along,
    hessians,
    stability_limit,
)
from core.problems.objectives import OBJECTIVES
from core.runs.engine import run
from core.text.refusal import Refusal


def rosenbrock_hessian(x: float, y: float) -> np.ndarray:
    return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


def test_quadratic_hessians_are_the_known_matrices():
    points = np.array([[0.0, 0.0], [1.5, -0.7], [-2.0, 2.0]])
    np.testing.assert_allclose(
        hessians(OBJECTIVES["quadratic"], points), [[[50.5, -49.5], [-49.5, 50.5]]] * 3
    )
    np.testing.assert_allclose(hessians(OBJECTIVES["booth"], points), [[[10, 8], [8, 10]]] * 3)


def test_rosenbrock_hessian_matches_the_formula():
    points = np.array([[-1.2, 1.0], [1.0, 1.0], [0.3, -0.4]])
    expected = np.stack([rosenbrock_hessian(x, y) for x, y in points])
    np.testing.assert_allclose(hessians(OBJECTIVES["rosenbrock"], points), expected, rtol=1e-12)


@pytest.mark.parametrize("oid", list(OBJECTIVES))
def test_hessians_agree_with_torch_func(oid):
    """The batched double backward against torch.func.hessian, point by point."""
    objective = OBJECTIVES[oid]
    (x0, x1), (y0, y1) = objective.box
    rng = np.random.default_rng(1)
    points = np.stack([rng.uniform(x0, x1, 6), rng.uniform(y0, y1, 6)], axis=-1)
    got = hessians(objective, points)
    for point, h in zip(points, got, strict=True):
        expected = torch.func.hessian(objective.fn)(torch.tensor(point, dtype=torch.float64))
        np.testing.assert_allclose(h, expected.numpy(), rtol=1e-9, atol=1e-9)


def test_a_linear_function_has_a_zero_hessian():
    h = hessians(lambda p: 3 * p[..., 0] - p[..., 1], [[1.0, 2.0], [0.0, 0.0]])
    assert (h == 0).all() and h.shape == (2, 2, 2)


def test_curvature_along_a_path():
    r = run("rosenbrock", "adam", (-1.2, 1.0), 40, lr=0.05)
    frame = curvature_along(OBJECTIVES["rosenbrock"], r.frame[["x", "y"]], r.frame["t"])
    assert tuple(frame.columns) == CURVATURE_COLUMNS and len(frame) == 41
    assert frame["t"].tolist() == list(range(41))
    assert (frame["lambda_min"] <= frame["lambda_max"]).all()
    x, y = r.frame[["x", "y"]].to_numpy()[0]  # the float32 start, as recorded
    first = np.linalg.eigvalsh(rosenbrock_hessian(x, y))
    np.testing.assert_allclose(frame.iloc[0][["lambda_min", "lambda_max"]], first, rtol=1e-12)
    assert frame.iloc[0]["condition"] == pytest.approx(first[1] / first[0])


def test_curvature_of_the_quadratic_and_a_kink():
    frame = curvature_along(OBJECTIVES["quadratic"], [[1.0, 1.0], [0.0, 0.5]])
    np.testing.assert_allclose(frame["lambda_min"], 1.0)
    np.testing.assert_allclose(frame["lambda_max"], 100.0)
    np.testing.assert_allclose(frame["condition"], 100.0)
    kink = curvature_along(OBJECTIVES["ackley"], [[0.0, 0.0]])  # not differentiable at 0
    assert np.isnan(kink["condition"].iloc[0])


def test_condition_numbers():
    lam = np.array([[1.0, 100.0], [-2.0, 2.0], [0.0, 3.0], [np.nan, 1.0]])
    cond = condition_numbers(lam)
    assert cond[:3].tolist() == [100.0, 1.0, np.inf] and np.isnan(cond[3])


@pytest.mark.parametrize(
    ("oid", "limit"),
    [
        ("quadratic", 0.02),
        ("booth", 2 / 18),
        ("matyas", 2.0),
        ("saddle", None),  # a quadratic, but not convex
        ("rosenbrock", None),
        ("himmelblau", None),
    ],
)
def test_stability_limit(oid, limit):
    got = stability_limit(OBJECTIVES[oid])
    assert got == (None if limit is None else pytest.approx(limit, rel=1e-12))


def test_heavy_ball_limit_grows_with_momentum():
    assert stability_limit(OBJECTIVES["quadratic"], 0.5) == pytest.approx(0.03)
    assert constant_hessian(OBJECTIVES["rosenbrock"]) is None
    with pytest.raises(ValueError, match="Momentum"):
        stability_limit(OBJECTIVES["quadratic"], 1.0)


def test_points_are_capped():
    with pytest.raises(ValueError, match="N <="):
        hessians(OBJECTIVES["quadratic"], np.zeros((100_001, 2)))
    with pytest.raises(ValueError, match="one step index"):
        curvature_along(OBJECTIVES["quadratic"], [[0.0, 0.0]], t=[0, 1])


@pytest.mark.parametrize(
    ("call", "chinese"),
    [
        (lambda: stability_limit(OBJECTIVES["quadratic"], 1.0), "动量必须在 [0, 1) 内，当前为 1"),
        (lambda: hessians(OBJECTIVES["quadratic"], np.zeros((3, 3))), "N <= 100,000"),
        (lambda: curvature_along(OBJECTIVES["quadratic"], [[0.0, 0.0]], t=[0, 1]), "每个点"),
    ],
)
def test_refusals_in_chinese(call, chinese):
    with pytest.raises(Refusal) as refused:
        call()
    assert chinese in refused.value.message("zh")
