"""Shareable links: a page's settings restored from the URL once per session, written back on
every run, and kept for the session while other pages are shown. Parsing and validation live in
core.settings.linkstate; this module only talks to Streamlit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from core.settings.linkstate import Field, FieldError, decode, encode
from core.text.i18n import text

# Settings every page carries in its links (language, hidden controls), set by app.py.
GLOBAL_PARAMS = "_global_params"
# app.py restores and publishes those under this name; it is no page of its own.
APP = "app"
# The page the session's last run showed: a run of any other page is a return to it.
PAGE_SHOWN = "_page_shown"
# Teacher mode: `?hide=optimizers,lr` hides these groups of controls on every page that has them.
HIDEABLE = ("function", "optimizers", "lr", "hyper", "start", "steps", "device", "options")


def _url_params(fields: list[Field]) -> dict[str, list[str]]:
    return {f.key: st.query_params.get_all(f.key) for f in fields if f.key in st.query_params}


def restore(
    page: str, fields: Iterable[Field], *, reset_missing: bool = True
) -> list[tuple[str, FieldError]]:
    """Apply the URL's settings when they are new to this session.

    That is on the session's first run of the page, and when a link inside the app (a lesson)
    arrives with parameters other than those the page last wrote. A page switch without
    parameters keeps the session's settings. With `reset_missing`, settings the link leaves out
    return to their defaults, so that a link reproduces a run exactly.

    A return to the page from another one first gives back the values its widgets had (see
    `publish`), so the page, and then its link, are as the student left them.

    Returns (key, why) for each refused value, to be shown once; otherwise an empty list.
    """
    if page != APP:
        _bring_back(page)
    fields = list(fields)
    params = _url_params(fields)
    marker = f"_link_published_{page}"
    first_run = marker not in st.session_state
    if not first_run and (not params or st.session_state[marker] == params):
        return []
    st.session_state[marker] = params
    values, refused = decode(fields, params)
    if reset_missing:
        for field in fields:
            st.session_state.pop(field.key, None)
    st.session_state.update(values)
    return refused


def _kept(page: str) -> str:
    return f"_kept_{page}"


def _bring_back(page: str) -> None:
    """On a return to `page`, re-seed the widget values Streamlit dropped meanwhile.

    Streamlit forgets a widget's value at the end of any run that does not draw it, so a page's
    widgets lose theirs while another page is shown. Only on a return: within the page, a
    missing key can be a deliberate reset (a new function's default start, say).
    """
    returning = st.session_state.get(PAGE_SHOWN, page) != page
    st.session_state[PAGE_SHOWN] = page
    if returning:
        for key, value in st.session_state.get(_kept(page), {}).items():
            if key not in st.session_state:
                st.session_state[key] = value


def remember_published(page: str, params: Mapping[str, str]) -> None:
    """Record what the page wrote to the URL, so that the next run does not re-apply it."""
    st.session_state[f"_link_published_{page}"] = {
        key: [value] if isinstance(value, str) else list(value) for key, value in params.items()
    }


def publish(
    page: str,
    fields: Iterable[Field],
    defaults: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
    keep: Iterable[str] = (),
) -> None:
    """Write the current values of `fields` (those not at their defaults) into the URL.

    Values come from the session, or from `current` where a widget keeps another form (the
    label of the open tab, say, where the link holds its id). The values of `fields` and of the
    widgets `keep` names (settings that are no part of a link) are kept for the session, to be
    given back when the page is shown again.
    """
    fields = list(fields)
    kept = [f.key for f in fields] + list(keep)
    st.session_state[_kept(page)] = {k: st.session_state[k] for k in kept if k in st.session_state}
    values = {f.key: st.session_state[f.key] for f in fields if f.key in st.session_state}
    values |= current or {}
    own = encode(fields, values, defaults)
    remember_published(page, own)
    params = own | st.session_state.get(GLOBAL_PARAMS, {})
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def show_refused(refused: list[tuple[str, FieldError]], lang: str) -> None:
    for key, why in refused:
        message = text("link_ignored", lang, key=key, why=why.message(lang))
        st.warning(message, icon=":material/link:")


def is_hidden(group: str) -> bool:
    """Teacher mode: is this group of controls hidden by the link?"""
    return group in st.session_state.get("hide", ())
