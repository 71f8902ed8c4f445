"""Every objective against its listed true minima, and batched evaluation against pointwise."""

import math

import pytest
import torch

from core.problems.objectives import OBJECTIVES

# Where the minimum is not a smooth stationary point, the gradient test does not apply.
NONSMOOTH_MINIMA = {
    "ackley": "sqrt(x^2 + y^2) has no derivative at the origin (autograd gives NaN)",
    "eggholder": "the minimum lies on the box boundary, not at a stationary point",
}

IDS = list(OBJECTIVES)


def test_registry_holds_the_standard_functions_and_teaching_surfaces():
    standard = {
        "rosenbrock",
        "beale",
        "himmelblau",
        "booth",
        "rastrigin",
        "ackley",
        "goldstein_price",
        "six_hump_camel",
        "matyas",
        "three_hump_camel",
        "styblinski_tang",
        "levi13",
        "mccormick",
        "easom",
        "eggholder",
    }
    assert standard | {"quadratic", "banana", "saddle", "two_wells"} == set(OBJECTIVES)


@pytest.mark.parametrize("oid", IDS)
def test_value_at_every_minimum_is_f_min(oid):
    obj = OBJECTIVES[oid]
    for point in obj.minima:
        value = obj.fn(torch.tensor(point, dtype=torch.float64)).item()
        assert value == pytest.approx(obj.f_min, abs=1e-9), point


@pytest.mark.parametrize("oid", [i for i in IDS if i not in NONSMOOTH_MINIMA])
def test_gradient_vanishes_at_every_minimum(oid):
    obj = OBJECTIVES[oid]
    for point in obj.minima:
        p = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        obj.fn(p).backward()
        assert p.grad.abs().max().item() < 1e-6, (point, p.grad)


@pytest.mark.parametrize("oid", [i for i in IDS if OBJECTIVES[i].f_min is not None])
def test_no_point_of_a_fine_grid_is_below_f_min(oid):
    obj = OBJECTIVES[oid]
    (x0, x1), (y0, y1) = obj.box
    xs, ys = (
        torch.linspace(x0, x1, 401, dtype=torch.float64),
        torch.linspace(y0, y1, 401, dtype=torch.float64),
    )
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1)
    assert obj.fn(grid).min().item() >= obj.f_min - 1e-9


@pytest.mark.parametrize("oid", IDS)
def test_batch_equals_point_by_point(oid):
    obj = OBJECTIVES[oid]
    (x0, x1), (y0, y1) = obj.box
    gen = torch.Generator().manual_seed(0)
    u = torch.rand(3, 5, 2, generator=gen, dtype=torch.float64)
    points = torch.stack([x0 + (x1 - x0) * u[..., 0], y0 + (y1 - y0) * u[..., 1]], dim=-1)
    batched = obj.fn(points)
    assert batched.shape == (3, 5)
    for i in range(3):
        for j in range(5):
            assert batched[i, j].item() == obj.fn(points[i, j]).item()


@pytest.mark.parametrize("oid", IDS)
def test_record_is_consistent(oid):
    obj = OBJECTIVES[oid]
    (x0, x1), (y0, y1) = obj.box
    assert obj.name and obj.latex
    assert x0 <= obj.start[0] <= x1 and y0 <= obj.start[1] <= y1
    assert all(isinstance(c, float) for point in obj.minima for c in point)
    assert math.isfinite(obj.fn(torch.tensor(obj.start)).item())
    assert obj.lr_gradient > 0 and obj.lr_step > 0


def test_quadratic_has_eigenvalues_1_and_100():
    p = torch.zeros(2, dtype=torch.float64)
    hessian = torch.autograd.functional.hessian(OBJECTIVES["quadratic"].fn, p)
    assert torch.linalg.eigvalsh(hessian).tolist() == pytest.approx([1.0, 100.0])


def test_three_hump_camel_minimum_is_zero_not_the_misprinted_value():
    assert OBJECTIVES["three_hump_camel"].f_min == 0.0
