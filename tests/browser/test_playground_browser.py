"""The Playground in Chromium: what only a real browser can show (animation, clicks)."""

import re

from playwright.sync_api import Page, expect

from core.engine import MAX_STEPS
from core.optimizers import OPTIMIZERS
from tests.browser.harness import shot, wait_for_app


def race_chart(page: Page):
    # While a rerun replaces the chart, the old and the new one can briefly coexist: take the new.
    return page.locator(".st-key-race [data-testid=stPlotlyChart]").last


def current_step(page: Page):
    return race_chart(page).locator(".slider-group > text.slider-label")


def landscape_is_drawn(page: Page) -> None:
    image = race_chart(page).locator("g.imagelayer image")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("href", re.compile(r"^data:image/png;base64,"))
    box = image.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200


def test_race_plays_to_the_end_and_the_landscape_stays(page: Page):
    # Fewer optimizers, a new learning rate, fast playback.
    page.get_by_role("button", name="Remove RMSprop").click()
    expect(race_chart(page).locator("g.legend")).not_to_contain_text("RMSprop")
    wait_for_app(page)
    page.get_by_text("More options").click()
    page.get_by_role("radiogroup", name="Animation speed").get_by_text("fast").click()
    wait_for_app(page)

    chart = race_chart(page)
    expect(current_step(page)).to_have_text("Step 300")
    chart.get_by_text("▶ Play").click()
    expect(current_step(page)).not_to_have_text("Step 300", timeout=5_000)  # it restarted...
    landscape_is_drawn(page)  # ...with the landscape visible during playback
    shot(page, "race-playing")
    expect(current_step(page)).to_have_text("Step 300", timeout=30_000)  # ...and reached the end
    landscape_is_drawn(page)

    # Scrub: a click in the middle of the slider rail jumps to a middle step.
    rail = chart.locator(".slider-rail-rect")
    box = rail.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    expect(current_step(page)).to_have_text(re.compile(r"Step 1[0-9]{2}"))
    landscape_is_drawn(page)
    shot(page, "race-scrubbed")


PATHS_JS = """() => [...document.querySelectorAll('.slider-container')].map(s =>
    [...s.closest('.js-plotly-plot').querySelectorAll('.xy .scatterlayer path.js-line')]
        .map(p => p.getAttribute('d')).join('|')).join('')"""


def test_changing_a_learning_rate_redraws_the_race(page: Page):
    before = page.evaluate(PATHS_JS)
    adam = page.locator("[data-testid=stExpander]").filter(has_text="Adam settings")
    adam.get_by_text("Adam settings").click()
    slider = adam.locator("[data-testid=stSlider]").filter(has_text="learning rate")
    slider.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({PATHS_JS})() !== {before!r}")
    wait_for_app(page)
    landscape_is_drawn(page)


def test_a_click_on_the_start_picker_moves_the_start(page: Page):
    x_input = page.locator("[data-testid=stNumberInput] input").first
    expect(x_input).to_have_value("-1.2")
    picker = page.locator("[data-testid=stSidebar] [data-testid=stPlotlyChart]")
    area = picker.locator(".nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.8)
    expect(x_input).not_to_have_value("-1.2")
    wait_for_app(page)
    start_x = float(x_input.input_value())
    assert 0.5 < start_x < 2.0  # 80% across x in [-2, 2]
    shot(page, "start-clicked")


# What the page ever shows while it runs, recorded as the DOM changes: the race chart's step
# labels and the values of progress bars.
RECORD_PAGE = """
window.stepLabels = new Set();
window.progressValues = [];
new MutationObserver(() => {
    for (const label of document.querySelectorAll('.slider-group > text.slider-label')) {
        window.stepLabels.add(label.textContent);
    }
    for (const bar of document.querySelectorAll('[data-testid=stProgress] [role=progressbar]')) {
        window.progressValues.push(Number(bar.getAttribute('aria-valuenow')));
    }
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def test_a_widget_change_interrupts_a_long_race(page: Page, server_url: str):
    # The longest race a link can ask for: every optimizer, the step cap (seconds of work).
    page.add_init_script(RECORD_PAGE)
    page.goto(f"{server_url}/?opts={','.join(OPTIMIZERS)}&steps={MAX_STEPS}")
    # It is running, and reporting: each report is where a rerun request can stop it.
    page.wait_for_function("() => window.progressValues.some(v => v > 0)")
    steps = page.locator("[data-testid=stNumberInput]").filter(has_text="Steps").locator("input")
    steps.fill("100")
    steps.press("Enter")
    expect(current_step(page)).to_have_text("Step 100")
    wait_for_app(page)
    expect(page.locator("[data-testid=stProgress]")).to_have_count(0)
    # The long race was abandoned part way: its bar never reached the end, its chart never drawn.
    progress = page.evaluate("() => window.progressValues")
    assert progress and max(progress) < 100, progress
    labels = page.evaluate("() => [...window.stepLabels]")
    assert "Step 100" in labels and f"Step {MAX_STEPS}" not in labels, labels
