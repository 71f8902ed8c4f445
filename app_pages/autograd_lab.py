"""Autograd Lab: the source tutorial's sections, live. Edit an input and torch recomputes.

A thin script: widgets -> `core.tutorials.autograd_lab` (which runs torch and writes the code) ->
st.*. Every word comes from the string tables (core/text/lab.py) in the session's language: the
core functions get `lang` for their captions and notes, and a refused input raises a `Refusal`
that this page says in that language; the charts (core.figures.lab) follow it too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from app_pages.controls import CHART_CONFIG
from app_pages.links import publish, restore, show_refused
from core.figures import lab as figures
from core.optim.optimizers import OPTIMIZERS
from core.settings.linkstate import Field
from core.text.i18n import text
from core.text.refusal import Refusal
from core.tutorials import autograd_lab as lab

R = TypeVar("R")

LIMIT = lab.MAX_ABS


# The two loops are the only sections that take long enough to be worth caching (up to 10,000
# steps); inputs are plain floats and strings, so the cache keys are cheap. The language is part
# of the key: the cached record holds the captions and notes.
@st.cache_data(max_entries=64, show_spinner=False)
def _accumulation(*args: Any, lang: str) -> lab.Accumulation:
    return lab.accumulation(*args, lang=lang)


@st.cache_data(max_entries=64, show_spinner=False)
def _optimizer_loop(*args: Any, lang: str) -> lab.OptimizerRun:
    return lab.optimizer_loop(*args, lang=lang)


def compute(fn: Callable[..., R], *args: Any, lang: str) -> R | None:
    """Run one section in `lang`; a refused input shows why instead of the section's output."""
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


def chart(fig: Any) -> None:
    st.plotly_chart(fig, width="stretch", theme=None, config=CHART_CONFIG)


# Every input lives in the URL (app_pages/links.py: restored and validated on arrival, written back
# on every run, defaults left out), so a copied link reproduces the page.
DEFAULTS: dict[str, object] = {
    "lab_a": 1.0, "lab_b": -2.0, "lab_c": 1.0, "lab_x": 0.0, "lab_hx": 0.0, "lab_from": -2.0,
    "lab_to": 4.0, "lab_x1": 1.0, "lab_x2": 2.0, "lab_acc_x0": 0.0, "lab_x0": 0.0,
    "lab_acc_lr": 0.01, "lab_lr": 0.01, "lab_acc_steps": 200, "lab_steps": 500,
    "lab_values": "[1.0, 2.0, 3.0]", "lab_matrix": "[[0, 0], [1, 2]]",
    "lab_weights": "[[1, 1], [1, 1]]", "lab_operation": next(iter(lab.OPERATIONS)),
    "lab_optimizer": "sgd",
}  # fmt: skip


def number(label: str, key: str, step: float = 0.5, **kwargs: Any) -> float:
    bounds = {"min_value": -LIMIT, "max_value": LIMIT} | kwargs
    return st.number_input(label, value=DEFAULTS[key], step=step, format="%g", key=key, **bounds)


def link_fields() -> list[Field]:
    """The inputs a link may set, with the ranges the widgets enforce."""
    floats = (
        "lab_a",
        "lab_b",
        "lab_c",
        "lab_x",
        "lab_hx",
        "lab_from",
        "lab_to",
        "lab_x1",
        "lab_x2",
        "lab_acc_x0",
        "lab_x0",
    )
    return [
        *(Field(key, "float", -LIMIT, LIMIT) for key in floats),
        Field("lab_acc_lr", "float", 1e-6, 100.0),
        Field("lab_lr", "float", 1e-6, 100.0),
        Field("lab_steps", "int", 1, lab.MAX_STEPS),
        Field("lab_acc_steps", "int", 1, lab.MAX_STEPS),
        *(
            Field(key, "text", max_length=lab.MAX_TEXT)
            for key in ("lab_values", "lab_matrix", "lab_weights")
        ),
        Field("lab_operation", "choice", choices=tuple(lab.OPERATIONS)),
        Field("lab_optimizer", "choice", choices=tuple(OPTIMIZERS)),
    ]


lang = st.session_state.get("lang", "en")
show_refused(restore("lab", link_fields()), lang)
st.title(text("page_autograd_lab", lang))
st.markdown(text("lab_intro", lang))

with st.sidebar:
    st.subheader(text("lab_function_header", lang))
    st.caption(text("lab_function_caption", lang))
    a = number("a", "lab_a")
    b = number("b", "lab_b")
    c = number("c", "lab_c")
st.latex(f"f(x) = {lab.formula(a, b, c, latex=True)}")

# 1 ------------------------------------------------------------------------------------------
st.header(text("lab_s1_header", lang))
st.markdown(text("lab_s1_text", lang))
left, right = st.columns(2)
values = left.text_input(text("lab_s1_values", lang), DEFAULTS["lab_values"], key="lab_values")
operation = right.selectbox(
    text("lab_s1_operation", lang), list(lab.OPERATIONS), key="lab_operation"
)
basics = compute(lab.tensor_basics, values, operation, lang=lang)
if basics:
    show_cells(basics.cells)

# 2 ------------------------------------------------------------------------------------------
st.header(text("lab_s2_header", lang))
st.markdown(text("lab_s2_text", lang))
x_scalar = number("x", "lab_x")
scalar = compute(lab.scalar_backward, a, b, c, x_scalar, lang=lang)
if scalar:
    show_cells(scalar.cells)
    chart(figures.tangent_figure(scalar, lang))

# 3 ------------------------------------------------------------------------------------------
st.header(text("lab_s3_header", lang))
st.markdown(text("lab_s3_text", lang))
left, right = st.columns(2)
matrix = left.text_input("x", DEFAULTS["lab_matrix"], key="lab_matrix")
weights = right.text_input(text("lab_s3_weights", lang), DEFAULTS["lab_weights"], key="lab_weights")
st.caption(text("lab_s3_caption", lang, dims=lab.MAX_DIM, count=lab.MAX_ELEMENTS))
nonscalar = compute(lab.nonscalar_backward, a, b, c, matrix, weights, lang=lang)
if nonscalar:
    show_cells(nonscalar.cells)

# 4 ------------------------------------------------------------------------------------------
st.header(text("lab_s4_header", lang))
st.markdown(text("lab_s4_text", lang))
left, middle, right = st.columns(3)
with left:
    x_higher = number("x", "lab_hx")
with middle:
    plot_from = number(text("lab_plot_from", lang), "lab_from")
with right:
    plot_to = number(text("lab_plot_to", lang), "lab_to")
higher = compute(lab.higher_order, a, b, c, x_higher, plot_from, plot_to, lang=lang)
if higher:
    show_cells(higher.cells)
    chart(figures.derivatives_figure(higher, lang))

# 5 ------------------------------------------------------------------------------------------
st.header(text("lab_s5_header", lang))
st.markdown(text("lab_s5_text", lang))
left, right = st.columns(2)
with left:
    x1 = number("x1", "lab_x1")
with right:
    x2 = number("x2", "lab_x2")
several = compute(lab.several_inputs, x1, x2, lang=lang)
if several:
    show_cells(several.cells)

# 6 ------------------------------------------------------------------------------------------
st.header(text("lab_s6_header", lang))
st.markdown(text("lab_s6_text", lang))
left, middle, right = st.columns(3)
with left:
    acc_x0 = number(text("lab_start_x", lang), "lab_acc_x0")
with middle:
    acc_lr = number(
        text("lab_learning_rate", lang),
        "lab_acc_lr",
        step=0.005,
        min_value=1e-6,
        max_value=100.0,
    )
with right:
    acc_steps = st.number_input(
        text("lab_steps", lang),
        1,
        lab.MAX_STEPS,
        DEFAULTS["lab_acc_steps"],
        step=50,
        key="lab_acc_steps",
    )
acc = compute(_accumulation, a, b, c, acc_x0, acc_lr, acc_steps, lang=lang)
if acc:
    show_cells(acc.cells[:1])
    left, right = st.columns(2)
    with left:
        show_cells(acc.cells[1:2], wrap=True)
    with right:
        show_cells(acc.cells[2:], wrap=True)
    for note in acc.notes:
        st.warning(note)
    chart(figures.accumulation_figure(acc, lang))

# 7 ------------------------------------------------------------------------------------------
st.header(text("lab_s7_header", lang))
st.markdown(text("lab_s7_text", lang))
cols = st.columns(4)
optimizer = cols[0].selectbox(
    text("lab_optimizer", lang),
    list(OPTIMIZERS),
    format_func=lambda oid: OPTIMIZERS[oid].name,
    key="lab_optimizer",
)
with cols[1]:
    lr = number(
        text("lab_learning_rate", lang),
        "lab_lr",
        step=0.005,
        min_value=1e-6,
        max_value=100.0,
    )
steps = cols[2].number_input(
    text("lab_steps", lang), 1, lab.MAX_STEPS, DEFAULTS["lab_steps"], step=100, key="lab_steps"
)
with cols[3]:
    x0 = number(text("lab_start_x", lang), "lab_x0")
run = compute(_optimizer_loop, a, b, c, optimizer, lr, steps, x0, lang=lang)
if run:
    for note in run.notes:
        st.warning(note)
    if run.runaway:
        st.error(run.runaway)
    show_cells(run.cells[:1])
    chart(figures.descent_figure(run, lang))
    if not run.diverged:  # the float64 check only means something near a minimum
        show_cells(run.cells[1:])

publish("lab", link_fields(), DEFAULTS)
