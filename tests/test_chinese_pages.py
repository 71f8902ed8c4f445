"""Every page in Chinese shows no English outside code, maths and names: on its default render,
with hostile links, and on its error paths (a broken formula, a refused step count, a diverging
rate, a run that stops at once, a broken tensor, a request over the work budget).

Each case opens a fresh session in Chinese, walks every string of the page after its first run
and after each widget change (tests/chinese.py), and fails with the page, the case, the step, the
element's path and the English words. A case that leads to a notice also asserts the notice is
there, so that an error path cannot pass by showing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core.batched.settings import sweepable_optimizers
from core.optim.optimizers import OPTIMIZERS, PICKER_ORDER, TORCH_OPTIMIZERS
from core.optim.schedules import SCHEDULE_KINDS
from core.text.i18n import STRINGS, text
from core.tutorials.autograd_lab import OPERATIONS
from core.tutorials.lab_inputs import LAB_OPTIMIZERS
from core.tutorials.lessons import LESSONS as LESSON_IDS
from tests.chinese import CJK, Leak, leaks, shown_strings
from tests.test_basins_links import HOSTILE as HOSTILE_BATCHED
from tests.test_lessons import HOSTILE_GLOBAL, HOSTILE_LESSONS
from tests.test_links_app import APP
from tests.test_links_app import HOSTILE as HOSTILE_PLAYGROUND

PLAYGROUND = "app_pages/playground.py"
LESSONS = "app_pages/lessons.py"
LAB = "app_pages/autograd_lab.py"
BATCHED = "app_pages/basins.py"
ALERTS = ("warning", "error", "info", "success")
CHINESE = re.compile(f"[{CJK}]")


@dataclass(frozen=True, slots=True)
class Act:
    """One thing a student does, then the page runs again. `kind` names the widget as AppTest
    does ("number_input", ...), or "tab" to open the tab of the session key `key` (its label
    is `value`), or "click"; `shows` are the kinds of notice the page must then show."""

    name: str
    kind: str
    key: str
    value: Any = None
    shows: tuple[str, ...] = ()

    def __call__(self, at: AppTest) -> None:
        if self.kind == "tab":
            at.session_state[self.key] = self.value
        elif self.kind == "click":
            at.button(key=self.key).click()
        elif self.kind in ("text_input", "text_area"):
            getattr(at, self.kind)(key=self.key).input(self.value)
        else:
            getattr(at, self.kind)(key=self.key).set_value(self.value)
        at.run()


@dataclass(frozen=True, slots=True)
class Case:
    """A fresh session of `page` in Chinese, opened by `link`, then `acts` one after another."""

    page: str
    name: str
    link: Mapping[str, str | list[str]] = field(default_factory=dict)
    shows: tuple[str, ...] = ()  # the kinds of notice the first run must show
    acts: tuple[Act, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.page.split('/')[-1].removesuffix('.py')}: {self.name}"


@dataclass(frozen=True, slots=True)
class Render:
    """What one run of a case showed: its English, and its notices by kind."""

    step: str
    leaks: list[Leak]
    notices: dict[str, list[str]]


def packed(links: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Hostile links merged into as few links as keep every value: each field refuses on its
    own, so one page run can announce many refusals."""
    packs: list[dict[str, Any]] = []
    for link in links:
        pack = next(
            (p for p in packs if all(p.get(k, v) == v for k, v in link.items())),
            None,
        )
        if pack is None:
            packs.append(dict(link))
        else:
            pack.update(link)
    return packs


def tab(label_key: str, session_key: str = "playground_tab") -> Act:
    return Act(f"open {label_key}", "tab", session_key, text(label_key, "zh"))


def each(kind: str, key: str, values: Iterable[Any]) -> tuple[Act, ...]:
    """Every choice of one widget in turn: each says its own words (a rule, a note, a stop)."""
    return tuple(Act(f"{key} = {value}", kind, key, value) for value in values)


# torch.optim's optimizers and the first of each pytorch-optimizer family: their words are those
# of every optimizer (the others differ only in their names), in a fraction of the time.
FAMILY_FIRSTS = {
    OPTIMIZERS[i].family: i for i in reversed(PICKER_ORDER) if not OPTIMIZERS[i].from_torch
}
SAMPLED = [*TORCH_OPTIMIZERS, *FAMILY_FIRSTS.values()]
EVERY_OPTIMIZER = ",".join(SAMPLED)


# ---- The cases --------------------------------------------------------------------------------

# Refusals the existing lists do not reach: a repeated key, a value off a slider's stops, a bool,
# a fraction where a count goes, a formula over its length.
HOSTILE_PLAYGROUND_MORE = [
    {"steps": ["10", "nan"], "opts": ["adam", "adam"]},
    {"hp_adam_lr": "0.0123", "project": "maybe", "noise_seed": "2.5"},
    {"fn": "no_such_function", "formula": "x" * 301, "unknown_key": "1"},
]
HOSTILE_LAB = [
    {"lab_x": "nan", "lab_a": "inf", "lab_b": "-1e400", "lab_lr": "0", "lab_steps": "1e400"},
    {"lab_acc_steps": "2.5", "lab_x0": ["1", "2", "nan"], "lab_values": "x" * 10_000},
    {"lab_optimizer": "__import__('os')", "lab_operation": "<script>alert(1)</script>"},
    {"lab_optimizer": ["sgd", "sgd"], "lab_matrix": "[[0, 0], [1, 2" + " " * 2_000},
]
HOSTILE_LESSON_LINKS = [{"lesson": raw} for raw in HOSTILE_LESSONS] + HOSTILE_GLOBAL


def hostile(page: str, links: Iterable[Mapping[str, Any]]) -> list[Case]:
    return [
        Case(page, f"hostile link {n}", link, shows=("warning",))
        for n, link in enumerate(packed(links), 1)
    ]


SHORT = {"steps": "20"}  # a short race: the words are those of any race
PLAYGROUND_CASES = [
    Case(
        PLAYGROUND,
        "default, every tab",
        acts=tuple(tab(t) for t in ("tab_surface", "tab_inspector", "tab_curvature", "tab_code")),
    ),
    Case(
        PLAYGROUND,
        "every optimizer in the inspector and the curvature tab",
        {"steps": "6", "opts": EVERY_OPTIMIZER},
        acts=(
            tab("tab_inspector"),
            *each("selectbox", "inspect_opt", SAMPLED),
            tab("tab_curvature"),
            *each("selectbox", "curvature_opt", [OPTIMIZERS[i].name for i in SAMPLED]),
        ),
    ),
    Case(
        PLAYGROUND,
        "every schedule, a pinned run, no optimizer",
        SHORT,
        acts=(
            *each("selectbox", "sched_sgd", SCHEDULE_KINDS),
            Act("pin", "click", "pin"),
            Act("no optimizer", "multiselect", "opts", [], shows=("info",)),
        ),
    ),
    *hostile(PLAYGROUND, [*HOSTILE_PLAYGROUND, *HOSTILE_PLAYGROUND_MORE]),
    Case(
        PLAYGROUND,
        "broken formulas and boxes",
        SHORT | {"fn": "custom"},
        acts=(
            Act("a misplaced operator", "text_input", "formula", "x^^2", shows=("error",)),
            Act("an unknown name", "text_input", "formula", "z + 1", shows=("error",)),
            Act("no formula", "text_input", "formula", "", shows=("error",)),
            Act("Python", "text_input", "formula", "().__class__.__bases__[0]", shows=("error",)),
            Act("a fixed formula", "text_input", "formula", "x^2 + y^2"),
            Act("an empty box", "number_input", "box_x1", -5.0, shows=("error",)),
        ),
    ),
    Case(
        PLAYGROUND,
        "refused step counts",
        SHORT,
        acts=(
            Act("no steps", "number_input", "steps", 0, shows=("warning",)),
            Act("too many steps", "number_input", "steps", 99_999, shows=("warning",)),
        ),
    ),
    Case(
        PLAYGROUND,
        "a diverging rate",
        {"steps": "60"},
        acts=(Act("SGD at lr 1", "select_slider", "hp_sgd_lr", 1.0, shows=("warning",)),),
    ),
    Case(
        PLAYGROUND,
        "a run that stops at step 0",
        SHORT | {"fn": "custom", "formula": "log(x) + y^2", "start_x": "-1", "start_y": "1"},
        shows=("warning",),
    ),
    Case(
        PLAYGROUND,
        "a line search that meets nan",
        {"fn": "custom", "formula": "log(x)+y^2", "opts": "lbfgs", "start_x": "1", "start_y": "1"},
        shows=("warning",),
    ),
    Case(PLAYGROUND, "a start outside the box", {"fn": "booth", "start_x": "400"}, ("warning",)),
    Case(PLAYGROUND, "over the work budget", {"steps": "5000"}, shows=("error",)),
    Case(
        PLAYGROUND,
        "a fair race with entries it cannot tune, noise, and over the budget",
        SHORT | {"fair": "true", "opts": "sgd,adam,lbfgs,lion,muon", "sched_adam": "step"},
        acts=(
            Act("noise", "slider", "noise", 0.5),
            Act("too many steps", "number_input", "steps", 700, shows=("error",)),
        ),
    ),
]

LESSON_CASES = [
    Case(
        LESSONS,
        "every lesson, two revealed",
        acts=(
            Act("predict right", "radio", "predict_ravine", 1),
            Act("reveal", "click", "reveal_ravine", shows=("success", "info")),
            Act("predict", "radio", "predict_saddle", 0),
            Act("reveal", "click", "reveal_saddle", shows=("success", "info")),
        ),
    ),
    Case(
        LESSONS,
        "every lesson revealed",
        acts=tuple(
            act
            for lesson in LESSON_IDS
            for act in (
                Act(f"predict {lesson}", "radio", f"predict_{lesson}", 0),
                Act(f"reveal {lesson}", "click", f"reveal_{lesson}", shows=("success", "info")),
            )
        ),
    ),
    Case(LESSONS, "one lesson", {"lesson": "saddle"}),
    Case(
        LESSONS,
        "every exercise checked: wrong, refused, not a number, right",
        {"lesson": "all"},
        acts=(
            Act("check the blank", "click", "check_ex_sgd", shows=("warning",)),
            Act("a typo", "text_area", "rule_ex_sgd", "p = p - lr*gg"),
            Act("check the typo", "click", "check_ex_sgd", shows=("error",)),
            Act("check without eps", "click", "check_ex_rmsprop", shows=("warning",)),
            Act("plain SGD", "text_area", "rule_ex_sgd", "p = p - lr*g"),
            Act("check SGD", "click", "check_ex_sgd", shows=("success",)),
        ),
    ),
    *hostile(LESSONS, HOSTILE_LESSON_LINKS),
]

LAB_CASES = [
    Case(LAB, "default"),
    Case(
        LAB,
        "every operation and every optimizer",
        {"lab_steps": "20", "lab_acc_steps": "20"},
        acts=(
            *each("selectbox", "lab_operation", OPERATIONS),
            *each("selectbox", "lab_optimizer", LAB_OPTIMIZERS),
        ),
    ),
    *hostile(LAB, HOSTILE_LAB),
    Case(
        LAB,
        "broken tensors",
        acts=(
            Act("an unclosed matrix", "text_input", "lab_matrix", "[[0, 0], [1, 2", ("error",)),
            Act("weights of another shape", "text_input", "lab_weights", "[[1, 1]]", ("error",)),
            Act("words for values", "text_input", "lab_values", "one, two", ("error",)),
        ),
    ),
    Case(
        LAB,
        "a runaway loop and no minimum",
        acts=(
            Act("lr 2", "number_input", "lab_lr", 2.0, shows=("error",)),
            Act("a downward parabola", "number_input", "lab_a", -1.0, shows=("warning",)),
        ),
    ),
    Case(LAB, "loops shortened to the budget", {"lab_optimizer": "lbfgs", "lab_steps": "10000"}),
]

SWEEP_TAB, MAP_TAB = text("bv_tab_sweep", "zh"), text("bv_tab_momentum", "zh")
BATCHED_CASES = [
    Case(
        BATCHED,
        "every tab",
        {"bv_steps": "40", "bv_grid": "20", "bv_rates": "20", "bv_mm_side": "12"},
        acts=(
            Act("colour by steps", "radio", "bv_view", "steps"),
            Act("open the sweep", "tab", "bv_tab", SWEEP_TAB),
            Act("open the momentum map", "tab", "bv_tab", MAP_TAB),
        ),
    ),
    *hostile(BATCHED, HOSTILE_BATCHED),
    Case(
        BATCHED,
        "every optimizer, swept too",
        {"bv_steps": "20", "bv_grid": "20", "bv_rates": "20"},
        acts=(
            *each("selectbox", "bv_opt", [i for i in OPTIMIZERS if i != "lbfgs"]),
            Act("sweep them all", "tab", "bv_tab", text("bv_tab_sweep", "zh")),
            Act("all", "multiselect", "bv_sweep_opts", sweepable_optimizers()),
            Act("open the momentum map", "tab", "bv_tab", text("bv_tab_momentum", "zh")),
            Act("Nesterov", "radio", "bv_mm_opt", "nesterov"),
        ),
    ),
    Case(BATCHED, "L-BFGS on a batch", {"bv_opt": "lbfgs"}, shows=("info",)),
    Case(
        BATCHED,
        "refused steps, a diverging rate, the work budget",
        {"bv_steps": "40", "bv_grid": "20"},
        acts=(
            Act("no steps", "number_input", "bv_steps", 0, shows=("warning",)),
            Act("SGD at lr 1", "select_slider", "hp_bv_sgd_lr", 1.0),
            Act("over the work budget", "number_input", "bv_steps", 5_000, shows=("error",)),
        ),
    ),
    Case(
        BATCHED,
        "an empty sweep",
        {"bv_tab": "sweep", "bv_steps": "40", "bv_rates": "20"},
        acts=(
            Act("an empty range", "select_slider", "bv_lr_range", (0.01, 0.01), ("error",)),
            Act("no optimizer", "multiselect", "bv_sweep_opts", [], shows=("info",)),
        ),
    ),
    Case(
        BATCHED,
        "an empty momentum map",
        {"bv_tab": "momentum", "bv_steps": "40", "bv_mm_side": "12"},
        acts=(Act("an empty range", "select_slider", "bv_mm_range", (0.01, 0.01), ("error",)),),
    ),
]

CASES = PLAYGROUND_CASES + LESSON_CASES + LAB_CASES + BATCHED_CASES


# ---- Running a case ---------------------------------------------------------------------------


def notices(at: AppTest) -> dict[str, list[str]]:
    return {kind: [alert.value for alert in at.get(kind)] for kind in ALERTS}


def _render(at: AppTest, step: str) -> Render:
    return Render(step, leaks(at), notices(at))


_RENDERS: dict[str, list[Render]] = {}
_COMMENTS: dict[str, list[str]] = {}  # the comments of the code the last run shows


def renders(case: Case) -> list[Render]:
    """Every run of the case, walked: run once per session of the test file."""
    if case.id not in _RENDERS:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["lang"] = "zh"  # a hostile 'lang' in the link falls back to it
        for name, value in ({"lang": "zh"} | dict(case.link)).items():
            at.query_params[name] = value
        at.switch_page(case.page)
        at.run()
        shown = [_render(at, "first run")]
        for act in case.acts:
            act(at)
            shown.append(_render(at, act.name))
        _RENDERS[case.id] = shown
        _COMMENTS[case.id] = [s.string for s in shown_strings(at._tree) if s.what == "comment"]
    return _RENDERS[case.id]


def missing_notices(render: Render, kinds: Sequence[str]) -> list[str]:
    """The kinds asked for that the run shows no Chinese notice of (any one of `kinds`)."""
    if not kinds:
        return []
    shown = [n for kind in kinds for n in render.notices[kind] if CHINESE.search(n)]
    return [] if shown else [f"{render.step}: no {' or '.join(kinds)} in Chinese"]


# ---- The tests --------------------------------------------------------------------------------


def problems_of(case: Case) -> list[str]:
    """Each English string of each run, each notice the case asks for and does not show, and
    each bug the app's error boundary caught."""
    runs = renders(case)
    expected = [case.shows, *(act.shows for act in case.acts)]
    problems = [f"{run.step}: {leak}" for run in runs for leak in run.leaks]
    for run, kinds in zip(runs, expected, strict=True):
        problems += missing_notices(run, kinds)
        if text("unexpected_error", "zh") in run.notices["error"]:
            problems.append(f"{run.step}: the app's error boundary caught a bug")
    return problems


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_chinese_page_shows_no_english(case):
    problems = problems_of(case)
    assert not problems, f"{case.id}:\n" + "\n".join(problems)


def test_the_code_tabs_script_comments_in_chinese():
    """The default case ends on the Code tab: the walker reads its script's comments (which the
    case finds no English in), and they are Chinese, not missing."""
    (case,) = [c for c in PLAYGROUND_CASES if c.name == "default, every tab"]
    renders(case)
    chinese = [comment for comment in _COMMENTS[case.id] if CHINESE.search(comment)]
    assert len(chinese) >= 2, _COMMENTS[case.id]


def test_hostile_links_are_refused_for_every_reason_in_chinese():
    """Between them the hostile links reach every reason a link's value can be refused for, so
    every reason has been said in Chinese on a page."""
    said = " ".join(
        warning
        for case in CASES
        if case.name.startswith("hostile link")
        for run in renders(case)
        for warning in run.notices["warning"]
    )
    reasons = {k: STRINGS[k]["zh"].split("{")[0] for k in STRINGS if k.startswith("link_why_")}
    assert not [key for key, words in reasons.items() if words not in said], said


# ---- The walker itself: it sees English wherever a page can show it --------------------------

ENGLISH_IN_EVERY_ELEMENT = """
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.selectbox("函数", ["Rosenbrock", "custom formula"], help="选一个 function")
st.text_input("公式", placeholder="type here")
st.warning("学习率 too large")
(race,) = st.tabs(["Race tab"])
with race, st.expander("更多 options"):
    st.metric("final loss", 1.0)
st.dataframe(pd.DataFrame({"final x": [1.0], "结束原因": ["completed"]}))
figure = go.Figure(go.Scatter(x=[0], y=[0], name="start point", hovertemplate="%{x} steps"))
figure.update_layout(title="损失 per step", xaxis_title="步数", yaxis_title="loss")
figure.update_layout(updatemenus=[{"buttons": [{"label": "Play", "method": "animate"}]}])
st.plotly_chart(figure)
st.code("p = torch.zeros(2)  # the start point", language="python")
st.html("<style>p {margin: 0}</style><p>Hello 学生</p>")
"""

CHINESE_WITH_CODE_MATHS_AND_NAMES = """
import plotly.graph_objects as go
import streamlit as st

st.markdown("用 `torch.optim.SGD` 求 $f(x) = x^2$ 的最小值；Adam 在第 {step} 步到达。")
st.latex(r"\\text{any words at all}")
st.code("for step in range(3):  # 每一步都调用 optimizer.step()\\n    pass", language="python")
st.code("RuntimeError: Trying to backward through the graph", language="text")
st.selectbox("设备", ["cpu"])
st.html("<style>[data-testid=stMainBlockContainer] {padding-top: 3.75rem}</style>")
figure = go.Figure(go.Scatter(x=[0], y=[0], name="Adam", hovertemplate="第 %{x} 步<extra></extra>"))
st.plotly_chart(figure.update_layout(title="Rosenbrock 上的 Adam 与 SGD"))
"""


def test_the_walker_finds_english_in_every_kind_of_element():
    at = AppTest.from_string(ENGLISH_IN_EVERY_ELEMENT).run()
    found = {(leak.element, leak.shown.what): leak.words for leak in leaks(at)}
    assert found == {
        ("selectbox[函数]", "options"): ["custom", "formula"],
        ("selectbox[函数]", "help"): ["function"],
        ("text_input[公式]", "placeholder"): ["here", "type"],
        ("warning", "body"): ["large", "too"],
        ("tab[Race tab]", "label"): ["Race", "tab"],
        ("expander[更多 options]", "label"): ["options"],
        ("metric[final loss]", "label"): ["final", "loss"],
        ("dataframe", "column"): ["final"],
        ("dataframe", "cell"): ["completed"],
        ("plotly_chart", "figure.data.name"): ["point", "start"],
        ("plotly_chart", "figure.data.hovertemplate"): ["steps"],
        ("plotly_chart", "figure.layout.title.text"): ["per", "step"],
        ("plotly_chart", "figure.layout.yaxis.title.text"): ["loss"],
        ("plotly_chart", "figure.layout.updatemenus.buttons.label"): ["Play"],
        ("code", "comment"): ["point", "start", "the"],
        ("html", "body"): ["Hello"],
    }


def test_the_walker_lets_code_maths_and_names_through():
    at = AppTest.from_string(CHINESE_WITH_CODE_MATHS_AND_NAMES).run()
    assert not at.exception
    assert leaks(at) == []


def test_the_walker_fails_on_an_exception():
    at = AppTest.from_string("raise ValueError('a broken page')").run()
    with pytest.raises(AssertionError, match="raised ValueError"):
        leaks(at)
