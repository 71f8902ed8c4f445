"""Shareable links: a page's settings restored from the URL once per session, written back on
every run. Parsing and validation live in core.linkstate; this module only talks to Streamlit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from core.i18n import text
from core.linkstate import Field, decode, encode

# Settings every page carries in its links (language, hidden controls), set by app.py.
GLOBAL_PARAMS = "_global_params"
# Teacher mode: `?hide=optimizers,lr` hides these groups of controls on every page that has them.
HIDEABLE = ("function", "optimizers", "lr", "hyper", "start", "steps", "device", "options")


def restore(page: str, fields: Iterable[Field]) -> list[tuple[str, str]]:
    """Seed session state from the URL on this page's first run in the session.

    Returns (key, reason) for each refused value, to be shown once; otherwise an empty list.
    """
    flag = f"_link_restored_{page}"
    if flag in st.session_state:
        return []
    st.session_state[flag] = True
    fields = list(fields)
    params = {f.key: st.query_params.get_all(f.key) for f in fields if f.key in st.query_params}
    values, refused = decode(fields, params)
    for key, value in values.items():
        st.session_state[key] = value
    return refused


def publish(fields: Iterable[Field], defaults: Mapping[str, Any]) -> None:
    """Write the current values of `fields` (those not at their defaults) into the URL."""
    fields = list(fields)
    values = {f.key: st.session_state[f.key] for f in fields if f.key in st.session_state}
    params = encode(fields, values, defaults) | st.session_state.get(GLOBAL_PARAMS, {})
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def show_refused(refused: list[tuple[str, str]], lang: str) -> None:
    for key, why in refused:
        st.warning(text("link_ignored", lang, key=key, why=why), icon=":material/link:")


def is_hidden(group: str) -> bool:
    """Teacher mode: is this group of controls hidden by the link?"""
    return group in st.session_state.get("hide", ())
