"""Helpers for link tests: a fresh session opened from a URL, and the URL a session wrote."""

from streamlit.testing.v1 import AppTest


def open_link(script: str, params: dict, **state) -> AppTest:
    """A new session of `script` as a link opens it: query parameters (and any session values
    a test forges) set before the first run."""
    at = AppTest.from_file(script, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def url_of(at: AppTest) -> dict:
    return {name: at.query_params[name] for name in at.query_params}
