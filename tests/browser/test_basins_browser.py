"""The batched views in Chromium: the page at /basins draws its maps, switches views, shows
progress on long runs and lets a new setting interrupt them."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import shot, wait_for_app


def chart(page: Page, name: str):
    # While a rerun replaces a chart, the old and the new one can briefly coexist: take the new.
    return page.locator(f".st-key-bv_{name} [data-testid=stPlotlyChart]").last


def open_basins(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/basins")
    wait_for_app(page)


@pytest.mark.navigates
def test_basin_map_of_himmelblau_and_its_views(page: Page, server_url: str):
    open_basins(page, server_url)
    basins = chart(page, "basins_chart")
    expect(basins.locator("g.legend")).to_contain_text("minimum 4")
    expect(basins.locator("g.legend")).to_contain_text("no minimum reached: 0")
    expect(basins.locator("g.heatmaplayer image")).to_have_count(1)  # plotly draws it as an image
    box = basins.locator("g.heatmaplayer image").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    shot(page, "basins-himmelblau")

    page.get_by_role("radiogroup", name="Colour each start by").get_by_text("final loss").click()
    wait_for_app(page)
    expect(chart(page, "basins_chart").locator(".colorbar")).to_have_count(1)
    expect(chart(page, "basins_chart").locator(".colorbar")).to_contain_text("f_min")


@pytest.mark.navigates
def test_sweep_and_momentum_tabs(page: Page, server_url: str):
    open_basins(page, server_url)
    page.get_by_role("tab", name="Learning-rate sweep").click()
    wait_for_app(page)
    sweep = chart(page, "sweep_chart")
    expect(sweep.locator("g.legend")).to_contain_text("SGD: diverged")
    expect(sweep.locator("g.xtick").first).to_be_visible()
    shot(page, "basins-sweep")

    page.get_by_role("tab", name="Momentum map").click()
    wait_for_app(page)
    momentum = chart(page, "momentum_chart")
    expect(momentum.locator("g.legend")).to_contain_text("stability limit")
    expect(momentum.locator("g.heatmaplayer image")).to_have_count(1)
    shot(page, "basins-momentum")


@pytest.mark.navigates
def test_a_cached_map_replays_cleanly_in_a_new_session(page: Page, server_url: str):
    open_basins(page, server_url)  # computed (or already cached by an earlier test)
    expect(chart(page, "basins_chart").locator("g.legend")).to_contain_text("minimum 4")
    page.reload()  # a new session: the same settings come from the cache
    wait_for_app(page)
    expect(chart(page, "basins_chart").locator("g.legend")).to_contain_text("minimum 4")
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    expect(page.locator("[data-testid=stProgress]")).to_have_count(0)


@pytest.mark.navigates
def test_a_long_run_shows_progress_and_a_new_setting_interrupts_it(
    page: Page, slow_server_url: str
):
    # Runs of many seconds on any machine: a server whose steps sleep.
    open_basins(page, slow_server_url)
    grid = page.locator("[data-testid=stSlider]").filter(has_text="Basin grid")
    grid.get_by_role("slider").focus()
    page.keyboard.press("End")  # 200 x 200 starts, at the default steps
    wait_for_app(page)
    steps = page.get_by_label("Steps per run")
    steps.fill("2000")
    steps.press("Enter")  # 200 x 200 x 2,000: 8 s of sleep alone
    progress = page.locator("[data-testid=stProgress]")
    expect(progress).to_have_count(1, timeout=15_000)
    shot(page, "basins-progress")

    steps.fill("50")  # a new setting while the long run is going
    steps.press("Enter")
    title = chart(page, "basins_chart").locator(".gtitle")
    expect(title).to_contain_text("40,000 starts × 50 steps")
    wait_for_app(page)

    # Had the long run gone on to the end, its result would now be cached and come back at once.
    # It was stopped instead: asking for it again starts it again, with its progress bar.
    steps.fill("2000")
    steps.press("Enter")
    expect(progress).to_have_count(1, timeout=15_000)
    bar = progress.get_by_role("progressbar")
    shown = bar.get_attribute("aria-valuenow")
    expect(bar).not_to_have_attribute("aria-valuenow", shown or "")  # it runs, not a replay
    steps.fill("50")
    steps.press("Enter")
    expect(title).to_contain_text("40,000 starts × 50 steps")
    wait_for_app(page)
