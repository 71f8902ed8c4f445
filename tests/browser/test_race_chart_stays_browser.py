"""A long race in Chromium: while it runs and after its progress bar ends, the previous race
chart holds its place on screen until the new one replaces it (it vanished for seconds)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import wait_for_app
from tests.browser.test_playground_browser import current_step

# From the moment it is installed: the fewest race chart elements and the lowest height of the
# race's box that the page ever showed, and the most progress bars shown at once. Elements, not
# drawn plots: Streamlit mounts a new element for a new figure (the element's id hashes the
# figure) and removes the old one when the run ends, so a slow browser can show the new element
# for a moment before Plotly has drawn into it. That moment keeps the chart's place and moves
# nothing; what must never happen is the place emptying or collapsing.
WATCH = """() => {
    window.fewestCharts = Infinity;
    window.lowestBox = Infinity;
    window.mostBars = 0;
    const look = () => {
        const charts = document.querySelectorAll('.st-key-race [data-testid=stPlotlyChart]');
        const boxes = Array.from(document.querySelectorAll('.st-key-race'));
        const height = Math.max(0, ...boxes.map(box => box.getBoundingClientRect().height));
        const bars = document.querySelectorAll('[data-testid=stProgress]').length;
        window.fewestCharts = Math.min(window.fewestCharts, charts.length);
        window.lowestBox = Math.min(window.lowestBox, height);
        window.mostBars = Math.max(window.mostBars, bars);
    };
    look();
    new MutationObserver(look).observe(document, {subtree: true, childList: true});
}"""
DRAWN_HEIGHT = "() => document.querySelector('.st-key-race').getBoundingClientRect().height"


@pytest.mark.navigates
def test_the_chart_stays_through_a_long_race_and_its_progress_bar(page: Page, slow_server_url: str):
    # A race of many seconds on any machine (its steps sleep): one of a second or two could come
    # and go while a busy browser is still catching up, and its bar would then never be drawn.
    page.goto(slow_server_url)
    wait_for_app(page)
    expect(current_step(page)).to_have_text("Step 300")
    drawn_height = page.evaluate(DRAWN_HEIGHT)
    page.evaluate(WATCH)
    steps = page.locator(".st-key-steps input")
    steps.fill("2000")  # 4 optimizers x 2,000 steps: 8 s of sleep alone, with a progress bar
    steps.press("Enter")
    expect(page.locator("[data-testid=stProgress]")).to_be_visible()
    expect(current_step(page)).to_have_text("Step 2000", timeout=120_000)
    wait_for_app(page)
    assert page.evaluate("window.mostBars") == 1  # one bar at a time...
    assert page.evaluate("window.fewestCharts") >= 1  # ...a chart held its place throughout...
    assert page.evaluate("window.lowestBox") >= drawn_height > 0  # ...at its full height
