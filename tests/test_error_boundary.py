"""The app's error boundary (app.py): a page that fails shows what to do, never a server path."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.playground_views

APP = str(Path(__file__).parent.parent / "app.py")
SECRET_PATH = "/srv/deploy/optimizer_playground/core/figures/race.py"


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


def open_page(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    if page != "playground":
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception
    return at


# A setting core refuses, reached through a link: Nesterov without momentum, Rprop's η⁺ at 1.
REFUSED_LINKS = {
    "playground": (
        {"opts": "nesterov", "hp_nesterov_momentum": "0"},
        "动量必须大于 0 且不超过 0.999，当前为 0",
    ),
    "basins": (
        {"bv_opt": "rprop", "hp_bv_rprop_etaplus": "1"},
        "η⁺（放大因子）必须大于 1 且不超过 5，当前为 1",
    ),
}


@pytest.mark.parametrize("page", list(REFUSED_LINKS))
def test_a_refusal_from_core_is_said_in_the_pages_language(page):
    params, chinese = REFUSED_LINKS[page]
    at = open_page(page, {"lang": "zh", **params})
    errors = [error.value for error in at.error]
    assert any(value.startswith("无法按这些设置运行：") and chinese in value for value in errors)
    assert "must be" not in shown_text(at)


# Where each page first calls core, outside any cache: a module imported once (a page script is
# run anew, and takes the name from its module on each run).
CORE_CALLS = {
    "playground": "core.runs.race.require_race_within_budget",
    "basins": "app_pages.batched_tabs.not_batchable_reason",
}


@pytest.mark.parametrize("page", list(CORE_CALLS))
def test_a_value_error_that_is_not_a_refusal_is_a_bug_for_the_boundary(monkeypatch, page):
    def internal(*args, **kwargs):
        raise ValueError("an internal check failed")

    monkeypatch.setattr(CORE_CALLS[page], internal)
    at = open_page(page, {"lang": "zh"})
    assert any("出现了问题" in error.value for error in at.error)
    assert "an internal check failed" not in shown_text(at)
    assert at.code[-1].value.startswith("ValueError")
