"""The Autograd Lab's sections 4 and 5: torch.autograd.grad and higher-order derivatives
(create_graph=True makes the gradient differentiable), and several inputs and outputs (summed
gradients, and retain_graph for a second backward pass)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from core.problems.parabola import PLOT_POINTS, quadratic
from core.text.i18n import text
from core.text.refusal import Phrase, Refusal
from core.tutorials.lab_code import Cell, Printer, caught, caught_code, f_of_x_code, lit
from core.tutorials.lab_inputs import coefficients, number


@dataclass(frozen=True, slots=True)
class HigherOrder:
    """Section 4: f'(x) with create_graph=True, then f''(x) from it; all three over a range.

    Attributes:
        x: the point.
        first, second: f'(x) and f''(x) as floats.
        first_repr, second_repr: the same as torch prints them (f' still has a grad_fn).
        grid, f, df, d2f: f, f' and f'' over the plot range, computed by autograd.
        cells: the code and what it prints.
    """

    x: float
    first: float
    second: float
    first_repr: str
    second_repr: str
    grid: tuple[float, ...]
    f: tuple[float, ...]
    df: tuple[float, ...]
    d2f: tuple[float, ...]
    cells: tuple[Cell, ...]


def _plot_range(lo: float, hi: float) -> tuple[float, float]:
    lo = number(Phrase("lab_name_from"), lo)
    hi = number(Phrase("lab_name_to"), hi)
    if not lo < hi:
        raise Refusal("lab_err_plot_range", lo=f"{lo:g}", hi=f"{hi:g}")
    return lo, hi


def _curves(
    p: Printer, coefficients: tuple[float, float, float], lo: float, hi: float, lang: str
) -> tuple[tuple[torch.Tensor, ...], Cell]:
    """f, f' and f'' at PLOT_POINTS points from lo to hi, from the same calls in one batch: the
    points, the three curves and the cell that shows them."""
    xs = torch.linspace(lo, hi, PLOT_POINTS, requires_grad=True)
    fs = quadratic(xs, *coefficients)
    (dfs,) = torch.autograd.grad(fs.sum(), xs, create_graph=True)
    (d2fs,) = torch.autograd.grad(dfs.sum(), xs)
    p(fs.shape, dfs.shape, d2fs.shape)
    code = f"""
xs = torch.linspace({lit(lo)}, {lit(hi)}, {PLOT_POINTS}, requires_grad=True)
fs = a * xs**2 + b * xs + c
(dfs,) = torch.autograd.grad(fs.sum(), xs, create_graph=True)
(d2fs,) = torch.autograd.grad(dfs.sum(), xs)
print(fs.shape, dfs.shape, d2fs.shape)
"""
    cell = p.cell(text("lab_cell_curves", lang, points=PLOT_POINTS), code)
    return (xs, fs, dfs, d2fs), cell


def higher_order(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x: float = 0.0,
    lo: float = -2.0,
    hi: float = 4.0,
    *,
    lang: str = "en",
) -> HigherOrder:
    """Differentiate f twice with torch.autograd.grad, at x and over [lo, hi].

    Raises:
        Refusal: non-finite or too large inputs, or lo >= hi.
    """
    a, b, c = coefficients(a, b, c)
    x0 = number("x", x)
    lo, hi = _plot_range(lo, hi)
    p = Printer()

    xt = torch.tensor(x0, requires_grad=True)
    f = quadratic(xt, a, b, c)
    (df,) = torch.autograd.grad(f, xt, create_graph=True)
    p(df)
    code = f"""{f_of_x_code(lit(x0), a, b, c)}(df,) = torch.autograd.grad(f, x, create_graph=True)
print(df)
"""
    first = p.cell(text("lab_cell_grad", lang), code)
    (d2f,) = torch.autograd.grad(df, xt)
    p(d2f)
    code = """
(d2f,) = torch.autograd.grad(df, x)
print(d2f)
"""
    second = p.cell(text("lab_cell_second", lang, value=f"{2 * a:g}"), code)
    (xs, fs, dfs, d2fs), curves = _curves(p, (a, b, c), lo, hi, lang)
    return HigherOrder(
        x=x0,
        first=df.item(),
        second=d2f.item(),
        first_repr=repr(df),
        second_repr=repr(d2f),
        grid=tuple(xs.detach().tolist()),
        f=tuple(fs.detach().tolist()),
        df=tuple(dfs.detach().tolist()),
        d2f=tuple(d2fs.tolist()),
        cells=(first, second, curves),
    )


@dataclass(frozen=True, slots=True)
class SeveralInputs:
    """Section 5: y1 = x1 * x2 and y2 = x1 + x2, differentiated together and apart.

    Attributes:
        grad_y1: torch.autograd.grad(y1, [x1, x2]) as printed, e.g. "(tensor(2.), tensor(1.))".
        grad_both: the same for [y1, y2] (their gradients summed).
        grad_sum: the same for y1 + y2 (identical to grad_both).
        grad_y1_values, grad_both_values: the same as floats.
        error: torch's message for a second backward() through a freed graph.
        retained: x1.grad and x2.grad after two backward() calls with retain_graph=True.
        cells: the code and what it prints.
    """

    grad_y1: str
    grad_both: str
    grad_sum: str
    grad_y1_values: tuple[float, float]
    grad_both_values: tuple[float, float]
    error: str
    retained: str
    cells: tuple[Cell, ...]


def _second_pass(p: Printer, t1: torch.Tensor, t2: torch.Tensor, lang: str) -> tuple[str, Cell]:
    """A second backward() through a graph the first one freed: torch's message, and the cell."""
    y = t1 * t2
    y.backward()
    p(t1.grad, t2.grad)
    error = caught(p, y.backward)
    code = f"""
y = x1 * x2
y.backward()
print(x1.grad, x2.grad)
{caught_code("y.backward()").strip()}
"""
    return error, p.cell(text("lab_cell_freed", lang), code)


def _retained(p: Printer, t1: torch.Tensor, t2: torch.Tensor, lang: str) -> tuple[str, Cell]:
    """Two backward() calls through a retained graph: the gradients as printed, and the cell."""
    t1.grad = None
    t2.grad = None
    y = t1 * t2
    y.backward(retain_graph=True)
    y.backward()
    p(t1.grad, t2.grad)
    code = """
x1.grad = None
x2.grad = None
y = x1 * x2
y.backward(retain_graph=True)
y.backward()
print(x1.grad, x2.grad)
"""
    # print(), not format(): a 0-d tensor's format gives 4.0
    return f"{t1.grad!s} {t2.grad!s}", p.cell(text("lab_cell_retained", lang), code)


def several_inputs(x1: float = 1.0, x2: float = 2.0, *, lang: str = "en") -> SeveralInputs:
    """Gradients of y1 = x1 * x2 and y2 = x1 + x2 with respect to [x1, x2].

    Raises:
        Refusal: non-finite or too large inputs.
    """
    v1, v2 = number("x1", x1), number("x2", x2)
    p = Printer()
    cells = []

    t1 = torch.tensor(v1, requires_grad=True)
    t2 = torch.tensor(v2, requires_grad=True)
    y1 = t1 * t2
    y2 = t1 + t2
    g_y1 = torch.autograd.grad(y1, [t1, t2], retain_graph=True)
    p(g_y1)
    code = f"""
import torch

x1 = torch.tensor({lit(v1)}, requires_grad=True)
x2 = torch.tensor({lit(v2)}, requires_grad=True)
y1 = x1 * x2
y2 = x1 + x2
print(torch.autograd.grad(y1, [x1, x2], retain_graph=True))
"""
    cells.append(p.cell(text("lab_cell_one_output", lang), code))

    g_both = torch.autograd.grad([y1, y2], [t1, t2], retain_graph=True)
    g_sum = torch.autograd.grad(y1 + y2, [t1, t2])
    p(g_both)
    p(g_sum)
    code = """
print(torch.autograd.grad([y1, y2], [x1, x2], retain_graph=True))
print(torch.autograd.grad(y1 + y2, [x1, x2]))
"""
    cells.append(p.cell(text("lab_cell_two_outputs", lang), code))

    error, freed = _second_pass(p, t1, t2, lang)
    retained, kept = _retained(p, t1, t2, lang)
    return SeveralInputs(
        grad_y1=str(g_y1),
        grad_both=str(g_both),
        grad_sum=str(g_sum),
        grad_y1_values=(g_y1[0].item(), g_y1[1].item()),
        grad_both_values=(g_both[0].item(), g_both[1].item()),
        error=error,
        retained=retained,
        cells=(*cells, freed, kept),
    )
