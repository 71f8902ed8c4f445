"""Real-browser fixtures: the real server (`streamlit run app.py`) driven by Debian's Chromium.

A missing browser fails these tests loudly instead of skipping them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from core.optim.optimizers import OPTIMIZERS
from core.runs.engine import MAX_STEPS
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser
# A rerun on a 2-core machine under load can take seconds: wait for conditions, generously.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A real Streamlit server on a free loopback port, for the whole session."""
    with streamlit_server() as (url, _):
        yield url


@pytest.fixture(scope="session")
def slow_server_url() -> Iterator[str]:
    """A server for the tests of long runs: every optimizer step sleeps a few milliseconds
    (tests/browser/slow_server.py), so a run of a few thousand steps lasts seconds on any
    machine without keeping a core busy; the operator raised the work budget
    (core/runs/budget.py) to what the longest run a link can name needs."""
    budget = {"PLAYGROUND_WORK_BUDGET": str(len(OPTIMIZERS) * MAX_STEPS * 4)}
    with streamlit_server("server-slow.log", env=budget, slow_steps=True) as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def _fresh_page(browser: Browser, url: str | None) -> Iterator[Page]:
    """A page in a new browser context (no cache, no cookies), on `url` once the app is drawn;
    the page's JavaScript errors fail the test that used it."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if url is not None:
        page.goto(url)
        wait_for_app(page)
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context's page on the default Playground, or, for a test marked
    `navigates`, on no address yet: drawing a Playground that test would leave at once costs the
    server and the browser a race chart for nothing."""
    navigates = request.node.get_closest_marker("navigates") is not None
    with _fresh_page(browser, None if navigates else request.getfixturevalue("server_url")) as page:
        yield page


@pytest.fixture(scope="module")
def default_page(browser: Browser, server_url: str) -> Iterator[Page]:
    """One default Playground shared by a file's tests that only look at it (and download from
    it): each page load costs Chromium seconds of CPU, and these tests change no setting."""
    with _fresh_page(browser, server_url) as page:
        yield page
