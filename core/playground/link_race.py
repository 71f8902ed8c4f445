"""A Playground race from plain settings, without the page: the rules by which the sidebar turns
its settings into a RaceKey, and the runs of a key. The sidebar feeds them its widgets' values;
`link_race_key` feeds them a link's, so a lesson (or a test) gets the race its link shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.batched.fair import Tuning, tune
from core.optim.fields import hyper_key
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import Schedule
from core.playground.settings import (
    DEFAULTS,
    MAX_NOISE,
    RaceEntry,
    RaceKey,
    Scene,
    Settings,
    fields,
    objective_of,
    scene_of,
)
from core.problems.objectives import Box, Objective, Point
from core.runs.engine import MAX_STEPS, Run, available_devices
from core.runs.progress import ProgressFn
from core.runs.race import run_race
from core.settings.linkstate import decode


class LinkError(ValueError):
    """A link with a value its field refuses (the Playground would ignore it, with a notice)."""


def schedule_of(optimizer_id: str, values: Mapping[str, Any]) -> Schedule | None:
    """The schedule settings give one optimizer (None: a constant rate)."""
    kind = values.get(f"sched_{optimizer_id}", "none")
    if kind == "none":
        return None
    gamma, size = values.get(f"gamma_{optimizer_id}", 0.5), values.get(f"size_{optimizer_id}", 100)
    return Schedule(kind, float(gamma), int(size))


def in_box(box: Box, point: tuple[Any, Any]) -> bool:
    """Is `point` a pair of numbers inside `box`? (A start elsewhere gives way to another.)"""
    (x0, x1), (y0, y1) = box
    x, y = point
    numbers = all(isinstance(v, (int, float)) for v in point)
    return numbers and x0 <= x <= x1 and y0 <= y <= y1


def race_key(scene: Scene, settings: Settings, start: Point, values: Mapping[str, Any]) -> RaceKey:
    """The race of these settings. Enforced here too, not only by the widgets: links and
    session values reach this point."""
    devices = available_devices()
    return RaceKey(
        scene=scene,
        settings=settings,
        start=start,
        steps=min(max(int(values["steps"]), 1), MAX_STEPS),
        device=values["device"] if values["device"] in devices else "cpu",
        noise=min(max(float(values["noise"]), 0.0), MAX_NOISE),
        noise_seed=min(max(int(values["noise_seed"]), 0), 2**31 - 1),
        project=bool(values["project"]),
        fair=bool(values.get("fair", False)),
    )


def link_race_key(params: Mapping[str, str]) -> RaceKey:
    """The race a Playground link shows: its values over the defaults, each optimizer's
    hyper-parameters over the function's defaults for it. LinkError for a refused value."""
    decoded, refused = decode(fields(), params)
    if refused:
        raise LinkError(", ".join(key for key, _ in refused))
    values = DEFAULTS | decoded
    scene = scene_of(values)
    objective = objective_of(scene)
    settings = []
    for optimizer_id in values["opts"]:
        spec = OPTIMIZERS[optimizer_id]
        defaults = spec.defaults_for(objective)
        hyper = tuple(
            (p.name, values.get(hyper_key(spec.id, p.name), defaults[p.name])) for p in spec.hyper
        )
        settings.append(RaceEntry(spec.id, hyper, schedule_of(spec.id, values)))
    start = (values.get("start_x", objective.start[0]), values.get("start_y", objective.start[1]))
    if not in_box(objective.box, start):
        start = objective.start
    return race_key(scene, tuple(settings), (float(start[0]), float(start[1])), values)


def key_tuning(key: RaceKey, on_progress: ProgressFn | None = None) -> Tuning:
    """A fair race's tuning (core.batched.fair): every entry's rate, tuned from the race's start
    for its steps."""
    objective = objective_of(key.scene)
    return tune(objective, key.settings, key.start, key.steps, on_progress=on_progress)


def tuned_race_key(key: RaceKey, tuning: Tuning) -> RaceKey:
    """The race a fair key runs once tuned: its entries at their tuned rates, an ordinary race
    that remembers the tuning's work (the request's budget covers both)."""
    return replace(key, settings=tuning.entries, fair=False, before=tuple(key.loops_before))


def raced_key(key: RaceKey) -> tuple[Tuning | None, RaceKey]:
    """A fair race's tuning (None for a plain race) and the key that is then raced."""
    if not key.fair:
        return None, key
    tuning = key_tuning(key)
    return tuning, tuned_race_key(key, tuning)


def race_runs(key: RaceKey, on_progress: ProgressFn | None = None) -> list[Run]:
    """The runs of a race, one per entry, in the key's order (a fair key: tune it first)."""
    _, key = raced_key(key)
    return run_race(
        objective_of(key.scene),
        key.settings,
        key.start,
        key.steps,
        device=key.device,
        noise=key.noise,
        seed=key.noise_seed,
        project=key.project,
        on_progress=on_progress,
        before=key.before,
    )


@dataclass(frozen=True, slots=True)
class LinkRace:
    """What a Playground link races: its function, its runs by optimizer id, and a fair race's
    tuning (None for a plain one)."""

    objective: Objective
    runs: dict[str, Run]
    tuning: Tuning | None


def link_race(params: Mapping[str, str]) -> LinkRace:
    """The race a Playground link shows, tuned first (once) if the link asks for a fair race."""
    key = link_race_key(params)
    tuning, raced = raced_key(key)
    runs = {e.optimizer: r for e, r in zip(raced.settings, race_runs(raced), strict=True)}
    return LinkRace(objective_of(key.scene), runs, tuning)


def link_runs(params: Mapping[str, str]) -> tuple[Objective, dict[str, Run]]:
    """The function a Playground link shows and its runs, by optimizer id."""
    race = link_race(params)
    return race.objective, race.runs
