"""The Playground's typed input through AppTest: a refused formula or box is explained where the
race would be, in the page's language and with its position; the other settings and the link
stay as they were; a custom formula starts where there is a race to watch."""

from pathlib import Path

import numpy as np
import pytest

from tests.links import open_link, url_of
from tests.test_app_pages import race_spec, values
from tests.test_figures import race_path

APP = str(Path(__file__).parent.parent / "app.py")
LINK = {"fn": "custom", "formula": "x^2 + 3*y^2", "start_x": "2", "start_y": "1.5"}


@pytest.mark.parametrize(
    ("lang", "message", "kept"),
    [
        ("en", "Could not read the formula at character 3.", "Your other settings are kept"),
        ("zh", "无法读懂这个公式（第 3 个字符处）。", "其他设置都会保留"),
    ],
)
def test_a_broken_formula_is_explained_where_the_race_would_be(lang, message, kept):
    at = open_link(APP, {**LINK, "formula": "x^^2", "lang": lang})
    main = at.main
    assert message in main.error[0].value
    assert main.code[0].value == "x^^2\n  ^"  # the caret under the second '^'
    assert kept in main.info[0].value
    assert not main.get("plotly_chart") and not at.title  # no race, no stale header
    assert message in at.sidebar.error[0].value  # and under the field itself


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "The x range is empty: 'from' (-4) must be below 'to' (-5)."),
        ("zh", "x 的范围是空的：最小值（-4）必须小于最大值（-5）。"),
    ],
)
def test_an_inverted_box_is_explained_where_the_race_would_be(lang, message):
    at = open_link(APP, {**LINK, "box_x1": "-5", "lang": lang})
    assert message in at.main.error[0].value
    assert not at.main.code  # no caret: no single character is at fault
    assert not at.main.get("plotly_chart")


def test_every_control_is_drawn_while_the_formula_is_wrong_and_the_link_stays():
    at = open_link(APP, LINK)
    at.number_input(key="steps").set_value(120).run()
    link = url_of(at)
    at.text_input(key="formula").set_value("x^^2").run()
    assert not at.exception
    # Drawn, not skipped: a skipped control loses its value in the browser.
    assert at.multiselect(key="opts").value == ["sgd", "momentum", "adam", "rmsprop"]
    assert at.number_input(key="start_x").value == 2.0
    assert at.number_input(key="start_y").value == 1.5
    assert at.number_input(key="steps").value == 120
    assert at.select_slider(key="hp_adam_lr").value == pytest.approx(0.08)
    assert url_of(at) == link  # nothing of the invalid state is published

    at.text_input(key="formula").set_value("x^2 + 3*y^2").run()
    spec = race_spec(at)
    sgd = race_path(spec, "SGD")
    assert (values(sgd["x"])[0], values(sgd["y"])[0]) == (2.0, 1.5)
    assert len(values(sgd["x"])) == 121  # start + 120 steps
    assert url_of(at) == link


@pytest.mark.parametrize("bad", [-5.0, -4.0])
def test_a_box_field_being_typed_keeps_the_start_and_the_rates(bad):
    at = open_link(APP, LINK)
    at.select_slider(key="hp_adam_lr").set_value(0.01).run()
    at.number_input(key="box_x1").set_value(bad).run()
    assert at.main.error and not at.exception
    assert (at.session_state.start_x, at.session_state.start_y) == (2.0, 1.5)
    assert at.select_slider(key="hp_adam_lr").value == 0.01
    at.number_input(key="box_x1").set_value(4.0).run()  # back to the last valid box
    assert (at.session_state.start_x, at.session_state.start_y) == (2.0, 1.5)
    adam = race_path(race_spec(at), "Adam")
    assert (values(adam["x"])[0], values(adam["y"])[0]) == (2.0, 1.5)


def test_a_new_valid_box_brings_its_own_start():
    at = open_link(APP, LINK)
    at.number_input(key="box_x1").set_value(6.0).run()
    start = (at.session_state.start_x, at.session_state.start_y)
    assert start != (2.0, 1.5) and -4.0 < start[0] < 6.0


def test_a_custom_formula_starts_away_from_its_minimum_and_the_race_moves():
    at = open_link(APP, {"fn": "custom"})
    spec = race_spec(at)
    minimum = next(t for t in spec["data"] if t.get("name") == "estimated minimum")
    mx, my = values(minimum["x"])[0], values(minimum["y"])[0]
    start = np.array([at.session_state.start_x, at.session_state.start_y])
    assert np.hypot(start[0] - mx, start[1] - my) > 3.0  # of a box 8 wide
    for name in ("SGD", "Momentum", "Adam", "RMSprop"):
        path = race_path(spec, name)
        end = np.array([values(path["x"])[-1], values(path["y"])[-1]])
        assert np.hypot(*(end - start)) > 1.0, name  # every optimizer goes somewhere


def test_a_formula_that_starts_undefined_at_the_centre_races():
    # log(x) is undefined at the old default start, the box centre (0, 0).
    at = open_link(APP, {"fn": "custom", "formula": "log(x) + y^2"})
    assert at.session_state.start_x > 0
    sgd = race_path(race_spec(at), "SGD")
    assert len(values(sgd["x"])) > 100 and np.isfinite(values(sgd["x"])).all()
