"""A typed update rule (core.formulas.rules) as a readable torch.optim.Optimizer subclass.

The class does what RuleOptimizer does, operation for operation (the same expressions, the same
0-d float64 constants, t, lr and hyper-parameters, the state kept in the parameter's dtype), so a
loop over it gives the same bits. Its own names end in `_` (`p_`, `state_`), which no rule
name can (the language has no `_`), so a rule never shadows them.
"""

from __future__ import annotations

import ast
import keyword

from core.export.codegen import ToTorch, literal
from core.formulas.rules import GIVEN, UpdateRule, compile_rule

_HEAD = '''import math

import torch


def const(value):
    """A number as the rule's arithmetic takes it: a 0-d float64 tensor."""
    return torch.tensor(float(value), dtype=torch.float64)


def where(c, a, b):
    """a where c > 0, else b: elementwise."""
    return torch.where(c > 0, a, b)


'''

_CLASS = '''class {name}(torch.optim.Optimizer):
    """{doc}"""

    def __init__(self, params, {arguments}):
        super().__init__(params, {{{defaults}}})

    @torch.no_grad()
    def step(self, closure=None):
        loss_ = None
        if closure is not None:
            with torch.enable_grad():
                loss_ = closure()
        for group_ in self.param_groups:
            for p_ in group_["params"]:
                if p_.grad is None:
                    continue
                state_ = self.state[p_]
                if not state_:
                    state_["step"] = 0
{first}
                state_["step"] += 1
                g, p, t = p_.grad, p_, const(state_["step"])
{given}
{body}
{kept}
                p_.copy_(p)
        return loss_
'''


def rule_class_source(rule: UpdateRule, name: str = "MyOptimizer", lr: float = 0.01) -> str:
    """The source of a module holding `name`, the rule's optimizer class (default lr `lr`)."""
    if not name.isidentifier() or keyword.iskeyword(name):  # our own code names the class
        raise ValueError(f"{name!r} is not a class name")
    rule = compile_rule(rule.source)  # only checked rules are translated
    hyper = [("lr", lr), *rule.hyper]
    pad = " " * 16
    # Written from the checked rule, not from its text: a comment may hold any character.
    written = [
        *(f"hyper {n} = {literal(v)}" for n, v in rule.hyper),
        *(f"state {n} = {literal(v)}" for n, v in rule.state),
        *(f"{u.target} = {u.expression}" for u in rule.lines),
    ]
    doc = "An optimizer written in the playground's update-rule language:\n\n" + "\n".join(
        f"        {line}" for line in written
    )
    variables = frozenset({*GIVEN, *(n for n, _ in rule.hyper), *(n for n, _ in rule.state)})
    variables |= frozenset(update.target for update in rule.lines)
    body = [f"{pad}{u.target} = {_code(u.expression, variables)}" for u in rule.lines]
    return _HEAD + _CLASS.format(
        name=name,
        doc=doc + "\n    ",
        arguments=", ".join(f"{n}={literal(float(v))}" for n, v in hyper),
        defaults=", ".join(f'"{n}": {n}' for n, _ in hyper),
        first="\n".join(
            f'{pad}    state_["{n}"] = torch.full_like(p_, {literal(v)})' for n, v in rule.state
        )
        or f"{pad}    pass",
        given="\n".join(f'{pad}{n} = const(group_["{n}"])' for n, _ in hyper)
        + "".join(f'\n{pad}{n} = state_["{n}"]' for n, _ in rule.state),
        body="\n".join(body),
        kept="\n".join(
            f'{pad}state_["{n}"] = {n}.to(p_.dtype).expand_as(p_).clone()' for n, _ in rule.state
        )
        or f"{pad}pass",
    )


def _code(expression: str, variables: frozenset[str]) -> str:
    tree = ast.parse(expression.replace("^", "**"), mode="eval")
    return ast.unparse(ToTorch(variables).visit(tree.body))
