"""Lessons: predict-then-reveal presets, each a Playground link.

A lesson is data: the link parameters of its scene (the Playground's URL fields, so the link
reproduces the run exactly), how many answers its question offers, and which one is right. Its
words live in core.text.i18n under lesson_<id>_*. `judge` recomputes the right answer from real
runs, so a test keeps every stated answer honest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from core.problems.objectives import OBJECTIVES
from core.problems.registry import registry
from core.runs.engine import Run

Judge = Callable[[Mapping[str, Run]], int]


@dataclass(frozen=True, slots=True)
class Lesson:
    """One preset: `params` are Playground link parameters; choice `answer` of `choices` is
    right; `judge(runs by optimizer id)` says which choice the real runs support."""

    id: str
    params: Mapping[str, str]
    choices: int
    answer: int
    judge: Judge


def _link(*parts: str) -> Mapping[str, str]:
    """Link parameters written as the link's query, unencoded ("fn=quadratic&opts=sgd"), in one
    or more parts; a value keeps every character after its first "=" (a formula's + and ^)."""
    pairs = (item.split("=", 1) for part in parts for item in part.split("&"))
    return MappingProxyType(dict(pairs))


def _final_loss(run: Run) -> float:
    return float(run.frame["loss"].iloc[-1])


def _first_escape(run: Run, limit: float = 1.0) -> int:
    """First step with |y| > limit (a large number if it never escapes)."""
    beyond = np.flatnonzero(np.abs(run.frame["y"].to_numpy()) > limit)
    return int(beyond[0]) if beyond.size else 10**9


def _who_arrived(first: Run, second: Run, *, radius: float) -> int:
    """Which run ends within `radius` of the origin: 0 `first` only, 1 `second` only, 2 both,
    -1 neither (no choice offered)."""
    ends = (run.frame[["x", "y"]].iloc[-1] for run in (first, second))
    inside = tuple(float(np.hypot(*end)) <= radius for end in ends)
    return {(True, False): 0, (False, True): 1, (True, True): 2}.get(inside, -1)


def _nearest_himmelblau_minimum(run: Run) -> int:
    last = run.frame[["x", "y"]].iloc[-1].to_numpy()
    minima = np.asarray(OBJECTIVES["himmelblau"].minima)
    return int(np.argmin(np.hypot(*(minima - last).T)))


LESSONS: Mapping[str, Lesson] = registry(
    (
        Lesson(
            "lr_limit",
            _link("fn=quadratic&opts=sgd&hp_sgd_lr=0.021&steps=100&hide=optimizers,function"),
            choices=3,
            answer=2,
            judge=lambda runs: 2 if runs["sgd"].stop.reason != "completed" else 1,
        ),
        Lesson(
            "ravine",
            _link(
                "fn=quadratic&opts=sgd,momentum&hp_sgd_lr=0.015&hp_momentum_lr=0.015",
                "steps=150",
            ),
            choices=3,
            answer=1,
            judge=lambda runs: (
                1 if _final_loss(runs["momentum"]) < _final_loss(runs["sgd"]) / 100 else 0
            ),
        ),
        Lesson(
            "adam_rosenbrock",
            _link("fn=rosenbrock&opts=sgd,adam&hp_sgd_lr=0.0015&hp_adam_lr=0.05&steps=300"),
            choices=2,
            answer=1,
            judge=lambda runs: 1 if _final_loss(runs["adam"]) < _final_loss(runs["sgd"]) else 0,
        ),
        Lesson(
            "saddle",
            _link(
                "fn=saddle&opts=sgd,adam&hp_sgd_lr=0.05&hp_adam_lr=0.05&start_x=-1.8",
                "start_y=0.001&steps=100",
            ),
            choices=3,
            answer=1,
            judge=lambda runs: 1 if _first_escape(runs["adam"]) < _first_escape(runs["sgd"]) else 0,
        ),
        Lesson(
            "which_basin",
            _link(
                "fn=himmelblau&opts=sgd&hp_sgd_lr=0.01&start_x=-0.5&start_y=0.0&steps=300",
                "hide=start",
            ),
            choices=4,
            answer=1,
            judge=lambda runs: _nearest_himmelblau_minimum(runs["sgd"]),
        ),
        Lesson(
            "per_coordinate",
            _link(
                "fn=custom&formula=x^2 + 100*y^2&box_x0=-3.0&box_x1=3.0&box_y0=-3.0",
                "box_y1=3.0&opts=sgd,rmsprop&hp_sgd_lr=0.009&hp_rmsprop_lr=0.05&start_x=-2.5",
                "start_y=1.0&steps=100",
            ),
            choices=3,
            answer=1,
            judge=lambda runs: _who_arrived(runs["sgd"], runs["rmsprop"], radius=0.01),
        ),
        Lesson(
            "local_minima",
            _link(
                "fn=rastrigin&opts=sgd,momentum,adam&hp_sgd_lr=0.002&hp_momentum_lr=0.002",
                "hp_adam_lr=0.1&start_x=2.2&start_y=3.6&steps=300",
            ),
            choices=3,
            answer=2,
            judge=lambda runs: 2 if min(_final_loss(r) for r in runs.values()) > 1.0 else 0,
        ),
    )
)
