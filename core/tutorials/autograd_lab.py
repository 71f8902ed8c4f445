"""The Autograd Lab: the source tutorial's sections as plain functions that run real torch.

Each section function takes plain numbers or short strings, runs torch, and returns a frozen record
with the values (tensors as torch prints them, floats for the plots) and `cells`: the code shown on
the page, each with the text its `print` calls write. The code text is generated from the same
inputs as the torch calls written beside it, statement for statement; the tests execute every cell
and compare what it prints with the record, so the page cannot show code that prints something
else. Nothing here executes user text or generated code: matrices typed by the user are read by
`ast.literal_eval` behind a character allow-list and a shape check.

Every sentence a reader sees (cell captions, notes, error messages, chart titles and legends) comes
from the string tables in core/text/lab.py: the functions take `lang` ("en" or "zh", English by
default), so a ValueError for bad input and a figure's words are already in the page's language.

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

from core.optim.optimizers import OPTIMIZERS, OptimizerSpec
from core.runs.budget import WORK_BUDGET, Loop, steps_that_fit
from core.runs.engine import closure_step
from core.text.i18n import sentences, text

MAX_ABS = 1e6  # inputs beyond this make float32 squares lose every digit the lesson is about
MAX_TEXT = 1_000  # characters of a typed tensor, checked before parsing
MAX_ELEMENTS = 64
MAX_DIM = 2
# The most steps a loop may be asked for (a link, the number field); the work budget decides how
# many run (core.runs.budget: 4,000 optimizer-steps, a fraction of a second for a scalar loop).
MAX_STEPS = 10_000
ACCUMULATION_LOOPS = 2  # section 6 runs SGD twice, with and without zero_grad()
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
# Input checks: every bad input raises ValueError with a message, in `lang`, that the page shows as
# it is. `name` is the input's name as the reader sees it (already in `lang`).


def _number(name: str, value: Any, limit: float = MAX_ABS, lang: str = "en") -> float:
    """`value` as a float, or ValueError if it is not a finite number within ±limit."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(text("lab_err_not_number", lang, name=name, value=repr(value)))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(text("lab_err_not_finite", lang, name=name, value=repr(value)))
    if abs(value) > limit:  # compared before float(): a huge int would overflow the conversion
        # A float (1e300 too) prints as a number; only an int too long to print is counted
        # in digits (its str() holds nothing but digits).
        shown = (
            f"{value:.6g}"
            if isinstance(value, float) or abs(value) < 1e300
            else text("lab_many_digits", lang, digits=len(str(abs(value))))
        )
        raise ValueError(
            text("lab_err_too_large", lang, name=name, value=shown, limit=f"{limit:g}")
        )
    return float(value)


def _coefficients(a: Any, b: Any, c: Any, lang: str = "en") -> tuple[float, float, float]:
    return _number("a", a, lang=lang), _number("b", b, lang=lang), _number("c", c, lang=lang)


def _steps(steps: Any, lang: str = "en") -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, float)):
        raise ValueError(text("lab_err_steps_whole", lang, value=repr(steps)))
    if isinstance(steps, float) and not steps.is_integer():
        raise ValueError(text("lab_err_steps_whole", lang, value=repr(steps)))
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(
            text("lab_err_steps_range", lang, value=f"{steps:g}", max=f"{MAX_STEPS:,}")
        )
    return int(steps)


def parse_tensor_text(
    source: str,
    name: str = "x",
    *,
    min_dim: int = 0,
    max_dim: int = MAX_DIM,
    min_elements: int = 1,
    max_elements: int = MAX_ELEMENTS,
    lang: str = "en",
) -> tuple[Nested, tuple[int, ...]]:
    """Read a number or a nested list of numbers such as "[[0, 0], [1, 2]]", safely.

    The text is length-capped and limited to digits, signs, points, exponents, commas, brackets and
    spaces before `ast.literal_eval` sees it, so no name, call or attribute can appear; the literal
    must be a rectangular nest of lists of real numbers (not bool) within ±MAX_ABS.

    Args:
        source: what the user typed.
        name: the tensor's name, used in error messages (in `lang`).
        min_dim: fewest dimensions accepted (1 rejects a bare number).
        max_dim: most dimensions accepted.
        min_elements: fewest numbers accepted.
        max_elements: most numbers accepted.
        lang: the language of the error messages.

    Returns:
        The values as floats in the same nesting, and the shape.

    Raises:
        ValueError: the text is not such a literal; the message says what is wrong.
    """
    if not isinstance(source, str):
        raise ValueError(text("lab_err_text_type", lang, name=name))
    if len(source) > MAX_TEXT:
        raise ValueError(
            text(
                "lab_err_too_long", lang, name=name, length=f"{len(source):,}", max=f"{MAX_TEXT:,}"
            )
        )
    stripped = source.strip()
    if not stripped:
        raise ValueError(text("lab_err_empty", lang, name=name))
    bad = sorted(set(stripped) - _TEXT_CHARS)
    if bad:
        raise ValueError(text("lab_err_bad_chars", lang, name=name, chars=repr("".join(bad))))
    try:
        literal = ast.literal_eval(stripped)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise ValueError(text("lab_err_no_parse", lang, name=name)) from None
    every_number = text("lab_name_every_number", lang, name=name)

    def walk(node: Any, depth: int) -> tuple[Nested, tuple[int, ...]]:
        if isinstance(node, (bool, complex)):
            raise ValueError(text("lab_err_not_real", lang, name=name))
        if isinstance(node, (int, float)):
            return _number(every_number, node, lang=lang), ()
        if isinstance(node, tuple):
            raise ValueError(text("lab_err_tuple", lang, name=name))
        if not isinstance(node, list) or not node:
            raise ValueError(text("lab_err_empty_list", lang, name=name))
        if depth == max_dim:
            raise ValueError(text("lab_err_too_many_dims", lang, name=name, max=max_dim))
        children = [walk(child, depth + 1) for child in node]
        inner = children[0][1]
        if any(shape != inner for _, shape in children):
            raise ValueError(text("lab_err_not_rectangular", lang, name=name))
        return [value for value, _ in children], (len(node), *inner)

    values, shape = walk(literal, 0)
    if len(shape) < min_dim:
        raise ValueError(text("lab_err_not_list", lang, name=name))
    count = math.prod(shape)
    if count > max_elements:
        raise ValueError(
            text("lab_err_too_many_numbers", lang, name=name, count=count, max=max_elements)
        )
    if count < min_elements:
        raise ValueError(text("lab_err_too_few_numbers", lang, name=name, min=min_elements))
    return values, shape


def _shape_text(shape: tuple[int, ...], lang: str = "en") -> str:
    return text("lab_shape_scalar", lang) if not shape else "×".join(map(str, shape))


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


def tensor_basics(
    values: str = "[1.0, 2.0, 3.0]", operation: str = "x * 2", *, lang: str = "en"
) -> TensorBasics:
    """Create x with requires_grad=True, switch it on for another tensor, and compute from x.

    Args:
        values: a number or a list such as "[1.0, 2.0, 3.0]" (see `parse_tensor_text`).
        operation: a key of OPERATIONS, the computation that makes y from x.
        lang: the language of the captions and error messages.

    Raises:
        ValueError: unreadable values or an unknown operation.
    """
    if operation not in OPERATIONS:
        raise ValueError(
            text(
                "lab_err_unknown_operation",
                lang,
                operation=repr(operation),
                choices=", ".join(OPERATIONS),
            )
        )
    data, shape = parse_tensor_text(values, "x", lang=lang)
    lit = _nested_lit(data)
    p = _Printer()
    cells = []

    x = torch.tensor(data, requires_grad=True)
    p(x)
    p(x.requires_grad, x.is_leaf, x.grad_fn)
    cells.append(
        p.cell(
            text("lab_cell_leaf", lang),
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
            text("lab_cell_switch_on", lang),
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
            text("lab_cell_computed", lang),
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
            text("lab_cell_integers", lang),
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
    a: float = 1.0, b: float = -2.0, c: float = 1.0, x: float = 0.0, *, lang: str = "en"
) -> ScalarBackward:
    """Evaluate f at x with a tensor that requires grad, call f.backward() and read x.grad.

    Raises:
        ValueError: a non-finite or too large input (the message in `lang`).
    """
    a, b, c = _coefficients(a, b, c, lang)
    x0 = _number("x", x, lang=lang)
    p = _Printer()

    xt = torch.tensor(x0, requires_grad=True)
    f = _quadratic(xt, a, b, c)
    p(f)
    first = p.cell(
        text("lab_cell_forward", lang),
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
        text("lab_cell_backward", lang, value=f"{2 * a * x0 + b:g}"),
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


def _tensor_and_weights(x: str, weights: str, lang: str) -> tuple[Any, Any, tuple[int, ...]]:
    """Section 5's tensor and `gradient` weights from their text, of one shape."""
    # One number would make f a one-element tensor, which backward() accepts like a scalar.
    x_data, shape = parse_tensor_text(x, "x", min_dim=1, min_elements=2, lang=lang)
    w_data, w_shape = parse_tensor_text(
        weights, text("lab_name_weights", lang), min_dim=1, lang=lang
    )
    if w_shape != shape:
        raise ValueError(
            text(
                "lab_err_weights_shape",
                lang,
                expected=_shape_text(shape, lang),
                got=_shape_text(w_shape, lang),
            )
        )
    return x_data, w_data, shape


def _weighted_sum(
    p: _Printer,
    x_data: Any,
    x_lit: str,
    wt: torch.Tensor,
    vjp: torch.Tensor,
    coefficients: tuple[float, float, float],
    lang: str,
) -> tuple[torch.Tensor, Cell]:
    """The same gradient as backward(gradient=w), from the scalar (f * w).sum(): its x.grad and
    the cell that shows it (and prints whether the two are equal)."""
    x2 = torch.tensor(x_data, requires_grad=True)
    (_quadratic(x2, *coefficients) * wt).sum().backward()
    assert x2.grad is not None  # backward() just filled it
    p(x2.grad)
    p(torch.equal(vjp, x2.grad))
    cell = p.cell(
        text("lab_cell_weighted_sum", lang),
        f"""
x2 = torch.tensor({x_lit}, requires_grad=True)
f2 = a * x2**2 + b * x2 + c
(f2 * w).sum().backward()
print(x2.grad)
print(torch.equal(x.grad, x2.grad))
""",
    )
    return x2.grad, cell


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
        lang: the language of the captions and error messages.

    Raises:
        ValueError: unreadable text, a shape mismatch, or out-of-range numbers.
    """
    a, b, c = _coefficients(a, b, c, lang)
    x_data, w_data, shape = _tensor_and_weights(x, weights, lang)
    x_lit, w_lit = _nested_lit(x_data), _nested_lit(w_data)
    p = _Printer()
    cells = []

    xt = torch.tensor(x_data, requires_grad=True)
    f = _quadratic(xt, a, b, c)
    p(f)
    cells.append(
        p.cell(
            text("lab_cell_elementwise", lang),
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
            text("lab_cell_needs_scalar", lang),
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
            text("lab_cell_vjp", lang),
            f"""
w = torch.tensor({w_lit})
f.backward(gradient=w)
print(x.grad)
""",
        )
    )

    assert xt.grad is not None  # backward(gradient=w) just filled it
    x2_grad, cell = _weighted_sum(p, x_data, x_lit, wt, xt.grad, (a, b, c), lang)
    cells.append(cell)
    equal = torch.equal(xt.grad, x2_grad)
    return NonScalarBackward(
        shape=shape,
        f_repr=repr(f),
        error=error,
        grad=xt.grad.tolist(),
        grad_repr=repr(xt.grad),
        weighted_grad_repr=repr(x2_grad),
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
    *,
    lang: str = "en",
) -> HigherOrder:
    """Differentiate f twice with torch.autograd.grad, at x and over [lo, hi].

    Raises:
        ValueError: non-finite or too large inputs, or lo >= hi (the message in `lang`).
    """
    a, b, c = _coefficients(a, b, c, lang)
    x0 = _number("x", x, lang=lang)
    lo = _number(text("lab_name_from", lang), lo, lang=lang)
    hi = _number(text("lab_name_to", lang), hi, lang=lang)
    if not lo < hi:
        raise ValueError(text("lab_err_plot_range", lang, lo=f"{lo:g}", hi=f"{hi:g}"))
    p = _Printer()

    xt = torch.tensor(x0, requires_grad=True)
    f = _quadratic(xt, a, b, c)
    (df,) = torch.autograd.grad(f, xt, create_graph=True)
    p(df)
    first = p.cell(
        text("lab_cell_grad", lang),
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
        text("lab_cell_second", lang, value=f"{2 * a:g}"),
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
        text("lab_cell_curves", lang, points=PLOT_POINTS),
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


def several_inputs(x1: float = 1.0, x2: float = 2.0, *, lang: str = "en") -> SeveralInputs:
    """Gradients of y1 = x1 * x2 and y2 = x1 + x2 with respect to [x1, x2].

    Raises:
        ValueError: non-finite or too large inputs (the message in `lang`).
    """
    v1, v2 = _number("x1", x1, lang=lang), _number("x2", x2, lang=lang)
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
            text("lab_cell_one_output", lang),
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
            text("lab_cell_two_outputs", lang),
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
            text("lab_cell_freed", lang),
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
            text("lab_cell_retained", lang),
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
) -> tuple[list[float], float | None]:
    """The loop `_loop_code` writes, run on x; returns x before and after every step, and the
    non-finite f on which L-BFGS's line search failed (the path then ends early), else None.

    Once x is NaN it stays NaN (every update adds to x), so the remaining steps are filled in
    rather than run: a diverged L-BFGS would otherwise spend a full line search on each."""
    optimizer = spec.cls([x], **kwargs)
    path = [x.item()]
    if spec.needs_closure:

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            y = _quadratic(x, a, b, c)
            y.backward()
            return y

        for _ in range(steps):
            failed_on = closure_step(optimizer, closure)
            if failed_on is not None:
                return path, failed_on
            path.append(x.item())
            if math.isnan(path[-1]):
                break
        return _nan_to_the_end(path, steps), None
    for _ in range(steps):
        if zero:
            optimizer.zero_grad()
        y = _quadratic(x, a, b, c)
        y.backward()
        optimizer.step()
        path.append(x.item())
        if math.isnan(path[-1]):
            break
    return _nan_to_the_end(path, steps), None


def _nan_to_the_end(path: list[float], steps: int) -> list[float]:
    """`path` with the steps a NaN x left unrun filled in: they would all give NaN."""
    return path + [math.nan] * (steps + 1 - len(path))


def _steps_within_budget(spec: OptimizerSpec, steps: int, loops: int = 1) -> tuple[int, int]:
    """The steps each of `loops` loops runs within the work budget (core.runs.budget), and the steps
    asked for. The code shown runs exactly the steps that ran.

    L-BFGS counts its worst case, `max_eval` evaluations per step (once converged, its line
    search can still spend them all), so its loops are shortened soonest."""
    evaluations = spec.evaluations_per_step()
    fit = steps_that_fit([Loop(1, evaluations=evaluations)] * loops)
    return min(steps, fit), steps


def _budget_notes(
    spec: OptimizerSpec, steps: int, asked: int, lang: str, loops: int = 1
) -> tuple[str, ...]:
    if steps == asked:
        return ()
    evaluations = spec.evaluations_per_step()
    if loops > 1:
        key = "lab_note_budget_loops"
    elif evaluations > 1:
        key = "lab_note_budget"
    else:
        key = "lab_note_budget_steps"
    values = {"name": spec.name, "steps": f"{steps:,}", "asked": f"{asked:,}"}
    return (text(key, lang, **values, evaluations=evaluations, budget=f"{WORK_BUDGET:,}"),)


def _runaway(path: Sequence[float]) -> int | None:
    """The first step whose x is non-finite or beyond ±HUGE, or None if the run stayed sane."""
    for t, value in enumerate(path):
        if not math.isfinite(value) or abs(value) > HUGE:
            return t
    return None


def _shape_notes(a: float, b: float, lang: str = "en") -> list[str]:
    if a < 0:
        return [text("lab_note_downward", lang, a=f"{a:g}", top=f"{-b / (2 * a):g}")]
    if a == 0 and b != 0:
        return [text("lab_note_line", lang, b=f"{b:g}")]
    if a == 0:
        return [text("lab_note_constant", lang)]
    return []


def _runaway_note(
    label: str, path: Sequence[float], spec: OptimizerSpec, a: float, lang: str = "en"
) -> str:
    t = _runaway(path)
    if t is None:
        return ""
    value = path[t]
    what = (
        text("lab_runaway_not_finite", lang, value=value)
        if not math.isfinite(value)
        else text("lab_runaway_huge", lang, limit=f"{HUGE:g}", value=f"{value:.4g}")
    )
    parts = [text("lab_runaway", lang, label=label, step=t, what=what)]
    if not math.isfinite(path[-1]):
        parts.append(text("lab_runaway_carries_on", lang, value=path[-1]))
    if a > 0 and spec.id == "sgd":
        parts.append(text("lab_runaway_sgd", lang, limit=f"{1 / a:g}"))
    elif a > 0:
        parts.append(text("lab_runaway_smaller_lr", lang))
    return sentences(parts, lang)


def _plottable(path: Sequence[float]) -> tuple[float, ...]:
    """The prefix of `path` before it runs away (plots cannot show inf, NaN or 1e30)."""
    t = _runaway(path)
    return tuple(path if t is None else path[:t])


def _check_lr(spec: OptimizerSpec, lr: Any, lang: str = "en") -> float:
    """`lr` as a float in the registry's range for `spec` (the range HyperParam.validate checks,
    with the message in `lang`)."""
    param = spec.param("lr")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)):
        raise ValueError(text("lab_err_lr_number", lang, value=repr(lr)))
    if isinstance(lr, float) and not math.isfinite(lr):
        raise ValueError(text("lab_err_lr_finite", lang, value=repr(lr)))
    if not param.low <= lr <= param.high:
        raise ValueError(
            text(
                "lab_err_lr_range",
                lang,
                value=repr(lr),
                low=f"{param.low:g}",
                high=f"{param.high:g}",
            )
        )
    return float(param.validate(lr))


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
        notes: sentences about a parabola without minimum, a run that ran away, or loops the
            work budget shortened.
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
    *,
    lang: str = "en",
) -> Accumulation:
    """Call backward() twice without zeroing, then run SGD with and without zero_grad().

    Raises:
        ValueError: non-finite or too large inputs, a learning rate outside SGD's range, or a step
            count outside 1..MAX_STEPS (the message in `lang`).
    """
    a, b, c = _coefficients(a, b, c, lang)
    start = _number(text("lab_start_x", lang), x0, lang=lang)
    spec = OPTIMIZERS["sgd"]
    lr = _check_lr(spec, lr, lang)
    # Two loops, with and without zero_grad(): the work budget is shared between them.
    steps, asked = _steps_within_budget(spec, _steps(steps, lang), loops=ACCUMULATION_LOOPS)
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
            text("lab_cell_adds_up", lang),
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

    # The same loop twice, with and without zero_grad(); names and prints as the shown code.
    paths, reprs = {}, {}
    for zero, name, caption, printed in (
        (True, "right", "lab_cell_with_zero", "with zero_grad():   "),
        (False, "wrong", "lab_cell_without_zero", "without zero_grad():"),
    ):
        x = torch.tensor(start, requires_grad=True)
        paths[name], _ = _run_loop(spec, kwargs, a, b, c, x, steps, zero=zero)
        p(printed, x.detach())
        reprs[name] = repr(x.detach())
        cells.append(
            p.cell(
                text(caption, lang),
                f"""
x = torch.tensor({_lit(start)}, requires_grad=True)
{_loop_code(spec, constructor, steps, name, zero=zero).strip()}
print("{printed}", x.detach())
""",
            )
        )
    right, wrong = paths["right"], paths["wrong"]
    right_repr, wrong_repr = reprs["right"], reprs["wrong"]

    notes = _shape_notes(a, b, lang) + list(
        _budget_notes(spec, steps, asked, lang, loops=ACCUMULATION_LOOPS)
    )
    for label, path in (
        (text("lab_runaway_with_zero", lang), right),
        (text("lab_runaway_without_zero", lang), wrong),
    ):
        note = _runaway_note(label, path, spec, a, lang)
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
        path: x before and after every step (steps + 1 values; may hold inf or NaN; fewer
            when L-BFGS's line search failed on a non-finite f).
        x, f: the final x and f(x) as floats (float32 values).
        x_repr, f_repr: the same as torch prints them, e.g. "tensor(1.0000)" and "tensor(0.)".
        f_float64: the same formula at the same final x in float64: float32 rounds f to 0 near
            the minimum, where the exact value is tiny but positive.
        minimum: the minimiser -b / (2a) when a > 0, else None.
        diverged: True if x became non-finite or left ±HUGE, or L-BFGS's line search failed.
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
    *,
    lang: str = "en",
) -> OptimizerRun:
    """Minimise f with a torch.optim optimizer: zero_grad, forward, backward, step.

    The optimizer gets the registry's default hyper-parameters and the given learning rate.

    Raises:
        ValueError: an unknown optimizer, a learning rate outside its range, a step count outside
            1..MAX_STEPS, or non-finite or too large numbers (the message in `lang`).
    """
    a, b, c = _coefficients(a, b, c, lang)
    start = _number(text("lab_start_x", lang), x0, lang=lang)
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            text(
                "lab_err_unknown_optimizer",
                lang,
                optimizer=repr(optimizer),
                choices=", ".join(OPTIMIZERS),
            )
        )
    spec = OPTIMIZERS[optimizer]
    lr = _check_lr(spec, lr, lang)
    steps, asked = _steps_within_budget(spec, _steps(steps, lang))
    kwargs, constructor = _optimizer_code(spec, lr)
    p = _Printer()

    x = torch.tensor(start, requires_grad=True)
    path, failed_on = _run_loop(spec, kwargs, a, b, c, x, steps, zero=True)
    with torch.no_grad():
        final_f = _quadratic(x, a, b, c)
        f64 = _quadratic(x.double(), a, b, c)
    p("x =", x.detach())
    p("f(x) =", final_f)
    p("x.item() =", x.item())
    loop = p.cell(
        text("lab_cell_loop", lang, name=spec.name),
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
        text("lab_cell_precision", lang),
        """
with torch.no_grad():
    print(f(x.double()))
""",
    )
    runaway = _runaway_note("x", path, spec, a, lang)
    if failed_on is not None:  # the line search met a non-finite f: the run ends, diverged
        stopped = text("lab_line_search_failed", lang, step=len(path), value=failed_on)
        runaway = sentences([note for note in (runaway, stopped) if note], lang)
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
        notes=tuple(_shape_notes(a, b, lang)) + _budget_notes(spec, steps, asked, lang),
        cells=(loop, precision),
    )


# ---------------------------------------------------------------------------------------------
# Figures (Plotly; the page only hands them to st.plotly_chart). Titles and legend names are in
# `lang`; pure math (f(x), f'(x), x = 0) reads the same in both languages.

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


def tangent_figure(result: ScalarBackward, lang: str = "en") -> go.Figure:
    """f with its tangent at x: the tangent's slope is x.grad."""
    x0, f0, g = result.x, result.f, result.grad
    tangent = [f0 + g * (t - x0) for t in result.curve_x]
    fig = go.Figure(
        [
            go.Scatter(x=result.curve_x, y=result.curve_f, name="f(x)", line={"color": _BLUE}),
            go.Scatter(
                x=result.curve_x,
                y=tangent,
                name=text("lab_fig_tangent", lang, slope=f"{g:g}"),
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
    return _layout(fig, text("lab_fig_tangent_title", lang), "x", "f(x)")


def derivatives_figure(result: HigherOrder, lang: str = "en") -> go.Figure:
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
                    name=text(
                        "lab_fig_value_at",
                        lang,
                        name=name.replace("(x)", ""),
                        x=f"{result.x:g}",
                        value=f"{at:g}",
                    ),
                )
            )
    fig.add_hline(y=0, line={"color": _GREY, "width": 1})
    return _layout(fig, text("lab_fig_derivatives_title", lang), "x", text("lab_axis_value", lang))


def accumulation_figure(result: Accumulation, lang: str = "en") -> go.Figure:
    """x over the steps of SGD with and without zero_grad()."""
    fig = go.Figure()
    for path, name, color in (
        (result.with_zero, text("lab_fig_with_zero", lang), _BLUE),
        (result.without_zero, text("lab_fig_without_zero", lang), _RED),
    ):
        shown = _plottable(path)
        fig.add_trace(
            go.Scatter(x=list(range(len(shown))), y=shown, name=name, line={"color": color})
        )
    if result.minimum is not None:
        fig.add_hline(
            y=result.minimum,
            line={"color": _GREY, "dash": "dot"},
            annotation_text=text("lab_fig_minimum", lang, x=f"{result.minimum:g}"),
        )
    return _layout(fig, text("lab_fig_accumulation_title", lang), text("lab_axis_step", lang), "x")


def _frame_indices(n: int) -> list[int]:
    if n <= MAX_FRAMES:
        return list(range(n))
    return sorted({round(i * (n - 1) / (MAX_FRAMES - 1)) for i in range(MAX_FRAMES)})


def descent_figure(result: OptimizerRun, lang: str = "en") -> go.Figure:
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
            text=[text("lab_fig_step", lang, step=t)],
            textposition="top center",
            marker={"color": _RED, "size": 13},
            name=text("lab_fig_current", lang),
        )

    fig = go.Figure(
        [
            go.Scatter(x=curve_x, y=curve_f, name="f(x)", line={"color": _BLUE}),
            go.Scatter(
                x=path,
                y=values,
                mode="markers",
                marker={"color": _ORANGE, "size": 5, "opacity": 0.35},
                name=text("lab_fig_every_step", lang),
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
                    {"label": text("play", lang), "method": "animate", "args": [None, animate]},
                    {
                        "label": text("pause", lang),
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
    title = text("lab_fig_descent_title", lang, name=result.name, formula=formula(a, b, c))
    fig = _layout(fig, title, "x", "f(x)")
    fig.update_layout(height=520, margin={"b": 140})
    return fig
