"""Exercises: write an optimizer's update rule yourself, then check it against torch.optim's.

An exercise is data: the optimizer the student's rule should redo, the rule the editor starts
with (a blank to fill, or a planted bug), and the scene the check races on. `check` compiles
the typed rule (core.formulas.rules) and races it against that optimizer from the scene's start
(core.formulas.rule_match): it matches, or the two paths part at a step, by some distance, or
the rule's point stops being a number. The words live in the lessons table under exercise_*.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from dataclasses import dataclass

from core.formulas.rule_match import compare_rule
from core.formulas.rules import compile_rule
from core.optim.optimizers import OPTIMIZERS, OptimizerSpec
from core.problems.objectives import OBJECTIVES, Point
from core.problems.registry import registry
from core.text.refusal import Phrase


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise: redo `target` (a registry id) starting from `start_rule`, checked over
    `steps` steps of `function` from `start` at the target's default rate there."""

    id: str
    target: str
    start_rule: str
    function: str = "himmelblau"
    start: Point = (0.5, -0.5)
    steps: int = 300


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the check says: a phrase of the lessons table, and whether the rule is right."""

    phrase: Phrase
    solved: bool


_SGD = "p = p - lr*g\n"
_MOMENTUM = "hyper mu = 0.9\nstate b = 0\nb = mu*b + g\np = p - lr*b\n"
_ADAM_NO_BIAS_CORRECTION = """hyper b1 = 0.9
hyper b2 = 0.999
hyper eps = 1e-8
state m = 0
state v = 0
m = b1*m + (1 - b1)*g
v = b2*v + (1 - b2)*g^2
p = p - lr*m/(sqrt(v) + eps)
"""
_RMSPROP_NO_EPS = """hyper alpha = 0.99
state v = 0
v = alpha*v + (1 - alpha)*g^2
p = p - lr*g/sqrt(v)
"""

EXERCISES: Mapping[str, Exercise] = registry(
    (
        Exercise("ex_sgd", "sgd", "# g is the gradient at p, lr the learning rate\np = p\n"),
        Exercise("ex_momentum", "momentum", "hyper mu = 0.9\nstate b = 0\n" + _SGD),
        Exercise("ex_nesterov", "nesterov", _MOMENTUM),
        Exercise("ex_adam", "adam", _ADAM_NO_BIAS_CORRECTION),
        # At (6, -1) Booth's gradient is (18, 0): in y exactly 0, so without ε the first step
        # divides 0 by 0.
        Exercise("ex_rmsprop", "rmsprop", _RMSPROP_NO_EPS, "booth", (6.0, -1.0)),
    )
)


def check(exercise: Exercise, source: str) -> Verdict:
    """Race the typed rule against the exercise's optimizer. RuleError for a refused rule;
    BudgetError never (an exercise's check is two runs of its own steps)."""
    rule = compile_rule(source)
    objective = OBJECTIVES[exercise.function]
    spec = OPTIMIZERS[exercise.target]
    lr = spec.defaults_for(objective)["lr"]
    found = compare_rule(
        rule, objective, exercise.start, exercise.steps, lr, candidates=(exercise.target,)
    )
    name = f"{spec.class_path}({', '.join(f'{k}={v!r}' for k, v in _shown(spec, lr).items())})"
    if found.matches:
        values = {"name": name, "gap": f"{found.gap:.1g}", "steps": f"{exercise.steps:,}"}
        return Verdict(Phrase("exercise_matches", values), True)
    if math.isinf(found.apart):
        return Verdict(Phrase("exercise_not_finite", {"step": found.parts_at}), False)
    values = {"name": name, "step": found.parts_at, "apart": f"{found.apart:.2g}"}
    return Verdict(Phrase("exercise_parts", values), False)


def _shown(spec: OptimizerSpec, lr: float) -> dict[str, object]:
    """The keywords that make the target what it is: those that differ from its class's own
    defaults (torch.optim.SGD(lr=0.01, momentum=0.9) for Momentum)."""
    defaults = inspect.signature(spec.cls).parameters
    return {
        key: value
        for key, value in spec.torch_kwargs(lr=lr).items()
        if key not in defaults or defaults[key].default != value
    }
