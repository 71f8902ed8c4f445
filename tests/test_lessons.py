"""Lessons: every stated answer is what the real runs show, and every lesson opens."""

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from core.optim.optimizers import OPTIMIZERS
from core.playground.link_race import link_runs
from core.text.i18n import STRINGS
from core.tutorials.exercises import EXERCISES
from core.tutorials.lessons import LESSONS, facts_of, reveal_text
from tests.test_app_pages import race_spec

APP = str(Path(__file__).parent.parent / "app.py")


def runs_of(lesson, **changes):
    """A lesson's runs as the Playground races its link (with `changes` to its link parameters,
    e.g. a rate the lesson suggests trying)."""
    return link_runs(dict(lesson.params) | changes)[1]


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
    assert lesson.judge(facts_of(lesson_id)) == lesson.answer


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_every_lesson_link_opens_the_playground_without_an_exception(lesson_id):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in LESSONS[lesson_id].params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert not at.warning or all("Ignored" not in w.value for w in at.warning)
    assert race_spec(at)["frames"]
    # The page races the link as the lessons' facts do: the same final points and losses.
    summary = at.dataframe[0].value
    runs = runs_of(LESSONS[lesson_id])
    assert list(summary["optimizer"]) == [OPTIMIZERS[name].name for name in runs]
    ends = np.array([r.frame[["x", "y", "loss"]].iloc[-1] for r in runs.values()])
    np.testing.assert_allclose(summary[["final x", "final y", "final loss"]], ends, rtol=1e-6)


def test_lessons_page_predict_then_reveal():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/lessons.py").run()
    assert not at.exception
    assert len(at.get("radio")) == len(LESSONS)
    lesson = LESSONS["ravine"]
    assert at.button(key="reveal_ravine").disabled  # nothing to reveal before a prediction
    at.radio(key="predict_ravine").set_value(lesson.answer).run()
    assert not at.success and not at.info  # the answer is not shown before Reveal
    at.button(key="reveal_ravine").click().run()
    assert "Right!" in at.success[0].value
    assert reveal_text("ravine", "en") in at.success[0].value  # the numbers of the runs


def revealed_page(lesson_id: str, prediction: int, lang: str = "en") -> AppTest:
    """The Lessons page after predicting `prediction` for one lesson and clicking Reveal."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("app_pages/lessons.py").run()
    at.radio(key=f"predict_{lesson_id}").set_value(prediction).run()
    at.button(key=f"reveal_{lesson_id}").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_answer_given_at_reveal_is_frozen(lang):
    lesson = LESSONS["ravine"]
    wrong = next(i for i in range(lesson.choices) if i != lesson.answer)
    at = revealed_page("ravine", wrong, lang)
    not_quite = STRINGS["not_quite"][lang]
    assert len(at.info) == 1 and at.info[0].value.startswith(not_quite) and not at.success
    radio = at.radio(key="predict_ravine")
    assert radio.disabled and at.button(key="reveal_ravine").disabled
    with pytest.raises(AppTestError, match="disabled"):  # as in a browser: no second guess
        radio.set_value(lesson.answer)
    at.session_state["predict_ravine"] = lesson.answer  # even if the value changed anyway
    at.run()
    assert not at.success, "changing the answer after Reveal flipped the verdict"
    assert at.info[0].value.startswith(not_quite)
    assert at.radio(key="predict_ravine").disabled


def test_a_right_answer_stays_right_after_reveal():
    lesson = LESSONS["saddle"]
    at = revealed_page("saddle", lesson.answer)
    at.session_state["predict_saddle"] = 0
    at.run()
    assert at.success[0].value.startswith("Right!") and not at.info


# What the prose before the question must not say: the answer, or a claim the run contradicts.
GIVEAWAYS = {
    "lr_limit": ["2/λ", "0.02 ", "0.02。", "diverg", "发散", "stable", "稳定"],
    "ravine": ["averag", "平均", "bounces out", "反弹平均"],
    "saddle": ["escap", "逃"],
    "local_minima": ["trap", "困", "settle", "停在"],
}


@pytest.mark.parametrize("lesson_id", list(GIVEAWAYS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_title_and_intro_ask_before_they_tell(lesson_id, lang):
    before = " ".join(STRINGS[f"lesson_{lesson_id}_{part}"][lang] for part in ("title", "text"))
    assert not [phrase for phrase in GIVEAWAYS[lesson_id] if phrase in before.lower()], before


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
    links = [c.value for c in at.caption]  # "分享链接：`/?…`", a full-width colon after Chinese
    assert len(links) == len(LESSONS) and all(c.startswith("分享链接：`") for c in links), links


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
    assert len(at.subheader) == len(LESSONS) + len(EXERCISES) and "lesson" not in at.query_params
    at.selectbox(key="lesson").set_value("ravine").run()
    assert at.query_params["lesson"] == "ravine"
    assert [s.value for s in at.subheader] == [STRINGS["lesson_ravine_title"]["en"]]


HOSTILE_LESSONS = [
    "<script>alert(1)</script>",
    "x" * 10_000,
    "ravine\x00",
    "nan",
    "1e400",
    "-1",
    "All",
]


@pytest.mark.parametrize("raw", HOSTILE_LESSONS)
def test_hostile_lesson_links_show_every_lesson_and_a_notice(raw):
    at = lessons_page(lesson=raw)
    assert any("Ignored 'lesson'" in w.value for w in at.warning)
    assert not any(raw in w.value for w in at.warning)  # the refused value is not echoed
    assert len(at.subheader) == len(LESSONS) + len(EXERCISES)


HOSTILE_GLOBAL = [
    {"lang": "<script>alert(1)</script>"},
    {"hide": "x" * 10_000},
    {"lang": "\x00", "hide": "nan"},
]


@pytest.mark.parametrize("params", HOSTILE_GLOBAL)
def test_hostile_global_parameters_leave_the_lessons_page_working(params):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert any("Ignored" in w.value for w in at.warning)  # announced on arrival
    at.switch_page("app_pages/lessons.py").run()
    assert not at.exception
    assert at.title[0].value == "Lessons" and len(at.subheader) == len(LESSONS) + len(EXERCISES)


def test_a_forged_session_value_shows_every_lesson():
    at = lessons_page()
    at.session_state["lesson"] = "<script>alert(1)</script>"
    at.run()
    assert not at.exception and len(at.subheader) == len(LESSONS) + len(EXERCISES)
