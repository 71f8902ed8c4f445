"""The Playground's race chart: paths growing over the landscape, loss and gradient norm beside.

The race figure is one figure with three panels so that a single set of frames moves everything
together: the landscape with the paths, loss and gradient norm per step beside them (or under
them on a phone: core.figures.race_layout). The landscape is a layout image, not a contour trace,
because frames animated without redraw drop contour traces (plotly.js #1221); frames only touch
scatter traces, listed by index.

This module puts the parts together: the landscape (core.figures.landscape_traces), each run's
traces (race_traces), the panels, axes and legend (race_panels), the frames and the player
(race_animation).
"""

from __future__ import annotations

from collections.abc import Sequence

from core.figures.landscape_traces import (
    colour_bar_px,
    colour_bar_trace,
    landscape_image,
    minima_trace,
    start_trace,
)
from core.figures.path_view import LossScale, PathView, loss_series
from core.figures.paths import frame_steps
from core.figures.plain_frames import PlainFramesFigure
from core.figures.race_animation import (
    MAX_FRAMES,
    Columns,
    end_label_trace,
    end_labels,
    player,
    race_frames,
)
from core.figures.race_layout import WIDE, RaceLayout
from core.figures.race_panels import (
    Panel,
    fixed_loss_range,
    floor_marks,
    legend_layout,
    no_step_note,
    panel_axes,
)
from core.figures.race_traces import ANIMATED, ghost_traces, run_traces
from core.problems.landscape import Landscape
from core.problems.objectives import Objective, Point
from core.text.i18n import DEFAULT_LANGUAGE, text


def race_figure(
    objective: Objective,
    landscape: Landscape,
    views: Sequence[PathView],
    start: Point,
    *,
    frame_ms: int = 60,
    estimated_minimum: bool = False,
    ghosts: Sequence[PathView] = (),
    layout: RaceLayout = WIDE,
    lang: str = DEFAULT_LANGUAGE,
) -> PlainFramesFigure:
    """The animated race: paths growing over the landscape, loss and gradient norm beside them.

    Args:
        objective: the function (box, minima, f_min).
        landscape: its grid values (core.problems.landscape.evaluate).
        views: one PathView per optimizer, in legend order (optimizer_view gives its style).
        start: the common start point.
        frame_ms: milliseconds per animation frame.
        estimated_minimum: label the minima as numerical estimates (custom formulas).
        ghosts: a pinned earlier race, drawn faded on every panel.
        layout: core.figures.race_layout.WIDE (beside, for a projector) or STACKED (for a phone).
    """
    scale = LossScale.of(objective)
    series = [loss_series(scale, v, objective.box) for v in views]
    ghost_series = [loss_series(scale, g, objective.box) for g in ghosts]
    ends = [int(v.frame["t"].iloc[-1]) for v in (*views, *ghosts) if not v.empty]
    last_step = max(ends, default=0)
    names = [text("global_minimum", lang), text("start", lang), *(v.label for v in views)]
    legend, rows = legend_layout(
        [*names, *(text("pinned", lang, name=g.label) for g in ghosts)], layout
    )
    loss_range = fixed_loss_range(scale, [*series, *ghost_series])
    panel = Panel(
        scale,
        loss_range,
        float(max(last_step, 1)),
        layout.label_px * (loss_range[1] - loss_range[0]) / layout.loss_pixels(rows),
    )

    fig = PlainFramesFigure()
    fig.add_trace(colour_bar_trace(landscape, layout, lang))
    if objective.minima:
        fig.add_trace(minima_trace(objective, lang, estimated_minimum))
    fig.add_trace(start_trace(start, lang))
    placed = [
        trace
        for g, s in zip(ghosts, ghost_series, strict=True)
        for trace in ghost_traces(g, s, lang)
    ]
    floor_lines, floor_notes = floor_marks(panel, [*series, *ghost_series], lang)
    for trace, axes in [*placed, *((line, "2") for line in floor_lines)]:
        fig.add_trace(trace.update(xaxis=f"x{axes}", yaxis=f"y{axes}"))
    animated: list[int] = []  # trace indices the frames update, in the order frames list them
    for view, run in zip(views, series, strict=True):
        first = len(fig.data)
        for trace, axes in run_traces(view, run, lang):
            fig.add_trace(trace.update(xaxis=f"x{axes}", yaxis=f"y{axes}"))
        animated += [first + i for i in ANIMATED]  # path, head, loss and grad heads
    columns = [Columns.of(v, s) for v, s in zip(views, series, strict=True)]
    heights, words = end_labels(columns, panel, last_step, lang)
    fig.add_trace(end_label_trace(views, panel).update(y=heights.tolist(), text=words))
    animated.append(len(fig.data) - 1)
    steps = frame_steps(last_step, MAX_FRAMES)
    fig.frames, widest = race_frames(objective, columns, panel, steps, animated, lang)

    bar = colour_bar_px(landscape, lang)
    margin_right = int(max(widest, bar if layout.colourbar_in_margin else 0, 24) + 16)
    layout = layout.clear_of_colour_bar(bar, margin_right)
    fig.update_layout(
        images=[landscape_image(landscape)],
        height=layout.height,
        margin={
            "l": layout.margin_left,
            "r": margin_right,
            "t": layout.margin_top,
            "b": layout.margin_bottom,
        },
        legend=legend,
        plot_bgcolor="white",
        hovermode="closest",
        annotations=[*floor_notes, *no_step_note(views, start, layout, lang)],
        **panel_axes(objective, layout, panel, lang),
        **player(steps, layout, margin_right, frame_ms, lang),
    )
    return fig
