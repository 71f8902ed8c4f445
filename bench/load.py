"""A class on one server: students that speak Streamlit's protocol, the server on one core.

    python bench/load.py [students] [window_s]

Measured from the server's side, with no browser competing for the CPU: the server runs pinned to
one core (`taskset -c`), as a host gives an app about one core; the students are protocol
clients (tests/protocol_client.py) in one thread of this process, pinned to another core and
niced. Each scenario gets a fresh server and one warm-up visit, then:

- **A class**: `students` open the same link, arriving evenly within `window_s`; each, once its
  page has finished, changes one setting (Steps, to a value of its own) and waits for the new
  race chart. Time to chart: from the request to the delta that carries the race chart (the rest
  of the page follows until script_finished). A student counts an error for a failed request, an
  error or exception on the page, a missing chart, or a chart or address that is not its own
  (each student's value is different, so any state seen across sessions shows).
- **One student at a time**: fresh visits one after another, each opening the link, changing
  Steps to a new value, then back (a run the server has cached).

Server CPU is the server process's utime + stime from /proc; peak RSS its VmHWM. kB counts
what the server sent (websocket messages and the page's first HTTP answers; the static
JavaScript, the same for every Streamlit app, is not fetched).
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import re
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.tutorials.lessons import LESSONS
from tests.browser.harness import cpu_seconds, peak_rss_mb, streamlit_server
from tests.protocol_client import Run, StreamlitClient, widget_value

T = TypeVar("T")
GOALS = {"p95 s": 5.0, "errors": 0, "CPU-s/student": 0.25, "peak RSS MB": 690}
SEQUENTIAL_GOALS = {"CPU-s/visit": 0.25, "widget -> chart s": 0.3, "first chart s": 3.0}


@dataclass(frozen=True)
class Scenario:
    name: str
    query: Mapping[str, str]  # the link's parameters
    path: str = ""  # the page's URL path ("" is the Playground)
    setting: str = "steps"  # the integer widget each student changes

    @property
    def link(self) -> str:
        return f"/{self.path}?{urlencode(self.query)}"


SCENARIOS = (
    Scenario("default Playground", {}),
    Scenario("lesson link (ravine)", LESSONS["ravine"].params),
)


@dataclass
class Student:
    """One student's visit: the page as opened, and after its own setting change."""

    opened: Run
    changed: Run | None = None
    value: int | None = None  # the setting value this student chose
    kilobytes: float = 0.0
    errors: list[str] = field(default_factory=list)


def race_steps(spec: Mapping[str, Any] | None) -> int | None:
    """How many steps the race chart shows: its slider's last label ('Step N' on the page)."""
    try:
        return int(spec["layout"]["sliders"][0]["steps"][-1]["label"])  # type: ignore[index]
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def own_state_errors(run: Run, client: StreamlitClient, setting: str, value: int) -> list[str]:
    """Why this page is not showing this student's `setting` = `value` (none if it is)."""
    errors = [] if run.chart is not None else ["no race chart"]
    if run.chart is not None and race_steps(run.chart) != value:
        errors.append(f"race chart shows {race_steps(run.chart)} steps, not this student's {value}")
    in_link = parse_qs(client.query_string).get(setting)
    if in_link is not None and in_link != [str(value)]:
        errors.append(f"address says {setting}={in_link}, not this student's {value}")
    return errors


async def visit(url: str, scenario: Scenario, index: int) -> Student:
    """Open the link, check the page, set the setting to a value of this student's own."""
    async with StreamlitClient(url) as client:
        student = Student(opened=Run())
        try:
            student.opened = await client.open(scenario.path, urlencode(scenario.query))
            student.errors += student.opened.errors
            shown = int(widget_value(client.widgets[scenario.setting][0]))
            student.errors += own_state_errors(student.opened, client, scenario.setting, shown)
            student.value = shown + 1 + index
            student.changed = await client.change(scenario.setting, student.value)
            student.errors += student.changed.errors
            student.errors += own_state_errors(
                student.changed, client, scenario.setting, student.value
            )
        except Exception as error:  # a refused or dropped connection, a missing widget
            student.errors.append(f"{type(error).__name__}: {error}"[:300])
        student.kilobytes = client.received_bytes / 1000
        return student


async def classroom(url: str, scenario: Scenario, students: int, window_s: float) -> list[Student]:
    """`students` visits, arriving evenly within `window_s`, all under way at once."""

    async def arrive(index: int) -> Student:
        await asyncio.sleep(window_s * index / students)  # the arrival schedule itself
        return await visit(url, scenario, index)

    return list(await asyncio.gather(*(arrive(i) for i in range(students))))


def drive(work: Callable[[], Awaitable[T]], cpu: int | None = None) -> T:
    """Run the clients' event loop in a thread of its own: pinned to `cpu` and niced when given
    one (both are per thread on Linux), so the server keeps its core."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            if cpu is not None:
                os.sched_setaffinity(0, {cpu})
                os.nice(10)
            result["value"] = asyncio.run(work())  # type: ignore[arg-type]
        except BaseException as error:  # re-raised in the caller's thread
            result["error"] = error

    thread = threading.Thread(target=target, name="protocol-clients")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def cores(pin: bool) -> tuple[str | None, int | None]:
    """(server's core for taskset, clients' core): two different cores, or no pinning."""
    available = sorted(os.sched_getaffinity(0))
    if not pin or len(available) < 2:
        return None, None
    return str(available[0]), available[1]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Measurement:
    scenario: Scenario
    students: list[Student]
    server_cpu_s: float
    peak_rss_mb: float

    def times(self, phase: str) -> list[float]:
        runs = (getattr(student, phase) for student in self.students)
        return [run.chart_s for run in runs if run is not None and run.chart_s is not None]

    @property
    def errors(self) -> list[str]:
        return [error for student in self.students for error in student.errors]


def measure(scenario: Scenario, students: int = 40, window_s: float = 10.0, pin: bool = True):
    """A fresh server, one warm-up visit, then the class; the server's CPU and peak memory."""
    server_cpus, client_cpu = cores(pin)
    log = f"load-{scenario.path or 'playground'}-{len(scenario.query)}-{students}.log"
    with streamlit_server(log, cpus=server_cpus) as (url, proc):
        drive(lambda: visit(url, scenario, -1), client_cpu)  # imports and the link's own race
        before = cpu_seconds(proc.pid)
        visits = drive(lambda: classroom(url, scenario, students, window_s), client_cpu)
        used = cpu_seconds(proc.pid) - before
        return Measurement(scenario, visits, used, peak_rss_mb(proc.pid))


def print_class_table(measurements: list[Measurement], window_s: float) -> None:
    today, machine = date.today().isoformat(), platform.machine()
    head = (
        f"{'date':<10}  {'machine':<7}  {'scenario':<21} {'students':>8} {'p50 s':>6} "
        f"{'p95 s':>6} {'chg p50':>7} {'chg p95':>7} {'errors':>6} {'CPU-s/student':>13} "
        f"{'kB/student':>10} {'peak RSS MB':>11}"
    )
    print(head)
    print("-" * len(head))
    for m in measurements:
        opened, changed = m.times("opened"), m.times("changed")
        count = len(m.students)
        print(
            f"{today:<10}  {machine:<7}  {m.scenario.name:<21} {count:>8} "
            f"{statistics.median(opened) if opened else float('nan'):>6.2f} "
            f"{percentile(opened, 0.95):>6.2f} "
            f"{statistics.median(changed) if changed else float('nan'):>7.2f} "
            f"{percentile(changed, 0.95):>7.2f} {len(m.errors):>6} "
            f"{m.server_cpu_s / count:>13.2f} "
            f"{sum(s.kilobytes for s in m.students) / count:>10.0f} {m.peak_rss_mb:>11.0f}"
        )
    goal = GOALS
    print(
        f"{'goal':<10}  {'':<7}  {'':<21} {'':>8} {'':>6} {'<= ' + str(goal['p95 s']):>6} "
        f"{'':>7} {'<= ' + str(goal['p95 s']):>7} {goal['errors']:>6} "
        f"{'<= ' + str(goal['CPU-s/student']):>13} {'':>10} {'<= ' + str(goal['peak RSS MB']):>11}"
    )
    print(
        f"\nStudents arrive evenly within {window_s:g} s; p50/p95: link -> race chart; chg: "
        "Steps changed -> new race chart, right after the page finished.\nServer pinned to one "
        "core, clients on another (niced); CPU and kB per student cover both requests."
    )
    for m in measurements:
        for count, example in error_kinds(m.errors)[:5]:
            print(f"  {m.scenario.name}: {count} x like: {example}")


def error_kinds(errors: list[str]) -> list[tuple[int, str]]:
    """Errors grouped by their wording with the numbers masked: (count, an example), most
    frequent first."""
    groups: dict[str, list[str]] = {}
    for error in errors:
        groups.setdefault(re.sub(r"\d+", "#", error), []).append(error)
    return sorted(((len(group), group[0]) for group in groups.values()), reverse=True)


@dataclass
class Sequential:
    """Fresh visits one after another on a fresh server."""

    scenario: Scenario
    first_chart_s: float  # `streamlit run` -> first race chart of the first visit
    open_s: list[float] = field(default_factory=list)
    open_cpu_s: list[float] = field(default_factory=list)
    new_value_s: list[float] = field(default_factory=list)
    cached_s: list[float] = field(default_factory=list)
    change_cpu_s: list[float] = field(default_factory=list)
    kilobytes: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def one_visit(url: str, scenario: Scenario, index: int, pid: int, into: Sequential) -> None:
    """Open; change Steps to a new value; change it back (cached). CPU read between steps."""
    async with StreamlitClient(url) as client:
        began = cpu_seconds(pid)
        opened = await client.open(scenario.path, urlencode(scenario.query))
        opened_cpu = cpu_seconds(pid)
        shown = int(widget_value(client.widgets[scenario.setting][0]))
        new = await client.change(scenario.setting, shown + 100 + index)  # within the budget
        back = await client.change(scenario.setting, shown)
        into.change_cpu_s.append((cpu_seconds(pid) - opened_cpu) / 2)
        into.open_cpu_s.append(opened_cpu - began)
        for run, times in ((opened, into.open_s), (new, into.new_value_s), (back, into.cached_s)):
            into.errors += run.errors if run.chart_s is not None else [*run.errors, "no chart"]
            times += [run.chart_s] if run.chart_s is not None else []
        into.kilobytes.append(client.received_bytes / 1000)


def measure_sequential(scenario: Scenario, visits: int = 5, pin: bool = True) -> Sequential:
    server_cpus, client_cpu = cores(pin)
    began = time.perf_counter()
    with streamlit_server(f"load-sequential-{len(scenario.query)}.log", cpus=server_cpus) as (
        url,
        proc,
    ):
        healthy = time.perf_counter()
        first = drive(lambda: visit(url, scenario, -1), client_cpu)
        chart_s = first.opened.chart_s if first.opened.chart_s is not None else float("nan")
        result = Sequential(scenario, healthy - began + chart_s, errors=first.errors)
        for index in range(visits):
            drive(lambda i=index: one_visit(url, scenario, i, proc.pid, result), client_cpu)
    return result


def print_sequential_table(results: list[Sequential]) -> None:
    head = (
        f"{'scenario':<21} {'visits':>6} {'open s':>7} {'CPU-s/visit':>11} {'new value s':>11} "
        f"{'cached s':>8} {'CPU-s/change':>12} {'kB/visit':>8} {'first chart s':>13} {'errors':>6}"
    )
    print(head)
    print("-" * len(head))

    def median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    for r in results:
        print(
            f"{r.scenario.name:<21} {len(r.open_cpu_s):>6} {median(r.open_s):>7.2f} "
            f"{median(r.open_cpu_s):>11.2f} {median(r.new_value_s):>11.2f} "
            f"{median(r.cached_s):>8.2f} {median(r.change_cpu_s):>12.2f} "
            f"{median(r.kilobytes):>8.0f} {r.first_chart_s:>13.2f} {len(r.errors):>6}"
        )
    g = SEQUENTIAL_GOALS
    print(
        f"{'goal':<21} {'':>6} {'':>7} {'<= ' + str(g['CPU-s/visit']):>11} "
        f"{'<= ' + str(g['widget -> chart s']):>11} {'<= ' + str(g['widget -> chart s']):>8} "
        f"{'':>12} {'':>8} {'<= ' + str(g['first chart s']):>13} {0:>6}"
    )
    for r in results:
        for count, example in error_kinds(r.errors)[:5]:
            print(f"  {r.scenario.name}: {count} x like: {example}")
    print(
        "\nMedians over the visits. open: link -> race chart; new value / cached: Steps changed "
        "-> new race chart;\nfirst chart: `streamlit run` -> the first visit's race chart "
        "(goals for an idle machine)."
    )


def main(students: int = 40, window_s: float = 10.0) -> None:
    print(f"{students} students per class; server on one core (taskset), protocol clients\n")
    print_class_table([measure(s, students, window_s) for s in SCENARIOS], window_s)
    print()
    print_sequential_table([measure_sequential(s) for s in SCENARIOS])


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]), *(float(a) for a in sys.argv[2:3]))
