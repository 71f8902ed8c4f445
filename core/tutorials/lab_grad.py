"""The Autograd Lab's sections 4 and 5, the tutorial's part 2 (利用autograd.grad方法求导数):
torch.autograd.grad and higher-order derivatives (create_graph=True makes the gradient
differentiable), and several independent and dependent variables (summed gradients, and
retain_graph for a second backward pass)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from core.problems.parabola import PLOT_POINTS, quadratic
from core.text.i18n import comment, text
from core.text.refusal import Phrase, Refusal
from core.tutorials.lab_code import Cell, Printer, lit
from core.tutorials.lab_function import Y_CODE, head_code, tensor_coefficients
from core.tutorials.lab_inputs import coefficients, number


@dataclass(frozen=True, slots=True)
class HigherOrder:
    """Section 4: f'(x) with create_graph=True, then f''(x) from it; all three over a range.

    Attributes:
        x: the point.
        first, second: f'(x) and f''(x) as floats.
        first_repr, second_repr: dy_dx and dy2_dx2 as torch prints them without .data (dy_dx
            still has a grad_fn).
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
    p: Printer, abc: tuple[torch.Tensor, ...], lo: float, hi: float, lang: str
) -> tuple[tuple[torch.Tensor, ...], Cell]:
    """f, f' and f'' at PLOT_POINTS points from lo to hi, from the same calls in one batch: the
    points, the three curves and the cell that shows them."""
    xs = torch.linspace(lo, hi, PLOT_POINTS, requires_grad=True)
    ys = quadratic(xs, *abc)
    dys = torch.autograd.grad(ys.sum(), xs, create_graph=True)[0]
    d2ys = torch.autograd.grad(dys.sum(), xs)[0]
    p(ys.shape, dys.shape, d2ys.shape)
    code = f"""
xs = torch.linspace({lit(lo)}, {lit(hi)}, {PLOT_POINTS}, requires_grad=True)
ys = a*torch.pow(xs,2) + b*xs + c
dys = torch.autograd.grad(ys.sum(), xs, create_graph=True)[0]
d2ys = torch.autograd.grad(dys.sum(), xs)[0]
print(ys.shape, dys.shape, d2ys.shape)
"""
    cell = p.cell(text("lab_cell_curves", lang, points=PLOT_POINTS), code)
    return (xs, ys, dys, d2ys), cell


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
    """The tutorial's torch.autograd.grad twice (create_graph=True, then the second derivative),
    the same without .data, and f, f', f'' over [lo, hi].

    Raises:
        Refusal: non-finite or too large inputs, or lo >= hi.
    """
    a, b, c = coefficients(a, b, c)
    x0 = number("x", x)
    lo, hi = _plot_range(lo, hi)
    abc = tensor_coefficients(a, b, c)
    p = Printer()

    xt = torch.tensor(x0, requires_grad=True)
    y = quadratic(xt, *abc)
    dy_dx = torch.autograd.grad(y, xt, create_graph=True)[0]
    p(dy_dx.data)
    dy2_dx2 = torch.autograd.grad(dy_dx, xt)[0]
    p(dy2_dx2.data)
    code = f"""{head_code(lit(x0), a, b, c, comment("lab_code_derivative", lang), lang)}{Y_CODE}


{comment("lab_code_create_graph", lang)}
dy_dx = torch.autograd.grad(y,x,create_graph=True)[0]
print(dy_dx.data)

{comment("lab_code_second", lang)}
dy2_dx2 = torch.autograd.grad(dy_dx,x)[0]

print(dy2_dx2.data)
"""
    tutorial = p.cell(text("lab_cell_grad", lang), code)
    p(dy_dx)
    p(dy2_dx2)
    graphs = p.cell(
        text("lab_cell_second", lang, value=f"{2 * a:g}"), "print(dy_dx)\nprint(dy2_dx2)"
    )
    (xs, ys, dys, d2ys), curves = _curves(p, abc, lo, hi, lang)
    return HigherOrder(
        x=x0,
        first=dy_dx.item(),
        second=dy2_dx2.item(),
        first_repr=repr(dy_dx),
        second_repr=repr(dy2_dx2),
        grid=tuple(xs.detach().tolist()),
        f=tuple(ys.detach().tolist()),
        df=tuple(dys.detach().tolist()),
        d2f=tuple(d2ys.tolist()),
        cells=(tutorial, graphs, curves),
    )


@dataclass(frozen=True, slots=True)
class SeveralInputs:
    """Section 5: y1 = x1 * x2 and y2 = x1 + x2, differentiated together and apart.

    Attributes:
        grad_y1: the gradients of y1 with respect to [x1, x2] as the tutorial prints them,
            print(dy1_dx1,dy1_dx2): e.g. "tensor(2.) tensor(1.)".
        grad_both: the same for [y1, y2] (their gradients summed).
        grad_sum: torch.autograd.grad of y1 + y2, a tuple as printed: the same numbers.
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


def _second_pass(p: Printer, x1: torch.Tensor, x2: torch.Tensor, lang: str) -> tuple[str, Cell]:
    """A second backward() through a graph the first one freed: torch's message, and the cell."""
    y = x1 * x2
    y.backward()
    p(x1.grad, x2.grad)
    error, second = p.caught("y.backward()", y.backward)
    code = f"""
y = x1*x2
y.backward()
print(x1.grad, x2.grad)
{second.strip()}
"""
    return error, p.cell(text("lab_cell_freed", lang), code)


def _retained(p: Printer, x1: torch.Tensor, x2: torch.Tensor, lang: str) -> tuple[str, Cell]:
    """Two backward() calls through a retained graph: the gradients as printed, and the cell."""
    code = """
x1.grad = None
x2.grad = None
y = x1*x2
y.backward(retain_graph=True)
y.backward()
print(x1.grad, x2.grad)
"""
    p.run(code, x1=x1, x2=x2)
    # print(), not format(): a 0-d tensor's format gives 4.0
    return f"{x1.grad!s} {x2.grad!s}", p.cell(text("lab_cell_retained", lang), code)


def _of_the_sum(p: Printer, x1: torch.Tensor, x2: torch.Tensor, lang: str) -> tuple[str, Cell]:
    """The gradient of y1 + y2, the same numbers as that of [y1, y2]: as printed, and the cell."""
    y1 = x1 * x2
    y2 = x1 + x2
    of_the_sum = torch.autograd.grad(outputs=y1 + y2, inputs=[x1, x2])
    p(of_the_sum)
    code = f"""
{comment("lab_code_rebuild", lang)}
y1 = x1*x2
y2 = x1+x2
print(torch.autograd.grad(outputs=y1+y2,inputs=[x1,x2]))
"""
    return str(of_the_sum), p.cell(text("lab_cell_two_outputs", lang), code)


def several_inputs(x1: float = 1.0, x2: float = 2.0, *, lang: str = "en") -> SeveralInputs:
    """The tutorial's gradients of y1 = x1*x2 and y2 = x1+x2 with respect to [x1, x2]; then the
    gradient of y1 + y2, and a second backward() without and with retain_graph.

    Raises:
        Refusal: non-finite or too large inputs.
    """
    v1, v2 = number("x1", x1), number("x2", x2)
    p = Printer()

    t1 = torch.tensor(v1, requires_grad=True)
    t2 = torch.tensor(v2, requires_grad=True)
    y1 = t1 * t2
    y2 = t1 + t2
    (dy1_dx1, dy1_dx2) = torch.autograd.grad(outputs=y1, inputs=[t1, t2], retain_graph=True)
    p(dy1_dx1, dy1_dx2)
    (dy12_dx1, dy12_dx2) = torch.autograd.grad(outputs=[y1, y2], inputs=[t1, t2])
    p(dy12_dx1, dy12_dx2)
    code = f"""
import torch

x1 = torch.tensor({lit(v1)},requires_grad = True) {comment("lab_code_x_grad", lang)}
x2 = torch.tensor({lit(v2)},requires_grad = True)

y1 = x1*x2
y2 = x1+x2


{comment("lab_code_several_inputs", lang)}
(dy1_dx1,dy1_dx2) = torch.autograd.grad(outputs=y1,inputs = [x1,x2],retain_graph = True)
print(dy1_dx1,dy1_dx2)

{comment("lab_code_several_outputs", lang)}
(dy12_dx1,dy12_dx2) = torch.autograd.grad(outputs=[y1,y2],inputs = [x1,x2])
print(dy12_dx1,dy12_dx2)
"""
    tutorial = p.cell(text("lab_cell_one_output", lang), code)
    of_the_sum, summed = _of_the_sum(p, t1, t2, lang)
    error, freed = _second_pass(p, t1, t2, lang)
    retained, kept = _retained(p, t1, t2, lang)
    return SeveralInputs(
        grad_y1=f"{dy1_dx1!s} {dy1_dx2!s}",
        grad_both=f"{dy12_dx1!s} {dy12_dx2!s}",
        grad_sum=of_the_sum,
        grad_y1_values=(dy1_dx1.item(), dy1_dx2.item()),
        grad_both_values=(dy12_dx1.item(), dy12_dx2.item()),
        error=error,
        retained=retained,
        cells=(tutorial, summed, freed, kept),
    )
