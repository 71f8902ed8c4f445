"""The tutorial's function, f(x) = a*x**2 + b*x + c, as its code writes it: the coefficients as
0-d tensors, its lines (with the tutorial's own spacing) and the opening lines of its cells.
Sections 2 to 7 all start from it (core.tutorials.lab_code says how a cell is written)."""

from __future__ import annotations

import torch

from core.text.i18n import comment
from core.tutorials.lab_code import lit


def tensor_coefficients(a: float, b: float, c: float) -> tuple[torch.Tensor, ...]:
    """f's coefficients as the tutorial makes them, `a = torch.tensor(1.0)`: 0-d float32 tensors
    (see `head_code`)."""
    return tuple(torch.tensor(value) for value in (a, b, c))


# Lines of the tutorial, as it writes them (its spacing too). The comment above f is pure math and
# reads the same in both languages.
F_COMMENT = "# f(x) = a*x**2 + b*x + c"
Y_CODE = "y = a*torch.pow(x,2) + b*x + c"
F_DEF = """
def f(x):
    result = a*torch.pow(x,2) + b*x + c
    return(result)
"""


def x_code(x_literal: str, lang: str) -> str:
    return f"x = torch.tensor({x_literal},requires_grad = True) {comment('lab_code_x_grad', lang)}"


def head_code(x_literal: str, a: float, b: float, c: float, about: str, lang: str) -> str:
    """The tutorial's opening lines: torch, a comment saying what the cell computes (`about`, a
    comment line), x, which requires grad, and the coefficients as 0-d tensors."""
    return f"""
import torch

{about}

{x_code(x_literal, lang)}
a = torch.tensor({lit(a)})
b = torch.tensor({lit(b)})
c = torch.tensor({lit(c)})
"""
