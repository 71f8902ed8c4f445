"""The Autograd Lab's charts: f with its tangent, f with f' and f'', x over SGD with and without
zero_grad(), and the optimizer's descent along f, animated.

Each figure takes a section's record (core.tutorials), described here by the fields it reads, and
the page's language: titles and legend names are in `lang`; pure math (f(x), f'(x), x = 0) reads
the same in both languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import plotly.graph_objects as go

from core.figures.paths import frame_steps
from core.problems.parabola import curve, formula, plottable
from core.text.i18n import text

MAX_FRAMES = 101  # frames of the descent animation

_BLUE, _ORANGE, _GREEN, _RED, _GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"


class Tangent(Protocol):
    """f sampled around x, f(x) and the slope x.grad (section 2)."""

    @property
    def x(self) -> float: ...
    @property
    def f(self) -> float: ...
    @property
    def grad(self) -> float: ...
    @property
    def curve_x(self) -> Sequence[float]: ...
    @property
    def curve_f(self) -> Sequence[float]: ...


class Derivatives(Protocol):
    """f, f' and f'' over a grid, and f', f'' at x (section 4)."""

    @property
    def x(self) -> float: ...
    @property
    def first(self) -> float: ...
    @property
    def second(self) -> float: ...
    @property
    def grid(self) -> Sequence[float]: ...
    @property
    def f(self) -> Sequence[float]: ...
    @property
    def df(self) -> Sequence[float]: ...
    @property
    def d2f(self) -> Sequence[float]: ...


class TwoLoops(Protocol):
    """x at every step of SGD with and without zero_grad(), and f's minimiser (section 6)."""

    @property
    def with_zero(self) -> Sequence[float]: ...
    @property
    def without_zero(self) -> Sequence[float]: ...
    @property
    def minimum(self) -> float | None: ...


class Descent(Protocol):
    """f's coefficients, x at every step, f's minimiser and the optimizer's name (section 7)."""

    @property
    def a(self) -> float: ...
    @property
    def b(self) -> float: ...
    @property
    def c(self) -> float: ...
    @property
    def path(self) -> Sequence[float]: ...
    @property
    def minimum(self) -> float | None: ...
    @property
    def name(self) -> str: ...


def _layout(fig: go.Figure, title: str, xaxis: str, yaxis: str) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=xaxis,
        yaxis_title=yaxis,
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0},
    )
    return fig


def tangent_figure(result: Tangent, lang: str = "en") -> go.Figure:
    """f with its tangent at x: the tangent's slope is x.grad."""
    x0, f0, g = result.x, result.f, result.grad
    tangent = [f0 + g * (t - x0) for t in result.curve_x]
    fig = go.Figure(
        [
            go.Scatter(x=result.curve_x, y=result.curve_f, name="f(x)", line={"color": _BLUE}),
            go.Scatter(
                x=result.curve_x,
                y=tangent,
                name=text("lab_fig_tangent", lang, slope=f"{g:g}"),
                line={"color": _ORANGE, "dash": "dash"},
            ),
            go.Scatter(
                x=[x0],
                y=[f0],
                name=f"x = {x0:g}",
                mode="markers",
                marker={"color": _RED, "size": 11},
            ),
        ]
    )
    span = max(result.curve_f) - min(result.curve_f)
    low, high = min(result.curve_f), max(result.curve_f)
    pad = 0.1 * span if span > 0 else 1.0
    fig.update_yaxes(range=[low - pad, high + pad])  # the tangent would otherwise set the scale
    return _layout(fig, text("lab_fig_tangent_title", lang), "x", "f(x)")


def derivatives_figure(result: Derivatives, lang: str = "en") -> go.Figure:
    """f, f' and f'' over the range computed by autograd, with the values at x marked."""
    fig = go.Figure()
    for ys, name, color, at in (
        (result.f, "f(x)", _BLUE, None),
        (result.df, "f'(x)", _ORANGE, result.first),
        (result.d2f, "f''(x)", _GREEN, result.second),
    ):
        fig.add_trace(go.Scatter(x=result.grid, y=ys, name=name, line={"color": color}))
        if at is not None:
            label = text(
                "lab_fig_value_at",
                lang,
                name=name.replace("(x)", ""),
                x=f"{result.x:g}",
                value=f"{at:g}",
            )
            marker = {"color": color, "size": 10}
            fig.add_trace(
                go.Scatter(x=[result.x], y=[at], mode="markers", marker=marker, name=label)
            )
    fig.add_hline(y=0, line={"color": _GREY, "width": 1})
    return _layout(fig, text("lab_fig_derivatives_title", lang), "x", text("lab_axis_value", lang))


def accumulation_figure(result: TwoLoops, lang: str = "en") -> go.Figure:
    """x over the steps of SGD with and without zero_grad()."""
    fig = go.Figure()
    for path, name, color in (
        (result.with_zero, text("lab_fig_with_zero", lang), _BLUE),
        (result.without_zero, text("lab_fig_without_zero", lang), _RED),
    ):
        shown = plottable(path)
        fig.add_trace(
            go.Scatter(x=list(range(len(shown))), y=shown, name=name, line={"color": color})
        )
    if result.minimum is not None:
        fig.add_hline(
            y=result.minimum,
            line={"color": _GREY, "dash": "dot"},
            annotation_text=text("lab_fig_minimum", lang, x=f"{result.minimum:g}"),
        )
    return _layout(fig, text("lab_fig_accumulation_title", lang), text("lab_axis_step", lang), "x")


def _player(frames_at: Sequence[int], lang: str) -> dict[str, list[dict]]:
    """The play and pause buttons and the slider over the frames, as layout settings."""
    animate = {"frame": {"duration": 60, "redraw": False}, "transition": {"duration": 0}}
    buttons = [
        {"label": text("play", lang), "method": "animate", "args": [None, animate]},
        {
            "label": text("pause", lang),
            "method": "animate",
            "args": [[None], {"mode": "immediate", **animate}],
        },
    ]
    jump = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}
    slider_steps = [
        {"label": str(t), "method": "animate", "args": [[str(t)], jump]} for t in frames_at
    ]
    below = {"y": -0.14, "yanchor": "top", "pad": {"t": 10}}
    menu = {"type": "buttons", "direction": "left", "x": 0.0, "xanchor": "left", **below}
    # The marker is labelled with its step; a label on the slider would sit on the buttons.
    slider = {"active": 0, "x": 0.24, "len": 0.76, **below, "currentvalue": {"visible": False}}
    return {
        "updatemenus": [{**menu, "buttons": buttons}],
        "sliders": [{**slider, "steps": slider_steps}],
    }


def descent_figure(result: Descent, lang: str = "en") -> go.Figure:
    """An animation of x moving along the parabola, with a slider over (subsampled) steps."""
    a, b, c = result.a, result.b, result.c
    path = plottable(result.path)
    if not path:  # the start itself is out of range: nothing to animate
        path = (0.0,)
    ends = [*path, *([result.minimum] if result.minimum is not None else [])]
    lo, hi = min(ends), max(ends)
    pad = max(0.15 * (hi - lo), 1.0)
    curve_x, curve_f = curve(a, b, c, lo - pad, hi + pad)
    values = [a * v * v + b * v + c for v in path]
    frames_at = frame_steps(len(path) - 1, MAX_FRAMES)

    def marker(t: int) -> go.Scatter:
        return go.Scatter(
            x=[path[t]],
            y=[values[t]],
            mode="markers+text",
            text=[text("lab_fig_step", lang, step=t)],
            textposition="top center",
            marker={"color": _RED, "size": 13},
            name=text("lab_fig_current", lang),
        )

    every_step = {"color": _ORANGE, "size": 5, "opacity": 0.35}
    fig = go.Figure(
        [
            go.Scatter(x=curve_x, y=curve_f, name="f(x)", line={"color": _BLUE}),
            go.Scatter(
                x=path,
                y=values,
                mode="markers",
                marker=every_step,
                name=text("lab_fig_every_step", lang),
            ),
            marker(0),
        ],
        # A scatter-only figure keeps its traces with redraw=False, which keeps playback smooth.
        frames=[go.Frame(name=str(t), data=[marker(t)], traces=[2]) for t in frames_at],
    )
    fig.update_layout(**_player(frames_at, lang))
    title = text("lab_fig_descent_title", lang, name=result.name, formula=formula(a, b, c))
    fig = _layout(fig, title, "x", "f(x)")
    fig.update_layout(height=520, margin={"b": 140})
    return fig
