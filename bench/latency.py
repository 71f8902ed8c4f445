"""Interaction latency of the Playground in Chromium: widget change -> updated race chart.

    python bench/latency.py [repeats]

Starts the real server, opens the default scene, then changes the step count: first to values
never run before (cold: torch runs + figure), then back and forth between two values already run
(cached: figure only). Prints the median and spread of each, in seconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_for_app

STEP_JS = """() => {
    const t = document.querySelector('.st-key-race .slider-group > text.slider-label');
    return t ? t.textContent : null; }"""


def set_steps(page: Page, steps: int) -> float:
    """Type a new step count; seconds until the race chart shows that many steps."""
    field = page.get_by_label("Steps")
    field.fill(str(steps))
    began = time.perf_counter()
    field.press("Enter")
    page.wait_for_function(f"() => ({STEP_JS})() === 'Step {steps}'", timeout=120_000)
    elapsed = time.perf_counter() - began
    wait_for_app(page)
    return elapsed


def main(repeats: int = 7) -> None:
    with streamlit_server("bench-server.log") as (url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        began = time.perf_counter()
        page.goto(url)
        page.wait_for_function(f"() => ({STEP_JS})() === 'Step 300'", timeout=120_000)
        first_chart = time.perf_counter() - began
        wait_for_app(page)
        cold = [set_steps(page, 301 + i) for i in range(repeats)]
        cached = [set_steps(page, 301 + i % 2) for i in range(repeats)]
        browser.close()
    print(f"{'measure':<34} {'median s':>9} {'min s':>7} {'max s':>7}")
    print(f"{'first chart after page load':<34} {first_chart:>9.2f}")
    for name, values in (
        ("widget -> chart, cold (new run)", cold),
        ("widget -> chart, cached run", cached),
    ):
        print(
            f"{name:<34} {statistics.median(values):>9.2f} {min(values):>7.2f} {max(values):>7.2f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
