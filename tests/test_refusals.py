"""What core refuses, it refuses with a Refusal: a key of the string tables and the values it
names, said by the page in the page's language (docs/architecture.md, "Errors"). No core module
raises a ValueError with a finished sentence, English or already translated, except where only a
programming mistake can get there."""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import torch

from core.batched.sweeps import log_rates
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import Schedule
from core.runs.budget import BudgetError
from core.runs.engine import MAX_STEPS, trajectory
from core.runs.race import RaceEntry, run_race
from core.text.i18n import STRINGS
from core.text.refusal import Refusal

ROOT = Path(__file__).resolve().parent.parent

# The plain ValueErrors with a message that core keeps: (module, enclosing function) -> why
# no input, link or widget can get there.
PROGRAMMING_ERRORS = {
    ("core/batched/sweeps.py", "run_groups"): "`method` is chosen by our own code",
    ("core/export/codegen.py", "literal"): "a script is written from settings checked finite",
    ("core/export/codegen.py", "_function_body"): "pages pass registry or typed objectives only",
    ("core/export/codegen.py", "registry_body"): "a registry function against the _xy(p) rule",
    ("core/export/codegen.py", "race_script"): "no widget or link chooses the dtype",
    ("core/formulas/expressions.py", "Formula.__call__"): "core calls formulas on [..., 2] points",
    ("core/formulas/rules.py", "RuleOptimizer.__init__"): "hyper-parameters named by the rule",
    ("core/export/rule_code.py", "rule_class_source"): "our own code names the exported class",
    ("core/optim/optimizers.py", "OptimizerSpec.validate"): "names come from spec.hyper",
    ("core/problems/objectives.py", "Objective.__post_init__"): "registry data, checked boxes",
    ("core/problems/registry.py", "registry"): "registries are data in our own code",
    ("core/text/prose_numbers.py", "direction"): "lesson facts name measured, non-zero steps",
    ("core/tutorials/lesson_facts.py", "eigen_directions"): "a lesson's own scene, a quadratic",
}


def _is_message(node: ast.expr) -> bool:
    """A finished sentence: an f-string, a string literal, text(...), or a sum of them."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Name) and func.id == "text") or (
            isinstance(func, ast.Attribute) and func.attr == "text"
        )
    if isinstance(node, ast.BinOp):
        return _is_message(node.left) or _is_message(node.right)
    return False


def worded_value_errors(source: str) -> Iterator[str]:
    """The enclosing function (Class.method) of each `raise ValueError(<a sentence>)`."""

    def walk(node: ast.AST, scope: tuple[str, ...]) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from walk(child, (*scope, child.name))
                continue
            exc = child.exc if isinstance(child, ast.Raise) else None
            if (
                isinstance(exc, ast.Call)
                and isinstance(exc.func, ast.Name)
                and exc.func.id == "ValueError"
                and exc.args
                and _is_message(exc.args[0])
            ):
                yield ".".join(scope)
            yield from walk(child, scope)

    yield from walk(ast.parse(source), ())


def test_the_check_finds_every_kind_of_worded_value_error():
    source = (
        "def a(x):\n    raise ValueError(f'bad {x}')\n"
        "class B:\n    def c(self):\n        if True:\n            raise ValueError('bad')\n"
        "def d(lang):\n    raise ValueError(text('key', lang))\n"
        "def e(lang):\n    raise ValueError('bad: ' + str(lang))\n"
        "def f():\n    raise Refusal('key')\n"
        "def g(error):\n    raise ValueError(error)\n"
    )
    assert list(worded_value_errors(source)) == ["a", "B.c", "d", "e"]


def test_core_raises_refusals_not_worded_value_errors():
    found = set()
    for path in sorted((ROOT / "core").rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        found |= {(module, scope) for scope in worded_value_errors(path.read_text())}
    assert found - PROGRAMMING_ERRORS.keys() == set(), "raise a Refusal with a key instead"
    assert PROGRAMMING_ERRORS.keys() - found == set(), "stale entries of PROGRAMMING_ERRORS"


def refused(call: Callable[[], object]) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call()
    return caught.value


def _adam(**hyper):
    return OPTIMIZERS["adam"].make([torch.zeros(2, requires_grad=True)], **hyper)


def _run(**options):
    args = {"start": (0.0, 0.0), "steps": 5} | options
    return trajectory("booth", "sgd", args.pop("start"), args.pop("steps"), **args)


# Each refusal names the value it refused and the bound it broke, in English and in Chinese.
REPRESENTATIVE = {
    "steps": (
        lambda: _run(steps=MAX_STEPS + 1),
        "Steps must be a whole number from 0 to 5,000, got 5,001",
        "步数必须是 0 到 5,000 之间的整数，当前为 5,001",
    ),
    "start": (
        lambda: _run(start=(math.nan, 0.0)),
        "The start must be finite (x, y) coordinates, or an array of them [B, 2], got (nan, 0.0)",
        "起点必须是有限的 (x, y) 坐标，或由这样的坐标组成的 [B, 2] 数组，当前为 (nan, 0.0)",
    ),
    "noise": (
        lambda: _run(noise=-0.5),
        "Gradient noise must be a finite number of at least 0, got -0.5",
        "梯度噪声必须是不小于 0 的有限数，当前为 -0.5",
    ),
    "device": (
        lambda: _run(device="tpu"),
        "Device 'tpu' is not available here (available: cpu",
        "这里没有设备 'tpu'（可用的设备：cpu",
    ),
    "learning rate": (
        lambda: _adam(lr=1e7),
        "The learning rate must be from 1e-06 to 100, got 1e+07",
        "学习率必须在 1e-06 到 100 之间，当前为 1e+07",
    ),
    "beta1": (
        lambda: _adam(beta1=1.5),
        "The β₁ (first moment decay) must be from 0 to 0.999, got 1.5",
        "β₁（一阶矩衰减）必须在 0 到 0.999 之间，当前为 1.5",
    ),
    "nesterov without momentum": (
        lambda: trajectory("booth", "nesterov", (0.0, 0.0), 5, momentum=0.0),
        "The momentum must be above 0 and at most 0.999, got 0",
        "动量必须大于 0 且不超过 0.999，当前为 0",
    ),
    "schedule": (
        lambda: Schedule("step", gamma=1.5),
        "The decay factor γ must be above 0 and at most 1, got 1.5",
        "衰减因子 γ 必须大于 0 且不超过 1，当前为 1.5",
    ),
    "budget": (
        lambda: run_race("rosenbrock", [RaceEntry.of("adam"), RaceEntry.of("sgd")], (0, 0), 2_500),
        "Too much work for one request (5,000 optimizer-steps; the limit is 4,000). "
        "Use at most 2,000 steps, or race fewer optimizers.",
        "一次请求的计算量过大（需要 5,000 个优化器步，上限为 4,000）。"
        "请把步数减到 2,000 以内，或者减少参加竞速的优化器。",
    ),
    "sweep rates in order": (
        lambda: log_rates(0.1, 1e-3, 50),
        "The lowest learning rate (0.1) must be below the highest (0.001)",
        "学习率的下限（0.1）必须小于上限（0.001）",
    ),
    "sweep rates in range": (
        lambda: log_rates(1e-9, 1e-3, 50),
        "Learning rates must be from 1e-06 to 100, got 1e-09 to 0.001",
        "学习率必须在 1e-06 到 100 之间，当前为 1e-09 到 0.001",
    ),
}


@pytest.mark.parametrize("case", list(REPRESENTATIVE))
def test_a_refusal_names_the_value_and_the_bound_in_either_language(case):
    call, english, chinese = REPRESENTATIVE[case]
    error = refused(call)
    assert english in error.message("en") and error.message("en") == str(error)
    assert chinese in error.message("zh")
    # Said in Chinese: no English words left but the names of things (torch, devices, values).
    assert not re.search(r"\b(?:low|high|got|must|and)\b", error.message("zh"))


def test_a_budget_refusal_keeps_what_fits():
    error = refused(REPRESENTATIVE["budget"][0])
    assert isinstance(error, BudgetError)
    assert (error.work, error.steps_that_fit) == (5_000, 2_000)


def test_the_new_refusals_are_written_with_chinese_punctuation():
    """Commas, colons and parentheses in the Chinese of err_* messages are full-width, outside
    the values they quote and the mathematics ((x, y), [B, 2])."""
    for key in (key for key in STRINGS if key.startswith("err_")):
        chinese = re.sub(r"\{\w+\}|\(x, y\)|\[B, 2\]", "", STRINGS[key]["zh"])
        assert not re.search(r"[,:;()]", chinese), (key, chinese)
