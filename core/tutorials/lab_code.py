"""The Autograd Lab's code cells: the record of one cell, the printer that captures what a cell
prints, and the pieces of generated code several sections share.

A section writes its code from the same inputs as the torch calls it runs beside it, statement for
statement, and prints through `Printer`, which formats exactly as `print` does; the tests execute
every cell and compare what it prints with the cell's output. `repr` of a Python float is a literal
that reads back exactly, so the code holds the numbers that ran.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.optim.optimizers import OptimizerSpec
from core.tutorials.lab_inputs import Nested


@dataclass(frozen=True, slots=True)
class Cell:
    """One code cell: a sentence saying what it shows, the code, and what its prints write."""

    caption: str
    code: str
    output: str


class Printer:
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


def caught(p: Printer, action: Callable[[], object]) -> str:
    """Run `action` as the cell `caught_code` writes runs its statement: torch's RuntimeError
    message, printed as its `except` clause prints it, or "" if torch raised none."""
    try:
        action()
    except RuntimeError as err:
        p("RuntimeError:", err)
        return str(err)
    return ""


def caught_code(statement: str) -> str:
    """`statement` in a try block that prints torch's RuntimeError (see `caught`)."""
    return f"""
try:
    {statement}
except RuntimeError as err:
    print("RuntimeError:", err)
"""


def lit(value: float) -> str:
    """A float as a literal that reads back exactly."""
    return repr(float(value))


def nested_lit(values: Nested) -> str:
    """A number or nested list of numbers as a literal."""
    if isinstance(values, list):
        return "[" + ", ".join(nested_lit(v) for v in values) + "]"
    return lit(values)


def coefficients_code(a: float, b: float, c: float) -> str:
    return f"a, b, c = {lit(a)}, {lit(b)}, {lit(c)}"


def f_of_x_code(x_literal: str, a: float, b: float, c: float) -> str:
    """The code that opens sections 2 to 4: torch, the coefficients, x (which requires grad) and
    f computed from it."""
    return f"""
import torch

{coefficients_code(a, b, c)}
x = torch.tensor({x_literal}, requires_grad=True)
f = a * x**2 + b * x + c
"""


F_DEF = """
def f(x):
    return a * x**2 + b * x + c
"""


def optimizer_code(spec: OptimizerSpec, lr: float) -> tuple[dict[str, Any], str]:
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


def loop_code(spec: OptimizerSpec, constructor: str, steps: int, path: str, zero: bool) -> str:
    """The loop `core.tutorials.lab_loop.run_loop` runs: `steps` steps of the optimizer that
    `constructor` builds, with x before and after each step appended to the list `path`."""
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
