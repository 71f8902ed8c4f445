"""The real app in Chromium: it starts, draws the race and shows no exception."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import shot, wait_for_app


def race_chart(page: Page):
    return page.locator(".st-key-race [data-testid=stPlotlyChart]")


def test_app_opens_with_the_race_drawn(page: Page):
    chart = race_chart(page)
    expect(chart).to_have_count(1)
    expect(chart.locator("g.imagelayer image")).to_have_count(1)  # the landscape
    expect(chart.locator(".scatterlayer .trace")).not_to_have_count(0)
    expect(chart.locator("g.legend")).to_contain_text("Adam")
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    shot(page, "smoke-playground")


@pytest.mark.navigates
def test_autograd_lab_opens_with_the_tutorial_numbers(page: Page, server_url: str):
    page.goto(f"{server_url}/autograd_lab")
    wait_for_app(page)
    main = page.locator("[data-testid=stMain]")
    expect(main).to_contain_text("tensor(-2.)")
    expect(main).to_contain_text("tensor(1.0000)")
    expect(main.locator("[data-testid=stPlotlyChart]")).not_to_have_count(0)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    shot(page, "smoke-autograd-lab")
