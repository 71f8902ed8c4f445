"""Switching pages in Chromium: each page's settings and answers stay for the session, and its
link follows them. Streamlit forgets the value of every widget a run does not draw, so only a
real browser moving between pages shows the loss."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import wait_for_app


def nav(page: Page, title: str) -> None:
    page.locator("[data-testid=stSidebarNavLink]").filter(has_text=title).click()


def test_playground_settings_survive_a_visit_to_the_lessons(page: Page):
    steps = page.locator(".st-key-steps input")
    steps.fill("120")
    steps.press("Enter")
    page.get_by_role("button", name="Remove RMSprop").click()
    expect(page).to_have_url(re.compile(r"/\?.*steps=120"))
    expect(page).to_have_url(re.compile(r"opts=sgd%2Cmomentum%2Cadam(&|$)"))
    wait_for_app(page)

    nav(page, "Lessons")
    expect(page.locator("[data-testid=stMain] h1")).to_have_text("Lessons")
    expect(page).to_have_url(re.compile(r"/lessons$"))
    wait_for_app(page)
    nav(page, "Playground")

    # The same race as before, and its link written back into the address bar.
    expect(page).to_have_url(re.compile(r"/\?.*steps=120"))
    expect(page).to_have_url(re.compile(r"opts=sgd%2Cmomentum%2Cadam(&|$)"))
    expect(steps).to_have_value("120")
    legend = page.locator(".st-key-race [data-testid=stPlotlyChart] g.legend").last
    expect(legend).to_contain_text("Adam")
    expect(legend).not_to_contain_text("RMSprop")


def answer_then_open_the_race_and_come_back(page: Page, server_url: str) -> None:
    page.get_by_role("link", name="Open in the Playground").click()
    expect(page).to_have_url(re.compile(r"/\?fn=quadratic&opts=sgd%2Cmomentum"))
    expect(page.locator(".st-key-race [data-testid=stPlotlyChart]")).not_to_have_count(0)
    wait_for_app(page)
    page.go_back()
    expect(page).to_have_url(f"{server_url}/lessons?lesson=ravine")
    expect(page.locator("[data-testid=stMain] h1")).to_have_text("Lessons")


@pytest.mark.navigates
def test_a_lessons_answer_reveal_and_filter_survive_the_race_and_the_back_button(
    page: Page, server_url: str
):
    page.goto(f"{server_url}/lessons?lesson=ravine")
    wait_for_app(page)
    cards = page.locator("[data-testid=stMain] h3")
    expect(cards).to_have_count(1)
    options = page.locator("[data-testid=stRadio] [role=radiogroup] label")
    chosen = page.locator("[data-testid=stRadio] input[type=radio]").nth(1)
    options.nth(1).click()
    expect(chosen).to_be_checked()
    # Reveal is enabled only by a rerun that has the answer: the server holds it, not just the
    # browser (leaving before that rerun lost the answer once on a busy machine).
    expect(page.get_by_role("button", name="Reveal")).to_be_enabled()
    wait_for_app(page)

    # The answer, before Reveal, and the one-lesson filter survive the trip.
    answer_then_open_the_race_and_come_back(page, server_url)
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Momentum in a ravine")
    expect(chosen).to_be_checked()
    verdict = page.locator("[data-testid=stMain] [data-testid=stAlert]")
    expect(verdict).to_have_count(0)

    # Revealed, then the trip again: the verdict stays with the answer it judged.
    page.get_by_role("button", name="Reveal").click()
    expect(verdict).to_contain_text("Right!")
    wait_for_app(page)
    answer_then_open_the_race_and_come_back(page, server_url)
    expect(cards).to_have_count(1)
    expect(chosen).to_be_checked()
    expect(verdict).to_contain_text("Right!")
