"""The real app in Chromium: it starts, draws the race and shows no exception, and the race's
CSV download holds every step."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.runs.race import RaceEntry, run_race
from core.runs.summary import iterates_csv
from core.text.i18n import text
from tests.browser.harness import shot, wait_for_app


def race_chart(page: Page):
    return page.locator(".st-key-race [data-testid=stPlotlyChart]")


def test_app_opens_with_the_race_drawn(default_page: Page):
    page = default_page
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


def test_the_downloaded_iterates_csv_holds_every_step_of_the_race(default_page: Page):
    """The CSV, made when the button is clicked: byte for byte the default race's."""
    rosenbrock = OBJECTIVES["rosenbrock"]
    ids = ("sgd", "momentum", "adam", "rmsprop")
    entries = [RaceEntry.of(o, **OPTIMIZERS[o].defaults_for(rosenbrock)) for o in ids]
    runs = run_race(rosenbrock, entries, rosenbrock.start, 300)
    expected = iterates_csv(runs, [OPTIMIZERS[o].name for o in ids])
    page = default_page
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=text("download_csv", "en")).click()
    assert download.value.suggested_filename == "rosenbrock_iterates.csv"
    assert Path(download.value.path()).read_text() == expected
    rows = sum(len(run.frame) for run in runs)
    assert rows > 1_000 and expected.count("\n") == 1 + rows
