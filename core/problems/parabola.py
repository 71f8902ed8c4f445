"""The Autograd Lab's function, the tutorial's f(x) = a x² + b x + c: its torch expression, its
formula as text, its minimiser, its curve for the charts, and when a path of x along it has run
away (the Lab's notes say so, its charts leave that part out).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

PLOT_POINTS = 201  # points of a plotted curve
HUGE = 1e6  # |x| beyond this counts as running away (and is left out of the plots)


Coefficient = float | torch.Tensor


def quadratic(x: torch.Tensor, a: Coefficient, b: Coefficient, c: Coefficient) -> torch.Tensor:
    """f(x), as the tutorial writes it: `a*torch.pow(x,2) + b*x + c`. The Lab's sections pass the
    coefficients as the tutorial's 0-d tensors, the charts as floats. The x² term stays in the
    graph even when a = 0, so f' always has a grad_fn and f'' = 0 comes out instead of an error."""
    return a * torch.pow(x, 2) + b * x + c


def minimiser(a: float, b: float) -> float | None:
    """-b / (2a) when f has a minimum (a > 0), else None."""
    return -b / (2 * a) if a > 0 else None


def curve(a: float, b: float, c: float, lo: float, hi: float) -> tuple[list[float], list[float]]:
    """f at PLOT_POINTS points from lo to hi, in float64: the xs and the values."""
    xs = torch.linspace(lo, hi, PLOT_POINTS, dtype=torch.float64)
    return xs.tolist(), quadratic(xs, a, b, c).tolist()


def _coefficient(value: float, latex: bool) -> str:
    shown = f"{value:g}"
    if latex and "e" in shown:  # 1e+06 -> 1 \cdot 10^{6}
        mantissa, exponent = shown.split("e")
        shown = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return shown


def formula(a: float, b: float, c: float, *, latex: bool = False) -> str:
    """The right-hand side of f(x) = a x^2 + b x + c with the numbers filled in.

    Zero terms are left out and unit coefficients are not written: (1, -2, 1) gives "x² - 2x + 1",
    or "x^2 - 2x + 1" with `latex=True`.
    """
    terms: list[tuple[str, str]] = []
    for coef, power in ((a, "x^2" if latex else "x²"), (b, "x"), (c, "")):
        if coef == 0:
            continue
        magnitude = abs(coef)
        body = "" if power and magnitude == 1 else _coefficient(magnitude, latex)
        terms.append(("-" if coef < 0 else "+", body + power))
    if not terms:
        return "0"
    (sign, first), rest = terms[0], terms[1:]
    return ("-" if sign == "-" else "") + first + "".join(f" {s} {t}" for s, t in rest)


def runaway_step(path: Sequence[float]) -> int | None:
    """The first step whose x is non-finite or beyond ±HUGE, or None if the run stayed sane."""
    for t, value in enumerate(path):
        if not math.isfinite(value) or abs(value) > HUGE:
            return t
    return None


def plottable(path: Sequence[float]) -> tuple[float, ...]:
    """The prefix of `path` before it runs away (plots cannot show inf, NaN or 1e30)."""
    t = runaway_step(path)
    return tuple(path if t is None else path[:t])
