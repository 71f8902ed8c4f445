"""Figures of the batched views: what they draw, in compact typed arrays."""

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest

from core.analysis.curvature import curvature_along
from core.batched.basins import basin_map
from core.batched.settings import views_of
from core.batched.sweeps import log_rates, lr_sweep, momentum_map
from core.figures.batched import (
    DIVERGED_COLOUR,
    MINIMUM_COLOURS,
    NONE_COLOUR,
    basin_figure,
    curvature_figure,
    momentum_figure,
    sweep_figure,
)
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.text.refusal import Refusal

HIMMELBLAU = OBJECTIVES["himmelblau"]
QUADRATIC = OBJECTIVES["quadratic"]


def decoded(array) -> np.ndarray:
    values = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    if "shape" in array:
        values = values.reshape([int(n) for n in array["shape"].split(",")])
    return values


def spec(fig) -> dict:
    return json.loads(fig.to_json())


@pytest.fixture(scope="module")
def basins():
    return basin_map(HIMMELBLAU, "sgd", resolution=20, steps=150, lr=0.01)


def test_basin_map_colours_each_start_by_its_minimum(basins):
    data = spec(basin_figure(HIMMELBLAU, basins, "minimum"))["data"]
    heat = data[0]
    assert heat["type"] == "heatmap" and heat["z"]["dtype"] == "f4"
    codes = decoded(heat["z"])
    assert codes.shape == (20, 20)
    np.testing.assert_array_equal(codes, basins.label)  # no start left out, none diverged
    names = [t.get("name", "") for t in data]
    assert sum(n.startswith("→ minimum") for n in names) == 4
    assert any(n.startswith("diverged") for n in names)
    colours = [s[1] for s in heat["colorscale"]]
    assert colours[-1] == DIVERGED_COLOUR and NONE_COLOUR in colours
    assert colours[0] == MINIMUM_COLOURS[0]
    stars = next(t for t in data if t.get("name") == "global minimum")
    assert len(stars["x"]) == 4


def test_diverged_starts_are_black_in_every_view():
    basins = basin_map(HIMMELBLAU, "sgd", resolution=12, steps=60, lr=0.04)
    assert basins.diverged.any()
    for view in ("minimum", "loss", "steps"):
        data = spec(basin_figure(HIMMELBLAU, basins, view))["data"]
        if view == "minimum":
            codes = decoded(data[0]["z"])
            assert (codes[basins.diverged] == 5).all()  # 4 minima, "none", then diverged
        else:
            status, values = decoded(data[0]["z"]), decoded(data[1]["z"])
            assert (status[basins.diverged] == 1).all()
            assert np.isnan(values[basins.diverged]).all()


def test_loss_and_steps_views(basins):
    loss = spec(basin_figure(HIMMELBLAU, basins, "loss"))
    assert loss["data"][1]["colorbar"]["title"]["text"] == "log₁₀(f − f_min)"
    steps = spec(basin_figure(HIMMELBLAU, basins, "steps"))
    np.testing.assert_array_equal(decoded(steps["data"][1]["z"]), basins.settled)


def test_a_function_without_minima_has_no_minimum_view():
    saddle = OBJECTIVES["saddle"]
    assert views_of(saddle) == ("loss", "steps")
    basins = basin_map(saddle, "sgd", resolution=6, steps=80, lr=0.05)
    with pytest.raises(ValueError, match="minima"):
        basin_figure(saddle, basins, "minimum")
    data = spec(basin_figure(saddle, basins, "steps"))["data"]
    left = decoded(data[1]["z"])
    np.testing.assert_array_equal(left[basins.diverged], basins.last[basins.diverged] + 1)


def test_sweep_figure_marks_divergence_and_the_limit():
    rates = log_rates(1e-3, 0.1, 20)
    sweep = lr_sweep(QUADRATIC, ["sgd", "adam"], QUADRATIC.start, 200, rates)
    fig = spec(sweep_figure(QUADRATIC, sweep, "loss", limit=0.02))
    names = [t["name"] for t in fig["data"]]
    assert names[:2] == ["SGD", "SGD: diverged"] and "Adam" in names
    crosses = next(t for t in fig["data"] if t["name"] == "SGD: diverged")
    assert (decoded(crosses["x"]) > 0.02).all()
    assert len(decoded(crosses["x"])) == int(sweep[sweep.optimizer == "sgd"]["diverged"].sum())
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["yaxis"]["type"] == "log"
    assert fig["layout"]["shapes"][0]["x0"] == 0.02
    steps = spec(sweep_figure(QUADRATIC, sweep, "steps"))
    assert "shapes" not in steps["layout"] and steps["layout"]["yaxis"]["type"] == "linear"


def test_momentum_figure_draws_the_map_and_the_boundary():
    grid = momentum_map(
        QUADRATIC, QUADRATIC.start, 100, log_rates(1e-3, 0.1, 8), np.linspace(0, 0.9, 5)
    )
    fig = spec(momentum_figure(QUADRATIC, grid, lambda_max=100.0))
    heat = fig["data"][0]
    z = decoded(heat["z"])
    assert z.shape == (5, 8)
    diverged = grid.pivot(index="momentum", columns="lr", values="diverged").to_numpy()
    assert np.isnan(z[diverged]).all() and np.isfinite(z[~diverged]).all()
    boundary = fig["data"][-1]
    assert boundary["name"].startswith("stability limit")
    np.testing.assert_allclose(10 ** decoded(boundary["x"])[0], 0.02, rtol=1e-6)
    assert fig["layout"]["plot_bgcolor"] == DIVERGED_COLOUR


def test_curvature_figure_has_eigenvalues_and_condition():
    frame = curvature_along(QUADRATIC, [[1.0, 1.0], [0.5, 0.2], [0.0, 0.1]])
    fig = spec(curvature_figure(frame, "SGD"))
    assert [t["name"] for t in fig["data"]] == ["SGD: λ_max", "SGD: λ_min", "SGD: condition number"]
    np.testing.assert_allclose(decoded(fig["data"][2]["y"]), 100.0, rtol=1e-6)
    assert fig["layout"]["yaxis2"]["type"] == "log"


def test_a_200_by_200_map_stays_small():
    big = basin_map(HIMMELBLAU, "sgd", resolution=200, steps=5, lr=0.01)
    size = len(basin_figure(HIMMELBLAU, big, "loss").to_json())
    assert size < 700_000, size


def test_sweep_figure_without_finite_values():
    sweep = pd.DataFrame(
        {
            "optimizer": ["sgd", "sgd"],
            "lr": [1.0, 2.0],
            "final_loss": [np.nan, np.nan],
            "gap": [np.nan, np.nan],
            "settled": [-1, -1],
            "last": [3, 2],
            "diverged": [True, True],
            "final_x": [np.nan, np.nan],
            "final_y": [np.nan, np.nan],
        }
    )
    fig = spec(sweep_figure(QUADRATIC, sweep, "loss"))
    assert fig["data"][1]["text"] == ["diverged at step 4", "diverged at step 3"]


# ---- In Chinese -------------------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = {spec.name for spec in OPTIMIZERS.values()}
MATH = {"log₁₀(f − f_min)", "λ"}


def words(fig: dict) -> list[str]:
    """Titles, axis titles, subplot titles, legend names and colour-bar titles of a figure."""
    layout = fig["layout"]
    texts = [layout.get("title", {}).get("text")]
    texts += [v["title"]["text"] for k, v in layout.items() if "axis" in k and "title" in v]
    texts += [a["text"] for a in layout.get("annotations", []) if "=" not in a["text"]]
    for trace in fig["data"]:
        texts += [trace.get("name"), trace.get("colorbar", {}).get("title", {}).get("text")]
    return [t for t in texts if t and t not in NAMES | MATH]


def english_left(fig: dict) -> list[str]:
    return [t for t in words(fig) if re.search("[A-Za-z]{3,}", t) and not CJK.search(t)]


def test_basin_figures_in_chinese(basins):
    for view in ("minimum", "loss", "steps"):
        en = spec(basin_figure(HIMMELBLAU, basins, view))
        zh = spec(basin_figure(HIMMELBLAU, basins, view, lang="zh"))
        assert [t.get("z") for t in zh["data"]] == [t.get("z") for t in en["data"]]
        assert not english_left(zh), english_left(zh)
        assert zh["layout"]["title"]["text"] == "SGD：400 个起点 × 150 步"
    names = [t["name"] for t in spec(basin_figure(HIMMELBLAU, basins, lang="zh"))["data"]]
    assert sum(n.startswith("→ 最小值") for n in names) == 4 and "全局最小值" in names
    saddle = OBJECTIVES["saddle"]
    escape = basin_map(saddle, "sgd", resolution=6, steps=80, lr=0.05)
    assert not english_left(spec(basin_figure(saddle, escape, "steps", lang="zh")))
    with pytest.raises(Refusal) as refused:
        basin_figure(saddle, escape, "minimum", lang="zh")
    assert "最小值已知" in refused.value.message("zh")


def test_sweep_momentum_and_curvature_figures_in_chinese():
    sweep = lr_sweep(QUADRATIC, ["sgd", "adam"], QUADRATIC.start, 200, log_rates(1e-3, 0.1, 12))
    for metric in ("loss", "steps"):
        zh = spec(sweep_figure(QUADRATIC, sweep, metric, limit=0.02, lang="zh"))
        assert not english_left(zh), english_left(zh)
    zh = spec(sweep_figure(QUADRATIC, sweep, "loss", lang="zh"))
    assert "SGD：发散" in [t["name"] for t in zh["data"]]
    crosses = next(t for t in zh["data"] if t["name"] == "SGD：发散")
    assert all(s.startswith("在第 ") and s.endswith(" 步发散") for s in crosses["text"])
    with pytest.raises(Refusal) as refused:
        sweep_figure(QUADRATIC, sweep, "speed", lang="zh")
    assert "未知的指标 'speed'" in refused.value.message("zh")

    grid = momentum_map(
        QUADRATIC, QUADRATIC.start, 100, log_rates(1e-3, 0.1, 8), np.linspace(0, 0.9, 5)
    )
    en = spec(momentum_figure(QUADRATIC, grid, lambda_max=100.0))
    zh = spec(momentum_figure(QUADRATIC, grid, lambda_max=100.0, lang="zh"))
    assert zh["data"][0]["z"] == en["data"][0]["z"]
    assert not english_left(zh), english_left(zh)
    assert zh["data"][-1]["name"].startswith("稳定性边界")

    frame = curvature_along(QUADRATIC, [[1.0, 1.0], [0.5, 0.2], [0.0, 0.1]])
    zh = spec(curvature_figure(frame, "SGD", lang="zh"))
    assert [t["name"] for t in zh["data"]] == ["SGD：λ_max", "SGD：λ_min", "SGD：条件数"]
    assert [a["text"] for a in zh["layout"]["annotations"]][:2] == [
        "Hessian 特征值",
        "条件数 |λ|max / |λ|min",
    ]
    assert zh["layout"]["xaxis2"]["title"]["text"] == "步"
