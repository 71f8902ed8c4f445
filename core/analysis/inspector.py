"""Optimizer inspector: one update of a run, its equation filled in with the numbers of that step.

The numbers are torch's own: the gradient the optimizer saw and `optimizer.state` before and after
the update, as the engine recorded them in each Step. From them and the hyper-parameters, numpy
recomputes the update the equation predicts, to set beside the actual move x_{t+1} - x_t.

This module inspects a step or a run. The spelled-out rules are in `update_rules` (their LaTeX
lines in update_rules.toml), the rendering of their lines in `latex`, the quantities and their
table in `quantities`, the arrows drawn from an inspection in `arrows`. Optimizers without a
rule get a generic view (gradient, whatever state keys exist, actual update).

Words (table meanings and sources, notes) come from the string tables
(core/text/strings/batched.toml) in the `lang` the public functions take ("en" or "zh"); the
LaTeX lines are math and the same in both.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.analysis.latex import LINE_BUDGET_EM, equation
from core.analysis.quantities import COMPUTED, ENGINE, HYPER, STATE, quantity_table, vector
from core.analysis.update_rules import RULES, Context
from core.problems.objectives import Objective
from core.runs.engine import RECORD_CHUNK, Step, Stop, resolve_optimizer, trajectory
from core.text.i18n import sentences, text
from core.text.refusal import Refusal


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


def inspect_step(
    optimizer_id: str,
    hyper: Mapping[str, Any],
    steps: Sequence[Step],
    t: int,
    *,
    stop: Stop | None = None,
    lang: str = "en",
    line_em: float = LINE_BUDGET_EM,
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
        line_em: how wide a row of an equation may be, in em (NARROW_LINE_BUDGET_EM on a
            phone).

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
    ctx = Context.at(steps, t, torch_arguments(spec.id, hyper), lang)
    point, grad = ctx.point, ctx.grad
    actual = vector(steps[t + 1].point) - point if t + 1 < len(steps) else None
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
        spelled = [equation(line, quantities, line_em) for line in rule.templates(flags)]
        equations, filled, shown = zip(*spelled, strict=True)
        rows = [(q.row, q.value, q.source, q.meaning) for q in quantities.values() if q.row]
        rows.append(("predicted_update", predicted, COMPUTED, text("insp_m_predicted", lang)))
        if flags.get("momentum") and flags.get("first"):
            notes.append(text("insp_note_first_buffer", lang))
        if rule.note:
            notes.append(text(rule.note, lang))
        # Rounding aside, only the box projection moves x_{t+1} off the equation's prediction.
        if actual is not None and not np.allclose(
            predicted, actual, rtol=rule.rtol, atol=1e-6 * (1 + np.abs(point).max())
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
        table=quantity_table(rows, lang),
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
    line_em: float = LINE_BUDGET_EM,
    **options: Any,
) -> Inspection:
    """Rerun a single-start run up to x_{t+1} and inspect its update t (see `inspect_step`).

    Args:
        objective, optimizer_id, start, steps: as given to `core.runs.engine.trajectory`.
        t: the update to inspect; it is clamped to the last update the run made, so a slider
            over 0..steps - 1 stays valid for a run that stopped early.
        hyper: the optimizer's hyper-parameters.
        lang: the language of the inspection's words ("en" or "zh"; see `inspect_step`).
        line_em: how wide a row of an equation may be (see `inspect_step`).
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
    t = max(0, min(t, last))
    return inspect_step(optimizer_id, hyper, recorded, t, stop=stop, lang=lang, line_em=line_em)
