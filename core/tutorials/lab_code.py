"""The Autograd Lab's code cells: the record of one cell, the printer that captures what a cell
prints, and the pieces of generated code several sections share (the tutorial's function f
itself: core.tutorials.lab_function).

A section writes its code from the same inputs as the torch calls it runs beside it, statement for
statement, and prints through `Printer`, which formats exactly as `print` does; the tests execute
every cell and compare what it prints with the cell's output. `repr` of a Python float is a literal
that reads back exactly, so the code holds the numbers that ran.

The sections show the tutorial's code as it reads (its spellings, its spacing, its print lines)
with the reader's numbers, then the Lab's own cells beside it. Comments come from the string
tables (core.text.i18n.comment), so a Chinese page shows the tutorial's own Chinese comments;
the code around them is the same in both languages.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.optim.optimizers import OptimizerSpec
from core.text.i18n import comment
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

    def run(self, code: str, **names: object) -> None:
        """Run `code`, a cell's code that holds no numbers of the reader's, over `names`, with
        `print` writing here: such a cell's code is the very code that ran."""
        exec(code, {"print": self, **names})

    def caught(self, statement: str, action: Callable[[], object]) -> tuple[str, str]:
        """Run `action`, the torch call that `statement` spells, as a cell's try block runs it:
        torch's RuntimeError message is printed as the `except` clause prints it.

        Returns:
            The message ("" if torch raised none) and the cell's code: `statement` in that try
            block.
        """
        code = f"""
try:
    {statement}
except RuntimeError as err:
    print("RuntimeError:", err)
"""
        try:
            action()
        except RuntimeError as err:
            self("RuntimeError:", err)
            return str(err), code
        return "", code


def lit(value: float) -> str:
    """A float as a literal that reads back exactly."""
    return repr(float(value))


def nested_lit(values: Nested) -> str:
    """A number or nested list of numbers as a literal, written as the tutorial writes
    [[0.0,0.0],[1.0,2.0]]."""
    if isinstance(values, list):
        return "[" + ",".join(nested_lit(v) for v in values) + "]"
    return lit(values)


def optimizer_arguments(spec: OptimizerSpec, lr: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keyword arguments for spec.cls, and those of them the code writes.

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
    return kwargs, shown


def tutorial_optimizer(spec: OptimizerSpec, shown: dict[str, Any]) -> str:
    """The optimizer over x, as the tutorial builds it: torch.optim.SGD(params=[x],lr = 0.01)."""
    args = ",".join(f"{key} = {value!r}" for key, value in shown.items())
    return f"optimizer = torch.optim.{spec.cls.__name__}(params=[x],{args})"


def model_optimizer(spec: OptimizerSpec, shown: dict[str, Any]) -> str:
    """The optimizer over a model's parameters, in the form every training script uses:
    torch.optim.XXX(model.parameters(), lr=learning_rate)."""
    rest = "".join(f", {key}={value!r}" for key, value in shown.items() if key != "lr")
    return f"""learning_rate = {shown["lr"]!r}
optimizer = torch.optim.{spec.cls.__name__}(model.parameters(), lr=learning_rate{rest})"""


def loop_code(
    spec: OptimizerSpec,
    steps: int,
    lang: str,
    *,
    path: str = "path",
    x: str = "x",
    forward: str = "f(x)",
    zero: bool = True,
    why_path: str = "lab_code_path",
) -> str:
    """The loop `core.tutorials.lab_loop.run_loop` runs: `steps` steps of `optimizer`, which
    minimises `forward`, with the value of `x` before and after each step appended to `path`
    (the comment `why_path` says what for). Without `zero`, the loop leaves out
    optimizer.zero_grad() (a comment says so)."""
    first = f"{path} = [{x}.item()]  {comment(why_path, lang)}"
    record = f"{path}.append({x}.item())"
    zero_grad = f"optimizer.zero_grad()  {comment('lab_code_zero_grad', lang)}"
    if spec.needs_closure:
        return f"""
def closure():
    {zero_grad}
    y = {forward}
    y.backward()
    return y

{first}
for i in range({steps}):
    optimizer.step(closure)
    {record}
"""
    zeroing = zero_grad if zero else comment("lab_code_no_zero_grad", lang)
    return f"""
{first}
for i in range({steps}):
    {zeroing}
    y = {forward}
    y.backward()
    optimizer.step()
    {record}
"""
