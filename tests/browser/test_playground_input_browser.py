"""Invalid typed input in Chromium: a typo in the formula or the plot box keeps every other
setting, in the sidebar and in the link, and the race resumes with them once the input is
valid again. Only a browser shows the loss: a control that a run skips loses its value there."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import shot, wait_for_app
from tests.browser.test_playground_browser import current_step, race_chart

LINK = "/?fn=custom&formula=x%5E2+%2B+3%2Ay%5E2&start_x=2&start_y=1.5"
OPTIMIZERS = ["SGD", "Momentum", "Adam", "RMSprop"]

# The race as Plotly drew it: the first point (the start) of each run's path, the plain line on
# the map in the run's legend group.
RACE_JS = """() => {
    const plots = [...document.querySelectorAll('.st-key-race .js-plotly-plot')];
    const starts = {};
    for (const t of plots[plots.length - 1]._fullData) {
        const onMap = t.xaxis === 'x' && t.mode === 'lines' && t.legendgroup;
        if (onMap && t.x && t.x.length) starts[t.legendgroup] = [t.x[0], t.y[0]];
    }
    return starts;
}"""


def sidebar_input(page: Page, key: str):
    return page.locator(f"[data-testid=stSidebar] .st-key-{key} input")


def chosen_optimizers(page: Page):
    return page.locator(".st-key-opts .react-aria-ComboBox [data-tag]")


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def type_into(page: Page, key: str, value: str) -> None:
    field = sidebar_input(page, key)
    field.fill(value)
    field.press("Enter")
    wait_for_app(page)


def assert_settings_kept(page: Page) -> None:
    expect(chosen_optimizers(page)).to_have_text(OPTIMIZERS)
    expect(sidebar_input(page, "start_x")).to_have_value("2")
    expect(sidebar_input(page, "start_y")).to_have_value("1.5")
    expect(sidebar_input(page, "steps")).to_have_value("120")
    link = params(page)
    assert link["steps"] == ["120"] and link["start_x"] == ["2.0"] and "opts" not in link, link
    assert not any(key.startswith("hp_") for key in link), link  # the rates: still defaults


def assert_race_uses_the_settings(page: Page) -> None:
    expect(current_step(page)).to_have_text("Step 120")
    starts = page.evaluate(RACE_JS)
    for name in OPTIMIZERS:
        assert starts[name] == [2, 1.5], starts


def open_with_steps(page: Page, server_url: str) -> None:
    page.goto(server_url + LINK)
    wait_for_app(page)
    expect(current_step(page)).to_have_text("Step 300")
    type_into(page, "steps", "120")
    expect(page).to_have_url(re.compile(r"steps=120"))
    assert_race_uses_the_settings(page)


@pytest.mark.navigates
def test_a_formula_typo_keeps_every_setting_and_the_race_resumes_with_them(
    page: Page, server_url: str
):
    open_with_steps(page, server_url)
    type_into(page, "formula", "x^^2")
    main = page.locator("[data-testid=stMain]")
    expect(main.locator("[data-testid=stAlert]").first).to_contain_text("at character 3")
    expect(main.locator("[data-testid=stCode]")).to_contain_text("x^^2\n  ^")
    expect(race_chart(page)).to_have_count(0)
    shot(page, "formula-typo")
    assert_settings_kept(page)
    assert params(page)["formula"] == ["x^2 + 3*y^2"]  # the link keeps the last valid formula
    type_into(page, "steps", "120")  # another rerun while the formula is still wrong
    assert_settings_kept(page)

    type_into(page, "formula", "x^2 + 3*y^2")  # fixed
    assert_settings_kept(page)
    assert_race_uses_the_settings(page)


@pytest.mark.navigates
def test_an_inverted_or_empty_box_keeps_every_setting(page: Page, server_url: str):
    open_with_steps(page, server_url)
    for bad in ("-5", "-4"):  # x to below x from, then equal to it: an empty range
        type_into(page, "box_x1", bad)
        main = page.locator("[data-testid=stMain]")
        expect(main.locator("[data-testid=stAlert]").first).to_contain_text("x range is empty")
        assert_settings_kept(page)
        assert "box_x1" not in params(page)
    type_into(page, "box_x1", "4")  # back to the last valid box: the start stays as chosen
    assert_settings_kept(page)
    assert_race_uses_the_settings(page)


def test_a_click_on_the_start_picker_moves_the_start_to_a_tidy_point_in_the_link(page: Page):
    expect(sidebar_input(page, "start_x")).to_have_value("-1.2")
    picker = page.locator("[data-testid=stSidebar] [data-testid=stPlotlyChart]")
    area = picker.locator(".nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3)
    expect(page).to_have_url(re.compile(r"start_x="))
    expect(sidebar_input(page, "start_x")).not_to_have_value("-1.2")
    wait_for_app(page)
    # Rosenbrock's box is x in [-2, 2], y in [-1, 3]: 80% across and 30% down.
    x, y = (float(sidebar_input(page, key).input_value()) for key in ("start_x", "start_y"))
    assert 0.5 < x < 2.0 and 1.0 < y < 2.5, (x, y)
    for key in ("start_x", "start_y"):
        (value,) = params(page)[key]
        # Rosenbrock's box is 4 wide: a thousandth of it, not float32 noise (1.600000023841858).
        assert re.fullmatch(r"-?\d+(\.\d{1,3})?", value), params(page)
        expect(sidebar_input(page, key)).to_have_value(re.compile(r"^-?\d+(\.\d{1,3})?$"))
    shot(page, "start-clicked")
