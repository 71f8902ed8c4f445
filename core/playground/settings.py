"""The Playground's settings as data: their defaults, their URL fields, and the typed records
the page hands its caches (a Scene, a RaceEntry per optimizer, the RaceKey of a race)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from core.batched.fair import tuning_loops
from core.formulas.custom import MAX_COORDINATE, custom_objective
from core.optim.fields import hyper_fields, hyper_key
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import SCHEDULE_KINDS
from core.problems.objectives import OBJECTIVES, Box, Objective, Point
from core.runs.budget import Loop
from core.runs.engine import MAX_STEPS, available_devices
from core.runs.race import RaceEntry
from core.settings.linkstate import Field

CUSTOM = "custom"
FUNCTIONS = (*OBJECTIVES, CUSTOM)
SPEEDS = {"slow": 150, "normal": 60, "fast": 25}
SCHEDULES = ("none", *SCHEDULE_KINDS)
BOX_KEYS = ("box_x0", "box_x1", "box_y0", "box_y1")
MAX_NOISE = 10.0

# Defaults of every setting that does not depend on the function.
DEFAULTS: dict[str, object] = {
    "fn": "rosenbrock",
    "formula": "sin(x) * cos(y) + 0.1 * (x^2 + y^2)",
    **dict(zip(BOX_KEYS, (-4.0, 4.0, -4.0, 4.0), strict=True)),
    "opts": ["sgd", "momentum", "adam", "rmsprop"],
    "fair": False,
    "steps": 300,
    "device": "cpu",
    "noise": 0.0,
    "noise_seed": 0,
    "project": False,
    "speed": "normal",
}


@dataclass(frozen=True, slots=True)
class Scene:
    """The function a race runs on, as plain values: a registry id, or CUSTOM with the typed
    formula and its box. Caches key on it; objective_of turns it into an Objective."""

    function: str
    formula: str = ""
    box: Box | None = None

    @property
    def custom(self) -> bool:
        return self.function == CUSTOM


# While the typed formula or box is invalid, the sidebar draws every control for the last valid
# scene (kept under this session key), so that no setting is lost; before any, the default one.
LAST_VALID_SCENE = "_playground_last_valid_scene"
FALLBACK_SCENE = Scene(
    CUSTOM,
    str(DEFAULTS["formula"]),
    ((DEFAULTS["box_x0"], DEFAULTS["box_x1"]), (DEFAULTS["box_y0"], DEFAULTS["box_y1"])),
)
Settings = tuple[RaceEntry, ...]


def fields() -> list[Field]:
    """Every Playground setting as a URL field, with its type and server-side range."""
    out = [
        Field("fn", "choice", choices=FUNCTIONS),
        Field("formula", "text", max_length=300),
        *(Field(key, "float", -MAX_COORDINATE, MAX_COORDINATE) for key in BOX_KEYS),
        Field("opts", "choices", choices=tuple(OPTIMIZERS)),
        Field("fair", "bool"),
        Field("start_x", "float", -MAX_COORDINATE, MAX_COORDINATE),
        Field("start_y", "float", -MAX_COORDINATE, MAX_COORDINATE),
        Field("steps", "int", 1, MAX_STEPS),
        Field("device", "choice", choices=tuple(available_devices())),
        Field("noise", "float", 0.0, MAX_NOISE),
        Field("noise_seed", "int", 0, 2**31 - 1),
        Field("project", "bool"),
        Field("speed", "choice", choices=tuple(SPEEDS)),
    ]
    for spec in OPTIMIZERS.values():
        out += hyper_fields(spec)
        out += [
            Field(f"sched_{spec.id}", "choice", choices=SCHEDULES),
            Field(f"gamma_{spec.id}", "float", 0.01, 1.0),
            Field(f"size_{spec.id}", "int", 1, MAX_STEPS),
        ]
    return out


@cache
def field(key: str) -> Field:
    """The URL field of one Playground setting (its type and the range its widget takes)."""
    return next(f for f in fields() if f.key == key)


def link_defaults(objective: Objective) -> dict[str, object]:
    """What a link may leave out: the static defaults plus this function's start and rates."""
    out = dict(DEFAULTS)
    out["start_x"], out["start_y"] = objective.start
    for spec in OPTIMIZERS.values():
        for name, value in spec.defaults_for(objective).items():
            out[hyper_key(spec.id, name)] = value
        out[f"sched_{spec.id}"] = "none"
        out[f"gamma_{spec.id}"], out[f"size_{spec.id}"] = 0.5, 100
    return out


def scene_of(values: Mapping[str, Any]) -> Scene:
    """The scene that settings (session state, or a decoded link over DEFAULTS) describe."""
    if values["fn"] != CUSTOM:
        return Scene(values["fn"])
    box = ((values["box_x0"], values["box_x1"]), (values["box_y0"], values["box_y1"]))
    return Scene(CUSTOM, str(values["formula"]), box)


def objective_of(scene: Scene) -> Objective:
    if scene.custom:
        return custom_objective(scene.formula, scene.box)
    return OBJECTIVES[scene.function]


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a race needs, as plain values: what its runs depend on (the cache key), the
    objective that key's scene makes, and the playback speed."""

    key: RaceKey
    objective: Objective
    frame_ms: int


@dataclass(frozen=True, slots=True)
class RaceKey:
    """Everything the race's runs depend on (and nothing they do not, such as the playback
    speed), passed as it is into the cached functions."""

    scene: Scene
    settings: Settings
    start: Point
    steps: int
    device: str
    noise: float
    noise_seed: int
    project: bool
    fair: bool = False  # tune each entry's rate first (core.batched.fair), then race
    # The loops the same request ran before this race: a fair race's tuning, once its entries
    # are at their tuned rates (core.playground.link_race.tuned_race_key).
    before: tuple[Loop, ...] = ()

    @property
    def loops_before(self) -> list[Loop]:
        """What the request runs before the race: the tuning a fair race will run, or ran."""
        return [*self.before, *(tuning_loops(self.settings, self.steps) if self.fair else ())]
