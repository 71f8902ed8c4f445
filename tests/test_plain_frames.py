"""The race chart's frames skip plotly.py's validation (core.figures.plain_frames): they must
serialise exactly as validated frames would, and survive being frozen for sharing."""

import numpy as np
import plotly.graph_objects as go
import pytest

from app_pages.shared_figures import freeze
from core.figures.path_view import optimizer_view
from core.figures.race import race_figure
from core.figures.race_layout import STACKED, WIDE
from core.problems.landscape import evaluate
from core.problems.objectives import OBJECTIVES
from core.runs.race import RaceEntry, run_race
from tests.test_figures import frame_of, race_path, values


def race_chart(objective_id: str, steps: int, layout=WIDE, lang="en") -> go.Figure:
    objective = OBJECTIVES[objective_id]
    entries = [RaceEntry.of("sgd", lr=1e-3), RaceEntry.of("adam", lr=0.05)]
    runs = run_race(objective, entries, objective.start, steps)
    views = [optimizer_view(r.optimizer, r.frame) for r in runs]
    # A run without any iterate draws blank heads: the frames' other shape.
    views.append(optimizer_view("rmsprop", frame_of([], [], [], [])))
    return race_figure(
        objective, evaluate(objective), views, objective.start, layout=layout, lang=lang
    )


@pytest.mark.parametrize(
    ("objective_id", "steps", "layout", "lang"),
    [("rosenbrock", 300, WIDE, "en"), ("himmelblau", 7, STACKED, "zh"), ("beale", 1, WIDE, "zh")],
)
def test_plain_frames_serialise_as_validated_frames(objective_id, steps, layout, lang):
    chart = race_chart(objective_id, steps, layout, lang)
    plain = chart.to_dict()
    assert len(plain["frames"]) == min(steps + 1, 120)
    validated = go.Figure(plain).to_dict()  # plotly.py validates data, layout and every frame
    assert validated == plain


def test_a_frozen_chart_keeps_its_frames():
    chart = race_chart("rosenbrock", 40)
    plain = chart.to_dict()
    frames = plain["frames"]
    assert list(chart.frames) == list(chart["frames"]) == frames
    assert freeze(chart).to_dict()["frames"] == frames
    assert [f["name"] for f in frames] == [str(t) for t in range(41)]
    # The last frame's SGD path ends where SGD's run ended (float32, as sent).
    sgd_path = frames[-1]["data"][0]
    end_x = race_path(plain, "SGD")["x"]
    assert values(sgd_path["x"])[-1] == np.float32(values(end_x)[-1])
