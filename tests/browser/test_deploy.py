"""Hosting a whole school: nginx spreads sessions over the replicas and keeps each on its own.

deploy/serve.py starts two real replicas and Debian's nginx; every request of one browser
(page, health checks, the session's websocket) must reach one replica, and different browsers
must reach both. Streamlit's frontend files come from nginx itself, not from a replica.
"""

from __future__ import annotations

import gzip
import http.cookiejar
import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from websockets.sync.client import connect

from deploy.serve import STREAMLIT_STATIC, serve
from tests.browser.harness import ARTIFACTS, free_port, wait_for_app

REPLICA_HEADER = "X-Playground-Replica"
# 20 browsers all hashed to one of two replicas by chance: 2 * 0.5**20, about one in 500,000.
STUDENTS = 20


@pytest.fixture(scope="module")
def school() -> Iterator[str]:
    with serve(2, free_port(), log_dir=ARTIFACTS / "deploy") as url:
        yield url


def _student_requests(url: str) -> tuple[str, list[str]]:
    """One browser's first page load, then its later requests: the replica of each."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{url}/") as first:
        replica = first.headers[REPLICA_HEADER]
    later = []
    for path in ("/_stcore/health", "/_stcore/host-config", "/"):
        with opener.open(url + path) as response:
            later.append(response.headers[REPLICA_HEADER])
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    with connect(stream, additional_headers={"Cookie": cookies}, open_timeout=60) as socket:
        later.append(socket.response.headers[REPLICA_HEADER])
    return replica, later


def test_sessions_spread_over_the_replicas_and_stay_on_theirs(school):
    students = [_student_requests(school) for _ in range(STUDENTS)]
    first = {replica for replica, _ in students}
    assert len(first) == 2, f"every browser reached {first}"
    for replica, later in students:
        assert later == [replica] * len(later), f"a session moved from {replica}: {later}"


def test_the_app_runs_through_nginx(school, browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(school)
        wait_for_app(page)
        # The race chart arrives over the proxied websocket.
        page.locator("[data-testid=stPlotlyChart]").first.wait_for(timeout=120_000)
    finally:
        context.close()


def test_the_frontend_files_come_from_nginx_compressed_not_from_a_replica(school):
    with urllib.request.urlopen(f"{school}/") as page:
        scripts = re.findall(r'src="\.?/?(static/js/[^"]+\.js)"', page.read().decode())
    assert scripts, "the page names no script"
    request = urllib.request.Request(f"{school}/{scripts[0]}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as script:
        assert script.headers[REPLICA_HEADER] is None  # no replica answered
        assert script.headers["Content-Encoding"] == "gzip"
        # A module script of any other type does not run: the page would stay blank.
        assert script.headers["Content-Type"] == "application/javascript"
        assert "immutable" in script.headers["Cache-Control"]
        body = gzip.decompress(script.read())
    assert body == (STREAMLIT_STATIC / scripts[0].removeprefix("static/")).read_bytes()
