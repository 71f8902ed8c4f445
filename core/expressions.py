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

import torch

MAX_LENGTH = 300  # characters; checked before anything else looks at the text
MAX_NODES = 200  # AST nodes; 300 characters rarely make more than ~150 in a real formula
MAX_DEPTH = 50  # nesting levels; also bounds the recursion when building and evaluating

Evaluator = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (x, y) -> values

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

_NAMES_HINT = (
    "The names are x, y, pi and e; the functions are " + ", ".join(sorted(FUNCTIONS)) + "."
)

# Hints for ASCII characters outside the allow-list. Refusing them up front rules out strings,
# subscripts, keywords, lambdas, comparisons and dunder names before the parser sees the text.
_CHARACTER_HINTS: Mapping[str, str] = {
    **dict.fromkeys("=", "Write only the expression, e.g. x^2 + y^2 (no '=' anywhere)."),
    **dict.fromkeys("<>!", "Comparisons and shifts are not supported."),
    **dict.fromkeys("[]{}", "Use round parentheses ( ) for grouping."),
    **dict.fromkeys("'\"`", "Text in quotes is not part of a formula."),
    **dict.fromkeys("%", "The remainder operator % is not supported."),
    **dict.fromkeys("&|~", "Bitwise operators are not supported; use ^ or ** for powers."),
    **dict.fromkeys("@", "Matrix products are not supported; use * to multiply."),
    **dict.fromkeys(";", "Write a single formula, without ';'."),
    **dict.fromkeys(":", "Lambdas, slices and conditions are not supported."),
    **dict.fromkeys("_", _NAMES_HINT),
    **dict.fromkeys("#", "Comments are not supported."),
    **dict.fromkeys("\\", "Write the formula without backslashes."),
}

# Every node type the walk refuses, as (problem, hint). The allowed ones are Constant, Name,
# UnaryOp, BinOp and Call; each is checked further in `_check_tree`.
_COMPREHENSION = ("Comprehensions ('for ... in') are not supported", "")
_NODE_MESSAGES: Mapping[type[ast.AST], tuple[str, str]] = {
    ast.Attribute: ("Attributes (a dot after a name or number) are not supported", ""),
    ast.Subscript: ("Indexing with [ ] is not supported", ""),
    ast.Compare: ("Comparisons are not supported", ""),
    ast.BoolOp: ("Logic with 'and' / 'or' is not supported", ""),
    ast.IfExp: ("Conditionals (if/else) are not supported", "Try min, max or abs."),
    ast.Lambda: ("Lambdas are not supported", ""),
    ast.NamedExpr: ("Assignments are not supported", ""),
    ast.Tuple: ("Unexpected comma", "Commas only separate function arguments: atan2(y, x)."),
    ast.List: ("Lists are not supported", ""),
    ast.Set: ("Sets are not supported", ""),
    ast.Dict: ("Dictionaries are not supported", ""),
    ast.GeneratorExp: _COMPREHENSION,
    ast.ListComp: _COMPREHENSION,
    ast.SetComp: _COMPREHENSION,
    ast.DictComp: _COMPREHENSION,
    ast.Starred: ("Starred arguments (*args) are not supported", ""),
    ast.JoinedStr: ("Strings are not supported", ""),
    ast.FormattedValue: ("Strings are not supported", ""),
    ast.Await: ("'await' is not supported", ""),
    ast.Yield: ("'yield' is not supported", ""),
    ast.YieldFrom: ("'yield' is not supported", ""),
    ast.Slice: ("Slices are not supported", ""),
}
_UNSUPPORTED = ("This part is not supported in a formula", "")

_BINARY_OPS: Mapping[type[ast.operator], Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    ast.Add: torch.add,
    ast.Sub: torch.sub,
    ast.Mult: torch.mul,
    ast.Div: torch.div,  # true division: x/0 is inf, not an exception
    ast.Pow: torch.pow,
}
_BITWISE = ("Bitwise operators are not supported", "Use ^ or ** for powers.")
_REFUSED_OPS: Mapping[type[ast.AST], tuple[str, str]] = {
    ast.FloorDiv: ("Floor division '//' is not supported", "Use '/' to divide."),
    ast.Mod: ("The remainder operator % is not supported", ""),
    ast.MatMult: ("Matrix products are not supported", "Use * to multiply."),
    ast.BitXor: _BITWISE,
    ast.BitAnd: _BITWISE,
    ast.BitOr: _BITWISE,
    ast.LShift: _BITWISE,
    ast.RShift: _BITWISE,
    ast.Invert: _BITWISE,
    ast.Not: ("Logic with 'not' is not supported", ""),
}
_UNSUPPORTED_OP = ("Unsupported operator", "")


class FormulaError(ValueError):
    """A formula was refused; the message is written for the student who typed it.

    Attributes:
        position: 0-based offset into the text as typed, or None when no single place is at
            fault. The message counts from 1, like an editor's column: position 4 reads
            "at character 5".
    """

    def __init__(self, problem: str, position: int | None = None, hint: str = "") -> None:
        where = "" if position is None else f" at character {position + 1}"
        super().__init__(f"{problem}{where}." + (f" {hint}" if hint else ""))
        self.position = position


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
        if p.ndim == 0 or p.shape[-1] != 2:
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
        raise FormulaError(f"The formula must be text, not {type(text).__name__}")
    # The length cap comes first so that nothing below ever scans a huge input.
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"The formula is too long: {len(text)} characters, the limit is {MAX_LENGTH}"
        )
    _check_characters(text)
    if not text.strip():
        raise FormulaError("Type a formula in x and y", hint="For example: x^2 + y^2.")
    _check_parentheses(text)
    _check_numbers(text)
    code, origin = _translate(text)
    tree = _parse(code, origin)
    _check_tree(tree, code, origin)
    fn = _build(tree.body)
    if not any(isinstance(node, ast.Name) and node.id in ("x", "y") for node in ast.walk(tree)):
        fn = _broadcast_constant(fn)
    return Formula(" ".join(text.split()), fn)


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text):
        if ch in _ALLOWED:
            continue
        code = f"U+{ord(ch):04X}"
        name = unicodedata.name(ch, "")
        label = f"{ch!r} ({code} {name})" if name else f"{ch!r} ({code})"
        if ord(ch) < 128 and ch.isprintable():
            hint = _CHARACTER_HINTS.get(ch, "Only letters, digits, spaces and . , + - * / ^ ( ).")
            raise FormulaError(f"Unexpected {ch!r}", i, hint)
        # Full-width letters parse as Python names and invisible characters hide in plain
        # sight, so anything outside printable ASCII is refused by name and code point.
        raise FormulaError(
            f"Unexpected {label}",
            i,
            "Retype it on a plain keyboard: look-alike and invisible characters are refused.",
        )


def _check_parentheses(text: str) -> None:
    # Checked before parsing: deep nesting is refused cheaply and with a clearer message than
    # the parser's, and every bracket error gets the position of the bracket at fault.
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            opened.append(i)
            if len(opened) > MAX_DEPTH:
                raise FormulaError(f"More than {MAX_DEPTH} nested parentheses", i)
        elif ch == ")":
            if not opened:
                raise FormulaError("Unmatched ')'", i, "Every ')' needs an earlier '('.")
            opened.pop()
    if opened:
        raise FormulaError("This '(' is never closed", opened[-1])


def _check_numbers(text: str) -> None:
    # Checked before parsing: a number running into letters (`1if`, `2x`) makes the parser
    # print a SyntaxWarning to the server's stderr, and students deserve a clearer message.
    for match in _WORDS.finditer(text):
        run, start = match.group("number"), match.start()
        if run is None:
            continue
        if _DECIMAL.fullmatch(run):
            if not math.isfinite(float(run)):
                raise FormulaError("Number too large", start, "Numbers must stay below 1.8e308.")
            continue
        if run[-1] in "jJ" and _DECIMAL.fullmatch(run[:-1]):
            raise FormulaError("Complex numbers are not supported", start)
        head = _DECIMAL.match(run)
        if (
            head
            and run[head.end()].isalpha()
            and not run.startswith(("0x", "0X", "0o", "0O", "0b", "0B"))
        ):
            raise FormulaError(
                "A number runs into a name", start + head.end(), "Write 2*x, not 2x."
            )
        raise FormulaError("Unexpected number format", start, "Write 12, 0.5 or 2e-3.")


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
            raise FormulaError(
                "The formula ends too early", origin[-1], "Is something missing at the end?"
            ) from None
        raise FormulaError(
            "Could not read the formula",
            origin[offset],
            "Check for a missing operator (write 2*x, not 2x) or a misplaced sign.",
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("The formula is too complex to read") from None


def _check_tree(tree: ast.Expression, code: str, origin: list[int]) -> None:
    """Walk the tree with an explicit stack, refusing anything outside the grammar."""

    def at(node: ast.expr) -> int:
        return origin[min(node.col_offset, len(code))]

    stack: list[tuple[ast.expr, int]] = [(tree.body, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise FormulaError(f"The formula is too long: more than {MAX_NODES} parts", at(node))
        if depth > MAX_DEPTH:
            raise FormulaError(f"The formula is nested more than {MAX_DEPTH} levels", at(node))
        if isinstance(node, ast.Constant):
            _check_number(node, code, at(node))
        elif isinstance(node, ast.Name):
            _check_name(node.id, at(node))
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                problem, hint = _REFUSED_OPS.get(type(node.op), _UNSUPPORTED_OP)
                raise FormulaError(problem, at(node), hint)
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY_OPS:
                problem, hint = _REFUSED_OPS.get(type(node.op), _UNSUPPORTED_OP)
                raise FormulaError(problem, origin[_operator_offset(node, code)], hint)
            stack.extend([(node.right, depth + 1), (node.left, depth + 1)])
        elif isinstance(node, ast.Call):
            _check_call(node, at(node))
            stack.extend((arg, depth + 1) for arg in reversed(node.args))
        elif isinstance(node, ast.Tuple) and not node.elts:
            raise FormulaError("Empty parentheses", at(node), "Put a formula inside ( ).")
        else:
            problem, hint = _NODE_MESSAGES.get(type(node), _UNSUPPORTED)
            raise FormulaError(problem, at(node), hint)


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
        raise FormulaError(f"{value} is not a number", position)
    if type(value) is complex:
        raise FormulaError("Complex numbers are not supported", position)
    if type(value) not in (int, float):
        raise FormulaError("Only numbers, x and y are allowed", position, _NAMES_HINT)
    literal = code[node.col_offset : node.end_col_offset]
    if not _DECIMAL.fullmatch(literal):
        raise FormulaError("Unexpected number format", position, "Write 12, 0.5 or 2e-3.")
    # Read from the text, not from Python's int: no bignum is ever converted or computed with.
    if not math.isfinite(float(literal)):
        raise FormulaError("Number too large", position, "Numbers must stay below 1.8e308.")


def _check_name(name: str, position: int) -> None:
    if name in NAMES:
        return
    if name in FUNCTIONS:
        raise FormulaError(f"{name} is a function", position, f"Write {name}(...) with its input.")
    raise FormulaError(f"Unknown name {name!r}", position, _suggest(name) + _NAMES_HINT)


def _check_call(node: ast.Call, position: int) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        raise FormulaError("Only the listed functions can be called", position, _NAMES_HINT)
    name = func.id
    if name not in FUNCTIONS:
        if name in NAMES:
            raise FormulaError(
                f"{name} is not a function", position, f"Write {name}*(...) to multiply."
            )
        raise FormulaError(f"Unknown function {name!r}", position, _suggest(name) + _NAMES_HINT)
    if node.keywords:
        raise FormulaError(f"{name} takes no keyword arguments", position)
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise FormulaError(_NODE_MESSAGES[ast.Starred][0], position)
    arity = FUNCTIONS[name]
    if len(node.args) != arity:
        wanted = "1 argument" if arity == 1 else f"{arity} arguments"
        raise FormulaError(f"{name} takes {wanted}, not {len(node.args)},", position)


def _suggest(name: str) -> str:
    for known in (*NAMES, *FUNCTIONS):
        if name.lower() == known:
            return f"Did you mean {known!r}? "
    return "Use log for the natural logarithm. " if name.lower() == "ln" else ""


def _build(node: ast.expr) -> Evaluator:
    """Build the evaluator of a checked node; recursion is safe because depth is capped."""
    if isinstance(node, ast.Constant):
        return _constant(float(node.value))  # finite: _check_number read the literal as float
    if isinstance(node, ast.Name):
        if node.id == "x":
            return lambda x, y: x
        if node.id == "y":
            return lambda x, y: y
        return _constant(_CONSTANTS[node.id])
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda x, y: torch.neg(operand(x, y))
        return operand
    if isinstance(node, ast.BinOp):
        op = _BINARY_OPS[type(node.op)]
        left, right = _build(node.left), _build(node.right)
        return lambda x, y: op(left(x, y), right(x, y))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        args = [_build(arg) for arg in node.args]
        if name in _UNARY:
            unary, (a,) = _UNARY[name], args
            return lambda x, y: unary(a(x, y))
        binary, (a, b) = _BINARY[name], args
        return lambda x, y: binary(a(x, y), b(x, y))
    raise AssertionError(f"unchecked node {type(node).__name__}")  # _check_tree runs first


def _constant(value: float) -> Evaluator:
    # A 0-d float64 tensor: arithmetic between constants runs in float (overflow gives inf,
    # never a bignum or an exception), and a 0-d operand takes the dtype of the points.
    tensor = torch.tensor(value, dtype=torch.float64)
    return lambda x, y: tensor


def _broadcast_constant(fn: Evaluator) -> Evaluator:
    # A formula without x or y still returns values of shape [...] in the points' dtype, joined
    # to the autograd graph with a zero gradient so backward() works; torch.where, unlike
    # c + 0*x, stays exact at infinite points.
    def constant(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.where(torch.ones_like(x, dtype=torch.bool), fn(x, y), x)

    return constant
