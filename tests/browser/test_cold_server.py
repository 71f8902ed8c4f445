"""Deep links to a cold server: the first visitor of any address gets the real app.

Streamlit routes with its old multipage mode (every file of a `pages/` folder beside the entry
point is a page, app.py is skipped) until some session has run `st.navigation`. A sleeping
Community Cloud app wakes on its first visit, so each case needs a server of its own that no
session has touched yet.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import ROOT, shot, streamlit_server, wait_for_app

PAGES = ["Playground", "Lessons", "Autograd Lab", "Batched views"]
# address -> the title the first visitor must see; /links is a helper module, not a page: the
# unknown address falls back to the default page.
CASES = {
    "/lessons": "Lessons",
    "/autograd_lab?lab_optimizer=lbfgs&lab_a=-1&lab_b=0&lab_x0=1&lab_lr=1": "Autograd Lab",
    "/basins": "Batched views",
    "/links": "Rosenbrock",
}


@pytest.fixture(params=list(CASES), ids=["lessons", "autograd_lab", "basins", "links"])
def first_visit(request, browser: Browser) -> Iterator[tuple[Page, str]]:
    """A fresh server process, and a page whose first request is the case's address."""
    with streamlit_server(f"cold-{request.node.callspec.id}.log") as (url, _):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + request.param)
        wait_for_app(page)
        yield page, request.param
        context.close()
        assert not errors, f"JavaScript errors in the page: {errors}"


def test_the_first_visitor_of_a_deep_link_gets_the_real_app(first_visit):
    page, address = first_visit
    sidebar = page.locator("[data-testid=stSidebar]")
    # app.py ran: its language selector, and its navigation with exactly the four pages.
    expect(sidebar.locator("[data-testid=stSelectbox]").first).to_contain_text("Language")
    nav = page.locator("[data-testid=stSidebarNav] [data-testid=stSidebarNavLink]")
    expect(nav).to_have_count(len(PAGES))
    titles = nav.locator("[data-testid=stMarkdownContainer]")  # the label beside the icon
    assert titles.all_inner_texts() == PAGES
    expect(page.locator("[data-testid=stMain] h1").first).to_contain_text(CASES[address])
    not_found = page.get_by_role("dialog").filter(has_text="Page not found")
    expect(not_found).to_have_count(1 if address == "/links" else 0)
    # No traceback and no server path anywhere in the page.
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and str(ROOT) not in body
    if address.startswith("/autograd_lab"):  # the link's L-BFGS run on -x^2 diverges, said so
        expect(page.locator("[data-testid=stMain]")).to_contain_text("its line search met")
    shot(page, f"cold-{address.strip('/').split('?')[0]}")
