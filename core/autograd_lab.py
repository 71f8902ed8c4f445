"""The Autograd Lab: the source tutorial's sections as plain functions that run real torch.

Each section function takes plain numbers or short strings, runs torch, and returns a frozen record
with the values (tensors as torch prints them, floats for the plots) and `cells`: the code shown on
the page, each with the text its `print` calls write. The code text is generated from the same
inputs as the torch calls written beside it, statement for statement; the tests execute every cell
and compare what it prints with the record, so the page cannot show code that prints something
else. Nothing here executes user text or generated code: matrices typed by the user are read by
`ast.literal_eval` behind a character allow-list and a shape check.

The function of most sections is the tutorial's quadratic f(x) = a x^2 + b x + c, in float32 (the
dtype `torch.tensor(0.0)` gets), so the printed numbers are the tutorial's.
"""

from __future__ import annotations

import ast
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import plotly.graph_objects as go
import torch

from core.optimizers import OPTIMIZERS, OptimizerSpec

MAX_ABS = 1e6  # inputs beyond this make float32 squares lose every digit the lesson is about
MAX_TEXT = 1_000  # characters of a typed tensor, checked before parsing
MAX_ELEMENTS = 64
MAX_DIM = 2
MAX_STEPS = 10_000  # ~0.5 s of SGD on one core; the page reruns the loop on every edit
HUGE = 1e6  # |x| beyond this counts as running away (and is left out of the plots)
MAX_FRAMES = 101
PLOT_POINTS = 201

_TEXT_CHARS = frozenset("0123456789+-.eE[], \t\r\n")
Nested = float | list["Nested"]


# Operations offered in section 1: the key is the code shown, the value the same torch call.
OPERATIONS: Mapping[str, Callable[[torch.Tensor], torch.Tensor]] = MappingProxyType(
    {
        "x * 2": lambda x: x * 2,
        "x + 1": lambda x: x + 1,
        "x**2": lambda x: x**2,
        "x.exp()": lambda x: x.exp(),
        "torch.sin(x)": lambda x: torch.sin(x),
        "x.sum()": lambda x: x.sum(),
        "x.mean()": lambda x: x.mean(),
    }
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One code cell: a sentence saying what it shows, the code, and what its prints write."""

    caption: str
    code: str
    output: str


class _Printer:
    """Collects the lines `print(*args)` would write, formatted exactly as print formats them."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, *args: object) -> None:
        self.lines.append(" ".join(str(arg) for arg in args))

    def cell(self, caption: str, code: str) -> Cell:
        """The cell for `code`, with everything printed since the last cell; then start afresh."""
        output = "\n".join(self.lines)
        self.lines = []
        return Cell(caption, code.strip("\n"), output)


# ---------------------------------------------------------------------------------------------
# Input checks: every bad input raises ValueError with a message the page shows as it is.


def _number(name: str, value: Any, limit: float = MAX_ABS) -> float:
    """`value` as a float, or ValueError if it is not a finite number within ±limit."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    if abs(value) > limit:  # compared before float(): a huge int would overflow the conversion
        shown = f"{value:.6g}" if abs(value) < 1e300 else f"a {len(str(abs(value)))}-digit number"
        raise ValueError(f"{name} = {shown} is too large: keep |{name}| ≤ {limit:g}")
    return float(value)


def _coefficients(a: Any, b: Any, c: Any) -> tuple[float, float, float]:
    return _number("a", a), _number("b", b), _number("c", c)


def _steps(steps: Any) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, float)):
        raise ValueError(f"steps must be a whole number, not {steps!r}")
    if isinstance(steps, float) and not steps.is_integer():
        raise ValueError(f"steps must be a whole number, not {steps!r}")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps = {steps:g} is out of range: choose 1 to {MAX_STEPS:,}")
    return int(steps)


def parse_tensor_text(
    text: str,
    name: str = "x",
    *,
    min_dim: int = 0,
    max_dim: int = MAX_DIM,
    min_elements: int = 1,
    max_elements: int = MAX_ELEMENTS,
) -> tuple[Nested, tuple[int, ...]]:
    """Read a number or a nested list of numbers such as "[[0, 0], [1, 2]]", safely.

    The text is length-capped and limited to digits, signs, points, exponents, commas, brackets and
    spaces before `ast.literal_eval` sees it, so no name, call or attribute can appear; the literal
    must be a rectangular nest of lists of real numbers (not bool) within ±MAX_ABS.

    Args:
        text: what the user typed.
        name: the tensor's name, used in error messages.
        min_dim: fewest dimensions accepted (1 rejects a bare number).
        max_dim: most dimensions accepted.
        min_elements: fewest numbers accepted.
        max_elements: most numbers accepted.

    Returns:
        The values as floats in the same nesting, and the shape.

    Raises:
        ValueError: the text is not such a literal; the message says what is wrong.
    """
    if not isinstance(text, str):
        raise ValueError(f"{name} must be text such as [[0, 0], [1, 2]]")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{name} is too long ({len(text):,} characters; at most {MAX_TEXT:,})")
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"{name} is empty: type numbers in brackets, e.g. [[0, 0], [1, 2]]")
    bad = sorted(set(stripped) - _TEXT_CHARS)
    if bad:
        raise ValueError(
            f"{name} may contain only numbers, commas and square brackets, not {''.join(bad)!r}"
        )
    try:
        literal = ast.literal_eval(stripped)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise ValueError(
            f"{name} does not parse: write numbers in square brackets, e.g. [[0, 0], [1, 2]]"
        ) from None

    def walk(node: Any, depth: int) -> tuple[Nested, tuple[int, ...]]:
        if isinstance(node, (bool, complex)):
            raise ValueError(f"{name} must hold real numbers only")
        if isinstance(node, (int, float)):
            return _number(f"every number in {name}", node), ()
        if isinstance(node, tuple):
            raise ValueError(f"{name}: write lists in square brackets, e.g. [1, 2]")
        if not isinstance(node, list) or not node:
            raise ValueError(f"{name} has an empty list")
        if depth == max_dim:
            raise ValueError(f"{name} has more than {max_dim} dimensions")
        children = [walk(child, depth + 1) for child in node]
        inner = children[0][1]
        if any(shape != inner for _, shape in children):
            raise ValueError(f"{name} is not rectangular: every row needs the same length")
        return [value for value, _ in children], (len(node), *inner)

    values, shape = walk(literal, 0)
    if len(shape) < min_dim:
        raise ValueError(f"{name} must be a list of numbers, e.g. [[0, 0], [1, 2]]")
    count = math.prod(shape)
    if count > max_elements:
        raise ValueError(f"{name} has {count} numbers; at most {max_elements} are allowed")
    if count < min_elements:
        raise ValueError(f"{name} needs at least {min_elements} numbers")
    return values, shape


def _shape_text(shape: tuple[int, ...]) -> str:
    return "a scalar" if not shape else "×".join(map(str, shape))


def _coefficient(value: float, latex: bool) -> str:
    text = f"{value:g}"
    if latex and "e" in text:  # 1e+06 -> 1 \cdot 10^{6}
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


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


# ---------------------------------------------------------------------------------------------
# Shared pieces of generated code. `repr` of a Python float is a literal that reads back exactly.


def _lit(value: float) -> str:
    return repr(float(value))


def _nested_lit(values: Nested) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_nested_lit(v) for v in values) + "]"
    return _lit(values)


def _coefficients_code(a: float, b: float, c: float) -> str:
    return f"a, b, c = {_lit(a)}, {_lit(b)}, {_lit(c)}"


def _quadratic(x: torch.Tensor, a: float, b: float, c: float) -> torch.Tensor:
    # The expression every section shows as `a * x**2 + b * x + c`. The x**2 term stays in the
    # graph even when a = 0, so f' always has a grad_fn and f'' = 0 comes out instead of an error.
    return a * x**2 + b * x + c


_F_DEF = """
def f(x):
    return a * x**2 + b * x + c
"""


def _grad_fn_name(t: torch.Tensor) -> str:
    return "None" if t.grad_fn is None else type(t.grad_fn).__name__


# ---------------------------------------------------------------------------------------------
# 1. Creating tensors that need gradients


@dataclass(frozen=True, slots=True)
class TensorBasics:
    """Section 1: a leaf made with requires_grad=True, one switched on later, a computed tensor.

    Attributes:
        shape: the shape of x.
        x_repr: x as torch prints it (with requires_grad=True).
        x_is_leaf: always True for a tensor created by the user.
        y_repr: the computed tensor as torch prints it (with its grad_fn).
        y_is_leaf: False: y was computed from a tensor that requires grad.
        y_grad_fn: the name of y's grad_fn, e.g. "MulBackward0".
        int_error: torch's message when an integer tensor is asked to require gradients.
        cells: the code and what it prints.
    """

    shape: tuple[int, ...]
    x_repr: str
    x_is_leaf: bool
    y_repr: str
    y_is_leaf: bool
    y_grad_fn: str
    int_error: str
    cells: tuple[Cell, ...]


def tensor_basics(values: str = "[1.0, 2.0, 3.0]", operation: str = "x * 2") -> TensorBasics:
    """Create x with requires_grad=True, switch it on for another tensor, and compute from x.

    Args:
        values: a number or a list such as "[1.0, 2.0, 3.0]" (see `parse_tensor_text`).
        operation: a key of OPERATIONS, the computation that makes y from x.

    Raises:
        ValueError: unreadable values or an unknown operation.
    """
    if operation not in OPERATIONS:
        raise ValueError(f"Unknown operation {operation!r}: choose one of {', '.join(OPERATIONS)}")
    data, shape = parse_tensor_text(values, "x")
    lit = _nested_lit(data)
    p = _Printer()
    cells = []

    x = torch.tensor(data, requires_grad=True)
    p(x)
    p(x.requires_grad, x.is_leaf, x.grad_fn)
    cells.append(
        p.cell(
            "A tensor created with requires_grad=True is a leaf of the graph: it has no grad_fn, "
            "and backward() will store its gradient in x.grad.",
            f"""
import torch

x = torch.tensor({lit}, requires_grad=True)
print(x)
print(x.requires_grad, x.is_leaf, x.grad_fn)
""",
        )
    )

    w = torch.tensor(data)
    p(w.requires_grad)
    w.requires_grad = True
    p(w, w.is_leaf)
    cells.append(
        p.cell(
            "Tensors are created without gradient tracking; it can be switched on afterwards.",
            f"""
w = torch.tensor({lit})
print(w.requires_grad)
w.requires_grad = True  # the same as w.requires_grad_()
print(w, w.is_leaf)
""",
        )
    )

    y = OPERATIONS[operation](x)
    p(y)
    p(y.requires_grad, y.is_leaf, y.grad_fn)
    cells.append(
        p.cell(
            "A tensor computed from x is not a leaf: its grad_fn records the operation that made "
            "it, the step backward() will go through.",
            f"""
y = {operation}
print(y)
print(y.requires_grad, y.is_leaf, y.grad_fn)
""",
        )
    )

    try:
        torch.tensor([1, 2, 3], requires_grad=True)
        int_error = ""
    except RuntimeError as err:
        int_error = str(err)
        p("RuntimeError:", err)
    cells.append(
        p.cell(
            "Only floating-point (and complex) tensors can require gradients: integers have no "
            "small steps to differentiate along. Write 1.0, not 1.",
            """
try:
    torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as err:
    print("RuntimeError:", err)
""",
        )
    )
    return TensorBasics(
        shape=shape,
        x_repr=repr(x),
        x_is_leaf=x.is_leaf,
        y_repr=repr(y),
        y_is_leaf=y.is_leaf,
        y_grad_fn=_grad_fn_name(y),
        int_error=int_error,
        cells=tuple(cells),
    )


# ---------------------------------------------------------------------------------------------
# 2. backward() on a scalar


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


def _curve(a: float, b: float, c: float, lo: float, hi: float) -> tuple[list[float], list[float]]:
    xs = torch.linspace(lo, hi, PLOT_POINTS, dtype=torch.float64)
    return xs.tolist(), _quadratic(xs, a, b, c).tolist()


def scalar_backward(
    a: float = 1.0, b: float = -2.0, c: float = 1.0, x: float = 0.0
) -> ScalarBackward:
    """Evaluate f at x with a tensor that requires grad, call f.backward() and read x.grad.

    Raises:
        ValueError: a non-finite or too large input.
    """
    a, b, c = _coefficients(a, b, c)
    x0 = _number("x", x)
    p = _Printer()

    xt = torch.tensor(x0, requires_grad=True)
    f = _quadratic(xt, a, b, c)
    p(f)
    first = p.cell(
        "Compute f from x. The result is a 0-dimensional tensor (a scalar) with a grad_fn.",
        f"""
import torch

{_coefficients_code(a, b, c)}
x = torch.tensor({_lit(x0)}, requires_grad=True)
f = a * x**2 + b * x + c
print(f)
""",
    )
    f.backward()
    p(xt.grad)
    second = p.cell(
        "backward() runs the chain rule from f back to every leaf and stores df/dx in x.grad: "
        f"here 2·a·x + b = {2 * a * x0 + b:g}.",
        """
f.backward()
print(x.grad)
""",
    )
    assert xt.grad is not None  # backward() just filled it
    curve_x, curve_f = _curve(a, b, c, x0 - 3.0, x0 + 3.0)
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


# ---------------------------------------------------------------------------------------------
# 3. backward() on a non-scalar


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


def nonscalar_backward(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x: str = "[[0, 0], [1, 2]]",
    weights: str = "[[1, 1], [1, 1]]",
) -> NonScalarBackward:
    """Show backward() failing on a non-scalar f, then backward(gradient=w): a vector-Jacobian
    product.

    Args:
        a, b, c: the coefficients of f.
        x: the tensor, as text (a list or a matrix, 2 to MAX_ELEMENTS numbers).
        weights: the `gradient` tensor, as text, of the same shape as x.

    Raises:
        ValueError: unreadable text, a shape mismatch, or out-of-range numbers.
    """
    a, b, c = _coefficients(a, b, c)
    # One number would make f a one-element tensor, which backward() accepts like a scalar.
    x_data, shape = parse_tensor_text(x, "x", min_dim=1, min_elements=2)
    w_data, w_shape = parse_tensor_text(weights, "the gradient weights", min_dim=1)
    if w_shape != shape:
        raise ValueError(
            f"the gradient weights must have the shape of x ({_shape_text(shape)}), "
            f"not {_shape_text(w_shape)}"
        )
    x_lit, w_lit = _nested_lit(x_data), _nested_lit(w_data)
    p = _Printer()
    cells = []

    xt = torch.tensor(x_data, requires_grad=True)
    f = _quadratic(xt, a, b, c)
    p(f)
    cells.append(
        p.cell(
            "The same f applied to a tensor gives a tensor of the same shape: one f per element.",
            f"""
import torch

{_coefficients_code(a, b, c)}
x = torch.tensor({x_lit}, requires_grad=True)
f = a * x**2 + b * x + c
print(f)
""",
        )
    )

    try:
        f.backward()
        error = ""
    except RuntimeError as err:
        error = str(err)
        p("RuntimeError:", err)
    cells.append(
        p.cell(
            "backward() without arguments only works for a scalar: torch would have to guess how "
            "to combine the outputs into one number.",
            """
try:
    f.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
""",
        )
    )

    wt = torch.tensor(w_data)
    f.backward(gradient=wt)
    p(xt.grad)
    cells.append(
        p.cell(
            "Pass `gradient`, a tensor of f's shape with one weight per output: x.grad becomes "
            "the vector-Jacobian product w·J, here w * (2·a·x + b) element by element because "
            "each f depends on its own x only.",
            f"""
w = torch.tensor({w_lit})
f.backward(gradient=w)
print(x.grad)
""",
        )
    )

    x2 = torch.tensor(x_data, requires_grad=True)
    f2 = _quadratic(x2, a, b, c)
    (f2 * wt).sum().backward()
    assert xt.grad is not None and x2.grad is not None  # both backward() calls filled them
    equal = torch.equal(xt.grad, x2.grad)
    p(x2.grad)
    p(equal)
    cells.append(
        p.cell(
            "The same numbers come from an ordinary scalar backward() of the weighted sum "
            "(f * w).sum(): the gradient argument is those weights.",
            f"""
x2 = torch.tensor({x_lit}, requires_grad=True)
f2 = a * x2**2 + b * x2 + c
(f2 * w).sum().backward()
print(x2.grad)
print(torch.equal(x.grad, x2.grad))
""",
        )
    )
    return NonScalarBackward(
        shape=shape,
        f_repr=repr(f),
        error=error,
        grad=xt.grad.tolist(),
        grad_repr=repr(xt.grad),
        weighted_grad_repr=repr(x2.grad),
        equal=equal,
        cells=tuple(cells),
    )


# ---------------------------------------------------------------------------------------------
# 4. torch.autograd.grad and higher-order derivatives


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


def higher_order(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x: float = 0.0,
    lo: float = -2.0,
    hi: float = 4.0,
) -> HigherOrder:
    """Differentiate f twice with torch.autograd.grad, at x and over [lo, hi].

    Raises:
        ValueError: non-finite or too large inputs, or lo >= hi.
    """
    a, b, c = _coefficients(a, b, c)
    x0 = _number("x", x)
    lo, hi = _number("from", lo), _number("to", hi)
    if not lo < hi:
        raise ValueError(f"the plot range needs from < to (got {lo:g} to {hi:g})")
    p = _Printer()

    xt = torch.tensor(x0, requires_grad=True)
    f = _quadratic(xt, a, b, c)
    (df,) = torch.autograd.grad(f, xt, create_graph=True)
    p(df)
    first = p.cell(
        "torch.autograd.grad returns the gradient instead of storing it in .grad. With "
        "create_graph=True the result is itself part of a graph (it has a grad_fn)...",
        f"""
import torch

{_coefficients_code(a, b, c)}
x = torch.tensor({_lit(x0)}, requires_grad=True)
f = a * x**2 + b * x + c
(df,) = torch.autograd.grad(f, x, create_graph=True)
print(df)
""",
    )
    (d2f,) = torch.autograd.grad(df, xt)
    p(d2f)
    second = p.cell(
        f"... so it can be differentiated again: f''(x) = 2·a = {2 * a:g}.",
        """
(d2f,) = torch.autograd.grad(df, x)
print(d2f)
""",
    )

    xs = torch.linspace(lo, hi, PLOT_POINTS, requires_grad=True)
    fs = _quadratic(xs, a, b, c)
    (dfs,) = torch.autograd.grad(fs.sum(), xs, create_graph=True)
    (d2fs,) = torch.autograd.grad(dfs.sum(), xs)
    p(fs.shape, dfs.shape, d2fs.shape)
    curves = p.cell(
        "For the plot, the same calls on 201 points at once. Each f(xs[i]) depends only on "
        "xs[i], so the gradient of the sum holds every f'(xs[i]).",
        f"""
xs = torch.linspace({_lit(lo)}, {_lit(hi)}, {PLOT_POINTS}, requires_grad=True)
fs = a * xs**2 + b * xs + c
(dfs,) = torch.autograd.grad(fs.sum(), xs, create_graph=True)
(d2fs,) = torch.autograd.grad(dfs.sum(), xs)
print(fs.shape, dfs.shape, d2fs.shape)
""",
    )
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


# ---------------------------------------------------------------------------------------------
# 5. Several inputs and outputs, and retain_graph


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


def several_inputs(x1: float = 1.0, x2: float = 2.0) -> SeveralInputs:
    """Gradients of y1 = x1 * x2 and y2 = x1 + x2 with respect to [x1, x2].

    Raises:
        ValueError: non-finite or too large inputs.
    """
    v1, v2 = _number("x1", x1), _number("x2", x2)
    p = _Printer()
    cells = []

    t1 = torch.tensor(v1, requires_grad=True)
    t2 = torch.tensor(v2, requires_grad=True)
    y1 = t1 * t2
    y2 = t1 + t2
    g_y1 = torch.autograd.grad(y1, [t1, t2], retain_graph=True)
    p(g_y1)
    cells.append(
        p.cell(
            "Gradients of one output with respect to several inputs: ∂y1/∂x1 = x2 and "
            "∂y1/∂x2 = x1. retain_graph=True keeps the graph for the next call.",
            f"""
import torch

x1 = torch.tensor({_lit(v1)}, requires_grad=True)
x2 = torch.tensor({_lit(v2)}, requires_grad=True)
y1 = x1 * x2
y2 = x1 + x2
print(torch.autograd.grad(y1, [x1, x2], retain_graph=True))
""",
        )
    )

    g_both = torch.autograd.grad([y1, y2], [t1, t2], retain_graph=True)
    g_sum = torch.autograd.grad(y1 + y2, [t1, t2])
    p(g_both)
    p(g_sum)
    cells.append(
        p.cell(
            "Several outputs at once: their gradients are summed (grad_outputs defaults to ones), "
            "exactly the gradient of y1 + y2.",
            """
print(torch.autograd.grad([y1, y2], [x1, x2], retain_graph=True))
print(torch.autograd.grad(y1 + y2, [x1, x2]))
""",
        )
    )

    y = t1 * t2
    y.backward()
    p(t1.grad, t2.grad)
    try:
        y.backward()
        error = ""
    except RuntimeError as err:
        error = str(err)
        p("RuntimeError:", err)
    cells.append(
        p.cell(
            "Without retain_graph, backward() frees the values the graph saved (here x1 and x2 "
            "for the product rule) as soon as it has used them: a second pass has nothing to "
            "work with.",
            """
y = x1 * x2
y.backward()
print(x1.grad, x2.grad)
try:
    y.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
""",
        )
    )

    t1.grad = None
    t2.grad = None
    y = t1 * t2
    y.backward(retain_graph=True)
    y.backward()
    p(t1.grad, t2.grad)
    cells.append(
        p.cell(
            "With retain_graph=True the second pass works, and its gradients are added to the "
            "first ones: twice ∂y/∂x1 and twice ∂y/∂x2 (see the next section).",
            """
x1.grad = None
x2.grad = None
y = x1 * x2
y.backward(retain_graph=True)
y.backward()
print(x1.grad, x2.grad)
""",
        )
    )
    return SeveralInputs(
        grad_y1=str(g_y1),
        grad_both=str(g_both),
        grad_sum=str(g_sum),
        grad_y1_values=(g_y1[0].item(), g_y1[1].item()),
        grad_both_values=(g_both[0].item(), g_both[1].item()),
        error=error,
        retained=f"{t1.grad!s} {t2.grad!s}",  # print(), not format(): 0-d format gives 4.0
        cells=tuple(cells),
    )


# ---------------------------------------------------------------------------------------------
# Optimizer loops (sections 6 and 7)


def _optimizer_code(spec: OptimizerSpec, lr: float) -> tuple[dict[str, Any], str]:
    """The keyword arguments for spec.cls and the constructor call that passes them.

    Arguments equal to torch's own defaults are left out, as one writes them by hand; passing
    them or not builds the same optimizer. The learning rate is always written.
    """
    kwargs = spec.torch_kwargs(lr=lr)
    signature = inspect.signature(spec.cls.__init__).parameters
    shown = {
        key: value
        for key, value in kwargs.items()
        if key == "lr" or key not in signature or signature[key].default != value
    }
    args = ", ".join(f"{key}={value!r}" for key, value in shown.items())
    return shown, f"torch.optim.{spec.cls.__name__}([x], {args})"


def _loop_code(spec: OptimizerSpec, constructor: str, steps: int, path: str, zero: bool) -> str:
    if spec.needs_closure:
        return f"""
def closure():
    optimizer.zero_grad()
    y = f(x)
    y.backward()
    return y

optimizer = {constructor}
{path} = [x.item()]
for step in range({steps}):
    optimizer.step(closure)
    {path}.append(x.item())
"""
    if zero:
        body = """    optimizer.zero_grad()
    y = f(x)
    y.backward()
"""
    else:
        body = """    y = f(x)
    y.backward()  # no zero_grad(): .grad adds up
"""
    return f"""
optimizer = {constructor}
{path} = [x.item()]
for step in range({steps}):
{body}    optimizer.step()
    {path}.append(x.item())
"""


def _run_loop(
    spec: OptimizerSpec,
    kwargs: Mapping[str, Any],
    a: float,
    b: float,
    c: float,
    x: torch.Tensor,
    steps: int,
    zero: bool,
) -> list[float]:
    """The loop `_loop_code` writes, run on x; returns x before and after every step."""
    optimizer = spec.cls([x], **kwargs)
    path = [x.item()]
    if spec.needs_closure:

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            y = _quadratic(x, a, b, c)
            y.backward()
            return y

        for _ in range(steps):
            optimizer.step(closure)
            path.append(x.item())
        return path
    for _ in range(steps):
        if zero:
            optimizer.zero_grad()
        y = _quadratic(x, a, b, c)
        y.backward()
        optimizer.step()
        path.append(x.item())
    return path


def _runaway(path: Sequence[float]) -> int | None:
    """The first step whose x is non-finite or beyond ±HUGE, or None if the run stayed sane."""
    for t, value in enumerate(path):
        if not math.isfinite(value) or abs(value) > HUGE:
            return t
    return None


def _shape_notes(a: float, b: float) -> list[str]:
    if a < 0:
        return [
            f"a = {a:g} < 0: f is a downward parabola with no minimum. Gradient descent runs "
            f"away from its top at x = {-b / (2 * a):g} (and stays there only if it starts "
            "exactly on it)."
        ]
    if a == 0 and b != 0:
        return [
            f"a = 0: f is the straight line {b:g}·x + c, which has no minimum; every step "
            "moves x the same way forever."
        ]
    if a == 0:
        return ["a = b = 0: f is constant, its gradient is 0 everywhere, and x never moves."]
    return []


def _runaway_note(label: str, path: Sequence[float], spec: OptimizerSpec, a: float) -> str:
    t = _runaway(path)
    if t is None:
        return ""
    value = path[t]
    what = (
        f"x became {value} (not a finite number)"
        if not math.isfinite(value)
        else f"|x| passed {HUGE:g} (x = {value:.4g})"
    )
    note = f"{label} ran away: at step {t} {what}."
    if not math.isfinite(path[-1]):
        note += f" torch carries on regardless: after the last step x is {path[-1]}."
    if a > 0 and spec.id == "sgd":
        note += (
            f" Each SGD step multiplies the distance to the minimum by (1 - 2·a·lr), so it "
            f"shrinks only if lr < 1/a = {1 / a:g}; try a smaller learning rate."
        )
    elif a > 0:
        note += " Try a smaller learning rate."
    return note


def _plottable(path: Sequence[float]) -> tuple[float, ...]:
    """The prefix of `path` before it runs away (plots cannot show inf, NaN or 1e30)."""
    t = _runaway(path)
    return tuple(path if t is None else path[:t])


def _check_lr(spec: OptimizerSpec, lr: Any) -> float:
    if isinstance(lr, float) and not math.isfinite(lr):
        raise ValueError(f"learning rate must be a finite number, not {lr!r}")
    return float(spec.param("lr").validate(lr))


# ---------------------------------------------------------------------------------------------
# 6. Gradients accumulate


@dataclass(frozen=True, slots=True)
class Accumulation:
    """Section 6: .grad adds up over backward() calls; SGD with and without zero_grad().

    Attributes:
        grad_once, grad_twice: x.grad after one and after two backward() calls, as printed.
        grad_once_value, grad_twice_value: the same as floats.
        with_zero, without_zero: x before and after every step of the two loops.
        with_zero_repr, without_zero_repr: the final x of each loop as printed.
        minimum: the minimiser -b / (2a) when a > 0, else None.
        notes: sentences about a parabola without minimum or a run that ran away.
        cells: the code and what it prints.
    """

    grad_once: str
    grad_twice: str
    grad_once_value: float
    grad_twice_value: float
    with_zero: tuple[float, ...]
    without_zero: tuple[float, ...]
    with_zero_repr: str
    without_zero_repr: str
    minimum: float | None
    notes: tuple[str, ...]
    cells: tuple[Cell, ...]


def accumulation(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x0: float = 0.0,
    lr: float = 0.01,
    steps: int = 200,
) -> Accumulation:
    """Call backward() twice without zeroing, then run SGD with and without zero_grad().

    Raises:
        ValueError: non-finite or too large inputs, a learning rate outside SGD's range, or a step
            count outside 1..MAX_STEPS.
    """
    a, b, c = _coefficients(a, b, c)
    start = _number("start x", x0)
    spec = OPTIMIZERS["sgd"]
    lr = _check_lr(spec, lr)
    steps = _steps(steps)
    kwargs, constructor = _optimizer_code(spec, lr)
    p = _Printer()
    cells = []

    x = torch.tensor(start, requires_grad=True)
    y = _quadratic(x, a, b, c)
    y.backward(retain_graph=True)
    assert x.grad is not None  # backward() just filled it
    once = x.grad.clone()
    p(x.grad)
    y.backward()
    twice = x.grad.clone()
    p(x.grad)
    cells.append(
        p.cell(
            "backward() adds into x.grad rather than overwriting it: a second call on the same "
            "graph (kept with retain_graph=True) doubles it.",
            f"""
import torch

{_coefficients_code(a, b, c)}
{_F_DEF.strip()}

x = torch.tensor({_lit(start)}, requires_grad=True)
y = f(x)
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
""",
        )
    )

    x = torch.tensor(start, requires_grad=True)
    right = _run_loop(spec, kwargs, a, b, c, x, steps, zero=True)
    p("with zero_grad():   ", x.detach())
    right_repr = repr(x.detach())
    cells.append(
        p.cell(
            "The training loop zeroes the gradients before each backward(): every step uses the "
            "gradient at the current x only.",
            f"""
x = torch.tensor({_lit(start)}, requires_grad=True)
{_loop_code(spec, constructor, steps, "right", zero=True).strip()}
print("with zero_grad():   ", x.detach())
""",
        )
    )

    x = torch.tensor(start, requires_grad=True)
    wrong = _run_loop(spec, kwargs, a, b, c, x, steps, zero=False)
    p("without zero_grad():", x.detach())
    wrong_repr = repr(x.detach())
    cells.append(
        p.cell(
            "Forget zero_grad() and each step uses the sum of every gradient so far: x overshoots "
            "the minimum and swings around it instead of settling.",
            f"""
x = torch.tensor({_lit(start)}, requires_grad=True)
{_loop_code(spec, constructor, steps, "wrong", zero=False).strip()}
print("without zero_grad():", x.detach())
""",
        )
    )

    notes = _shape_notes(a, b)
    for label, path in (("With zero_grad(), x", right), ("Without zero_grad(), x", wrong)):
        note = _runaway_note(label, path, spec, a)
        if note:
            notes.append(note)
    return Accumulation(
        grad_once=repr(once),
        grad_twice=repr(twice),
        grad_once_value=once.item(),
        grad_twice_value=twice.item(),
        with_zero=tuple(right),
        without_zero=tuple(wrong),
        with_zero_repr=right_repr,
        without_zero_repr=wrong_repr,
        minimum=-b / (2 * a) if a > 0 else None,
        notes=tuple(notes),
        cells=tuple(cells),
    )


# ---------------------------------------------------------------------------------------------
# 7. The optimizer loop


@dataclass(frozen=True, slots=True)
class OptimizerRun:
    """Section 7: a torch.optim optimizer minimising f from x0.

    Attributes:
        a, b, c: the coefficients.
        optimizer: the registry id; name: its display name.
        path: x before and after every step (steps + 1 values; may hold inf or NaN).
        x, f: the final x and f(x) as floats (float32 values).
        x_repr, f_repr: the same as torch prints them, e.g. "tensor(1.0000)" and "tensor(0.)".
        f_float64: the same formula at the same final x in float64: float32 rounds f to 0 near
            the minimum, where the exact value is tiny but positive.
        minimum: the minimiser -b / (2a) when a > 0, else None.
        diverged: True if x became non-finite or left ±HUGE.
        runaway: a sentence saying when and how x ran away, or "" if it did not.
        notes: sentences about a parabola without minimum.
        cells: the code and what it prints.
    """

    a: float
    b: float
    c: float
    optimizer: str
    name: str
    path: tuple[float, ...]
    x: float
    f: float
    x_repr: str
    f_repr: str
    f_float64: float
    minimum: float | None
    diverged: bool
    runaway: str
    notes: tuple[str, ...]
    cells: tuple[Cell, ...]


def optimizer_loop(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    optimizer: str = "sgd",
    lr: float = 0.01,
    steps: int = 500,
    x0: float = 0.0,
) -> OptimizerRun:
    """Minimise f with a torch.optim optimizer: zero_grad, forward, backward, step.

    The optimizer gets the registry's default hyper-parameters and the given learning rate.

    Raises:
        ValueError: an unknown optimizer, a learning rate outside its range, a step count outside
            1..MAX_STEPS, or non-finite or too large numbers.
    """
    a, b, c = _coefficients(a, b, c)
    start = _number("start x", x0)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}: choose one of {', '.join(OPTIMIZERS)}")
    spec = OPTIMIZERS[optimizer]
    lr = _check_lr(spec, lr)
    steps = _steps(steps)
    kwargs, constructor = _optimizer_code(spec, lr)
    p = _Printer()

    x = torch.tensor(start, requires_grad=True)
    path = _run_loop(spec, kwargs, a, b, c, x, steps, zero=True)
    with torch.no_grad():
        final_f = _quadratic(x, a, b, c)
        f64 = _quadratic(x.double(), a, b, c)
    p("x =", x.detach())
    p("f(x) =", final_f)
    p("x.item() =", x.item())
    loop = p.cell(
        f"The loop every PyTorch training script runs, here with {spec.name}: zero the "
        "gradients, compute the loss, backward(), step(). print shows 4 decimals; .item() gives "
        "the float32 value in full.",
        f"""
import torch

{_coefficients_code(a, b, c)}
{_F_DEF.strip()}

x = torch.tensor({_lit(start)}, requires_grad=True)
{_loop_code(spec, constructor, steps, "path", zero=True).strip()}
with torch.no_grad():
    print("x =", x.detach())
    print("f(x) =", f(x))
    print("x.item() =", x.item())
""",
    )
    p(f64)
    precision = p.cell(
        "f(x) in float32 rounds a·x² + b·x + c to the nearest float32; the same formula at the "
        "same x in float64 shows how far from the true minimum the run really is.",
        """
with torch.no_grad():
    print(f(x.double()))
""",
    )
    runaway = _runaway_note("x", path, spec, a)
    return OptimizerRun(
        a=a,
        b=b,
        c=c,
        optimizer=spec.id,
        name=spec.name,
        path=tuple(path),
        x=x.item(),
        f=final_f.item(),
        x_repr=repr(x.detach()),
        f_repr=repr(final_f),
        f_float64=f64.item(),
        minimum=-b / (2 * a) if a > 0 else None,
        diverged=bool(runaway),
        runaway=runaway,
        notes=tuple(_shape_notes(a, b)),
        cells=(loop, precision),
    )


# ---------------------------------------------------------------------------------------------
# Figures (Plotly; the page only hands them to st.plotly_chart)

_BLUE, _ORANGE, _GREEN, _RED, _GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"


def _layout(fig: go.Figure, title: str, xaxis: str, yaxis: str) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=xaxis,
        yaxis_title=yaxis,
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0},
    )
    return fig


def tangent_figure(result: ScalarBackward) -> go.Figure:
    """f with its tangent at x: the tangent's slope is x.grad."""
    x0, f0, g = result.x, result.f, result.grad
    tangent = [f0 + g * (t - x0) for t in result.curve_x]
    fig = go.Figure(
        [
            go.Scatter(x=result.curve_x, y=result.curve_f, name="f(x)", line={"color": _BLUE}),
            go.Scatter(
                x=result.curve_x,
                y=tangent,
                name=f"tangent, slope x.grad = {g:g}",
                line={"color": _ORANGE, "dash": "dash"},
            ),
            go.Scatter(
                x=[x0],
                y=[f0],
                name=f"x = {x0:g}",
                mode="markers",
                marker={"color": _RED, "size": 11},
            ),
        ]
    )
    span = max(result.curve_f) - min(result.curve_f)
    low, high = min(result.curve_f), max(result.curve_f)
    pad = 0.1 * span if span > 0 else 1.0
    fig.update_yaxes(range=[low - pad, high + pad])  # the tangent would otherwise set the scale
    return _layout(fig, "f and its tangent at x", "x", "f(x)")


def derivatives_figure(result: HigherOrder) -> go.Figure:
    """f, f' and f'' over the range computed by autograd, with the values at x marked."""
    fig = go.Figure()
    for ys, name, color, at in (
        (result.f, "f(x)", _BLUE, None),
        (result.df, "f'(x)", _ORANGE, result.first),
        (result.d2f, "f''(x)", _GREEN, result.second),
    ):
        fig.add_trace(go.Scatter(x=result.grid, y=ys, name=name, line={"color": color}))
        if at is not None:
            fig.add_trace(
                go.Scatter(
                    x=[result.x],
                    y=[at],
                    mode="markers",
                    marker={"color": color, "size": 10},
                    name=f"{name.replace('(x)', '')} at x = {result.x:g}: {at:g}",
                )
            )
    fig.add_hline(y=0, line={"color": _GREY, "width": 1})
    return _layout(fig, "f, f' and f'' from torch.autograd.grad", "x", "value")


def accumulation_figure(result: Accumulation) -> go.Figure:
    """x over the steps of SGD with and without zero_grad()."""
    fig = go.Figure()
    for path, name, color in (
        (result.with_zero, "with zero_grad()", _BLUE),
        (result.without_zero, "without zero_grad()", _RED),
    ):
        shown = _plottable(path)
        fig.add_trace(
            go.Scatter(x=list(range(len(shown))), y=shown, name=name, line={"color": color})
        )
    if result.minimum is not None:
        fig.add_hline(
            y=result.minimum,
            line={"color": _GREY, "dash": "dot"},
            annotation_text=f"minimum x = {result.minimum:g}",
        )
    return _layout(fig, "x during SGD, with and without zero_grad()", "step", "x")


def _frame_indices(n: int) -> list[int]:
    if n <= MAX_FRAMES:
        return list(range(n))
    return sorted({round(i * (n - 1) / (MAX_FRAMES - 1)) for i in range(MAX_FRAMES)})


def descent_figure(result: OptimizerRun) -> go.Figure:
    """An animation of x moving along the parabola, with a slider over (subsampled) steps."""
    a, b, c = result.a, result.b, result.c
    path = _plottable(result.path)
    if not path:  # the start itself is out of range: nothing to animate
        path = (0.0,)
    ends = [*path, *([result.minimum] if result.minimum is not None else [])]
    lo, hi = min(ends), max(ends)
    pad = max(0.15 * (hi - lo), 1.0)
    curve_x, curve_f = _curve(a, b, c, lo - pad, hi + pad)
    values = [a * v * v + b * v + c for v in path]
    frames_at = _frame_indices(len(path))

    def marker(t: int) -> go.Scatter:
        return go.Scatter(
            x=[path[t]],
            y=[values[t]],
            mode="markers+text",
            text=[f"step {t}"],
            textposition="top center",
            marker={"color": _RED, "size": 13},
            name="x at this step",
        )

    fig = go.Figure(
        [
            go.Scatter(x=curve_x, y=curve_f, name="f(x)", line={"color": _BLUE}),
            go.Scatter(
                x=path,
                y=values,
                mode="markers",
                marker={"color": _ORANGE, "size": 5, "opacity": 0.35},
                name="every step",
            ),
            marker(0),
        ],
        # A scatter-only figure keeps its traces with redraw=False, which keeps playback smooth.
        frames=[go.Frame(name=str(t), data=[marker(t)], traces=[2]) for t in frames_at],
    )
    animate = {"frame": {"duration": 60, "redraw": False}, "transition": {"duration": 0}}
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.14,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 10},
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, animate]},
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [[None], {"mode": "immediate", **animate}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.24,
                "len": 0.76,
                "y": -0.14,
                "yanchor": "top",
                "pad": {"t": 10},
                # The marker is labelled with its step; a label here would sit on the buttons.
                "currentvalue": {"visible": False},
                "steps": [
                    {
                        "label": str(t),
                        "method": "animate",
                        "args": [
                            [str(t)],
                            {"mode": "immediate", "frame": {"duration": 0, "redraw": False}},
                        ],
                    }
                    for t in frames_at
                ],
            }
        ],
    )
    fig = _layout(fig, f"{result.name} on f(x) = {formula(a, b, c)}", "x", "f(x)")
    fig.update_layout(height=520, margin={"b": 140})
    return fig
