"""The fair race in Chromium, in both languages: the toggle tunes the rates, the race runs at
them, the table says each rate and band, and the link keeps the mode."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.batched.fair import tune
from core.playground.link_race import link_race_key, objective_of
from core.text.i18n import text
from tests.browser.harness import wait_for_app

LINK = {"fn": "quadratic", "opts": "sgd,momentum,adam", "steps": "150"}


@pytest.mark.navigates
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_toggle_races_each_optimizer_at_its_tuned_rate(page: Page, server_url: str, lang):
    query = "&".join(f"{k}={v}" for k, v in LINK.items())
    page.goto(f"{server_url}/?lang={lang}&{query}")
    wait_for_app(page)
    table = page.locator("[data-testid=stMain] [data-testid=stTable]")
    expect(table).to_have_count(0)
    page.locator("[data-testid=stSidebar] .st-key-fair label").click()
    expect(page).to_have_url(re.compile(r"[?&]fair=true"))
    key = link_race_key(LINK | {"fair": "true"})
    tuning = tune(objective_of(key.scene), key.settings, key.start, key.steps)
    title = text("fair_title", lang, count=65, steps=150)
    expect(page.get_by_text(title)).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    for row, tuned in zip(rows.all(), tuning.rates, strict=True):
        cells = row.locator("td, th").all_inner_texts()
        assert cells[1] == f"{tuned.rate:.3g}", cells
        assert f"{tuned.width:.3g}" in cells[2], cells
    # Off again: the plain race, and no table.
    page.locator("[data-testid=stSidebar] .st-key-fair label").click()
    expect(table).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"fair=true"))
