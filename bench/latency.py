"""The real server in Chromium: start-up, interaction latency and memory.

    python bench/latency.py [repeats]

Measures, in one run: `python -c "import torch, streamlit"`; from `streamlit run` to the first
race chart in the browser; widget change -> updated chart, for values never run before (cold:
torch runs and the figure) and for values already run (cached: the figure only); the server's
peak RSS after the default scene and after 50 distinct runs (bounded caches keep it flat).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    peak_rss_mb,
    streamlit_server,
    wait_for_app,
)

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
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch, streamlit"], check=True)
    imports = time.perf_counter() - began
    began = time.perf_counter()
    with streamlit_server("bench-server.log") as (url, proc), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.wait_for_function(f"() => ({STEP_JS})() === 'Step 300'", timeout=120_000)
        first_chart = time.perf_counter() - began
        wait_for_app(page)
        rss_default = peak_rss_mb(proc.pid)
        cold = [set_steps(page, 301 + i) for i in range(repeats)]
        cached = [set_steps(page, 301 + i % 2) for i in range(repeats)]
        for i in range(50 - repeats):  # distinct runs until 50 have been cached (max_entries 64)
            set_steps(page, 400 + i)
        rss_fifty = peak_rss_mb(proc.pid)
        browser.close()
    print(f"{'measure':<44} {'median':>8} {'min':>7} {'max':>7}")
    label = 'python -c "import torch, streamlit" (s)'
    print(f"{label:<44} {imports:>8.2f}")
    print(f"{'streamlit run -> first race chart (s)':<44} {first_chart:>8.2f}")
    for name, values in (
        ("widget -> chart, cold, new run (s)", cold),
        ("widget -> chart, cached run (s)", cached),
    ):
        print(
            f"{name:<44} {statistics.median(values):>8.2f} {min(values):>7.2f} {max(values):>7.2f}"
        )
    print(f"{'server peak RSS after the default scene (MB)':<44} {rss_default:>8.0f}")
    print(f"{'server peak RSS after 50 distinct runs (MB)':<44} {rss_fifty:>8.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
