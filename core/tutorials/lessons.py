"""Lessons: predict-then-reveal presets, each a Playground link.

A lesson is data: the link parameters of its scene (the Playground's URL fields, so the link
reproduces the run exactly), how many answers its question offers, and which one is right. Its
words live in core.text.i18n under lesson_<id>_*. `facts` measures the runs of its link (the
Playground's own race, core.playground.link_race) into a typed record (core.tutorials.
lesson_facts); `judge` reads the right answer off that record, and `reveal_text` fills the
reveal's template from it, so a test keeps every stated answer and number honest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from core.playground.link_race import link_race
from core.problems.registry import registry
from core.text.i18n import text
from core.tutorials import lesson_facts as lf


@dataclass(frozen=True, slots=True)
class Lesson:
    """One preset: `params` are Playground link parameters; choice `answer` of `choices` is
    right; `facts(objective, runs by optimizer id)` is what the reveal states (a fair race's
    also takes its `tuning`, core.batched.fair), and `judge(facts)` says which choice the real
    runs support."""

    id: str
    params: Mapping[str, str]
    choices: int
    answer: int
    facts: Callable[[Any, lf.Runs], Any]
    judge: Callable[[Any], int]


def _link(*parts: str) -> Mapping[str, str]:
    """Link parameters written as the link's query, unencoded ("fn=quadratic&opts=sgd"), in one
    or more parts; a value keeps every character after its first "=" (a formula's + and ^)."""
    pairs = (item.split("=", 1) for part in parts for item in part.split("&"))
    return MappingProxyType(dict(pairs))


def _arrivals(facts: lf.PerCoordinateFacts) -> int:
    """0 SGD only, 1 RMSprop only, 2 both at the minimum; -1 neither (no choice offered)."""
    return {("sgd",): 0, ("rmsprop",): 1}.get(
        facts.at_minimum, 2 if set(facts.at_minimum) == {"sgd", "rmsprop"} else -1
    )


def _everyone(facts: lf.LocalMinimaFacts) -> int:
    """0 all of them, 1 some, 2 none at the global minimum."""
    return 2 if facts.arrivals == 0 else 0 if facts.arrivals == facts.count else 1


LESSONS: Mapping[str, Lesson] = registry(
    (
        Lesson(
            "lr_limit",
            _link("fn=quadratic&opts=sgd&hp_sgd_lr=0.021&steps=100&hide=optimizers,function"),
            choices=3,
            answer=2,
            facts=lf.lr_limit_facts,
            judge=lambda f: 2 if f.diverges else 1 if f.zigzags else 0,
        ),
        Lesson(
            "ravine",
            _link(
                "fn=quadratic&opts=sgd,momentum&hp_sgd_lr=0.015&hp_momentum_lr=0.015",
                "steps=150",
            ),
            choices=3,
            answer=1,
            facts=lf.ravine_facts,
            judge=lambda f: 2 if f.loss_ratio < 10 else ("sgd", "momentum").index(f.winner),
        ),
        Lesson(
            "adam_rosenbrock",
            _link("fn=rosenbrock&opts=sgd,adam&hp_sgd_lr=0.0015&hp_adam_lr=0.05&steps=300"),
            choices=2,
            answer=1,
            facts=lf.adam_rosenbrock_facts,
            judge=lambda f: ("sgd", "adam").index(f.nearer),
        ),
        Lesson(
            "saddle",
            _link(
                "fn=saddle&opts=sgd,adam&hp_sgd_lr=0.05&hp_adam_lr=0.05&start_x=-1.8",
                "start_y=0.001&steps=100",
            ),
            choices=3,
            answer=1,
            facts=lf.saddle_facts,
            judge=lambda f: ("sgd", "adam", "").index(f.first),
        ),
        Lesson(
            "which_basin",
            _link(
                "fn=himmelblau&opts=sgd&hp_sgd_lr=0.01&start_x=-0.5&start_y=0.0&steps=300",
                "hide=start",
            ),
            choices=4,
            answer=1,
            facts=lf.which_basin_facts,
            judge=lambda f: f.basin,
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
            facts=lf.per_coordinate_facts,
            judge=_arrivals,
        ),
        Lesson(
            "local_minima",
            _link(
                "fn=rastrigin&opts=sgd,momentum,adam&hp_sgd_lr=0.002&hp_momentum_lr=0.002",
                "hp_adam_lr=0.1&start_x=2.2&start_y=3.6&steps=300",
            ),
            choices=3,
            answer=2,
            facts=lf.local_minima_facts,
            judge=_everyone,
        ),
        Lesson(
            "fair_race",
            _link("fn=quadratic&opts=sgd,momentum,adam&fair=true&steps=150"),
            choices=3,
            answer=0,
            facts=lf.fair_race_facts,
            judge=lambda f: ("sgd", "momentum", "adam").index(f.narrowest),
        ),
    )
)


@cache
def facts_of(lesson_id: str) -> Any:
    """The facts of a lesson, from the runs of its link (computed once per process: a link's
    runs on the CPU, without noise, are always the same)."""
    lesson = LESSONS[lesson_id]
    race = link_race(lesson.params)
    extra = {} if race.tuning is None else {"tuning": race.tuning}
    return lesson.facts(race.objective, race.runs, **extra)


def reveal_text(lesson_id: str, lang: str) -> str:
    """A lesson's reveal in `lang`, its numbers and directions filled in from its facts."""
    return text(f"lesson_{lesson_id}_reveal", lang, **lf.words(facts_of(lesson_id), lang))
