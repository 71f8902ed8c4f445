"""The Autograd Lab's section 1: tensors that need gradients (leaves, switching tracking on, a
computed tensor and its grad_fn, and why integers cannot require gradients)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import torch

from core.text.i18n import comment, text
from core.tutorials.lab_code import Cell, Printer, nested_lit
from core.tutorials.lab_inputs import choice, parse_tensor_text

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


def _grad_fn_name(t: torch.Tensor) -> str:
    return "None" if t.grad_fn is None else type(t.grad_fn).__name__


def tensor_basics(
    values: str = "[1.0, 2.0, 3.0]", operation: str = "x * 2", *, lang: str = "en"
) -> TensorBasics:
    """Create x with requires_grad=True, switch it on for another tensor, and compute from x.

    Args:
        values: a number or a list such as "[1.0, 2.0, 3.0]" (see `parse_tensor_text`).
        operation: a key of OPERATIONS, the computation that makes y from x.
        lang: the language of the captions.

    Raises:
        Refusal: unreadable values or an unknown operation.
    """
    choice("lab_err_unknown_operation", operation, OPERATIONS)
    data, shape = parse_tensor_text(values, "x")
    literal = nested_lit(data)
    p = Printer()
    cells = []

    x = torch.tensor(data, requires_grad=True)
    p(x)
    p(x.requires_grad, x.is_leaf, x.grad_fn)
    code = f"""
import torch

x = torch.tensor({literal}, requires_grad=True)
print(x)
print(x.requires_grad, x.is_leaf, x.grad_fn)
"""
    cells.append(p.cell(text("lab_cell_leaf", lang), code))

    w = torch.tensor(data)
    p(w.requires_grad)
    w.requires_grad = True
    p(w, w.is_leaf)
    code = f"""
w = torch.tensor({literal})
print(w.requires_grad)
w.requires_grad = True  {comment("lab_code_requires_grad_", lang)}
print(w, w.is_leaf)
"""
    cells.append(p.cell(text("lab_cell_switch_on", lang), code))

    y = OPERATIONS[operation](x)
    p(y)
    p(y.requires_grad, y.is_leaf, y.grad_fn)
    code = f"""
y = {operation}
print(y)
print(y.requires_grad, y.is_leaf, y.grad_fn)
"""
    cells.append(p.cell(text("lab_cell_computed", lang), code))

    int_error, code = p.caught(
        "torch.tensor([1, 2, 3], requires_grad=True)",
        lambda: torch.tensor([1, 2, 3], requires_grad=True),
    )
    cells.append(p.cell(text("lab_cell_integers", lang), code))
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
