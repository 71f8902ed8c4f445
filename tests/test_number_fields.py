"""Number fields that say why they refused a value: an entry out of range, not whole or not
finite gives way to the last value taken, and the page says so under the field in its own
language; nothing else changes."""

import math
from pathlib import Path

import pytest

from app_pages.number_field import _shown
from core.runs.engine import MAX_STEPS
from core.settings.linkstate import Field
from tests.links import open_link, url_of

APP = str(Path(__file__).parent.parent / "app.py")
BASINS = str(Path(__file__).parent.parent / "app_pages" / "basins.py")
LAB = str(Path(__file__).parent.parent / "app_pages" / "autograd_lab.py")


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", f"Steps: 20000 was not taken (not a number from 1 to {MAX_STEPS}); it stays 120."),
        ("zh", f"步数：没有采用 20000（不在 1 到 {MAX_STEPS} 的范围内），仍为 120。"),
    ],
)
def test_steps_beyond_the_cap_are_refused_with_the_reason_and_the_race_keeps_its_steps(
    lang, message
):
    at = open_link(APP, {"lang": lang})
    at.number_input(key="steps").set_value(120).run()
    link = url_of(at)
    at.number_input(key="steps").set_value(20_000).run()
    assert not at.exception
    assert at.number_input(key="steps").value == 120
    assert [w.value for w in at.sidebar.warning] == [message]
    assert url_of(at) == link
    at.number_input(key="start_x").set_value(-1.0).run()  # said once, not on every run
    assert not at.sidebar.warning


def test_a_start_outside_the_box_is_refused_and_the_start_stays():
    at = open_link(APP, {"lang": "zh"})  # Rosenbrock: x in [-2, 2]
    start = at.number_input(key="start_x").value
    at.number_input(key="start_x").set_value(7.0).run()
    assert at.number_input(key="start_x").value == start
    assert at.sidebar.warning[0].value == (
        f"x：没有采用 7（不在 -2 到 2 的范围内），仍为 {start:g}。"
    )


def test_a_refused_box_edge_keeps_the_box_and_its_race():
    at = open_link(APP, {"fn": "custom", "formula": "x^2 + y^2", "lang": "en"})
    at.number_input(key="box_x1").set_value(1e9).run()
    assert at.number_input(key="box_x1").value == 4.0
    assert "1e+09 was not taken (not a number from -1e+06 to 1e+06)" in at.sidebar.warning[0].value
    assert not at.main.error and at.main.get("plotly_chart")


def test_the_batched_views_steps_field_refuses_in_chinese():
    at = open_link(BASINS, {}, lang="zh")
    at.number_input(key="bv_steps").set_value(0).run()
    assert not at.exception
    assert at.number_input(key="bv_steps").value >= 1
    assert f"没有采用 0（不在 1 到 {MAX_STEPS} 的范围内）" in at.sidebar.warning[0].value


LAB_REFUSALS = {
    "en": (
        "learning rate: 1000 was not taken (not a number from 1e-06 to 100); it stays 0.05.",
        "steps: 20000 was not taken (not a number from 1 to 10000); it stays 300.",
        "a: an empty entry, or one that is not a finite number, was not taken; it stays 2.",
    ),
    "zh": (
        "学习率：没有采用 1000（不在 1e-06 到 100 的范围内），仍为 0.05。",
        "迭代步数：没有采用 20000（不在 1 到 10000 的范围内），仍为 300。",
        "a：输入为空或不是有限的数，没有采用，仍为 2。",
    ),
}


def _warnings(at) -> list[str]:
    return [w.value for w in [*at.sidebar.warning, *at.main.warning]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_labs_fields_refuse_out_of_range_entries_and_keep_the_last_value(lang):
    lr, steps, _ = LAB_REFUSALS[lang]
    at = open_link(LAB, {}, lang=lang)
    at.number_input(key="lab_lr").set_value(0.05).run()
    at.number_input(key="lab_steps").set_value(300).run()
    link = url_of(at)
    assert link["lab_lr"] == "0.05" and link["lab_steps"] == "300"
    at.number_input(key="lab_lr").set_value(1000.0).run()  # the loop's rate: at most 100
    assert not at.exception
    assert at.number_input(key="lab_lr").value == 0.05
    assert lr in _warnings(at) and url_of(at) == link
    at.number_input(key="lab_steps").set_value(20_000).run()
    assert at.number_input(key="lab_steps").value == 300
    assert steps in _warnings(at) and lr not in _warnings(at)  # each said once
    assert url_of(at) == link
    assert any("learning_rate = 0.05" in c.value for c in at.code)  # the loop ran with it


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("entry", [math.nan, math.inf, -math.inf])
def test_the_labs_fields_refuse_a_non_finite_entry_and_keep_the_last_value(lang, entry):
    *_, message = LAB_REFUSALS[lang]
    at = open_link(LAB, {}, lang=lang)
    at.number_input(key="lab_a").set_value(2.0).run()
    link = url_of(at)
    at.number_input(key="lab_a").set_value(entry).run()
    assert not at.exception
    assert at.number_input(key="lab_a").value == 2.0  # not Streamlit's silent 0
    assert [w.value for w in at.sidebar.warning] == [message]
    assert url_of(at) == link
    assert any("a = torch.tensor(2.0)" in c.value for c in at.code)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (2.5, "not a whole number"),
        (None, "not a number"),
        (True, "not a number"),
        (0, "not a number from 1"),
        (math.nan, "not a number from 1"),
        (math.inf, "not a number from 1"),
    ],
)
def test_the_widget_rule_is_the_links_rule(value, why):
    field = Field("steps", "int", 1, 10_000)
    assert why in field.refusal(value).message("en")
    assert field.refusal(300) is None and field.accepts(300)


def test_numbers_are_shown_as_typed():
    assert [_shown(v) for v in (20_000, 1e7, 0.5, math.inf, None)] == [
        "20000",
        "1e+07",
        "0.5",
        "inf",
        "None",
    ]
