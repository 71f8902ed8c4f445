"""Optimizer inspector: one update of a run, its equation filled in with the numbers of that step.

The numbers are torch's own: the gradient the optimizer saw and `optimizer.state` before and after
the update, as the engine recorded them in each Step. From them and the hyper-parameters, numpy
recomputes the update the equation predicts, to set beside the actual move x_{t+1} - x_t.

Each spelled-out rule is data: LaTeX line templates whose `@name` placeholders render either as
the symbol or as the value of step t, so the symbolic and the filled equations cannot disagree;
and a function that computes the named quantities. Optimizers without a rule get a generic view
(gradient, whatever state keys exist, actual update).

Words (table meanings and sources, notes, arrow labels, figure titles) come from the string tables
(core/text/strings/batched.toml) in the `lang` the public functions take ("en" or "zh"); the
LaTeX lines are math and the same in both.
"""

from __future__ import annotations

import inspect
import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch

from core.figures.playground import PALETTE
from core.problems.objectives import Objective
from core.runs.engine import RECORD_CHUNK, Step, Stop, resolve_optimizer, trajectory
from core.text.i18n import STRINGS, sentences, text
from core.text.refusal import Refusal

Value = float | np.ndarray

# Where a number in the table comes from (as in English tables; `_source_names` translates them).
ENGINE = "engine (Step)"
STATE = "optimizer.state after the update"
STATE_BEFORE = "optimizer.state before the update"
HYPER = "hyper-parameter"
COMPUTED = "computed from the above"
TABLE_COLUMNS = ("x", "y", "source", "meaning")
_BEFORE = " (t-1)"  # a state key's row before the update: `exp_avg (t-1)`


@dataclass(frozen=True, slots=True)
class Quantity:
    """One symbol of an update rule at step t.

    Attributes:
        symbol: LaTeX symbol, e.g. `m_t`.
        value: a number, or one per coordinate `[2]`.
        source: where the value comes from (ENGINE, STATE, STATE_BEFORE, HYPER, COMPUTED).
        row: its table row label; None keeps it out of the table (constant hyper-parameters).
        meaning: a few words for the table.
    """

    symbol: str
    value: Value
    source: str
    row: str | None = None
    meaning: str = ""


@dataclass(frozen=True, slots=True)
class _Context:
    """What a rule reads: torch's keyword arguments and the recorded numbers of step t, and the
    language of the table's meanings."""

    kwargs: Mapping[str, Any]
    point: np.ndarray
    grad: np.ndarray
    lr: float
    state: Mapping[str, Any]
    before: Mapping[str, Any]  # the state after the previous update; empty at t = 0
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Rule:
    """An optimizer's update rule, spelled out.

    Attributes:
        lines: (condition, LaTeX template) pairs; a template's `@name` stands for quantity
            `name`. A line is shown when every flag of its condition is on ("!flag": off);
            "" always holds.
        compute: context -> (quantities by name, flags, predicted update). Quantities must
            include `x_next` (the predicted x_{t+1}) for the last line.
    """

    lines: tuple[tuple[str, str], ...]
    compute: Callable[[_Context], tuple[dict[str, Quantity], dict[str, bool], np.ndarray]]


@dataclass(frozen=True, slots=True, eq=False)
class Inspection:
    r"""One update of one run, explained.

    Attributes:
        optimizer: the optimizer id.
        t: the step: the update from x_t to x_{t+1}.
        covered: the update rule is spelled out (else `equations` and `filled` are empty and
            `predicted_update` is None).
        equations: the rule as LaTeX lines, in symbols: `x_{t+1} = x_t - \eta \, g_t`.
        filled: the same lines with the numbers of step t (2-vectors as column vectors), each
            an `aligned` block: the left side's symbol, the right side with numbers (in rows
            that fit LINE_BUDGET_EM), then the left side's value.
        shown: what the Inspector shows of each line: the symbols, and below them, aligned at
            "=", the rows of the filled line.
        table: one row per quantity; columns x, y (a scalar fills both), source and meaning
            (headed 来源 and 含义, and with their values, in Chinese when made with lang="zh").
            Rows are labelled by torch's state key (`exp_avg`; `exp_avg (t-1)` before) or a
            name such as `gradient`, `predicted_update`; in Chinese the names read as words
            with the symbol (梯度 ∇f(xₜ), 预测的更新量 Δxₜ; see `row_label`).
        point: x_t.
        grad: the gradient the optimizer used at x_t (gradient noise included).
        lr: the learning rate of this update (after any schedule).
        predicted_update: x_{t+1} - x_t as the equation predicts it, in float64.
        actual_update: x_{t+1} - x_t as recorded; None when x_{t+1} was not recorded (the run
            stopped there: the update made it non-finite or left the region).
        note: a sentence for the reader (e.g. why the prediction may differ), in the language
            the inspection was made in.
    """

    optimizer: str
    t: int
    covered: bool
    equations: tuple[str, ...]
    filled: tuple[str, ...]
    shown: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)
    point: np.ndarray
    grad: np.ndarray
    lr: float
    predicted_update: np.ndarray | None
    actual_update: np.ndarray | None
    note: str = ""


# ---- number and equation rendering ------------------------------------------------------------


def latex_number(value: float) -> str:
    """A number in LaTeX, 4 significant digits: 1.5e-08 -> 1.5 \\times 10^{-8}."""
    if math.isnan(value):
        return r"\mathrm{NaN}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if value < 0 else text


def latex_value(value: Value) -> str:
    """A scalar as a number, a 2-vector as a column vector."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return latex_number(float(array))
    entries = r" \\ ".join(latex_number(float(v)).strip("()") for v in array)
    return rf"\begin{{pmatrix}} {entries} \end{{pmatrix}}"


_PLACEHOLDER = re.compile(r"@(\w+)")

# The widest a line of the inspector's equations may be, in em of the displayed math: the
# equation column at 1280 px (about 480 px of KaTeX at 1.21 x 16 px per em) with some margin.
LINE_BUDGET_EM = 22.0


def _render(template: str, quantities: Mapping[str, Quantity], filled: bool) -> str:
    def one(match: re.Match[str]) -> str:
        quantity = quantities[match[1]]
        return latex_value(quantity.value) if filled else quantity.symbol

    return _PLACEHOLDER.sub(one, template)


def _terms(expression: str) -> list[str]:
    r"""The top-level terms of a template's side, each with its leading sign:
    `a - b \, c + \frac{d}{e + f}` -> [`a`, `- b \, c`, `+ \frac{d}{e + f}`]."""
    terms, depth, begin = [], 0, 0
    for i, char in enumerate(expression):
        depth += (char in "({[") - (char in ")}]")
        if depth == 0 and expression[i : i + 3] in (" + ", " - ") and i > begin:
            terms.append(expression[begin:i].strip())
            begin = i + 1
    return [*terms, expression[begin:].strip()]


def _rows(terms: Sequence[str], budget: float) -> list[str]:
    """Terms packed greedily into rows no wider than `budget` em (a term wider than that gets
    a row of its own)."""
    rows: list[str] = []
    for term in terms:
        if rows and latex_width(f"{rows[-1]} {term}") <= budget:
            rows[-1] = f"{rows[-1]} {term}"
        else:
            rows.append(term)
    return rows


def _aligned(lhs: str, rows: Sequence[str]) -> str:
    """An `aligned` block: `lhs` and the first row, then the other rows aligned at `&`."""
    body = " \\\\ ".join(rows)
    return rf"\begin{{aligned}} {lhs} {body} \end{{aligned}}"


def _equation(template: str, quantities: Mapping[str, Quantity]) -> tuple[str, str, str]:
    """One line of a rule as (symbols, numbers, both): `lhs = rhs` in symbols; the same with the
    numbers of step t, the right side split into rows that fit LINE_BUDGET_EM and ended by the
    left side's value unless the right side is that value already; and the symbols above the
    numbers, aligned at "=" (what the Inspector shows)."""
    lhs, rhs = template.split(" = ", 1)
    symbols = (_render(lhs, quantities, False), _render(rhs, quantities, False))
    budget = LINE_BUDGET_EM - latex_width(symbols[0]) - 1.5  # the "= " and a margin
    terms = [_render(term, quantities, True) for term in _terms(rhs)]
    rows = [rf"&\quad {row}" for row in _rows(terms, budget)]
    rows[0] = "&=" + rows[0].removeprefix(r"&\quad")
    if not _PLACEHOLDER.fullmatch(rhs):  # a single quantity is its own value: no "= same"
        rows.append(f"&= {_render(lhs, quantities, True)}")
    equation = " = ".join(symbols)
    one_line = " ".join(row.removeprefix("&") for row in rows)
    if len(rows) <= 2 and latex_width(f"{equation} {one_line}") <= LINE_BUDGET_EM:
        return equation, f"{symbols[0]} {one_line}", f"{equation} {one_line}"  # short: one row
    return equation, _aligned(symbols[0], rows), _aligned(symbols[0], [f"&= {symbols[1]}", *rows])


# Rough widths, in em, of what KaTeX draws: enough to keep a line inside its column.
_COMMAND_WIDTH = {",": 0.17, "quad": 1.0, "times": 1.0, "odot": 1.0, "max": 1.7, "nabla": 0.85}
_ZERO_WIDTH = {"hat", "bar", "left", "right"}  # accents and delimiters sized elsewhere
_CHAR_WIDTH = {" ": 0.0, "{": 0.0, "}": 0.0, "&": 0.0, ".": 0.28, ",": 0.28, "(": 0.39, ")": 0.39}
_CHAR_WIDTH |= {"=": 1.33, "+": 1.22, "-": 1.22}  # with the space KaTeX puts around them
_TOKEN = re.compile(
    r"\\begin\{pmatrix\}(?P<matrix>.*?)\\end\{pmatrix\}"
    r"|\\frac(?P<frac>\{)|\\sqrt(?P<sqrt>\{)|[_^](?P<script>\{)|\\mathrm(?P<plain>\{)"
    r"|\\(?P<command>[A-Za-z]+|.)|(?P<char>.)",
    re.S,
)


def _group_end(latex: str, start: int) -> int:
    """The index just after the brace group that opens at `start`."""
    depth = 0
    for i in range(start, len(latex)):
        depth += (latex[i] == "{") - (latex[i] == "}")
        if depth == 0:
            return i + 1
    return len(latex)


def latex_width(latex: str) -> float:
    """Estimated width in em of one row of `latex` as KaTeX displays it: vectors as their widest
    entry, fractions as their wider part, scripts smaller, space around operators."""
    width, i = 0.0, 0
    while i < len(latex):
        token = _TOKEN.match(latex, i)
        assert token is not None  # the last alternative matches any character
        i, kind = token.end(), token.lastgroup
        if kind == "matrix":
            width += max(latex_width(entry) for entry in token["matrix"].split(r"\\")) + 1.3
        elif kind in ("frac", "sqrt", "script", "plain"):
            end = _group_end(latex, i - 1)
            inner = latex_width(latex[i : end - 1])
            if kind == "frac":  # numerator over denominator
                below = _group_end(latex, end)
                inner, end = max(inner, latex_width(latex[end + 1 : below - 1])) + 0.3, below
            width += {"sqrt": inner + 1.0, "script": 0.7 * inner}.get(kind, inner)
            i = end
        elif kind == "command":
            name = token["command"]
            width += 0.0 if name in _ZERO_WIDTH else _COMMAND_WIDTH.get(name, 0.6)
        else:
            width += _CHAR_WIDTH.get(token["char"], 0.5)
    return width


def block_width(latex: str) -> float:
    """Estimated width in em of an equation: of its widest row when it is an `aligned` block
    (later rows start where the first row's `&` is)."""
    body = latex.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    rows, depth = [""], 0
    for piece in re.split(r"(\\begin\{pmatrix\}|\\end\{pmatrix\}|\\\\)", body):
        depth += (piece == r"\begin{pmatrix}") - (piece == r"\end{pmatrix}")
        if piece == "\\\\" and depth == 0:  # a row break, not the one inside a vector
            rows.append("")
        else:
            rows[-1] += piece
    lhs = rows[0].split("&", 1)[0] if "&" in rows[0] else ""
    return max(latex_width(lhs) + latex_width(row.split("&", 1)[-1]) for row in rows)


def _holds(condition: str, flags: Mapping[str, bool]) -> bool:
    """Every space-separated flag of `condition` is on (`!flag`: off); "" always holds."""
    return all(
        not flags[term[1:]] if term.startswith("!") else flags[term] for term in condition.split()
    )


# ---- the rules ----------------------------------------------------------------------------------

Computed = tuple[dict[str, Quantity], dict[str, bool], np.ndarray]


def _vector(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _hyper(symbol: str, value: Any) -> Quantity:
    return Quantity(symbol, float(value), HYPER)


def _basics(ctx: _Context, *, coupled: bool = True) -> tuple[dict[str, Quantity], dict[str, bool]]:
    """x_t, the gradient, the learning rate, and g_t: the gradient with coupled weight decay
    (λ x_t added, as SGD, Adam, RMSprop and Adagrad do) folded in."""
    decay = float(ctx.kwargs.get("weight_decay", 0.0))
    folded = coupled and decay != 0
    lang = ctx.lang
    q = {
        "x": Quantity("x_t", ctx.point, ENGINE, "x_t", text("insp_m_iterate", lang)),
        "grad": Quantity(
            r"\nabla f(x_t)", ctx.grad, ENGINE, "gradient", text("insp_m_backward", lang)
        ),
        "wd": _hyper(r"\lambda", decay),
        "g": Quantity(
            "g_t",
            ctx.grad + decay * ctx.point if folded else ctx.grad,
            COMPUTED,
            "g_t" if folded else None,
            text("insp_m_decayed_grad", lang),
        ),
        "lr": Quantity(r"\eta", ctx.lr, HYPER, "lr", text("insp_m_lr", lang)),
    }
    return q, {"decay": folded, "decoupled": not coupled and decay != 0}


_DECAY_LINE = ("decay", r"@g = @grad + @wd \, @x")
_GRADIENT_LINE = ("!decay", r"@g = @grad")


def _state(ctx: _Context, key: str, symbol: str, meaning: str) -> Quantity:
    return Quantity(symbol, _vector(ctx.state[key]), STATE, key, meaning)


def _before(ctx: _Context, key: str, symbol: str, initial: float = 0.0) -> Quantity:
    """The state entry before this update; at the first update, the value torch starts from."""
    value = _vector(ctx.before[key]) if key in ctx.before else np.full(2, initial)
    meaning = text("insp_m_before", ctx.lang)
    return Quantity(symbol, value, STATE_BEFORE, f"{key}{_BEFORE}", meaning)


def _finish(
    ctx: _Context,
    q: dict[str, Quantity],
    step_size: Value,
    direction: np.ndarray,
    rule: str,
    extra: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Record the effective per-coordinate step size (its meaning: "update = `rule`", the rule's
    {lr} and {effective_lr} named as their rows are) and the predicted x_{t+1}; return the
    predicted update -step_size ⊙ direction + extra."""
    step = np.broadcast_to(np.asarray(step_size, dtype=np.float64), (2,))
    names = {row: row_label(row, ctx.lang) for row in ("lr", "effective_lr")}
    meaning = text("insp_m_update", ctx.lang, rule=rule.format(**names))
    q["step_size"] = Quantity(r"\eta^{\mathrm{eff}}_t", step, COMPUTED, "effective_lr", meaning)
    update = -step * direction + extra
    q["x_next"] = Quantity("x_{t+1}", q["x"].value + update, COMPUTED)
    return update


def _sgd(ctx: _Context) -> Computed:
    q, flags = _basics(ctx)
    mu = float(ctx.kwargs["momentum"])
    flags |= {
        "momentum": mu != 0,
        "nesterov": bool(ctx.kwargs["nesterov"]),
        "first": "momentum_buffer" not in ctx.before,  # torch starts the buffer at g, undamped
    }
    if mu == 0:
        return q, flags, _finish(ctx, q, ctx.lr, q["g"].value, "-{lr} × gₜ")
    q |= {
        "mu": _hyper(r"\mu", mu),
        "damp": _hyper(r"\tau", ctx.kwargs["dampening"]),
        "buf": _state(ctx, "momentum_buffer", "b_t", text("insp_m_momentum_buffer", ctx.lang)),
        "buf_prev": _before(ctx, "momentum_buffer", "b_{t-1}"),
    }
    if not flags["nesterov"]:
        return q, flags, _finish(ctx, q, ctx.lr, q["buf"].value, "-{lr} × bₜ")
    q["d"] = Quantity("d_t", q["g"].value + mu * q["buf"].value, COMPUTED, "d_t", "gₜ + μ bₜ")
    return q, flags, _finish(ctx, q, ctx.lr, q["d"].value, "-{lr} × dₜ")


_SGD_LINES = (
    _GRADIENT_LINE,
    _DECAY_LINE,
    ("momentum first", r"@buf = @g"),  # the note insp_note_first_buffer says why
    ("momentum !first", r"@buf = @mu \, @buf_prev + (1 - @damp) \, @g"),
    ("nesterov", r"@d = @g + @mu \, @buf"),
    ("!momentum", r"@x_next = @x - @lr \, @g"),
    ("momentum !nesterov", r"@x_next = @x - @lr \, @buf"),
    ("nesterov", r"@x_next = @x - @lr \, @d"),
)


def _adam(ctx: _Context, *, decoupled: bool) -> Computed:
    q, flags = _basics(ctx, coupled=not decoupled)
    beta1, beta2 = (float(b) for b in ctx.kwargs["betas"])
    k = float(ctx.state["step"])
    flags["amsgrad"] = bool(ctx.kwargs["amsgrad"])
    lang = ctx.lang
    q |= {
        "b1": _hyper(r"\beta_1", beta1),
        "b2": _hyper(r"\beta_2", beta2),
        "eps": _hyper(r"\epsilon", ctx.kwargs["eps"]),
        "k": Quantity("k", k, STATE, "step", text("insp_m_step_count", lang)),
        "m": _state(ctx, "exp_avg", "m_t", text("insp_m_first_moment", lang)),
        "m_prev": _before(ctx, "exp_avg", "m_{t-1}"),
        "v": _state(ctx, "exp_avg_sq", "v_t", text("insp_m_second_moment", lang)),
        "v_prev": _before(ctx, "exp_avg_sq", "v_{t-1}"),
    }
    v = q["v"].value
    if flags["amsgrad"]:
        q["vmax"] = _state(ctx, "max_exp_avg_sq", r"v^{\max}_t", text("insp_m_vmax", lang))
        q["vmax_prev"] = _before(ctx, "max_exp_avg_sq", r"v^{\max}_{t-1}")
        v = q["vmax"].value
    bc1, bc2 = 1 - beta1**k, 1 - beta2**k  # as torch computes them: Python floats
    q |= {
        "bc1": Quantity("c_1", bc1, COMPUTED, "bias_correction1", "1 − β₁ᵏ"),
        "bc2": Quantity("c_2", bc2, COMPUTED, "bias_correction2", "1 − β₂ᵏ"),
        "mhat": Quantity(r"\hat m_t", q["m"].value / bc1, COMPUTED, "m_hat", "mₜ / c₁"),
        "vhat": Quantity(r"\hat v_t", v / bc2, COMPUTED, "v_hat", "vₜ / c₂"),
    }
    step = ctx.lr / (np.sqrt(q["vhat"].value) + q["eps"].value)
    # AdamW shrinks x_t by lr·λ·x_t before the Adam step (decoupled weight decay).
    extra = -ctx.lr * q["wd"].value * ctx.point if flags["decoupled"] else 0.0
    return q, flags, _finish(ctx, q, step, q["mhat"].value, "-{effective_lr} ⊙ m̂ₜ", extra)


_ADAM_LINES = (
    _GRADIENT_LINE,
    _DECAY_LINE,
    ("", r"@m = @b1 \, @m_prev + (1 - @b1) \, @g"),
    ("", r"@v = @b2 \, @v_prev + (1 - @b2) \, @g \odot @g"),
    ("amsgrad", r"@vmax = \max(@vmax_prev, @v)"),
    ("", r"@bc1 = 1 - @b1^{@k}"),
    ("", r"@bc2 = 1 - @b2^{@k}"),
    ("", r"@mhat = \frac{@m}{@bc1}"),
    ("!amsgrad", r"@vhat = \frac{@v}{@bc2}"),
    ("amsgrad", r"@vhat = \frac{@vmax}{@bc2}"),
    ("", r"@step_size = \frac{@lr}{\sqrt{@vhat} + @eps}"),
    ("!decoupled", r"@x_next = @x - @step_size \odot @mhat"),
    ("decoupled", r"@x_next = @x - @step_size \odot @mhat - @lr \, @wd \, @x"),
)


def _rmsprop(ctx: _Context) -> Computed:
    q, flags = _basics(ctx)
    mu = float(ctx.kwargs["momentum"])
    flags |= {"centered": bool(ctx.kwargs["centered"]), "momentum": mu > 0}
    q |= {
        "alpha": _hyper(r"\alpha", ctx.kwargs["alpha"]),
        "eps": _hyper(r"\epsilon", ctx.kwargs["eps"]),
        "v": _state(ctx, "square_avg", "v_t", text("insp_m_mean_sq", ctx.lang)),
        "v_prev": _before(ctx, "square_avg", "v_{t-1}"),
    }
    variance = q["v"].value
    if flags["centered"]:
        q["gbar"] = _state(ctx, "grad_avg", r"\bar g_t", text("insp_m_mean", ctx.lang))
        q["gbar_prev"] = _before(ctx, "grad_avg", r"\bar g_{t-1}")
        variance = variance - q["gbar"].value ** 2
    denom = np.sqrt(variance) + q["eps"].value
    q["s"] = Quantity("s_t", denom, COMPUTED, "denominator", text("insp_m_denominator", ctx.lang))
    if not flags["momentum"]:
        return q, flags, _finish(ctx, q, ctx.lr / denom, q["g"].value, "-{effective_lr} ⊙ gₜ")
    q["mu"] = _hyper(r"\mu", mu)
    q["buf"] = _state(ctx, "momentum_buffer", "b_t", text("insp_m_buffer_of", ctx.lang))
    q["buf_prev"] = _before(ctx, "momentum_buffer", "b_{t-1}")
    return q, flags, _finish(ctx, q, ctx.lr, q["buf"].value, "-{lr} × bₜ")


_RMSPROP_LINES = (
    _GRADIENT_LINE,
    _DECAY_LINE,
    ("", r"@v = @alpha \, @v_prev + (1 - @alpha) \, @g \odot @g"),
    ("centered", r"@gbar = @alpha \, @gbar_prev + (1 - @alpha) \, @g"),
    ("centered", r"@s = \sqrt{@v - @gbar \odot @gbar} + @eps"),
    ("!centered", r"@s = \sqrt{@v} + @eps"),
    ("momentum", r"@buf = @mu \, @buf_prev + \frac{@g}{@s}"),
    ("momentum", r"@x_next = @x - @lr \, @buf"),
    ("!momentum", r"@step_size = \frac{@lr}{@s}"),
    ("!momentum", r"@x_next = @x - @step_size \odot @g"),
)


def _adagrad(ctx: _Context) -> Computed:
    q, flags = _basics(ctx)
    k = float(ctx.state["step"])
    lr_decay = float(ctx.kwargs["lr_decay"])
    initial = float(ctx.kwargs["initial_accumulator_value"])
    clr = ctx.lr / (1 + (k - 1) * lr_decay)  # as torch computes it
    q |= {
        "k": Quantity("k", k, STATE, "step", text("insp_m_step_count", ctx.lang)),
        "decay": _hyper(r"\delta", lr_decay),
        "eps": _hyper(r"\epsilon", ctx.kwargs["eps"]),
        "sum": _state(ctx, "sum", "s_t", text("insp_m_sum_sq", ctx.lang)),
        "sum_prev": _before(ctx, "sum", "s_{t-1}", initial),
        "clr": Quantity(r"\eta_k", clr, COMPUTED, "clr", text("insp_m_decayed_lr", ctx.lang)),
    }
    step = clr / (np.sqrt(q["sum"].value) + q["eps"].value)
    return q, flags, _finish(ctx, q, step, q["g"].value, "-{effective_lr} ⊙ gₜ")


_ADAGRAD_LINES = (
    _GRADIENT_LINE,
    _DECAY_LINE,
    ("", r"@sum = @sum_prev + @g \odot @g"),
    ("", r"@clr = \frac{@lr}{1 + (@k - 1) \, @decay}"),
    ("", r"@step_size = \frac{@clr}{\sqrt{@sum} + @eps}"),
    ("", r"@x_next = @x - @step_size \odot @g"),
)

RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "sgd": Rule(_SGD_LINES, _sgd),
        "momentum": Rule(_SGD_LINES, _sgd),
        "nesterov": Rule(_SGD_LINES, _sgd),
        "adam": Rule(_ADAM_LINES, partial(_adam, decoupled=False)),
        "adamw": Rule(_ADAM_LINES, partial(_adam, decoupled=True)),
        "rmsprop": Rule(_RMSPROP_LINES, _rmsprop),
        "adagrad": Rule(_ADAGRAD_LINES, _adagrad),
    }
)
"""Optimizer id -> its spelled-out update rule."""


# ---- inspection ---------------------------------------------------------------------------------


def torch_arguments(optimizer_id: str, hyper: Mapping[str, Any]) -> dict[str, Any]:
    """Every keyword the torch.optim class ran with: the playground's, then torch's defaults
    (e.g. dampening=0 for Nesterov, which the playground does not show)."""
    spec = resolve_optimizer(optimizer_id)
    defaults = {
        name: p.default
        for name, p in inspect.signature(spec.cls).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    return defaults | spec.torch_kwargs(**hyper)


def _row(value: Any) -> tuple[float, float] | None:
    """A table row (x, y): a scalar fills both; None for values that are not one or two numbers."""
    array = np.asarray(value, dtype=np.float64)
    if array.size == 1:
        return float(array.reshape(())), float(array.reshape(()))
    if array.shape == (2,):
        return float(array[0]), float(array[1])
    return None


def row_label(label: str, lang: str = "en") -> str:
    """A table row's label in `lang`. Rows are labelled in English by torch's state key
    (`exp_avg`, `exp_avg (t-1)` before the update) or by a name such as `gradient`; in Chinese
    the state keys stay and the named quantities read as words with their symbol (梯度 ∇f(xₜ))."""
    key = label.removesuffix(_BEFORE)
    name = text(f"insp_row_{key}", lang) if f"insp_row_{key}" in STRINGS else key
    return text("insp_row_before", lang, key=name) if label.endswith(_BEFORE) else name


def _source_names(lang: str) -> dict[str, str]:
    """The sources (ENGINE, STATE, ...) as the table shows them in `lang`."""
    return {
        ENGINE: text("insp_src_engine", lang),
        STATE: text("insp_src_state", lang),
        STATE_BEFORE: text("insp_src_state_before", lang),
        HYPER: text("insp_src_hyper", lang),
        COMPUTED: text("insp_src_computed", lang),
    }


def _table(rows: Sequence[tuple[str, Any, str, str]], lang: str = "en") -> pd.DataFrame:
    """The inspection table; in English its columns are TABLE_COLUMNS, its sources the
    constants above and its rows labelled as `rows` label them; in another language the
    headers, the sources and the named rows are translated (`row_label`)."""
    kept = [(label, _row(value), source, meaning) for label, value, source, meaning in rows]
    kept = [(label, xy, source, meaning) for label, xy, source, meaning in kept if xy is not None]
    sources = _source_names(lang)
    x, y, source, meaning = TABLE_COLUMNS
    headers = {source: text("insp_col_source", lang), meaning: text("insp_col_meaning", lang)}
    return pd.DataFrame(
        {
            x: [xy[0] for _, xy, _, _ in kept],
            y: [xy[1] for _, xy, _, _ in kept],
            headers[source]: pd.array([sources.get(s, s) for *_, s, _ in kept], dtype="string"),
            headers[meaning]: pd.array([m for *_, m in kept], dtype="string"),
        },
        index=pd.Index(
            [row_label(label, lang) for label, *_ in kept], name=text("insp_col_quantity", lang)
        ),
        columns=[x, y, headers[source], headers[meaning]],
    )


def inspect_step(
    optimizer_id: str,
    hyper: Mapping[str, Any],
    steps: Sequence[Step],
    t: int,
    *,
    stop: Stop | None = None,
    lang: str = "en",
) -> Inspection:
    """Explain the update from x_t of a single-start run.

    Args:
        optimizer_id: the optimizer of the run (an id of OPTIMIZERS).
        hyper: the hyper-parameters the run was made with (as passed to the engine).
        steps: the run's Steps, in order (`list(trajectory(...))`).
        t: which update: 0 <= t < len(steps) - 1; also t = len(steps) - 1 when `stop` says the
            run stopped early (that update was made, but x_{t+1} was not recorded).
        stop: the run's Stop (`Trajectory.stop`, `Run.stop`), needed only for that last update.
        lang: the language of the table's sources and meanings and of the note ("en" or
            "zh"); the equations are the same in both.

    Raises:
        Refusal: t is out of range, no update leaves x_t (the last iterate of a completed
            run), or the steps are not those of one single-start run.
    """
    spec = resolve_optimizer(optimizer_id)
    if not 0 <= t < len(steps):
        raise Refusal("insp_err_outside", t=t, last=len(steps) - 1)
    step = steps[t]
    if step.t != t or np.ndim(step.point) != 1:
        raise Refusal("insp_err_not_single")
    if t == len(steps) - 1 and (stop is None or stop.reason == "completed"):
        raise Refusal("insp_err_last", t=t)
    point, grad = _vector(step.point), _vector(step.grad)
    actual = _vector(steps[t + 1].point) - point if t + 1 < len(steps) else None
    ctx = _Context(
        kwargs=torch_arguments(spec.id, hyper),
        point=point,
        grad=grad,
        lr=float(step.lr),
        state=step.state,
        before=steps[t - 1].state if t > 0 else MappingProxyType({}),
        lang=lang,
    )
    rule = RULES.get(spec.id)
    notes = []
    if rule is None:
        equations = filled = shown = ()
        predicted = None
        rows = [
            ("x_t", point, ENGINE, text("insp_m_iterate", lang)),
            ("gradient", grad, ENGINE, text("insp_m_backward", lang)),
            ("lr", ctx.lr, HYPER, text("insp_m_lr", lang)),
            *((key, value, STATE, "") for key, value in step.state.items()),
        ]
        notes.append(text("insp_note_generic", lang, name=spec.name))
    else:
        quantities, flags, predicted = rule.compute(ctx)
        lines = [template for condition, template in rule.lines if _holds(condition, flags)]
        spelled = [_equation(line, quantities) for line in lines]
        equations, filled, shown = zip(*spelled, strict=True)
        rows = [(q.row, q.value, q.source, q.meaning) for q in quantities.values() if q.row]
        rows.append(("predicted_update", predicted, COMPUTED, text("insp_m_predicted", lang)))
        if flags.get("momentum") and flags.get("first"):
            notes.append(text("insp_note_first_buffer", lang))
        # Rounding aside, only the box projection moves x_{t+1} off the equation's prediction.
        if actual is not None and not np.allclose(
            predicted, actual, rtol=1e-3, atol=1e-6 * (1 + np.abs(point).max())
        ):
            notes.append(text("insp_note_clamped", lang))
    rows.append(
        (
            "actual_update",
            np.full(2, np.nan) if actual is None else actual,
            ENGINE,
            text("insp_m_actual", lang),
        )
    )
    if actual is None:
        notes.append(text("insp_note_stopped", lang))
    return Inspection(
        optimizer=spec.id,
        t=t,
        covered=rule is not None,
        equations=equations,
        filled=filled,
        shown=shown,
        table=_table(rows, lang),
        point=point,
        grad=grad,
        lr=ctx.lr,
        predicted_update=predicted,
        actual_update=actual,
        note=sentences(notes, lang),
    )


def inspect_run(
    objective: str | Objective,
    optimizer_id: str,
    start: Any,
    steps: int,
    t: int,
    *,
    hyper: Mapping[str, Any],
    lang: str = "en",
    **options: Any,
) -> Inspection:
    """Rerun a single-start run up to x_{t+1} and inspect its update t (see `inspect_step`).

    Args:
        objective, optimizer_id, start, steps: as given to `core.runs.engine.trajectory`.
        t: the update to inspect; it is clamped to the last update the run made, so a slider
            over 0..steps - 1 stays valid for a run that stopped early.
        hyper: the optimizer's hyper-parameters.
        lang: the language of the inspection's words ("en" or "zh"; see `inspect_step`).
        **options: the other engine options of the run (dtype, device, noise, seed, project,
            schedule): the same values give the same iterates, bit for bit.
    """
    wanted = max(t, 0) + 2  # x_0 .. x_{t+1}, if the run got there
    # Chunks of `wanted` Steps: the run computes no update past x_{t+1} (one chunk at most).
    run = trajectory(
        objective,
        optimizer_id,
        start,
        steps,
        record_chunk=min(wanted, RECORD_CHUNK),
        **options,
        **hyper,
    )
    recorded = list(itertools.islice(run, wanted))
    if not recorded:
        raise Refusal("insp_err_no_iterate")
    # Fewer Steps than asked for: the run is over and `run.stop` says why. After an early stop
    # the last Step's update was made (it broke the run); after completion, none leaves it.
    stop = run.stop if len(recorded) < wanted else None
    last = len(recorded) - (1 if stop is not None and stop.reason != "completed" else 2)
    return inspect_step(optimizer_id, hyper, recorded, max(0, min(t, last)), stop=stop, lang=lang)


# ---- arrows on the landscape --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arrow:
    """One arrow from `start` to `end` in plot coordinates.

    Attributes:
        key: "gradient", "predicted" or "actual".
        label: legend text, in the language `update_arrows` was given (`arrow_label` gives it in
            another).
        start, end: points `[2]`.
        length: the length of the vector the arrow stands for; differs from |end - start| when
            the arrow was drawn to another scale (`scaled`).
        colour: CSS colour.
        scaled: drawn with another length than its vector's (see `update_arrows`).
    """

    key: str
    label: str
    start: np.ndarray
    end: np.ndarray
    length: float
    colour: str
    scaled: bool = False


def arrow_label(arrow: Arrow, lang: str = "en") -> str:
    """The legend text of `arrow` in `lang`: what it stands for and, for a gradient step drawn
    to another scale, whether it was shortened or lengthened and its real length."""
    if arrow.key == "predicted":
        return text("insp_arrow_predicted", lang)
    if arrow.key == "actual":
        return text("insp_arrow_actual", lang)
    if not arrow.scaled:
        return text("insp_arrow_gradient", lang)
    drawn = float(np.linalg.norm(arrow.end - arrow.start))
    length = f"{arrow.length:.3g}"
    if arrow.length > drawn:
        return text("insp_arrow_shortened", lang, length=length)
    return text("insp_arrow_lengthened", lang, length=length)


def update_arrows(inspection: Inspection, *, lang: str = "en") -> tuple[Arrow, ...]:
    """Arrows from x_t: the plain gradient step -lr·∇f(x_t), the predicted and the actual update.

    The gradient step of an adaptive optimizer can be thousands of times longer (or shorter)
    than its real update: when it is more than 3 times longer or shorter, it is drawn with the
    length of the update, in its true direction; `length` keeps its real length. Arrows whose
    vector is missing or not finite are left out. Labels are in `lang`.
    """
    start = inspection.point
    updates = (
        ("predicted", inspection.predicted_update, PALETTE[4]),
        ("actual", inspection.actual_update, PALETTE[0]),
    )
    arrows = [
        _labelled(
            Arrow(key, "", start, start + vector, float(np.linalg.norm(vector)), colour), lang
        )
        for key, vector, colour in updates
        if vector is not None and np.isfinite(vector).all()
    ]
    gradient_step = -inspection.lr * inspection.grad
    length = float(np.linalg.norm(gradient_step))
    if np.isfinite(gradient_step).all():
        reference = max((a.length for a in arrows), default=0.0)
        # Within a factor of 3 the true lengths fit one picture; beyond, keep only the direction.
        scaled = 0 < reference < math.inf and not reference / 3 <= length <= 3 * reference
        drawn = gradient_step * (reference / length) if scaled else gradient_step
        arrow = Arrow("gradient", "", start, start + drawn, length, PALETTE[1], scaled)
        arrows.insert(0, _labelled(arrow, lang))
    return tuple(arrows)


def _labelled(arrow: Arrow, lang: str) -> Arrow:
    return replace(arrow, label=arrow_label(arrow, lang))


def arrow_annotations(
    arrows: Sequence[Arrow],
    *,
    xref: str = "x",
    yref: str = "y",
    colour: str | None = None,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """Plotly layout annotations drawing `arrows` with arrowheads, in data coordinates of the
    axes `xref`/`yref` (the race figure's landscape panel is "x"/"y"). `colour` overrides the
    arrows' own (e.g. the optimizer's colour on the race figure); the hover texts are the
    arrows' labels in `lang`.

    Add them with `fig.update_layout(annotations=[*fig.layout.annotations, *these])`.
    """
    return [
        {
            "x": float(a.end[0]),
            "y": float(a.end[1]),
            "ax": float(a.start[0]),
            "ay": float(a.start[1]),
            "xref": xref,
            "yref": yref,
            "axref": xref,
            "ayref": yref,
            "showarrow": True,
            "arrowhead": 2,
            "arrowsize": 1,
            "arrowwidth": 2.5 if a.key == "actual" else 1.8,
            "arrowcolor": colour or a.colour,
            "text": "",
            "hovertext": arrow_label(a, lang),
        }
        for a in arrows
    ]


def update_arrows_figure(
    inspection: Inspection,
    objective: Objective | None = None,
    *,
    height: int = 360,
    lang: str = "en",
) -> go.Figure:
    """A small figure zoomed on x_t: the gradient step and the actual update as arrows, the
    predicted x_{t+1} as an open circle (the actual arrow should end in it), at equal x and y
    scale so directions are true, over the level sets of `objective` when it is given. Title,
    legend and hover texts in `lang`."""
    arrows = update_arrows(inspection, lang=lang)
    points = np.array([inspection.point, *(a.end for a in arrows)])
    low, high = points.min(axis=0), points.max(axis=0)
    centre = (low + high) / 2
    # Some margin around the arrows; a window even when every arrow has length zero.
    half = max(float((high - low).max()) * 0.65, 1e-6 * max(1.0, float(np.abs(centre).max())))
    (x0, y0), (x1, y1) = centre - half, centre + half
    fig = go.Figure()
    if objective is not None:
        xs, ys = np.linspace(x0, x1, 61), np.linspace(y0, y1, 61)
        grid = torch.tensor(np.stack(np.meshgrid(xs, ys), axis=-1), dtype=torch.float64)
        with torch.no_grad():  # float64 lists, not float32 typed arrays: the window can be tiny
            values = objective.fn(grid).numpy()
        fig.add_trace(
            go.Contour(
                x=xs,
                y=ys,
                z=values,
                ncontours=20,
                showscale=False,
                contours={"coloring": "lines"},
                colorscale=[[0, "#9a9a9a"], [1, "#9a9a9a"]],
                line={"width": 1},
                hovertemplate="f = %{z:.6g}<extra></extra>",
                name=text("insp_fig_level_sets", lang),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[float(inspection.point[0])],
            y=[float(inspection.point[1])],
            mode="markers",
            marker={"size": 9, "color": "black"},
            name=f"x<sub>{inspection.t}</sub>",
        )
    )
    for a in arrows:
        xy = {"x": [float(a.start[0]), float(a.end[0])], "y": [float(a.start[1]), float(a.end[1])]}
        if a.key == "predicted":
            marker = {"size": [0, 16], "color": a.colour, "symbol": "circle-open"}
            marker["line"] = {"width": 2.5}
            fig.add_trace(go.Scatter(**xy, mode="markers", marker=marker, name=a.label))
            continue
        fig.add_trace(
            go.Scatter(
                **xy,
                mode="lines+markers",
                line={"color": a.colour, "width": 3 if a.key == "actual" else 2},
                marker={"size": [0, 14], "symbol": "arrow", "angleref": "previous"},
                name=a.label,
            )
        )
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": text("insp_fig_title", lang, t=inspection.t), "font": {"size": 13}},
        legend={"orientation": "h", "y": -0.18},
        # constrain="domain": equal scale shrinks the plot area rather than widening the range.
        xaxis={"range": [x0, x1], "title": "x", "constrain": "domain"},
        yaxis={"range": [y0, y1], "title": "y", "scaleanchor": "x", "constrain": "domain"},
    )
    return fig
