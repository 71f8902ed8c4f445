"""What a class sees at 1280 x 720 (a projector) in Chromium: the Inspector's equations fit their
column, with no raw LaTeX in the arrows' legend. Only a browser lays these out. The race and the
Summary at that size: tests/browser/test_screenshots.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from core.text.i18n import STRINGS
from tests.browser.harness import shot, wait_for_app

PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture
def projector(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_inspector_equations_fit_their_column_and_the_legend_has_no_latex(
    projector: Page, server_url, lang
):
    projector.goto(f"{server_url}/?lang={lang}&fn=eggholder&opts=adam,rmsprop")
    wait_for_app(projector)
    projector.get_by_role("tab", name=STRINGS["tab_inspector"][lang]).click()
    equations = projector.locator("[data-testid=stColumn] .katex-display")
    expect(equations).to_have_count(9)  # Adam: gradient, m, v, c1, c2, m_hat, v_hat, lr, x
    wait_for_app(projector)
    overflow = equations.evaluate_all(
        """displays => displays.map(d => {
            const math = d.querySelector('.katex-html').getBoundingClientRect();
            const column = d.closest('[data-testid=stColumn]').getBoundingClientRect();
            return Math.max(column.left - math.left, math.right - column.right);
        })"""
    )
    equations.nth(2).scroll_into_view_if_needed()
    shot(projector, f"inspector_1280_{lang}")
    assert max(overflow) <= 0, f"px beyond the equation column: {overflow}"
    legend = projector.locator("[data-testid=stPlotlyChart]:visible .legendtext")
    expect(legend.first).to_be_visible()
    texts = legend.all_text_contents()
    assert len(texts) >= 3 and not [t for t in texts if "_{" in t or "x_" in t], texts
