"""Lessons: every stated answer is what the real runs show, and every lesson opens."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.playground_controls import DEFAULTS, fields, objective_of, scene_of
from core.engine import run
from core.i18n import STRINGS
from core.lessons import LESSONS
from core.linkstate import decode
from core.optimizers import OPTIMIZERS
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
    at.switch_page("app_pages/lessons.py").run()
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
    at.switch_page("app_pages/lessons.py").run()
    assert not at.exception
    prose = [
        at.title[0].value,
        *(s.value for s in at.subheader),
        *(r.label for r in at.radio),
        *(b.label for b in at.button),
    ]
    assert len(prose) >= 1 + 3 * len(LESSONS) and all(cjk.search(p) for p in prose), prose


def lessons_page(**params) -> AppTest:
    """The Lessons page as a link opens it: `/lessons?...` (the app runs, then the page)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("app_pages/lessons.py").run()
    assert not at.exception, at.exception
    return at


def test_a_link_to_one_lesson_shows_it_alone_and_the_choice_goes_into_the_url():
    at = lessons_page(lesson="saddle")
    assert [s.value for s in at.subheader] == [STRINGS["lesson_saddle_title"]["en"]]
    at.selectbox(key="lesson").set_value("all").run()
    assert len(at.subheader) == len(LESSONS) and "lesson" not in at.query_params
    at.selectbox(key="lesson").set_value("ravine").run()
    assert at.query_params["lesson"] == "ravine"
    assert [s.value for s in at.subheader] == [STRINGS["lesson_ravine_title"]["en"]]


@pytest.mark.parametrize(
    "raw", ["<script>alert(1)</script>", "x" * 10_000, "ravine\x00", "nan", "1e400", "-1", "All"]
)
def test_hostile_lesson_links_show_every_lesson_and_a_notice(raw):
    at = lessons_page(lesson=raw)
    assert any("Ignored 'lesson'" in w.value for w in at.warning)
    assert not any(raw in w.value for w in at.warning)  # the refused value is not echoed
    assert len(at.subheader) == len(LESSONS)


@pytest.mark.parametrize(
    "params",
    [
        {"lang": "<script>alert(1)</script>"},
        {"hide": "x" * 10_000},
        {"lang": "\x00", "hide": "nan"},
    ],
)
def test_hostile_global_parameters_leave_the_lessons_page_working(params):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert any("Ignored" in w.value for w in at.warning)  # announced on arrival
    at.switch_page("app_pages/lessons.py").run()
    assert not at.exception
    assert at.title[0].value == "Lessons" and len(at.subheader) == len(LESSONS)


def test_a_forged_session_value_shows_every_lesson():
    at = lessons_page()
    at.session_state["lesson"] = "<script>alert(1)</script>"
    at.run()
    assert not at.exception and len(at.subheader) == len(LESSONS)
