"""The Autograd Lab's sections 6 and 7: gradients accumulate (backward() adds into .grad, while
torch.autograd.grad leaves it alone; the same SGD loop with and without zero_grad()), and the
tutorial's part 3 (利用自动微分和优化器求最小值): its optimizer loop with any torch.optim
optimizer, and the same loop over a model's parameters.

Both run the loop of core.tutorials.lab_loop within the work budget; the code shown runs exactly
the steps that ran, and a note says when the budget shortened them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import torch
from torch import nn

from core.optim.optimizers import OptimizerSpec
from core.problems.parabola import minimiser, quadratic
from core.text.i18n import comment, sentences, text
from core.tutorials.lab_code import (
    Cell,
    Printer,
    lit,
    loop_code,
    model_optimizer,
    optimizer_arguments,
    tutorial_optimizer,
)
from core.tutorials.lab_function import F_COMMENT, F_DEF, head_code, tensor_coefficients, x_code
from core.tutorials.lab_inputs import (
    LAB_OPTIMIZERS,
    choice,
    coefficients,
    learning_rate,
    start_x,
    step_count,
)
from core.tutorials.lab_loop import (
    budget_notes,
    run_loop,
    runaway_note,
    shape_notes,
    steps_within_budget,
)

LOOPS = 2  # each section runs two loops: with and without zero_grad(); over x and over a model


@dataclass(frozen=True, slots=True)
class _Setup:
    """What a section's loops start from, read and checked: f's coefficients (floats, and the
    tutorial's tensors), the start, the optimizer and its arguments, and the steps each loop runs
    of those asked for."""

    coefficients: tuple[float, float, float]
    tensors: tuple[torch.Tensor, ...]
    start: float
    spec: OptimizerSpec
    kwargs: dict[str, Any]
    shown: dict[str, Any]
    steps: int
    asked: int

    def loop(self, zero: bool = True) -> tuple[torch.Tensor, list[float], float | None]:
        """The tutorial's loop over x from the start: x, and what `run_loop` returns."""
        x = torch.tensor(self.start, requires_grad=True)
        forward = partial(quadratic, x, *self.tensors)  # f(x), as the code shows it
        path, failed_on = run_loop(self.spec, self.kwargs, [x], forward, x, self.steps, zero)
        return x, path, failed_on


def _setup(a: Any, b: Any, c: Any, x0: Any, optimizer: Any, lr: Any, asked: Any) -> _Setup:
    """The inputs of a section's loops, checked in this order (Refusal at the first bad one);
    the section's two loops share the work budget."""
    coefs = coefficients(a, b, c)
    first = start_x(x0)
    spec = LAB_OPTIMIZERS[choice("lab_err_unknown_optimizer", optimizer, LAB_OPTIMIZERS)]
    kwargs, shown = optimizer_arguments(spec, learning_rate(spec, lr))
    fit, wanted = steps_within_budget(spec, step_count(asked), loops=LOOPS)
    return _Setup(coefs, tensor_coefficients(*coefs), first, spec, kwargs, shown, fit, wanted)


@dataclass(frozen=True, slots=True)
class Accumulation:
    """Section 6: .grad adds up over backward() calls, not over torch.autograd.grad calls; SGD
    with and without zero_grad().

    Attributes:
        grad_once, grad_twice: x.grad after one and after two backward() calls, as printed.
        grad_once_value, grad_twice_value: the same as floats.
        grad_left_alone: x.grad after two torch.autograd.grad calls, as printed ("None").
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
    grad_left_alone: str
    with_zero: tuple[float, ...]
    without_zero: tuple[float, ...]
    with_zero_repr: str
    without_zero_repr: str
    minimum: float | None
    notes: tuple[str, ...]
    cells: tuple[Cell, ...]


def _backward_twice(p: Printer, setup: _Setup, lang: str) -> tuple[torch.Tensor, ...]:
    """backward() twice through one retained graph: x.grad after each, and the cell."""
    x = torch.tensor(setup.start, requires_grad=True)
    y = quadratic(x, *setup.tensors)
    y.backward(retain_graph=True)
    assert x.grad is not None  # backward() just filled it
    once = x.grad.clone()
    p(x.grad)
    y.backward()
    p(x.grad)
    head = head_code(lit(setup.start), *setup.coefficients, F_COMMENT, lang)
    code = f"""{head}{F_DEF}
y = f(x)
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
"""
    return once, x.grad.clone(), p.cell(text("lab_cell_adds_up", lang), code)


def _grad_twice(p: Printer, setup: _Setup, lang: str) -> tuple[str, Cell]:
    """torch.autograd.grad twice through one retained graph: x.grad is still None after both."""
    x = torch.tensor(setup.start, requires_grad=True)
    y = quadratic(x, *setup.tensors)
    for retain in (True, False):
        dy_dx = torch.autograd.grad(y, x, retain_graph=retain)[0]
        p(dy_dx, x.grad)
    code = f"""
{x_code(lit(setup.start), lang)}
y = f(x)
dy_dx = torch.autograd.grad(y,x,retain_graph=True)[0]
print(dy_dx, x.grad)
dy_dx = torch.autograd.grad(y,x)[0]
print(dy_dx, x.grad)
"""
    return str(x.grad), p.cell(text("lab_cell_grad_leaves_grad", lang), code)


def _zero_grad_loop(p: Printer, setup: _Setup, zero: bool, lang: str) -> tuple[Any, ...]:
    """One of section 6's two loops (names and prints as the code shows them): x at every step,
    the final x as printed, and the cell."""
    name, caption = ("right", "lab_cell_with_zero") if zero else ("wrong", "lab_cell_without_zero")
    x, path, _ = setup.loop(zero)
    p("x=", x.data)
    code = f"""
{x_code(lit(setup.start), lang)}
{tutorial_optimizer(setup.spec, setup.shown)}
{loop_code(setup.spec, setup.steps, lang, path=name, zero=zero).strip()}

print("x=",x.data)
"""
    return path, repr(x.data), p.cell(text(caption, lang), code)


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
    """backward() twice adds up, torch.autograd.grad twice does not; then SGD with and without
    zero_grad().

    Raises:
        Refusal: non-finite or too large inputs, a learning rate outside SGD's range, or a step
            count outside 1..MAX_STEPS.
    """
    setup = _setup(a, b, c, x0, "sgd", lr, steps)
    p = Printer()
    once, twice, adds_up = _backward_twice(p, setup, lang)
    left_alone, leaves_grad = _grad_twice(p, setup, lang)
    right, right_repr, with_zero = _zero_grad_loop(p, setup, True, lang)
    wrong, wrong_repr, without_zero = _zero_grad_loop(p, setup, False, lang)

    a, b = setup.coefficients[:2]
    notes = shape_notes(a, b, lang)
    notes += budget_notes(setup.spec, setup.steps, setup.asked, lang, loops=LOOPS)
    for label, path in (("lab_runaway_with_zero", right), ("lab_runaway_without_zero", wrong)):
        note = runaway_note(text(label, lang), path, setup.spec, a, lang)
        if note:
            notes.append(note)
    return Accumulation(
        grad_once=repr(once),
        grad_twice=repr(twice),
        grad_once_value=once.item(),
        grad_twice_value=twice.item(),
        grad_left_alone=left_alone,
        with_zero=tuple(right),
        without_zero=tuple(wrong),
        with_zero_repr=right_repr,
        without_zero_repr=wrong_repr,
        minimum=minimiser(a, b),
        notes=tuple(notes),
        cells=(adds_up, leaves_grad, with_zero, without_zero),
    )


@dataclass(frozen=True, slots=True)
class OptimizerRun:
    """Section 7: a torch.optim optimizer minimising f from x0, over x and over a model's
    parameters.

    Attributes:
        a, b, c: the coefficients.
        optimizer: the registry id; name: its display name.
        path: x before and after every step (steps + 1 values; may hold inf or NaN; fewer
            when L-BFGS's line search failed on a non-finite f).
        model_path: the same for the model's parameter x, from model.parameters(): the same
            iterates.
        x, f: the final x and f(x) as floats (float32 values).
        x_repr, f_repr: the same as torch prints them, e.g. "tensor(1.0000)" and "tensor(0.)".
        f_float64: the same formula at the same final x in float64: float32 rounds f to 0 near
            the minimum, where the exact value is tiny but positive.
        minimum: the minimiser -b / (2a) when a > 0, else None.
        diverged: True if x became non-finite or left ±HUGE, or L-BFGS's line search failed.
        runaway: a sentence saying when and how x ran away, or "" if it did not.
        notes: sentences about a parabola without minimum, or loops the work budget shortened.
        cells: the code and what it prints: the tutorial's loop, the same over a model, and x
            and f(x) in full.
    """

    a: float
    b: float
    c: float
    optimizer: str
    name: str
    path: tuple[float, ...]
    model_path: tuple[float, ...]
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


def _runaway(path: list[float], failed_on: float | None, setup: _Setup, lang: str) -> str:
    """How the run ran away (or L-BFGS's line search failed), or ""."""
    runaway = runaway_note("x", path, setup.spec, setup.coefficients[0], lang)
    if failed_on is None:
        return runaway
    # The line search met a non-finite f: the run ends, diverged.
    stopped = text("lab_line_search_failed", lang, step=len(path), value=failed_on)
    return sentences([note for note in (runaway, stopped) if note], lang)


def _tutorial_loop(p: Printer, setup: _Setup, lang: str) -> tuple[Any, ...]:
    """The tutorial's loop over x: x, its path, where L-BFGS's line search failed, and the cell."""
    x, path, failed_on = setup.loop()
    with torch.no_grad():
        p("y=", quadratic(x, *setup.tensors).data, ";", "x=", x.data)
    about = comment("lab_code_minimum", lang)
    head = head_code(lit(setup.start), *setup.coefficients, about, lang)
    code = f"""{head}
{tutorial_optimizer(setup.spec, setup.shown)}

{F_DEF}
{loop_code(setup.spec, setup.steps, lang).strip()}

print("y=",f(x).data,";","x=",x.data)
"""
    return x, path, failed_on, p.cell(text("lab_cell_loop", lang, name=setup.spec.name), code)


class _Model(nn.Module):
    """The module the model cell defines: one parameter x, and the tutorial's f as forward."""

    def __init__(self, start: float, tensors: tuple[torch.Tensor, ...]) -> None:
        super().__init__()
        self.x = nn.Parameter(torch.tensor(start))
        self.tensors = tensors

    def forward(self) -> torch.Tensor:
        return quadratic(self.x, *self.tensors)


def _model_loop(p: Printer, setup: _Setup, lang: str) -> tuple[list[float], Cell]:
    """The same loop over model.parameters(): the model's x at every step, and the cell."""
    model = _Model(setup.start, setup.tensors)
    run = run_loop(setup.spec, setup.kwargs, model.parameters(), model, model.x, setup.steps)
    with torch.no_grad():
        p("y=", model().data, ";", "x=", model.x.data)
    loop = loop_code(
        setup.spec,
        setup.steps,
        lang,
        path="model_path",
        x="model.x",
        forward="model()",
        why_path="lab_code_model_path",
    )
    parameter = f"nn.Parameter(torch.tensor({lit(setup.start)}))"
    code = f"""
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.x = {parameter}  {comment("lab_code_parameter", lang)}

    def forward(self):
        return f(self.x)


model = Model()
{model_optimizer(setup.spec, setup.shown)}
{loop.strip()}

print("y=",model().data,";","x=",model.x.data)
"""
    return run[0], p.cell(text("lab_cell_model", lang), code)


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
    """The tutorial's loop, zero_grad, forward, backward, step, with a torch.optim optimizer over
    x; the same loop over the parameters of a model holding x; and x and f(x) in full.

    The optimizer gets the registry's default hyper-parameters and the given learning rate.

    Raises:
        Refusal: an unknown optimizer, a learning rate outside its range, a step count outside
            1..MAX_STEPS, or non-finite or too large numbers.
    """
    setup = _setup(a, b, c, x0, optimizer, lr, steps)
    spec = setup.spec
    p = Printer()
    x, path, failed_on, loop = _tutorial_loop(p, setup, lang)
    model_path, model = _model_loop(p, setup, lang)
    with torch.no_grad():
        final_f = quadratic(x, *setup.tensors)
        f64 = quadratic(x.double(), *setup.tensors)
    p(x.item())
    p(f64)
    code = """
print(x.item())
with torch.no_grad():
    print(f(x.double()))
"""
    precision = p.cell(text("lab_cell_precision", lang), code)
    runaway = _runaway(path, failed_on, setup, lang)
    a, b, c = setup.coefficients
    notes = shape_notes(a, b, lang)
    notes += budget_notes(spec, setup.steps, setup.asked, lang, loops=LOOPS)
    return OptimizerRun(
        a=a,
        b=b,
        c=c,
        optimizer=spec.id,
        name=spec.name,
        path=tuple(path),
        model_path=tuple(model_path),
        x=x.item(),
        f=final_f.item(),
        x_repr=repr(x.detach()),
        f_repr=repr(final_f),
        f_float64=f64.item(),
        minimum=minimiser(a, b),
        diverged=bool(runaway),
        runaway=runaway,
        notes=tuple(notes),
        cells=(loop, model, precision),
    )
