""" "Show the code": the generated script reruns a race bit for bit, and its f is the registry's."""

from __future__ import annotations

import ast
import io
import math
import re
import tokenize
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch

from core.export.codegen import (
    FUNCTION_CODE,
    SCHEDULE_CODE,
    formula_code,
    literal,
    objective_source,
    optimizer_code,
    race_script,
    registry_body,
)
from core.formulas.custom import custom_objective
from core.formulas.expressions import FUNCTIONS, FormulaError, compile_formula, display_width
from core.formulas.rules import RULES
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import SCHEDULE_KINDS, Schedule
from core.problems.objectives import OBJECTIVES, Objective
from core.runs.engine import trajectory
from core.runs.race import RaceEntry
from tests import fresh_python
from tests.chinese import CJK, english_words, python_comments

DTYPES = [torch.float32, torch.float64]


def _define(source: str, custom: bool = False):
    """The `f` of generated source (the test, never the app, runs generated code)."""
    namespace = {"torch": torch, "math": math}
    if custom:
        exec("def const(value):\n    return torch.tensor(value, dtype=torch.float64)\n", namespace)
    exec(source, namespace)
    return namespace["f"]


def _value_and_grad(fn, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    p = points.clone().requires_grad_(True)
    value = fn(p)
    value.sum().backward()
    return value.detach(), p.grad


def _assert_bitwise(a: torch.Tensor, b: torch.Tensor) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape
    torch.testing.assert_close(a, b, rtol=0, atol=0, equal_nan=True)


# ---- the objective as code -----------------------------------------------------------------------


def test_every_registry_objective_has_code_from_its_own_source():
    for objective in OBJECTIVES.values():
        body = registry_body(objective.fn)
        assert body.startswith("x, y = p[..., 0], p[..., 1]\n") and "return" in body
        assert "_xy" not in body and not re.search(r"\bPI\b", body)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("oid", list(OBJECTIVES))
def test_objective_code_is_the_registry_function_bitwise(oid, dtype):
    objective = OBJECTIVES[oid]
    f = _define(objective_source(objective))
    (x0, x1), (y0, y1) = objective.box
    generator = torch.Generator().manual_seed(0)
    unit = torch.rand(256, 2, generator=generator, dtype=torch.float64)
    # The box and well beyond it (the engine runs until the region, 3x the box, is left).
    points = torch.stack(
        [x0 + (3 * unit[:, 0] - 1) * (x1 - x0), y0 + (3 * unit[:, 1] - 1) * (y1 - y0)], -1
    )
    points = points.to(dtype)
    for batch in (points, points[0], points[:16].reshape(4, 4, 2)):
        for mine, theirs in zip(
            _value_and_grad(f, batch), _value_and_grad(objective.fn, batch), strict=True
        ):
            _assert_bitwise(mine, theirs)


def test_objective_source_refuses_a_function_it_has_no_code_for():
    stranger = Objective(
        "rosenbrock",
        "Impostor",
        lambda p: p.sum(-1),
        "",
        ((0.0, 1.0), (0.0, 1.0)),
        (),
        None,
        (0.5, 0.5),
        1.0,
        1.0,
    )
    with pytest.raises(ValueError, match="No code"):
        objective_source(stranger)


# ---- custom formulas -------------------------------------------------------------------------

FORMULAS = (
    "sin(x) * cos(y) + 0.1 * (x^2 + y^2)",
    "tan(x / 3) - exp(-y^2) + log(x^2 + 1) + log10(y^2 + 2)",
    "sqrt(x^2 + y^2 + 1) + abs(x - y) + tanh(x) * sinh(y / 4) - cosh(x / 5)",
    "arctan(x) + atan(y) + atan2(y, x + 10) - min(x, y) + max(x^2, y)",
    "-x^3 + +y ** 2 - -2 * pi * e + 2^-x + (1e-3 * x) ^ 2 / 7",
    "x*y - 3",
    "sin(1) + pi",  # no x or y: a constant, joined to the graph
    "log(x) + sqrt(y)",  # NaN on half the plane
)


def test_function_code_covers_every_formula_and_rule_function():
    assert set(FUNCTION_CODE) == set(FUNCTIONS) | set(RULES.functions)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("text", FORMULAS)
def test_formula_code_is_the_compiled_formula_bitwise(text, dtype):
    formula = compile_formula(text)
    stub = Objective(  # custom_objective would also estimate a minimum: not needed here
        "custom",
        "Custom formula",
        formula,
        "",
        ((-3.0, 3.0), (-3.0, 3.0)),
        (),
        None,
        (0.0, 0.0),
        1.0,
        1.0,
    )
    f = _define(objective_source(stub), custom=True)
    generator = torch.Generator().manual_seed(1)
    points = (torch.rand(40, 2, generator=generator, dtype=torch.float64) * 6 - 3).to(dtype)
    for point in points:  # the engine evaluates one point [2] at a time
        for mine, theirs in zip(
            _value_and_grad(f, point), _value_and_grad(formula, point), strict=True
        ):
            _assert_bitwise(mine, theirs)


def test_formula_code_reads_like_torch():
    code = formula_code("x^2 + atan(y) - min(x, 2)")
    assert code == "x ** const(2.0) + torch.atan(y) - torch.minimum(x, const(2.0))"


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('ls')", "x.__class__", "[x for x in y]", "lambda: 1", "a" * 400],
)
def test_formula_code_translates_only_checked_formulas(text):
    with pytest.raises(FormulaError):
        formula_code(text)


# ---- pieces of the script -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [0.1, 1e-08, -2.5e300, 5e-324, 3.0, 1, True, None, "strong_wolfe", (0.9, 0.999)]
)
def test_literals_round_trip_exactly(value):
    assert ast.literal_eval(literal(value)) == value
    assert type(ast.literal_eval(literal(value))) is type(value)


def test_numpy_numbers_are_written_as_plain_literals():
    assert literal(np.float64(0.1)) == "0.1"
    assert literal(np.float32(0.5)) == "0.5"
    assert literal(np.int64(3)) == "3"


def test_literal_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        literal(math.inf)
    with pytest.raises(TypeError):
        literal(object())


def test_optimizer_code_is_the_exact_torch_call():
    assert optimizer_code("adam", {"lr": 0.05}) == (
        "optimizer = torch.optim.Adam(\n"
        "    [p], lr=0.05, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False\n"
        ")"
    )
    assert optimizer_code("nesterov", {}, target="opt") == (
        "opt = torch.optim.SGD([p], lr=0.01, momentum=0.9, weight_decay=0.0, nesterov=True)"
    )
    assert "line_search_fn=None" in optimizer_code("lbfgs", {"line_search_fn": "none"})


@pytest.mark.parametrize("oid", list(OPTIMIZERS))
def test_optimizer_code_passes_torch_kwargs(oid):
    spec = OPTIMIZERS[oid]
    call = ast.parse(optimizer_code(oid, {})).body[0].value
    assert ast.unparse(call.func) == spec.class_path  # torch.optim.Adam, pytorch_optimizer.Lion
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    assert kwargs == spec.torch_kwargs()


def test_every_schedule_kind_has_code():
    assert set(SCHEDULE_CODE) == set(SCHEDULE_KINDS)


# ---- whole scripts against the engine --------------------------------------------------------


@dataclass
class Scene:
    """One race: an objective, its options and racers; one generated script."""

    objective: Objective
    start: tuple[float, float]
    steps: int
    racers: list[tuple[str, dict, Schedule | None]]
    options: dict = field(default_factory=dict)

    @property
    def entries(self) -> list[RaceEntry]:
        return [RaceEntry.of(oid, schedule, **hyper) for oid, hyper, schedule in self.racers]


def _defaults(objective: Objective, ids) -> list[tuple[str, dict, None]]:
    return [(oid, OPTIMIZERS[oid].defaults_for(objective), None) for oid in ids]


ROSENBROCK = OBJECTIVES["rosenbrock"]
SCENES = {
    "every optimizer, float32": Scene(
        ROSENBROCK, ROSENBROCK.start, 60, _defaults(ROSENBROCK, OPTIMIZERS)
    ),
    "variants, float64": Scene(
        OBJECTIVES["himmelblau"],
        (0.3, -0.7),
        80,
        [
            ("adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.01}, None),
            ("adamw", {"lr": 0.1, "beta1": 0.8, "beta2": 0.95}, None),
            ("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5}, None),
            ("momentum", {"lr": 0.005, "dampening": 0.3, "weight_decay": 0.1}, None),
            ("adagrad", {"lr": 0.5, "lr_decay": 0.01, "initial_accumulator_value": 0.1}, None),
            ("lbfgs", {"line_search_fn": "none", "max_iter": 3, "lr": 0.1}, None),
            ("rprop", {"etaminus": 0.3, "etaplus": 1.5}, None),
        ],
        {"dtype": torch.float64},
    ),
    "schedules": Scene(
        OBJECTIVES["booth"],
        (-8.0, -6.0),
        50,
        [
            ("sgd", {"lr": 0.02}, Schedule("step", 0.5, 10)),
            ("adam", {"lr": 0.3}, Schedule("exponential", 0.95)),
            ("momentum", {"lr": 0.01}, Schedule("cosine")),
            ("lbfgs", {}, Schedule("step", 0.7, 5)),
        ],
    ),
    "noise with a seed": Scene(
        OBJECTIVES["rastrigin"],
        (2.2, 3.6),
        40,
        _defaults(OBJECTIVES["rastrigin"], ["sgd", "adam", "nesterov", "lbfgs"]),
        {"noise": 0.5, "seed": 7},
    ),
    "projection on eggholder": Scene(
        OBJECTIVES["eggholder"],
        (400.0, 300.0),
        120,
        [("adam", {"lr": 20.0}, None), ("sgd", {"lr": 5.0}, None), ("rprop", {"lr": 10.0}, None)],
        {"project": True},
    ),
    "custom formula": Scene(
        custom_objective(
            "sin(x) * cos(y) + 0.1 * (x^2 + y^2) - atan2(y, x + 5) + max(x, y)^2 / 10",
            ((-4.0, 4.0), (-4.0, 4.0)),
        ),
        (1.3, -2.1),
        50,
        [("adam", {"lr": 0.1}, None), ("rmsprop", {"lr": 0.02}, None), ("lbfgs", {}, None)],
    ),
    "diverging and escaping": Scene(
        OBJECTIVES["quadratic"],
        (-1.8, -0.8),
        200,
        [("sgd", {"lr": 0.05}, None), ("sgd", {"lr": 0.01}, None), ("adam", {"lr": 0.5}, None)],
        {"dtype": torch.float64},
    ),
    "not finite": Scene(
        custom_objective("sqrt(x) + y^2", ((-1.0, 1.0), (-1.0, 1.0))),
        (0.5, 0.5),
        30,
        [("sgd", {"lr": 1.0}, None), ("sgd", {"lr": 1e-3}, None), ("adagrad", {}, None)],
    ),
    "not finite at the start": Scene(
        custom_objective("log(x) + y^2", ((-2.0, -1.0), (-1.0, 1.0))),
        (-1.5, 0.0),
        10,
        [("adam", {}, None)],
    ),
}

LINE = re.compile(
    r"^(?P<name>[^:]+): (?:x = (?P<x>\S+), y = (?P<y>\S+) )?"
    r"(?:after (?P<after>\d+) steps|\w+ at step (?P<at>\d+): .+)$"
)


def _script(scene: Scene, lang: str = "en") -> str:
    return race_script(
        scene.objective, scene.start, scene.steps, scene.entries, **scene.options, lang=lang
    )


@pytest.fixture(scope="module")
def script_runs(tmp_path_factory):
    """Each scene's script run in a subprocess, in English and in Chinese: (language, scene) ->
    stdout. The first also runs on its own as `python script.py`, alongside, and must print the
    same."""
    folder = tmp_path_factory.mktemp("scripts")
    runs = [(lang, name) for lang in ("en", "zh") for name in SCENES]
    paths = []
    for i, (lang, name) in enumerate(runs):
        paths.append(str(folder / f"scene_{i}.py"))
        (folder / paths[-1]).write_text(_script(SCENES[name], lang), encoding="utf-8")
    alone, together = fresh_python.start_alone(paths[0]), fresh_python.start(paths)
    printed = fresh_python.outputs(together, len(runs))
    assert fresh_python.output(alone) == printed[0]
    return dict(zip(runs, printed, strict=True))


def _engine(scene: Scene):
    for oid, hyper, schedule in scene.racers:
        run = trajectory(
            scene.objective,
            oid,
            scene.start,
            scene.steps,
            schedule=schedule,
            **scene.options,
            **hyper,
        )
        yield OPTIMIZERS[oid], list(run), run.stop


@pytest.mark.parametrize("scene_name", list(SCENES))
def test_script_prints_the_engines_last_iterate_bitwise(script_runs, scene_name):
    scene = SCENES[scene_name]
    lines = script_runs["en", scene_name].splitlines()
    assert len(lines) == len(scene.racers)
    for line, (spec, steps, stop) in zip(lines, _engine(scene), strict=True):
        match = LINE.match(line)
        assert match, line
        assert match["name"] == spec.name
        if steps:
            last = steps[-1].point
            assert (float(match["x"]), float(match["y"])) == (float(last[0]), float(last[1]))
        else:  # not even the start was finite: nothing recorded, nothing printed
            assert match["x"] is None
        if stop.reason == "completed":
            assert int(match["after"]) == scene.steps
        else:
            assert int(match["at"]) == stop.step


def test_scenes_reach_what_they_are_for():
    """The scenes exercise early stops, projection onto the box and a start that is not finite."""
    stops = {name: [stop.reason for *_, stop in _engine(scene)] for name, scene in SCENES.items()}
    assert {"diverged", "escaped", "completed"} <= set(stops["diverging and escaping"]) | set(
        stops["not finite"]
    )
    assert "diverged" in stops["not finite"]
    assert stops["not finite at the start"] == ["diverged"]
    eggholder = SCENES["projection on eggholder"]
    ends = [steps[-1].point for _, steps, _ in _engine(eggholder)]
    assert any(abs(float(v)) == 512.0 for end in ends for v in end)
    raced = {oid for scene in SCENES.values() for oid, _, _ in scene.racers}
    assert raced == set(OPTIMIZERS)


def test_script_imports_only_math_and_torch_and_reads_cleanly():
    scene = SCENES["custom formula"]
    source = race_script(
        scene.objective, scene.start, scene.steps, scene.entries, noise=0.1, project=True
    )
    tree = ast.parse(source)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported == {"math", "torch"}
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
    assert all(len(line) <= 100 for line in source.splitlines())
    assert "#@" not in source
    assert scene.objective.fn.source in source  # the formula as typed, in the header


def test_script_leaves_out_what_the_run_does_not_use():
    source = race_script("booth", (0.0, 0.0), 10, [RaceEntry.of("adam")])
    for absent in ("NOISE", "BOX", "LBFGS", "scheduler.step", "const("):
        assert absent not in source
    assert len(source.splitlines()) <= 62


def test_script_checks_its_inputs():
    with pytest.raises(ValueError):
        race_script("booth", (0.0, 0.0), 10, [RaceEntry.of("adam")], dtype=torch.float16)
    with pytest.raises(ValueError):
        race_script("booth", (0.0, 0.0), -1, [RaceEntry.of("adam")])
    with pytest.raises(ValueError):
        race_script("no such function", (0.0, 0.0), 10, [RaceEntry.of("adam")])
    with pytest.raises(ValueError):
        race_script("booth", (0.0, 0.0), 10, [RaceEntry.of("adam", lr=-1.0)])


# ---- the script in Chinese: its prose in Chinese, its code the English script's ---------------

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|nan|inf")


def _code_tokens(source: str) -> list[tuple[int, str]]:
    """The tokens of `source` without its comments (a docstring or a string stays a token)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [(t.type, t.string) for t in tokens if t.type != tokenize.COMMENT]


def _prose(source: str) -> list[str]:
    """What a reader reads as words in a script: its comments and every string in it
    (docstrings, messages, the parts of f-strings; the names and code the rule lets through)."""
    strings = [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    return [*python_comments(source), *strings]


OPTIMIZER_NAMES = {spec.name for spec in OPTIMIZERS.values()}  # the `# Adam` above each run


@pytest.mark.parametrize("scene_name", list(SCENES))
def test_the_chinese_script_is_the_english_code_with_chinese_prose(scene_name):
    en, zh = _script(SCENES[scene_name], "en"), _script(SCENES[scene_name], "zh")
    en_tokens, zh_tokens = _code_tokens(en), _code_tokens(zh)
    assert [kind for kind, _ in en_tokens] == [kind for kind, _ in zh_tokens]
    changed = [
        (kind, english, chinese)
        for (kind, english), (_, chinese) in zip(en_tokens, zh_tokens, strict=True)
        if english != chinese
    ]
    # Only strings differ (the docstrings and the three messages), each English against Chinese.
    strings = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    assert {kind for kind, _, _ in changed} <= strings
    assert len(changed) >= 6  # the module's, f's and descend's docstrings, the messages
    for _, english, chinese in changed:
        assert not re.search(f"[{CJK}]", english) and re.search(f"[{CJK}]", chinese), chinese
    en_comments, zh_comments = python_comments(en), python_comments(zh)
    assert len(en_comments) == len(zh_comments) >= 3
    prose = [c for c in zh_comments if c.strip() not in OPTIMIZER_NAMES]
    assert prose and all(re.search(f"[{CJK}]", c) for c in prose), zh_comments


@pytest.mark.parametrize(
    "scene",
    [
        *SCENES.values(),
        *(Scene(o, o.start, 5, _defaults(o, ["adam"])) for o in OBJECTIVES.values()),
    ],
    ids=[*SCENES, *OBJECTIVES],
)
def test_the_chinese_script_has_no_english_outside_code(scene):
    source = _script(scene, "zh")
    leaks = {s: english_words(s) for s in _prose(source) if english_words(s)}
    assert not leaks
    assert all(display_width(line) <= 100 for line in source.splitlines())
    # The rule sees English: the English script's prose is full of it.
    assert any(english_words(s) for s in _prose(_script(scene, "en")))


@pytest.mark.parametrize("scene_name", list(SCENES))
def test_the_chinese_script_prints_the_same_numbers(script_runs, scene_name):
    en = script_runs["en", scene_name].splitlines()
    zh = script_runs["zh", scene_name].splitlines()
    assert len(en) == len(zh) == len(SCENES[scene_name].racers)
    for english, chinese in zip(en, zh, strict=True):
        name, said = chinese.split(": ", 1)
        assert english.startswith(f"{name}: ")
        assert NUMBER.findall(said) == NUMBER.findall(english.split(": ", 1)[1])
        outcome = said.rsplit(" ", 1)[-1] if said.startswith("x = ") else said
        assert re.search(f"[{CJK}]", outcome) and not english_words(said), chinese
