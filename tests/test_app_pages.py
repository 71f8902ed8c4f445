"""Pages through AppTest: they render, react to their widgets, and report bad input clearly."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.problems.objectives import OBJECTIVES
from core.runs.engine import available_devices
from core.text.i18n import text
from tests.devices import each_accelerator
from tests.test_figures import race_path

APP = str(Path(__file__).parent.parent / "app.py")


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def race_spec(at: AppTest) -> dict:
    """The animated race figure: the chart with frames."""
    return next(spec for spec in charts(at) if spec.get("frames"))


def values(array) -> np.ndarray:
    """A Plotly array from the figure JSON: a plain list or a base64 typed array."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=float)


def open_tab(at: AppTest, tab: str) -> AppTest:
    """Open one of the Playground's tabs (by its string key, e.g. "tab_code"), as a click does."""
    at.session_state["playground_tab"] = text(tab, "en")
    return at.run()


def trace_names(spec: dict) -> list[str]:
    return [trace.get("name") for trace in spec["data"] if trace.get("name")]


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_core_never_imports_streamlit():
    paths = list((Path(__file__).parent.parent / "core").rglob("*.py"))
    assert len(paths) > 30
    for path in paths:
        text = path.read_text()
        assert "import streamlit" not in text and "from streamlit" not in text, path.name


def test_playground_renders_the_default_race(app):
    spec = race_spec(app)
    assert {"SGD", "Momentum", "Adam", "RMSprop"} <= set(trace_names(spec))
    assert "global minimum" in trace_names(spec)
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert 2 <= len(spec["frames"]) <= 120
    assert app.title[0].value == "Rosenbrock"
    summary = app.dataframe[-1].value
    assert len(summary) == 4 and list(summary.iloc[:, 0]) == ["SGD", "Momentum", "Adam", "RMSprop"]
    assert len(app.get("download_button")) == 1  # the iterates (CSV); the script is in its tab


def test_a_visit_builds_only_the_open_tab(app):
    """What a visit costs the server: the race tab alone. The 3-D surface, the inspector, the
    curvature and the script are built only when their tab is opened."""

    def built(at: AppTest) -> dict[str, bool]:
        specs = charts(at)
        return {
            "race": any(spec.get("frames") for spec in specs),
            "surface": any(t["type"] == "surface" for spec in specs for t in spec["data"]),
            "inspector": any(w.key == "inspect_opt" for w in at.selectbox),
            "curvature": any(w.key == "curvature_opt" for w in at.selectbox),
            "code": any("import torch" in c.value for c in at.code),
        }

    assert built(app) == dict.fromkeys(
        ("race", "surface", "inspector", "curvature", "code"), False
    ) | {"race": True}
    for tab, name in (
        ("tab_surface", "surface"),
        ("tab_inspector", "inspector"),
        ("tab_curvature", "curvature"),
        ("tab_code", "code"),
    ):
        shown = built(open_tab(app, tab))
        assert not app.exception
        assert [k for k, v in shown.items() if v] == [name], tab


def test_changing_the_function_changes_landscape_minima_and_start(app):
    before = race_spec(app)
    app.selectbox(key="fn").set_value("himmelblau").run()
    assert not app.exception
    after = race_spec(app)
    minima = next(t for t in after["data"] if t.get("name") == "global minimum")
    assert len(minima["x"]) == 4
    assert after["layout"]["images"][0]["source"] != before["layout"]["images"][0]["source"]
    assert (app.session_state.start_x, app.session_state.start_y) == OBJECTIVES["himmelblau"].start


def test_changing_optimizers_changes_the_traces(app):
    app.multiselect(key="opts").set_value(["adam", "nadam"]).run()
    assert not app.exception
    names = trace_names(race_spec(app))
    assert "NAdam" in names and "SGD" not in names


def test_changing_a_learning_rate_changes_that_path_only(app):
    def paths(spec):
        return {name: race_path(spec, name)["x"] for name in ("SGD", "Adam")}

    before = paths(race_spec(app))
    app.select_slider(key="hp_adam_lr").set_value(0.01).run()
    after = paths(race_spec(app))
    assert after["Adam"] != before["Adam"] and after["SGD"] == before["SGD"]


def test_changing_the_start_moves_the_start_marker(app):
    app.number_input(key="start_x").set_value(0.5).run()
    start = next(t for t in race_spec(app)["data"] if t.get("name") == "start")
    assert values(start["x"]).tolist() == [0.5]


def test_divergence_shows_a_message_not_a_traceback(app):
    app.select_slider(key="hp_sgd_lr").set_value(1.0).run()
    assert not app.exception
    messages = [w.value for w in app.warning]
    assert any(m.startswith("SGD diverged at step") or m.startswith("SGD left") for m in messages)


def test_the_device_picker_offers_what_torch_has(app):
    picker = app.selectbox(key="device")
    assert picker.options == available_devices() and picker.value == "cpu"


@each_accelerator
def test_the_race_on_an_accelerator_ends_where_the_cpus_does(app, device):
    picker = app.selectbox(key="device")
    on_cpu = app.dataframe[-1].value
    picker.set_value(device).run()
    assert not app.exception
    summary = app.dataframe[-1].value
    assert list(summary["stop"]) == list(on_cpu["stop"])  # every optimizer completes
    np.testing.assert_allclose(
        summary[["final x", "final y"]].to_numpy(float),
        on_cpu[["final x", "final y"]].to_numpy(float),
        rtol=1e-4,
        atol=1e-5,
    )


def test_no_optimizer_asks_for_one(app):
    app.multiselect(key="opts").set_value([]).run()
    assert not app.exception
    assert "Pick at least one optimizer" in app.info[0].value


def test_forged_session_values_are_capped_on_the_server():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state.fn = "no_such_function"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Rosenbrock"


def test_autograd_lab_is_reachable_from_the_app(app):
    app.switch_page("app_pages/autograd_lab.py").run()
    assert not app.exception
    shown = " ".join(str(c.value) for c in app.code)
    assert "tensor(-2.)" in shown and "tensor(2.)" in shown


def test_a_schedule_shows_the_learning_rate_per_step(app):
    assert not any(
        spec["layout"].get("title", {}).get("text") == "learning rate per step"
        for spec in charts(app)
    )
    app.selectbox(key="sched_sgd").set_value("step").run()
    assert not app.exception
    lr_chart = next(
        s
        for s in charts(app)
        if s["layout"].get("title", {}).get("text") == "learning rate per step"
    )
    lrs = {t["name"]: values(t["y"]) for t in lr_chart["data"]}
    assert list(lrs) == ["SGD", "Momentum", "Adam", "RMSprop"]
    sgd = lrs["SGD"]
    # Halved every 100 steps: three levels over the 300 updates.
    assert len(np.unique(sgd[:300])) == 3 and sgd[150] == pytest.approx(sgd[0] / 2)
    assert len(np.unique(lrs["Adam"])) == 1


def test_custom_formula_races_with_an_estimated_minimum(app):
    app.selectbox(key="fn").set_value("custom").run()
    assert not app.exception
    spec = race_spec(app)
    assert "estimated minimum" in trace_names(spec)
    assert app.title[0].value == "Custom formula"
    assert "sin(x) * cos(y)" in app.code[0].value
    app.text_input(key="formula").set_value("(x - 1)^2 + (y + 2)^2").run()
    minimum = next(t for t in race_spec(app)["data"] if t.get("name") == "estimated minimum")
    assert values(minimum["x"])[0] == pytest.approx(1.0, abs=1e-6)
    assert values(minimum["y"])[0] == pytest.approx(-2.0, abs=1e-6)
    app.number_input(key="steps").set_value(120).run()  # the formula survives other reruns
    assert app.session_state.formula == "(x - 1)^2 + (y + 2)^2"
    assert not app.exception


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("().__class__.__bases__[0]", "Unexpected '_' at character 4"),
        ("x +* y", "at character"),
        ("z + 1", "Unknown name 'z'"),
        ("", "Type a formula"),
    ],
)
def test_a_bad_formula_shows_its_error_under_the_field(app, formula, message):
    app.selectbox(key="fn").set_value("custom").run()
    app.text_input(key="formula").set_value(formula).run()
    assert not app.exception
    assert message in app.sidebar.error[0].value
    assert message in app.main.error[0].value  # where the race would be
    assert not app.main.get("plotly_chart")


def test_an_empty_box_is_refused_with_a_message(app):
    app.selectbox(key="fn").set_value("custom").run()
    app.number_input(key="box_x1").set_value(-5.0).run()
    assert not app.exception
    assert "x range is empty" in app.sidebar.error[0].value


def test_a_pinned_run_stays_as_a_faded_ghost_beside_the_new_one(app):
    app.button(key="pin").click().run()
    app.select_slider(key="hp_adam_lr").set_value(0.01).run()
    spec = race_spec(app)
    ghosts = {t["name"]: t for t in spec["data"] if "(pinned)" in (t.get("name") or "")}
    assert set(ghosts) == {"SGD (pinned)", "Momentum (pinned)", "Adam (pinned)", "RMSprop (pinned)"}
    adam_now = race_path(spec, "Adam")
    assert values(ghosts["Adam (pinned)"]["x"]).tolist() != values(adam_now["x"]).tolist()
    assert ghosts["Adam (pinned)"]["line"]["dash"] == "dot"
    app.button(key="clear_pin").click().run()
    assert not any("(pinned)" in (t.get("name") or "") for t in race_spec(app)["data"])


def test_an_unexpected_error_shows_a_friendly_message_not_a_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    # Where the page's views call it (a module imported once, unlike the page script).
    monkeypatch.setattr("app_pages.playground_views.race_figure", broken)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "Something went wrong" in at.error[0].value
    # Only the type and a log reference: a message can hold server paths.
    assert at.code[-1].value.startswith("RuntimeError; the server log has the details")
    assert "simulated failure" not in at.code[-1].value


def test_code_tab_shows_a_torch_only_script_of_this_race(app):
    open_tab(app, "tab_code")
    assert len(app.get("download_button")) == 2  # iterates (CSV) and the script
    script = next(c.value for c in app.code if "import torch" in c.value)
    assert "torch.optim.Adam(" in script and "torch.optim.RMSprop(" in script
    assert "STEPS = 300" in script
    app.number_input(key="steps").set_value(77).run()
    assert any("STEPS = 77" in c.value for c in app.code)


def test_inspector_fills_the_update_equation_for_the_chosen_step(app):
    from core.analysis.inspector import inspect_run
    from core.optim.optimizers import OPTIMIZERS

    open_tab(app, "tab_inspector")
    app.selectbox(key="inspect_opt").set_value("adam").run()
    app.slider(key="inspect_t").set_value(5).run()
    assert not app.exception
    objective = OBJECTIVES["rosenbrock"]
    hyper = OPTIMIZERS["adam"].defaults_for(objective)
    expected = inspect_run(objective, "adam", objective.start, 300, 5, hyper=hyper)
    shown = [m.value.strip("$\n") for m in app.latex]
    assert [line.strip() for line in expected.shown] == [s.strip() for s in shown]
    assert shown[0].startswith(r"g_t = \nabla f(x_t) = ")  # symbols first, then the numbers
    assert app.dataframe[0].value.equals(expected.table)


def test_curvature_tab_shows_the_quadratics_constant_eigenvalues(app):
    app.selectbox(key="fn").set_value("quadratic").run()
    open_tab(app, "tab_curvature")
    spec = next(s for s in charts(app) if any("λ" in (t.get("name") or "") for t in s["data"]))
    eigen = [values(t["y"]) for t in spec["data"] if "λ" in (t.get("name") or "")]
    assert any(np.allclose(e, 100.0) for e in eigen) and any(np.allclose(e, 1.0) for e in eigen)
