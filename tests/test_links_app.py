"""Links through the app: settings -> URL -> fresh session -> same settings, same race."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.links import open_link, url_of
from tests.test_app_pages import race_spec, trace_names, values
from tests.test_figures import race_path

APP = str(Path(__file__).parent.parent / "app.py")
CJK = re.compile(r"[\u4e00-\u9fff]")


def fresh(params: dict) -> AppTest:
    return open_link(APP, params)


def paths(at: AppTest) -> dict:
    spec = race_spec(at)
    names = {"SGD", "Momentum", "Adam", "RMSprop", "NAdam"} & set(trace_names(spec))
    return {name: (values(race_path(spec, name)["x"]).tolist(),
                   values(race_path(spec, name)["y"]).tolist()) for name in names}  # fmt: skip


def test_a_link_reproduces_settings_and_trajectories():
    first = fresh({})
    first.selectbox(key="fn").set_value("himmelblau").run()
    first.multiselect(key="opts").set_value(["adam", "nadam"]).run()
    first.select_slider(key="hp_adam_lr").set_value(0.02).run()
    first.number_input(key="start_x").set_value(-1.5).run()
    first.number_input(key="steps").set_value(120).run()
    link = url_of(first)
    assert link["fn"] == "himmelblau" and link["opts"] == "adam,nadam"

    second = fresh(link)
    for key in ("fn", "opts", "hp_adam_lr", "start_x", "start_y", "steps"):
        assert second.session_state[key] == first.session_state[key], key
    assert paths(second) == paths(first)
    assert url_of(second) == link


def test_a_custom_formula_travels_in_the_link():
    at = fresh({"fn": "custom", "formula": "(x - 1)^2 + y^2", "box_x0": "-2", "box_x1": "3"})
    assert "estimated minimum" in trace_names(race_spec(at))
    assert at.session_state.box_x1 == 3.0
    assert url_of(at)["formula"] == "(x - 1)^2 + y^2"


HOSTILE = [
    {"fn": "<script>alert(1)</script>"},
    {"steps": "nan"},
    {"steps": "1e400"},
    {"steps": "0"},
    {"steps": "-3"},
    {"start_x": "inf"},
    {"start_x": "-1e300"},
    {"opts": "sgd,__import__"},
    {"hp_adam_lr": "-1"},
    {"formula": "x" * 10_000, "fn": "custom"},
    {"fn": "custom", "formula": "().__class__"},
    {"lang": "fr"},
    {"hide": "everything"},
    {"noise": "\x00"},
    {"device": "cuda:7"},
    {"box_x0": "5", "box_x1": "-5", "fn": "custom"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_links_render_with_defaults_and_a_notice(params):
    at = fresh(params)
    notices = [w.value for w in at.warning] + [e.value for e in at.error]
    assert notices, "a refused value must be announced"
    if not at.error:  # unless the link asks for a formula or box that cannot run, the race draws
        assert race_spec(at)["frames"]


def test_teacher_mode_hides_the_chosen_controls():
    at = fresh({"hide": "optimizers,lr", "opts": "sgd,adam"})
    keys = {w.key for w in at.sidebar.get("multiselect")} | {
        w.key for w in at.sidebar.get("select_slider")
    }
    assert "opts" not in keys and not any(k and k.endswith("_lr") for k in keys)
    assert {"SGD", "Adam"} <= set(trace_names(race_spec(at)))  # hidden, still applied
    assert url_of(at)["hide"] == "optimizers,lr"


def test_chinese_everywhere_on_the_playground():
    at = fresh({"lang": "zh"})
    labels = [w.label for kind in ("selectbox", "multiselect", "number_input", "button")
              for w in at.sidebar.get(kind)]  # fmt: skip
    assert labels and all(CJK.search(label) or label in {"x", "y"} for label in labels), labels
    assert CJK.search(at.subheader[0].value)
    spec = race_spec(at)
    assert CJK.search(spec["layout"]["xaxis3"]["title"]["text"])  # the panels' axis titles
    assert CJK.search(spec["layout"]["yaxis2"]["title"]["text"])
    assert any(CJK.search(b["label"]) for b in spec["layout"]["updatemenus"][0]["buttons"])


def test_a_start_outside_the_box_is_replaced_by_the_default_with_a_notice():
    at = fresh({"fn": "himmelblau", "start_x": "400", "start_y": "-3"})
    (notice,) = [w.value for w in at.sidebar.warning]
    assert notice == (
        "The start (400, -3) lies outside the box of Himmelblau; using its default start (0, -0.5)."
    )
    assert (at.session_state.start_x, at.session_state.start_y) == (0.0, -0.5)
    assert race_spec(at)["frames"]
    assert "start_x" not in url_of(at)  # the link is corrected to what ran
    at.number_input(key="steps").set_value(50).run()
    assert not at.sidebar.warning  # said once, not on every run


def test_an_lbfgs_line_search_that_meets_nan_shows_a_diverged_run_not_a_crash():
    at = fresh(
        {"fn": "custom", "formula": "log(x)+y^2", "opts": "lbfgs", "start_x": "1", "start_y": "1"}
    )
    note = "L-BFGS diverged at step 3: its line search met a loss of nan"
    assert any(w.value.startswith(note) for w in at.warning), [w.value for w in at.warning]
    assert "L-BFGS" in trace_names(race_spec(at))
    summary = at.dataframe[-1].value
    assert summary["stop"].iloc[0] == "diverged at step 3"  # in short: the warning has it all


def test_the_labs_lbfgs_link_on_a_downward_parabola_shows_a_diverged_run_not_a_crash():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    link = {"lab_optimizer": "lbfgs", "lab_a": "-1", "lab_b": "0", "lab_x0": "1", "lab_lr": "1"}
    for name, value in link.items():  # the link arrives as a page switch with its parameters
        at.query_params[name] = value
    at.switch_page("app_pages/autograd_lab.py").run()
    assert not at.exception, at.exception
    (error,) = [e.value for e in at.error]
    assert "L-BFGS diverged at step" in error and "its line search met f = -inf" in error
    assert at.session_state.lab_optimizer == "lbfgs" and at.session_state.lab_a == -1.0


@pytest.mark.parametrize(
    ("params", "en", "zh"),
    [
        ({"steps": "0"}, "not a number from 1 to 5000", "不在 1 到 5000 的范围内"),
        ({"opts": "sgd,sgd"}, "unknown or repeated entries", "其中有未知或重复的项"),
        ({"project": "maybe"}, "not true or false", "不是 true 或 false"),
        ({"steps": "2.5"}, "not a whole number", "不是整数"),
    ],
)
def test_why_a_link_value_was_ignored_is_said_in_the_pages_language(params, en, zh):
    for lang, reason in (("en", en), ("zh", zh)):
        notices = [w.value for w in fresh({**params, "lang": lang}).warning]
        assert any(reason in notice for notice in notices), notices
        if lang == "zh":  # no English left in the Chinese notice but the key and the values
            notice = next(n for n in notices if reason in n)
            assert not re.search(r"\b(not|unknown|entries|number)\b", notice), notice
