"""Long computations take turns across sessions; a waiting one can still be stopped."""

import threading

import pytest

from app_pages.heavy import HEAVY_AT_ONCE, heavy_slot


class Stopped(Exception):
    """Stands for Streamlit's StopException: a newer rerun request stops the waiting run."""


def test_a_second_long_computation_waits_for_the_first():
    assert HEAVY_AT_ONCE == 1
    first_inside, first_may_leave, second_inside = (threading.Event() for _ in range(3))
    order: list[str] = []
    waits: list[int] = []

    def first() -> None:
        with heavy_slot(lambda: None):
            order.append("first in")
            first_inside.set()
            first_may_leave.wait(30)
            order.append("first out")

    def second() -> None:
        first_inside.wait(30)
        with heavy_slot(lambda: (waits.append(1), first_may_leave.set()), poll_s=0.01):
            order.append("second in")
            second_inside.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert second_inside.wait(30)
    for thread in threads:
        thread.join(30)
    assert order == ["first in", "first out", "second in"]
    assert waits  # it waited, polling, while the first held the slot


def test_a_run_stopped_while_waiting_holds_no_slot():
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with heavy_slot(lambda: None):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(30)

    def stop() -> None:
        raise Stopped

    with pytest.raises(Stopped), heavy_slot(stop, poll_s=0.01):
        pytest.fail("the block must not run while every slot is taken")
    release.set()
    thread.join(30)
    with heavy_slot(lambda: pytest.fail("a free slot is taken at once")):
        pass  # the stopped waiter left the slot free
