"""Lessons: every stated answer is what the real runs show, and every lesson opens."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from core.optim.optimizers import OPTIMIZERS
from core.playground.settings import DEFAULTS, fields, objective_of, scene_of
from core.problems.objectives import OBJECTIVES
from core.runs.engine import run
from core.settings.linkstate import decode
from core.text.i18n import STRINGS
from core.tutorials.lessons import LESSONS
from tests.test_app_pages import race_spec

APP = str(Path(__file__).parent.parent / "app.py")


def runs_of(lesson, **changes):
    """Run a lesson's scene exactly as the Playground would from its link (with `changes` to
    its link parameters, e.g. a rate the lesson suggests trying)."""
    values, refused = decode(fields(), dict(lesson.params) | changes)
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


def final_loss(run_) -> float:
    return float(run_.frame["loss"].iloc[-1])


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
    assert at.button(key="reveal_ravine").disabled  # nothing to reveal before a prediction
    at.radio(key="predict_ravine").set_value(lesson.answer).run()
    assert not at.success and not at.info  # the answer is not shown before Reveal
    at.button(key="reveal_ravine").click().run()
    assert "Right!" in at.success[0].value
    assert STRINGS["lesson_ravine_reveal"]["en"] in at.success[0].value


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
    assert len(at.subheader) == len(LESSONS) and "lesson" not in at.query_params
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
    assert len(at.subheader) == len(LESSONS)


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
    assert at.title[0].value == "Lessons" and len(at.subheader) == len(LESSONS)


def test_a_forged_session_value_shows_every_lesson():
    at = lessons_page()
    at.session_state["lesson"] = "<script>alert(1)</script>"
    at.run()
    assert not at.exception and len(at.subheader) == len(LESSONS)


# ---- the prose is true to the linked runs: each number the lessons state, computed from them ----


def path(run) -> np.ndarray:
    return run.frame[["x", "y"]].to_numpy(np.float64)


def across_and_along(run) -> tuple[np.ndarray, np.ndarray]:
    """The quadratic's iterates in its eigenbasis: across the ravine (λ = 100, along (1, -1))
    and along its floor (λ = 1, along (1, 1))."""
    xy = path(run)
    return (xy[:, 0] - xy[:, 1]) / np.sqrt(2), (xy[:, 0] + xy[:, 1]) / np.sqrt(2)


def last_step_above(values: np.ndarray, fraction: float) -> int:
    return int(np.flatnonzero(np.abs(values) > fraction * abs(values[0]))[-1])


def first_step_escaped(run) -> int:
    return int(np.flatnonzero(np.abs(run.frame["y"].to_numpy()) > 1)[0])


def test_lr_limit_prose():
    hessian = torch.autograd.functional.hessian(
        OBJECTIVES["quadratic"].fn, torch.tensor([0.3, -0.2], dtype=torch.float64)
    )
    np.testing.assert_allclose(torch.linalg.eigvalsh(hessian).numpy(), [1.0, 100.0])
    sgd = runs_of(LESSONS["lr_limit"])["sgd"]
    np.testing.assert_allclose(path(sgd)[0], [-1.8, -0.8], rtol=1e-6)
    across, _ = across_and_along(sgd)
    np.testing.assert_allclose(across[1:] / across[:-1], -1.1, rtol=1e-5)  # grows 10% a step
    assert (sgd.stop.reason, sgd.stop.step) == ("escaped", 25)  # leaves the plot at step 25
    safer = runs_of(LESSONS["lr_limit"], hp_sgd_lr="0.019")["sgd"]  # "Try 0.019"
    assert safer.stop.reason == "completed"
    assert abs(across_and_along(safer)[0][-1]) < 1e-3 * abs(across[0])


def test_ravine_prose():
    runs = runs_of(LESSONS["ravine"])
    sgd, momentum = runs["sgd"], runs["momentum"]
    np.testing.assert_allclose(path(sgd)[0], [-1.8, -0.8], rtol=1e-6)
    assert 1_000 < final_loss(sgd) / final_loss(momentum) < 10_000  # thousands of times lower
    (sgd_across, sgd_along), (m_across, m_along) = map(across_and_along, (sgd, momentum))
    # Bounces across the ravine above 1% of the first: about 90 steps for Momentum, 6 for SGD.
    assert last_step_above(sgd_across, 0.01) == 6
    assert 85 <= last_step_above(m_across, 0.01) <= 95
    assert 0.095 < sgd_along[-1] / sgd_along[0] < 0.105  # a tenth of the way left along the floor
    assert np.all(np.sign(sgd_along) == np.sign(sgd_along[0]))  # SGD creeps: no overshoot
    assert np.any(np.sign(m_along) != np.sign(m_along[0]))  # Momentum overshoots and swings back
    assert abs(m_along[-1]) < 1e-3 * abs(m_along[0])  # ... and settles


def test_adam_rosenbrock_prose():
    runs = runs_of(LESSONS["adam_rosenbrock"])
    sgd, adam = runs["sgd"], runs["adam"]
    for r in (sgd, adam):
        np.testing.assert_allclose(path(r)[0], [-1.2, 1.0], rtol=1e-6)
    assert round(final_loss(adam), 1) == 1.2 and round(final_loss(sgd), 1) == 2.5
    distance = {name: np.hypot(*(path(r)[-1] - 1)) for name, r in runs.items()}
    assert 1 < distance["adam"] < distance["sgd"]  # nearer (1, 1), but not there
    grad = sgd.frame["grad_norm"].to_numpy()
    assert 50 < grad[0] / np.median(grad[-100:]) < 200  # about 100 times smaller on the floor
    steps = {name: np.linalg.norm(np.diff(path(r), axis=0), axis=1) for name, r in runs.items()}
    assert 50 < steps["sgd"][0] / np.median(steps["sgd"][-100:]) < 200  # ... and so are its steps
    assert 1.7 < np.median(steps["adam"][-100:]) / np.median(steps["sgd"][-100:]) < 2.3


def test_saddle_prose():
    runs = runs_of(LESSONS["saddle"])
    sgd, adam = runs["sgd"], runs["adam"]
    for r in (sgd, adam):
        np.testing.assert_allclose(path(r)[0], [-1.8, 0.001], rtol=1e-6)
    assert first_step_escaped(adam) == 20 and first_step_escaped(sgd) == 73
    ys = adam.frame["y"].to_numpy()
    assert ys[1] - ys[0] == pytest.approx(0.05, rel=1e-3)  # a first step of lr along y
    sgd_y = sgd.frame["y"].to_numpy()[:73]
    np.testing.assert_allclose(sgd_y[1:] / sgd_y[:-1], 1.1, rtol=1e-5)


def test_which_basin_prose():
    sgd = runs_of(LESSONS["which_basin"])["sgd"]
    np.testing.assert_allclose(sgd.frame[["grad_x", "grad_y"]].iloc[0], [6.5, -21.5], rtol=1e-5)
    first = path(sgd)[1] - path(sgd)[0]  # the gradient points down-right; the step, up-left
    np.testing.assert_allclose(first, [-0.065, 0.215], rtol=1e-5)
    minima = np.asarray(OBJECTIVES["himmelblau"].minima)
    nearest = np.argmin(np.linalg.norm(path(sgd)[:, None] - minima, axis=-1), axis=1)
    assert set(nearest) == {1}  # no point of the path is nearer to another minimum
    np.testing.assert_allclose(minima[1], [-2.81, 3.13], atol=0.005)


def test_per_coordinate_prose():
    runs = runs_of(LESSONS["per_coordinate"])
    sgd, rmsprop = runs["sgd"], runs["rmsprop"]
    np.testing.assert_allclose(path(rmsprop)[0], [-2.5, 1.0], rtol=1e-6)
    near = np.linalg.norm(path(rmsprop), axis=1) <= 0.01
    assert near[43:].all() and not near[:43].any()  # at the minimum from step 43 on
    np.testing.assert_allclose(np.abs(path(rmsprop)[1] - path(rmsprop)[0]), [0.5, 0.5], rtol=1e-5)
    xy = path(sgd)
    assert np.all(np.sign(xy[1:, 1]) == -np.sign(xy[:-1, 1]))  # zig-zags in y at every step
    np.testing.assert_allclose(xy[1:, 0] / xy[:-1, 0], 1 - 0.018, rtol=1e-5)
    assert round(xy[-1, 0], 2) == -0.41
    # 2/200 = 0.01 is SGD's limit for the steep y: above it, y's zig-zag grows.
    faster = runs_of(LESSONS["per_coordinate"], hp_sgd_lr="0.011")["sgd"]
    assert abs(faster.frame["y"].iloc[-1]) > 1


def test_local_minima_prose():
    for r in runs_of(LESSONS["local_minima"]).values():
        np.testing.assert_allclose(path(r)[0], [2.2, 3.6], rtol=1e-6)
        np.testing.assert_allclose(path(r)[-1], [2.0, 4.0], atol=0.05)  # the nearest dip
        assert 19 < final_loss(r) < 21
