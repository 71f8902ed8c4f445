"""Optimizer Playground: entry point. Configures the app, the language, and routes to the pages."""

import logging
import uuid

import streamlit as st

from app_pages.controls import seed
from app_pages.links import (
    APP,
    GLOBAL_PARAMS,
    HIDEABLE,
    remember_published,
    restore,
    show_refused,
)
from core.settings.linkstate import Field
from core.text.i18n import LANGUAGES, language_from_locale, text

st.set_page_config(page_title="Optimizer Playground", page_icon="⛰️", layout="wide")
# Streamlit keeps 6rem above every page's content; on a 1280 x 720 projector that is the race's
# Play button. The toolbar needs 3.75rem. A page of only a style tag takes no space.
st.html("<style>[data-testid=stMainBlockContainer] {padding-top: 3.75rem}</style>")

refused = restore(
    APP,
    [Field("lang", "choice", choices=tuple(LANGUAGES)), Field("hide", "choices", choices=HIDEABLE)],
    reset_missing=False,
)
browser_language = language_from_locale(st.context.locale)
seed("lang", browser_language)
if st.session_state.lang not in LANGUAGES:
    st.session_state.lang = browser_language
lang = st.sidebar.selectbox(
    text("language", st.session_state.lang), list(LANGUAGES), key="lang", format_func=LANGUAGES.get
)
hide = [group for group in st.session_state.get("hide", []) if group in HIDEABLE]
# Carried in every page's link: the language when it differs from the browser's, and teacher mode.
st.session_state[GLOBAL_PARAMS] = ({"lang": lang} if lang != browser_language else {}) | (
    {"hide": ",".join(hide)} if hide else {}
)
remember_published(APP, st.session_state[GLOBAL_PARAMS])
show_refused(refused, lang)

pages = [
    st.Page(
        "app_pages/playground.py",
        title=text("page_playground", lang),
        icon=":material/sports_score:",
        default=True,
    ),
    st.Page(
        "app_pages/lessons.py",
        title=text("page_lessons", lang),
        icon=":material/school:",
        url_path="lessons",
    ),
    st.Page(
        "app_pages/autograd_lab.py",
        title=text("page_autograd_lab", lang),
        icon=":material/functions:",
        url_path="autograd_lab",
    ),
    st.Page(
        "app_pages/basins.py",
        title=text("page_basins", lang),
        icon=":material/grid_view:",
        url_path="basins",
    ),
]
try:
    st.navigation(pages).run()
except Exception as error:  # st.stop and reruns are BaseExceptions: they pass through
    # One broken page must not show a raw traceback, nor affect other sessions: log it for the
    # operator, tell the student what to do. The page shows only the error's type and a
    # reference into the log: a message can hold server paths (FileNotFoundError, say).
    incident = uuid.uuid4().hex[:8]
    logging.getLogger("optimizer_playground").exception("page failed, reference %s", incident)
    st.error(text("unexpected_error", lang), icon=":material/error:")
    with st.expander(text("error_details", lang)):
        reference = text("error_reference", lang, kind=type(error).__name__, incident=incident)
        st.code(reference, language=None)
