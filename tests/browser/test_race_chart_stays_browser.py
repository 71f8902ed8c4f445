"""A long race in Chromium: while it runs and after its progress bar ends, the previous race
chart stays on screen until the new one replaces it (it vanished for seconds)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import wait_for_app
from tests.browser.test_playground_browser import current_step

# From the moment it is installed: the fewest race charts and the most progress bars the page
# ever showed at once.
WATCH = """() => {
    window.fewestCharts = Infinity;
    window.mostBars = 0;
    const look = () => {
        const charts = document.querySelectorAll('.st-key-race .js-plotly-plot').length;
        const bars = document.querySelectorAll('[data-testid=stProgress]').length;
        window.fewestCharts = Math.min(window.fewestCharts, charts);
        window.mostBars = Math.max(window.mostBars, bars);
    };
    look();
    new MutationObserver(look).observe(document, {subtree: true, childList: true});
}"""


@pytest.mark.navigates
def test_the_chart_stays_through_a_long_race_and_its_progress_bar(page: Page, slow_server_url: str):
    # A race of many seconds on any machine (its steps sleep): one of a second or two could come
    # and go while a busy browser is still catching up, and its bar would then never be drawn.
    page.goto(slow_server_url)
    wait_for_app(page)
    expect(current_step(page)).to_have_text("Step 300")
    page.evaluate(WATCH)
    steps = page.locator(".st-key-steps input")
    steps.fill("2000")  # 4 optimizers x 2,000 steps: 8 s of sleep alone, with a progress bar
    steps.press("Enter")
    expect(page.locator("[data-testid=stProgress]")).to_be_visible()
    expect(current_step(page)).to_have_text("Step 2000", timeout=120_000)
    wait_for_app(page)
    assert page.evaluate("window.mostBars") == 1  # one bar at a time...
    assert page.evaluate("window.fewestCharts") == 1  # ...and a chart was on screen throughout
