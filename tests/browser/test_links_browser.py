"""Links in Chromium: a widget change reaches the URL, and that URL reproduces the run."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import shot, wait_for_app
from tests.browser.test_playground_browser import PATHS_JS, race_chart


def test_widget_changes_reach_the_url_and_the_url_reproduces_the_race(
    page: Page, browser: Browser, server_url: str
):
    page.get_by_role("button", name="Remove RMSprop").click()
    expect(page).to_have_url(re.compile(r"opts=sgd(%2C|,)momentum(%2C|,)adam"))
    wait_for_app(page)
    steps = page.get_by_label("Steps")
    steps.fill("123")
    steps.press("Enter")
    expect(page).to_have_url(re.compile(r"steps=123"))
    wait_for_app(page)
    expect(race_chart(page).locator(".slider-group > text.slider-label")).to_have_text("Step 123")
    paths = page.evaluate(PATHS_JS)

    other = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    other.goto(page.url)
    wait_for_app(other)
    expect(race_chart(other).locator(".slider-group > text.slider-label")).to_have_text("Step 123")
    expect(race_chart(other).locator("g.legend")).not_to_contain_text("RMSprop")
    assert other.evaluate(PATHS_JS) == paths
    other.context.close()


@pytest.mark.navigates
def test_chinese_link_and_teacher_mode(page: Page, server_url: str):
    page.goto(f"{server_url}/?lang=zh&hide=optimizers&fn=himmelblau")
    wait_for_app(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_contain_text("函数")
    expect(sidebar.get_by_text("优化器", exact=True)).to_have_count(0)  # hidden by the link
    expect(race_chart(page).locator("g.legend")).to_contain_text("全局最小值")
    shot(page, "playground-zh-teacher-mode")


@pytest.mark.navigates
def test_a_lesson_opens_its_race_in_the_playground(page: Page, server_url: str):
    page.goto(f"{server_url}/lessons")
    wait_for_app(page)
    card = page.locator("[data-testid=stLayoutWrapper]").filter(has_text="Momentum in a ravine")
    card.get_by_role("radiogroup").get_by_text("Momentum", exact=True).click()
    card.get_by_role("button", name="Reveal").click()
    expect(card).to_contain_text("Right!")
    shot(page, "lesson-revealed")
    card.get_by_text("Open in the Playground").click()
    expect(page).to_have_url(re.compile(r"fn=quadratic"))
    wait_for_app(page)
    expect(page.locator("h1")).to_contain_text("Ill-conditioned quadratic")
    expect(race_chart(page).locator("g.legend")).not_to_contain_text("Adam")


# The sweep chart's data as Plotly holds it (the newest chart: during a rerun the old one can
# linger), as JSON text; empty until Plotly has drawn it.
SWEEP_DATA_JS = """() => {
    const plots = document.querySelectorAll('.st-key-bv_sweep_chart .js-plotly-plot');
    const plot = plots[plots.length - 1];
    return plot && plot.data ? JSON.stringify(plot.data.map(t => [t.name, t.x, t.y])) : '';
}"""


@pytest.mark.navigates
def test_batched_views_settings_and_tab_reach_the_url_and_come_back(
    page: Page, browser: Browser, server_url: str
):
    page.goto(f"{server_url}/basins")
    wait_for_app(page)
    page.get_by_role("tab", name="Learning-rate sweep").click()
    expect(page).to_have_url(re.compile(r"bv_tab=sweep"))
    wait_for_app(page)
    page.wait_for_function(f"() => ({SWEEP_DATA_JS})() !== ''")
    before = page.evaluate(SWEEP_DATA_JS)
    start_x = page.get_by_label("start x")
    start_x.fill("2")
    start_x.press("Enter")
    expect(page).to_have_url(re.compile(r"bv_x=2\.0"))
    page.wait_for_function(f"() => !['', {before!r}].includes(({SWEEP_DATA_JS})())")
    wait_for_app(page)
    curves = page.evaluate(SWEEP_DATA_JS)

    other = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    other.goto(page.url)
    wait_for_app(other)
    expect(other.get_by_role("tab", name="Learning-rate sweep")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(other.get_by_label("start x")).to_have_value("2")
    other.wait_for_function(f"() => ({SWEEP_DATA_JS})() === {curves!r}")  # the same sweep
    other.context.close()
