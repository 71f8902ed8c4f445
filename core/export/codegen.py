"""Show the code: a self-contained PyTorch script that reproduces a Playground race exactly.

The script imports only `math` and `torch`, defines the objective as real torch code, builds each
optimizer with exactly the keyword arguments the playground passed (`OptimizerSpec.torch_kwargs`)
and runs the engine's loop (`core.runs.engine.Trajectory.iterates`): zero_grad,
f(p).sum().backward(), optional seeded gradient noise, step (with a closure for L-BFGS), optional
projection into the box, scheduler step; it stops where the engine stops. It prints each optimizer's
last recorded iterate, bitwise equal to the engine's on the same torch build and device.

Its prose is in the page's language: the comments come from the string tables
(`core.text.i18n.comment`, as in the Autograd Lab's cells), and so do the docstrings and the words
it prints. Everything else, the code, is the same in both languages.

The code of every registry objective is read from its own source (`registry_body`); tests check
it evaluates bitwise like the registry's callable. Custom formulas are
translated from their checked source. Nothing here runs the generated code.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import numbers
import re
import string
import textwrap
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import torch

from core.formulas.expressions import Formula, compile_formula, display_width
from core.optim.optimizers import _PACKED, OptimizerSpec  # _PACKED: torch keyword -> its controls
from core.optim.schedules import Schedule
from core.problems.objectives import OBJECTIVES, Objective
from core.runs.engine import check_step_count, region, resolve_objective, resolve_optimizer
from core.runs.race import RaceEntry
from core.text.i18n import DEFAULT_LANGUAGE, comment, objective_name, text

WIDTH = 100  # line length of the generated script (the project's ruff setting)


# Formula functions (core.formulas.expressions.FUNCTIONS) as torch code.
FUNCTION_CODE: Mapping[str, str] = MappingProxyType(
    {
        **{name: f"torch.{name}" for name in ("sin", "cos", "tan", "exp", "log", "log10")},
        **{name: f"torch.{name}" for name in ("sqrt", "abs", "tanh", "sinh", "cosh")},
        "arctan": "torch.atan",
        "atan": "torch.atan",
        "atan2": "torch.atan2",
        "min": "torch.minimum",  # elementwise, as in the formula compiler
        "max": "torch.maximum",
        # An update rule's own (core.formulas.rules.RULES): `where` is the exported class's.
        "sign": "torch.sign",
        "where": "where",
    }
)

# Schedules (core.optim.schedules.SCHEDULE_KINDS) as torch code; fields: gamma, step_size, t_max.
SCHEDULE_CODE: Mapping[str, str] = MappingProxyType(
    {
        "step": "torch.optim.lr_scheduler.StepLR(optimizer, step_size={step_size}, gamma={gamma})",
        "exponential": "torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma={gamma})",
        "cosine": "torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max={t_max})",
    }
)

_DTYPES: Mapping[torch.dtype, str] = {
    torch.float32: "torch.float32",
    torch.float64: "torch.float64",
}

# Formula constants are 0-d float64 tensors in core.formulas.expressions; the script builds them the
# same way, because a Python number takes other kernels (x ** 2 squares, x ** const(2.0) calls pow).
_CONST_HELPER = '''

def const(value):
    """{t_doc_const}"""
    return torch.tensor(value, dtype=torch.float64)
'''

# The script. Lines ending in `#@name` are kept only when feature `name` is on (`#@!name`: off);
# {placeholders} are filled by `race_script`, its words by `_words`: {c_<name>} is the comment
# script_c_<name> of the string tables, {t_<name>} the text script_<name> (a docstring, a message).
_TEMPLATE = '''"""{t_doc_title}

{summary}
{run}
"""

import math

import pytorch_optimizer  {c_zoo}  #@zoo
import torch

torch.set_num_threads(1)  {c_threads}

STEPS = {steps}
START = {start}
DTYPE = {dtype}
DEVICE = {device}
{c_region}
REGION = {region}
NOISE = {noise}  {c_noise}  #@noise
SEED = {seed}  {c_seed}  #@noise
BOX = {box}  {c_box}  #@project
{c_second_order}  #@hessian
SECOND_ORDER = {second_order}  #@hessian
{const_helper}

def f(p):
    """{function_doc}"""
{function_body}


def descend(name, p, optimizer, scheduler=None):  #@schedule
def descend(name, p, optimizer):  #@!schedule
    """{t_doc_descend}"""
    generator = torch.Generator(DEVICE).manual_seed(SEED)  #@noise

    def evaluate():
        optimizer.zero_grad()
        loss = f(p)
        loss.sum().backward()  #@!hessian
        loss.sum().backward(create_graph=isinstance(optimizer, SECOND_ORDER))  #@hessian
        noise = torch.randn(p.grad.shape, generator=generator, dtype=DTYPE, device=DEVICE)  #@noise
        p.grad.add_(noise, alpha=NOISE)  #@noise
        return loss

    (x_low, x_high), (y_low, y_high) = REGION
    last, outcome = None, f"{t_says_completed}"
    for t in range(STEPS + 1):
        loss = evaluate()
        {c_row}  #@row
        point, grad = p.detach().flatten(), p.grad.flatten()
        x, y, gx, gy, value = torch.cat([point, grad, loss.detach().reshape(1)]).tolist()
        if not math.isfinite(value + gx + gy):
            outcome = f"{t_says_diverged}"
            break
        if not (x_low <= x <= x_high and y_low <= y <= y_high):
            outcome = f"{t_says_escaped}"
            break
        last = (x, y)
        if t == STEPS:
            break
        if isinstance(optimizer, torch.optim.LBFGS):  #@lbfgs
            optimizer.step(lambda: evaluate().sum())  {c_line_search}  #@lbfgs
        else:  #@lbfgs
            optimizer.step()  #@lbfgs
        optimizer.step()  #@!lbfgs
        with torch.no_grad():  #@project
            p[..., 0].clamp_(*BOX[0])  #@project
            p[..., 1].clamp_(*BOX[1])  #@project
        if scheduler is not None:  #@schedule
            scheduler.step()  #@schedule
    where = "" if last is None else f"x = {{last[0]!r}}, y = {{last[1]!r}} "
    print(f"{{name}}: {{where}}{{outcome}}")


{runs}
'''

_FEATURE_LINE = re.compile(r"^(?P<code>.*?)\s+#@(?P<off>!?)(?P<name>\w+)$")

# One piece of a Chinese line that is never broken: a run of ASCII (a number, a name, code) or one
# wide character, with the punctuation that may not open a line held to it.
_PIECE = re.compile(r"\s+|(?:[!-~]+|[^\x00-\x7f])[，。：；、）”]*")


def _words(template: str, lang: str) -> dict[str, str]:
    """The prose fields of `template` in `lang` (see _TEMPLATE): comments, docstrings, messages.
    A message is written inside a double-quoted f-string, so the tables keep its quotes “ ”."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    words = {name: comment(f"script_{name}", lang) for name in names if name.startswith("c_")}
    words |= {name: text(f"script_{name[2:]}", lang) for name in names if name.startswith("t_")}
    return words


def _fill(paragraph: str, lang: str, width: int = WIDTH - 4) -> str:
    """`paragraph` broken into lines of at most `width` cells: at spaces in English; in Chinese
    also between two characters, never inside a run of ASCII (display_width: a Chinese
    character takes two cells)."""
    if lang != "zh":
        return textwrap.fill(paragraph, width)
    lines, line = [], ""
    for piece in _PIECE.findall(paragraph):
        if line.strip() and display_width(line + piece.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if piece.isspace() else piece
        else:
            line += piece
    return "\n".join([*lines, line.rstrip()])


def literal(value: Any) -> str:
    """`value` as Python source: floats by repr (exact round trip), strings double-quoted."""
    if isinstance(value, str):
        return json.dumps(value)  # the registry's strings are ASCII: JSON quoting is valid Python
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, numbers.Integral):  # numpy numbers too: their repr names their type
        return repr(int(value))
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):  # settings are checked finite before a script is written
            raise ValueError(f"Cannot write {value!r} as a literal")
        return repr(float(value))
    raise TypeError(f"No literal for {type(value).__name__}")


def _call(head: str, args: Sequence[str]) -> str:
    """`head(args)` laid out the way ruff format would: on one line, with the arguments on one
    indented line, or one argument per line."""
    flat = f"{head}({', '.join(args)})"
    if len(flat) <= WIDTH:
        return flat
    inner = f"    {', '.join(args)}"
    if len(inner) <= WIDTH:
        return f"{head}(\n{inner}\n)"
    return f"{head}(\n" + "".join(f"    {a},\n" for a in args) + ")"


def optimizer_code(
    optimizer_id: str, hyper: Mapping[str, Any], param: str = "p", target: str = "optimizer"
) -> str:
    """`target = torch.optim.Adam([p], lr=0.05, betas=(0.9, 0.999), ...)`: the constructor call
    the playground makes, keywords from `OptimizerSpec.torch_kwargs` (may span lines)."""
    spec = resolve_optimizer(optimizer_id)
    kwargs = spec.torch_kwargs(**hyper)
    # In the order the playground lists the controls, a pair (betas) where its first half is;
    # fixed keywords (nesterov=True) last.
    first_of = {packed: pair[0] for packed, pair in _PACKED.items()}
    names = [h.name for h in spec.hyper]
    order = sorted(
        kwargs, key=lambda k: names.index(first_of.get(k, k)) if k not in spec.fixed else len(names)
    )
    args = [f"[{param}]", *(f"{key}={literal(kwargs[key])}" for key in order)]
    return _call(f"{target} = {spec.class_path}", args)


def schedule_code(schedule: Schedule, steps: int) -> str:
    """The lr_scheduler constructor call for `schedule` over a run of `steps` updates."""
    return SCHEDULE_CODE[schedule.kind].format(
        gamma=literal(float(schedule.gamma)),
        step_size=literal(schedule.step_size),
        t_max=literal(max(steps, 1)),  # as core.optim.schedules builds CosineAnnealingLR
    )


class ToTorch(ast.NodeTransformer):
    """Rewrites a checked expression tree into torch code with the compiler's exact operations:
    its `variables` stay names (x and y for a formula; an update rule's names), constants go
    through the script's `const`, functions become FUNCTION_CODE's."""

    def __init__(self, variables: frozenset[str] = frozenset({"x", "y"})) -> None:
        self.variables = variables

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return _const(ast.Constant(float(node.value)))

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.variables:
            return node
        return _const(ast.parse(f"math.{node.id}", mode="eval").body)  # pi, e

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        operand = self.visit(node.operand)
        # The compiler drops a unary plus; minus is torch.neg, which is what `-tensor` calls.
        return operand if isinstance(node.op, ast.UAdd) else ast.UnaryOp(node.op, operand)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        assert isinstance(node.func, ast.Name)  # compile_formula allows nothing else
        func = ast.parse(FUNCTION_CODE[node.func.id], mode="eval").body
        return ast.Call(func, [self.visit(arg) for arg in node.args], [])


def _const(value: ast.expr) -> ast.Call:
    return ast.Call(ast.Name("const"), [value], [])


def formula_code(formula: Formula | str) -> str:
    """A checked formula as a torch expression in x, y (constants via the script's `const`).

    Raises FormulaError for text that core.formulas.expressions refuses: only checked formulas are
    translated, so the emitted code contains nothing but the allowed names and functions.
    """
    source = compile_formula(formula.source if isinstance(formula, Formula) else formula).source
    tree = ast.parse(source.replace("^", "**"), mode="eval")
    uses_xy = any(isinstance(n, ast.Name) and n.id in ("x", "y") for n in ast.walk(tree))
    code = ast.unparse(ToTorch().visit(tree.body))
    if not uses_xy:  # as the compiler does: a constant joined to the graph, with gradient zero
        code = f"torch.where(torch.ones_like(x, dtype=torch.bool), {code}, x)"
    return code


def _wrapped(code: str) -> str:
    """`(code)`, broken over lines inside the parentheses when it is long. Breaking at spaces is
    safe: in unparsed formula code a space only ever separates tokens."""
    lines = textwrap.wrap(code, WIDTH - 8, break_long_words=False, break_on_hyphens=False)
    if len(lines) == 1:
        return f"({code})"
    return "(\n" + "".join(f"    {line}\n" for line in lines) + ")"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def objective_source(objective: str | Objective, lang: str = DEFAULT_LANGUAGE) -> str:
    """Python source of `def f(p): ...`, the objective as torch code (needs math and torch; a
    custom formula also needs the `const` helper, see `race_script`); comments in `lang`."""
    objective = resolve_objective(objective)
    return f"def f(p):\n{_function_body(objective, lang)}\n"


def _function_body(objective: Objective, lang: str) -> str:
    if isinstance(objective.fn, Formula):
        return _indent(
            f"{comment('script_c_formula_xy', lang)}\n"
            f"{comment('script_c_formula_promote', lang)}\n"
            "x, y = p[None, 0], p[None, 1]\n"
            f"return {_wrapped(formula_code(objective.fn))}[0]"
        )
    if objective.id not in OBJECTIVES or OBJECTIVES[objective.id].fn is not objective.fn:
        # Pages pass registry or typed-formula objectives only: a programming mistake.
        raise ValueError(f"No code for the function {objective.name!r}")
    return _indent(registry_body(objective.fn))


def registry_body(fn: Callable[..., Any]) -> str:
    """A registry function's body as the script writes it, from the function's own source (one
    source: the code shown is the code that runs). Its first line, `x, y = _xy(p)`, becomes
    `x, y = p[..., 0], p[..., 1]`, and PI becomes math.pi: the same operations, so the same bits
    (tests check every entry)."""
    source = textwrap.dedent(inspect.getsource(fn))
    definition = ast.parse(source).body[0]
    assert isinstance(definition, ast.FunctionDef)
    unpack, *rest = definition.body
    if ast.unparse(unpack) != "x, y = _xy(p)":  # a registry function written against the rule
        raise ValueError(f"{fn.__name__} does not start with `x, y = _xy(p)`")
    lines = source.splitlines()[rest[0].lineno - 1 : definition.end_lineno]
    body = re.sub(r"\bPI\b", "math.pi", textwrap.dedent("\n".join(lines)))
    return "x, y = p[..., 0], p[..., 1]\n" + body


def _name(objective: Objective, lang: str) -> str:
    return objective_name(objective.id, objective.name, lang)


def _summary(objective: Objective, start, steps, dtype, device, noise, seed, project, lang) -> str:
    settings = [
        text("script_doc_steps", lang, steps=steps, start=f"({start[0]!r}, {start[1]!r})"),
        _DTYPES[dtype],
        text("script_doc_device", lang, device=device),
    ]
    if noise:
        settings.append(text("script_doc_noise", lang, noise=repr(noise), seed=seed))
    if project:
        settings.append(text("script_doc_project", lang))
    listed = ("，" if lang == "zh" else ", ").join(settings)
    # A checked formula holds only letters, digits, spaces and .,+-*/^(): safe in a docstring.
    if isinstance(objective.fn, Formula):
        summary = text("script_doc_formula", lang, formula=objective.fn.source, settings=listed)
    else:
        summary = text("script_doc_function", lang, name=_name(objective, lang), settings=listed)
    return _fill(summary, lang)


def _select(template: str, features: Mapping[str, bool]) -> str:
    """Keep the template lines whose `#@feature` marker is on, without the marker."""
    kept = []
    for line in template.splitlines():
        match = _FEATURE_LINE.match(line)
        if match is None:
            kept.append(line)
        elif features[match["name"]] != bool(match["off"]):
            kept.append(match["code"])
    return "\n".join(kept) + "\n"


def _classes(specs: Sequence[OptimizerSpec]) -> str:
    """A tuple of the specs' classes as the script names them, each once."""
    paths = list(dict.fromkeys(spec.class_path for spec in specs))
    return f"({paths[0]},)" if len(paths) == 1 else f"({', '.join(paths)})"


def _point_code(spec: OptimizerSpec, lang: str) -> str:
    """The parameter an optimizer steps: the start, or for one that takes only matrices (Muon)
    the start as a 1 x 2 matrix, as the playground hands it over (OptimizerSpec.holds)."""
    if spec.holds == "row":
        note = comment("script_c_row_start", lang)
        return f"{note}\np = torch.tensor([START], dtype=DTYPE, device=DEVICE, requires_grad=True)"
    return "p = torch.tensor(START, dtype=DTYPE, device=DEVICE, requires_grad=True)"


def race_script(
    objective: str | Objective,
    start: Sequence[float],
    steps: int,
    optimizers: Sequence[RaceEntry],
    *,
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
    noise: float = 0.0,
    seed: int = 0,
    project: bool = False,
    filename: str = "playground_run.py",
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """A standalone PyTorch script that reruns a Playground race and prints the final iterates.

    Args:
        objective: an id of OBJECTIVES, a registry Objective, or a custom-formula Objective
            (core.formulas.custom.custom_objective).
        start: the common start (x, y).
        steps: number of updates, as given to the engine.
        optimizers: the racers, in order.
        dtype, device, noise, seed, project: the engine options of the run.
        filename: the name the header suggests running the script under.
        lang: the language of the script's comments, docstrings and messages; its code is the
            same in every language.

    Returns:
        The script's source. Run with the same torch build and device, it prints one line per
        optimizer: `Name: x = <repr>, y = <repr> after N steps` (or where it stopped, in `lang`); x
        and y equal the engine's last recorded Step bit for bit.
    """
    objective = resolve_objective(objective)
    if dtype not in _DTYPES:  # no widget or link picks the dtype: a programming mistake
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    check_step_count(steps)
    start = (float(start[0]), float(start[1]))
    specs = [resolve_optimizer(entry.optimizer) for entry in optimizers]
    features = {
        "noise": bool(noise),
        "project": project,
        "lbfgs": any(spec.needs_closure for spec in specs),
        "schedule": any(entry.schedule is not None for entry in optimizers),
        "row": any(spec.holds == "row" for spec in specs),
        "zoo": not all(spec.from_torch for spec in specs),
        "hessian": any(spec.second_order for spec in specs),
    }
    runs = []
    for spec, entry in zip(specs, optimizers, strict=True):
        hyper, schedule = dict(entry.hyper), entry.schedule
        lines = [
            f"# {spec.name}",
            _point_code(spec, lang),
            optimizer_code(spec.id, hyper),
        ]
        if spec.second_order:  # the playground gives each such run its own seeded probes
            lines[1:1] = [comment("script_c_probes", lang), f"torch.manual_seed({int(seed)})"]
        args = [literal(spec.name), "p", "optimizer"]
        if schedule is not None:
            lines.append(f"scheduler = {schedule_code(schedule, steps)}")
            args.append("scheduler")
        lines.append(_call("descend", args))
        runs.append("\n".join(lines))
    custom = isinstance(objective.fn, Formula)
    script = _TEMPLATE.format(
        **_words(_TEMPLATE, lang),
        summary=_summary(objective, start, steps, dtype, device, noise, seed, project, lang),
        run=_fill(
            text("script_doc_run", lang, filename=filename, torch_version=torch.__version__),
            lang,
        ),
        steps=steps,
        start=literal(start),
        dtype=_DTYPES[dtype],
        device=literal(device),
        region=literal(region(objective.box)),
        noise=literal(float(noise)),
        seed=literal(int(seed)),
        box=literal(objective.box),
        second_order=_classes([spec for spec in specs if spec.second_order]),
        const_helper=_CONST_HELPER.format(**_words(_CONST_HELPER, lang)) if custom else "",
        function_doc=(
            text("script_doc_f_formula", lang)
            if custom
            else text("script_doc_f", lang, name=_name(objective, lang))
        ),
        function_body=_function_body(objective, lang),
        runs="\n\n".join(runs),
    )
    return _select(script, features)
