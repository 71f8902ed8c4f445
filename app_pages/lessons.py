"""Lessons: predict, reveal, then watch the race in the Playground."""

from __future__ import annotations

import streamlit as st

from app_pages.exercises import editor_style, exercise_card, session_keys
from app_pages.links import GLOBAL_PARAMS, publish, restore, show_refused
from core.settings.linkstate import Field, full_link
from core.text.i18n import colon, sentences, text
from core.tutorials.exercises import EXERCISES
from core.tutorials.lessons import LESSONS, Lesson, reveal_text

ALL = "all"
# The page's one setting, in its links: `?lesson=ravine` shows that lesson alone.
SHOWN = (ALL, *LESSONS, *EXERCISES)  # `?lesson=ex_adam` shows that exercise alone
TITLES = {
    ALL: "lesson_all",
    **{i: f"lesson_{i}_title" for i in LESSONS},
    **{i: f"exercise_{i}_title" for i in EXERCISES},
}
FIELDS = [Field("lesson", "choice", choices=SHOWN)]


def reveal(lesson_id: str) -> None:
    """Freeze the prediction made at the moment of Reveal: the verdict judges that one."""
    st.session_state[f"revealed_{lesson_id}"] = st.session_state.get(f"predict_{lesson_id}")


def frozen_prediction(lesson: Lesson) -> int | None:
    """The prediction frozen at Reveal, or None before Reveal (or for a forged value)."""
    frozen = st.session_state.get(f"revealed_{lesson.id}")
    return frozen if type(frozen) is int and 0 <= frozen < lesson.choices else None


def lesson_card(lesson: Lesson, lang: str) -> None:
    def say(part: str) -> str:
        return text(f"lesson_{lesson.id}_{part}", lang)

    frozen = frozen_prediction(lesson)
    with st.container(border=True):
        st.subheader(say("title"))
        st.write(say("text"))
        choice = st.radio(
            text("your_prediction", lang, question=say("question")),
            range(lesson.choices),
            index=frozen,
            key=f"predict_{lesson.id}",
            format_func=lambda i: say(f"choice{i}"),
            disabled=frozen is not None,  # asked first, answered after: no second guess
        )
        st.button(
            text("reveal", lang),
            key=f"reveal_{lesson.id}",
            disabled=choice is None or frozen is not None,
            on_click=reveal,
            args=(lesson.id,),
        )
        if frozen is not None:
            right = frozen == lesson.answer
            verdict = text("right" if right else "not_quite", lang)
            (st.success if right else st.info)(
                sentences([verdict, reveal_text(lesson.id, lang)], lang)
            )
        params = dict(lesson.params) | {
            key: value
            for key, value in st.session_state.get(GLOBAL_PARAMS, {}).items()
            if key == "lang"
        }
        st.page_link(
            "app_pages/playground.py",
            label=text("open_in_playground", lang),
            icon=":material/play_circle:",
            query_params=params,
        )
        # A full address (this page's own, from the browser), to paste into a chat or a slide.
        link = full_link(st.context.url, "lessons", params)
        st.caption(f"{text('share_link', lang)}{colon(lang)}`{link}`")


lang = st.session_state.get("lang", "en")
show_refused(restore("lessons", FIELDS), lang)
if st.session_state.get("lesson") not in SHOWN:  # a forged session value
    st.session_state["lesson"] = ALL
st.title(text("page_lessons", lang))
st.write(text("lessons_intro", lang))
shown = st.selectbox(
    text("lesson_show", lang),
    SHOWN,
    key="lesson",
    format_func=lambda i: text(TITLES.get(i, "lesson_all"), lang),  # a forged value: all
    help=text("lesson_show_help", lang),
)
# The predictions are kept too: back from "Open in the Playground", each answer is still there.
keep = [f"predict_{i}" for i in LESSONS] + session_keys()
publish("lessons", FIELDS, {"lesson": ALL}, keep=keep)
for lesson in LESSONS.values():
    if shown in (ALL, lesson.id):
        lesson_card(lesson, lang)
editor_style()
if shown == ALL:
    st.header(text("exercises_title", lang))
    st.write(text("exercises_intro", lang))
for exercise in EXERCISES.values():
    if shown in (ALL, exercise.id):
        exercise_card(exercise, lang)
