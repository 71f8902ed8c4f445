"""Links to the batched-views page: every setting goes into the URL and comes back in a fresh
session with the same maps; hostile values fall back with a notice; teacher mode hides controls."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.runs.engine import available_devices
from tests.devices import each_accelerator
from tests.links import open_link, url_of
from tests.test_basins_app import MAP_TAB, SWEEP_TAB, charts, values

PAGE = str(Path(__file__).parent.parent / "app_pages" / "basins.py")
APP = str(Path(__file__).parent.parent / "app.py")


def fresh(params: dict, **state) -> AppTest:
    return open_link(PAGE, params, **state)


def chart_data(at: AppTest) -> str:
    """The numbers of every trace of every chart (z grids, x and y arrays), as JSON text so
    that NaN (a diverged start) compares equal to NaN."""
    out = []
    for figure in charts(at):
        for trace in figure["data"]:
            for axis in ("x", "y", "z"):
                data = trace.get(axis)
                if isinstance(data, dict) and "bdata" in data:
                    out.append(values(data).tolist())
                elif data is not None:
                    out.append(data)
    return json.dumps(out)


def test_the_default_page_writes_nothing_into_the_url():
    assert url_of(fresh({})) == {}


def test_a_basins_link_reproduces_settings_and_the_map():
    first = fresh({})
    first.selectbox(key="bv_fn").set_value("booth").run()
    first.selectbox(key="bv_opt").set_value("adam").run()
    first.select_slider(key="hp_bv_adam_lr").set_value(0.5).run()
    first.number_input(key="bv_steps").set_value(120).run()
    first.select_slider(key="bv_grid").set_value(40).run()
    first.select_slider(key="bv_tol").set_value(2.0).run()
    first.radio(key="bv_view").set_value("steps").run()
    link = url_of(first)
    assert link == {"bv_fn": "booth", "bv_opt": "adam", "hp_bv_adam_lr": "0.5", "bv_steps": "120",
                    "bv_grid": "40", "bv_tol": "2.0", "bv_view": "steps"}  # fmt: skip

    second = fresh(link)
    for name in ("bv_fn", "bv_opt", "hp_bv_adam_lr", "bv_steps", "bv_grid", "bv_tol", "bv_view"):
        assert second.session_state[name] == first.session_state[name], name
    assert values(charts(second)[0]["data"][0]["z"]).shape == (40, 40)
    assert chart_data(second) == chart_data(first)
    assert url_of(second) == link


def test_a_sweep_link_reproduces_the_tab_its_settings_and_the_curves():
    first = fresh({}, bv_tab=SWEEP_TAB)
    first.selectbox(key="bv_fn").set_value("quadratic").run()
    first.multiselect(key="bv_sweep_opts").set_value(["sgd", "rmsprop"]).run()
    first.select_slider(key="bv_lr_range").set_value((0.001, 0.1)).run()
    first.select_slider(key="bv_rates").set_value(80).run()
    first.number_input(key="bv_x").set_value(1.5).run()
    first.radio(key="bv_metric").set_value("steps").run()
    link = url_of(first)
    assert link["bv_tab"] == "sweep" and link["bv_lr_range"] == "0.001,0.1"
    assert link["bv_sweep_opts"] == "sgd,rmsprop" and link["bv_x"] == "1.5"

    second = fresh(link)
    assert second.session_state["bv_tab"] == SWEEP_TAB
    assert tuple(second.session_state["bv_lr_range"]) == (0.001, 0.1)
    assert [t["name"] for t in charts(second)[0]["data"]][:1] == ["SGD"]
    assert chart_data(second) == chart_data(first)
    assert url_of(second) == link


def test_a_momentum_map_link_reproduces_the_map():
    first = fresh({}, bv_tab=MAP_TAB)
    first.selectbox(key="bv_mm_fn").set_value("rosenbrock").run()
    first.radio(key="bv_mm_opt").set_value("nesterov").run()
    first.select_slider(key="bv_mm_side").set_value(12).run()
    first.select_slider(key="bv_mm_range").set_value((0.0001, 0.001)).run()
    link = url_of(first)
    assert link == {"bv_tab": "momentum", "bv_mm_fn": "rosenbrock", "bv_mm_opt": "nesterov",
                    "bv_mm_side": "12", "bv_mm_range": "0.0001,0.001"}  # fmt: skip
    second = fresh(link)
    assert chart_data(second) == chart_data(first)
    z = values(charts(second)[0]["data"][0]["z"])
    assert z.shape == (12, 12)


HOSTILE = [
    {"bv_fn": "<script>alert(1)</script>"},
    {"bv_opt": "__import__('os')"},
    {"bv_steps": "nan"},
    {"bv_steps": "1e400"},
    {"bv_steps": "-5"},
    {"bv_steps": "99999999999999999999"},
    {"bv_grid": "100000"},
    {"bv_grid": "inf"},
    {"bv_tol": "-1"},
    {"hp_bv_sgd_lr": "1e400"},
    {"hp_bv_momentum_momentum": "NaN", "bv_opt": "momentum"},
    {"bv_view": "x" * 10_000},
    {"bv_device": "cuda:7"},
    {"bv_tab": "sweep", "bv_sweep_opts": "sgd,lbfgs"},
    {"bv_tab": "sweep", "bv_lr_range": "1e-7,1e400"},
    {"bv_tab": "sweep", "bv_lr_range": "0.001"},
    {"bv_tab": "sweep", "bv_rates": "1000000"},
    {"bv_tab": "sweep", "bv_x": "inf"},
    {"bv_tab": "momentum", "bv_mm_side": "\x00"},
    {"bv_tab": "momentum", "bv_mm_opt": "adam"},
    {"bv_tab": "<b>bold</b>"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: ",".join(p)[:40])
def test_hostile_links_render_with_defaults_and_a_notice(params):
    at = fresh(params)
    notices = [w.value for w in at.warning]
    assert any("Ignored" in n for n in notices), notices
    assert len(charts(at)) == 1  # the tab still draws, with the defaults
    shown = notices + [m.value for m in at.markdown] + [c.value for c in at.caption]
    hostile = [v for v in params.values() if v not in ("sweep", "momentum")]
    assert not any(v in text for v in hostile for text in shown)  # a refused value is not echoed


def test_a_sweep_start_outside_the_box_is_replaced_with_a_notice():
    at = fresh({"bv_tab": "sweep", "bv_fn": "himmelblau", "bv_x": "1e6"})
    (notice,) = [w.value for w in at.warning]
    assert "outside the box" in notice and "(1e+06, " in notice
    assert at.number_input(key="bv_x").value == 0.0  # Himmelblau's start
    assert len(charts(at)) == 1


def test_teacher_mode_hides_the_chosen_controls_and_keeps_the_links_values():
    at = fresh({"bv_opt": "adam", "hp_bv_adam_lr": "0.2"}, hide=("optimizers", "lr", "options"))
    shown = {w.key for kind in ("selectbox", "select_slider") for w in at.get(kind)}
    assert "bv_opt" not in shown and "hp_bv_adam_lr" not in shown and "bv_grid" not in shown
    assert "bv_fn" in shown and "hp_bv_adam_eps" in shown  # hyper, not hidden
    assert charts(at)[0]["layout"]["title"]["text"].startswith("Adam: 6,400 starts")


def test_teacher_mode_through_the_app():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["hide"] = "function,steps"
    at.run()
    at.switch_page("app_pages/basins.py").run()
    assert not at.exception
    shown = {w.key for kind in ("selectbox", "number_input") for w in at.sidebar.get(kind)}
    assert "bv_fn" not in shown and "bv_steps" not in shown and "bv_opt" in shown
    assert at.query_params["hide"] == "function,steps"


def test_the_basin_maps_device_picker_offers_what_torch_has():
    assert fresh({}).selectbox(key="bv_device").options == available_devices()


@each_accelerator
def test_the_basin_map_on_an_accelerator_draws_the_cpus(device):
    at = fresh({})
    picker = at.selectbox(key="bv_device")
    on_cpu = values(charts(at)[0]["data"][0]["z"])
    picker.set_value(device).run()
    assert not at.exception
    assert (values(charts(at)[0]["data"][0]["z"]) == on_cpu).mean() >= 0.99
    assert url_of(at) == {"bv_device": device}
