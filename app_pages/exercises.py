"""The Lessons page's exercises: type an update rule, check it against torch.optim."""

from __future__ import annotations

import streamlit as st

from core.formulas.expressions import point_at
from core.formulas.rules import MAX_RULE_LENGTH, RuleError
from core.text.i18n import text
from core.tutorials.exercises import EXERCISES, Exercise, Verdict, check


@st.cache_data(max_entries=256, show_spinner=False)
def verdict(exercise_id: str, source: str) -> Verdict:
    return check(EXERCISES[exercise_id], source)


def session_keys() -> list[str]:
    """What a page switch keeps: each exercise's rule and the rule last checked."""
    return [f"{part}_{i}" for i in EXERCISES for part in ("rule", "checked")]


def _remember(exercise_id: str) -> None:
    st.session_state[f"checked_{exercise_id}"] = st.session_state[f"rule_{exercise_id}"]


def editor_style() -> None:
    """The rule editors in the code font: a rule's columns line up, and the caret under a
    refused rule's mistake points at the same character as in the editor."""
    st.html('<style>[class*="st-key-rule_ex_"] textarea {font-family: monospace}</style>')


def exercise_card(exercise: Exercise, lang: str) -> None:
    rule_key, checked_key = f"rule_{exercise.id}", f"checked_{exercise.id}"
    if not isinstance(st.session_state.get(rule_key), str):  # first visit, or a forged value
        st.session_state[rule_key] = exercise.start_rule
    with st.container(border=True):
        st.subheader(text(f"exercise_{exercise.id}_title", lang))
        st.write(text(f"exercise_{exercise.id}_task", lang))
        st.text_area(
            text("exercise_rule_label", lang), key=rule_key, height=200, max_chars=MAX_RULE_LENGTH
        )
        st.button(
            text("exercise_check", lang),
            key=f"check_{exercise.id}",
            on_click=_remember,
            args=(exercise.id,),
        )
        checked = st.session_state.get(checked_key)
        if not isinstance(checked, str):
            return
        try:
            found = verdict(exercise.id, checked)
        except RuleError as error:
            st.error(error.message(lang), icon=":material/error:")
            if error.line is not None and error.position is not None:
                line = checked.split("\n")[error.line - 1]
                st.code(point_at(line, error.position), language=None)
            return
        (st.success if found.solved else st.warning)(found.phrase.say(lang))
