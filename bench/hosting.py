"""A replica's CPU per fresh student visit, straight to Streamlit and through deploy/'s nginx.

Behind nginx a replica serves only the page, its websocket and the app's own routes; Streamlit's
frontend files (megabytes of JavaScript, the same for every student) come from nginx. Each visit
is a new browser context (nothing cached), niced so the browser does not slow the server; both
servers are measured side by side, visits alternating, in one run.

    python bench/hosting.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from deploy.serve import serve
from tests.browser.harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    cpu_seconds,
    free_port,
    streamlit_server,
    wait_for_app,
)

VISITS = 6


def replica_pid(port: int) -> int:
    """The Streamlit process listening on `port` (deploy.serve starts it as `--server.port N`)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(argv) and str(port).encode() in argv:
                return int(entry.name)
    raise LookupError(f"no Streamlit process on port {port}")


def main() -> None:
    port = free_port()
    with (
        streamlit_server("hosting-direct.log") as (direct_url, direct),
        serve(1, port, log_dir=ARTIFACTS / "hosting") as proxied_url,
    ):
        servers = {
            "direct": (direct_url, direct.pid),
            "nginx": (proxied_url, replica_pid(port + 1)),
        }
        os.nice(19)  # from here on: this process and the browser it starts, not the servers
        used: dict[str, list[float]] = {name: [] for name in servers}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for visit in range(VISITS + 1):  # the first round warms each server's caches
                for name, (url, pid) in servers.items():
                    context = browser.new_context(viewport={"width": 1280, "height": 720})
                    before = cpu_seconds(pid)
                    page = context.new_page()
                    page.goto(url)
                    wait_for_app(page)
                    page.locator(".st-key-race .js-plotly-plot").first.wait_for(timeout=120_000)
                    if visit:
                        used[name].append(cpu_seconds(pid) - before)
                    context.close()
            browser.close()
    print(f"{'served':<8} {'visits':>6} {'replica CPU-s/visit':>20}")
    for name, seconds in used.items():
        print(f"{name:<8} {len(seconds):>6} {sum(seconds) / len(seconds):>20.3f}")
    print("\nFresh browser contexts on the default Playground, alternating between the two.")


if __name__ == "__main__":
    main()
