"""The Autograd Lab's inputs: their limits, and each one checked and read.

Every bad input raises `Refusal` (core.text.refusal): the key of its message and the values that
fill it, said in the page's language by the page. `name` is the input's name as the reader sees
it: a symbol such as "x", which reads the same in both languages, or a `Phrase` of the string
tables. Matrices typed by the user are read by `ast.literal_eval` behind a character allow-list
and a shape check; nothing here executes user text.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from core.optim.optimizers import OPTIMIZERS, OptimizerSpec
from core.text.refusal import Phrase, Refusal

MAX_ABS = 1e6  # inputs beyond this make float32 squares lose every digit the lesson is about
MAX_TEXT = 1_000  # characters of a typed tensor, checked before parsing
MAX_ELEMENTS = 64
MAX_DIM = 2
# The most steps a loop may be asked for (a link, the number field); the work budget decides how
# many run (core.runs.budget: 4,000 optimizer-steps, a fraction of a second for a scalar loop).
MAX_STEPS = 10_000
# The optimizers the Lab's loops can step: the tutorial's torch.optim, whose code the Lab shows.
# Its loops step a scalar x (and a model of one weight): an optimizer of matrices only (Muon)
# refuses both.
LAB_OPTIMIZERS: Mapping[str, OptimizerSpec] = MappingProxyType(
    {oid: spec for oid, spec in OPTIMIZERS.items() if spec.from_torch and spec.holds == "vector"}
)
# The learning rates the Lab's fields take: those every optimizer's lr takes (`learning_rate`
# checks a rate against its own optimizer's range in the registry).
LR_RANGE = (
    max(spec.param("lr").low for spec in LAB_OPTIMIZERS.values()),
    min(spec.param("lr").high for spec in LAB_OPTIMIZERS.values()),
)

_TEXT_CHARS = frozenset("0123456789+-.eE[], \t\r\n")
Nested = float | list["Nested"]
Name = str | Phrase


def _real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number(name: Name, value: Any, limit: float = MAX_ABS) -> float:
    """`value` as a float, or Refusal if it is not a finite number within ±limit."""
    if not _real(value):
        raise Refusal("lab_err_not_number", name=name, value=repr(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise Refusal("lab_err_not_finite", name=name, value=repr(value))
    if abs(value) > limit:  # compared before float(): a huge int would overflow the conversion
        # A float (1e300 too) prints as a number; only an int too long to print is counted
        # in digits (its str() holds nothing but digits).
        shown: object = (
            f"{value:.6g}"
            if isinstance(value, float) or abs(value) < 1e300
            else Phrase("lab_many_digits", {"digits": len(str(abs(value)))})
        )
        raise Refusal("lab_err_too_large", name=name, value=shown, limit=f"{limit:g}")
    return float(value)


def coefficients(a: Any, b: Any, c: Any) -> tuple[float, float, float]:
    """f's coefficients a, b and c, each a number within ±MAX_ABS."""
    return number("a", a), number("b", b), number("c", c)


def start_x(x0: Any) -> float:
    """The x a loop starts from."""
    return number(Phrase("lab_start_x"), x0)


def step_count(value: Any) -> int:
    """A step count: a whole number from 1 to MAX_STEPS."""
    if not _real(value) or (isinstance(value, float) and not value.is_integer()):
        raise Refusal("lab_err_steps_whole", value=repr(value))
    if not 1 <= value <= MAX_STEPS:
        raise Refusal("lab_err_steps_range", value=f"{value:g}", max=f"{MAX_STEPS:,}")
    return int(value)


def learning_rate(spec: OptimizerSpec, lr: Any) -> float:
    """`lr` as a float in the registry's range for `spec` (the range HyperParam.validate checks)."""
    param = spec.param("lr")
    if not _real(lr):
        raise Refusal("lab_err_lr_number", value=repr(lr))
    if isinstance(lr, float) and not math.isfinite(lr):
        raise Refusal("lab_err_lr_finite", value=repr(lr))
    if not param.low <= lr <= param.high:
        raise Refusal(
            "lab_err_lr_range", value=repr(lr), low=f"{param.low:g}", high=f"{param.high:g}"
        )
    return float(param.validate(lr))


def choice(key: str, value: Any, choices: Iterable[str]) -> str:
    """`value` if it is one of `choices`; else Refusal `key`, which names the value and them."""
    options = list(choices)
    if value not in options:
        raise Refusal(key, value=repr(value), choices=", ".join(options))
    return value


def shape_text(shape: tuple[int, ...]) -> Name:
    """A shape as the messages name it: "2×2", or the phrase for a scalar."""
    return Phrase("lab_shape_scalar") if not shape else "×".join(map(str, shape))


def _literal(source: Any, name: Name) -> Any:
    """The Python literal in `source`, behind a length cap and a character allow-list."""
    if not isinstance(source, str):
        raise Refusal("lab_err_text_type", name=name)
    if len(source) > MAX_TEXT:
        raise Refusal("lab_err_too_long", name=name, length=f"{len(source):,}", max=f"{MAX_TEXT:,}")
    stripped = source.strip()
    if not stripped:
        raise Refusal("lab_err_empty", name=name)
    bad = sorted(set(stripped) - _TEXT_CHARS)
    if bad:
        raise Refusal("lab_err_bad_chars", name=name, chars=repr("".join(bad)))
    try:
        return ast.literal_eval(stripped)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise Refusal("lab_err_no_parse", name=name) from None


def _nest(node: Any, name: Name, max_dim: int, depth: int = 0) -> tuple[Nested, tuple[int, ...]]:
    """A literal's numbers as floats in the same nesting, and its shape; Refusal unless it is a
    rectangular nest of at most `max_dim` lists of real numbers within ±MAX_ABS."""
    if isinstance(node, (bool, complex)):
        raise Refusal("lab_err_not_real", name=name)
    if isinstance(node, (int, float)):
        return number(Phrase("lab_name_every_number", {"name": name}), node), ()
    if isinstance(node, tuple):
        raise Refusal("lab_err_tuple", name=name)
    if not isinstance(node, list) or not node:
        raise Refusal("lab_err_empty_list", name=name)
    if depth == max_dim:
        raise Refusal("lab_err_too_many_dims", name=name, max=max_dim)
    children = [_nest(child, name, max_dim, depth + 1) for child in node]
    inner = children[0][1]
    if any(shape != inner for _, shape in children):
        raise Refusal("lab_err_not_rectangular", name=name)
    return [value for value, _ in children], (len(node), *inner)


def parse_tensor_text(
    source: str,
    name: Name = "x",
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
        source: what the user typed.
        name: the tensor's name, used in the messages.
        min_dim: fewest dimensions accepted (1 rejects a bare number).
        max_dim: most dimensions accepted.
        min_elements: fewest numbers accepted.
        max_elements: most numbers accepted.

    Returns:
        The values as floats in the same nesting, and the shape.

    Raises:
        Refusal: the text is not such a literal; the message says what is wrong.
    """
    values, shape = _nest(_literal(source, name), name, max_dim)
    if len(shape) < min_dim:
        raise Refusal("lab_err_not_list", name=name)
    count = math.prod(shape)
    if count > max_elements:
        raise Refusal("lab_err_too_many_numbers", name=name, count=count, max=max_elements)
    if count < min_elements:
        raise Refusal("lab_err_too_few_numbers", name=name, min=min_elements)
    return values, shape
