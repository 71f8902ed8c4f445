"""The optimizer picker with a hundred entries, in Chromium and in both languages: typing a family
finds its optimizers, listed with their family, and the one picked races and goes in the link."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from core.optim.optimizers import OPTIMIZERS
from tests.browser.harness import wait_for_app
from tests.browser.test_playground_browser import current_step
from tests.browser.test_playground_input_browser import RACE_JS, chosen_optimizers

CASES = {
    "en": ("sign", "Lion · sign-based"),
    "zh": ("符号", "Lion · 符号类"),
}


@pytest.mark.navigates
@pytest.mark.parametrize("lang", CASES)
def test_typing_a_family_finds_its_optimizers_and_the_one_picked_races(
    page: Page, server_url: str, lang: str
):
    typed, label = CASES[lang]
    page.goto(f"{server_url}/?lang={lang}&steps=40")
    wait_for_app(page)
    expect(current_step(page)).to_have_text(re.compile("40"))
    picker = page.locator("[data-testid=stSidebar] .st-key-opts input")
    picker.click()
    picker.fill(typed)
    # The list, best matches first (Streamlit matches loosely): the sign-based family, each
    # labelled with it, heads it.
    options = page.locator("[role=option]")
    family = {
        spec.picker_label(lang)
        for spec in OPTIMIZERS.values()
        if spec.family == "sign" and not spec.from_torch
    }
    expect(options.filter(has_text=label)).to_be_visible()
    # No bulk action: Streamlit's "Select all N matches" would be English on a Chinese page.
    expect(page.locator("[role=option][data-key^=__select]")).to_have_count(0)
    assert set(options.all_inner_texts()[: len(family)]) == family
    expect(options.filter(has_text=label)).to_have_count(1)
    options.filter(has_text=label).click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(chosen_optimizers(page).filter(has_text=label)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"opts=[^&]*lion"))
    assert "lion" in parse_qs(urlparse(page.url).query)["opts"][0].split(",")
    page.wait_for_function(f"() => ({RACE_JS})()['Lion'] !== undefined")
    assert page.evaluate(RACE_JS)["Lion"] == page.evaluate(RACE_JS)["Adam"]  # the same start
