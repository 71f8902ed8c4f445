"""What each lesson's reveal states, computed from the runs of its link: one typed record each.

A reveal is a template (`lesson_<id>_reveal` in the lessons table) whose placeholders are the
shown fields of its lesson's facts: every step number, count, ratio, sign and direction the
sentence says comes from the runs, so no edit of a lesson can make its prose false unnoticed.
A field says how prose shows it (`shown(kind)`, the kinds of core.text.prose_numbers); a field
without it is a fact the prose states in words (a bool, a winner the judge reads).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.analysis.curvature import convex_quadratic, hessians
from core.batched.fair import FAIR_RATES, Tuning
from core.batched.sweeps import run_groups
from core.figures.path_view import inside_box
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import Objective
from core.runs.engine import Run
from core.runs.summary import arrival_radius
from core.text import prose_numbers

Runs = Mapping[str, Run]
BOUNCE_FRACTION = 0.01  # a bounce across a ravine counts while above 1% of the first one
ESCAPE = 1.0  # the saddle's question: who first has |y| > 1
TAIL = 100  # "over the last 100 steps"

# How prose shows a field: kind -> (value, lang, **options) -> words.
SHOWN: Mapping[str, Callable[..., str]] = {
    "count": lambda value, lang: str(int(value)),
    "number": prose_numbers.number,
    "about": prose_numbers.about,
    "percent": prose_numbers.percent,
    "about_percent": prose_numbers.about_percent,
    "times": prose_numbers.times,
    "point": prose_numbers.point,
    "direction": lambda value, lang: prose_numbers.direction(*value, lang),
    "count_word": prose_numbers.count_word,
    "name": lambda value, lang: OPTIMIZERS[value].name if value else "",
}


def shown(kind: str, **options: Any) -> Any:
    """A field the reveal shows, as `kind` of SHOWN (with its options, e.g. digits=3)."""
    return dataclasses.field(metadata={"shown": (kind, options)})


def words(facts: Any, lang: str) -> dict[str, str]:
    """The shown fields of a facts record, as its reveal's placeholders take them in `lang`."""
    out = {}
    for f in dataclasses.fields(facts):
        if "shown" in f.metadata:
            kind, options = f.metadata["shown"]
            out[f.name] = SHOWN[kind](getattr(facts, f.name), lang, **options)
    return out


# ---- measurements on runs --------------------------------------------------------------------


def path(run: Run) -> np.ndarray:
    return run.frame[["x", "y"]].to_numpy(np.float64)


def final_loss(run: Run) -> float:
    return float(run.frame["loss"].iloc[-1])


def learning_rate(run: Run) -> float:
    return float(run.frame["lr"].iloc[0])


def eigen_directions(objective: Objective) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A convex quadratic's Hessian eigenvalues (ascending) and its gentle and steep directions."""
    quadratic = convex_quadratic(objective)
    if quadratic is None:
        raise ValueError(f"{objective.id} is no convex quadratic")
    lam, vectors = np.linalg.eigh(quadratic.hessian)
    return lam, vectors[:, 0], vectors[:, 1]


def offsets_along(run: Run, direction: np.ndarray) -> np.ndarray:
    """Each iterate's gradient along `direction`: on a quadratic, its offset from the minimum
    along an eigenvector, times that eigenvalue."""
    return run.frame[["grad_x", "grad_y"]].to_numpy(np.float64) @ direction


def factor_per_step(values: np.ndarray) -> float:
    """What each step multiplies `values` by (their median ratio, step to step)."""
    return float(np.median(values[1:] / values[:-1]))


def first_step_outside(run: Run, box: Any) -> int | None:
    """The first iterate outside the plot box, by the figures' own rule (None: it stays in)."""
    xy = path(run)
    out = ~inside_box(box, xy[:, 0], xy[:, 1])
    return int(np.flatnonzero(out)[0]) if out.any() else None


def first_escape(run: Run) -> int | None:
    beyond = np.flatnonzero(np.abs(run.frame["y"].to_numpy()) > ESCAPE)
    return int(beyond[0]) if beyond.size else None


def distance_to(run: Run, point: Any) -> np.ndarray:
    return np.hypot(*(path(run) - np.asarray(point, dtype=np.float64)).T)


def steps_taken(run: Run) -> int:
    return len(run.frame) - 1


# ---- the lessons' facts ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LrLimitFacts:
    diverges: bool  # the run stops before its last step
    zigzags: bool  # the steep offset changes sign at each step
    lr: float = shown("number", digits=3)
    curvature: float = shown("number", digits=0)  # the Hessian's largest eigenvalue
    limit: float = shown("number", digits=3)  # 2 / curvature: the largest stable rate
    factor: float = shown("number", digits=2)  # what a step multiplies the steep offset by
    growth: float = shown("percent", digits=0)  # |factor| - 1
    leaves_plot: int = shown("count")  # first step outside the plotted box
    stopped: int = shown("count")  # the step at which the Playground stops the run


def lr_limit_facts(objective: Objective, runs: Runs) -> LrLimitFacts:
    sgd = runs["sgd"]
    lam, _, steep = eigen_directions(objective)
    factor = factor_per_step(offsets_along(sgd, steep))
    leaves = first_step_outside(sgd, objective.box)
    return LrLimitFacts(
        diverges=sgd.stop.reason != "completed",
        zigzags=factor < 0,
        lr=learning_rate(sgd),
        curvature=float(lam[1]),
        limit=2 / float(lam[1]),
        factor=factor,
        growth=abs(factor) - 1,
        leaves_plot=-1 if leaves is None else leaves,
        stopped=sgd.stop.step,
    )


def last_bounce(run: Run, steep: np.ndarray) -> int:
    """The last step whose offset across the ravine is above BOUNCE_FRACTION of the first."""
    across = np.abs(offsets_along(run, steep))
    return int(np.flatnonzero(across > BOUNCE_FRACTION * across[0])[-1])


@dataclass(frozen=True, slots=True)
class RavineFacts:
    momentum_overshoots: bool  # its offset along the floor changes sign
    momentum_settles: bool  # ... and ends below 0.1% of where it began
    sgd_creeps: bool  # SGD's offset along the floor never changes sign
    winner: str = shown("name")  # the lower final loss
    loss_ratio: float = shown("times")  # the loser's final loss over the winner's
    momentum_bounces: int = shown("about")
    sgd_bounces: int = shown("count")
    steps: int = shown("count")
    sgd_left: float = shown("about_percent")  # SGD's final distance over its first


def ravine_facts(objective: Objective, runs: Runs) -> RavineFacts:
    sgd, momentum = runs["sgd"], runs["momentum"]
    _, gentle, steep = eigen_directions(objective)
    floor = {name: offsets_along(run, gentle) for name, run in runs.items()}
    minimum = objective.minima[0]
    losses = sorted(runs, key=lambda name: final_loss(runs[name]))
    sgd_distance = distance_to(sgd, minimum)
    momentum_distance = distance_to(momentum, minimum)
    return RavineFacts(
        momentum_overshoots=bool(
            np.any(np.sign(floor["momentum"]) != np.sign(floor["momentum"][0]))
        ),
        momentum_settles=bool(momentum_distance[-1] < 1e-3 * momentum_distance[0]),
        sgd_creeps=bool(np.all(np.sign(floor["sgd"]) == np.sign(floor["sgd"][0]))),
        winner=losses[0],
        loss_ratio=final_loss(runs[losses[-1]]) / final_loss(runs[losses[0]]),
        momentum_bounces=last_bounce(momentum, steep),
        sgd_bounces=last_bounce(sgd, steep),
        steps=steps_taken(sgd),
        sgd_left=float(sgd_distance[-1] / sgd_distance[0]),
    )


def median_step(run: Run, tail: int | None = None) -> float:
    lengths = np.linalg.norm(np.diff(path(run), axis=0), axis=1)
    return float(np.median(lengths[-tail:] if tail else lengths))


@dataclass(frozen=True, slots=True)
class AdamRosenbrockFacts:
    neither_arrives: bool  # neither ends within the summary's arrival radius of the minimum
    step_drop: float  # SGD's first step over its median step of the tail: as grad_drop
    nearer: str = shown("name")  # the one that ends nearer the minimum
    adam_loss: float = shown("number", digits=1)
    sgd_loss: float = shown("number", digits=1)
    steps: int = shown("count")
    grad_drop: float = shown("times")  # SGD's first gradient over its median gradient of the tail
    tail: int = shown("count")
    step_ratio: float = shown("times")  # Adam's median step over SGD's, in the tail


def adam_rosenbrock_facts(objective: Objective, runs: Runs) -> AdamRosenbrockFacts:
    sgd, adam = runs["sgd"], runs["adam"]
    minimum = objective.minima[0]
    ends = {name: float(distance_to(run, minimum)[-1]) for name, run in runs.items()}
    grad = sgd.frame["grad_norm"].to_numpy(np.float64)
    first_step = float(np.linalg.norm(path(sgd)[1] - path(sgd)[0]))
    return AdamRosenbrockFacts(
        neither_arrives=min(ends.values()) > arrival_radius(objective),
        step_drop=first_step / median_step(sgd, TAIL),
        nearer=min(ends, key=ends.__getitem__),
        adam_loss=final_loss(adam),
        sgd_loss=final_loss(sgd),
        steps=steps_taken(sgd),
        grad_drop=float(grad[0] / np.median(grad[-TAIL:])),
        tail=TAIL,
        step_ratio=median_step(adam, TAIL) / median_step(sgd, TAIL),
    )


@dataclass(frozen=True, slots=True)
class SaddleFacts:
    first: str = shown("name")  # the first to have |y| > ESCAPE
    first_step: int = shown("count")
    second: str = shown("name")
    second_step: int = shown("count")
    adam_first_y: float = shown("number", digits=3)  # Adam's first step along y
    sgd_lr: float = shown("number", digits=3)
    curvature: float = shown("number", digits=0)  # |d²f/dy²| at the start
    sgd_factor: float = shown("number", digits=2)  # what a step multiplies SGD's y by
    sgd_growth: float = shown("percent", digits=0)


def saddle_facts(objective: Objective, runs: Runs) -> SaddleFacts:
    """The order of escape ("" and -1 for a run that does not escape), and why."""
    sgd, adam = runs["sgd"], runs["adam"]
    escapes = {name: first_escape(run) for name, run in runs.items()}
    order = sorted((step, name) for name, step in escapes.items() if step is not None)
    order += [(-1, "")] * (2 - len(order))
    y = sgd.frame["y"].to_numpy(np.float64)[: escapes["sgd"]]
    factor = factor_per_step(y)
    (h,) = hessians(objective, path(sgd)[:1])
    return SaddleFacts(
        first=order[0][1],
        first_step=order[0][0],
        second=order[1][1],
        second_step=order[1][0],
        adam_first_y=float(path(adam)[1, 1] - path(adam)[0, 1]),
        sgd_lr=learning_rate(sgd),
        curvature=abs(float(h[1, 1])),
        sgd_factor=factor,
        sgd_growth=factor - 1,
    )


@dataclass(frozen=True, slots=True)
class WhichBasinFacts:
    basin: int  # index of the minimum (of the objective's) the run ends nearest
    stays: bool  # no point of the path is nearer to another minimum
    minimum: tuple[float, float] = shown("point")
    gradient: tuple[float, float] = shown("point")  # at the start
    gradient_points: tuple[float, float] = shown("direction")
    descent: tuple[float, float] = shown("point")  # −∇f at the start
    step_points: tuple[float, float] = shown("direction")  # the first step's direction


def which_basin_facts(objective: Objective, runs: Runs) -> WhichBasinFacts:
    sgd = runs["sgd"]
    minima = np.asarray(objective.minima, dtype=np.float64)
    nearest = np.argmin(np.linalg.norm(path(sgd)[:, None] - minima, axis=-1), axis=1)
    gradient = tuple(float(g) for g in sgd.frame[["grad_x", "grad_y"]].iloc[0])
    step = path(sgd)[1] - path(sgd)[0]
    return WhichBasinFacts(
        basin=int(nearest[-1]),
        stays=bool(np.all(nearest == nearest[-1])),
        minimum=tuple(float(v) for v in minima[nearest[-1]]),
        gradient=gradient,
        gradient_points=gradient,
        descent=(-gradient[0], -gradient[1]),
        step_points=(float(step[0]), float(step[1])),
    )


ARRIVAL = 0.01  # the per-coordinate lesson's question: within 0.01 of the minimum


@dataclass(frozen=True, slots=True)
class PerCoordinateFacts:
    at_minimum: tuple[str, ...]  # who ends within ARRIVAL of the minimum
    even_first_step: bool  # RMSprop's first step is as long in x as in y
    sgd_zigzags_y: bool  # SGD's y changes sign at every step
    arrived: str = shown("name")  # the first to stay within ARRIVAL
    arrival_step: int = shown("count")  # from this step on
    first_step: float = shown("number", digits=2)  # RMSprop's first step in x (and y)
    curvature: float = shown("number", digits=0)  # the Hessian's largest eigenvalue (along y)
    limit: float = shown("number", digits=3)  # 2 / curvature
    lr: float = shown("number", digits=3)  # SGD's
    x_shrink: float = shown("percent", digits=1)  # what SGD's x loses per step
    x_end: float = shown("number", digits=2)  # SGD's last x
    steps: int = shown("count")


def arrival_step(run: Run, minimum: Any) -> int | None:
    """The step from which `run` stays within ARRIVAL of `minimum` (None if it ends outside)."""
    near = distance_to(run, minimum) <= ARRIVAL
    if not near[-1]:
        return None
    return int(np.flatnonzero(~near)[-1]) + 1 if not near.all() else 0


def per_coordinate_facts(objective: Objective, runs: Runs) -> PerCoordinateFacts:
    sgd, rmsprop = runs["sgd"], runs["rmsprop"]
    minimum = objective.minima[0]
    lam, gentle, _ = eigen_directions(objective)
    arrivals = {name: arrival_step(run, minimum) for name, run in runs.items()}
    arrived = sorted((step, name) for name, step in arrivals.items() if step is not None)
    first = np.abs(path(rmsprop)[1] - path(rmsprop)[0])
    y = path(sgd)[:, 1]
    return PerCoordinateFacts(
        at_minimum=tuple(name for _, name in arrived),
        even_first_step=bool(np.isclose(first[0], first[1], rtol=1e-4)),
        sgd_zigzags_y=bool(np.all(np.sign(y[1:]) == -np.sign(y[:-1]))),
        arrived=arrived[0][1] if arrived else "",
        arrival_step=arrived[0][0] if arrived else -1,
        first_step=float(first[0]),
        curvature=float(lam[1]),
        limit=2 / float(lam[1]),
        lr=learning_rate(sgd),
        x_shrink=1 - factor_per_step(offsets_along(sgd, gentle)),
        x_end=float(path(sgd)[-1, 0]),
        steps=steps_taken(sgd),
    )


@dataclass(frozen=True, slots=True)
class LocalMinimaFacts:
    arrivals: int  # how many end within the summary's arrival radius of the global minimum
    same_dip: bool  # all end at the same lattice point
    nearest_start: bool  # ... the one nearest their start
    count: int = shown("count_word")  # how many optimizers race
    dip: tuple[float, float] = shown("point", digits=0)  # the lattice point they end at
    loss: float = shown("about")  # their final loss


def local_minima_facts(objective: Objective, runs: Runs) -> LocalMinimaFacts:
    ends = np.array([path(run)[-1] for run in runs.values()])
    dips = {tuple(np.round(end)) for end in ends}
    ends_from_minimum = np.linalg.norm(ends - np.asarray(objective.minima[0]), axis=1)
    return LocalMinimaFacts(
        arrivals=int(np.sum(ends_from_minimum <= arrival_radius(objective))),
        same_dip=len(dips) == 1,
        nearest_start=dips == {tuple(np.round(path(run)[0])) for run in runs.values()},
        count=len(runs),
        dip=tuple(float(v) for v in np.round(ends.mean(axis=0))),
        loss=float(np.mean([final_loss(run) for run in runs.values()])),
    )


@dataclass(frozen=True, slots=True)
class FairRaceFacts:
    all_tuned: bool  # every entry raced at a rate of the grid (none kept its own)
    next_diverges: bool  # SGD one grid rate above its band diverges or leaves the plot
    narrowest: str = shown("name")  # the narrowest band of good rates
    winner: str = shown("name")  # ends nearest the minimum at the tuned rates
    sgd_rate: float = shown("number", digits=4)
    sgd_low: float = shown("number", digits=4)
    sgd_high: float = shown("number", digits=4)
    next_rate: float = shown("number", digits=4)  # the grid rate above SGD's band
    sgd_width: float = shown("number", digits=1)
    momentum_width: float = shown("number", digits=1)
    adam_width: float = shown("number", digits=1)
    limit: float = shown("number", digits=3)  # 2 / the largest eigenvalue of the Hessian
    ratio: float = shown("times")  # the largest eigenvalue over the smallest


def fair_race_facts(objective: Objective, runs: Runs, tuning: Tuning) -> FairRaceFacts:
    bands = {t.entry.optimizer: t for t in tuning.rates}
    lam = eigen_directions(objective)[0]
    minimum = objective.minima[0]
    ends = {name: float(distance_to(run, minimum)[-1]) for name, run in runs.items()}
    sgd = bands["sgd"]
    above = FAIR_RATES[np.searchsorted(FAIR_RATES, sgd.high, side="right")]
    start = tuple(path(runs["sgd"])[0])
    beyond = run_groups(objective, "sgd", start, tuning.steps, [{"lr": float(above)}])
    return FairRaceFacts(
        all_tuned=all(t.tuned for t in tuning.rates),
        next_diverges=bool(beyond.diverged[0]),
        narrowest=min(bands, key=lambda name: bands[name].width),
        winner=min(ends, key=ends.__getitem__),
        sgd_rate=sgd.rate,
        sgd_low=sgd.low,
        sgd_high=sgd.high,
        next_rate=float(above),
        sgd_width=sgd.width,
        momentum_width=bands["momentum"].width,
        adam_width=bands["adam"].width,
        limit=2 / float(lam.max()),
        ratio=float(lam.max() / lam.min()),
    )
