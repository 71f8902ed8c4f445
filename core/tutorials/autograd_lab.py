"""The Autograd Lab: the source tutorial's sections as plain functions that run real torch.

The tutorial is the chapter 自动微分机制 (2-2) of "eat_pytorch_in_20_days": backward() on scalars
and non-scalars, torch.autograd.grad with higher-order derivatives and several variables, and an
optimizer loop that finds a minimum. Each section shows the tutorial's code as it reads, with the
reader's numbers, then lets the reader vary it.

Each section function takes plain numbers or short strings, runs torch, and returns a frozen record
with the values (tensors as torch prints them, floats for the plots) and `cells`: the code shown on
the page, each with the text its `print` calls write (core.tutorials.lab_code). Captions, notes and
the code's comments are in `lang` ("en" or "zh", English by default); a bad input raises
`core.text.refusal.Refusal`, which the page says in its language. The function of most sections is
the tutorial's f(x) = a*x**2 + b*x + c (core.problems.parabola) with its coefficients as 0-d
float32 tensors, as the tutorial makes them, so the printed numbers are the tutorial's. The charts
are in core.figures.lab.

This module is the Lab's public face; each part lives in a module of its own:

    lab_inputs    the inputs' limits, each input checked and read (typed tensors too)
    lab_code      the code cells, the printer, the generated code the sections share
    lab_basics    1. tensors that need gradients
    lab_backward  2. backward() on a scalar, 3. on a non-scalar
    lab_grad      4. torch.autograd.grad and higher derivatives, 5. several inputs and outputs
    lab_loop      the optimizer loop, its work budget and the notes about a run
    lab_training  6. gradients accumulate, 7. the optimizer loop (over x, and over a model)
"""

from core.problems.parabola import formula
from core.tutorials.lab_backward import (
    NonScalarBackward,
    ScalarBackward,
    nonscalar_backward,
    scalar_backward,
)
from core.tutorials.lab_basics import OPERATIONS, TensorBasics, tensor_basics
from core.tutorials.lab_code import Cell
from core.tutorials.lab_grad import HigherOrder, SeveralInputs, higher_order, several_inputs
from core.tutorials.lab_inputs import (
    LR_RANGE,
    MAX_ABS,
    MAX_DIM,
    MAX_ELEMENTS,
    MAX_STEPS,
    MAX_TEXT,
    parse_tensor_text,
)
from core.tutorials.lab_training import Accumulation, OptimizerRun, accumulation, optimizer_loop

__all__ = [
    "LR_RANGE",
    "MAX_ABS",
    "MAX_DIM",
    "MAX_ELEMENTS",
    "MAX_STEPS",
    "MAX_TEXT",
    "OPERATIONS",
    "Accumulation",
    "Cell",
    "HigherOrder",
    "NonScalarBackward",
    "OptimizerRun",
    "ScalarBackward",
    "SeveralInputs",
    "TensorBasics",
    "accumulation",
    "formula",
    "higher_order",
    "nonscalar_backward",
    "optimizer_loop",
    "parse_tensor_text",
    "scalar_backward",
    "several_inputs",
    "tensor_basics",
]
