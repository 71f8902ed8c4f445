"""The batched-views page through AppTest: it renders, reacts to its widgets, refuses clearly."""

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.runs.engine import available_devices

PAGE = str(Path(__file__).parent.parent / "app_pages" / "basins.py")
SWEEP_TAB, MAP_TAB = "Learning-rate sweep", "Momentum map"


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def names(figure: dict) -> list[str]:
    return [trace.get("name") or "" for trace in figure["data"]]


def values(array) -> np.ndarray:
    data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return data.reshape([int(n) for n in array["shape"].split(",")]) if "shape" in array else data


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_default_basins_of_himmelblau_under_gradient_descent(page):
    (figure,) = charts(page)
    legend = [n for n in names(figure) if n.startswith("→ minimum")]
    assert len(legend) == 4
    counts = [int(n.rsplit(": ", 1)[1].replace(",", "")) for n in legend]
    assert sum(counts) == 80 * 80 and min(counts) > 1000  # four basins, every start in one
    assert values(figure["data"][0]["z"]).shape == (80, 80)
    assert figure["layout"]["title"]["text"].startswith("SGD: 6,400 starts × 200 steps")
    assert "6,400 reached a minimum" in captions(page)


def test_changing_the_view_recolours_the_map(page):
    before = charts(page)[0]
    page.radio(key="bv_view").set_value("loss").run()
    assert not page.exception
    after = charts(page)[0]
    assert after["data"][1]["colorbar"]["title"]["text"] == "log₁₀(f − f_min)"
    assert after["data"][0]["z"] != before["data"][0]["z"]


def test_changing_the_optimizer_and_its_settings_changes_the_map(page):
    before = charts(page)[0]["data"][0]["z"]
    page.selectbox(key="bv_opt").set_value("adam").run()
    assert not page.exception
    figure = charts(page)[0]
    assert figure["layout"]["title"]["text"].startswith("Adam:")
    assert figure["data"][0]["z"] != before
    page.select_slider(key="hp_bv_adam_lr").set_value(0.5).run()
    assert charts(page)[0]["data"][0]["z"] != figure["data"][0]["z"]


def test_the_grid_size_is_a_setting(page):
    page.select_slider(key="bv_grid").set_value(40).run()
    assert values(charts(page)[0]["data"][0]["z"]).shape == (40, 40)


def test_lbfgs_is_explained_not_run(page):
    page.selectbox(key="bv_opt").set_value("lbfgs").run()
    assert not page.exception
    assert not page.get("plotly_chart")
    assert "not elementwise" in page.info[0].value


def test_a_function_without_minima_offers_loss_and_escape_views(page):
    page.selectbox(key="bv_fn").set_value("saddle").run()
    assert not page.exception
    assert page.radio(key="bv_view").options == ["final loss", "step it left the region"]
    assert "has no minimum" in page.info[0].value
    assert charts(page)


def test_the_learning_rate_sweep_marks_divergence_and_the_limit(page):
    page.selectbox(key="bv_fn").set_value("quadratic").run()
    page.session_state["bv_tab"] = SWEEP_TAB
    page.run()
    assert not page.exception
    (figure,) = charts(page)
    assert {"SGD", "SGD: diverged", "Momentum", "Adam"} <= set(names(figure))
    assert len(values(figure["data"][0]["x"])) == 60
    assert figure["layout"]["shapes"][0]["x0"] == pytest.approx(0.02)
    assert "2/λ_max = 0.02" in captions(page)
    assert "SGD: no divergence up to lr = 0.01" in captions(page)
    page.radio(key="bv_metric").set_value("steps").run()
    assert charts(page)[0]["layout"]["yaxis"]["title"]["text"] == "steps to converge"
    page.multiselect(key="bv_sweep_opts").set_value(["rmsprop"]).run()
    assert names(charts(page)[0])[0] == "RMSprop"


def test_the_momentum_map_on_the_quadratic(page):
    page.session_state["bv_tab"] = MAP_TAB
    page.run()
    assert not page.exception
    (figure,) = charts(page)
    assert values(figure["data"][0]["z"]).shape == (24, 24)
    assert any(n.startswith("stability limit") for n in names(figure))
    page.select_slider(key="bv_mm_side").set_value(12).run()
    small = charts(page)[0]
    assert values(small["data"][0]["z"]).shape == (12, 12)
    page.radio(key="bv_mm_opt").set_value("nesterov").run()
    assert not page.exception and charts(page)[0]["data"][0]["z"] != small["data"][0]["z"]


def test_the_momentum_map_tab_shows_only_its_own_function_picker(page):
    page.selectbox(key="bv_fn").set_value("rosenbrock").run()
    page.select_slider(key="bv_grid").set_value(40).run()
    page.session_state["bv_tab"] = MAP_TAB
    page.run()
    pickers = [w.key for w in page.get("selectbox") if w.key in ("bv_fn", "bv_mm_fn")]
    assert pickers == ["bv_mm_fn"]  # the basin map's function, optimizer and grid: not drawn
    sidebar = {w.key for kind in ("selectbox", "select_slider") for w in page.sidebar.get(kind)}
    assert sidebar == {"bv_tol"}  # what the map uses, beside steps
    assert page.number_input(key="bv_steps")
    page.session_state["bv_tab"] = "Basins of attraction"
    page.run()  # back: the basin settings are as they were
    assert page.selectbox(key="bv_fn").value == "rosenbrock"
    assert page.select_slider(key="bv_grid").value == 40


def test_an_empty_rate_range_is_refused_with_a_message(page):
    page.session_state["bv_tab"] = SWEEP_TAB
    page.run()
    page.select_slider(key="bv_lr_range").set_value((0.01, 0.01)).run()
    assert not page.exception
    assert "must be below" in page.error[0].value
    assert not page.get("plotly_chart")


@pytest.mark.parametrize(
    "forged",
    [
        {"bv_fn": "no_such_function", "bv_grid": 5_000, "bv_steps": 10**9},
        {"bv_view": "what", "bv_opt": "no_such_optimizer"},
        {"hp_bv_sgd_weight_decay": 7.0, "hp_bv_sgd_lr": "abc"},
        {"bv_tab": SWEEP_TAB, "bv_metric": "zzz", "bv_x": 1e9, "bv_rates": 10_000},
        {"bv_tab": MAP_TAB, "bv_mm_opt": "adam", "bv_mm_side": 1_000, "bv_mm_fn": "nope"},
        {"bv_tab": "no such tab"},
    ],
)
def test_forged_session_values_fall_back_to_defaults(forged):
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in forged.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception
    assert len(charts(at)) == 1  # the default view of the tab, drawn


# ---- In Chinese -------------------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_TABS = {"basins": "吸引盆", "sweep": "学习率扫描", "momentum": "动量图"}
PROPER_NAMES = (
    {spec.name for spec in OPTIMIZERS.values()}
    | {o.name for o in OBJECTIVES.values()}
    | set(available_devices())  # torch's device names
)
MATH = {"log₁₀(f − f_min)"}  # colour-bar titles that are a formula


def chinese_page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "zh"
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def english_left(at: AppTest) -> list[str]:
    """Every piece of prose on the page without a Chinese character: elements, widget labels,
    help, options of the page's own choices, chart titles, axes, legends and colour bars. Names of
    optimizers and functions, and formulas, are the same in both languages."""
    texts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "error", "warning"):
        texts += [element.value for element in at.get(kind)]
    texts += [tab.label for tab in at.get("tab")]
    texts += [expander.label for expander in at.get("expander")]
    for kind in ("selectbox", "radio", "select_slider", "number_input", "multiselect"):
        for widget in at.get(kind):
            texts += [widget.label] + ([widget.help] if widget.help else [])
    for kind in ("radio", "selectbox", "multiselect"):  # hp_* options are torch's values
        for widget in at.get(kind):
            if widget.key.startswith("bv_"):
                texts += [o for o in widget.options if o not in PROPER_NAMES]
    for figure in charts(at):
        layout = figure["layout"]
        texts += [layout[axis]["title"]["text"] for axis in ("xaxis", "yaxis")]
        if "title" in layout:
            texts.append(layout["title"]["text"])
        for trace in figure["data"]:
            texts += [trace["name"]] if trace.get("name") not in PROPER_NAMES | MATH else []
            title = trace.get("colorbar", {}).get("title", {}).get("text")
            texts += [title] if title and title not in MATH else []
    return [t for t in texts if t and re.search("[A-Za-z]", t) and not CJK.search(t)]


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"bv_view": "loss"},
        {"bv_view": "steps"},
        {"bv_fn": "saddle", "bv_view": "steps"},
        {"bv_opt": "lbfgs"},
        {"bv_fn": "quadratic", "bv_tab": ZH_TABS["sweep"]},
        {"bv_fn": "quadratic", "bv_tab": ZH_TABS["sweep"], "bv_metric": "steps"},
        {"bv_tab": ZH_TABS["momentum"]},
        {"bv_tab": ZH_TABS["momentum"], "bv_mm_fn": "rosenbrock", "bv_mm_opt": "nesterov"},
    ],
    ids=lambda state: ",".join(f"{k}={v}" for k, v in state.items()) or "default",
)
def test_the_page_in_chinese_has_no_english_prose(state):
    at = chinese_page(**state)
    assert at.title[0].value == "批量视图"
    assert [tab.label for tab in at.get("tab")] == list(ZH_TABS.values())
    assert not english_left(at), english_left(at)
    if "bv_opt" not in state:
        assert charts(at)


def test_the_basin_map_in_chinese_has_the_same_numbers():
    en, zh = AppTest.from_file(PAGE, default_timeout=60), chinese_page()
    en.run()
    (english,), (chinese,) = charts(en), charts(zh)
    assert english["data"][0]["z"] == chinese["data"][0]["z"]
    assert chinese["layout"]["title"]["text"].startswith("SGD：6,400 个起点 × 200 步")
    assert sum(n.startswith("→ 最小值") for n in names(chinese)) == 4
    assert "其中 6,400 个到达了最小值" in captions(zh)


def test_chinese_explanations_and_refusals():
    lbfgs = chinese_page(bv_opt="lbfgs")
    assert "不是逐元素优化器" in lbfgs.info[0].value
    saddle = chinese_page(bv_fn="saddle")
    assert saddle.info[0].value.startswith("鞍面没有最小值")  # no space left inside Chinese
    assert saddle.radio(key="bv_view").options == ["最终损失", "离开区域时的步数"]
    sweep = chinese_page(bv_fn="quadratic", bv_tab=ZH_TABS["sweep"])
    assert "L-BFGS" in sweep.multiselect(key="bv_sweep_opts").help
    assert "病态二次函数是二次函数" in captions(sweep) and "2/λ_max = 0.02" in captions(sweep)
    assert "SGD：直到 lr = 0.01" in captions(sweep)
    assert {"SGD", "SGD：发散", "Adam"} <= set(names(charts(sweep)[0]))
    sweep.select_slider(key="bv_lr_range").set_value((0.01, 0.01)).run()
    assert "第一个学习率必须小于第二个" in sweep.error[0].value
    momentum = chinese_page(bv_tab=ZH_TABS["momentum"])
    assert any(n.startswith("稳定性边界") for n in names(charts(momentum)[0]))
    assert "虚线是该二次函数的稳定性边界" in captions(momentum)


def test_switching_the_language_keeps_the_open_tab():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["bv_tab"] = SWEEP_TAB
    at.run()
    assert names(charts(at)[0])[0] == "SGD"
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.session_state["bv_tab"] == ZH_TABS["sweep"]
    assert at.get("tab")[1].label == ZH_TABS["sweep"] and names(charts(at)[0])[0] == "SGD"
    at.session_state["lang"] = "en"
    at.run()
    assert at.session_state["bv_tab"] == SWEEP_TAB
