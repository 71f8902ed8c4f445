"""A classroom on one server: many real browser sessions at once, each with its own settings.

Every session opens its own link, changes a setting, and plays the race. None may ever show
another session's settings or results. The 20-session run is part of the suite; the larger one
is marked heavy (`pytest -m heavy`). Latency percentiles and the server's peak memory are
printed (run with -s to see them).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import threading
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, streamlit_server

STEP_LABEL = ".st-key-race .slider-group > text.slider-label"
FUNCTIONS = ("rosenbrock", "himmelblau", "booth", "quadratic", "matyas")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def idle(page: Page) -> None:
    """The async twin of harness.wait_for_app: connected and no script running."""
    app = page.locator("[data-testid=stApp]")
    await expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=240_000)
    await expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=240_000)


async def student(page: Page, url: str, i: int, latencies: list[float]) -> None:
    """One student's session: its own function and step count, then a change, then Play."""
    fn, steps = FUNCTIONS[i % len(FUNCTIONS)], 100 + i
    label = page.locator(STEP_LABEL).last  # a rerun briefly shows the old and the new chart
    began = time.perf_counter()
    await page.goto(f"{url}/?fn={fn}&steps={steps}&opts=sgd,adam")
    await expect(label).to_have_text(f"Step {steps}", timeout=240_000)
    latencies.append(time.perf_counter() - began)
    await idle(page)

    new_steps = 200 + i
    field = page.get_by_label("Steps")
    await field.fill(str(new_steps))
    began = time.perf_counter()
    await field.press("Enter")
    await expect(label).to_have_text(f"Step {new_steps}", timeout=240_000)
    latencies.append(time.perf_counter() - began)
    await idle(page)

    await page.locator(".st-key-race").get_by_text("Play", exact=False).first.click()
    await expect(label).to_have_text(f"Step {new_steps}", timeout=240_000)
    # Still this student's own scene: function, optimizers and URL.
    await expect(page.locator("h1")).to_have_text(
        {"quadratic": "Ill-conditioned quadratic"}.get(fn, fn.capitalize().replace("_", "-"))
    )
    await idle(page)
    legend = page.locator(".st-key-race g.legend").last
    await expect(legend).to_contain_text("Adam")
    await expect(legend).not_to_contain_text("RMSprop")
    await expect(page).to_have_url(re.compile(rf"steps={new_steps}\b"))
    assert (f"fn={fn}" in page.url) == (fn != "rosenbrock")  # the default is left out of links


async def classroom(url: str, sessions: int) -> list[float]:
    latencies: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = [
            await browser.new_context(viewport={"width": 1300, "height": 900})
            for _ in range(sessions)
        ]
        pages = [await context.new_page() for context in contexts]
        await asyncio.gather(*(student(page, url, i, latencies) for i, page in enumerate(pages)))
        await browser.close()
    return latencies


def run_classroom(sessions: int) -> None:
    # Async Playwright in its own thread: the sync fixtures of other tests own this thread's loop.
    result: dict[str, object] = {}
    with streamlit_server(f"load-{sessions}.log") as (url, proc):

        def drive() -> None:
            try:
                result["latencies"] = asyncio.run(classroom(url, sessions))
            except BaseException as error:  # re-raised in the test thread
                result["error"] = error

        thread = threading.Thread(target=drive)
        thread.start()
        thread.join()
        peak = peak_rss_mb(proc.pid)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    latencies = sorted(result["latencies"])  # type: ignore[arg-type]
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(
        f"\n{sessions} sessions: p50 {statistics.median(latencies):.2f} s, "
        f"p95 {p95:.2f} s, server peak RSS {peak:.0f} MB"
    )


def test_twenty_students_at_once_each_see_only_their_own_race():
    run_classroom(20)


@pytest.mark.heavy
def test_forty_students_at_once():
    run_classroom(40)
