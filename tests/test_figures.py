"""The playground's figures, read from their JSON: runs without a step, each optimizer's own
style, what float32 resolves near a minimum, values outside the box, labels that never
overprint, pinned runs on every panel, and the two screen layouts."""

from __future__ import annotations

import base64
import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core.analysis.curvature import curvature_along
from core.batched.basins import basin_map
from core.batched.sweeps import log_rates, lr_sweep
from core.figures.batched import basin_figure, curvature_figure, sweep_figure
from core.figures.landscape_traces import colour_bar_px
from core.figures.path_view import F32_EPS, LOG_FLOOR, PathView, gap_floor, optimizer_view
from core.figures.paths import spread
from core.figures.race import race_figure
from core.figures.race_layout import (
    LAYOUTS,
    LAYOUTS_FILE,
    STACKED,
    STEP_AXIS_PX,
    WIDE,
    LayoutError,
    read_layouts,
)
from core.figures.static_figures import (
    learning_rate_figure,
    start_picker_figure,
    surface_figure,
)
from core.formulas.custom import custom_objective
from core.optim.optimizers import OPTIMIZERS, TORCH_OPTIMIZERS
from core.problems.landscape import evaluate
from core.problems.objectives import OBJECTIVES
from core.runs.engine import FRAME_COLUMNS
from core.runs.race import RaceEntry, run_race
from tests.test_glossary import ASCII_PUNCTUATION_BY_CHINESE

APP = str(Path(__file__).parent.parent / "app.py")
ROSENBROCK, HIMMELBLAU = OBJECTIVES["rosenbrock"], OBJECTIVES["himmelblau"]
EGGHOLDER, QUADRATIC = OBJECTIVES["eggholder"], OBJECTIVES["quadratic"]
# What a class picks most: the default race, the lessons' optimizers and the issue's eight.
COMMON = ("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad", "lbfgs")


def spec(fig) -> dict:
    return json.loads(fig.to_json())


def values(array) -> np.ndarray:
    """A Plotly array from the figure JSON: a plain list or a base64 typed array."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray([np.nan if v is None else v for v in array], dtype=float)


def frame_of(t, x, y, loss, grad_norm=None) -> pd.DataFrame:
    """A recorded run with the engine's columns."""
    n = len(t)
    return pd.DataFrame(
        {
            "optimizer": ["test"] * n,
            "t": np.asarray(t, dtype=np.int64),
            "x": np.asarray(x, dtype=float),
            "y": np.asarray(y, dtype=float),
            "loss": np.asarray(loss, dtype=float),
            "grad_x": np.zeros(n),
            "grad_y": np.zeros(n),
            "grad_norm": np.ones(n) if grad_norm is None else np.asarray(grad_norm),
            "lr": np.full(n, 0.01),
        },
        columns=list(FRAME_COLUMNS),
    )


def race(objective, ids, steps=60, start=None):
    start = start or objective.start
    entries = [RaceEntry.of(o, **OPTIMIZERS[o].defaults_for(objective)) for o in ids]
    return [
        optimizer_view(r.optimizer, r.frame) for r in run_race(objective, entries, start, steps)
    ]


def trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def race_path(fig: dict, label: str) -> dict:
    """A run's path on the race's map: a plain line in the run's legend group."""
    (path,) = [
        t
        for t in fig["data"]
        if t.get("legendgroup") == label and t.get("mode") == "lines" and t.get("xaxis") == "x"
    ]
    return path


def step_panel_lines(fig: dict, axis: str) -> list[dict]:
    return [t for t in fig["data"] if t.get("yaxis") == axis and t.get("mode") == "lines"]


def label_trace(fig: dict) -> dict:
    return next(t for t in fig["data"] if t.get("mode") == "text")


# --- a run with no step at all (item 2) --------------------------------------------------------


@pytest.fixture(scope="module")
def log_x():
    """log(x) from (0, 0): f is -inf at the start, so no optimizer records a single iterate."""
    objective = custom_objective("log(x)", ((-5.0, 5.0), (-5.0, 5.0)))
    entries = [RaceEntry.of(o, **OPTIMIZERS[o].defaults_for(objective)) for o in ("sgd", "adam")]
    runs = run_race(objective, entries, (0.0, 0.0), 50)
    assert [len(r.frame) for r in runs] == [0, 0]
    return objective, [optimizer_view(r.optimizer, r.frame) for r in runs]


@pytest.mark.parametrize("layout", [WIDE, STACKED])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_run_without_any_step_is_drawn_and_explained(log_x, layout, lang):
    objective, views = log_x
    fig = spec(
        race_figure(objective, evaluate(objective), views, (0.0, 0.0), layout=layout, lang=lang)
    )
    # Each run keeps its legend entry (a blank point, so that Plotly lists it) and nothing else.
    for name in ("SGD", "Adam"):
        assert np.isnan(values(trace(fig, name)["x"])).all()
    assert len(fig["frames"]) == 1
    lines = fig["layout"]["annotations"][-1]["text"].split("<br>")
    note = (" " if lang == "en" else "").join(lines)  # wrapped at spaces, or between CJK
    assert "SGD" in note and "Adam" in note
    assert ("not finite" if lang == "en" else "不是有限值") in note
    assert "(0, 0)" in note
    spec(surface_figure(objective, evaluate(objective), views, lang=lang))


def test_a_run_without_a_step_beside_one_with_steps(log_x):
    objective, (empty, _) = log_x
    moving = PathView("Adam", "#009E73", frame_of([0, 1, 2], [1, 2, 3], [1, 1, 1], [0, 0.5, 1]))
    fig = spec(race_figure(objective, evaluate(objective), [empty, moving], (1.0, 1.0)))
    assert len(fig["frames"]) == 3
    note = fig["layout"]["annotations"][-1]["text"]
    assert note.startswith("No step for SGD:") and "Adam" not in note


def test_the_page_draws_and_explains_a_formula_that_cannot_start():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"fn": "custom", "formula": "log(x)", "start_x": "0", "start_y": "0"})
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]  # no error boundary either
    assert any("step 0" in w.value for w in at.warning)
    race_chart = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec).get("frames")
    )
    assert any("No step for" in a["text"] for a in race_chart["layout"]["annotations"])


# --- each optimizer's own style (item 10) ------------------------------------------------------


def _lab(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = xyz @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(first: str, second: str) -> float:
    """CIEDE2000 colour difference: about 2 is just noticeable, 20+ is told apart at a glance."""
    (l1, a1, b1), (l2, a2, b2) = _lab(first), _lab(second)
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1)) % 360, math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dl, dc, big_dh = l2 - l1, c2 - c1, 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_bar, c_bar = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_bar = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_bar = (h1 + h2) / 2
    else:
        h_bar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar, 1 + 0.015 * c_bar * t
    r_t = (
        -2
        * math.sqrt(c_bar**7 / (c_bar**7 + 25**7))
        * math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2))))
    )
    return math.sqrt(
        (dl / s_l) ** 2 + (dc / s_c) ** 2 + (big_dh / s_h) ** 2 + r_t * dc / s_c * big_dh / s_h
    )


def test_colour_difference_matches_published_pairs():
    # Sharma, Wu & Dalal (2005), CIEDE2000 test data, via sRGB: black/white and a known pair.
    assert delta_e("#000000", "#FFFFFF") == pytest.approx(100.0, abs=0.1)
    assert delta_e("#D55E00", "#D55E00") == 0.0
    assert delta_e("#0072B2", "#56B4E9") < 25 < delta_e("#0072B2", "#D55E00")


def test_every_torch_optimizer_has_its_own_colour_and_marker():
    styles = {oid: spec.style for oid, spec in TORCH_OPTIMIZERS.items()}
    for (a, first), (b, second) in itertools.combinations(styles.items(), 2):
        difference = delta_e(first.colour, second.colour)
        assert difference >= 10, (a, b, difference)
        # Colours a projector can blur together (vermillion/orange, blue/sky blue) never share a
        # line style: the dash tells them apart.
        if difference < 25:
            assert first.dash != second.dash, (a, b, difference)
    symbols = [s.symbol for s in styles.values()]
    assert len(set(symbols)) == len(symbols)
    # Taken by other meanings on the map: diverged end, minimum, start.
    assert not {"x", "star", "circle-open"} & set(symbols)


def test_every_optimizer_has_its_own_marker_and_pytorch_optimizers_its_familys_colour():
    """A hundred optimizers cannot all have colours a projector tells apart: pytorch-optimizer's
    share one per family and a cycling dash, and every optimizer has a marker of its own."""
    symbols = [spec.style.symbol for spec in OPTIMIZERS.values()]
    assert len(set(symbols)) == len(symbols)
    assert not {"x", "star", "circle-open"} & set(symbols)
    for spec in OPTIMIZERS.values():  # Plotly takes each (it refuses an unknown marker)
        go.Scatter(marker={"symbol": spec.style.symbol}, line={"dash": spec.style.dash})
    zoo = [spec for spec in OPTIMIZERS.values() if not spec.from_torch]
    families = {spec.family for spec in zoo}
    colours = {spec.family: spec.style.colour for spec in zoo}
    assert len(set(colours.values())) == len(families)
    for spec in zoo:
        assert spec.style.colour == colours[spec.family]


def test_the_common_eight_are_told_apart_by_colour_or_dash():
    for a, b in itertools.combinations(COMMON, 2):
        first, second = OPTIMIZERS[a].style, OPTIMIZERS[b].style
        assert delta_e(first.colour, second.colour) >= 25 or first.dash != second.dash, (a, b)
    solid = [o for o in COMMON if OPTIMIZERS[o].style.dash == "solid"]
    for a, b in itertools.combinations(solid, 2):  # e.g. Momentum and AdamW: no two blues
        assert delta_e(OPTIMIZERS[a].style.colour, OPTIMIZERS[b].style.colour) >= 25, (a, b)


def test_removing_an_optimizer_keeps_everyone_elses_colour():
    with_sgd = spec(
        race_figure(
            ROSENBROCK,
            evaluate(ROSENBROCK),
            race(ROSENBROCK, ["sgd", "momentum", "adam"]),
            ROSENBROCK.start,
        )
    )
    without = spec(
        race_figure(
            ROSENBROCK,
            evaluate(ROSENBROCK),
            race(ROSENBROCK, ["momentum", "adam"]),
            ROSENBROCK.start,
        )
    )
    for name, oid in (("Adam", "adam"), ("Momentum", "momentum")):
        style = OPTIMIZERS[oid].style
        for fig in (with_sgd, without):
            entry, path = trace(fig, name), race_path(fig, name)
            for line in (entry["line"], path["line"]):
                assert line["color"] == style.colour and line["dash"] == style.dash
            assert entry["marker"]["symbol"] == style.symbol  # shown in its legend entry
            assert "marker" not in path  # no SVG node per step
        loss_colours = {t["line"]["color"] for t in step_panel_lines(without, "y2")}
        assert style.colour in loss_colours
    assert OPTIMIZERS["sgd"].style.colour not in {
        t["line"]["color"] for t in step_panel_lines(without, "y2")
    }


def test_the_page_keeps_adams_colour_when_sgd_leaves():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()

    def adam_colour() -> str:
        race_spec = next(
            json.loads(c.proto.spec)
            for c in at.get("plotly_chart")
            if json.loads(c.proto.spec).get("frames")
        )
        return trace(race_spec, "Adam")["line"]["color"]

    before = adam_colour()
    at.multiselect(key="opts").set_value(["momentum", "adam", "rmsprop"]).run()
    assert not at.exception
    assert adam_colour() == before == OPTIMIZERS["adam"].style.colour


def test_sweeps_surface_and_curvature_use_the_same_style():
    sweep = lr_sweep(QUADRATIC, ["sgd", "adam"], QUADRATIC.start, 30, log_rates(1e-3, 0.05, 4))
    lines = [
        t for t in spec(sweep_figure(QUADRATIC, sweep))["data"] if t["mode"] == "lines+markers"
    ]
    for line, oid in zip(lines, ["sgd", "adam"], strict=True):
        style = OPTIMIZERS[oid].style
        assert (line["line"]["color"], line["line"]["dash"], line["marker"]["symbol"]) == (
            style.colour,
            style.dash,
            style.symbol,
        )
    views = race(QUADRATIC, ["adagrad"], steps=10)
    surface = spec(surface_figure(QUADRATIC, evaluate(QUADRATIC), views))
    assert trace(surface, "Adagrad")["line"]["dash"] == OPTIMIZERS["adagrad"].style.dash
    # The 3-D legend's minimum has a symbol one can see: a filled marker, not white on white.
    assert trace(surface, "global minimum")["marker"]["color"] not in ("white", "#FFFFFF")


def test_curvature_legend_entries_all_look_different():
    frame = curvature_along(QUADRATIC, [[1.0, 1.0], [0.5, 0.2], [0.0, 0.1]])
    lines = spec(curvature_figure(frame, "SGD", "#D55E00"))["data"]
    looks = [(t["line"]["color"], t["line"].get("dash", "solid")) for t in lines]
    assert len(looks) == 3 and len(set(looks)) == 3, looks


# --- float32's resolution and the box (item 11) ------------------------------------------------


@pytest.mark.parametrize("objective", [o for o in OBJECTIVES.values() if o.minima])
def test_gap_floor_covers_float32_rounding_at_every_minimiser(objective):
    floor = gap_floor(objective)
    assert floor >= max(LOG_FLOOR, F32_EPS * abs(objective.f_min))
    with torch.no_grad():
        at_minima = objective.fn(torch.tensor(objective.minima, dtype=torch.float32)).double()
    assert (np.abs(at_minima.numpy() - objective.f_min) <= floor).all()


def test_gap_floor_of_some_landscapes():
    assert gap_floor(QUADRATIC) == LOG_FLOOR  # exact at 0: float32 resolves tiny gaps there
    assert 1e-12 < gap_floor(HIMMELBLAU) < 1e-10  # x^2 + y - 11 rounds in float32
    assert gap_floor(EGGHOLDER) > 1e-4  # |f_min| = 959.6: one float32 step is 6e-5


def test_a_converged_float32_run_draws_no_comb_below_the_resolution():
    floor = gap_floor(HIMMELBLAU)
    # A run sitting on (3, 2): its float32 loss jumps between exact 0 and rounding levels.
    noise = np.tile([0.0, 2.3e-13, 9.1e-13, 0.0, 1.8e-12], 40)
    loss = np.r_[np.geomspace(100, 1e-3, 50), noise]
    t = np.arange(len(loss))
    view = PathView(
        "Adam", "#009E73", frame_of(t, np.full(len(t), 3.0), np.full(len(t), 2.0), loss)
    )
    fig = spec(race_figure(HIMMELBLAU, evaluate(HIMMELBLAU), [view], HIMMELBLAU.start))
    line = values(step_panel_lines(fig, "y2")[0]["y"]).astype(float)
    assert line.min() >= np.float32(floor)
    np.testing.assert_array_equal(line[50:], np.float32(floor))  # one flat line, no spikes
    low, high = fig["layout"]["yaxis2"]["range"]
    assert low <= math.log10(floor) < low + 0.1 * (high - low)  # the axis ends at the floor
    floor_line = next(t for t in fig["data"] if "float32" in t.get("hovertemplate", ""))
    np.testing.assert_allclose(values(floor_line["y"]), floor)
    assert any(a["text"] == "float32 resolution" for a in fig["layout"]["annotations"])
    assert label_trace(fig)["text"] == [" ≈0"]  # not digits that are rounding noise


def test_a_real_converged_run_stays_at_or_above_the_floor():
    views = race(HIMMELBLAU, ["adam", "momentum"], steps=600)
    fig = spec(race_figure(HIMMELBLAU, evaluate(HIMMELBLAU), views, HIMMELBLAU.start))
    floor = np.float32(gap_floor(HIMMELBLAU))
    for line in step_panel_lines(fig, "y2"):
        shown = values(line["y"]).astype(float)
        assert (shown[np.isfinite(shown)] >= floor).all()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_loss_outside_the_box_is_marked_not_taken_for_the_minimum(lang):
    # The path leaves Eggholder's box at step 3 and ends below the box's f_min (-977 < -959.6).
    x = [400.0, 450.0, 500.0, 530.0, 560.0]
    loss = [-700.0, -800.0, -900.0, -950.0, -977.0]
    view = PathView("SGD", "#D55E00", frame_of(range(5), x, [400.0] * 5, loss))
    fig = spec(race_figure(EGGHOLDER, evaluate(EGGHOLDER), [view], (400.0, 400.0), lang=lang))
    solid, dotted = step_panel_lines(fig, "y2")[:2]
    inside = values(solid["y"]).astype(float)
    assert np.isfinite(inside[:3]).all() and np.isnan(inside[3:]).all()
    dotted_y = values(dotted["y"]).astype(float)
    assert dotted["line"]["dash"] == "dot"
    # -950 is above f_min: shown, dotted; -977 is below it: not drawn at all on the gap axis.
    np.testing.assert_allclose(
        dotted_y[np.isfinite(dotted_y)][-1], -950 - EGGHOLDER.f_min, rtol=1e-5
    )
    assert np.isnan(dotted_y[-1])
    outside = "outside box" if lang == "en" else "范围外"
    assert label_trace(fig)["text"] == [f" −977 {outside}"]
    assert ("outside the plot box" if lang == "en" else "绘图范围之外") in dotted["hovertemplate"]
    last_frame_labels = fig["frames"][-1]["data"][-1]["text"]
    assert last_frame_labels == [f" −977 {outside}"]


# --- labels, pinned runs, layouts (items 9 and 15) ---------------------------------------------


def test_end_labels_never_print_over_each_other():
    # Six runs ending within a few percent of each other, and two exactly equal.
    ends = [1.0, 1.02, 1.05, 1.05, 1.1, 0.97]
    views = [
        PathView(
            f"run {k}",
            "#000000",
            frame_of(range(20), np.linspace(-1, 1, 20), np.zeros(20), np.geomspace(50, end, 20)),
        )
        for k, end in enumerate(ends)
    ]
    for layout in (WIDE, STACKED):
        fig = spec(race_figure(QUADRATIC, evaluate(QUADRATIC), views, (-1.0, 0.0), layout=layout))
        low, high = fig["layout"]["yaxis2"]["range"]
        labels = label_trace(fig)  # beside the loss panel, in the margin: never clipped
        assert (labels["xaxis"], labels["yaxis"], labels["cliponaxis"]) == ("x2", "y2", False)
        assert labels["x"] == [fig["layout"]["xaxis3"]["range"][1]] * len(ends)
        for heights in [labels["y"], *(f["data"][-1]["y"] for f in fig["frames"])]:
            units = np.sort(np.log10(values(heights).astype(float)))
            # 13 px per label, in axis units, even with the panel as tall as it can be:
            needed = 13 * (high - low) / layout.loss_pixels(1)
            assert np.diff(units).min() >= needed * 0.999
            assert units.min() >= low - 1e-6 and units.max() <= high + 1e-6


def test_the_right_margin_holds_the_longest_end_label():
    view = PathView(
        "SGD",
        "#D55E00",
        frame_of(range(5), [400, 450, 500, 530, 560], [400] * 5, [-700, -800, -900, -950, -977]),
    )
    fig = spec(race_figure(EGGHOLDER, evaluate(EGGHOLDER), [view], (400.0, 400.0)))
    assert fig["layout"]["margin"]["r"] >= 11 * 0.6 * len(" −977 outside box")


def test_pinned_runs_appear_on_every_panel():
    now = race(ROSENBROCK, ["sgd", "adam"], steps=40)
    pinned = race(ROSENBROCK, ["sgd", "adam"], steps=60)
    fig = spec(race_figure(ROSENBROCK, evaluate(ROSENBROCK), now, ROSENBROCK.start, ghosts=pinned))
    for axis in ("y", "y2", "y3"):
        ghosts = [
            t for t in fig["data"] if t.get("yaxis", "y") == axis and t.get("opacity") == 0.45
        ]
        assert {t["line"]["color"] for t in ghosts} == {v.colour for v in pinned}, axis
        assert all(t["line"]["dash"] == "dot" for t in ghosts)
    loss_ghost = next(t for t in fig["data"] if t.get("yaxis") == "y2" and t.get("opacity") == 0.45)
    assert len(values(loss_ghost["y"])) == 61
    assert fig["layout"]["xaxis3"]["range"][1] >= 60  # the longer pinned run fits the step axis


@pytest.mark.parametrize("layout", [WIDE, STACKED])
def test_layouts_keep_legend_player_and_panels_apart(layout):
    fig = spec(
        race_figure(
            ROSENBROCK,
            evaluate(ROSENBROCK),
            race(ROSENBROCK, COMMON, steps=30),
            ROSENBROCK.start,
            layout=layout,
        )
    )
    axes = fig["layout"]
    assert axes["legend"]["yanchor"] == "bottom" and axes["legend"]["y"] >= 1.0  # above the panels
    map_x, map_y = axes["xaxis"]["domain"], axes["yaxis"]["domain"]
    loss_x, loss_y = axes["xaxis2"]["domain"], axes["yaxis2"]["domain"]
    grad_y = axes["yaxis3"]["domain"]
    assert grad_y[1] < loss_y[0]  # gradient norm under the loss, one step axis between them
    assert axes["xaxis2"]["matches"] == "x3" and not axes["xaxis2"]["showticklabels"]
    buttons, slider = axes["updatemenus"][0], axes["sliders"][0]
    if layout is WIDE:
        assert map_x[1] < loss_x[0]  # side by side
        # The slider starts right of the buttons even on the narrowest wide chart.
        plot_px = layout.min_width - layout.margin_left - axes["margin"]["r"]
        assert slider["x"] * plot_px >= 3 * 60 and slider["pad"]["t"] <= buttons["pad"]["t"]
    else:
        assert map_y[0] > loss_y[1] and loss_x == [0.0, 1.0]  # stacked, full width
        assert slider["x"] == 0 and slider["pad"]["t"] >= buttons["pad"]["t"] + 30
    # Both rows clear the bottom axis title.
    assert buttons["pad"]["t"] >= 40 and buttons["yanchor"] == "top" and buttons["y"] == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_colour_bar_and_the_loss_axis_labels_fit_between_the_panels(lang):
    """Eight runs on the quadratic, one of them leaving the box: the longest end labels, so the
    widest right margin and the narrowest paper. The colour bar with its labels and the step
    panels' axis labels must still fit between the map and the step panels."""
    quadratic = OBJECTIVES["quadratic"]
    ids = ["sgd", "momentum", "adam", "rmsprop", "adagrad", "adadelta", "nadam", "lbfgs"]
    entries = [RaceEntry.of(o, **OPTIMIZERS[o].defaults_for(quadratic)) for o in ids]
    entries[0] = RaceEntry.of("sgd", lr=0.021)
    runs = run_race(quadratic, entries, quadratic.start, 300)
    landscape = evaluate(quadratic)
    views = [optimizer_view(r.optimizer, r.frame) for r in runs]
    axes = spec(race_figure(quadratic, landscape, views, quadratic.start, lang=lang))["layout"]
    paper_px = WIDE.nominal_width - WIDE.margin_left - axes["margin"]["r"]
    gap_px = (axes["xaxis2"]["domain"][0] - WIDE.colourbar["x"]) * paper_px
    assert gap_px >= colour_bar_px(landscape, lang) + STEP_AXIS_PX
    assert axes["xaxis2"]["domain"] == axes["xaxis3"]["domain"]
    assert axes["xaxis2"]["domain"][0] > WIDE.loss_x[0]  # this race needed the move


def test_the_layouts_are_read_from_their_file_from_any_working_directory(tmp_path, monkeypatch):
    assert dict(LAYOUTS) == {"wide": WIDE, "stacked": STACKED}
    assert WIDE.map_x == (0.0, 0.49) and isinstance(STACKED.grad_y, tuple)
    assert STACKED.colourbar == {
        "x": 1.0,
        "xanchor": "left",
        "xpad": 6,
        "y": 0.75,
        "len": 0.5,
        "thickness": 10,
    }
    assert (WIDE.label_px, WIDE.slider_beside, STACKED.slider_beside) == (14, True, False)
    monkeypatch.chdir(tmp_path)
    read_layouts.cache_clear()
    assert read_layouts() == LAYOUTS


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (("[wide]", "[wide"), "not TOML"),
        (("[stacked]", "[phone]"), r"needs exactly the tables \['wide', 'stacked'\]"),
        (("min_width = 300\n", ""), r"\[stacked\] lacks min_width"),
        (("min_width = 300", "min_width = 300\nwidth = 3"), r"\[stacked\] has fields .*: width"),
        (("map_x = [0.0, 1.0]", "map_x = [0.0]"), r"\[stacked\] map_x is not a \[from, to\] pair"),
        (("[0.0, 0.49]", "[0.49, 0.0]"), r"\[wide\] map_x is not a domain"),
        (("height = 800", "height = 800.5"), r"\[stacked\] height is not of type int"),
        (
            ("slider_beside = false", 'slider_beside = "no"'),
            r"\[stacked\] slider_beside is not of type bool",
        ),
    ],
)
def test_a_broken_layouts_file_is_refused_by_name(tmp_path, edit, problem):
    text = LAYOUTS_FILE.read_text(encoding="utf-8")
    assert text.count(edit[0]) == 1
    path = tmp_path / "race_layouts.toml"
    path.write_text(text.replace(*edit), encoding="utf-8")
    with pytest.raises(LayoutError, match=rf"^race_layouts\.toml: {problem}"):
        read_layouts(path)


@given(
    st.lists(st.floats(-20, 20), min_size=1, max_size=14),
    st.floats(0.01, 2.0),
)
def test_spread_keeps_order_and_distance(heights, gap):
    low, high = -25.0, 25.0
    placed = spread(np.array(heights), gap, low, high)
    order = np.argsort(heights, kind="stable")
    assert (np.diff(placed[order]) >= gap - 1e-9).all()
    if len(heights) * gap <= high - low:
        assert placed.min() >= low - 1e-9 and placed.max() <= high + 1e-9


def test_the_basin_loss_map_colours_only_what_float32_resolves():
    basins = basin_map(HIMMELBLAU, "adam", resolution=12, steps=400, lr=0.05)
    heat = spec(basin_figure(HIMMELBLAU, basins, "loss"))["data"][1]
    floor = math.log10(gap_floor(HIMMELBLAU))
    assert heat["zmin"] == pytest.approx(floor)
    assert heat["zmax"] - heat["zmin"] >= 1.0  # no bar stretched over rounding noise
    shown = values(heat["z"]).astype(float)
    assert shown[np.isfinite(shown)].min() >= np.float32(floor)
    assert "float32" in heat["colorbar"]["ticktext"][0]


def _words(node, keys=("name", "hovertemplate", "text", "label", "prefix", "suffix")) -> list:
    """Every string under `keys` of a figure's JSON: names, hover texts, titles, labels."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in keys and isinstance(v, str)]
        return found + [w for v in node.values() for w in _words(v, keys)]
    if isinstance(node, list):
        return [w for v in node for w in _words(v, keys)]
    return []


def test_chinese_figures_put_full_width_punctuation_after_chinese_words():
    now, pinned = race(ROSENBROCK, ["sgd", "adam"], 30), race(ROSENBROCK, ["sgd"], 20)
    landscape = evaluate(ROSENBROCK)
    sweep = lr_sweep(QUADRATIC, ["sgd"], QUADRATIC.start, 30, log_rates(1e-3, 0.05, 4))
    figures = [
        race_figure(ROSENBROCK, landscape, now, ROSENBROCK.start, ghosts=pinned, lang="zh"),
        start_picker_figure(ROSENBROCK, landscape, ROSENBROCK.start, lang="zh"),
        learning_rate_figure(now, lang="zh"),
        surface_figure(ROSENBROCK, landscape, now, lang="zh"),
        sweep_figure(QUADRATIC, sweep, lang="zh"),
    ]
    words = [w for fig in figures for w in _words(spec(fig))]
    assert any("第 %{x} 步：" in w for w in words) and "SGD（对照）" in words
    # Plotly's %{placeholders} and <markup> are not prose.
    prose = [re.sub(r"%\{[^}]*\}|<[^>]*>", " ", w) for w in words]
    assert not [w for w in prose if ASCII_PUNCTUATION_BY_CHINESE.search(w)]


def test_the_start_picker_shows_the_races_landscape_and_a_click_target_everywhere():
    """One raster per landscape: the picker draws the race's own PNG, so the two can never show
    different landscapes; transparent points cover the box, since Streamlit reports clicks on
    points only."""
    landscape = evaluate(HIMMELBLAU)
    runs = race(HIMMELBLAU, ["sgd"], 5)
    picker = start_picker_figure(HIMMELBLAU, landscape, HIMMELBLAU.start)
    racing = race_figure(HIMMELBLAU, landscape, runs, HIMMELBLAU.start)
    (image,) = picker.layout.images
    assert image.source.startswith("data:image/png;base64,")
    assert image.source == racing.layout.images[0].source
    assert [trace.type for trace in picker.data].count("contour") == 0
    grid = spec(picker)["data"][0]
    (x0, x1), (y0, y1) = HIMMELBLAU.box
    xs, ys = values(grid["x"]), values(grid["y"])
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (x0, x1, y0, y1)
    assert len(np.unique(xs)) == len(np.unique(ys)) == 41 and grid["marker"]["opacity"] == 0
