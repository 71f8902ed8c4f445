"""Optimizer inspector: the filled-in equation predicts the real update; its state is torch's."""

from __future__ import annotations

import json
import re
import tomllib

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import torch

from core.analysis.arrows import arrow_annotations, update_arrows, update_arrows_figure
from core.analysis.inspector import inspect_run, inspect_step, torch_arguments
from core.analysis.latex import (
    LINE_BUDGET_EM,
    PLACEHOLDER,
    block_width,
    latex_number,
    latex_value,
    latex_width,
)
from core.analysis.quantities import STATE, STATE_BEFORE, row_label
from core.analysis.update_rules import LINES_FILE, RULES, Context, RuleLinesError, rule_lines
from core.optim.optimizers import OPTIMIZERS, TORCH_OPTIMIZERS
from core.optim.schedules import Schedule
from core.problems.objectives import OBJECTIVES
from core.runs.engine import MAX_STEPS, RECORD_CHUNK, Trajectory, trajectory
from core.text.refusal import Refusal

OBJECTIVE = "himmelblau"
START = (0.3, -0.7)
STEPS = 12
TS = (0, 1, 6, STEPS - 1)
DTYPES = [torch.float32, torch.float64]

# Every spelled-out rule, with the variants that change its lines.
COVERED = [
    ("sgd", {"lr": 0.01}),
    ("sgd", {"lr": 0.01, "weight_decay": 0.2}),
    ("momentum", {"lr": 0.005}),
    ("momentum", {"lr": 0.005, "dampening": 0.3, "weight_decay": 0.1}),
    ("nesterov", {"lr": 0.005}),
    ("nesterov", {"lr": 0.005, "momentum": 0.5, "weight_decay": 0.1}),
    ("adam", {"lr": 0.1}),
    ("adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.05, "beta1": 0.5}),
    ("adamw", {"lr": 0.1}),
    ("adamw", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.3, "beta2": 0.9}),
    ("rmsprop", {"lr": 0.02}),
    ("rmsprop", {"lr": 0.02, "centered": True}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.6, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.6, "centered": True, "alpha": 0.9}),
    ("adagrad", {"lr": 0.5}),
    ("adagrad", {"lr": 0.5, "lr_decay": 0.05, "initial_accumulator_value": 0.2}),
    ("adagrad", {"lr": 0.5, "weight_decay": 0.1, "eps": 1e-3}),
    ("muon", {"lr": 0.05}),
    ("muon", {"lr": 0.05, "nesterov": False, "weight_decay": 0.1, "ns_steps": 3}),
    ("adadelta", {"lr": 1.0}),
    ("adadelta", {"lr": 2.0, "rho": 0.5, "eps": 1e-3, "weight_decay": 0.1}),
    ("lion", {"lr": 0.05}),
]
# torch.optim's without a spelled-out rule (pytorch-optimizer's: tests/test_zoo.py).
GENERIC = [oid for oid in TORCH_OPTIMIZERS if oid not in RULES]


def _ids(case):
    oid, hyper = case
    return oid + "".join(f"-{k}={v}" for k, v in hyper.items())


def _steps(oid, hyper, dtype=torch.float32, steps=STEPS, **options):
    return list(trajectory(OBJECTIVE, oid, START, steps, dtype=dtype, **options, **hyper))


def _ulp(values: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    kind = np.float32 if dtype == torch.float32 else np.float64
    return np.spacing(np.abs(values).astype(kind)).astype(np.float64)


def _assert_predicts(inspection, steps, t, dtype):
    """Predicted and actual update agree to rounding: a few ulps of x in the run's dtype (the
    iterates are rounded to it) plus a relative error for the torch arithmetic (a rule that
    torch computes in a shorter float, Muon's bfloat16, states its own)."""
    predicted, actual = inspection.predicted_update, inspection.actual_update
    x_t, x_next = steps[t].point.astype(np.float64), steps[t + 1].point.astype(np.float64)
    rule_rtol = RULES[inspection.optimizer].rtol
    rtol = rule_rtol if rule_rtol > 1e-3 else 1e-5 if dtype == torch.float32 else 1e-12
    slack = 4 * np.maximum(_ulp(x_t, dtype), _ulp(x_next, dtype)) + rtol * np.abs(predicted)
    assert np.all(np.abs(predicted - actual) <= slack), (predicted, actual, slack)
    assert np.any(actual != 0)  # a real move, not a trivially matched standstill


def test_rules_cover_the_classroom_optimizers():
    taught = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw"}
    assert taught | {"lion", "muon"} <= set(RULES)
    assert set(RULES) <= set(OPTIMIZERS)


def test_every_line_of_a_rule_is_shown_and_names_what_its_function_computes():
    """Each line of update_rules.toml is shown for some variant of COVERED (at t = 0 or 1: a
    first momentum buffer and a later one), a shown line names only quantities the rule's
    function computed there, and the last line shown is x_{t+1}'s. The shared `gradient` lines
    need only be shown by some rule: one whose weight decay is decoupled (Muon) never folds it
    into g_t."""
    assert {rule.lines for rule in RULES.values()} == set(rule_lines().values())
    shared = {template for _, template in tomllib.loads(LINES_FILE.read_text())["gradient"]}

    def line(rule, template):
        return ("gradient", template) if template in shared else (rule.lines, template)

    unshown = {line(rule, template) for rule in RULES.values() for _, template in rule.lines}
    for oid, hyper in COVERED:
        rule, steps = RULES[oid], _steps(oid, hyper, steps=3)
        for t in (0, 1):
            quantities, flags, _ = rule.compute(Context.at(steps, t, torch_arguments(oid, hyper)))
            templates = rule.templates(flags)
            for template in templates:
                assert set(PLACEHOLDER.findall(template)) <= set(quantities), (oid, template)
                unshown.discard(line(rule, template))
            assert templates[-1].startswith("@x_next = ")
    assert unshown == set()


GRADIENT = "gradient = [['', '@g = @grad']]\n[rules]\n"


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("gradient = [\n", "not TOML"),
        (
            "gradient = [['', '@g = @grad']]\n",
            r"needs the array `gradient` and the table \[rules\]",
        ),
        (GRADIENT + "sgd = []\n", r"rules\.sgd is not a non-empty array"),
        (GRADIENT + "sgd = [['', '@a = @b', '']]\n", r"rules\.sgd\[0\] is not a \[condition"),
        (GRADIENT + "sgd = [['', '@a = @b'], ['', 3]]\n", r"rules\.sgd\[1\] is not a \[condition"),
        (GRADIENT + "sgd = [['a & b', '@a = @b']]\n", r"rules\.sgd\[0\] has a condition that is"),
        (GRADIENT + "sgd = [['', '@x_next']]\n", r"rules\.sgd\[0\] has no ' = '"),
    ],
)
def test_a_broken_rule_file_is_refused_by_name(tmp_path, toml, problem):
    path = tmp_path / "update_rules.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(RuleLinesError, match=rf"^update_rules\.toml: {problem}"):
        rule_lines(path)


def test_the_rule_lines_are_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rule_lines.cache_clear()
    assert rule_lines()["adam"] == RULES["adam"].lines
    # The backslashes of the LaTeX stay as written.
    assert ("amsgrad", r"@vmax = \max(@vmax_prev, @v)") in rule_lines()["adam"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", COVERED, ids=_ids)
def test_equation_predicts_the_actual_update(case, dtype):
    oid, hyper = case
    steps = _steps(oid, hyper, dtype)
    for t in TS:
        inspection = inspect_step(oid, hyper, steps, t)
        assert inspection.covered
        _assert_predicts(inspection, steps, t, dtype)
        exact = steps[t + 1].point.astype(np.float64) - steps[t].point.astype(np.float64)
        np.testing.assert_array_equal(inspection.actual_update, exact)
        table = inspection.table
        np.testing.assert_array_equal(
            table.loc["predicted_update", ["x", "y"]].to_numpy(float), inspection.predicted_update
        )
        np.testing.assert_array_equal(
            table.loc["gradient", ["x", "y"]].to_numpy(float), steps[t].grad
        )


@pytest.mark.parametrize("case", COVERED, ids=_ids)
def test_state_rows_are_the_recorded_optimizer_state_exactly(case):
    oid, hyper = case
    steps = _steps(oid, hyper)
    for t in TS:
        table = inspect_step(oid, hyper, steps, t).table
        for label, recorded in (
            *((key, value) for key, value in steps[t].state.items()),
            *((f"{key} (t-1)", value) for key, value in (steps[t - 1].state if t else {}).items()),
        ):
            if label not in table.index:
                continue  # e.g. Adam's step count before the update is not shown
            row = table.loc[label, ["x", "y"]].to_numpy(float)
            np.testing.assert_array_equal(row, np.broadcast_to(np.float64(recorded), 2))
        for label in table.index[table["source"] == STATE]:
            assert label in steps[t].state
        assert (table["source"] == STATE).sum() >= (0 if oid == "sgd" else 1)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", COVERED, ids=_ids)
def test_state_rows_equal_a_bare_torch_loop(case, dtype):
    """What a student's loop holds in optimizer.state after update t, bit for bit."""
    oid, hyper = case
    spec, objective = OPTIMIZERS[oid], OBJECTIVES[OBJECTIVE]
    steps = _steps(oid, hyper, dtype)
    # An optimizer of matrices only (Muon) steps the point as the 1 x 2 matrix [[x, y]].
    p = torch.tensor([START] if spec.holds == "row" else START, dtype=dtype, requires_grad=True)
    optimizer = spec.cls([p], **spec.torch_kwargs(**hyper))
    before = {}
    for t in range(max(TS) + 1):
        optimizer.zero_grad()
        objective.fn(p).sum().backward()
        gradient = p.grad.clone().reshape(-1)
        optimizer.step()
        if t in TS:
            table = inspect_step(oid, hyper, steps, t).table
            np.testing.assert_array_equal(
                table.loc["gradient", ["x", "y"]].to_numpy(float), gradient.numpy()
            )
            for key, value in optimizer.state[p].items():
                if isinstance(value, torch.Tensor) and key in table.index:
                    row = table.loc[key, ["x", "y"]].to_numpy(float)
                    np.testing.assert_array_equal(row, np.broadcast_to(value.reshape(-1), 2))
            for key, value in before.items():
                if f"{key} (t-1)" in table.index:
                    row = table.loc[f"{key} (t-1)", ["x", "y"]].to_numpy(float)
                    np.testing.assert_array_equal(row, value)
        before = {
            k: v.clone().reshape(-1).numpy()
            for k, v in optimizer.state[p].items()
            if isinstance(v, torch.Tensor) and v.numel() == 2
        }


def test_first_update_starts_from_torchs_initial_state():
    hyper = {"lr": 0.5, "initial_accumulator_value": 0.2}
    table = inspect_step("adagrad", hyper, _steps("adagrad", hyper), 0).table
    np.testing.assert_array_equal(table.loc["sum (t-1)", ["x", "y"]].to_numpy(float), [0.2, 0.2])
    assert table.loc["sum (t-1)", "source"] == STATE_BEFORE
    first = inspect_step("momentum", {}, _steps("momentum", {}), 0)
    assert first.equations[1] == "b_t = g_t" and "text" not in "".join(first.filled)
    assert first.note.startswith("First update: torch starts the momentum buffer at gₜ")
    zh = inspect_step("momentum", {}, _steps("momentum", {}), 0, lang="zh")
    assert zh.note.startswith("第一次更新") and zh.filled == first.filled
    later = inspect_step("momentum", {}, _steps("momentum", {}), 1)
    assert later.note == "" and later.equations[1].startswith(r"b_t = \mu \, b_{t-1}")


def test_prediction_uses_the_scheduled_rate_and_the_noisy_gradient():
    hyper = {"lr": 0.1}
    steps = _steps("adam", hyper, steps=20, schedule=Schedule("step", 0.5, 5), noise=0.3, seed=3)
    for t in (3, 12, 18):
        inspection = inspect_step("adam", hyper, steps, t)
        assert inspection.lr == steps[t].lr < 0.1 or t < 5
        _assert_predicts(inspection, steps, t, torch.float32)


def test_equations_and_filled_lines_match_line_for_line():
    hyper = {"lr": 0.1, "amsgrad": True, "weight_decay": 0.3}
    inspection = inspect_step("adamw", hyper, _steps("adamw", hyper), 4)
    assert len(inspection.equations) == len(inspection.filled) == len(inspection.shown) > 5
    assert inspection.equations[-1].startswith("x_{t+1} = x_t")
    assert r"\lambda" in inspection.equations[-1]  # decoupled weight decay is visible
    assert r"v^{\max}_t" in "".join(inspection.equations)
    for symbolic, filled, shown in zip(*_lines(inspection), strict=True):
        assert "@" not in symbolic + filled + shown
        lhs, rhs = symbolic.split(" = ", 1)
        assert _without_layout(filled).startswith(lhs)  # the same left side ...
        assert _without_layout(shown).startswith(f"{lhs} = {rhs}")  # ... under its symbols
    assert r"\begin{pmatrix}" in inspection.filled[-1]
    assert "0.3" in inspection.filled[-1]


def _lines(inspection):
    return inspection.equations, inspection.filled, inspection.shown


def _without_layout(latex: str) -> str:
    """An equation as one line: no `aligned` block, row breaks or alignment marks."""
    body = latex.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    rows = re.split(r" \\\\ (?=&)", body.strip())  # row breaks (a vector's are not before &)
    return " ".join(row.replace(r"&\quad", "").replace("&", "").strip() for row in rows)


def _sides(filled: str) -> list[str]:
    """The parts of a filled line between its top-level "=" signs."""
    line, parts, depth, begin = _without_layout(filled), [], 0, 0
    for i, char in enumerate(line):
        depth += (char in "({") - (char in ")}")
        if char == "=" and depth == 0:
            parts.append(line[begin:i].strip())
            begin = i + 1
    return [*parts, line[begin:].strip()]


def _numbers(value) -> list[str]:
    """How the equations print each entry of a state value (4 significant digits)."""
    return [latex_number(float(v)).strip("()") for v in np.atleast_1d(np.asarray(value, float))]


@pytest.mark.parametrize("case", COVERED, ids=_ids)
def test_each_line_shows_its_symbols_above_its_numbers(case):
    """The symbolic equation above the filled-in one, for every optimizer and variant: symbols
    and numbers differ, a filled line is never `a = a`, it prints optimizer.state's numbers,
    and every row of what is shown fits the equation column."""
    oid, hyper = case
    steps = _steps(oid, hyper)
    for t in TS:
        inspection = inspect_step(oid, hyper, steps, t)
        for symbolic, filled, shown in zip(*_lines(inspection), strict=True):
            assert r"\begin{pmatrix}" not in symbolic and filled != symbolic
            assert _without_layout(shown).startswith(symbolic)
            sides = _sides(filled)
            assert len(sides) >= 2 and len(set(sides[1:])) == len(sides) - 1, filled
            for latex in (filled, shown):
                assert block_width(latex) <= LINE_BUDGET_EM, latex
        printed = " ".join(inspection.filled)
        for key, value in steps[t].state.items():
            if key != "step" and np.size(value) == 2:  # each state vector, entry by entry
                assert all(number in printed for number in _numbers(value)), (key, printed)
        assert r"\nabla f(x_t)" in inspection.shown[0]  # the gradient line, named as such
        assert all(number in inspection.shown[0] for number in _numbers(steps[t].grad))


def test_sgds_gradient_line_reads_as_an_equation_not_a_tautology():
    steps = list(trajectory("rosenbrock", "sgd", (-1.2, 1.0), 3, lr=0.002))
    inspection = inspect_step("sgd", {"lr": 0.002}, steps, 0)
    gradient, update = inspection.shown
    assert gradient.startswith(r"g_t = \nabla f(x_t) = \begin{pmatrix} -215.6 \\ -88")
    assert gradient.count(r"\begin{pmatrix}") == 1  # not "(-215.6, -88) = (-215.6, -88)"
    assert _without_layout(update).startswith(r"x_{t+1} = x_t - \eta \, g_t = \begin{pmatrix}")
    assert "0.002" in update and _sides(update)[-1] == latex_value(steps[1].point)


def test_long_lines_are_split_into_rows_that_fit():
    """Adam's second moment, with large gradients: more than one row, each within the budget."""
    steps = list(trajectory("eggholder", "adam", (400.0, 300.0), 4, lr=5.0))
    inspection = inspect_step("adam", {"lr": 5.0}, steps, 2)
    second_moment = next(s for s in inspection.shown if s.startswith(r"\begin{aligned} v_t"))
    assert second_moment.count(r"\\ &") >= 3  # symbols, two rows of numbers, the value
    assert block_width(second_moment) <= LINE_BUDGET_EM
    one_row = second_moment.replace(r" \\ &\quad", "")  # the numbers as a single row
    assert block_width(one_row) > LINE_BUDGET_EM


@pytest.mark.parametrize(
    ("latex", "low", "high"),
    [
        ("x", 0.4, 0.6),
        (r"x_{t+1} = x_t", 3.0, 5.0),
        (r"\begin{pmatrix} -215.6 \\ -88 \end{pmatrix}", 4.0, 6.0),
        (r"\frac{1}{\sqrt{\begin{pmatrix} 1 \\ 2 \end{pmatrix}} + 1 \times 10^{-8}}", 6.0, 9.0),
    ],
)
def test_latex_widths_are_estimated_in_em(latex, low, high):
    assert low <= latex_width(latex) <= high


def test_labels_show_no_raw_latex():
    steps = list(trajectory("rosenbrock", "adam", (-1.2, 1.0), 6, lr=0.05))
    for lang in ("en", "zh"):
        inspection = inspect_step("adam", {"lr": 0.05}, steps, 3, lang=lang)
        fig = update_arrows_figure(inspection, OBJECTIVES["rosenbrock"], lang=lang)
        words = [fig.layout.title.text, *(trace.name for trace in fig.data)]
        words += [a.label for a in update_arrows(inspection, lang=lang)]
        words += list(inspection.table.iloc[:, 3])  # the meanings
        raw = [w for w in words if re.search(r"[_^]\{|\\[a-z]+|[a-z]_[a-z0-9]\b", w)]
        assert not raw, raw
        assert "x<sub>3</sub>" in fig.layout.title.text


@pytest.mark.parametrize("oid", GENERIC)
def test_other_optimizers_get_the_generic_view(oid):
    steps = _steps(oid, {})
    inspection = inspect_step(oid, {}, steps, 2)
    assert not inspection.covered
    assert inspection.equations == inspection.filled == ()
    assert inspection.predicted_update is None
    assert "not spelled out" in inspection.note
    exact = steps[3].point.astype(np.float64) - steps[2].point.astype(np.float64)
    np.testing.assert_array_equal(inspection.actual_update, exact)
    table = inspection.table
    for key, value in steps[2].state.items():
        value = np.asarray(value, dtype=np.float64)
        if value.size in (1, 2):
            row = table.loc[key, ["x", "y"]].to_numpy(float)
            np.testing.assert_array_equal(row, np.broadcast_to(value.reshape(-1), 2))


def test_steps_without_an_update_are_refused():
    steps = _steps("adam", {}, steps=3)
    with pytest.raises(ValueError, match="last iterate"):
        inspect_step("adam", {}, steps, 3)
    with pytest.raises(ValueError, match="outside"):
        inspect_step("adam", {}, steps, 4)
    with pytest.raises(ValueError, match="outside"):
        inspect_step("adam", {}, steps, -1)


def test_the_update_that_ended_a_run_can_be_inspected():
    run = trajectory("quadratic", "sgd", (-1.8, -0.8), 100, lr=0.05)
    steps = list(run)
    assert run.stop.reason == "escaped"
    last = len(steps) - 1
    with pytest.raises(ValueError, match="last iterate"):  # without the Stop it cannot know
        inspect_step("sgd", {"lr": 0.05}, steps, last)
    inspection = inspect_step("sgd", {"lr": 0.05}, steps, last, stop=run.stop)
    assert inspection.actual_update is None
    assert np.isnan(inspection.table.loc["actual_update", ["x", "y"]].to_numpy(float)).all()
    assert "stopped" in inspection.note
    assert [a.key for a in update_arrows(inspection)] == ["gradient", "predicted"]


def test_inspect_run_reruns_just_far_enough():
    options = {"dtype": torch.float64, "noise": 0.2, "seed": 5, "schedule": Schedule("cosine")}
    steps = _steps("rmsprop", {"lr": 0.02}, steps=30, **options)
    mine = inspect_run(OBJECTIVE, "rmsprop", START, 30, 7, hyper={"lr": 0.02}, **options)
    theirs = inspect_step("rmsprop", {"lr": 0.02}, steps, 7)
    assert mine.filled == theirs.filled
    pd.testing.assert_frame_equal(mine.table, theirs.table)


@pytest.mark.parametrize("t", [0, 7, 300])
def test_inspect_run_computes_no_update_far_past_the_inspected_one(monkeypatch, t):
    """Showing update t of a 5,000-step race runs about t updates, not a whole chunk of 256
    (nor the race): what the inspector costs the server grows with the step shown."""
    updates = []
    update = Trajectory.update
    monkeypatch.setattr(Trajectory, "update", lambda self, i: updates.append(i) or update(self, i))
    shown = inspect_run(OBJECTIVE, "adam", START, MAX_STEPS, t, hyper={"lr": 0.01})
    assert shown.t == t
    assert t + 1 <= len(updates) <= t + 2 + (RECORD_CHUNK if t + 2 > RECORD_CHUNK else 0)


def test_inspect_run_clamps_to_the_last_update_made():
    escaped = inspect_run("quadratic", "sgd", (-1.8, -0.8), 100, 99, hyper={"lr": 0.05})
    assert escaped.actual_update is None and escaped.t < 10
    completed = inspect_run("booth", "adam", (0.0, 0.0), 5, 99, hyper={})
    assert completed.t == 4 and completed.actual_update is not None
    with pytest.raises(ValueError):
        inspect_run("booth", "adam", (0.0, 0.0), 0, 0, hyper={})


def test_torch_arguments_fill_in_torchs_own_defaults():
    assert torch_arguments("nesterov", {})["dampening"] == 0
    assert torch_arguments("adam", {"lr": 0.3})["lr"] == 0.3
    assert torch_arguments("adam", {})["betas"] == (0.9, 0.999)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.05, "0.05"),
        (1e-8, r"1 \times 10^{-8}"),
        (-2.5, "(-2.5)"),
        (12345.678, r"1.235 \times 10^{4}"),
        (float("nan"), r"\mathrm{NaN}"),
        (float("-inf"), r"-\infty"),
    ],
)
def test_latex_numbers(value, text):
    assert latex_number(value) == text


# ---- arrows ---------------------------------------------------------------------------------


def test_arrows_start_at_x_t_and_end_where_the_updates_do():
    steps = _steps("momentum", {"lr": 0.005})
    inspection = inspect_step("momentum", {"lr": 0.005}, steps, 6)
    arrows = {a.key: a for a in update_arrows(inspection)}
    assert set(arrows) == {"gradient", "predicted", "actual"}
    for arrow in arrows.values():
        np.testing.assert_array_equal(arrow.start, steps[6].point.astype(np.float64))
    np.testing.assert_allclose(arrows["actual"].end, steps[7].point, rtol=0, atol=1e-6)
    gradient = arrows["gradient"]
    direction = gradient.end - gradient.start
    cosine = (
        -direction @ steps[6].grad / (np.linalg.norm(direction) * np.linalg.norm(steps[6].grad))
    )
    assert cosine == pytest.approx(1.0)  # along -gradient, whatever its drawn length
    assert gradient.length == pytest.approx(0.005 * np.linalg.norm(steps[6].grad))


def test_a_gradient_step_far_longer_than_the_update_is_drawn_shortened():
    steps = list(trajectory("rosenbrock", "adam", (-1.2, 1.0), 6, lr=0.05))
    inspection = inspect_step("adam", {"lr": 0.05}, steps, 3)
    arrows = {a.key: a for a in update_arrows(inspection)}
    gradient = arrows["gradient"]
    assert gradient.scaled and "shortened" in gradient.label
    assert np.linalg.norm(gradient.end - gradient.start) == pytest.approx(arrows["actual"].length)
    assert gradient.length > 3 * arrows["actual"].length


def test_arrow_annotations_are_plotly_arrows_in_data_coordinates():
    inspection = inspect_step("sgd", {}, _steps("sgd", {}), 2)
    annotations = arrow_annotations(update_arrows(inspection), xref="x2", yref="y2", colour="red")
    fig = go.Figure()
    fig.update_layout(annotations=annotations)  # plotly validates every key
    for a in annotations:
        assert a["showarrow"] and a["arrowcolor"] == "red"
        assert (a["xref"], a["axref"], a["yref"], a["ayref"]) == ("x2", "x2", "y2", "y2")
    json.dumps(annotations)


def test_update_arrows_figure_draws_level_sets_and_arrows():
    steps = _steps("adam", {"lr": 0.1})
    inspection = inspect_step("adam", {"lr": 0.1}, steps, 5)
    fig = update_arrows_figure(inspection, OBJECTIVES[OBJECTIVE])
    kinds = [trace.type for trace in fig.data]
    assert kinds[0] == "contour" and kinds.count("scatter") == 4
    assert fig.layout.yaxis.scaleanchor == "x"
    json.loads(fig.to_json())
    bare = update_arrows_figure(inspection)
    assert "contour" not in [trace.type for trace in bare.data]


def test_a_clamped_update_is_noted():
    run = list(trajectory("eggholder", "adam", (400.0, 300.0), 20, project=True, lr=50.0))
    clamped = [t for t in range(len(run) - 1) if np.abs(run[t + 1].point).max() == 512.0]
    assert clamped, "the scene should push an iterate onto the box"
    t = clamped[0]
    assert "clamped" in inspect_step("adam", {"lr": 50.0}, run, t).note
    assert inspect_step("adam", {"lr": 50.0}, run, 0).note == ""


# ---- In Chinese ---------------------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _prose_without_chinese(texts) -> list[str]:
    """Texts with an English word and no Chinese; formulas such as `m_t / c_1` are not prose."""
    texts = [re.sub(r"</?sub>", "", t) for t in texts if t]  # Plotly's subscripts are markup
    return [t for t in texts if ENGLISH_WORD.search(t) and not CJK.search(t)]


@pytest.mark.parametrize("case", [*COVERED, *((oid, {}) for oid in GENERIC)], ids=_ids)
def test_the_inspection_in_chinese_has_the_same_numbers_and_chinese_words(case):
    oid, hyper = case
    steps = _steps(oid, hyper)
    en, zh = inspect_step(oid, hyper, steps, 6), inspect_step(oid, hyper, steps, 6, lang="zh")
    assert zh.equations == en.equations and zh.filled == en.filled  # math, the same
    np.testing.assert_array_equal(zh.table[["x", "y"]].to_numpy(), en.table[["x", "y"]].to_numpy())
    # torch's state keys stay; the quantities the rule names read as words with their symbol
    assert list(zh.table.index) == [row_label(label, "zh") for label in en.table.index]
    for en_label, zh_label in zip(en.table.index, zh.table.index, strict=True):
        key = en_label.removesuffix(" (t-1)")
        if key in steps[6].state or key in steps[5].state:
            assert zh_label == en_label.replace(" (t-1)", "（更新前）")
        else:
            assert CJK.search(zh_label) and "_" not in zh_label, zh_label
    assert list(zh.table.columns) == ["x", "y", "来源", "含义"] and zh.table.index.name == "名称"
    assert all(CJK.search(source) for source in zh.table["来源"])
    meanings = list(zh.table["含义"])
    assert not _prose_without_chinese(meanings), meanings
    assert sum(bool(CJK.search(m)) for m in meanings) >= 4
    assert not [m for m in meanings if "effective_lr" in m or re.search(r"-lr\b", m)]
    assert (zh.table["来源"] == "更新后的 optimizer.state").sum() == (
        en.table["source"] == STATE
    ).sum()
    if not en.covered:
        assert "更新规则" in zh.note and not _prose_without_chinese([zh.note])


def test_chinese_notes_arrows_and_figure():
    run = trajectory("quadratic", "sgd", (-1.8, -0.8), 100, lr=0.05)
    steps = list(run)
    stopped = inspect_step("sgd", {"lr": 0.05}, steps, len(steps) - 1, stop=run.stop, lang="zh")
    assert stopped.note == "运行在这次更新后停止：没有记录 xₜ₊₁。"
    clamped = list(trajectory("eggholder", "adam", (400.0, 300.0), 20, project=True, lr=50.0))
    t = next(t for t in range(len(clamped) - 1) if np.abs(clamped[t + 1].point).max() == 512.0)
    assert "截断" in inspect_step("adam", {"lr": 50.0}, clamped, t, lang="zh").note

    rosenbrock = list(trajectory("rosenbrock", "adam", (-1.2, 1.0), 6, lr=0.05))
    inspection = inspect_step("adam", {"lr": 0.05}, rosenbrock, 3, lang="zh")
    arrows = update_arrows(inspection, lang="zh")
    assert [a.label for a in arrows][1:] == [
        "预测的 x<sub>t+1</sub>（按公式）",
        "实际更新 x<sub>t+1</sub> − x<sub>t</sub>",
    ]
    assert arrows[0].label.startswith("-lr · 梯度（已缩短")
    english = update_arrows(inspection)
    for a, b in zip(english, arrows, strict=True):
        np.testing.assert_array_equal(np.stack([a.start, a.end]), np.stack([b.start, b.end]))
    hover = [a["hovertext"] for a in arrow_annotations(english, lang="zh")]
    assert hover == [a.label for a in arrows]

    fig = update_arrows_figure(inspection, OBJECTIVES["rosenbrock"], lang="zh")
    assert fig.layout.title.text == "从 x<sub>3</sub> 出发的更新"
    assert not _prose_without_chinese([trace.name for trace in fig.data])
    assert fig.data[0].name == "f 的等高线"
    assert update_arrows_figure(inspection).layout.title.text == "Update from x<sub>3</sub>"


def test_inspect_run_passes_the_language_on():
    zh = inspect_run("booth", "adagrad", (0.0, 0.0), 5, 2, hyper={}, lang="zh")
    assert "衰减后的学习率" in list(zh.table["含义"])
    for t, chinese in ((3, "第 3 步之后没有更新"), (4, "第 4 步不在")):
        with pytest.raises(Refusal) as refused:
            inspect_step("adam", {}, _steps("adam", {}, steps=3), t, lang="zh")
        assert chinese in refused.value.message("zh")
