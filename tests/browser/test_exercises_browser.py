"""Exercises in Chromium: the template rules for SGD, heavy-ball momentum, Adam and RMSprop, typed
into their editors, each match their torch.optim counterpart; in Chinese, a wrong rule is told
where it parts."""

import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.text.i18n import text
from core.tutorials.exercises import EXERCISES, check
from tests.browser.harness import wait_for_app

TEMPLATES = tomllib.loads(
    (Path(__file__).parents[2] / "core/formulas/rule_templates.toml").read_text("utf-8")
)
TYPED = ["ex_sgd", "ex_momentum", "ex_adam", "ex_rmsprop"]


def type_rule(page: Page, exercise_id: str, rule: str) -> None:
    editor = page.locator(f".st-key-rule_{exercise_id} textarea")
    editor.fill(rule)
    editor.press("Tab")  # the text area sends its value when it loses focus
    wait_for_app(page)
    page.locator(f".st-key-check_{exercise_id} button").click()
    wait_for_app(page)


@pytest.mark.navigates
def test_typed_templates_match_their_torch_optimizers(page: Page, server_url: str):
    page.goto(f"{server_url}/lessons?lang=en")
    wait_for_app(page)
    for exercise_id in TYPED:
        exercise = EXERCISES[exercise_id]
        rule = TEMPLATES[exercise.target]["rule"]
        type_rule(page, exercise_id, rule)
        said = check(exercise, rule).phrase.say("en")
        assert said.startswith("It matches")
        expect(page.get_by_text(said)).to_be_visible()


@pytest.mark.navigates
def test_in_chinese_a_wrong_rule_is_told_where_it_parts(page: Page, server_url: str):
    page.goto(f"{server_url}/lessons?lang=zh&lesson=ex_nesterov")
    wait_for_app(page)
    expect(page.get_by_text(text("exercise_ex_nesterov_title", "zh"))).to_be_visible()
    exercise = EXERCISES["ex_nesterov"]
    type_rule(page, "ex_nesterov", exercise.start_rule)
    expect(page.get_by_text(check(exercise, exercise.start_rule).phrase.say("zh"))).to_be_visible()
    type_rule(page, "ex_nesterov", TEMPLATES["nesterov"]["rule"])
    said = check(exercise, TEMPLATES["nesterov"]["rule"]).phrase.say("zh")
    expect(page.get_by_text(said)).to_be_visible()
