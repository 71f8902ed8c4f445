"""A lesson's "Link to share" in Chromium: a full address that opens its race in a new tab."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import wait_for_app
from tests.browser.test_playground_browser import race_chart


@pytest.mark.navigates
def test_a_lessons_share_link_is_a_full_address_that_opens_its_race(
    page: Page, browser: Browser, server_url: str
):
    page.goto(f"{server_url}/lessons?lesson=ravine")
    wait_for_app(page)
    caption = page.locator("[data-testid=stCaptionContainer]").filter(has_text="Link to share")
    expect(caption).to_contain_text(f"{server_url}/?")
    link = re.search(r"https?://\S+", caption.inner_text()).group(0)
    assert link.startswith(f"{server_url}/?") and "fn=quadratic" in link, link

    other = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    other.goto(link)  # as a student would, pasted into a new tab
    wait_for_app(other)
    expect(other.locator("h1")).to_contain_text("Ill-conditioned quadratic")
    expect(race_chart(other).locator("g.legend")).to_contain_text("Momentum")
    other.context.close()
