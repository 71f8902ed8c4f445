"""The spelled-out update rules: per optimizer, the quantities of its update at step t.

A rule is data and a function. Its lines, LaTeX templates whose `@name` placeholders render as
the symbol or the value of step t, are in update_rules.toml (read once, checked on reading);
its function computes the named quantities from torch's keyword arguments and the numbers the
engine recorded, which flags of the lines hold, and the update the equation predicts. RULES maps
an optimizer id to its rule.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import torch

from core.analysis.quantities import (
    BEFORE,
    COMPUTED,
    ENGINE,
    HYPER,
    STATE,
    STATE_BEFORE,
    Quantity,
    Value,
    row_label,
    vector,
)
from core.optim.optimizers import OPTIMIZERS
from core.runs.engine import Step
from core.text.i18n import text

LINES_FILE = Path(__file__).with_name("update_rules.toml")
Line = tuple[str, str]  # (condition, LaTeX template)

Computed = tuple[dict[str, Quantity], dict[str, bool], np.ndarray]
"""What a rule's function returns: quantities by name, the flags of its lines, the predicted
update."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule reads: torch's keyword arguments and the recorded numbers of step t, and the
    language of the table's meanings."""

    kwargs: Mapping[str, Any]
    point: np.ndarray
    grad: np.ndarray
    lr: float
    state: Mapping[str, Any]
    before: Mapping[str, Any]  # the state after the previous update; empty at t = 0
    lang: str = "en"

    @classmethod
    def at(
        cls, steps: Sequence[Step], t: int, kwargs: Mapping[str, Any], lang: str = "en"
    ) -> Context:
        """The context of update t of a single-start run's Steps, made with torch's `kwargs`."""
        step = steps[t]
        return cls(
            kwargs=kwargs,
            point=vector(step.point),
            grad=vector(step.grad),
            lr=float(step.lr),
            state=step.state,
            before=steps[t - 1].state if t > 0 else MappingProxyType({}),
            lang=lang,
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """An optimizer's update rule, spelled out.

    Attributes:
        lines: (condition, LaTeX template) pairs; a template's `@name` stands for quantity
            `name`. A line is shown when every flag of its condition is on ("!flag": off);
            "" always holds.
        compute: context -> (quantities by name, flags, predicted update). Quantities must
            include `x_next` (the predicted x_{t+1}) for the last line.
        rtol: how closely torch's update follows the equation, relative (rounding aside, only
            the box projection moves it further): 1e-3 for float32 arithmetic; looser for a rule
            torch computes in a shorter float.
        note: the key of a note shown with every update of the rule, or "".
    """

    lines: tuple[Line, ...]
    compute: Callable[[Context], Computed]
    rtol: float = 1e-3
    note: str = ""

    def templates(self, flags: Mapping[str, bool]) -> tuple[str, ...]:
        """The templates of the lines whose condition holds for `flags`."""
        return tuple(template for condition, template in self.lines if _holds(condition, flags))


def _holds(condition: str, flags: Mapping[str, bool]) -> bool:
    """Every space-separated flag of `condition` is on (`!flag`: off); "" always holds."""
    return all(
        not flags[term[1:]] if term.startswith("!") else flags[term] for term in condition.split()
    )


# ---- the lines, as update_rules.toml writes them ----------------------------------------------


class RuleLinesError(Exception):
    """update_rules.toml broken by an edit: a programming mistake, caught by every test run."""


_CONDITION = re.compile(r"(?:!?\w+(?: !?\w+)*)?")


@cache
def rule_lines(path: Path = LINES_FILE) -> Mapping[str, tuple[Line, ...]]:
    """Each rule's lines in the file's order: the shared `gradient` lines, then the rule's own
    (`[rules]`, one array of [condition, template] pairs per rule).

    Raises:
        RuleLinesError: the file is not TOML, or not of that shape; the message names the file
            and the entry.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RuleLinesError(f"{path.name}: not TOML: {error}") from error
    if sorted(data) != ["gradient", "rules"] or not isinstance(data["rules"], dict):
        raise RuleLinesError(f"{path.name}: needs the array `gradient` and the table [rules]")
    shared = _lines(path.name, "gradient", data["gradient"])
    return MappingProxyType(
        {
            name: (*shared, *_lines(path.name, f"rules.{name}", lines))
            for name, lines in data["rules"].items()
        }
    )


def _lines(file: str, where: str, lines: Any) -> tuple[Line, ...]:
    """`lines` checked: a non-empty array of [condition, template] pairs of strings, each
    condition flags (`!flag` for off), each template `lhs = rhs`."""
    if not isinstance(lines, list) or not lines:
        raise RuleLinesError(f"{file}: {where} is not a non-empty array of lines")
    for i, line in enumerate(lines):
        if not (
            isinstance(line, list) and len(line) == 2 and all(isinstance(s, str) for s in line)
        ):
            raise RuleLinesError(f"{file}: {where}[{i}] is not a [condition, template] pair")
        condition, template = line
        if not _CONDITION.fullmatch(condition):
            raise RuleLinesError(f"{file}: {where}[{i}] has a condition that is not flags")
        if " = " not in template:
            raise RuleLinesError(f"{file}: {where}[{i}] has no ' = ' between its two sides")
    return tuple((condition, template) for condition, template in lines)


def _rule(lines: str, compute: Callable[[Context], Computed], **options: Any) -> Rule:
    """The rule with the lines `rules.<lines>` of update_rules.toml (`options`: rtol, note)."""
    if lines not in rule_lines():
        raise RuleLinesError(f"{LINES_FILE.name}: there is no rules.{lines}")
    return Rule(rule_lines()[lines], compute, **options)


# ---- the quantities -----------------------------------------------------------------------------


def _hyper(symbol: str, value: Any) -> Quantity:
    return Quantity(symbol, float(value), HYPER)


def _basics(ctx: Context, *, coupled: bool = True) -> tuple[dict[str, Quantity], dict[str, bool]]:
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


def _state(ctx: Context, key: str, symbol: str, meaning: str) -> Quantity:
    return Quantity(symbol, vector(ctx.state[key]), STATE, key, meaning)


def _before(ctx: Context, key: str, symbol: str, initial: float = 0.0) -> Quantity:
    """The state entry before this update; at the first update, the value torch starts from."""
    value = vector(ctx.before[key]) if key in ctx.before else np.full(2, initial)
    meaning = text("insp_m_before", ctx.lang)
    return Quantity(symbol, value, STATE_BEFORE, f"{key}{BEFORE}", meaning)


def _finish(
    ctx: Context,
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


def _sgd(ctx: Context) -> Computed:
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


def _adam(ctx: Context, *, decoupled: bool) -> Computed:
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


def _rmsprop(ctx: Context) -> Computed:
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


def _adagrad(ctx: Context) -> Computed:
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


# Newton-Schulz's coefficients and its floor, as torch.optim.Muon defaults them (the playground
# leaves both at torch's values).
_MUON_DEFAULTS = inspect.signature(torch.optim.Muon).parameters


def _muon(ctx: Context) -> Computed:
    """Muon on one row. Newton-Schulz divides the row u by its norm, then maps X to
    (a + b XXᵀ + c (XXᵀ)²) X, ns_steps times: for a single row XXᵀ is the scalar σ², so the
    direction of u stays and only its length moves, by σ -> aσ + bσ³ + cσ⁵ from σ₀ = 1."""
    q, flags = _basics(ctx, coupled=False)  # its weight decay shrinks x_t before the step
    mu = float(ctx.kwargs["momentum"])
    a, b, c = ctx.kwargs.get("ns_coefficients", _MUON_DEFAULTS["ns_coefficients"].default)
    eps = float(ctx.kwargs.get("eps", _MUON_DEFAULTS["eps"].default))
    flags["nesterov"] = bool(ctx.kwargs["nesterov"])
    lang = ctx.lang
    q |= {
        "mu": _hyper(r"\mu", mu),
        "buf": _state(ctx, "momentum_buffer", "b_t", text("insp_m_momentum_buffer", lang)),
        "buf_prev": _before(ctx, "momentum_buffer", "b_{t-1}"),
    }
    g, buf = q["g"].value, q["buf"].value
    u = (1 - mu) * g + mu * buf if flags["nesterov"] else buf
    norm = float(np.linalg.norm(u))
    sigma = norm / max(norm, eps)
    for _ in range(int(ctx.kwargs["ns_steps"])):
        sigma = a * sigma + b * sigma**3 + c * sigma**5
    direction = u / norm if norm else np.zeros(2)
    q |= {
        "u": Quantity("u_t", u, COMPUTED, "u_t", text("insp_m_muon_u", lang)),
        "sigma": Quantity(r"\sigma_k", sigma, COMPUTED, "sigma_k", text("insp_m_sigma", lang)),
        "o": Quantity("o_t", sigma * direction, COMPUTED, "o_t", text("insp_m_muon_o", lang)),
    }
    extra = -ctx.lr * q["wd"].value * ctx.point
    return q, flags, _finish(ctx, q, ctx.lr, q["o"].value, "-{lr} × oₜ", extra)


def _adadelta(ctx: Context) -> Computed:
    """torch's Adadelta: Δₜ = √(uₜ₋₁ + ε) / √(vₜ + ε) ⊙ gₜ, then x moves by -η Δₜ."""
    q, flags = _basics(ctx)
    rho, lang = float(ctx.kwargs["rho"]), ctx.lang
    q |= {
        "rho": _hyper(r"\rho", rho),
        "eps": _hyper(r"\epsilon", ctx.kwargs["eps"]),
        "v": _state(ctx, "square_avg", "v_t", text("insp_m_mean_sq", lang)),
        "v_prev": _before(ctx, "square_avg", "v_{t-1}"),
        "u": _state(ctx, "acc_delta", "u_t", text("insp_m_acc_delta", lang)),
        "u_prev": _before(ctx, "acc_delta", "u_{t-1}"),
    }
    eps = q["eps"].value
    ratio = np.sqrt(q["u_prev"].value + eps) / np.sqrt(q["v"].value + eps)
    meaning = text("insp_m_adadelta_delta", lang)
    q["delta"] = Quantity(r"\Delta_t", ratio * q["g"].value, COMPUTED, "delta_t", meaning)
    return q, flags, _finish(ctx, q, ctx.lr * ratio, q["g"].value, "-{effective_lr} ⊙ gₜ")


def _with_class_defaults(ctx: Context, oid: str) -> dict[str, Any]:
    """The optimizer's keyword arguments with its class's defaults for the rest: the playground
    sets only the learning rate of a pytorch-optimizer class (imported here, when first used)."""
    parameters = inspect.signature(OPTIMIZERS[oid].cls).parameters.values()
    defaults = {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}
    return defaults | dict(ctx.kwargs)


def _lion(ctx: Context) -> Computed:
    """pytorch-optimizer's Lion: x moves by -η sign(β₁ mₜ₋₁ + (1 − β₁) gₜ). The playground sets
    only its learning rate, so its weight decay is the class's 0."""
    q, flags = _basics(ctx)
    beta1, beta2 = (float(b) for b in _with_class_defaults(ctx, "lion")["betas"])
    lang = ctx.lang
    q |= {
        "b1": _hyper(r"\beta_1", beta1),
        "b2": _hyper(r"\beta_2", beta2),
        "m": _state(ctx, "exp_avg", "m_t", text("insp_m_first_moment", lang)),
        "m_prev": _before(ctx, "exp_avg", "m_{t-1}"),
    }
    c = beta1 * q["m_prev"].value + (1 - beta1) * q["g"].value
    q["c"] = Quantity("c_t", c, COMPUTED, "c_t", text("insp_m_lion_c", lang))
    q["u"] = Quantity("u_t", np.sign(c), COMPUTED, "sign_c_t", text("insp_m_lion_sign", lang))
    return q, flags, _finish(ctx, q, ctx.lr, q["u"].value, "-{lr} × sign(cₜ)")


RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "sgd": _rule("sgd", _sgd),
        "momentum": _rule("sgd", _sgd),
        "nesterov": _rule("sgd", _sgd),
        "adam": _rule("adam", partial(_adam, decoupled=False)),
        "adamw": _rule("adam", partial(_adam, decoupled=True)),
        "rmsprop": _rule("rmsprop", _rmsprop),
        "adagrad": _rule("adagrad", _adagrad),
        # torch runs Newton-Schulz in bfloat16: its updates differ from the exact equation's by
        # 1.7% (median) to 3% (worst) over 150 steps on each of eight built-in functions.
        "muon": _rule("muon", _muon, rtol=5e-2, note="insp_note_muon_row"),
        "adadelta": _rule("adadelta", _adadelta),
        "lion": _rule("lion", _lion),
    }
)
"""Optimizer id -> its spelled-out update rule."""
