"""Start the real app and drive Debian's Chromium: shared by the browser tests and bench/.

No browser download is possible where this runs, so Playwright launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect

from deploy.serve import process, replica_command, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    log_name: str = "server.log",
    cpus: str | None = None,
    env: Mapping[str, str] | None = None,
    slow_steps: bool = False,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on a free loopback port; yields (url, process).

    `cpus` pins the server to those cores (`taskset -c`), as a host gives an app one core; `env`
    adds environment variables (an operator's settings); `slow_steps` puts a sleep in every
    optimizer step (tests/browser/slow_server.py)."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    # Parallel test workers (pytest-xdist) each start their own servers: one log each.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    log_name = f"{Path(log_name).stem}-{worker}.log" if worker else log_name
    pinned = ["taskset", "-c", cpus] if cpus else []  # taskset execs: the PID stays the server's
    command = replica_command(port)  # [python, -m, streamlit, run, app.py, options...]
    if slow_steps:
        command[1:3] = ["-m", "tests.browser.slow_server"]
    with process([*pinned, *command], ARTIFACTS / log_name, env) as proc:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(f"{url}/_stcore/health", [proc])
        yield url, proc


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far, user and system (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory since it started (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_for_app(page: Page) -> None:
    """Wait as Streamlit's own end-to-end suite does: connected, script done, no skeletons."""
    app = page.locator("[data-testid=stApp]")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=60_000)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=120_000)
    expect(page.locator("[data-testid=stSkeleton]")).to_have_count(0, timeout=60_000)


def shot(page: Page, name: str) -> None:
    """Save a screenshot for people to look at (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
