"""The Autograd Lab's sections 2 and 3, the tutorial's part 1 (利用backward方法求导数): backward()
on a scalar (x.grad is the tangent's slope) and on a non-scalar (it needs a `gradient`: a
vector-Jacobian product, the same as the backward() of a weighted sum)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from core.problems.parabola import curve, quadratic
from core.text.i18n import comment, text
from core.text.refusal import Phrase, Refusal
from core.tutorials.lab_code import Cell, Printer, lit, nested_lit
from core.tutorials.lab_function import F_COMMENT, Y_CODE, head_code, tensor_coefficients
from core.tutorials.lab_inputs import Nested, coefficients, number, parse_tensor_text, shape_text


@dataclass(frozen=True, slots=True)
class ScalarBackward:
    """Section 2: y = f(x) = a x^2 + b x + c at one x, and x.grad from y.backward().

    Attributes:
        a, b, c, x: the inputs.
        f: f(x) (float32, as torch computed it).
        grad: x.grad as a float: the slope of the tangent at x.
        f_repr, grad_repr: y and x.grad as torch prints them.
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
    """The tutorial's scalar backward(): y = f(x), y.backward(), dy_dx = x.grad; then y itself.

    Raises:
        Refusal: a non-finite or too large input.
    """
    a, b, c = coefficients(a, b, c)
    x0 = number("x", x)
    p = Printer()

    xt = torch.tensor(x0, requires_grad=True)
    y = quadratic(xt, *tensor_coefficients(a, b, c))
    y.backward()
    dy_dx = xt.grad
    assert dy_dx is not None  # backward() just filled it
    p(dy_dx)
    code = f"""{head_code(lit(x0), a, b, c, comment("lab_code_derivative", lang), lang)}{Y_CODE}

y.backward()
dy_dx = x.grad
print(dy_dx)
"""
    tutorial = p.cell(text("lab_cell_backward", lang, value=f"{2 * a * x0 + b:g}"), code)
    p(y)
    graph = p.cell(text("lab_cell_forward", lang), "print(y)")
    curve_x, curve_f = curve(a, b, c, x0 - 3.0, x0 + 3.0)
    return ScalarBackward(
        a=a,
        b=b,
        c=c,
        x=x0,
        f=y.item(),
        grad=dy_dx.item(),
        f_repr=repr(y),
        grad_repr=repr(dy_dx),
        curve_x=tuple(curve_x),
        curve_f=tuple(curve_f),
        cells=(tutorial, graph),
    )


@dataclass(frozen=True, slots=True)
class NonScalarBackward:
    """Section 3: the same f on a tensor x; backward needs a `gradient` of y's shape.

    Attributes:
        shape: the shape of x (and y, and the weights).
        f_repr: y = f(x) as torch prints it.
        error: torch's message for y.backward() without a gradient.
        grad: x.grad after y.backward(gradient = gradient), nested lists of floats.
        grad_repr: the same as torch prints it.
        weighted_grad_repr: x.grad after torch.sum(y*gradient).backward() on a fresh x.
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


def _vjp_code(x_literal: str, w_literal: str, abc: tuple[float, ...], lang: str) -> str:
    """The tutorial's opening lines of its two non-scalar cells: x, f(x) and the `gradient`."""
    head = head_code(x_literal, *abc, F_COMMENT, lang)
    return f"""{head}{Y_CODE}

gradient = torch.tensor({w_literal})
"""


def _backward_with_gradient(
    p: Printer, x_data: Any, w_data: Any, abc: tuple[float, ...], lang: str
) -> tuple[torch.Tensor, torch.Tensor, Cell]:
    """The tutorial's y.backward(gradient = gradient): y, x.grad and the cell."""
    xt = torch.tensor(x_data, requires_grad=True)
    y = quadratic(xt, *tensor_coefficients(*abc))
    p("x:\n", xt)
    p("y:\n", y)
    y.backward(gradient=torch.tensor(w_data))
    assert xt.grad is not None  # backward(gradient=...) just filled it
    p("x_grad:\n", xt.grad)
    code = f"""{_vjp_code(nested_lit(x_data), nested_lit(w_data), abc, lang)}
print("x:\\n",x)
print("y:\\n",y)
y.backward(gradient = gradient)
x_grad = x.grad
print("x_grad:\\n",x_grad)
"""
    return y, xt.grad, p.cell(text("lab_cell_vjp", lang), code)


def _weighted_sum(
    p: Printer, x_data: Any, w_data: Any, abc: tuple[float, ...], lang: str
) -> tuple[torch.Tensor, Cell]:
    """The tutorial's same gradient from the scalar torch.sum(y*gradient): x.grad and the cell."""
    xt = torch.tensor(x_data, requires_grad=True)
    y = quadratic(xt, *tensor_coefficients(*abc))
    z = torch.sum(y * torch.tensor(w_data))
    p("x:", xt)
    p("y:", y)
    z.backward()
    assert xt.grad is not None  # backward() just filled it
    p("x_grad:\n", xt.grad)
    head = _vjp_code(nested_lit(x_data), nested_lit(w_data), abc, lang)
    code = f"""{head}z = torch.sum(y*gradient)

print("x:",x)
print("y:",y)
z.backward()
x_grad = x.grad
print("x_grad:\\n",x_grad)
"""
    return xt.grad, p.cell(text("lab_cell_weighted_sum", lang), code)


def nonscalar_backward(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x: str = "[[0, 0], [1, 2]]",
    weights: str = "[[1, 1], [1, 1]]",
    *,
    lang: str = "en",
) -> NonScalarBackward:
    """The tutorial's non-scalar backward(gradient = gradient), a vector-Jacobian product; torch
    refusing backward() without it; and the tutorial's same gradient from a weighted sum.

    Args:
        a, b, c: the coefficients of f.
        x: the tensor, as text (a list or a matrix, 2 to MAX_ELEMENTS numbers).
        weights: the `gradient` tensor, as text, of the same shape as x.
        lang: the language of the captions and comments.

    Raises:
        Refusal: unreadable text, a shape mismatch, or out-of-range numbers.
    """
    abc = coefficients(a, b, c)
    x_data, w_data, shape = _tensor_and_weights(x, weights)
    p = Printer()
    y, vjp, with_gradient = _backward_with_gradient(p, x_data, w_data, abc, lang)
    # Without `gradient`, torch refuses a non-scalar before it looks at the graph (freed by now).
    error, code = p.caught("y.backward()", y.backward)
    needs_scalar = p.cell(text("lab_cell_needs_scalar", lang), code)
    weighted, weighted_sum = _weighted_sum(p, x_data, w_data, abc, lang)
    return NonScalarBackward(
        shape=shape,
        f_repr=repr(y),
        error=error,
        grad=vjp.tolist(),
        grad_repr=repr(vjp),
        weighted_grad_repr=repr(weighted),
        equal=torch.equal(vjp, weighted),
        cells=(with_gradient, needs_scalar, weighted_sum),
    )
