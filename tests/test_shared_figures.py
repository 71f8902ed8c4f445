"""The figures every session shares: bounded by bytes and entries, built once per key."""

from __future__ import annotations

import gc
import threading
import time
import tracemalloc

import plotly.graph_objects as go
import pytest

from app_pages.shared_figures import (
    SharedFigures,
    footprint_of,
    freeze,
)
from core.figures.path_view import optimizer_view
from core.figures.race import race_figure
from core.figures.race_layout import STACKED, WIDE
from core.figures.static_figures import start_picker_figure, surface_figure
from core.optim.optimizers import OPTIMIZERS
from core.problems.landscape import evaluate
from core.problems.objectives import OBJECTIVES
from core.runs.budget import WORK_BUDGET
from core.runs.race import RaceEntry, run_race

ROSENBROCK = OBJECTIVES["rosenbrock"]
DEFAULT = ("sgd", "momentum", "adam", "rmsprop")


def views_for(optimizer_ids: tuple[str, ...], steps: int) -> list:
    entries = [RaceEntry.of(o, **OPTIMIZERS[o].defaults_for(ROSENBROCK)) for o in optimizer_ids]
    runs = run_race(ROSENBROCK, entries, ROSENBROCK.start, steps)
    return [optimizer_view(r.optimizer, r.frame, None) for r in runs]


def traced_bytes(build) -> tuple[int, go.Figure]:
    """Bytes still allocated after `build()`, its garbage collected: what keeping it costs."""
    build()  # plotly loads its schema once per process: not part of any figure
    gc.collect()
    tracemalloc.start()
    try:
        figure = build()
        gc.collect()
        return tracemalloc.get_traced_memory()[0], figure
    finally:
        tracemalloc.stop()


LANDSCAPE = evaluate(ROSENBROCK)
EVERY_OPTIMIZER = tuple(OPTIMIZERS)
# The largest race charts a request may ask for: the most optimizers, and the most steps.
LARGEST = {
    "every optimizer, wide": (EVERY_OPTIMIZER, WORK_BUDGET // len(EVERY_OPTIMIZER), WIDE),
    "every optimizer, stacked": (EVERY_OPTIMIZER, WORK_BUDGET // len(EVERY_OPTIMIZER), STACKED),
    "one optimizer, every step": (("adam",), WORK_BUDGET, WIDE),
    "the default race": (DEFAULT, 300, WIDE),
}


@pytest.mark.parametrize("case", LARGEST)
def test_a_race_chart_holds_no_more_memory_than_its_estimated_footprint(case):
    optimizer_ids, steps, layout = LARGEST[case]
    views = views_for(optimizer_ids, steps)
    held, figure = traced_bytes(
        lambda: freeze(race_figure(ROSENBROCK, LANDSCAPE, views, ROSENBROCK.start, layout=layout))
    )
    # An upper bound, and not so loose that it evicts figures the memory could hold.
    assert 0 < held <= footprint_of(figure) <= 3 * held


def test_the_surface_and_start_map_hold_no_more_than_their_estimated_footprint():
    views = views_for(EVERY_OPTIMIZER, WORK_BUDGET // len(EVERY_OPTIMIZER))
    for build in (
        lambda: freeze(surface_figure(ROSENBROCK, LANDSCAPE, views)),
        lambda: freeze(start_picker_figure(ROSENBROCK, LANDSCAPE, ROSENBROCK.start)),
    ):
        held, figure = traced_bytes(build)
        assert 0 < held <= footprint_of(figure)


def small_figure(points: int) -> go.Figure:
    return go.Figure(go.Scatter(x=list(range(points)), y=list(range(points))))


def test_the_least_recently_used_figure_leaves_first_when_bytes_run_out():
    one = footprint_of(freeze(small_figure(1_000)))
    store = SharedFigures(max_entries=100, max_bytes=int(2.5 * one))
    a = store.get("a", lambda: small_figure(1_000))
    store.get("b", lambda: small_figure(1_000))
    assert store.get("a", lambda: pytest.fail("a is kept")) is a  # a is now the most recent
    store.get("c", lambda: small_figure(1_000))  # over the bytes: b, least recently used, goes
    assert len(store) == 2 and store.footprint <= store.max_bytes
    assert store.get("a", lambda: pytest.fail("a is kept")) is a
    rebuilt = []
    store.get("b", lambda: rebuilt.append(1) or small_figure(1_000))
    assert rebuilt == [1]


def test_the_store_keeps_at_most_its_entries():
    store = SharedFigures(max_entries=3, max_bytes=2**40)
    for key in range(10):
        store.get(key, lambda: small_figure(10))
    assert len(store) == 3
    built = []
    store.get(9, lambda: built.append(9) or small_figure(10))
    store.get(0, lambda: built.append(0) or small_figure(10))
    assert built == [0]


def test_a_figure_larger_than_the_whole_store_is_shown_but_not_kept():
    store = SharedFigures(max_entries=10, max_bytes=1_000)
    figure = store.get("big", lambda: small_figure(10_000))
    assert figure.to_dict()["data"][0]["x"][-1] == 9_999
    assert len(store) == 0


def await_waiting(store: SharedFigures, key: str, sessions: int) -> None:
    """Until `sessions` sessions build or wait for `key` (a condition, not a delay)."""
    deadline = time.monotonic() + 60
    while store.waiting(key) < sessions:
        assert time.monotonic() < deadline, f"{store.waiting(key)} of {sessions} sessions"
        time.sleep(0.001)


def test_sessions_asking_for_a_figure_being_built_wait_for_it_instead_of_building_it_again():
    store = SharedFigures(max_entries=10, max_bytes=2**40)
    release, builds, got = threading.Event(), [], []

    def slow_build() -> go.Figure:
        builds.append(1)
        assert release.wait(timeout=60)
        return small_figure(10)

    sessions = [threading.Thread(target=lambda: got.append(store.get("k", slow_build)))]
    sessions[0].start()
    await_waiting(store, "k", 1)
    for _ in range(3):
        sessions.append(threading.Thread(target=lambda: got.append(store.get("k", slow_build))))
        sessions[-1].start()
    await_waiting(store, "k", 4)  # all four are in: one builds, three wait
    release.set()
    for thread in sessions:
        thread.join(timeout=60)
    assert builds == [1] and len(got) == 4 and all(figure is got[0] for figure in got)
    assert store.waiting("k") == 0


def test_when_a_build_fails_one_waiting_session_builds_it_and_the_rest_wait_again():
    store = SharedFigures(max_entries=10, max_bytes=2**40)
    release, builds, got, failed = threading.Event(), [], [], []

    def build() -> go.Figure:
        builds.append(1)
        assert release.wait(timeout=60)
        if len(builds) == 1:
            raise RuntimeError("stopped by a rerun")
        return small_figure(10)

    def session() -> None:
        try:
            got.append(store.get("k", build))
        except RuntimeError:
            failed.append(1)

    threads = [threading.Thread(target=session) for _ in range(4)]
    threads[0].start()
    await_waiting(store, "k", 1)
    for thread in threads[1:]:
        thread.start()
    await_waiting(store, "k", 4)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert failed == [1] and builds == [1, 1] and len(got) == 3
    assert all(figure is got[0] for figure in got) and len(store) == 1


def test_a_build_that_fails_is_not_kept_and_the_next_session_builds_again():
    store = SharedFigures(max_entries=10, max_bytes=2**40)

    def broken() -> go.Figure:
        raise RuntimeError("stopped by a rerun")

    with pytest.raises(RuntimeError):
        store.get("k", broken)
    assert len(store) == 0 and store.waiting("k") == 0
    store.get("k", lambda: small_figure(3))
    assert len(store) == 1
