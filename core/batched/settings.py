"""The Batched views page's settings as data: defaults, the stops of its sliders, its URL fields
and the sanitizing of session values, so that the page only wires widgets to them.

Session keys are `bv_<name>`; hyper-parameters live under `hp_bv_<optimizer>_<name>`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import replace
from typing import Any

import numpy as np

from core.batched.outcomes import MAX_GRID, MAX_MAP_SIDE, MAX_RATES
from core.batched.sweeps import MOMENTUM_OPTIMIZERS, not_sweepable_reason
from core.formulas.custom import MAX_COORDINATE
from core.optim.fields import hyper_fields, hyper_key
from core.optim.optimizers import OPTIMIZERS, OptimizerSpec
from core.problems.objectives import OBJECTIVES, Objective
from core.runs.engine import MAX_STEPS, available_devices
from core.settings.ladders import log_options
from core.settings.linkstate import Field

Hyper = tuple[tuple[str, Any], ...]  # an optimizer's hyper-parameters as plain pairs

PREFIX = "bv"  # session keys of this page; hyper-parameters live under hp_bv_<optimizer>_<name>
DEFAULT_FUNCTION = "himmelblau"
DEFAULT_OPTIMIZER = "sgd"
DEFAULT_STEPS = 200
GRIDS = (20, 40, 60, 80, 100, 120, 160, MAX_GRID)
DEFAULT_GRID = 80
TOLERANCES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # percent of the box diagonal
DEFAULT_TOLERANCE = 1.0
RATE_COUNTS = (50, 60, 80, 100, 150, MAX_RATES)
DEFAULT_RATES = 60
DEFAULT_SWEEP = ["sgd", "momentum", "adam"]
DEFAULT_SWEEP_RANGE = (1e-4, 1.0)
MAP_SIDES = (12, 24, 36, 48, MAX_MAP_SIDE)
DEFAULT_MAP_SIDE = 24
DEFAULT_MAP_FUNCTION = "quadratic"
MAX_MOMENTUM = 0.99
LR_OPTIONS = log_options(1e-6, 100.0)
TABS = ("basins", "sweep", "momentum")
VIEWS = ("minimum", "loss", "steps")  # how a basin map is coloured
METRICS = ("loss", "steps")  # what a sweep plots


def key(name: str) -> str:
    """The session key (and URL parameter) of one of the page's settings."""
    return f"{PREFIX}_{name}"


def bv_spec(optimizer_id: str) -> OptimizerSpec:
    """The optimizer under this page's session keys: hp_bv_<optimizer>_<name>."""
    return replace(OPTIMIZERS[optimizer_id], id=key(optimizer_id))


def sweepable_optimizers() -> list[str]:
    """The optimizers a sweep can batch (elementwise ones)."""
    return [i for i, spec in OPTIMIZERS.items() if not not_sweepable_reason(spec)]


def views_of(objective: Objective) -> tuple[str, ...]:
    """The basin map's colourings for `objective`: by minimum only where it has known minima."""
    return VIEWS if objective.minima else VIEWS[1:]


def momentum_axis(optimizer: str, side: int) -> np.ndarray:
    """The momentum map's momenta: `side` values up to MAX_MOMENTUM, from 0 (from above 0 for
    Nesterov, which torch refuses at 0)."""
    if optimizer == "nesterov":
        return np.linspace(MAX_MOMENTUM / side, MAX_MOMENTUM, side)
    return np.linspace(0.0, MAX_MOMENTUM, side)


def lr_range_default(objective: Objective) -> tuple[float, float]:
    """A rate range around the function's gradient-descent rate: /100 to x5, on the 1-2-5 ladder."""
    low = max(v for v in LR_OPTIONS if v <= max(objective.lr_gradient / 100, LR_OPTIONS[0]))
    high = min(v for v in LR_OPTIONS if v >= min(objective.lr_gradient * 5, LR_OPTIONS[-1]))
    return low, high


def link_fields() -> list[Field]:
    """Every setting of the page as a URL field, with the ranges its widgets enforce."""
    rates = tuple(LR_OPTIONS)
    return [
        Field(key("tab"), "choice", choices=TABS),
        Field(key("fn"), "choice", choices=tuple(OBJECTIVES)),
        Field(key("opt"), "choice", choices=tuple(OPTIMIZERS)),
        *(f for spec in OPTIMIZERS.values() for f in hyper_fields(bv_spec(spec.id))),
        Field(key("steps"), "int", 1, MAX_STEPS),
        Field(key("grid"), "int", allowed=GRIDS),
        Field(key("tol"), "float", allowed=TOLERANCES),
        Field(key("view"), "choice", choices=VIEWS),
        Field(key("device"), "choice", choices=tuple(available_devices())),
        Field(key("sweep_opts"), "choices", choices=tuple(sweepable_optimizers())),
        Field(key("metric"), "choice", choices=METRICS),
        Field(key("lr_range"), "pair", allowed=rates),
        Field(key("rates"), "int", allowed=RATE_COUNTS),
        Field(key("x"), "float", -MAX_COORDINATE, MAX_COORDINATE),
        Field(key("y"), "float", -MAX_COORDINATE, MAX_COORDINATE),
        Field(key("mm_fn"), "choice", choices=tuple(OBJECTIVES)),
        Field(key("mm_opt"), "choice", choices=MOMENTUM_OPTIMIZERS),
        Field(key("mm_side"), "int", allowed=MAP_SIDES),
        Field(key("mm_range"), "pair", allowed=rates),
    ]


def link_defaults(function: str, map_function: str) -> dict[str, Any]:
    """What a link may leave out: each setting's default, for the basin map's and the momentum
    map's functions."""
    objective = OBJECTIVES[function]
    out: dict[str, Any] = {
        key("tab"): TABS[0],
        key("fn"): DEFAULT_FUNCTION,
        key("opt"): DEFAULT_OPTIMIZER,
        key("steps"): DEFAULT_STEPS,
        key("grid"): DEFAULT_GRID,
        key("tol"): DEFAULT_TOLERANCE,
        key("view"): views_of(objective)[0],
        key("device"): "cpu",
        key("sweep_opts"): DEFAULT_SWEEP,
        key("metric"): "loss",
        key("lr_range"): DEFAULT_SWEEP_RANGE,
        key("rates"): DEFAULT_RATES,
        key("x"): objective.start[0],
        key("y"): objective.start[1],
        key("mm_fn"): DEFAULT_MAP_FUNCTION,
        key("mm_opt"): "momentum",
        key("mm_side"): DEFAULT_MAP_SIDE,
        key("mm_range"): lr_range_default(OBJECTIVES[map_function]),
    }
    for spec in OPTIMIZERS.values():
        for name, value in spec.defaults_for(objective).items():
            out[hyper_key(key(spec.id), name)] = value
    return out


def reset_refused(state: MutableMapping[str, Any]) -> None:
    """Replace session values that the page's URL fields would refuse (stale, or forged) by
    their defaults, before the widgets read them: the same rule a link's values meet. The open
    tab is kept by the page (as a label of the page's language)."""
    # The two functions and the optimizer are read before any widget: always set, and valid.
    for name, fallback, known in (
        (key("fn"), DEFAULT_FUNCTION, OBJECTIVES),
        (key("mm_fn"), DEFAULT_MAP_FUNCTION, OBJECTIVES),
        (key("opt"), DEFAULT_OPTIMIZER, OPTIMIZERS),
    ):
        if state.get(name) not in known:
            state[name] = fallback
    defaults = link_defaults(state[key("fn")], state[key("mm_fn")])
    for field in link_fields():
        if field.key == key("tab") or field.key not in state:
            continue
        if not field.accepts(state[field.key]):
            del state[field.key]
            # A range slider takes its default through its widget's `value`; the rest are read
            # before their widgets are drawn, so they get theirs now.
            if field.kind != "pair":
                state[field.key] = defaults[field.key]
