"""The torch.optim optimizers the playground offers, as data.

Each OptimizerSpec names a real `torch.optim` class, its hyper-parameters with their ranges, and two
capability flags. The values a user sets are exactly the keyword arguments torch receives: `make`
validates them against the ranges and builds the optimizer, nothing more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

import torch

from core.optim.zoo import (
    FAMILIES,
    PACKAGE,
    Paper,
    ZooFileError,
    ZooRecord,
    load_class,
    zoo_records,
)
from core.problems.objectives import Objective
from core.problems.registry import registry
from core.text.i18n import text
from core.text.refusal import Phrase, Refusal, listed, shown

HyperValue = float | int | bool | str


@dataclass(frozen=True, slots=True)
class HyperParam:
    """One hyper-parameter: its torch keyword, default and allowed range.

    `scale` is "log" for quantities that vary over decades (learning rate, eps). `kind` is "float",
    "int", "bool" or "choice" (then `choices` lists the allowed strings).
    """

    name: str
    label: str
    default: HyperValue
    low: float = 0.0
    high: float = 1.0
    scale: Literal["linear", "log"] = "linear"
    kind: Literal["float", "int", "bool", "choice"] = "float"
    choices: tuple[str, ...] = ()
    help: str = ""

    above_low: bool = False  # torch refuses `low` itself (Nesterov's momentum 0, Rprop's η⁺ 1)

    def validate(self, value: Any) -> HyperValue:
        """Return `value` coerced to this parameter's kind, or raise Refusal if out of range."""
        name = Phrase(f"param_{self.name}")
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise Refusal("err_hyper_bool", name=name, value=shown(value))
            return value
        if self.kind == "choice":
            if value not in self.choices:
                choices = listed(self.choices)
                raise Refusal("err_hyper_choice", name=name, choices=choices, value=shown(value))
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Refusal("err_hyper_number", name=name, value=shown(value))
        number = float(value)
        above = number > self.low if self.above_low else number >= self.low
        if not (above and number <= self.high):  # also refuses NaN
            key = "err_hyper_above" if self.above_low else "err_hyper_range"
            bounds = {"low": shown(self.low), "high": shown(self.high)}
            raise Refusal(key, name=name, value=shown(value), **bounds)
        if self.kind == "int":
            if not number.is_integer():
                raise Refusal("err_hyper_whole", name=name, value=shown(value))
            return int(number)
        return number


def _lr(default: float, low: float = 1e-6, high: float = 100.0) -> HyperParam:
    return HyperParam("lr", "learning rate", default, low, high, "log")


def _betas(beta1: float = 0.9, beta2: float = 0.999) -> tuple[HyperParam, ...]:
    return (
        HyperParam("beta1", "β₁ (first moment decay)", beta1, 0.0, 0.999),
        HyperParam("beta2", "β₂ (second moment decay)", beta2, 0.0, 0.99999),
    )


def _eps(default: float) -> HyperParam:
    return HyperParam("eps", "ε (numerical floor)", default, 1e-12, 1.0, "log")


def _weight_decay(default: float = 0.0) -> HyperParam:
    return HyperParam("weight_decay", "weight decay", default, 0.0, 1.0)


# torch takes some pairs as one tuple keyword; the playground shows each half as its own control.
_PACKED = {"betas": ("beta1", "beta2"), "etas": ("etaminus", "etaplus")}

_MOMENTUM = HyperParam("momentum", "momentum", 0.9, 0.0, 0.999)
_AMSGRAD = HyperParam("amsgrad", "AMSGrad", False, kind="bool")


@dataclass(frozen=True, slots=True)
class LineStyle:
    """How every figure draws one optimizer, whichever others run beside it.

    Colours are Okabe-Ito's (yellow, unreadable on the landscape, swapped for wine) for the eight
    optimizers a class picks most, then seven darker or greyer ones. Two colours close enough to be
    confused on a projector (vermillion and orange, blue and sky blue) never share a `dash`; the
    `symbol` (a Plotly marker) marks the head of each path and its legend entry.
    """

    colour: str
    dash: str = "solid"
    symbol: str = "circle"


@dataclass(frozen=True, slots=True)
class OptimizerSpec:
    """A torch.optim optimizer as the playground offers it.

    Attributes:
        id: registry key.
        name: display name.
        source: the torch.optim class, or the name of a pytorch-optimizer class (imported when a
            run first needs it: `cls`).
        hyper: the hyper-parameters shown to the user (torch keywords; pairs such as beta1 and
            beta2 are passed as one tuple, `betas`).
        fixed: keywords always passed (e.g. nesterov=True), shown as part of the name.
        elementwise: the update of each coordinate depends only on that coordinate's history, so
            B starts can run as one `[B, 2]` tensor and stay independent.
        needs_closure: `step` takes a closure that re-evaluates the loss (LBFGS).
        second_order: its step takes Hessian-vector products of the gradient (AdaHessian,
            SophiaH): backward must keep the gradient's graph (`create_graph=True`), a step costs
            about two backward passes, and its random probes come from torch's default generator.
        eval_point: the gradient is taken at one point and the model is evaluated at another,
            which `eval()` moves the parameter to and `train()` back (Schedule-Free).
        holds: "row" for an optimizer that only takes matrices (Muon): it holds the point as a
            1 x 2 matrix that shares the point's storage (see `as_row`); "vector" for the rest.
        lr_family: how the default learning rate follows the objective: "gradient" (update ~ lr *
            gradient), "step" (update ~ lr) or None (the torch default suits every function).
        lr_factor: multiplies the objective's family learning rate.
        style: its colour, line dash and marker in every figure (LineStyle).
        family: the kind of optimizer it is (core.optim.zoo.FAMILIES), which the picker groups by.
        paper: the paper that introduced it, where the registry records one.
    """

    id: str
    name: str
    source: type[torch.optim.Optimizer] | str
    hyper: tuple[HyperParam, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    elementwise: bool = True
    needs_closure: bool = False
    second_order: bool = False
    eval_point: bool = False
    holds: Literal["vector", "row"] = "vector"
    lr_family: Literal["gradient", "step"] | None = "step"
    lr_factor: float = 1.0
    style: LineStyle = field(kw_only=True)
    family: str = field(kw_only=True)
    paper: Paper | None = field(default=None, kw_only=True)

    @property
    def cls(self) -> type[torch.optim.Optimizer]:
        """The optimizer class (a pytorch-optimizer one is imported on first use)."""
        return self.source if self.from_torch else load_class(self.source)

    @property
    def class_path(self) -> str:
        """How a script names the class: `torch.optim.Adam`, `pytorch_optimizer.Lion`."""
        if self.from_torch:
            return f"torch.optim.{self.source.__name__}"
        return f"{PACKAGE}.{self.source}"

    def picker_label(self, lang: str) -> str:
        """The optimizer as the picker lists it: torch.optim's by name, pytorch-optimizer's with
        the family it belongs to ("Lion · sign-based"), which typing in the picker also finds."""
        if self.from_torch:
            return self.name
        return f"{self.name} · {text(f'family_{self.family}', lang)}"

    @property
    def from_torch(self) -> bool:
        """One of torch.optim's own optimizers (not pytorch-optimizer's)."""
        return isinstance(self.source, type)

    @property
    def defaults(self) -> dict[str, HyperValue]:
        """The registry defaults, keyed by hyper-parameter name."""
        return {h.name: h.default for h in self.hyper}

    def param(self, name: str) -> HyperParam:
        """The hyper-parameter called `name`."""
        for h in self.hyper:
            if h.name == name:
                return h
        raise KeyError(f"{self.name} has no hyper-parameter {name!r}")

    def defaults_for(self, objective: Objective) -> dict[str, HyperValue]:
        """Defaults with a learning rate that gives a meaningful run on `objective`."""
        values = self.defaults
        # Rounded: a product like 0.2 * 0.2 = 0.04000000000000001 would read badly on screen.
        if self.lr_family == "gradient":
            values["lr"] = float(f"{objective.lr_gradient * self.lr_factor:.6g}")
        elif self.lr_family == "step":
            values["lr"] = float(f"{objective.lr_step * self.lr_factor:.6g}")
        return values

    @property
    def passes_per_step(self) -> int:
        """Backward passes one step costs (the work budget counts each as an evaluation)."""
        return 2 if self.second_order else 1

    def evaluations_per_step(self, **hyper: Any) -> int:
        """How many times one step evaluates f at most: L-BFGS re-evaluates it through its
        closure up to `max_eval` times (what the work budget counts); the others once."""
        if not self.needs_closure:
            return 1
        return int(self.validate(**hyper).get("max_eval", 1))

    def validate(self, **hyper: Any) -> dict[str, HyperValue]:
        """Defaults overridden by `hyper`, each checked against its range."""
        unknown = set(hyper) - {h.name for h in self.hyper}
        if unknown:  # names come from spec.hyper (widgets, link fields): a programming mistake
            raise ValueError(f"{self.name} has no hyper-parameter {', '.join(sorted(unknown))}")
        merged = self.defaults | hyper
        return {h.name: h.validate(merged[h.name]) for h in self.hyper}

    def torch_kwargs(self, **hyper: Any) -> dict[str, Any]:
        """The exact keyword arguments passed to the torch.optim class."""
        kwargs: dict[str, Any] = dict(self.validate(**hyper))
        for packed, (first, second) in _PACKED.items():
            if first in kwargs:
                kwargs[packed] = (kwargs.pop(first), kwargs.pop(second))
        if kwargs.get("line_search_fn") == "none":
            kwargs["line_search_fn"] = None
        return kwargs | dict(self.fixed)

    def make(self, params: Iterable[torch.Tensor], **hyper: Any) -> torch.optim.Optimizer:
        """Build the optimizer over `params` with validated hyper-parameters (over their 1 x 2
        rows for an optimizer that holds rows: then set `params`' `.grad` to None to clear the
        gradient, not the optimizer's zero_grad, which would clear only the rows')."""
        held = [as_row(p) for p in params] if self.holds == "row" else params
        return self.cls(held, **self.torch_kwargs(**hyper))


def as_row(point: torch.Tensor) -> torch.Tensor:
    """`point` (a `[2]` leaf) as the 1 x 2 matrix leaf an optimizer of matrices holds: it shares
    the point's storage, so each step moves the point itself, and every gradient accumulated into
    the point is handed to it as a 1 x 2 view. Its iterates are those of the bare loop over a
    `torch.tensor([[x, y]])` parameter, bit for bit: the same numbers in the same operations."""
    row = point.detach().view(1, -1).requires_grad_(True)

    def hand_over(point: torch.Tensor) -> None:
        row.grad = point.grad.view(1, -1)  # the same storage: noise added later is seen too

    point.register_post_accumulate_grad_hook(hand_over)
    return row


TORCH_OPTIMIZERS: Mapping[str, OptimizerSpec] = registry(
    (
        OptimizerSpec(
            "sgd",
            "SGD",
            torch.optim.SGD,
            (_lr(0.01), _weight_decay()),
            lr_family="gradient",
            style=LineStyle("#D55E00", "solid", "circle"),  # vermillion
            family="sgd",
        ),
        OptimizerSpec(
            "momentum",
            "Momentum",
            torch.optim.SGD,
            (_lr(0.01), _MOMENTUM, HyperParam("dampening", "dampening", 0.0), _weight_decay()),
            lr_family="gradient",
            style=LineStyle("#0072B2", "solid", "square"),  # blue
            family="sgd",
        ),
        OptimizerSpec(
            "nesterov",
            "Nesterov",
            torch.optim.SGD,
            # torch's Nesterov needs a momentum: 0 is refused with a reason, not by torch.
            (_lr(0.01), replace(_MOMENTUM, above_low=True), _weight_decay()),
            fixed=MappingProxyType({"nesterov": True}),
            lr_family="gradient",
            lr_factor=0.5,
            style=LineStyle("#000000", "solid", "diamond"),  # black
            family="sgd",
        ),
        OptimizerSpec(
            "adam",
            "Adam",
            torch.optim.Adam,
            (_lr(1e-3), *_betas(), _eps(1e-8), _weight_decay(), _AMSGRAD),
            style=LineStyle("#009E73", "solid", "triangle-up"),  # bluish green
            family="adaptive",
            paper=Paper(
                2014,
                "Adam: A Method for Stochastic Optimization",
                "https://arxiv.org/abs/1412.6980",
            ),
        ),
        OptimizerSpec(
            "adamw",
            "AdamW",
            torch.optim.AdamW,
            (_lr(1e-3), *_betas(), _eps(1e-8), _weight_decay(0.01), _AMSGRAD),
            style=LineStyle("#CC79A7", "solid", "triangle-down"),  # reddish purple
            family="adaptive",
            paper=Paper(
                2017, "Decoupled Weight Decay Regularization", "https://arxiv.org/abs/1711.05101"
            ),
        ),
        OptimizerSpec(
            "rmsprop",
            "RMSprop",
            torch.optim.RMSprop,
            (
                _lr(0.01),
                HyperParam("alpha", "α (square average decay)", 0.99, 0.0, 0.9999),
                _eps(1e-8),
                HyperParam("momentum", "momentum", 0.0, 0.0, 0.999),
                HyperParam("centered", "centered", False, kind="bool"),
                _weight_decay(),
            ),
            # The first step is lr / sqrt(1 - alpha) = 10 lr long with alpha = 0.99.
            lr_factor=0.2,
            style=LineStyle("#882255", "solid", "pentagon"),  # wine
            family="adaptive",
        ),
        OptimizerSpec(
            "adagrad",
            "Adagrad",
            torch.optim.Adagrad,
            (
                _lr(0.01),
                HyperParam("lr_decay", "learning-rate decay", 0.0, 0.0, 1.0),
                _eps(1e-10),
                HyperParam("initial_accumulator_value", "initial accumulator", 0.0, 0.0, 10.0),
                _weight_decay(),
            ),
            # Steps shrink like 1 / sqrt(t): start larger.
            lr_factor=5.0,
            style=LineStyle("#56B4E9", "dash", "hexagon"),  # sky blue
            family="adaptive",
        ),
        OptimizerSpec(
            "adadelta",
            "Adadelta",
            torch.optim.Adadelta,
            (
                _lr(1.0, high=100.0),
                HyperParam("rho", "ρ (decay)", 0.9, 0.0, 0.9999),
                _eps(1e-6),
                _weight_decay(),
            ),
            lr_family=None,
            style=LineStyle("#8C510A", "dot", "star-square"),  # brown
            family="adaptive",
            paper=Paper(
                2012,
                "ADADELTA: An Adaptive Learning Rate Method",
                "https://arxiv.org/abs/1212.5701",
            ),
        ),
        OptimizerSpec(
            "adamax",
            "Adamax",
            torch.optim.Adamax,
            (_lr(2e-3), *_betas(), _eps(1e-8), _weight_decay()),
            style=LineStyle("#999933", "longdash", "triangle-left"),  # olive
            family="adaptive",
            paper=Paper(
                2014,
                "Adam: A Method for Stochastic Optimization",
                "https://arxiv.org/abs/1412.6980",
            ),
        ),
        OptimizerSpec(
            "nadam",
            "NAdam",
            torch.optim.NAdam,
            (
                _lr(2e-3),
                *_betas(),
                _eps(1e-8),
                _weight_decay(),
                HyperParam("momentum_decay", "momentum decay", 4e-3, 0.0, 0.1),
            ),
            style=LineStyle("#332288", "dashdot", "triangle-right"),  # indigo
            family="adaptive",
        ),
        OptimizerSpec(
            "radam",
            "RAdam",
            torch.optim.RAdam,
            (_lr(1e-3), *_betas(), _eps(1e-8), _weight_decay()),
            # Its first steps are un-adapted momentum steps (lr times the raw gradient), its later
            # ones Adam-like: no objective-scaled rate suits both, torch's default does.
            lr_family=None,
            style=LineStyle("#117733", "longdash", "hexagram"),  # dark green
            family="adaptive",
            paper=Paper(
                2019,
                "On the Variance of the Adaptive Learning Rate and Beyond",
                "https://arxiv.org/abs/1908.03265",
            ),
        ),
        OptimizerSpec(
            "asgd",
            "ASGD",
            torch.optim.ASGD,
            (
                _lr(0.01),
                HyperParam("lambd", "λ (decay term)", 1e-4, 0.0, 1.0),
                HyperParam("alpha", "α (eta power)", 0.75, 0.0, 2.0),
                _weight_decay(),
            ),
            lr_family="gradient",
            style=LineStyle("#777777", "dashdot", "diamond-wide"),  # grey
            family="sgd",
        ),
        OptimizerSpec(
            "rprop",
            "Rprop",
            torch.optim.Rprop,
            (
                _lr(0.01),
                HyperParam("etaminus", "η⁻ (shrink)", 0.5, 0.01, 0.999),
                # torch needs η⁺ > 1: 1 is refused with a reason, not by torch.
                HyperParam("etaplus", "η⁺ (grow)", 1.2, 1.0, 5.0, above_low=True),
            ),
            lr_factor=0.5,
            style=LineStyle("#CC6677", "longdashdot", "diamond-tall"),  # rose
            family="sign",
        ),
        OptimizerSpec(
            "lbfgs",
            "L-BFGS",
            torch.optim.LBFGS,
            (
                _lr(1.0),
                HyperParam("max_iter", "iterations per step", 1, 1, 20, kind="int"),
                # torch's default max_eval is max_iter * 5 // 4 = 1 for one iteration, which
                # leaves the line search no evaluation: L-BFGS would never move.
                HyperParam("max_eval", "evaluations per step", 25, 1, 100, kind="int"),
                HyperParam("history_size", "history size", 10, 1, 100, kind="int"),
                HyperParam(
                    "line_search_fn",
                    "line search",
                    "strong_wolfe",
                    kind="choice",
                    choices=("strong_wolfe", "none"),
                ),
            ),
            elementwise=False,
            needs_closure=True,
            lr_family=None,
            style=LineStyle("#E69F00", "dash", "bowtie"),  # orange
            family="second_order",
        ),
        OptimizerSpec(
            "adafactor",
            "Adafactor",
            torch.optim.Adafactor,
            (
                # The relative step: each step moves about min(lr, 1/√t) times the RMS of the
                # point, so a rate above 1 is capped from the first step on.
                _lr(1e-2),
                HyperParam("beta2_decay", "β₂ decay exponent", -0.8, -1.0, 0.0),
                HyperParam("d", "clipping threshold d", 1.0, 1.0, 10.0),
                _weight_decay(),
            ),
            # Every step is scaled by the RMS of the whole parameter: the rows of a batch of
            # starts would share one scale.
            elementwise=False,
            lr_family=None,
            style=LineStyle("#006D77", "dot", "octagon"),  # deep teal
            family="memory",
            paper=Paper(
                2018,
                "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
                "https://arxiv.org/abs/1804.04235",
            ),
        ),
        OptimizerSpec(
            "muon",
            "Muon",
            torch.optim.Muon,
            (
                # Newton-Schulz makes the update of a single row (almost) a unit vector: each step
                # moves about lr, whatever the gradient's size.
                _lr(0.02),
                HyperParam("momentum", "momentum", 0.95, 0.0, 0.999),
                HyperParam("nesterov", "Nesterov", True, kind="bool"),
                HyperParam("ns_steps", "Newton-Schulz iterations", 5, 1, 10, kind="int"),
                # torch's default (0.1) suits a network's weights; on a test function it would
                # pull every path towards the origin, away from the minimum.
                _weight_decay(),
            ),
            elementwise=False,  # it orthogonalises the whole matrix: a batch's rows would mix
            holds="row",
            # Its steps never shrink (about 0.7 lr near a minimum too): half the family rate ends
            # 300 steps nearer the minimum on 10 of the 18 functions with one, far nearer on
            # Goldstein-Price (0.14 above f_min instead of 840).
            lr_factor=0.5,
            style=LineStyle("#9467BD", "dash", "cross"),  # lavender
            family="normalised",
            paper=Paper(
                2024,
                "Muon: An optimizer for hidden layers in neural networks",
                "https://kellerjordan.github.io/posts/muon/",
            ),
        ),
    )
)

# How a family's optimizers from pytorch-optimizer are drawn: one colour per family (dark enough
# for the landscape), a dash that cycles within it, and a marker no other optimizer uses. With a
# hundred optimizers colours must repeat; the dash and the marker then tell two apart.
_FAMILY_COLOURS = {
    "sgd": "#B2182B",
    "adaptive": "#2166AC",
    "sign": "#1B7837",
    "normalised": "#762A83",
    "second_order": "#B35806",
    "schedule_free": "#01665E",
    "parameter_free": "#8C510A",
    "memory": "#4D4D4D",
}
_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
# Plotly's markers that take every variant (filled, -dot, -open, -open-dot), then those that take
# only filled and -open.
_SYMBOL_BASES = (
    "circle", "square", "diamond", "cross", "triangle-up", "triangle-down", "triangle-left",
    "triangle-right", "triangle-ne", "triangle-se", "triangle-sw", "triangle-nw", "pentagon",
    "hexagon", "hexagon2", "octagon", "hexagram", "star-triangle-up", "star-triangle-down",
    "star-square", "star-diamond", "diamond-tall", "diamond-wide",
)  # fmt: skip
_UNDOTTED_BASES = (
    "hourglass", "bowtie", "circle-cross", "circle-x", "square-cross", "square-x",
    "diamond-cross", "diamond-x",
)  # fmt: skip
_RESERVED_SYMBOLS = frozenset({"x", "star", "circle-open"})  # the map's own marks


def _free_symbols(taken: set[str]) -> list[str]:
    """Plotly markers no torch.optim optimizer and no map mark uses: filled ones first, then
    the dotted and the open variants."""
    variants = [
        *(f"{base}{suffix}" for suffix in ("", "-dot") for base in _SYMBOL_BASES),
        *_UNDOTTED_BASES,
        *(f"{base}{suffix}" for suffix in ("-open", "-open-dot") for base in _SYMBOL_BASES),
        *(f"{base}-open" for base in _UNDOTTED_BASES),
    ]
    return [v for v in variants if v not in taken and v not in _RESERVED_SYMBOLS]


def _zoo_spec(record: ZooRecord, index_in_family: int, symbol: str) -> OptimizerSpec:
    """A pytorch-optimizer optimizer as the playground offers it: its learning rate is the one
    control; every other hyper-parameter stays at the package's default."""
    return OptimizerSpec(
        record.id,
        record.class_name,
        record.class_name,
        # A rate that follows no function (parameter-free) is tuned as the package's rate itself.
        (_lr(record.lr if record.lr_family else float(f"{record.lr * record.lr_factor:.6g}")),),
        elementwise=record.elementwise,
        eval_point=record.eval_point,
        second_order=record.second_order,
        lr_family=record.lr_family,
        lr_factor=record.lr_factor if record.lr_family else 1.0,
        style=LineStyle(
            _FAMILY_COLOURS[record.family], _DASHES[index_in_family % len(_DASHES)], symbol
        ),
        family=record.family,
        paper=record.paper,
    )


def _zoo_specs() -> tuple[OptimizerSpec, ...]:
    records = zoo_records()
    symbols = _free_symbols({spec.style.symbol for spec in TORCH_OPTIMIZERS.values()})
    if len(symbols) < len(records):  # an edit of zoo.toml: add marker bases above
        raise ZooFileError(f"{len(records)} records, only {len(symbols)} free Plotly markers")
    in_family: Counter[str] = Counter()
    specs = []
    for record, symbol in zip(records, symbols, strict=False):  # the first len(records) markers
        specs.append(_zoo_spec(record, in_family[record.family], symbol))
        in_family[record.family] += 1
    return tuple(specs)


# Every optimizer the playground offers: torch.optim's, then pytorch-optimizer's, each family's
# in the order of zoo.toml. The picker groups them by family (FAMILIES' order).
OPTIMIZERS: Mapping[str, OptimizerSpec] = registry((*TORCH_OPTIMIZERS.values(), *_zoo_specs()))

# The picker's order: torch.optim's (the classics first, as above), then pytorch-optimizer's by
# family (FAMILIES' order) and name.
PICKER_ORDER: tuple[str, ...] = (
    *TORCH_OPTIMIZERS,
    *sorted(
        (i for i, spec in OPTIMIZERS.items() if not spec.from_torch),
        key=lambda i: (FAMILIES.index(OPTIMIZERS[i].family), OPTIMIZERS[i].name.lower()),
    ),
)
