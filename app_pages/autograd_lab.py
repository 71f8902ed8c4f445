"""Autograd Lab: the source tutorial's sections, live. Edit an input and torch recomputes.

A thin script: widgets -> `core.tutorials.autograd_lab` (which runs torch and writes the code) ->
st.*. Every word comes from the string tables (core/text/strings/lab.toml) in the session's
language: the core functions get `lang` for their captions and notes, and a refused input raises a
`Refusal` that this page says in that language; the charts (core.figures.lab) follow it too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import plotly.graph_objects as go
import streamlit as st

from app_pages.controls import CHART_CONFIG, seed
from app_pages.links import publish, restore, show_refused
from app_pages.number_field import number_field
from core.figures import lab as figures
from core.settings.linkstate import Field
from core.text.i18n import text
from core.text.refusal import Refusal
from core.tutorials import autograd_lab as lab
from core.tutorials.lab_inputs import LAB_OPTIMIZERS

R = TypeVar("R")
T = TypeVar("T")


# The two loops are the only sections that take long enough to be worth caching (up to 10,000
# steps); inputs are plain floats and strings, so the cache keys are cheap. The language is part
# of the key: the cached record holds the captions and notes.
@st.cache_data(max_entries=64, show_spinner=False)
def _accumulation(*args: Any, lang: str) -> lab.Accumulation:
    return lab.accumulation(*args, lang=lang)


@st.cache_data(max_entries=64, show_spinner=False)
def _optimizer_loop(*args: Any, lang: str) -> lab.OptimizerRun:
    return lab.optimizer_loop(*args, lang=lang)


# Every input lives in the URL (app_pages/links.py: restored and validated on arrival, written
# back on every run, defaults left out), so a copied link reproduces the page.
DEFAULTS: dict[str, object] = {
    "lab_a": 1.0, "lab_b": -2.0, "lab_c": 1.0, "lab_x": 0.0, "lab_hx": 0.0, "lab_from": -2.0,
    "lab_to": 4.0, "lab_x1": 1.0, "lab_x2": 2.0, "lab_acc_x0": 0.0, "lab_x0": 0.0,
    "lab_acc_lr": 0.01, "lab_lr": 0.01, "lab_acc_steps": 200, "lab_steps": 500,
    "lab_values": "[1.0, 2.0, 3.0]", "lab_matrix": "[[0, 0], [1, 2]]",
    "lab_weights": "[[1, 1], [1, 1]]", "lab_operation": next(iter(lab.OPERATIONS)),
    "lab_optimizer": "sgd",
}  # fmt: skip
FLOATS = ("lab_a", "lab_b", "lab_c", "lab_x", "lab_hx", "lab_from", "lab_to", "lab_x1", "lab_x2")
FLOATS += ("lab_acc_x0", "lab_x0")


def link_fields() -> list[Field]:
    """The inputs a link may set, with the ranges the number fields take (core's limits)."""
    low, high = lab.LR_RANGE
    return [
        *(Field(key, "float", -lab.MAX_ABS, lab.MAX_ABS) for key in FLOATS),
        *(Field(key, "float", low, high) for key in ("lab_acc_lr", "lab_lr")),
        *(Field(key, "int", 1, lab.MAX_STEPS) for key in ("lab_steps", "lab_acc_steps")),
        *(
            Field(key, "text", max_length=lab.MAX_TEXT)
            for key in ("lab_values", "lab_matrix", "lab_weights")
        ),
        Field("lab_operation", "choice", choices=tuple(lab.OPERATIONS)),
        Field("lab_optimizer", "choice", choices=tuple(LAB_OPTIMIZERS)),
    ]


FIELDS = {field.key: field for field in link_fields()}


def number(label: str, key: str, step: float = 0.5) -> float:
    """A number field of the Lab: it takes what a link may set, and says why it refused the rest
    (app_pages/number_field.py)."""
    seed(key, DEFAULTS[key])
    return number_field(label, FIELDS[key], lang, step=step, format="%g")


def learning_rate(key: str) -> float:
    return number(text("lab_learning_rate", lang), key, step=0.005)


def steps(key: str, step: int) -> int:
    seed(key, DEFAULTS[key])
    return number_field(text("lab_steps", lang), FIELDS[key], lang, step=step)


def text_field(label: str, key: str) -> str:
    return st.text_input(label, DEFAULTS[key], key=key)


def in_columns(*inputs: Callable[[], T]) -> list[T]:
    """Each input drawn in a column of its own, left to right; their values."""
    values = []
    for column, draw in zip(st.columns(len(inputs)), inputs, strict=True):
        with column:
            values.append(draw())
    return values


def section(n: int) -> None:
    """Section n's heading and its words (lab_s<n>_header, lab_s<n>_text)."""
    st.header(text(f"lab_s{n}_header", lang))
    st.markdown(text(f"lab_s{n}_text", lang))


def compute(fn: Callable[..., R], *args: Any) -> R | None:
    """Run one section in the page's language; a refused input shows why instead of the output."""
    try:
        return fn(*args, lang=lang)
    except Refusal as refusal:
        st.error(refusal.message(lang), icon="⚠️")
        return None


def show_cells(cells: Sequence[lab.Cell], wrap: bool = False) -> None:
    for cell in cells:
        st.markdown(cell.caption)
        st.code(cell.code, language="python", wrap_lines=wrap)
        if cell.output:
            st.code(cell.output, language="text", wrap_lines=True)


def side_by_side(left: lab.Cell, right: lab.Cell) -> None:
    """Two cells to compare, in two columns."""
    for column, cell in zip(st.columns(2), (left, right), strict=True):
        with column:
            show_cells([cell], wrap=True)


def chart(fig: go.Figure) -> None:
    st.plotly_chart(fig, width="stretch", theme=None, config=CHART_CONFIG)


def tensors_need_gradients() -> None:
    section(1)
    values, operation = in_columns(
        lambda: text_field(text("lab_s1_values", lang), "lab_values"),
        lambda: st.selectbox(
            text("lab_s1_operation", lang), list(lab.OPERATIONS), key="lab_operation"
        ),
    )
    basics = compute(lab.tensor_basics, values, operation)
    if basics:
        show_cells(basics.cells)


def backward_on_a_scalar(a: float, b: float, c: float) -> None:
    section(2)
    scalar = compute(lab.scalar_backward, a, b, c, number("x", "lab_x"))
    if scalar:
        show_cells(scalar.cells)
        chart(figures.tangent_figure(scalar, lang))


def backward_on_a_nonscalar(a: float, b: float, c: float) -> None:
    section(3)
    matrix, weights = in_columns(
        lambda: text_field("x", "lab_matrix"),
        lambda: text_field(text("lab_s3_weights", lang), "lab_weights"),
    )
    st.caption(text("lab_s3_caption", lang, dims=lab.MAX_DIM, count=lab.MAX_ELEMENTS))
    nonscalar = compute(lab.nonscalar_backward, a, b, c, matrix, weights)
    if nonscalar:
        show_cells(nonscalar.cells)


def higher_derivatives(a: float, b: float, c: float) -> None:
    section(4)
    x, plot_from, plot_to = in_columns(
        lambda: number("x", "lab_hx"),
        lambda: number(text("lab_plot_from", lang), "lab_from"),
        lambda: number(text("lab_plot_to", lang), "lab_to"),
    )
    higher = compute(lab.higher_order, a, b, c, x, plot_from, plot_to)
    if higher:
        show_cells(higher.cells)
        chart(figures.derivatives_figure(higher, lang))


def several_inputs_and_outputs() -> None:
    section(5)
    x1, x2 = in_columns(lambda: number("x1", "lab_x1"), lambda: number("x2", "lab_x2"))
    several = compute(lab.several_inputs, x1, x2)
    if several:
        show_cells(several.cells)


def gradients_accumulate(a: float, b: float, c: float) -> None:
    section(6)
    x0, lr, count = in_columns(
        lambda: number(text("lab_start_x", lang), "lab_acc_x0"),
        lambda: learning_rate("lab_acc_lr"),
        lambda: steps("lab_acc_steps", 50),
    )
    acc = compute(_accumulation, a, b, c, x0, lr, count)
    if acc:
        adds_up, leaves_grad, with_zero, without_zero = acc.cells
        side_by_side(adds_up, leaves_grad)
        side_by_side(with_zero, without_zero)
        for note in acc.notes:
            st.warning(note)
        chart(figures.accumulation_figure(acc, lang))


def the_optimizer_loop(a: float, b: float, c: float) -> None:
    section(7)
    optimizer, lr, count, x0 = in_columns(
        lambda: st.selectbox(
            text("lab_optimizer", lang),
            list(LAB_OPTIMIZERS),
            format_func=lambda oid: LAB_OPTIMIZERS[oid].name,
            key="lab_optimizer",
        ),
        lambda: learning_rate("lab_lr"),
        lambda: steps("lab_steps", 100),
        lambda: number(text("lab_start_x", lang), "lab_x0"),
    )
    run = compute(_optimizer_loop, a, b, c, optimizer, lr, count, x0)
    if run:
        for note in run.notes:
            st.warning(note)
        if run.runaway:
            st.error(run.runaway)
        tutorial, model, precision = run.cells
        show_cells([tutorial])
        chart(figures.descent_figure(run, lang))
        show_cells([model])
        if not run.diverged:  # the float64 check only means something near a minimum
            show_cells([precision])


lang = st.session_state.get("lang", "en")
show_refused(restore("lab", link_fields()), lang)
st.title(text("page_autograd_lab", lang))
st.markdown(text("lab_intro", lang))

with st.sidebar:
    st.subheader(text("lab_function_header", lang))
    st.caption(text("lab_function_caption", lang))
    a, b, c = number("a", "lab_a"), number("b", "lab_b"), number("c", "lab_c")
st.latex(f"f(x) = {lab.formula(a, b, c, latex=True)}")

tensors_need_gradients()
backward_on_a_scalar(a, b, c)
backward_on_a_nonscalar(a, b, c)
higher_derivatives(a, b, c)
several_inputs_and_outputs()
gradients_accumulate(a, b, c)
the_optimizer_loop(a, b, c)

publish("lab", link_fields(), DEFAULTS)
