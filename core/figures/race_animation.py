"""The race's animation: one frame per shown step (each path so far, its heads, the end-of-run
labels) and the player (buttons and slider) that plays them.

Frames only touch scatter traces, listed by index, and are plain dicts sent as they are
(core.figures.plain_frames). Their size is bounded: at most MAX_FRAMES frames, and about
POINT_BUDGET path vertices summed over all frames and paths (core.figures.paths thins each path).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.figures.figure_text import short, text_px
from core.figures.path_view import LOG_FLOOR, LossScale, LossSeries, PathView, f32, shown_loss
from core.figures.paths import prefix, simplify, spread
from core.figures.race_layout import RaceLayout
from core.figures.race_panels import Panel
from core.problems.objectives import Objective
from core.text.i18n import text

MAX_FRAMES = 120
POINT_BUDGET = 60_000  # path vertices summed over all frames and paths: bounds the payload
LABEL_FONT = 11  # end-of-run labels; their width sets the right margin
BUTTON_FONT = 13


@dataclass(frozen=True, slots=True)
class Columns:
    """One run's columns as numpy arrays, read once per figure: the frames look up a few values
    per step, and each pandas lookup costs more than the frame's own work."""

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    shown: np.ndarray  # the loss panel's value of every row (shown_loss)
    in_box: np.ndarray

    @classmethod
    def of(cls, view: PathView, series: LossSeries) -> Columns:
        frame = view.frame
        columns = (frame[c].to_numpy() for c in ("t", "x", "y", "loss", "grad_norm"))
        return cls(*columns, shown=shown_loss(series), in_box=np.asarray(series.in_box))

    def path_xy(self, keep: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
        """The path's kept vertices up to `step`."""
        if len(self.t) == 0:
            return np.empty(0), np.empty(0)
        rows = prefix(keep, self.t, step)
        return self.x[rows], self.y[rows]

    def row_at(self, step: int) -> int | None:
        """Index of the iterate shown at animation step `step` (the last one once a run ended),
        or None for a run without any iterate."""
        return None if len(self.t) == 0 else min(step, len(self.t) - 1)


def _heads(run: Columns, keep: np.ndarray, step: int) -> list[dict]:
    """Frame data of one run at `step`: its path so far, its head, its loss and gradient heads."""
    i = run.row_at(step)
    px, py = run.path_xy(keep, step)
    if i is None:
        # One blank point, not none: Plotly leaves a trace without points out of the legend.
        blank = {"type": "scatter", "x": [None], "y": [None]}
        return [blank, blank, blank, blank]
    loss = run.shown[i]
    grad = max(float(run.grad_norm[i]), LOG_FLOOR)
    t = [float(run.t[i])]
    return [
        {"type": "scatter", "x": f32(px), "y": f32(py)},
        {"type": "scatter", "x": f32(px[-1:]), "y": f32(py[-1:])},
        {"type": "scatter", "x": f32(t), "y": f32([loss])},
        {"type": "scatter", "x": f32(t), "y": f32([grad])},
    ]


def end_labels(
    runs: Sequence[Columns], panel: Panel, step: int, lang: str
) -> tuple[np.ndarray, list[str]]:
    """End-of-run labels at `step`: each run's loss, marked when the point is outside the box,
    at heights (axis units) spread so that no two labels print over each other."""
    low, high = panel.loss_range
    heights, words = [], []
    for run in runs:
        i = run.row_at(step)
        if i is None:
            heights.append(np.nan)
            words.append("")
            continue
        value = run.shown[i]
        heights.append(float(panel.scale.axis_units(value)) if np.isfinite(value) else low)
        word = " " + _loss_word(panel.scale, float(run.loss[i]))
        words.append(word if run.in_box[i] else f"{word} {text('outside_box_short', lang)}")
    return panel.scale.from_units(spread(np.array(heights), panel.label_gap, low, high)), words


def _loss_word(scale: LossScale, loss: float) -> str:
    """The loss as an end label shows it: "≈ f_min" within float32's resolution of f_min, where
    more digits would be rounding noise."""
    if scale.f_min is not None and abs(loss - scale.f_min) <= scale.floor:
        return "≈" + short(scale.f_min)
    return short(loss)


def end_label_trace(views: Sequence[PathView], panel: Panel) -> go.Scatter:
    """The end-of-run labels, right of the loss panel (in the margin: cliponaxis off)."""
    return go.Scatter(
        x=[panel.x_end] * len(views),
        y=[None] * len(views),
        text=[""] * len(views),
        mode="text",
        textposition="middle right",
        textfont={"color": [v.colour for v in views], "size": LABEL_FONT},
        cliponaxis=False,
        xaxis="x2",
        yaxis="y2",
        hoverinfo="skip",
        showlegend=False,
    )


def race_frames(
    objective: Objective,
    columns: Sequence[Columns],
    panel: Panel,
    steps: Sequence[int],
    animated: Sequence[int],
    lang: str,
) -> tuple[list[dict], float]:
    """One frame per shown step (paths so far, heads, end labels), and the widest label in
    pixels (the right margin must hold it)."""
    (x0, x1), (y0, y1) = objective.box
    cap = _cap(len(columns), steps)
    keeps = [simplify(c.x, c.y, (x1 - x0, y1 - y0), cap) for c in columns]
    frames, widest = [], 0.0
    for step in steps:
        data = [d for c, k in zip(columns, keeps, strict=True) for d in _heads(c, k, step)]
        heights, words = end_labels(columns, panel, step, lang)
        widest = max([widest, *(text_px(w, LABEL_FONT) for w in words)])
        data.append({"type": "scatter", "y": f32(heights), "text": words})
        # Plain dicts, sent as they are (core.figures.plain_frames).
        frames.append({"data": data, "traces": list(animated), "name": str(step)})
    return frames, widest


def _cap(runs: int, steps: Sequence[int]) -> int:
    """Vertices each path may keep per frame so that all frames stay within POINT_BUDGET."""
    return max(50, 2 * POINT_BUDGET // max(1, runs * len(steps)))


def player(
    steps: Sequence[int], layout: RaceLayout, margin_right: float, frame_ms: int, lang: str
) -> dict:
    """Play, Pause and Resume, and a slider whose "Step N" label never sits under them: the
    slider starts right of the buttons even on the narrowest chart the layout serves (wide), or
    has a row of its own (stacked)."""
    words = [text(key, lang) for key in ("play", "pause", "resume")]
    buttons_px = sum(text_px(w, BUTTON_FONT) + 26 for w in words) + 16
    plot_px = layout.min_width - layout.margin_left - margin_right
    slider_x = min(0.6, buttons_px / plot_px) if layout.slider_beside else 0.0
    play = {
        "frame": {"duration": frame_ms, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
        "fromcurrent": True,
    }
    still = {**play, "frame": {"duration": 0, "redraw": False}}
    prefix, suffix = text("step_of", lang).split("{step}")  # "Step 300", "第 300 步"
    buttons = {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "y": 0.0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": layout.player_gap, "r": 6},
        "font": {"size": BUTTON_FONT},
        "buttons": [
            {
                "label": words[0],
                "method": "animate",
                "args": [[str(s) for s in steps], {**play, "fromcurrent": False}],
            },
            {"label": words[1], "method": "animate", "args": [[None], still]},
            {"label": words[2], "method": "animate", "args": [None, play]},
        ],
    }
    slider = {
        "active": len(steps) - 1,
        "x": slider_x,
        "len": 1.0 - slider_x,
        "y": 0.0,
        "yanchor": "top",
        "pad": {"t": layout.slider_gap, "b": 0},
        "currentvalue": {
            "prefix": prefix,
            "suffix": suffix,
            "font": {"size": 15, "color": "#1A1A1A"},
            "offset": 6,
        },
        # ~120 tick labels would overlap: hide them, the current value says the step.
        "font": {"color": "rgba(0,0,0,0)", "size": 1},
        "ticklen": 0,
        "tickcolor": "rgba(0,0,0,0)",
        "steps": [{"label": str(s), "method": "animate", "args": [[str(s)], still]} for s in steps],
    }
    return {"updatemenus": [buttons], "sliders": [slider]}
