"""The app's error boundary (app.py): a page that fails shows what to do, never a server path."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.playground_views

APP = str(Path(__file__).parent.parent / "app.py")
SECRET_PATH = "/srv/deploy/optimizer_playground/core/figures/playground.py"


def broken_figure(*args, **kwargs):
    raise FileNotFoundError(2, "No such file or directory", SECRET_PATH)


def shown_text(at: AppTest) -> str:
    """Every text the page shows: messages, code, markdown, exceptions, expanders' labels."""
    kinds = ("error", "warning", "info", "code", "markdown", "caption", "exception")
    shown = [str(element.value) for kind in kinds for element in at.get(kind)]
    return "\n".join(shown + [expander.label for expander in at.expander])


@pytest.mark.parametrize(
    ("lang", "sentence"), [("en", "Something went wrong"), ("zh", "出现了问题")]
)
def test_a_failing_page_shows_the_error_type_and_a_logged_reference_never_its_message(
    monkeypatch, caplog, lang, sentence
):
    monkeypatch.setattr(app_pages.playground_views, "race_figure", broken_figure)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception  # the boundary caught it: no traceback element
    (error,) = at.error
    assert sentence in error.value
    (details,) = at.code
    assert details.value.startswith("FileNotFoundError")
    page = shown_text(at)
    assert SECRET_PATH not in page and "/srv" not in page and str(Path(APP).parent) not in page
    # The reference on the page finds the full traceback, path included, in the server log.
    (incident,) = re.findall(r"\b[0-9a-f]{8}\b", details.value)
    (record,) = [r for r in caplog.records if r.name == "optimizer_playground"]
    assert incident in record.getMessage() and SECRET_PATH in str(record.exc_info[1])
