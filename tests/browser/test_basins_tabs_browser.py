"""The Batched views' tabs in Chromium: the momentum map's tab shows one function picker, its
own, and the basin map's settings are still there when its tab opens again (a control a run
does not draw loses its value in the browser unless the page keeps it)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import wait_for_app


@pytest.mark.navigates
def test_the_momentum_tab_has_one_function_picker_and_the_basin_settings_survive_it(
    page: Page, server_url: str
):
    page.goto(f"{server_url}/basins")
    wait_for_app(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.locator(".st-key-bv_fn").click()
    page.get_by_role("option", name="Rosenbrock", exact=True).click()
    expect(page).to_have_url(re.compile(r"bv_fn=rosenbrock"))
    wait_for_app(page)

    page.get_by_role("tab", name="Momentum map").click()
    wait_for_app(page)
    expect(page.locator(".st-key-bv_momentum_chart .js-plotly-plot")).to_have_count(1)
    pickers = page.locator("[data-testid=stSelectbox]").filter(has_text="Function")
    expect(pickers).to_have_count(1)
    expect(pickers).to_contain_text("Function for this map")
    expect(sidebar.locator(".st-key-bv_fn, .st-key-bv_opt, .st-key-bv_grid")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"bv_fn=rosenbrock"))  # kept in the link meanwhile

    page.get_by_role("tab", name="Basins of attraction").click()
    wait_for_app(page)
    expect(sidebar.locator(".st-key-bv_fn input")).to_have_value("Rosenbrock")
    expect(page).to_have_url(re.compile(r"bv_fn=rosenbrock"))
