"""The real app in Chromium: it starts, draws the race and shows no exception."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import shot


def race_chart(page: Page):
    return page.locator("[data-testid=stPlotlyChart]").filter(has=page.locator(".slider-container"))


def test_app_opens_with_the_race_drawn(page: Page):
    chart = race_chart(page)
    expect(chart).to_have_count(1)
    expect(chart.locator("g.imagelayer image")).to_have_count(1)  # the landscape
    expect(chart.locator(".scatterlayer .trace")).not_to_have_count(0)
    expect(chart.locator("g.legend")).to_contain_text("Adam")
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    shot(page, "smoke-playground")
