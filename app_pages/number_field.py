"""A number input that says why it refused a value.

Streamlit's number_input with min_value/max_value refuses an out-of-range entry in the browser:
the field snaps back, with at most the browser's own tooltip, in the browser's language. Here the
widget has no bounds. Its on_change callback checks the entry by the rule a link's value obeys
(core.settings.linkstate.Field); a refused entry gives way to the last value taken, and the next
run says under the field, in the page's language, what was typed, why it was refused and what
stands. The widget's own default is None: Streamlit hands an entry that is not a finite number
(1e400) back as that default, so it arrives as None, like an emptied field, and is refused too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.settings.linkstate import Field
from core.text.i18n import text

_LAST = "_number_field_last"  # {key: the last value taken}
_REFUSED = "_number_field_refused"  # {key: (the entry refused, why)}, said once


def _shown(value: Any) -> str:
    """A number as a message writes it (20000, 1e+07, 0.5); anything else as it came."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return f"{value:g}" if number else str(value)


def _check(field: Field, then: Callable[[], None] | None) -> None:
    value = st.session_state[field.key]
    why = field.refusal(value)
    if why is None:
        if then is not None:
            then()
        return
    st.session_state.setdefault(_REFUSED, {})[field.key] = (value, why)
    last = st.session_state.get(_LAST, {}).get(field.key)
    st.session_state[field.key] = last if field.accepts(last) else field.parse(repr(field.low))


def number_field(
    label: str,
    field: Field,
    lang: str,
    *,
    container: Any = st,
    on_change: Callable[[], None] | None = None,
    **widget: Any,
) -> Any:
    """A number input over st.session_state[field.key] (seeded by the caller) that takes what
    `field` (an "int" or "float" Field) accepts and says why it refused anything else; returns
    the value taken. `widget` passes on to st.number_input (step, format, help)."""
    key = field.key
    if field.accepts(st.session_state.get(key)):
        st.session_state.setdefault(_LAST, {})[key] = st.session_state[key]
    widget.setdefault("step", 1 if field.kind == "int" else None)
    container.number_input(
        label, value=None, key=key, on_change=_check, args=(field, on_change), **widget
    )
    refused = st.session_state.get(_REFUSED, {}).pop(key, None)
    if refused is not None:
        value, why = refused
        kept = _shown(st.session_state[key])
        message = (
            text("number_refused_blank", lang, label=label, kept=kept)
            if value is None
            else text(
                "number_refused",
                lang,
                label=label,
                value=_shown(value),
                why=why.message(lang),
                kept=kept,
            )
        )
        container.warning(message, icon=":material/block:")
    return st.session_state[key]
