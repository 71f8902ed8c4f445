"""The Autograd Lab's sections 2 and 3: backward() on a scalar (x.grad is the tangent's slope) and
on a non-scalar (it needs a `gradient`: a vector-Jacobian product, the same as the backward() of
a weighted sum)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from core.problems.parabola import curve, quadratic
from core.text.i18n import text
from core.text.refusal import Phrase, Refusal
from core.tutorials.lab_code import Cell, Printer, caught, caught_code, f_of_x_code, lit, nested_lit
from core.tutorials.lab_inputs import Nested, coefficients, number, parse_tensor_text, shape_text


@dataclass(frozen=True, slots=True)
class ScalarBackward:
    """Section 2: f(x) = a x^2 + b x + c at one x, and x.grad from f.backward().

    Attributes:
        a, b, c, x: the inputs.
        f: f(x) (float32, as torch computed it).
        grad: x.grad as a float: the slope of the tangent at x.
        f_repr, grad_repr: f and x.grad as torch prints them.
        curve_x, curve_f: f sampled over x ± 3, for the plot.
        cells: the code and what it prints.
    """

    a: float
    b: float
    c: float
    x: float
    f: float
    grad: float
    f_repr: str
    grad_repr: str
    curve_x: tuple[float, ...]
    curve_f: tuple[float, ...]
    cells: tuple[Cell, ...]


def scalar_backward(
    a: float = 1.0, b: float = -2.0, c: float = 1.0, x: float = 0.0, *, lang: str = "en"
) -> ScalarBackward:
    """Evaluate f at x with a tensor that requires grad, call f.backward() and read x.grad.

    Raises:
        Refusal: a non-finite or too large input.
    """
    a, b, c = coefficients(a, b, c)
    x0 = number("x", x)
    p = Printer()

    xt = torch.tensor(x0, requires_grad=True)
    f = quadratic(xt, a, b, c)
    p(f)
    code = f"{f_of_x_code(lit(x0), a, b, c)}print(f)"
    first = p.cell(text("lab_cell_forward", lang), code)
    f.backward()
    p(xt.grad)
    code = """
f.backward()
print(x.grad)
"""
    second = p.cell(text("lab_cell_backward", lang, value=f"{2 * a * x0 + b:g}"), code)
    assert xt.grad is not None  # backward() just filled it
    curve_x, curve_f = curve(a, b, c, x0 - 3.0, x0 + 3.0)
    return ScalarBackward(
        a=a,
        b=b,
        c=c,
        x=x0,
        f=f.item(),
        grad=xt.grad.item(),
        f_repr=repr(f),
        grad_repr=repr(xt.grad),
        curve_x=tuple(curve_x),
        curve_f=tuple(curve_f),
        cells=(first, second),
    )


@dataclass(frozen=True, slots=True)
class NonScalarBackward:
    """Section 3: the same f on a tensor x; backward needs a `gradient` of f's shape.

    Attributes:
        shape: the shape of x (and f, and the weights).
        f_repr: f(x) as torch prints it.
        error: torch's message for f.backward() without a gradient.
        grad: x.grad after f.backward(gradient=w), nested lists of floats.
        grad_repr: the same as torch prints it.
        weighted_grad_repr: x.grad after (f * w).sum().backward() on a fresh x.
        equal: whether the two gradients are identical (torch.equal).
        cells: the code and what it prints.
    """

    shape: tuple[int, ...]
    f_repr: str
    error: str
    grad: Nested
    grad_repr: str
    weighted_grad_repr: str
    equal: bool
    cells: tuple[Cell, ...]


def _tensor_and_weights(x: str, weights: str) -> tuple[Any, Any, tuple[int, ...]]:
    """Section 3's tensor and `gradient` weights from their text, of one shape."""
    # One number would make f a one-element tensor, which backward() accepts like a scalar.
    x_data, shape = parse_tensor_text(x, "x", min_dim=1, min_elements=2)
    w_data, w_shape = parse_tensor_text(weights, Phrase("lab_name_weights"), min_dim=1)
    if w_shape != shape:
        raise Refusal("lab_err_weights_shape", expected=shape_text(shape), got=shape_text(w_shape))
    return x_data, w_data, shape


def _weighted_sum(
    p: Printer,
    x_data: Any,
    wt: torch.Tensor,
    vjp: torch.Tensor,
    coefficients: tuple[float, float, float],
    lang: str,
) -> tuple[torch.Tensor, Cell]:
    """The same gradient as backward(gradient=w), from the scalar (f * w).sum(): its x.grad and
    the cell that shows it (and prints whether the two are equal)."""
    x2 = torch.tensor(x_data, requires_grad=True)
    (quadratic(x2, *coefficients) * wt).sum().backward()
    assert x2.grad is not None  # backward() just filled it
    p(x2.grad)
    p(torch.equal(vjp, x2.grad))
    code = f"""
x2 = torch.tensor({nested_lit(x_data)}, requires_grad=True)
f2 = a * x2**2 + b * x2 + c
(f2 * w).sum().backward()
print(x2.grad)
print(torch.equal(x.grad, x2.grad))
"""
    return x2.grad, p.cell(text("lab_cell_weighted_sum", lang), code)


def nonscalar_backward(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x: str = "[[0, 0], [1, 2]]",
    weights: str = "[[1, 1], [1, 1]]",
    *,
    lang: str = "en",
) -> NonScalarBackward:
    """Show backward() failing on a non-scalar f, then backward(gradient=w): a vector-Jacobian
    product.

    Args:
        a, b, c: the coefficients of f.
        x: the tensor, as text (a list or a matrix, 2 to MAX_ELEMENTS numbers).
        weights: the `gradient` tensor, as text, of the same shape as x.
        lang: the language of the captions.

    Raises:
        Refusal: unreadable text, a shape mismatch, or out-of-range numbers.
    """
    a, b, c = coefficients(a, b, c)
    x_data, w_data, shape = _tensor_and_weights(x, weights)
    p = Printer()
    cells = []

    xt = torch.tensor(x_data, requires_grad=True)
    f = quadratic(xt, a, b, c)
    p(f)
    code = f"{f_of_x_code(nested_lit(x_data), a, b, c)}print(f)"
    cells.append(p.cell(text("lab_cell_elementwise", lang), code))

    error = caught(p, f.backward)
    cells.append(p.cell(text("lab_cell_needs_scalar", lang), caught_code("f.backward()")))

    wt = torch.tensor(w_data)
    f.backward(gradient=wt)
    p(xt.grad)
    code = f"""
w = torch.tensor({nested_lit(w_data)})
f.backward(gradient=w)
print(x.grad)
"""
    cells.append(p.cell(text("lab_cell_vjp", lang), code))

    assert xt.grad is not None  # backward(gradient=w) just filled it
    x2_grad, cell = _weighted_sum(p, x_data, wt, xt.grad, (a, b, c), lang)
    cells.append(cell)
    return NonScalarBackward(
        shape=shape,
        f_repr=repr(f),
        error=error,
        grad=xt.grad.tolist(),
        grad_repr=repr(xt.grad),
        weighted_grad_repr=repr(x2_grad),
        equal=torch.equal(xt.grad, x2_grad),
        cells=tuple(cells),
    )
