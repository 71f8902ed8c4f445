"""The landscape under the race and the start picker: its image and colour bar, the minima and
the start.

The race draws the landscape as a layout image, not a contour trace, because frames animated
without redraw drop contour traces (plotly.js #1221); an invisible scatter carries its colour
bar. The start picker (core.figures.static_figures) shows the same image: one raster per
landscape, and no contour levels for the browser to trace.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.figure_text import short, text_px
from core.figures.race_layout import RaceLayout
from core.figures.raster import PLOTLY_COLORSCALE, colour_limits, png_data_uri
from core.problems.landscape import Landscape
from core.problems.objectives import Objective, Point
from core.text.i18n import text


def colour_bar_trace(landscape: Landscape, layout: RaceLayout, lang: str) -> go.Scatter:
    """An invisible scatter that carries the colour bar for the landscape image."""
    low, high = colour_limits(landscape.colour)
    ticks = np.linspace(low, high, 5)
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker={
            "color": [low],
            "cmin": low,
            "cmax": high,
            "colorscale": PLOTLY_COLORSCALE,
            "showscale": True,
            "colorbar": {
                "title": {
                    "text": text("colour_f_log" if landscape.log else "colour_f", lang),
                    "side": "top",
                },
                "tickvals": ticks.tolist(),
                "ticktext": _colour_bar_labels(landscape, ticks),
                "ticks": "outside",
                "ticklen": 3,
                "outlinewidth": 0,
                "tickfont": {"size": 11},
                **layout.colourbar,
            },
        },
    )


def _colour_bar_labels(landscape: Landscape, ticks: np.ndarray) -> list[str]:
    values = 10**ticks + landscape.lowest - landscape.offset if landscape.log else ticks
    return [short(v) for v in values]


def colour_bar_px(landscape: Landscape, lang: str) -> float:
    """About how wide the colour bar is with its tick labels and title."""
    labels = _colour_bar_labels(landscape, np.linspace(*colour_limits(landscape.colour), 5))
    title = text("colour_f_log" if landscape.log else "colour_f", lang)
    return max([text_px(title, 12), *(text_px(x, 11) + 16 for x in labels)]) + 10


def landscape_image(landscape: Landscape) -> dict:
    (x0, x1), (y0, y1) = (landscape.xs[0], landscape.xs[-1]), (landscape.ys[0], landscape.ys[-1])
    return {
        "source": png_data_uri(landscape.colour),
        "xref": "x",
        "yref": "y",
        "x": float(x0),
        "y": float(y1),
        "sizex": float(x1 - x0),
        "sizey": float(y1 - y0),
        "sizing": "stretch",
        "layer": "below",
    }


def minima_trace(objective: Objective, lang: str, estimated: bool = False) -> go.Scatter:
    xs = [p[0] for p in objective.minima]
    ys = [p[1] for p in objective.minima]
    what = text("estimated_minimum" if estimated else "global_minimum", lang)
    return go.Scatter(
        x=xs,
        y=ys,
        mode="markers",
        name=what,
        marker={
            "symbol": "star",
            "size": 16,
            "color": "white",
            "line": {"color": "black", "width": 1.5},
        },
        hovertemplate=f"{what}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    )


def start_trace(start: Point, lang: str) -> go.Scatter:
    return go.Scatter(
        x=[start[0]],
        y=[start[1]],
        mode="markers",
        name=text("start", lang),
        marker={"symbol": "circle-open", "size": 14, "color": "black", "line": {"width": 2.5}},
        hovertemplate=text("start", lang) + " (%{x:.4g}, %{y:.4g})<extra></extra>",
    )
