"""The Autograd Lab's optimizer loop, as sections 6 and 7 run it: the loop itself, the steps the
work budget lets it run, and the notes about a run (a parabola without minimum, a run that ran
away, a loop the budget shortened), in the page's language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import torch

from core.optim.optimizers import OptimizerSpec
from core.problems.parabola import HUGE, runaway_step
from core.runs.budget import WORK_BUDGET, Loop, steps_that_fit
from core.runs.engine import closure_step
from core.text.i18n import sentences, text


def run_loop(
    spec: OptimizerSpec,
    kwargs: Mapping[str, Any],
    params: Iterable[torch.Tensor],
    forward: Callable[[], torch.Tensor],
    x: torch.Tensor,
    steps: int,
    zero: bool = True,
) -> tuple[list[float], float | None]:
    """The loop `core.tutorials.lab_code.loop_code` writes: `steps` steps of spec's optimizer over
    `params`, minimising `forward()`. Returns x before and after every step, and the non-finite f
    on which L-BFGS's line search failed (the path then ends early), else None.

    Once x is NaN it stays NaN (every update adds to x), so the remaining steps are filled in
    rather than run: a diverged L-BFGS would otherwise spend a full line search on each."""
    optimizer = spec.cls(params, **kwargs)
    path = [x.item()]
    if spec.needs_closure:

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            y = forward()
            y.backward()
            return y

        for _ in range(steps):
            failed_on = closure_step(optimizer, closure)
            if failed_on is not None:
                return path, failed_on
            path.append(x.item())
            if math.isnan(path[-1]):
                break
        return _nan_to_the_end(path, steps), None
    for _ in range(steps):
        if zero:
            optimizer.zero_grad()
        y = forward()
        y.backward()
        optimizer.step()
        path.append(x.item())
        if math.isnan(path[-1]):
            break
    return _nan_to_the_end(path, steps), None


def _nan_to_the_end(path: list[float], steps: int) -> list[float]:
    """`path` with the steps a NaN x left unrun filled in: they would all give NaN."""
    return path + [math.nan] * (steps + 1 - len(path))


def steps_within_budget(spec: OptimizerSpec, steps: int, loops: int = 1) -> tuple[int, int]:
    """The steps each of `loops` loops runs within the work budget (core.runs.budget), and the steps
    asked for. The code shown runs exactly the steps that ran.

    L-BFGS counts its worst case, `max_eval` evaluations per step (once converged, its line
    search can still spend them all), so its loops are shortened soonest."""
    evaluations = spec.evaluations_per_step()
    fit = steps_that_fit([Loop(1, evaluations=evaluations)] * loops)
    return min(steps, fit), steps


def budget_notes(
    spec: OptimizerSpec, steps: int, asked: int, lang: str, loops: int = 1
) -> tuple[str, ...]:
    """The note saying the budget shortened the section's `loops` loops, if it did."""
    if steps == asked:
        return ()
    values = {"steps": f"{steps:,}", "asked": f"{asked:,}", "budget": f"{WORK_BUDGET:,}"}
    key = "lab_note_budget_loops" if loops > 1 else "lab_note_budget_steps"
    parts = [text(key, lang, **values, loops=loops)]
    evaluations = spec.evaluations_per_step()
    if evaluations > 1:  # say why so few steps fit
        each = text("lab_note_budget_evaluations", lang, name=spec.name, evaluations=evaluations)
        parts.insert(0, each)
    return (sentences(parts, lang),)


def shape_notes(a: float, b: float, lang: str) -> list[str]:
    """What gradient descent can reach on a parabola without minimum."""
    if a < 0:
        return [text("lab_note_downward", lang, a=f"{a:g}", top=f"{-b / (2 * a):g}")]
    if a == 0 and b != 0:
        return [text("lab_note_line", lang, b=f"{b:g}")]
    if a == 0:
        return [text("lab_note_constant", lang)]
    return []


def runaway_note(
    label: str, path: Sequence[float], spec: OptimizerSpec, a: float, lang: str
) -> str:
    """When and how the run labelled `label` ran away, and what to try; "" if it did not."""
    t = runaway_step(path)
    if t is None:
        return ""
    value = path[t]
    what = (
        text("lab_runaway_not_finite", lang, value=value)
        if not math.isfinite(value)
        else text("lab_runaway_huge", lang, limit=f"{HUGE:g}", value=f"{value:.4g}")
    )
    parts = [text("lab_runaway", lang, label=label, step=t, what=what)]
    if not math.isfinite(path[-1]):
        parts.append(text("lab_runaway_carries_on", lang, value=path[-1]))
    if a > 0 and spec.id == "sgd":
        parts.append(text("lab_runaway_sgd", lang, limit=f"{1 / a:g}"))
    elif a > 0:
        parts.append(text("lab_runaway_smaller_lr", lang))
    return sentences(parts, lang)
