"""The update of an inspection as arrows from x_t: the gradient step, the predicted and the actual
update, as Plotly annotations and as a small figure of their own.

It draws an `Inspection`, so it lives with the inspector: core.figures sits below core.analysis
and cannot import it. Labels, hover texts and the figure's title come from the string tables in
the `lang` the functions take.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import plotly.graph_objects as go
import torch

from core.analysis.inspector import Inspection
from core.figures.path_view import PALETTE
from core.problems.objectives import Objective
from core.text.i18n import text


@dataclass(frozen=True, slots=True)
class Arrow:
    """One arrow from `start` to `end` in plot coordinates.

    Attributes:
        key: "gradient", "predicted" or "actual".
        label: legend text, in the language `update_arrows` was given (`arrow_label` gives it in
            another).
        start, end: points `[2]`.
        length: the length of the vector the arrow stands for; differs from |end - start| when
            the arrow was drawn to another scale (`scaled`).
        colour: CSS colour.
        scaled: drawn with another length than its vector's (see `update_arrows`).
    """

    key: str
    label: str
    start: np.ndarray
    end: np.ndarray
    length: float
    colour: str
    scaled: bool = False


def arrow_label(arrow: Arrow, lang: str = "en") -> str:
    """The legend text of `arrow` in `lang`: what it stands for and, for a gradient step drawn
    to another scale, whether it was shortened or lengthened and its real length."""
    if arrow.key == "predicted":
        return text("insp_arrow_predicted", lang)
    if arrow.key == "actual":
        return text("insp_arrow_actual", lang)
    if not arrow.scaled:
        return text("insp_arrow_gradient", lang)
    drawn = float(np.linalg.norm(arrow.end - arrow.start))
    length = f"{arrow.length:.3g}"
    if arrow.length > drawn:
        return text("insp_arrow_shortened", lang, length=length)
    return text("insp_arrow_lengthened", lang, length=length)


def update_arrows(inspection: Inspection, *, lang: str = "en") -> tuple[Arrow, ...]:
    """Arrows from x_t: the plain gradient step -lr·∇f(x_t), the predicted and the actual update.

    The gradient step of an adaptive optimizer can be thousands of times longer (or shorter)
    than its real update: when it is more than 3 times longer or shorter, it is drawn with the
    length of the update, in its true direction; `length` keeps its real length. Arrows whose
    vector is missing or not finite are left out. Labels are in `lang`.
    """
    start = inspection.point
    updates = (
        ("predicted", inspection.predicted_update, PALETTE[4]),
        ("actual", inspection.actual_update, PALETTE[0]),
    )
    arrows = [
        _labelled(
            Arrow(key, "", start, start + vector, float(np.linalg.norm(vector)), colour), lang
        )
        for key, vector, colour in updates
        if vector is not None and np.isfinite(vector).all()
    ]
    gradient_step = -inspection.lr * inspection.grad
    length = float(np.linalg.norm(gradient_step))
    if np.isfinite(gradient_step).all():
        reference = max((a.length for a in arrows), default=0.0)
        # Within a factor of 3 the true lengths fit one picture; beyond, keep only the direction.
        scaled = 0 < reference < math.inf and not reference / 3 <= length <= 3 * reference
        drawn = gradient_step * (reference / length) if scaled else gradient_step
        arrow = Arrow("gradient", "", start, start + drawn, length, PALETTE[1], scaled)
        arrows.insert(0, _labelled(arrow, lang))
    return tuple(arrows)


def _labelled(arrow: Arrow, lang: str) -> Arrow:
    return replace(arrow, label=arrow_label(arrow, lang))


def arrow_annotations(
    arrows: Sequence[Arrow],
    *,
    xref: str = "x",
    yref: str = "y",
    colour: str | None = None,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """Plotly layout annotations drawing `arrows` with arrowheads, in data coordinates of the
    axes `xref`/`yref` (the race figure's landscape panel is "x"/"y"). `colour` overrides the
    arrows' own (e.g. the optimizer's colour on the race figure); the hover texts are the
    arrows' labels in `lang`.

    Add them with `fig.update_layout(annotations=[*fig.layout.annotations, *these])`.
    """
    return [
        {
            "x": float(a.end[0]),
            "y": float(a.end[1]),
            "ax": float(a.start[0]),
            "ay": float(a.start[1]),
            "xref": xref,
            "yref": yref,
            "axref": xref,
            "ayref": yref,
            "showarrow": True,
            "arrowhead": 2,
            "arrowsize": 1,
            "arrowwidth": 2.5 if a.key == "actual" else 1.8,
            "arrowcolor": colour or a.colour,
            "text": "",
            "hovertext": arrow_label(a, lang),
        }
        for a in arrows
    ]


def update_arrows_figure(
    inspection: Inspection,
    objective: Objective | None = None,
    *,
    height: int = 360,
    lang: str = "en",
) -> go.Figure:
    """A small figure zoomed on x_t: the gradient step and the actual update as arrows, the
    predicted x_{t+1} as an open circle (the actual arrow should end in it), at equal x and y
    scale so directions are true, over the level sets of `objective` when it is given. Title,
    legend and hover texts in `lang`."""
    arrows = update_arrows(inspection, lang=lang)
    points = np.array([inspection.point, *(a.end for a in arrows)])
    low, high = points.min(axis=0), points.max(axis=0)
    centre = (low + high) / 2
    # Some margin around the arrows; a window even when every arrow has length zero.
    half = max(float((high - low).max()) * 0.65, 1e-6 * max(1.0, float(np.abs(centre).max())))
    (x0, y0), (x1, y1) = centre - half, centre + half
    fig = go.Figure()
    if objective is not None:
        xs, ys = np.linspace(x0, x1, 61), np.linspace(y0, y1, 61)
        grid = torch.tensor(np.stack(np.meshgrid(xs, ys), axis=-1), dtype=torch.float64)
        with torch.no_grad():  # float64 lists, not float32 typed arrays: the window can be tiny
            values = objective.fn(grid).numpy()
        fig.add_trace(
            go.Contour(
                x=xs,
                y=ys,
                z=values,
                ncontours=20,
                showscale=False,
                contours={"coloring": "lines"},
                colorscale=[[0, "#9a9a9a"], [1, "#9a9a9a"]],
                line={"width": 1},
                hovertemplate="f = %{z:.6g}<extra></extra>",
                name=text("insp_fig_level_sets", lang),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[float(inspection.point[0])],
            y=[float(inspection.point[1])],
            mode="markers",
            marker={"size": 9, "color": "black"},
            name=f"x<sub>{inspection.t}</sub>",
        )
    )
    for a in arrows:
        xy = {"x": [float(a.start[0]), float(a.end[0])], "y": [float(a.start[1]), float(a.end[1])]}
        if a.key == "predicted":
            marker = {"size": [0, 16], "color": a.colour, "symbol": "circle-open"}
            marker["line"] = {"width": 2.5}
            fig.add_trace(go.Scatter(**xy, mode="markers", marker=marker, name=a.label))
            continue
        fig.add_trace(
            go.Scatter(
                **xy,
                mode="lines+markers",
                line={"color": a.colour, "width": 3 if a.key == "actual" else 2},
                marker={"size": [0, 14], "symbol": "arrow", "angleref": "previous"},
                name=a.label,
            )
        )
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": text("insp_fig_title", lang, t=inspection.t), "font": {"size": 13}},
        legend={"orientation": "h", "y": -0.18},
        # constrain="domain": equal scale shrinks the plot area rather than widening the range.
        xaxis={"range": [x0, x1], "title": "x", "constrain": "domain"},
        yaxis={"range": [y0, y1], "title": "y", "scaleanchor": "x", "constrain": "domain"},
    )
    return fig
