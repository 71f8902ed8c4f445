"""The race's panels and what frames them: the scale the step panels share (Panel), the axes,
the legend above the panels, the mark of float32's resolution on the loss panel, and the note
for a run that drew nothing.

The loss axis range is fixed from every run's values, so that the frames never rescale it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.figures.figure_text import short, text_px, wrap
from core.figures.path_view import LossScale, LossSeries, PathView, shown_loss
from core.figures.race_layout import RaceLayout
from core.problems.objectives import Objective, Point
from core.text.i18n import text


@dataclass(frozen=True, slots=True)
class Panel:
    """What the step panels share: the loss scale, its fixed range and the step axis end."""

    scale: LossScale
    loss_range: tuple[float, float]  # axis units
    x_end: float
    label_gap: float  # axis units between two end-of-run labels


def fixed_loss_range(scale: LossScale, series: Sequence[LossSeries]) -> tuple[float, float]:
    """The loss axis range in axis units: fixed, so that the frames never rescale it."""
    values = np.concatenate([np.r_[s.inside, s.outside] for s in series] or [np.empty(0)])
    values = values[np.isfinite(values)]
    if values.size == 0:
        low = math.log10(scale.floor) if scale.log else 0.0
        return low, low + 3.0
    units = scale.axis_units(values)
    low, high = float(units.min()), float(units.max())
    span = high - low or (1.0 if scale.log else max(abs(high) * 0.1, 1.0))
    return low - 0.06 * span, high + 0.06 * span


def legend_layout(names: Sequence[str], layout: RaceLayout) -> tuple[dict, int]:
    """A legend above the panels, in the top margin: however many rows it wraps into, it pushes
    the panels down instead of printing over them. Also about how many rows it takes."""
    entries = [text_px(name, 12) + 48 for name in names]  # Plotly adds ~40 px for the symbol
    rows, used = 1, 0.0
    for entry in entries:
        if used and used + entry > layout.nominal_width - layout.margin_left:
            rows, used = rows + 1, 0.0
        used += entry
    legend = {
        "orientation": "h",
        "x": 0.0,
        "xanchor": "left",
        "y": 1.02,  # clear of the top tick label of the loss panel
        "yanchor": "bottom",
        "itemsizing": "constant",
        "bgcolor": "rgba(0,0,0,0)",
        "font": {"size": 12},
    }
    return legend, rows


def panel_axes(objective: Objective, layout: RaceLayout, panel: Panel, lang: str) -> dict:
    """The map's axes (the box), and the step panels' (loss above gradient norm, one step axis)."""
    (x0, x1), (y0, y1) = objective.box

    def title(words: str) -> dict:
        return {"text": words, "standoff": 4}

    plain = {"showgrid": False, "zeroline": False}
    steps = {"range": [0, panel.x_end], "gridcolor": "#EEEEEE", "zeroline": False}
    log = {"type": "log", "exponentformat": "power", "gridcolor": "#EEEEEE"}
    loss = log if panel.scale.log else {"gridcolor": "#EEEEEE"}
    loss_title = "axis_gap" if panel.scale.log else "axis_loss"
    return {
        "xaxis": {**plain, "domain": layout.map_x, "range": [x0, x1], "title": title("x")},
        "yaxis": {**plain, "domain": layout.map_y, "range": [y0, y1], "title": title("y")},
        "xaxis2": {
            **steps,
            "domain": layout.loss_x,
            "anchor": "y2",
            "matches": "x3",
            "showticklabels": False,
        },
        "yaxis2": {
            **loss,
            "domain": layout.loss_y,
            "anchor": "x2",
            "range": list(panel.loss_range),
            "title": title(text(loss_title, lang)),
        },
        "xaxis3": {
            **steps,
            "domain": layout.grad_x,
            "anchor": "y3",
            "title": title(text("axis_step", lang)),
        },
        "yaxis3": {
            **log,
            "domain": layout.grad_y,
            "anchor": "x3",
            "title": title(text("axis_grad", lang)),
        },
    }


def floor_marks(
    panel: Panel, series: Sequence[LossSeries], lang: str
) -> tuple[list[go.Scatter], list[dict]]:
    """A dotted line at float32's resolution when some run reaches it, with what it means."""
    floor = panel.scale.floor
    if not panel.scale.log or not any(np.any(shown_loss(s) <= floor) for s in series):
        return [], []
    tip = text("fig_floor_tip", lang, value=short(floor))
    line = go.Scatter(
        x=[0, panel.x_end],
        y=[floor, floor],
        mode="lines",
        line={"color": "#777777", "width": 1, "dash": "dot"},
        hovertemplate=tip + "<extra></extra>",
        showlegend=False,
        xaxis="x2",
        yaxis="y2",
    )
    note = {
        "text": text("fig_floor", lang),
        "x": 0,
        "y": math.log10(floor),
        "xref": "x2",
        "yref": "y2",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 10, "color": "#555555"},
        "hovertext": tip,
    }
    return [line], [note]


def no_step_note(
    views: Sequence[PathView], start: Point, layout: RaceLayout, lang: str
) -> list[dict]:
    """Say on the map why a run drew nothing: it could not even evaluate its start."""
    names = [view.label for view in views if view.empty]
    if not names:
        return []
    words = text(
        "fig_no_step",
        lang,
        names=("、" if lang == "zh" else ", ").join(names),
        x=short(start[0]),
        y=short(start[1]),
    )
    map_px = (layout.nominal_width - layout.margin_left - 60) * (layout.map_x[1] - layout.map_x[0])
    return [
        {
            "text": wrap(words, map_px - 40, 13),
            "xref": "x domain",
            "yref": "y domain",
            "x": 0.5,
            "y": 0.98,
            "yanchor": "top",
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.92)",
            "bordercolor": "#B00020",
            "borderpad": 6,
            "font": {"size": 13, "color": "#1A1A1A"},
            "align": "left",
        }
    ]
