"""Lessons: every stated answer is what the real runs show, and every lesson opens."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.engine import run
from core.i18n import STRINGS
from core.lessons import LESSONS
from core.linkstate import decode
from core.optimizers import OPTIMIZERS
from pages.playground_controls import DEFAULTS, fields, objective_of, scene_of
from tests.test_app_pages import race_spec

APP = str(Path(__file__).parent.parent / "app.py")


def runs_of(lesson):
    """Run a lesson's scene exactly as the Playground would from its link."""
    values, refused = decode(fields(), lesson.params)
    assert not refused
    settings = DEFAULTS | values
    objective = objective_of(scene_of(settings))
    start = (
        settings.get("start_x", objective.start[0]),
        settings.get("start_y", objective.start[1]),
    )
    out = {}
    for optimizer_id in settings["opts"]:
        hyper = OPTIMIZERS[optimizer_id].defaults_for(objective)
        prefix = f"hp_{optimizer_id}_"
        hyper |= {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
        out[optimizer_id] = run(objective, optimizer_id, start, settings["steps"], **hyper)
    return out


def test_there_are_at_least_six_lessons_with_words_in_both_languages():
    assert len(LESSONS) >= 6
    for lesson in LESSONS.values():
        parts = [
            "title",
            "text",
            "question",
            "reveal",
            *(f"choice{i}" for i in range(lesson.choices)),
        ]
        for part in parts:
            assert f"lesson_{lesson.id}_{part}" in STRINGS


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_the_stated_answer_is_what_the_runs_show(lesson_id):
    lesson = LESSONS[lesson_id]
    assert lesson.judge(runs_of(lesson)) == lesson.answer


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_every_lesson_link_opens_the_playground_without_an_exception(lesson_id):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in LESSONS[lesson_id].params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert not at.warning or all("Ignored" not in w.value for w in at.warning)
    assert race_spec(at)["frames"]


def test_lessons_page_predict_then_reveal():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/lessons.py").run()
    assert not at.exception
    assert len(at.get("radio")) == len(LESSONS)
    lesson = LESSONS["ravine"]
    at.radio(key="predict_ravine").set_value(lesson.answer).run()
    at.button(key="reveal_ravine").click().run()
    assert "Right!" in at.success[0].value
    at.radio(key="predict_ravine").set_value(0).run()
    assert "Not quite." in at.info[0].value


def test_lessons_page_in_chinese():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page("pages/lessons.py").run()
    assert not at.exception
    prose = [
        at.title[0].value,
        *(s.value for s in at.subheader),
        *(r.label for r in at.radio),
        *(b.label for b in at.button),
    ]
    assert len(prose) >= 1 + 3 * len(LESSONS) and all(cjk.search(p) for p in prose), prose
