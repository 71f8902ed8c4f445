"""Update rules (core.formulas.rules): the templates redo torch.optim to rounding, a rule is a
real elementwise optimizer, and hostile or broken rules are refused fast with the line and place.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.export.codegen import objective_source
from core.export.rule_code import rule_class_source
from core.formulas.rule_match import MATCH_BOUND, compare_rule
from core.formulas.rules import (
    MAX_HYPER,
    MAX_LINES,
    MAX_NAME,
    MAX_RULE_LENGTH,
    MAX_STATE,
    RuleError,
    RuleOptimizer,
    UpdateRule,
    compile_rule,
)
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.runs.budget import BudgetError
from tests import fresh_python

TEMPLATES = tomllib.loads(
    (Path(__file__).parent.parent / "core/formulas/rule_templates.toml").read_text("utf-8")
)
FUNCTIONS = ("rosenbrock", "himmelblau", "quadratic", "beale")
# torch fuses a multiply and an add into one rounding (add_ with alpha, addcmul_, addcdiv_) where
# a rule rounds after every operation, so the paths part by a few units in the last place and
# drift apart by a few more over a run: bounded relative to the path's own scale.
BOUND = {torch.float32: 2e-6, torch.float64: 1e-13}


def loop(objective, make, steps, dtype, start=None):
    """The bare loop: zero_grad, backward, step; the iterates after each step."""
    p = torch.tensor(objective.start if start is None else start, dtype=dtype, requires_grad=True)
    optimizer = make(p)
    points = []
    for _ in range(steps):
        optimizer.zero_grad()
        objective.fn(p).sum().backward()
        optimizer.step()
        points.append(p.detach().clone())
    return torch.stack(points)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("name", list(TEMPLATES))
def test_each_template_redoes_its_torch_optimizer_to_rounding(name, function, dtype):
    template, objective = TEMPLATES[name], OBJECTIVES[function]
    rule, spec = compile_rule(template["rule"]), OPTIMIZERS[template["matches"]]
    lr = spec.defaults_for(objective)["lr"]
    mine = loop(objective, lambda p: RuleOptimizer([p], rule, lr=lr), 300, dtype)
    torchs = loop(objective, lambda p: spec.make([p], lr=lr), 300, dtype)
    assert torch.isfinite(torchs).all()
    gap = (mine - torchs).abs().max() / torchs.abs().max()
    assert gap <= BOUND[dtype], gap


def test_a_rule_that_differs_from_torchs_is_told_apart():
    """The bound is not loose: Adam without bias correction misses it at once."""
    objective = OBJECTIVES["rosenbrock"]
    wrong = TEMPLATES["adam"]["rule"].replace("m/(1 - b1^t)", "m").replace("v/(1 - b2^t)", "v")
    rule = compile_rule(wrong)
    mine = loop(objective, lambda p: RuleOptimizer([p], rule, lr=0.05), 20, torch.float32)
    torchs = loop(objective, lambda p: torch.optim.Adam([p], lr=0.05), 20, torch.float32)
    assert (mine - torchs).abs().max() / torchs.abs().max() > 1e3 * BOUND[torch.float32]


def test_a_batch_of_starts_is_the_runs_made_alone_bit_for_bit():
    """Every operation is elementwise: a [B, 2] parameter is B independent runs."""
    objective = OBJECTIVES["himmelblau"]
    rule = compile_rule(TEMPLATES["adam"]["rule"])
    starts = [(0.5, -0.5), (-3.0, 2.0), (1.0, 1.0)]
    batch = loop(objective, lambda p: RuleOptimizer([p], rule, lr=0.1), 50, torch.float32, starts)
    for i, start in enumerate(starts):
        alone = loop(
            objective, lambda p: RuleOptimizer([p], rule, lr=0.1), 50, torch.float32, start
        )
        torch.testing.assert_close(batch[:, i], alone, rtol=0, atol=0)


def test_the_state_is_kept_by_name_in_the_parameters_dtype():
    rule = compile_rule(TEMPLATES["adam"]["rule"])
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    optimizer = RuleOptimizer([p], rule, lr=0.1, b1=0.5)
    OBJECTIVES["booth"].fn(p).backward()
    grad = p.grad.clone()
    optimizer.step()
    state = optimizer.state[p]
    assert set(state) == {"step", "m", "v"} and state["step"] == 1
    torch.testing.assert_close(state["m"], 0.5 * grad)
    assert state["m"].dtype == torch.float32 and state["m"] is not p.grad
    assert optimizer.param_groups[0]["b1"] == 0.5 and optimizer.param_groups[0]["b2"] == 0.999
    with pytest.raises(ValueError, match="no hyper-parameter beta"):
        RuleOptimizer([p], rule, beta=0.5)


def test_a_rule_keys_a_cache_by_its_text():
    first, again = compile_rule("p = p - lr*g"), compile_rule("p = p - lr*g")
    assert first == again and hash(first) == hash(again) and isinstance(first, UpdateRule)
    assert first != compile_rule("p = p - 2*lr*g")


ACCEPTED = [
    "p = p - lr*g",
    "p = p-lr*g",
    "  p   =   p - lr * g  ",
    "p = p - lr*g  # plain SGD",
    "# a comment line\np = p - lr*g",
    "\n\np = p - lr*g\n\n",
    "p = p - lr*sign(g)",
    "p = p - lr*where(abs(g) - 1, sign(g), g)",
    "p = p - lr*min(max(g, -1), 1)",
    "p = p - lr*g/(1 + t)",
    "p = p - lr*g*exp(-t/100)",
    "p = p - lr*g/sqrt(t)",
    "p = p - pi*lr*g/e",
    "hyper c = 0.5\np = p - c*lr*g",
    "hyper c = -1e-3\np = p + c*g",
    "hyper c = .5\np = p - c*g",
    "hyper c = 5.\np = p - lr*g/c",
    "state m = 0\nm = 0.9*m + g\np = p - lr*m",
    "state m = 1e-8\nm = m + g^2\np = p - lr*g/sqrt(m)",
    "state s = -2.5\ns = s + 1\np = p - lr*g",
    "d = lr*g\np = p - d",
    "d = lr*g\nd = d/2\np = p - d",
    "p = p - lr*g\np = p - lr*g",
    "p = 0*p",
    "p = 1",
    "p = p + 0*g + 0*t + 0*lr",
    "p = p - lr*g^2^0.5",
    "p = p - lr*(((g)))",
    "p = p - lr*tanh(g)",
    "p = p - lr*log(1 + g^2)*sign(g)",
    "p = p - lr*atan2(g, 1)",
    "x1 = g\np = p - lr*x1",
    "hyper b1 = 0.9\nhyper b2 = 0.999\nstate m = 0\nm = b1*m + (1 - b2)*g\np = p - lr*m",
    "p = p - lr*g/(1e308*1e308)",  # inf at run time, not a refusal: the engine stops the run
    "p = p - lr*log(-1)",  # NaN at run time, likewise
    "p = p - 9^9^9^9*g",
    "p = p - lr*g**2",  # Python's power, as formulas take it
]

REFUSED = [
    ("", "rule_empty", None),
    ("   \n  \n", "rule_empty", None),
    ("# only a comment", "rule_empty", None),
    ("m = g", "rule_no_p", None),
    ("state m = 0", "rule_no_p", None),
    ("p", "rule_unreadable", 1),
    ("p - lr*g", "rule_unreadable", 1),
    ("p = ", "rule_empty_expression", 1),
    ("p = p - lr*q", "fx_unknown_name", 1),
    ("p = p - lr*G", "fx_unknown_name", 1),
    ("p = p - lr*grad", "fx_unknown_name", 1),
    ("p = p - lr*m\nstate m = 0", "fx_unknown_name", 1),  # declared after its use
    ("d = lr*d\np = p - d", "fx_unknown_name", 1),
    ("p = p - lr*x", "fx_unknown_name", 1),
    ("p = p - lr*g^^2", "rule_expression_unreadable", 1),
    ("p = p - lr*g(2)", "fx_not_function", 1),
    ("p = p - lr*sqrt", "fx_is_function", 1),
    ("p = p - lr*sqrt(g, g)", "fx_arity_one", 1),
    ("p = p - lr*where(g, g)", "fx_arity", 1),
    ("p = p - lr*foo(g)", "fx_unknown_function", 1),
    ("p = p - lr*Sqrt(g)", "fx_unknown_function", 1),
    ("p = p + __import__('os')", "fx_unexpected", 1),
    ("p = p.grad", "fx_attribute", 1),
    ("p = (p", "fx_never_closed", 1),
    ("p = p)", "fx_unmatched", 1),
    ("p = p[0]", "fx_unexpected", 1),
    ("p = p if g else g", "fx_if", 1),
    ("p = lambda: 0", "fx_unexpected", 1),
    ("p = p; import os", "fx_unexpected", 1),
    ("p = p == g", "fx_unexpected", 1),
    ("p = 'p'", "fx_unexpected", 1),
    ("p = 1e400*g", "fx_number_too_large", 1),
    ("p = 0x10*g", "fx_number_format", 1),
    ("p = 1_000*g", "fx_unexpected", 1),
    ("p = p - lr*g\ng = 0", "rule_given", 2),
    ("t = 1\np = p", "rule_given", 1),
    ("lr = 1\np = p", "rule_given", 1),
    ("hyper c = 1\nc = 2\np = p", "rule_given", 2),
    ("hyper lr = 1\np = p", "rule_name_taken", 1),
    ("hyper g = 1\np = p", "rule_name_taken", 1),
    ("state m = 0\nstate m = 1\np = p", "rule_name_taken", 2),
    ("state m = 0\nhyper m = 1\np = p", "rule_name_taken", 2),
    ("state m = x\np = p", "rule_declaration", 1),
    ("state m\np = p", "rule_declaration", 1),
    ("state m = 1e999\np = p", "fx_number_too_large", 1),
    ("hyper c = 2*3\np = p", "rule_declaration", 1),
    ("sin = 1\np = p", "rule_reserved", 1),
    ("pi = 3\np = p", "rule_reserved", 1),
    ("e = 3\np = p", "rule_reserved", 1),
    ("where = 1\np = p", "rule_reserved", 1),
    ("state sqrt = 0\np = p", "rule_reserved", 1),
    ("state step = 0\np = p", "rule_reserved", 1),  # torch.optim's own step count
    ("hyper params = 1\np = p", "rule_reserved", 1),  # a param group's parameters
    ("hyper super = 1\np = p", "rule_reserved", 1),  # what the exported class calls
    ("for = g\np = p", "rule_reserved", 1),
    ("self = g\np = p", "rule_reserved", 1),
    ("m_hat = g\np = p", "rule_bad_name", 1),
    ("2m = g\np = p", "rule_bad_name", 1),
    ("p.data = g\np = p", "rule_bad_name", 1),
    ("a b = g\np = p", "rule_bad_name", 1),
    (f"{'a' * (MAX_NAME + 1)} = g\np = p", "rule_bad_name", 1),
    ("名 = g\np = p", "rule_bad_name", 1),
    ("p = p - lr*g²", "fx_unexpected", 1),
    ("p = " + "+".join(["g"] * 200), "rule_x_too_long", 1),
    ("p = " + "(" * 60 + "g" + ")" * 60, "fx_too_many_parens", 1),
    ("p = p\n" * (MAX_LINES + 1), "rule_too_many_lines", None),
    ("p = p  " + "#" * MAX_RULE_LENGTH, "rule_too_long", None),
    (
        "".join(f"state s{i} = 0\n" for i in range(MAX_STATE + 1)) + "p = p",
        "rule_too_many_state",
        None,
    ),
    (
        "".join(f"hyper h{i} = 0\n" for i in range(MAX_HYPER + 1)) + "p = p",
        "rule_too_many_hyper",
        None,
    ),
]


def test_the_table_has_sixty_cases_at_least():
    assert len(ACCEPTED) + len(REFUSED) >= 60


@pytest.mark.parametrize("source", ACCEPTED)
def test_accepted_rules_compile_and_step(source):
    rule = compile_rule(source)
    p = torch.tensor([0.5, -0.25], requires_grad=True)
    optimizer = RuleOptimizer([p], rule, lr=0.01)
    for _ in range(3):
        optimizer.zero_grad()
        OBJECTIVES["himmelblau"].fn(p).backward()
        optimizer.step()
    assert p.shape == (2,) and p.dtype == torch.float32  # non-finite values are the engine's


@pytest.mark.parametrize(("source", "problem", "line"), REFUSED)
def test_refused_rules_say_why_and_where_in_both_languages(source, problem, line):
    with pytest.raises(RuleError) as refused:
        compile_rule(source)
    error = refused.value
    assert (error.problem, error.line) == (problem, line), error.message("en")
    for lang in ("en", "zh"):
        said = error.message(lang)
        assert said and "{" not in said and "formula" not in said and "2*x" not in said
        if line is not None:
            assert said.startswith(f"Line {line}: " if lang == "en" else f"第 {line} 行：")
    if error.position is not None:  # the place is inside the line it names
        written = source.split("\n")[line - 1]
        assert 0 <= error.position <= len(written)


@pytest.mark.parametrize(
    ("source", "line", "position"),
    [
        ("hyper p = 1\np = p", 1, 6),  # the declared name, not the p of "hyper"
        ("state t = 0\np = p", 1, 6),
        ("  state e = 1\np = p", 1, 8),
        ("state m = 0\nstate  m = 1\np = p", 2, 7),
        ("state m = 1e999\np = p", 1, 10),
        ("p = p\n  g = 0", 2, 2),
    ],
)
def test_a_refusal_points_at_the_name_or_number_at_fault(source, line, position):
    with pytest.raises(RuleError) as refused:
        compile_rule(source)
    assert (refused.value.line, refused.value.position) == (line, position)


def test_one_step_of_a_rule_is_its_arithmetic():
    """Adam's first step by hand: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², so p moves by
    -lr * g / (|g| + eps): -lr * sign(g) up to eps."""
    rule = compile_rule(TEMPLATES["adam"]["rule"])
    p = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor([3.0, -0.5], dtype=torch.float64)
    RuleOptimizer([p], rule, lr=0.1).step()
    expected = torch.tensor([1.0, 2.0], dtype=torch.float64) - 0.1 * torch.tensor(
        [3.0 / (3.0 + 1e-8), -0.5 / (0.5 + 1e-8)], dtype=torch.float64
    )
    torch.testing.assert_close(p.detach(), expected, rtol=1e-15, atol=1e-15)


def test_a_refused_name_points_at_its_place():
    with pytest.raises(RuleError) as refused:
        compile_rule("state m = 0\np = p - lr*mm")
    assert (refused.value.line, refused.value.position) == (2, 11)
    assert "Line 2: Unknown name 'mm' at character 12" in refused.value.message("en")
    assert refused.value.message("zh").startswith("第 2 行：未知的名称 'mm'（第 12 个字符处）")


def test_a_refusal_lists_the_rules_own_names_not_x_and_y():
    with pytest.raises(RuleError) as refused:
        compile_rule("hyper c = 1\nstate m = 0\np = p - lr*q")
    said = refused.value.message("en")
    assert "c, g, lr, m, p, t, pi and e" in said and "sign" in said and "where" in said


LINE_PARTS = st.sampled_from(
    [
        "step",
        "params",
        "super",
        "self",
        "for",
        "b1",
        "b1 = ",
        "state m = 0\n",
        "hyper c = 1\n",
        "p",
        "g",
        "t",
        "lr",
        "m",
        "=",
        " ",
        "+",
        "-",
        "*",
        "/",
        "^",
        "(",
        ")",
        ",",
        "1",
        "0.5",
        "e9",
        "sqrt",
        "where",
        "sign",
        "state",
        "hyper",
        "#",
        "\n",
        "__",
        ".",
        "'",
        "[",
        "x",
    ]
)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE_PARTS, max_size=60).map("".join))
def test_fuzzed_rules_compile_or_are_refused_and_never_escape(source):
    """Whatever is typed: an UpdateRule or a RuleError, never another exception; a rule that
    compiles steps without raising (its values may be non-finite: the engine stops those)."""
    try:
        rule = compile_rule(source)
    except RuleError as error:
        assert error.message("en") and error.message("zh")
        return
    p = torch.tensor([0.5, -0.25], requires_grad=True)
    OBJECTIVES["quadratic"].fn(p).backward()
    with np.errstate(all="ignore"):
        optimizer = RuleOptimizer([p], rule, lr=0.01)
        optimizer.step()
        optimizer.step()
    assert p.shape == (2,)
    compile(rule_class_source(rule), "exported", "exec")  # the Code tab's class is Python


@settings(max_examples=200, deadline=2000)
@given(st.text(max_size=200))
def test_any_text_compiles_or_is_refused(source):
    try:
        assert isinstance(compile_rule(source), UpdateRule)
    except RuleError as error:
        assert error.problem


EXPORTED = [(name, dtype) for name in TEMPLATES for dtype in ("float32", "float64")]


def _exported(name: str) -> tuple[UpdateRule, str]:
    """A template with a comment that could close a docstring, and its Code tab class."""
    rule = compile_rule(TEMPLATES[name]["rule"] + '# a comment with """ and 中文\n')
    return rule, rule_class_source(rule, "Mine", lr=0.01)


@pytest.fixture(scope="module")
def exported_runs(tmp_path_factory) -> dict[tuple[str, str], str]:
    """Each template's class in a script with only torch, 200 steps on Himmelblau, run in one
    fresh Python: (template, dtype) -> what the script printed."""
    folder = tmp_path_factory.mktemp("rules")
    objective, paths = OBJECTIVES["himmelblau"], []
    for i, (name, dtype) in enumerate(EXPORTED):
        loop_source = f"""

p = torch.tensor({list(objective.start)!r}, dtype=torch.{dtype}, requires_grad=True)
optimizer = Mine([p])
for _ in range(200):
    optimizer.zero_grad()
    f(p).sum().backward()
    optimizer.step()
print(repr(p.tolist()))
"""
        script = _exported(name)[1] + "\n\n" + objective_source(objective) + loop_source
        paths.append(folder / f"rule_{i}.py")
        paths[-1].write_text(script, encoding="utf-8")
    printed = fresh_python.outputs(fresh_python.start(paths), len(paths))
    return dict(zip(EXPORTED, printed, strict=True))


@pytest.mark.parametrize(("name", "dtype"), EXPORTED)
def test_the_exported_class_runs_standalone_and_gives_the_same_bits(exported_runs, name, dtype):
    """The Code tab's class, run in a fresh Python with only torch, moves the point exactly as
    RuleOptimizer does (the same operations in the same order)."""
    rule, module = _exported(name)
    objective = OBJECTIVES["himmelblau"]
    expected = loop(
        objective,
        lambda p: RuleOptimizer([p], rule, lr=0.01),
        200,
        getattr(torch, dtype),
    )[-1]
    # The script's f is the registry's Himmelblau as the Code tab writes it: the same gradient.
    assert exported_runs[name, dtype].strip() == repr(expected.tolist())
    assert '"""' not in module.split("class Mine")[1].split('"""')[1]  # the docstring is closed


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_the_comparison_names_the_optimizer_a_template_redoes(name):
    objective = OBJECTIVES["himmelblau"]
    expected = TEMPLATES[name]["matches"]
    lr = OPTIMIZERS[expected].defaults_for(objective)["lr"]
    found = compare_rule(compile_rule(TEMPLATES[name]["rule"]), objective, objective.start, 300, lr)
    assert (found.optimizer, found.matches, found.parts_at) == (expected, True, None)
    assert found.gap <= MATCH_BOUND[torch.float32]


def test_a_planted_bug_is_shown_where_it_parts():
    """Adam without its bias correction: nearest to RMSprop-like scaling, parted at step 1."""
    objective = OBJECTIVES["himmelblau"]
    wrong = TEMPLATES["adam"]["rule"].replace("m/(1 - b1^t)", "m").replace("v/(1 - b2^t)", "v")
    found = compare_rule(compile_rule(wrong), objective, objective.start, 100, 0.1)
    assert not found.matches and found.parts_at == 1 and found.apart > 1e-3


def test_a_comparison_is_one_request_of_the_work_budget():
    objective = OBJECTIVES["himmelblau"]
    with pytest.raises(BudgetError):
        compare_rule(compile_rule("p = p - lr*g"), objective, objective.start, 1000, 0.01)
