"""Safe compiler for typed 2-D formulas such as ``x^2 + 3*sin(y)``, for a public server.

User text is never handed to ``eval``, ``exec`` or ``compile``: each has public sandbox escapes.
The text passes cheap checks first (type, length, an ASCII allow-list, balanced parentheses), then
``ast.parse`` builds a tree that an iterative walk checks node by node against a small allow-list,
with caps on node count and depth. Only then are closures built over float torch ops. Numbers
become float64 tensors, never Python ints, so ``9^9^9^9`` is inf at once instead of a bignum that
holds the GIL for seconds. A literal too large for a float64 (``1e400``) is refused rather than
read as inf; a digit string that long cannot pass the length cap.

Non-finite values (``log(-1)`` is NaN, ``1/0`` is inf) are not errors here: they depend on the
point, so checking them is the caller's business.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NoReturn

import torch

from core.text.refusal import InputError

MAX_LENGTH = 300  # characters; checked before anything else looks at the text
MAX_NODES = 200  # AST nodes; 300 characters rarely make more than ~150 in a real formula
MAX_DEPTH = 50  # nesting levels as a reader sees them: parentheses, calls, signs, operands
# The tree itself is at most MAX_NODES deep (a flat chain `x+x+...+x` is one node per level), and
# that bounds the recursion when building and evaluating, far below Python's limit.

Evaluator = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (x, y) -> values
Values = Mapping[str, torch.Tensor]
Built = Callable[[Values], torch.Tensor]  # the variables' values by name -> the expression's

NAMES: tuple[str, ...] = ("x", "y", "pi", "e")

_UNARY: Mapping[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sin": torch.sin,
    "cos": torch.cos,
    "tan": torch.tan,
    "exp": torch.exp,
    "log": torch.log,
    "log10": torch.log10,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "tanh": torch.tanh,
    "sinh": torch.sinh,
    "cosh": torch.cosh,
    "arctan": torch.atan,
    "atan": torch.atan,
}
_BINARY: Mapping[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "atan2": torch.atan2,
    "min": torch.minimum,  # elementwise, broadcasting; not the reducing torch.min
    "max": torch.maximum,
}
FUNCTIONS: Mapping[str, int] = MappingProxyType(
    {**dict.fromkeys(_UNARY, 1), **dict.fromkeys(_BINARY, 2)}
)
"""Function name -> exact number of arguments."""

_CONSTANTS: Mapping[str, float] = {"pi": math.pi, "e": math.e}


@dataclass(frozen=True, slots=True)
class Grammar:
    """What an expression may name: its variables, the constants pi and e, and its functions
    (name -> (arity, torch op)). Formulas have x and y; update rules (core.formulas.rules)
    their own variables and a few elementwise functions more."""

    variables: frozenset[str]
    functions: Mapping[str, tuple[int, Callable[..., torch.Tensor]]]

    @property
    def names(self) -> tuple[str, ...]:
        return (*sorted(self.variables), *_CONSTANTS)

    def listed(self) -> str:
        return ", ".join(sorted(self.functions))


FORMULAS = Grammar(
    frozenset({"x", "y"}),
    MappingProxyType(
        {
            **{name: (1, op) for name, op in _UNARY.items()},
            **{name: (2, op) for name, op in _BINARY.items()},
        }
    ),
)
_WHITESPACE = " \t\n\r"
_ALLOWED = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,+-*/^()" + _WHITESPACE
)
# Python also reads hex, octal, binary and underscored literals; a formula needs plain decimals.
_DECIMAL = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Names, and runs of letters, digits and dots that start like a number, split the way Python's
# tokenizer splits them (a name swallows its digits; an exponent's e takes a sign): `2x`, `1if`,
# `0x1F`, `1j` and `1.5.real` are each one number run.
_WORDS = re.compile(r"[A-Za-z_]\w*|(?P<number>\.?\d(?:[\w.]|(?<=[eE])[+-])*)")

_NAMES_HINT = "fx_hint_names"  # lists the functions: FormulaError fills in `functions`

# Hints (keys of core/text/strings/inputs.toml) for ASCII characters outside the allow-list.
# Refusing them up front rules out strings, subscripts, keywords, lambdas, comparisons and dunder
# names before the parser sees the text.
_CHARACTER_HINTS: Mapping[str, str] = {
    **dict.fromkeys("=", "fx_hint_no_equals"),
    **dict.fromkeys("<>!", "fx_hint_comparisons"),
    **dict.fromkeys("[]{}", "fx_hint_round_parens"),
    **dict.fromkeys("'\"`", "fx_hint_quotes"),
    **dict.fromkeys("%", "fx_hint_remainder"),
    **dict.fromkeys("&|~", "fx_hint_bitwise_chars"),
    **dict.fromkeys("@", "fx_hint_matmul_char"),
    **dict.fromkeys(";", "fx_hint_semicolon"),
    **dict.fromkeys(":", "fx_hint_colon"),
    **dict.fromkeys("_", _NAMES_HINT),
    **dict.fromkeys("#", "fx_hint_comments"),
    **dict.fromkeys("\\", "fx_hint_backslash"),
}

# Every node type the walk refuses, as (problem, hints...) keys. The allowed ones are Constant,
# Name, UnaryOp, BinOp and Call; each is checked further in `_check_tree`.
_NODE_MESSAGES: Mapping[type[ast.AST], tuple[str, ...]] = {
    ast.Attribute: ("fx_attribute",),
    ast.Subscript: ("fx_subscript",),
    ast.Compare: ("fx_compare",),
    ast.BoolOp: ("fx_bool",),
    ast.IfExp: ("fx_if", "fx_hint_min_max"),
    ast.Lambda: ("fx_lambda",),
    ast.NamedExpr: ("fx_assign",),
    ast.Tuple: ("fx_comma", "fx_hint_commas"),
    ast.List: ("fx_list",),
    ast.Set: ("fx_set",),
    ast.Dict: ("fx_dict",),
    ast.GeneratorExp: ("fx_comprehension",),
    ast.ListComp: ("fx_comprehension",),
    ast.SetComp: ("fx_comprehension",),
    ast.DictComp: ("fx_comprehension",),
    ast.Starred: ("fx_starred",),
    ast.JoinedStr: ("fx_strings",),
    ast.FormattedValue: ("fx_strings",),
    ast.Await: ("fx_await",),
    ast.Yield: ("fx_yield",),
    ast.YieldFrom: ("fx_yield",),
    ast.Slice: ("fx_slice",),
}
_UNSUPPORTED = ("fx_unsupported",)

_BINARY_OPS: Mapping[type[ast.operator], Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    ast.Add: torch.add,
    ast.Sub: torch.sub,
    ast.Mult: torch.mul,
    ast.Div: torch.div,  # true division: x/0 is inf, not an exception
    ast.Pow: torch.pow,
}
_BITWISE = ("fx_bitwise", "fx_hint_powers")
_REFUSED_OPS: Mapping[type[ast.AST], tuple[str, ...]] = {
    ast.FloorDiv: ("fx_floor_division", "fx_hint_divide"),
    ast.Mod: ("fx_remainder",),
    ast.MatMult: ("fx_matmul", "fx_hint_multiply"),
    ast.BitXor: _BITWISE,
    ast.BitAnd: _BITWISE,
    ast.BitOr: _BITWISE,
    ast.LShift: _BITWISE,
    ast.RShift: _BITWISE,
    ast.Invert: _BITWISE,
    ast.Not: ("fx_not",),
}
_UNSUPPORTED_OP = ("fx_unsupported_op",)
# Operators that chain at one level as a reader sees them: `a + b - c` and `a * b / c` are
# flat, though the tree nests each operation in the next.
_CHAINS = ((ast.Add, ast.Sub), (ast.Mult, ast.Div), (ast.Pow,))


class FormulaError(InputError):
    """A formula was refused; the message is written for the student who typed it, in English
    as str(error) and in the page's language as `message(lang)`.

    `problem` and `hints` are keys of the `inputs` string table; `position` is the 0-based offset
    into the text as typed (None when no single place is at fault).
    """

    def __init__(
        self, problem: str, position: int | None = None, *hints: str, **values: object
    ) -> None:
        values.setdefault("functions", ", ".join(sorted(FUNCTIONS)))
        super().__init__(problem, position, *hints, **values)


@dataclass(frozen=True, slots=True)
class Formula:
    """A checked formula: call it on points `[..., 2]` to get values `[...]`, with autograd.

    Equality and hashing use `source` only, so a Formula can key a cache.

    Attributes:
        source: the text as typed, trimmed, each run of whitespace made one space.
        fn: the built evaluator, (x, y) -> values.
    """

    source: str
    fn: Evaluator = field(repr=False, compare=False)

    def __call__(self, p: torch.Tensor) -> torch.Tensor:
        if not (isinstance(p, torch.Tensor) and p.is_floating_point()):
            raise TypeError("a formula takes a floating-point tensor of points [..., 2]")
        if p.ndim == 0 or p.shape[-1] != 2:  # core passes the points: a programming mistake
            raise ValueError(f"points must have shape [..., 2], got {tuple(p.shape)}")
        if p.ndim == 1:
            # With 0-d x and y, the float64 constants would promote the result to float64.
            return self.fn(p[None, 0], p[None, 1])[0]
        return self.fn(p[..., 0], p[..., 1])


def compile_formula(text: object) -> Formula:
    """Check `text` and build a torch evaluator for it.

    Returns:
        A Formula: call it on float points `[..., 2]` (x, y in the last dimension) for values
        `[...]` in the same dtype, differentiable by autograd.

    Raises:
        FormulaError: the text is not a formula this module accepts; the message says why and,
            where one place is at fault, where.
    """
    if not isinstance(text, str):
        raise FormulaError("fx_not_text", kind=type(text).__name__)
    # The length cap comes first so that nothing below ever scans a huge input.
    if len(text) > MAX_LENGTH:
        raise FormulaError("fx_too_long", length=len(text), limit=MAX_LENGTH)
    tree = _checked_tree(text, FORMULAS)
    built = _build(tree.body, FORMULAS)

    def fn(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return built({"x": x, "y": y})

    if not any(isinstance(node, ast.Name) and node.id in ("x", "y") for node in ast.walk(tree)):
        fn = _broadcast_constant(fn)
    return Formula(" ".join(text.split()), fn)


def checked_expression(text: str, grammar: Grammar) -> Built:
    """Check `text` (a str within MAX_LENGTH) as an expression of `grammar` and build it: a
    function of the variables' values by name. FormulaError says why it is refused and where,
    as an offset into `text`."""
    return _build(_checked_tree(text, grammar).body, grammar)


def _checked_tree(text: str, grammar: Grammar) -> ast.Expression:
    _check_characters(text)
    if not text.strip():
        raise FormulaError("fx_empty", None, "fx_hint_example")
    _check_parentheses(text)
    _check_numbers(text)
    code, origin = _translate(text)
    tree = _parse(code, origin)
    _check_tree(tree, code, origin, grammar)
    return tree


def display_width(text: str) -> int:
    """The cells `text` takes in a monospace font: an East Asian wide character (Chinese, a
    full-width look-alike) takes two, any other one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def point_at(text: str, position: int) -> str:
    """Two lines for a monospace font: `text` as one line, and a caret under `position`.

    Whitespace and unprintable characters show as one visible cell each, and East Asian wide
    characters (full-width look-alikes) take two cells, so the caret sits under the character
    at fault (or just past the end when the text ended too early).
    """
    shown = "".join(
        " " if ch in _WHITESPACE else ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}"
        for ch in text
    )
    return f"{shown}\n{' ' * display_width(shown[:position])}^"


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text):
        if ch in _ALLOWED:
            continue
        code = f"U+{ord(ch):04X}"
        name = unicodedata.name(ch, "")
        label = f"{ch!r} ({code} {name})" if name else f"{ch!r} ({code})"
        if ord(ch) < 128 and ch.isprintable():
            hint = _CHARACTER_HINTS.get(ch, "fx_hint_allowed")
            raise FormulaError("fx_unexpected", i, hint, char=repr(ch))
        # Full-width letters parse as Python names and invisible characters hide in plain
        # sight, so anything outside printable ASCII is refused by name and code point.
        raise FormulaError("fx_unexpected", i, "fx_hint_retype", char=label)


def _check_parentheses(text: str) -> None:
    # Checked before parsing: deep nesting is refused cheaply and with a clearer message than
    # the parser's, and every bracket error gets the position of the bracket at fault.
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            opened.append(i)
            if len(opened) > MAX_DEPTH:
                raise FormulaError("fx_too_many_parens", i, limit=MAX_DEPTH)
        elif ch == ")":
            if not opened:
                raise FormulaError("fx_unmatched", i, "fx_hint_close")
            opened.pop()
    if opened:
        raise FormulaError("fx_never_closed", opened[-1])


def _check_numbers(text: str) -> None:
    # Checked before parsing: a number running into letters (`1if`, `2x`) makes the parser
    # print a SyntaxWarning to the server's stderr, and students deserve a clearer message.
    for match in _WORDS.finditer(text):
        run, start = match.group("number"), match.start()
        if run is None:
            continue
        if _DECIMAL.fullmatch(run):
            if not math.isfinite(float(run)):
                raise FormulaError("fx_number_too_large", start, "fx_hint_number_limit")
            continue
        if run[-1] in "jJ" and _DECIMAL.fullmatch(run[:-1]):
            raise FormulaError("fx_complex", start)
        head = _DECIMAL.match(run)
        if (
            head
            and run[head.end()].isalpha()
            and not run.startswith(("0x", "0X", "0o", "0O", "0b", "0B"))
        ):
            raise FormulaError("fx_number_into_name", start + head.end(), "fx_hint_times")
        raise FormulaError("fx_number_format", start, "fx_hint_number_examples")


def _translate(text: str) -> tuple[str, list[int]]:
    """Return the text Python will parse, and for each of its characters the offset in `text`.

    `^` becomes `**`, whitespace becomes spaces (so a formula may span lines) and the ends are
    trimmed (Python refuses leading spaces). `origin` has one extra entry for the end.
    """
    start = len(text) - len(text.lstrip(_WHITESPACE))
    end = len(text.rstrip(_WHITESPACE))
    pieces: list[str] = []
    origin: list[int] = []
    for i in range(start, end):
        ch = text[i]
        piece = "**" if ch == "^" else " " if ch in _WHITESPACE else ch
        pieces.append(piece)
        origin.extend([i] * len(piece))
    origin.append(end)
    return "".join(pieces), origin


def _parse(code: str, origin: list[int]) -> ast.Expression:
    try:
        return ast.parse(code, mode="eval")
    except SyntaxError as exc:
        offset = (exc.offset or 0) - 1  # 1-based; CPython gives 0 when the text ended early
        if not 0 <= offset < len(code):
            raise FormulaError("fx_ends_early", origin[-1], "fx_hint_missing_end") from None
        raise FormulaError("fx_unreadable", origin[offset], "fx_hint_missing_operator") from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("fx_too_complex") from None


def _check_tree(
    tree: ast.Expression, code: str, origin: list[int], grammar: Grammar = FORMULAS
) -> None:
    """Walk the tree with an explicit stack, refusing anything outside the grammar.

    Depth counts nesting as a reader sees it: the operands of a function, a sign or an operator
    one level in, except that a chain of + and -, of * and /, or of ^ stays at one level.
    """

    def at(node: ast.expr) -> int:
        return origin[min(node.col_offset, len(code))]

    stack: list[tuple[ast.expr, int]] = [(tree.body, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise FormulaError("fx_too_many_parts", at(node), limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise FormulaError("fx_too_deep", at(node), limit=MAX_DEPTH)
        if isinstance(node, ast.Constant):
            _check_number(node, code, at(node))
        elif isinstance(node, ast.Name):
            _check_name(node.id, at(node), grammar)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                problem, *hints = _REFUSED_OPS.get(type(node.op), _UNSUPPORTED_OP)
                raise FormulaError(problem, at(node), *hints)
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY_OPS:
                problem, *hints = _REFUSED_OPS.get(type(node.op), _UNSUPPORTED_OP)
                raise FormulaError(problem, origin[_operator_offset(node, code)], *hints)
            stack.extend(
                [
                    (node.right, depth + (not _chains(node, node.right, right=True))),
                    (node.left, depth + (not _chains(node, node.left, right=False))),
                ]
            )
        elif isinstance(node, ast.Call):
            _check_call(node, at(node), grammar)
            stack.extend((arg, depth + 1) for arg in reversed(node.args))
        elif isinstance(node, ast.Tuple) and not node.elts:
            raise FormulaError("fx_empty_parens", at(node), "fx_hint_fill_parens")
        else:
            problem, *hints = _NODE_MESSAGES.get(type(node), _UNSUPPORTED)
            raise FormulaError(problem, at(node), *hints)


def _chains(node: ast.BinOp, child: ast.expr, *, right: bool) -> bool:
    """Does `child` continue `node`'s chain at the same level? Left operands continue the
    left-associative chains (x + y - z), right operands the right-associative one (x^y^z)."""
    if not isinstance(child, ast.BinOp):
        return False
    group = next((ops for ops in _CHAINS if isinstance(node.op, ops)), ())
    return isinstance(child.op, group) and right == isinstance(node.op, ast.Pow)


def _operator_offset(node: ast.BinOp, code: str) -> int:
    # The AST keeps no position for the operator itself: it is the first character between the
    # operands that is neither a space nor a closing parenthesis.
    start = node.left.end_col_offset or node.col_offset
    for i in range(start, node.right.col_offset):
        if code[i] not in " )":
            return i
    return node.col_offset


def _check_number(node: ast.Constant, code: str, position: int) -> None:
    value = node.value
    if type(value) is bool or value is None or value is Ellipsis:
        raise FormulaError("fx_not_a_number", position, value=str(value))
    if type(value) is complex:
        raise FormulaError("fx_complex", position)
    if type(value) not in (int, float):
        raise FormulaError("fx_only_numbers", position, _NAMES_HINT)
    literal = code[node.col_offset : node.end_col_offset]
    if not _DECIMAL.fullmatch(literal):
        raise FormulaError("fx_number_format", position, "fx_hint_number_examples")
    # Read from the text, not from Python's int: no bignum is ever converted or computed with.
    if not math.isfinite(float(literal)):
        raise FormulaError("fx_number_too_large", position, "fx_hint_number_limit")


def _check_name(name: str, position: int, grammar: Grammar) -> None:
    if name in grammar.variables or name in _CONSTANTS:
        return
    if name in grammar.functions:
        raise FormulaError("fx_is_function", position, "fx_hint_call", name=name)
    _refuse_unknown("fx_unknown_name", name, position, grammar)


def _check_call(node: ast.Call, position: int, grammar: Grammar) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        raise FormulaError("fx_not_callable", position, _NAMES_HINT, functions=grammar.listed())
    name = func.id
    if name not in grammar.functions:
        if name in grammar.names:
            raise FormulaError("fx_not_function", position, "fx_hint_times_call", name=name)
        _refuse_unknown("fx_unknown_function", name, position, grammar)
    if node.keywords:
        raise FormulaError("fx_no_keywords", position, name=name)
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise FormulaError("fx_starred", position)
    arity = grammar.functions[name][0]
    if len(node.args) != arity:
        problem = "fx_arity_one" if arity == 1 else "fx_arity"
        raise FormulaError(problem, position, name=name, arity=arity, count=len(node.args))


def _refuse_unknown(problem: str, name: str, position: int, grammar: Grammar) -> NoReturn:
    """Refuse an unknown name or function, suggesting the known one it may have meant."""
    known = next((k for k in (*grammar.names, *grammar.functions) if name.lower() == k), None)
    hints = ("fx_hint_did_you_mean",) if known else ("fx_hint_ln",) if name.lower() == "ln" else ()
    raise FormulaError(
        problem,
        position,
        *hints,
        _NAMES_HINT,
        name=repr(name),
        known=repr(known),
        functions=grammar.listed(),
    )


def _build(node: ast.expr, grammar: Grammar) -> Built:
    """Build the function of a checked node; recursion is safe: the tree has at most MAX_NODES
    nodes, so it is at most that deep."""
    if isinstance(node, ast.Constant):
        return _constant(float(node.value))  # finite: _check_number read the literal as float
    if isinstance(node, ast.Name):
        name = node.id
        if name in grammar.variables:
            return lambda values: values[name]
        return _constant(_CONSTANTS[name])
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, grammar)
        if isinstance(node.op, ast.USub):
            return lambda values: torch.neg(operand(values))
        return operand
    if isinstance(node, ast.BinOp):
        op = _BINARY_OPS[type(node.op)]
        left, right = _build(node.left, grammar), _build(node.right, grammar)
        return lambda values: op(left(values), right(values))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        function = grammar.functions[node.func.id][1]
        args = [_build(arg, grammar) for arg in node.args]
        if len(args) == 1:
            (a,) = args
            return lambda values: function(a(values))
        if len(args) == 2:
            a, b = args
            return lambda values: function(a(values), b(values))
        return lambda values: function(*(arg(values) for arg in args))
    raise AssertionError(f"unchecked node {type(node).__name__}")  # _check_tree runs first


def _constant(value: float) -> Built:
    # A 0-d float64 tensor: arithmetic between constants runs in float (overflow gives inf,
    # never a bignum or an exception), and a 0-d operand takes the dtype of the points.
    tensor = torch.tensor(value, dtype=torch.float64)
    return lambda values: tensor


def _broadcast_constant(fn: Evaluator) -> Evaluator:
    # A formula without x or y still returns values of shape [...] in the points' dtype, joined
    # to the autograd graph with a zero gradient so backward() works; torch.where, unlike
    # c + 0*x, stays exact at infinite points.
    def constant(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.where(torch.ones_like(x, dtype=torch.bool), fn(x, y), x)

    return constant
