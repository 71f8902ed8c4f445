"""Exercises (core.tutorials.exercises): each starts wrong, each template solves it, and the
Lessons page checks a typed rule in both languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.formulas.rules import RuleError
from core.tutorials.exercises import EXERCISES, check

ROOT = Path(__file__).parent.parent
APP = str(ROOT / "app.py")
TEMPLATES = tomllib.loads((ROOT / "core/formulas/rule_templates.toml").read_text("utf-8"))


def test_there_are_the_five_exercises_the_course_needs():
    assert [e.target for e in EXERCISES.values()] == [
        "sgd",
        "momentum",
        "nesterov",
        "adam",
        "rmsprop",
    ]


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_each_exercise_starts_wrong_and_its_template_solves_it(exercise_id):
    exercise = EXERCISES[exercise_id]
    start = check(exercise, exercise.start_rule)
    assert not start.solved
    expected = "exercise_not_finite" if exercise_id == "ex_rmsprop" else "exercise_parts"
    assert start.phrase.key == expected
    if expected == "exercise_parts":  # the planted difference shows at once
        assert start.phrase.values["step"] <= 2
    solved = check(exercise, TEMPLATES[exercise.target]["rule"])
    assert solved.solved and solved.phrase.key == "exercise_matches"
    for lang in ("en", "zh"):
        assert solved.phrase.say(lang) and "{" not in start.phrase.say(lang)


def test_rmsprop_without_eps_divides_zero_by_zero_at_once():
    """Booth's gradient at (6, -1) is (18, 0): the second coordinate's v stays 0."""
    exercise = EXERCISES["ex_rmsprop"]
    assert check(exercise, exercise.start_rule).phrase.values == {"step": 1}


def test_a_refused_rule_is_a_rule_error():
    with pytest.raises(RuleError):
        check(EXERCISES["ex_sgd"], "p = p - lr*q")


def open_exercise(exercise_id: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["lesson"] = exercise_id
    at.switch_page("app_pages/lessons.py")
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_checks_a_typed_rule_and_points_at_a_mistake(lang):
    at = open_exercise("ex_adam", lang)
    assert at.text_area(key="rule_ex_adam").value == EXERCISES["ex_adam"].start_rule
    assert not at.success and not at.warning  # nothing said before Check
    at.button(key="check_ex_adam").click().run()
    assert [w.value for w in at.warning] == [
        check(EXERCISES["ex_adam"], EXERCISES["ex_adam"].start_rule).phrase.say(lang)
    ]
    at.text_area(key="rule_ex_adam").input(TEMPLATES["adam"]["rule"]).run()
    at.button(key="check_ex_adam").click().run()
    (success,) = at.success
    assert success.value == check(EXERCISES["ex_adam"], TEMPLATES["adam"]["rule"]).phrase.say(lang)
    at.text_area(key="rule_ex_adam").input("state m = 0\np = p - lr*mm").run()
    at.button(key="check_ex_adam").click().run()
    (error,) = at.error
    assert error.value.startswith("Line 2" if lang == "en" else "第 2 行")
    assert [c.value for c in at.code] == ["p = p - lr*mm\n           ^"]
