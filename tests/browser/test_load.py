"""A class on one server, measured from the server's side: protocol clients, no browser crowd.

Students are clients that speak Streamlit's own websocket protocol (tests/protocol_client.py),
so the server, not twenty Chromium renderers on the same cores, is what gets loaded. The default
suite runs a small class on the default Playground and on a lesson link; the 40-student class
behind the README's table (`python bench/load.py`) is marked heavy. Nothing asserts a time:
every student gets its chart, sees only its own setting, and meets no error. One real browser
joins a class to show that what the protocol client reads is what a student sees.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.Markdown_pb2 import Markdown
from streamlit.proto.NumberInput_pb2 import NumberInput

from bench.load import (
    SCENARIOS,
    Measurement,
    classroom,
    drive,
    measure,
    own_state_errors,
    race_steps,
)
from tests.browser.harness import wait_for_app
from tests.browser.test_playground_browser import current_step
from tests.protocol_client import Run, StreamlitClient, user_key, widget_state

LESSON = SCENARIOS[1]


def chart_of(steps: int) -> dict:
    """A race chart's spec as far as the checks read it: the slider's labels."""
    labels = [{"label": str(step)} for step in (0, steps // 2, steps)]
    return {"layout": {"sliders": [{"steps": labels}]}}


def test_the_client_reads_keys_and_writes_widget_states_as_a_browser():
    assert user_key("$$ID-c90e58571778d2c4ee45c12a9e9c46b2-steps") == "steps"
    assert user_key("$$ID-5a25e566e6ddb4b0c9b436d24bd669e0-None") is None
    assert user_key("$$ID-dd87-hp-lr") == "hp-lr"
    steps = Element(number_input=NumberInput(id="$$ID-1-steps", data_type=NumberInput.INT))
    state = widget_state(steps, 151)
    assert (state.id, state.WhichOneof("value")) == ("$$ID-1-steps", "int_value")
    assert state.int_value == 151
    noise = Element(number_input=NumberInput(id="$$ID-2-x", data_type=NumberInput.FLOAT))
    assert widget_state(noise, 0.5).double_value == 0.5
    with pytest.raises(ValueError, match="not supported"):
        widget_state(Element(markdown=Markdown(body="Steps")), 1)


def test_a_page_showing_another_students_setting_is_an_error():
    client = StreamlitClient("http://127.0.0.1:1")
    client.query_string = "fn=quadratic&steps=152"
    assert own_state_errors(Run(chart=chart_of(152)), client, "steps", 152) == []
    assert race_steps(chart_of(152)) == 152
    chart_wrong = own_state_errors(Run(chart=chart_of(151)), client, "steps", 152)
    assert chart_wrong == ["race chart shows 151 steps, not this student's 152"]
    link_wrong = own_state_errors(Run(chart=chart_of(151)), client, "steps", 151)
    assert link_wrong == ["address says steps=['152'], not this student's 151"]
    assert own_state_errors(Run(), client, "steps", 152) == ["no race chart"]


def assert_each_student_saw_only_its_own_race(m: Measurement, students: int) -> None:
    assert m.errors == [], m.errors
    assert len(m.students) == students
    opened = {race_steps(student.opened.chart) for student in m.students}
    assert len(opened) == 1  # the same link: the same race for everyone
    if "steps" in m.scenario.query:
        assert opened == {int(m.scenario.query["steps"])}
    # Then each set a value of its own, and each chart shows that value and no other.
    (shown,) = opened
    assert [student.value for student in m.students] == list(range(shown + 1, shown + 1 + students))
    for student in m.students:
        assert student.changed is not None
        assert race_steps(student.changed.chart) == student.value
        assert student.kilobytes > 0
    assert m.server_cpu_s > 0 and m.peak_rss_mb > 0  # read from the server's /proc entries


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_a_small_class_each_student_sees_only_its_own_race(scenario):
    m = measure(scenario, students=4, window_s=2.0, pin=False)
    assert_each_student_saw_only_its_own_race(m, 4)


@pytest.mark.heavy
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_forty_students_within_ten_seconds_on_one_core(scenario):
    m = measure(scenario, students=40, window_s=10.0, pin=True)
    assert_each_student_saw_only_its_own_race(m, 40)


@pytest.mark.navigates
def test_a_browser_among_protocol_students_sees_what_the_client_reads(page: Page, server_url: str):
    with ThreadPoolExecutor(1) as pool:  # three protocol students while the browser works
        crowd = pool.submit(drive, lambda: classroom(server_url, LESSON, 3, 1.0))
        page.goto(f"{server_url}{LESSON.link}")
        wait_for_app(page)
        steps = page.get_by_label("Steps")
        steps.fill("987")
        steps.press("Enter")
        expect(page).to_have_url(re.compile(r"steps=987\b"))
        wait_for_app(page)
        expect(current_step(page)).to_have_text("Step 987")
        students = crowd.result()

    assert [error for student in students for error in student.errors] == []
    assert sorted(student.value for student in students) == [151, 152, 153]
    # The browser's own link, opened by the protocol client, reads the same race.
    query = page.url.partition("?")[2]
    assert re.search(r"steps=987\b", query)

    async def read_race() -> dict | None:
        async with StreamlitClient(server_url) as client:
            return (await client.open("", query)).chart

    assert race_steps(drive(read_race)) == 987
