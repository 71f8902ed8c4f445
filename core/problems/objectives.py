"""Objective functions as data: each callable sits beside its formula, plot box and true minima.

Every `fn` takes points of shape `[..., 2]` and reduces only over the last dimension, so one call
evaluates a single point, a path or a whole grid of starts. Values of the standard functions come
from Surjanovic & Bingham's Virtual Library of Simulation Experiments; the digits of each minimiser
were re-checked numerically (value at the minimiser, gradient about zero).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch

from core.problems.registry import registry

Point = tuple[float, float]
Box = tuple[tuple[float, float], tuple[float, float]]
TorchFn = Callable[[torch.Tensor], torch.Tensor]

PI = math.pi


@dataclass(frozen=True, slots=True)
class Objective:
    """A 2-D test function with everything needed to plot it and judge a run on it.

    Attributes:
        id: registry key.
        name: display name.
        fn: torch callable, points `[..., 2]` -> values `[...]`.
        latex: the formula, as LaTeX.
        box: plot box ((xmin, xmax), (ymin, ymax)).
        minima: every known global minimiser; empty when the function is unbounded below.
        f_min: the global minimum value, or None when there is none.
        start: default start point, inside the box.
        lr_gradient: default learning rate for gradient-scaled optimizers (SGD family).
        lr_step: default learning rate for step-scaled optimizers (Adam family: lr ~ step length).
        note: one teaching sentence about the landscape.
        setup_work: the work (in the work budget's optimizer-steps) spent making this objective,
            which a request that makes it also pays for: a typed formula's minimum estimate.
    """

    id: str
    name: str
    fn: TorchFn
    latex: str
    box: Box
    minima: tuple[Point, ...]
    f_min: float | None
    start: Point
    lr_gradient: float
    lr_step: float
    note: str = ""
    setup_work: float = 0.0

    def __post_init__(self) -> None:
        # The registry's entries, and typed formulas after check_box: only a programming mistake
        # breaks these, so they stay plain English.
        (x0, x1), (y0, y1) = self.box
        if not (x0 < x1 and y0 < y1):
            raise ValueError(f"{self.id}: empty box {self.box}")
        if not (x0 <= self.start[0] <= x1 and y0 <= self.start[1] <= y1):
            raise ValueError(f"{self.id}: start {self.start} outside the box")
        if self.minima and self.f_min is None:
            raise ValueError(f"{self.id}: minima given without f_min")


def _xy(p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return p[..., 0], p[..., 1]


def rosenbrock(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def beale(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def himmelblau(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def booth(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def rastrigin(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return 20 + x**2 + y**2 - 10 * (torch.cos(2 * PI * x) + torch.cos(2 * PI * y))


def ackley(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    radius = torch.sqrt((x**2 + y**2) / 2)
    waves = (torch.cos(2 * PI * x) + torch.cos(2 * PI * y)) / 2
    return -20 * torch.exp(-0.2 * radius) - torch.exp(waves) + 20 + math.e


def goldstein_price(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


def six_hump_camel(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def matyas(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def three_hump_camel(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2


def styblinski_tang(p: torch.Tensor) -> torch.Tensor:
    # Written per coordinate: a reduction kernel over [..., 2] may round differently for a
    # stack of points than for one, and a race evaluates many points at once.
    x, y = _xy(p)
    return (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y) / 2


def levi13(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (
        torch.sin(3 * PI * x) ** 2
        + (x - 1) ** 2 * (1 + torch.sin(3 * PI * y) ** 2)
        + (y - 1) ** 2 * (1 + torch.sin(2 * PI * y) ** 2)
    )


def mccormick(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return torch.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1


def easom(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return -torch.cos(x) * torch.cos(y) * torch.exp(-((x - PI) ** 2 + (y - PI) ** 2))


def eggholder(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return -(y + 47) * torch.sin(torch.sqrt(torch.abs(y + x / 2 + 47))) - x * torch.sin(
        torch.sqrt(torch.abs(x - (y + 47)))
    )


def quadratic(p: torch.Tensor) -> torch.Tensor:
    # 0.5 p^T A p, A = R diag(1, 100) R^T, R the pi/4 rotation: [[50.5, -49.5], [-49.5, 50.5]]
    # (eigenvalue 1 along (1, 1), 100 along (1, -1)).
    x, y = _xy(p)
    return 25.25 * x**2 - 49.5 * x * y + 25.25 * y**2


def banana(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (1 - x) ** 2 + 20 * (3 * y - x**2) ** 2


def saddle(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return x**2 - y**2


def two_wells(p: torch.Tensor) -> torch.Tensor:
    x, y = _xy(p)
    return (x**2 - 1) ** 2 + 0.3 * x + y**2


_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.2831859912861696),
    (3.5844283403304917, -1.8481265269644036),
)
_CAMEL_X, _CAMEL_Y = 0.08984201310032207, -0.7126564030207152
_ST = -2.9035340276126953
_MCCORMICK_X = 0.5 - PI / 3

OBJECTIVES: Mapping[str, Objective] = registry(
    (
        Objective(
            "rosenbrock",
            "Rosenbrock",
            rosenbrock,
            r"(1 - x)^2 + 100\,(y - x^2)^2",
            ((-2.0, 2.0), (-1.0, 3.0)),
            ((1.0, 1.0),),
            0.0,
            (-1.2, 1.0),
            lr_gradient=2e-3,
            lr_step=0.2,
            note="A long curved valley: easy to find, slow to follow.",
        ),
        Objective(
            "beale",
            "Beale",
            beale,
            r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            ((-4.5, 4.5), (-4.5, 4.5)),
            ((3.0, 0.5),),
            0.0,
            (1.0, 1.5),
            lr_gradient=4e-3,
            lr_step=0.2,
            note="Flat middle, huge corners: values span many decades.",
        ),
        Objective(
            "himmelblau",
            "Himmelblau",
            himmelblau,
            r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            ((-5.0, 5.0), (-5.0, 5.0)),
            _HIMMELBLAU_MINIMA,
            0.0,
            (0.0, -0.5),
            lr_gradient=0.01,
            lr_step=0.1,
            note="Four global minima, four basins: the start decides.",
        ),
        Objective(
            "booth",
            "Booth",
            booth,
            r"(x + 2y - 7)^2 + (2x + y - 5)^2",
            ((-10.0, 10.0), (-10.0, 10.0)),
            ((1.0, 3.0),),
            0.0,
            (8.0, -8.0),
            lr_gradient=0.02,
            lr_step=0.3,
            note="A convex quadratic bowl, Hessian [[10, 8], [8, 10]].",
        ),
        Objective(
            "rastrigin",
            "Rastrigin",
            rastrigin,
            r"20 + x^2 + y^2 - 10\,(\cos 2\pi x + \cos 2\pi y)",
            ((-5.12, 5.12), (-5.12, 5.12)),
            ((0.0, 0.0),),
            0.0,
            (2.5, 3.5),
            lr_gradient=4e-3,
            lr_step=0.5,
            note="A lattice of local minima around one global minimum.",
        ),
        Objective(
            "ackley",
            "Ackley",
            ackley,
            r"-20\,e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + 20 + e",
            ((-5.0, 5.0), (-5.0, 5.0)),
            ((0.0, 0.0),),
            0.0,
            (-4.5, 2.5),
            lr_gradient=0.02,
            lr_step=0.5,
            note="Many ripples on a funnel; not differentiable at the minimum.",
        ),
        Objective(
            "goldstein_price",
            "Goldstein-Price",
            goldstein_price,
            r"[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]"
            r"\,[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)]",
            ((-2.0, 2.0), (-2.0, 2.0)),
            ((0.0, -1.0),),
            3.0,
            (-1.5, -0.9),
            lr_gradient=3e-5,
            lr_step=0.1,
            note="Steep walls and local minima at 30, 84 and 840.",
        ),
        Objective(
            "six_hump_camel",
            "Six-Hump Camel",
            six_hump_camel,
            r"(4 - 2.1x^2 + x^4/3)\,x^2 + xy + (-4 + 4y^2)\,y^2",
            ((-2.0, 2.0), (-1.0, 1.0)),
            ((_CAMEL_X, _CAMEL_Y), (-_CAMEL_X, -_CAMEL_Y)),
            -1.031628453489877,
            (1.1, -0.9),
            lr_gradient=0.02,
            lr_step=0.05,
            note="Six local minima, two of them global.",
        ),
        Objective(
            "matyas",
            "Matyas",
            matyas,
            r"0.26\,(x^2 + y^2) - 0.48\,xy",
            ((-10.0, 10.0), (-10.0, 10.0)),
            ((0.0, 0.0),),
            0.0,
            (-8.0, 6.0),
            lr_gradient=1.0,
            lr_step=0.3,
            note="A shallow tilted valley: Hessian eigenvalues 0.04 and 1.",
        ),
        Objective(
            "three_hump_camel",
            "Three-Hump Camel",
            three_hump_camel,
            r"2x^2 - 1.05x^4 + x^6/6 + xy + y^2",
            ((-2.0, 2.0), (-2.0, 2.0)),
            ((0.0, 0.0),),
            0.0,
            (-1.9, -1.6),
            lr_gradient=0.05,
            lr_step=0.05,
            note="One global and two local minima (value 0.29864).",
        ),
        Objective(
            "styblinski_tang",
            "Styblinski-Tang",
            styblinski_tang,
            r"\tfrac{1}{2}\,(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)",
            ((-5.0, 5.0), (-5.0, 5.0)),
            ((_ST, _ST),),
            -78.33233140754284,
            (4.5, -0.5),
            lr_gradient=0.01,
            lr_step=0.1,
            note="Four wells of different depth.",
        ),
        Objective(
            "levi13",
            "Levi N.13",
            levi13,
            r"\sin^2 3\pi x + (x - 1)^2 (1 + \sin^2 3\pi y) + (y - 1)^2 (1 + \sin^2 2\pi y)",
            ((-4.0, 6.0), (-4.0, 6.0)),
            ((1.0, 1.0),),
            0.0,
            (-3.5, 0.5),
            lr_gradient=2e-3,
            lr_step=0.3,
            note="Dense ripples over a bowl.",
        ),
        Objective(
            "mccormick",
            "McCormick",
            mccormick,
            r"\sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1",
            ((-1.5, 4.0), (-3.0, 4.0)),
            ((_MCCORMICK_X, _MCCORMICK_X - 1),),
            -1.9132229549810362,
            (3.5, -2.5),
            lr_gradient=0.02,
            lr_step=0.1,
            note="A smooth tilted valley.",
        ),
        Objective(
            "easom",
            "Easom",
            easom,
            r"-\cos x \cos y\; e^{-((x - \pi)^2 + (y - \pi)^2)}",
            ((0.0, 6.0), (0.0, 6.0)),
            ((PI, PI),),
            -1.0,
            (4.5, 1.5),
            lr_gradient=0.5,
            lr_step=0.05,
            note="Flat almost everywhere, one narrow hole (zoomed box).",
        ),
        Objective(
            "eggholder",
            "Eggholder",
            eggholder,
            r"-(y + 47)\sin\sqrt{|y + x/2 + 47|} - x \sin\sqrt{|x - (y + 47)|}",
            ((-512.0, 512.0), (-512.0, 512.0)),
            ((512.0, 404.2318049938646),),
            -959.6406627208507,
            (450.0, 350.0),
            lr_gradient=1.0,
            lr_step=5.0,
            note="Global minimum on the boundary: turn on the box constraint.",
        ),
        Objective(
            "quadratic",
            "Ill-conditioned quadratic",
            quadratic,
            r"\tfrac{1}{2}\,p^\top A p,\quad A = R_{\pi/4}\,\mathrm{diag}(1, 100)\,R_{\pi/4}^\top",
            ((-2.0, 2.0), (-2.0, 2.0)),
            ((0.0, 0.0),),
            0.0,
            (-1.8, -0.8),
            lr_gradient=0.018,
            lr_step=0.1,
            note="Condition number 100: gradient descent zig-zags; stable only for lr < 0.02.",
        ),
        Objective(
            "banana",
            "Banana (scaled Rosenbrock)",
            banana,
            r"(1 - x)^2 + 20\,(3y - x^2)^2",
            ((-2.0, 2.0), (-1.0, 2.0)),
            ((1.0, 1.0 / 3.0),),
            0.0,
            (-1.5, 1.5),
            lr_gradient=2e-3,
            lr_step=0.3,
            note="A gentler curved valley.",
        ),
        Objective(
            "saddle",
            "Saddle",
            saddle,
            r"x^2 - y^2",
            ((-2.0, 2.0), (-2.0, 2.0)),
            (),
            None,
            (-1.8, 0.01),
            lr_gradient=0.01,
            lr_step=0.05,
            note="No minimum: who escapes the saddle along y, and how fast?",
        ),
        Objective(
            "two_wells",
            "Two wells",
            two_wells,
            r"(x^2 - 1)^2 + 0.3x + y^2",
            ((-2.0, 2.0), (-2.0, 2.0)),
            ((-1.0355787140888537, 0.0),),
            -0.305428483743916,
            (-1.7, 1.5),
            lr_gradient=0.05,
            lr_step=0.05,
            note="A deep well on the left, a shallow one on the right (0.294).",
        ),
    )
)
