"""Update rules a student types, compiled into a real torch.optim.Optimizer.

A rule is a few lines, run in order at every step:

    hyper b1 = 0.9                 a hyper-parameter and its default (a number)
    state m = 0                    a state variable and its first value (a number)
    m = b1*m + (1 - b1)*g          an update of a state variable, of p, or of a new name
    p = p - lr*m                   (a rule must set p)

Each expression is checked and built by core.formulas.expressions, never by Python's eval, with
the names the rule may use on its line: g (the gradient), p (the parameter), t (the step, from
1), lr, its hyper-parameters and state variables, the names set on earlier lines, pi and e. The
functions are the formulas' plus sign and where(c, a, b) (a where c > 0, else b): all
elementwise, so a rule moves each coordinate from its own history and a batch of starts stays a
batch of independent runs. A `#` starts a comment. Caps: MAX_RULE_LENGTH characters, MAX_LINES
lines, MAX_STATE state variables, MAX_HYPER hyper-parameters, MAX_NAME characters a name, and
each expression the formulas' own caps (length, parts, depth).

The numbers run as torch runs: g, p and the state in the parameter's dtype, constants, t, lr and
the hyper-parameters as 0-d float64 tensors (which take the parameter's dtype in arithmetic).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import torch

from core.formulas.expressions import (
    FORMULAS,
    MAX_LENGTH,
    Built,
    FormulaError,
    Grammar,
    checked_expression,
)
from core.text.i18n import text
from core.text.refusal import InputError

MAX_RULE_LENGTH = 800
MAX_LINES = 16
MAX_STATE = 6
MAX_HYPER = 6
MAX_NAME = 16
GIVEN = ("g", "p", "t", "lr")  # what every step hands the rule; a rule sets only p of them
# The language's own words, and what the exported class's code names (core.export.rule_code):
# Python's keywords and the names its step uses.
_RESERVED = frozenset(
    {*GIVEN, "pi", "e", "state", "hyper", "self", "torch", "math", "const", "closure"}
    | {"step", "params", "super"}  # torch.optim's own keys (a state's step, a group's params)
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")  # what an expression can name (no _)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DECLARATION = re.compile(r"(state|hyper)\s+(\S.*)")

RULES = Grammar(
    frozenset(),
    MappingProxyType(
        {
            **FORMULAS.functions,
            "sign": (1, torch.sign),
            "where": (3, lambda c, a, b: torch.where(c > 0, a, b)),
        }
    ),
)


# A formula's words where a rule's are different: a rule has lines of g, p and its own names, not
# a formula in x and y.
_RULE_WORDS = {
    "fx_hint_names": "rule_hint_names",
    "fx_hint_missing_operator": "rule_hint_operator",
    "fx_unreadable": "rule_expression_unreadable",
    **{
        f"fx_{key}": f"rule_x_{key}"
        for key in (
            "too_long",
            "ends_early",
            "too_complex",
            "too_many_parts",
            "too_deep",
            "unsupported",
            "only_numbers",
            "hint_no_equals",
            "hint_quotes",
            "hint_semicolon",
            "hint_backslash",
            "hint_times",
            "hint_fill_parens",
        )
    },
}


class RuleError(InputError):
    """A rule was refused: the message names the line (from 1) and, where one place is at
    fault, the character in that line (`position`, from 0)."""

    def __init__(
        self, problem: str, line: int | None, position: int | None = None, *hints: str, **values
    ) -> None:
        self.line = line
        super().__init__(problem, position, *hints, **values)

    def message(self, lang: str = "en") -> str:
        said = super().message(lang)
        if self.line is None:
            return said
        return text("rule_on_line", lang, line=self.line) + said

    @classmethod
    def of_expression(
        cls, error: FormulaError, line: int, shift: int, known: Iterable[str]
    ) -> RuleError:
        """A formula's refusal of the expression that starts `shift` characters into `line`,
        where the names `known` are set: the names it lists are the rule's, not x and y."""
        position = None if error.position is None else error.position + shift
        hints = tuple(_RULE_WORDS.get(h, h) for h in error.hints)
        problem = _RULE_WORDS.get(error.problem, error.problem)
        names = ", ".join(sorted(known))
        values = error.values | {"names": names, "functions": RULES.listed()}
        return cls(problem, line, position, *hints, **values)


@dataclass(frozen=True, slots=True)
class Update:
    """One update line: `target = expression`, its expression as typed and as built."""

    target: str
    expression: str
    built: Built


@dataclass(frozen=True, slots=True)
class UpdateRule:
    """A checked rule. Equality and hashing use `source` only, so a rule can key a cache.

    Attributes:
        source: the rule as typed.
        hyper: (name, default) of each hyper-parameter, in order.
        state: (name, first value) of each state variable, in order.
        lines: each Update, in order.
    """

    source: str
    hyper: tuple[tuple[str, float], ...] = field(compare=False)
    state: tuple[tuple[str, float], ...] = field(compare=False)
    lines: tuple[Update, ...] = field(compare=False, repr=False)

    def step(self, p: torch.Tensor, group: Mapping[str, Any], state: dict[str, Any]) -> None:
        """One update of `p` (its gradient in p.grad) with the group's lr and hyper-parameters
        and the parameter's `state`, in place, as torch.optim's steps are (under no_grad)."""
        if not state:
            state["step"] = 0
            for name, first in self.state:
                state[name] = torch.full_like(p, first)
        state["step"] += 1
        values: dict[str, torch.Tensor] = {
            "g": p.grad,
            "p": p,
            "t": _scalar(state["step"]),
            "lr": _scalar(group["lr"]),
            **{name: _scalar(group[name]) for name, _ in self.hyper},
            **{name: state[name] for name, _ in self.state},
        }
        for update in self.lines:
            values[update.target] = update.built(values)
        for name, _ in self.state:  # the parameter's shape and dtype, never an alias of g or p
            state[name] = values[name].to(p.dtype).expand_as(p).clone()
        p.copy_(values["p"])


def _scalar(value: float) -> torch.Tensor:
    return torch.tensor(float(value), dtype=torch.float64)


def compile_rule(source: object) -> UpdateRule:
    """Check `source` and build its rule. RuleError says why it is refused, and where."""
    if not isinstance(source, str):
        raise RuleError("fx_not_text", None, kind=type(source).__name__)
    if len(source) > MAX_RULE_LENGTH:
        raise RuleError("rule_too_long", None, length=len(source), limit=MAX_RULE_LENGTH)
    hyper: dict[str, float] = {}
    state: dict[str, float] = {}
    lines: list[Update] = []
    known = set(GIVEN)
    written = [(n, line) for n, line in _lines(source) if line.strip()]
    if len(written) > MAX_LINES:
        raise RuleError("rule_too_many_lines", None, count=len(written), limit=MAX_LINES)
    for number, line in written:
        lead = len(line) - len(line.lstrip())  # where the line's first word starts
        declared = _DECLARATION.fullmatch(line.strip())
        if declared:
            kind, rest = declared.groups()
            at = lead + declared.start(2)  # the declared name's place in the line
            name, value = _declaration(rest, number, at)
            if name in known:
                raise RuleError("rule_name_taken", number, at, name=name)
            (hyper if kind == "hyper" else state)[name] = value
            known.add(name)
            continue
        target, expression, shift = _assignment(line, number, lead)
        grammar = Grammar(frozenset(known), RULES.functions)
        try:
            built = checked_expression(expression, grammar)
        except FormulaError as error:
            raise RuleError.of_expression(error, number, shift, known) from None
        if (target in GIVEN and target != "p") or target in hyper:
            raise RuleError("rule_given", number, lead, name=target)
        lines.append(Update(target, " ".join(expression.split()), built))
        known.add(target)
    if len(state) > MAX_STATE:
        raise RuleError("rule_too_many_state", None, count=len(state), limit=MAX_STATE)
    if len(hyper) > MAX_HYPER:
        raise RuleError("rule_too_many_hyper", None, count=len(hyper), limit=MAX_HYPER)
    if not written:
        raise RuleError("rule_empty", None, None, "rule_hint_example")
    if "p" not in (update.target for update in lines):
        raise RuleError("rule_no_p", None, None, "rule_hint_example")
    return UpdateRule(source, tuple(hyper.items()), tuple(state.items()), tuple(lines))


def _lines(source: str) -> Iterable[tuple[int, str]]:
    """(number from 1, text without its comment) of each line."""
    for number, line in enumerate(source.split("\n"), 1):
        yield number, line.split("#", 1)[0].rstrip()


def _declaration(rest: str, number: int, at: int) -> tuple[str, float]:
    """`name = number` after `state` or `hyper`, `rest` starting `at` characters into its line."""
    written_name, equals, written_value = rest.partition("=")
    name, value = written_name.strip(), written_value.strip()
    if not equals or not _NUMBER.fullmatch(value):
        raise RuleError("rule_declaration", number, None)
    _check_target(name, number, at)
    number_value = float(value)
    if number_value != number_value or abs(number_value) == float("inf"):
        value_at = at + len(written_name) + 1 + len(written_value) - len(written_value.lstrip())
        raise RuleError("fx_number_too_large", number, value_at, "fx_hint_number_limit")
    return name, number_value


def _assignment(line: str, number: int, lead: int) -> tuple[str, str, int]:
    """(target, expression, where the expression starts in the line) of `name = expression`;
    the target starts `lead` characters into the line."""
    target, equals, expression = line.partition("=")
    if not equals:
        raise RuleError("rule_unreadable", number, None)
    _check_target(target.strip(), number, lead)
    if not expression.strip():
        raise RuleError("rule_empty_expression", number, len(line), name=target.strip())
    if len(expression) > MAX_LENGTH:
        raise RuleError("rule_x_too_long", number, None, length=len(expression), limit=MAX_LENGTH)
    return target.strip(), expression, len(target) + 1


def _check_target(name: str, number: int, at: int) -> None:
    """A name a line declares or sets, `at` characters into the line."""
    if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise RuleError("rule_bad_name", number, None, name=repr(name[:MAX_NAME]), limit=MAX_NAME)
    if name in _RESERVED - set(GIVEN) or name in RULES.functions:
        raise RuleError("rule_reserved", number, at, name=name)


class RuleOptimizer(torch.optim.Optimizer):
    """A torch.optim optimizer whose step is a typed UpdateRule: it runs in the same
    `zero_grad(); backward(); step()` loop as torch's own, one param group's lr and the rule's
    hyper-parameters (its defaults unless given) in each group, its state per parameter."""

    def __init__(self, params: Any, rule: UpdateRule, lr: float = 0.01, **hyper: float) -> None:
        names = {name for name, _ in rule.hyper}
        unknown = set(hyper) - names
        if unknown:  # names come from the rule's own declarations: a programming mistake
            raise ValueError(f"the rule has no hyper-parameter {', '.join(sorted(unknown))}")
        self.rule = rule
        super().__init__(params, {"lr": lr, **dict(rule.hyper), **hyper})

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.rule.step(p, group, self.state[p])
        return loss
