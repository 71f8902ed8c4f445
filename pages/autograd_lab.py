"""Autograd Lab: the source tutorial's sections, live. Edit an input and torch recomputes.

A thin script: widgets -> `core.autograd_lab` (which runs torch and writes the code) -> st.*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from core import autograd_lab as lab
from core.optimizers import OPTIMIZERS

R = TypeVar("R")

PLOT_CONFIG = {"displaylogo": False}
LIMIT = lab.MAX_ABS


# The two loops are the only sections that take long enough to be worth caching (up to 10,000
# steps); inputs are plain floats and strings, so the cache keys are cheap.
@st.cache_data(max_entries=64, show_spinner=False)
def _accumulation(*args: Any) -> lab.Accumulation:
    return lab.accumulation(*args)


@st.cache_data(max_entries=64, show_spinner=False)
def _optimizer_loop(*args: Any) -> lab.OptimizerRun:
    return lab.optimizer_loop(*args)


def compute(fn: Callable[..., R], *args: Any) -> R | None:
    """Run one section; a bad input shows its message instead of the section's output."""
    try:
        return fn(*args)
    except ValueError as err:
        st.error(str(err), icon="⚠️")
        return None


def show_cells(cells: Sequence[lab.Cell], wrap: bool = False) -> None:
    for cell in cells:
        st.markdown(cell.caption)
        st.code(cell.code, language="python", wrap_lines=wrap)
        if cell.output:
            st.code(cell.output, language="text", wrap_lines=True)


def chart(fig: Any) -> None:
    st.plotly_chart(fig, width="stretch", theme=None, config=PLOT_CONFIG)


def number(label: str, key: str, value: float, step: float = 0.5, **kwargs: Any) -> float:
    bounds = {"min_value": -LIMIT, "max_value": LIMIT} | kwargs
    return st.number_input(label, value=value, step=step, format="%g", key=key, **bounds)


st.title("Autograd Lab")
st.markdown(
    "What the PyTorch autograd tutorial teaches, computed live: every number below comes from "
    "torch as you edit the inputs. Each step shows the code and what it prints; the code is "
    "exactly what the page ran."
)

with st.sidebar:
    st.subheader("The function")
    st.caption("f(x) = a x² + b x + c, used by sections 2, 3, 4, 6 and 7.")
    a = number("a", "lab_a", 1.0)
    b = number("b", "lab_b", -2.0)
    c = number("c", "lab_c", 1.0)
st.latex(f"f(x) = {lab.formula(a, b, c, latex=True)}")

# 1 ------------------------------------------------------------------------------------------
st.header("1. Tensors that need gradients")
st.markdown(
    "Autograd records operations on tensors that have `requires_grad=True` and can then "
    "differentiate through them."
)
left, right = st.columns(2)
values = left.text_input(
    "x (a number or a list such as [1.0, 2.0, 3.0])", "[1.0, 2.0, 3.0]", key="lab_values"
)
operation = right.selectbox("compute y from x", list(lab.OPERATIONS), key="lab_operation")
basics = compute(lab.tensor_basics, values, operation)
if basics:
    show_cells(basics.cells)

# 2 ------------------------------------------------------------------------------------------
st.header("2. backward() on a scalar")
st.markdown(
    "Calling `backward()` on a scalar computes its derivative with respect to every leaf "
    "tensor. The derivative is the slope of the tangent line."
)
x_scalar = number("x", "lab_x", 0.0)
scalar = compute(lab.scalar_backward, a, b, c, x_scalar)
if scalar:
    show_cells(scalar.cells)
    chart(lab.tangent_figure(scalar))

# 3 ------------------------------------------------------------------------------------------
st.header("3. backward() on a non-scalar")
st.markdown(
    "When x is a tensor, so is f(x). `backward()` then needs a `gradient` argument of the same "
    "shape: it computes the gradient of the weighted sum `(f * gradient).sum()`, a "
    "vector-Jacobian product."
)
left, right = st.columns(2)
matrix = left.text_input("x", "[[0, 0], [1, 2]]", key="lab_matrix")
weights = right.text_input(
    "gradient (weights, same shape as x)", "[[1, 1], [1, 1]]", key="lab_weights"
)
st.caption(
    f"Numbers in square brackets, up to {lab.MAX_DIM} dimensions and {lab.MAX_ELEMENTS} numbers."
)
nonscalar = compute(lab.nonscalar_backward, a, b, c, matrix, weights)
if nonscalar:
    show_cells(nonscalar.cells)

# 4 ------------------------------------------------------------------------------------------
st.header("4. torch.autograd.grad and higher derivatives")
st.markdown(
    "`torch.autograd.grad(outputs, inputs)` returns the gradients instead of adding them to "
    "`.grad`. With `create_graph=True` the gradient is differentiable itself."
)
left, middle, right = st.columns(3)
with left:
    x_higher = number("x", "lab_hx", 0.0)
with middle:
    plot_from = number("plot from", "lab_from", -2.0)
with right:
    plot_to = number("plot to", "lab_to", 4.0)
higher = compute(lab.higher_order, a, b, c, x_higher, plot_from, plot_to)
if higher:
    show_cells(higher.cells)
    chart(lab.derivatives_figure(higher))

# 5 ------------------------------------------------------------------------------------------
st.header("5. Several inputs and outputs")
st.markdown("y1 = x1 · x2 and y2 = x1 + x2, differentiated with respect to both inputs.")
left, right = st.columns(2)
with left:
    x1 = number("x1", "lab_x1", 1.0)
with right:
    x2 = number("x2", "lab_x2", 2.0)
several = compute(lab.several_inputs, x1, x2)
if several:
    show_cells(several.cells)

# 6 ------------------------------------------------------------------------------------------
st.header("6. Gradients accumulate")
st.markdown(
    "`backward()` adds to `.grad`; nothing resets it. That is why every training loop calls "
    "`optimizer.zero_grad()`. The same SGD run, with and without it:"
)
left, middle, right = st.columns(3)
with left:
    acc_x0 = number("start x", "lab_acc_x0", 0.0)
with middle:
    acc_lr = number(
        "learning rate", "lab_acc_lr", 0.01, step=0.005, min_value=1e-6, max_value=100.0
    )
with right:
    acc_steps = st.number_input("steps", 1, lab.MAX_STEPS, 200, step=50, key="lab_acc_steps")
acc = compute(_accumulation, a, b, c, acc_x0, acc_lr, acc_steps)
if acc:
    show_cells(acc.cells[:1])
    left, right = st.columns(2)
    with left:
        show_cells(acc.cells[1:2], wrap=True)
    with right:
        show_cells(acc.cells[2:], wrap=True)
    for note in acc.notes:
        st.warning(note)
    chart(lab.accumulation_figure(acc))

# 7 ------------------------------------------------------------------------------------------
st.header("7. The optimizer loop")
st.markdown(
    "Putting it together: a `torch.optim` optimizer moves x downhill. Each step: zero the "
    "gradients, compute f, `backward()`, `step()`."
)
cols = st.columns(4)
optimizer = cols[0].selectbox(
    "optimizer", list(OPTIMIZERS), format_func=lambda oid: OPTIMIZERS[oid].name, key="lab_optimizer"
)
with cols[1]:
    lr = number("learning rate", "lab_lr", 0.01, step=0.005, min_value=1e-6, max_value=100.0)
steps = cols[2].number_input("steps", 1, lab.MAX_STEPS, 500, step=100, key="lab_steps")
with cols[3]:
    x0 = number("start x", "lab_x0", 0.0)
run = compute(_optimizer_loop, a, b, c, optimizer, lr, steps, x0)
if run:
    for note in run.notes:
        st.warning(note)
    if run.runaway:
        st.error(run.runaway)
    show_cells(run.cells[:1])
    chart(lab.descent_figure(run))
    if not run.diverged:  # the float64 check only means something near a minimum
        show_cells(run.cells[1:])
