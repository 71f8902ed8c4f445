"""The Playground in Chromium: what only a real browser can show (animation, clicks)."""

import re
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, expect

from core.optim.optimizers import TORCH_OPTIMIZERS
from core.runs.engine import MAX_STEPS
from core.text.i18n import text
from tests.browser.harness import shot, wait_for_app


def race_chart(page: Page):
    # While a rerun replaces the chart, the old and the new one can briefly coexist: take the new.
    return page.locator(".st-key-race [data-testid=stPlotlyChart]").last


def current_step(page: Page):
    return race_chart(page).locator(".slider-group > text.slider-label")


# The newest race chart's landscape: one PNG image, drawn large. Awaited, not read once: while a
# redraw is under way the image can briefly have no layout box (a one-off read failed in CI).
LANDSCAPE_DRAWN = """() => {
    const charts = document.querySelectorAll('.st-key-race [data-testid=stPlotlyChart]');
    const images = charts.length ? charts[charts.length - 1].querySelectorAll('g.imagelayer image')
                                 : [];
    if (images.length !== 1) return false;
    if (!(images[0].getAttribute('href') || '').startsWith('data:image/png;base64,')) return false;
    const box = images[0].getBoundingClientRect();
    return box.width > 200 && box.height > 200;
}"""


def landscape_is_drawn(page: Page) -> None:
    page.wait_for_function(LANDSCAPE_DRAWN, timeout=30_000)


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
    # The speed change mounted a new chart element (its id hashes the figure): Play only once
    # Plotly has drawn into it, as a student would (a busy browser takes a while).
    landscape_is_drawn(page)
    chart.get_by_text("▶ Play").click()
    expect(current_step(page)).not_to_have_text("Step 300", timeout=30_000)  # it restarted...
    landscape_is_drawn(page)  # ...with the landscape visible during playback
    shot(page, "race-playing")
    expect(current_step(page)).to_have_text("Step 300", timeout=30_000)  # ...and reached the end
    landscape_is_drawn(page)

    # Scrub: a click in the middle of the slider rail jumps to a middle step.
    rail = chart.locator(".slider-rail-rect")
    expect(rail).to_be_visible()
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


# What the page ever shows while it runs, recorded as the DOM changes: the race chart's step
# labels, the values of progress bars, and whether Streamlit's running-man icon ever appeared.
RECORD_PAGE = """
window.stepLabels = new Set();
window.progressValues = [];
window.runningIconSeen = false;
new MutationObserver(() => {
    for (const label of document.querySelectorAll('.slider-group > text.slider-label')) {
        window.stepLabels.add(label.textContent);
    }
    for (const bar of document.querySelectorAll('[data-testid=stProgress] [role=progressbar]')) {
        window.progressValues.push(Number(bar.getAttribute('aria-valuenow')));
    }
    window.runningIconSeen ||= !!document.querySelector('[data-testid=stStatusWidgetRunningIcon]');
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""
# The first long race is still being computed: its spinner shows until the race returns.


def test_a_widget_change_interrupts_a_long_race(browser: Browser, slow_server_url: str):
    """A first visit (a new browser context, nothing cached) to a race as long as a link can ask
    for: every torch.optim optimizer at the step cap, on a server whose steps sleep (tens of
    seconds on any machine, so the race is still running however late a busy browser draws the
    widgets).

    Each widget's code is loaded on first use, so the sidebar starts as grey placeholders; React
    swaps the widgets in with a low-priority render that any other update restarts. Streamlit's
    running-man icon updated every 200 ms, and the race's progress bar every 5%, so on a slow
    machine the widgets stayed placeholders until the race ended and nothing could interrupt it.
    The app hides that icon and keeps a page's first long race quiet (no bar, still stoppable).
    """
    with browser.new_context(viewport={"width": 1500, "height": 1000}) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.add_init_script(RECORD_PAGE)
        # torch.optim's all (a hundred optimizers' settings would fill the sidebar with as many
        # expanders, and a busy browser would send the change only once the race was over).
        query = urlencode({"opts": ",".join(TORCH_OPTIMIZERS), "steps": MAX_STEPS})
        page.goto(f"{slow_server_url}/?{query}")
        steps = page.locator(".st-key-steps input")
        expect(steps).to_be_editable(timeout=120_000)
        # ...while the race runs: its spinner is (still, or just now) on the page. A race that had
        # ended before the widgets were usable would never show it again.
        spinner = page.get_by_test_id("stSpinner").filter(has_text=text("race_quiet", "en")[:20])
        expect(spinner).to_be_visible(timeout=30_000)
        type_steps(page, 100)
        wait_for_the_short_race(page)
        # The first race was cut short, not finished: asked for again, it is computed anew with a
        # progress bar (a finished one would come from the cache at once). A change stops it too.
        type_steps(page, MAX_STEPS)
        expect(page.locator("[data-testid=stProgress]")).to_be_visible()
        # The first 5% of this race is seconds of work on an idle machine, many on a busy one.
        page.wait_for_function("() => window.progressValues.some(v => v > 0)", timeout=120_000)
        type_steps(page, 100)
        wait_for_the_short_race(page)
        expect(page.locator("[data-testid=stProgress]")).to_have_count(0)
        progress = page.evaluate("() => window.progressValues")
        assert max(progress) < 100, progress
        labels = page.evaluate("() => [...window.stepLabels]")
        assert f"Step {MAX_STEPS}" not in labels, labels  # no long race was ever drawn
        assert not page.evaluate("() => window.runningIconSeen")
        assert not errors, f"JavaScript errors in the page: {errors}"


def type_steps(page: Page, steps: int) -> None:
    field = page.locator(".st-key-steps input")
    field.fill(str(steps))
    field.press("Enter")


def wait_for_the_short_race(page: Page) -> None:
    expect(current_step(page)).to_have_text("Step 100", timeout=60_000)
    wait_for_app(page)
