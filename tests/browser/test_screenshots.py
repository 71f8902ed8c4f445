"""The race as a class sees it: on a 1280 x 720 projector and on a 390 x 844 phone, in English
and Chinese, the default race and a crowded one. Each case saves a screenshot under
test-artifacts/ and checks, from the boxes Chromium lays out, that the whole race fits and that
nothing prints over anything else; on a projector, the crowded race's Summary fits its columns,
stop column included, without a horizontal scroll.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from core.text.i18n import STRINGS
from tests.browser.harness import ARTIFACTS, shot, wait_for_app

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}

# Boxes of the race chart's parts, in page pixels, named by what they are.
BOXES_JS = """(chart) => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const all = (selector) => [...chart.querySelectorAll(selector)].map(box);
  return {
    chart: box(chart),
    buttons: all('.updatemenu-button'),
    stepLabel: all('.slider-group > text.slider-label'),
    sliderRail: all('.slider-rail-rect'),
    axisTitles: all('.g-xtitle, .g-x2title, .g-x3title, .g-ytitle, .g-y2title, .g-y3title'),
    plotAreas: all('.draglayer .nsewdrag'),
    legend: all('g.legend'),
    colourBar: all('g.colorbar'),
    tickLabels: all('.xtick text, .ytick text, .x3tick text, .y2tick text, .y3tick text'),
    endLabels: all('.scatterlayer .textpoint text'),
  };
}"""


# True once the race chart shows its three panels one above the other.
STACKED_JS = """() => {
  const charts = document.querySelectorAll(
    '.st-key-race [data-testid=stPlotlyChart] .js-plotly-plot');
  if (!charts.length) return false;
  const areas = [...charts[charts.length - 1].querySelectorAll('.draglayer .nsewdrag')]
    .map(el => el.getBoundingClientRect());
  return areas.length === 3 && areas.every(a => a.left < areas[0].right - 50
    && Math.abs(a.left - areas[0].left) < 2);
}"""


def overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    """True when two boxes share more than `slack` pixels in both directions."""
    return (
        min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > slack
        and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > slack
    )


def clashes(first: list[dict], second: list[dict]) -> list[tuple[dict, dict]]:
    return [(a, b) for a in first for b in second if a["w"] and b["w"] and overlap(a, b)]


@pytest.fixture
def open_race(browser: Browser, server_url: str) -> Iterator:
    contexts = []

    def open_at(viewport: dict, query: str = "") -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{server_url}/{query}")
        wait_for_app(page)
        expect(race_chart(page).locator(".slider-rail-rect")).to_have_count(1)
        return page

    yield open_at
    for context in contexts:
        context.close()


def race_chart(page: Page):
    return page.locator(".st-key-race [data-testid=stPlotlyChart] .js-plotly-plot").last


def boxes(page: Page) -> dict:
    return race_chart(page).evaluate(BOXES_JS)


def assert_nothing_prints_over_anything(parts: dict) -> None:
    player = parts["buttons"]
    assert len(player) == 3, player
    assert not clashes(player, parts["stepLabel"] + parts["sliderRail"]), "buttons on the slider"
    assert not clashes(player, parts["axisTitles"]), "buttons on an axis title"
    assert not clashes(parts["stepLabel"], parts["axisTitles"]), "step label on an axis title"
    assert not clashes(parts["legend"], parts["plotAreas"]), "legend on a panel"
    assert not clashes(parts["axisTitles"], parts["plotAreas"]), "axis title on a panel"
    assert not clashes(parts["colourBar"], parts["plotAreas"]), "colour bar on a panel"
    assert not clashes(parts["colourBar"], parts["axisTitles"] + parts["tickLabels"]), (
        "colour bar on an axis title or tick label"
    )
    labels = parts["endLabels"]
    assert labels, "no end-of-run labels"
    assert not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if overlap(a, b)]
    right = parts["chart"]["x"] + parts["chart"]["w"]
    assert all(label["x"] + label["w"] <= right + 0.5 for label in labels), "a label is clipped"


# Eight optimizers and a diverging SGD: eight end labels, long stop texts, tiny numbers (L-BFGS).
CROWDED = "fn=quadratic&hp_sgd_lr=0.021&opts=sgd,momentum,adam,rmsprop,adagrad,adadelta,nadam,lbfgs"


def assert_the_summary_fits_without_scrolling(page: Page, lang: str) -> None:
    summary = page.get_by_test_id("stDataFrame").last
    summary.scroll_into_view_if_needed()
    scroller = summary.locator(".dvn-scroller")
    expect(scroller).to_have_count(1)
    expect(summary).to_contain_text(STRINGS["col_stop"][lang])
    widths = scroller.evaluate("s => [s.scrollWidth, s.clientWidth]")
    shot(page, f"summary_1280_{lang}")
    assert widths[0] <= widths[1], f"the table scrolls sideways: {widths}"


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("en", "?lang=en"),
        ("en-crowded", f"?lang=en&{CROWDED}"),
        ("zh-crowded", f"?lang=zh&{CROWDED}"),
    ],
)
def test_the_whole_race_fits_a_projector_without_overlap(open_race, name, query):
    page = open_race(PROJECTOR, query)
    shot(page, f"race-1280x720-{name}")
    parts = boxes(page)
    chart = parts["chart"]
    # The whole chart, Play included, is on screen at first load: no scrolling in class.
    assert chart["y"] >= 0 and chart["y"] + chart["h"] <= PROJECTOR["height"], chart
    assert all(b["y"] + b["h"] <= PROJECTOR["height"] for b in parts["buttons"])
    # Side by side: the map left of the loss and gradient panels.
    map_area, loss_area, grad_area = sorted(parts["plotAreas"], key=lambda b: (b["x"], b["y"]))
    assert map_area["x"] + map_area["w"] < loss_area["x"] and loss_area["y"] < grad_area["y"]
    assert_nothing_prints_over_anything(parts)
    if name.endswith("crowded"):
        assert_the_summary_fits_without_scrolling(page, name.partition("-")[0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_race_stacks_its_panels_on_a_phone(open_race, lang):
    page = open_race(PHONE, f"?lang={lang}")
    # The page measures its column and reruns with the stacked layout: the map above the rest.
    page.wait_for_function(STACKED_JS)
    wait_for_app(page)
    shot(page, f"race-390x844-{lang}")  # what a phone shows first
    chart = race_chart(page)
    chart.screenshot(path=str(ARTIFACTS / f"race-390x844-{lang}-chart.png"))  # all of it
    parts = boxes(page)
    box = parts["chart"]
    assert box["x"] >= 0 and box["x"] + box["w"] <= PHONE["width"], box
    assert box["h"] <= PHONE["height"], "taller than the phone's screen"
    map_area, loss_area, grad_area = sorted(parts["plotAreas"], key=lambda b: b["y"])
    assert map_area["y"] + map_area["h"] < loss_area["y"] < grad_area["y"]
    assert min(map_area["w"], loss_area["w"]) >= 0.6 * box["w"], "panels too narrow to read"
    assert_nothing_prints_over_anything(parts)
