"""Numbers and equations in LaTeX, and how wide KaTeX draws them.

A rule's line is a template `lhs = rhs` whose `@name` placeholders stand for quantities; it is
rendered in symbols, with the numbers of step t (a 2-vector as a column vector) in rows that fit
the Inspector's equation column, and the two aligned at "=". The widths are estimates in em,
enough to keep a line inside its column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np

from core.analysis.quantities import Quantity, Value


def latex_number(value: float) -> str:
    """A number in LaTeX, 4 significant digits: 1.5e-08 -> 1.5 \\times 10^{-8}."""
    if math.isnan(value):
        return r"\mathrm{NaN}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if value < 0 else text


def latex_value(value: Value) -> str:
    """A scalar as a number, a 2-vector as a column vector."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return latex_number(float(array))
    entries = r" \\ ".join(latex_number(float(v)).strip("()") for v in array)
    return rf"\begin{{pmatrix}} {entries} \end{{pmatrix}}"


PLACEHOLDER = re.compile(r"@(\w+)")

# The widest a line of the inspector's equations may be, in em of the displayed math: the
# equation column at 1280 px (about 480 px of KaTeX at 1.21 x 16 px per em) with some margin.
LINE_BUDGET_EM = 22.0
# On a phone the columns stack: the equations get the whole column, about 358 px at 390 px.
NARROW_LINE_BUDGET_EM = 15.5


def _render(template: str, quantities: Mapping[str, Quantity], filled: bool) -> str:
    def one(match: re.Match[str]) -> str:
        quantity = quantities[match[1]]
        return latex_value(quantity.value) if filled else quantity.symbol

    return PLACEHOLDER.sub(one, template)


def _terms(expression: str) -> list[str]:
    r"""The top-level terms of a template's side, each with its leading sign:
    `a - b \, c + \frac{d}{e + f}` -> [`a`, `- b \, c`, `+ \frac{d}{e + f}`]."""
    terms, depth, begin = [], 0, 0
    for i, char in enumerate(expression):
        depth += (char in "({[") - (char in ")}]")
        if depth == 0 and expression[i : i + 3] in (" + ", " - ") and i > begin:
            terms.append(expression[begin:i].strip())
            begin = i + 1
    return [*terms, expression[begin:].strip()]


def _rows(terms: Sequence[str], budget: float) -> list[str]:
    """Terms packed greedily into rows no wider than `budget` em (a term wider than that gets
    a row of its own)."""
    rows: list[str] = []
    for term in terms:
        if rows and latex_width(f"{rows[-1]} {term}") <= budget:
            rows[-1] = f"{rows[-1]} {term}"
        else:
            rows.append(term)
    return rows


def _aligned(lhs: str, rows: Sequence[str]) -> str:
    """An `aligned` block: `lhs` and the first row, then the other rows aligned at `&`."""
    body = " \\\\ ".join(rows)
    return rf"\begin{{aligned}} {lhs} {body} \end{{aligned}}"


def equation(
    template: str, quantities: Mapping[str, Quantity], budget_em: float = LINE_BUDGET_EM
) -> tuple[str, str, str]:
    """One line of a rule as (symbols, numbers, both): `lhs = rhs` in symbols; the same with the
    numbers of step t, the right side split into rows that fit `budget_em` and ended by the
    left side's value unless the right side is that value already; and the symbols above the
    numbers, aligned at "=" (what the Inspector shows)."""
    lhs, rhs = template.split(" = ", 1)
    symbols = (_render(lhs, quantities, False), _render(rhs, quantities, False))
    budget = budget_em - latex_width(symbols[0]) - 1.5  # the "= " and a margin
    terms = [_render(term, quantities, True) for term in _terms(rhs)]
    rows = [rf"&\quad {row}" for row in _rows(terms, budget)]
    rows[0] = "&=" + rows[0].removeprefix(r"&\quad")
    if not PLACEHOLDER.fullmatch(rhs):  # a single quantity is its own value: no "= same"
        rows.append(f"&= {_render(lhs, quantities, True)}")
    symbolic = " = ".join(symbols)
    one_line = " ".join(row.removeprefix("&") for row in rows)
    if len(rows) <= 2 and latex_width(f"{symbolic} {one_line}") <= budget_em:
        return symbolic, f"{symbols[0]} {one_line}", f"{symbolic} {one_line}"  # short: one row
    return symbolic, _aligned(symbols[0], rows), _aligned(symbols[0], [f"&= {symbols[1]}", *rows])


# Rough widths, in em, of what KaTeX draws: enough to keep a line inside its column.
_COMMAND_WIDTH = {",": 0.17, "quad": 1.0, "times": 1.0, "odot": 1.0, "max": 1.7, "nabla": 0.85}
_ZERO_WIDTH = {"hat", "bar", "left", "right"}  # accents and delimiters sized elsewhere
_CHAR_WIDTH = {" ": 0.0, "{": 0.0, "}": 0.0, "&": 0.0, ".": 0.28, ",": 0.28, "(": 0.39, ")": 0.39}
_CHAR_WIDTH |= {"=": 1.33, "+": 1.22, "-": 1.22}  # with the space KaTeX puts around them
_TOKEN = re.compile(
    r"\\begin\{pmatrix\}(?P<matrix>.*?)\\end\{pmatrix\}"
    r"|\\frac(?P<frac>\{)|\\sqrt(?P<sqrt>\{)|[_^](?P<script>\{)|\\mathrm(?P<plain>\{)"
    r"|\\(?P<command>[A-Za-z]+|.)|(?P<char>.)",
    re.S,
)


def _group_end(latex: str, start: int) -> int:
    """The index just after the brace group that opens at `start`."""
    depth = 0
    for i in range(start, len(latex)):
        depth += (latex[i] == "{") - (latex[i] == "}")
        if depth == 0:
            return i + 1
    return len(latex)


def latex_width(latex: str) -> float:
    """Estimated width in em of one row of `latex` as KaTeX displays it: vectors as their widest
    entry, fractions as their wider part, scripts smaller, space around operators."""
    width, i = 0.0, 0
    while i < len(latex):
        token = _TOKEN.match(latex, i)
        assert token is not None  # the last alternative matches any character
        i, kind = token.end(), token.lastgroup
        if kind == "matrix":
            width += max(latex_width(entry) for entry in token["matrix"].split(r"\\")) + 1.3
        elif kind in ("frac", "sqrt", "script", "plain"):
            end = _group_end(latex, i - 1)
            inner = latex_width(latex[i : end - 1])
            if kind == "frac":  # numerator over denominator
                below = _group_end(latex, end)
                inner, end = max(inner, latex_width(latex[end + 1 : below - 1])) + 0.3, below
            width += {"sqrt": inner + 1.0, "script": 0.7 * inner}.get(kind, inner)
            i = end
        elif kind == "command":
            name = token["command"]
            width += 0.0 if name in _ZERO_WIDTH else _COMMAND_WIDTH.get(name, 0.6)
        else:
            width += _CHAR_WIDTH.get(token["char"], 0.5)
    return width


def block_width(latex: str) -> float:
    """Estimated width in em of an equation: of its widest row when it is an `aligned` block
    (later rows start where the first row's `&` is)."""
    body = latex.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    rows, depth = [""], 0
    for piece in re.split(r"(\\begin\{pmatrix\}|\\end\{pmatrix\}|\\\\)", body):
        depth += (piece == r"\begin{pmatrix}") - (piece == r"\end{pmatrix}")
        if piece == "\\\\" and depth == 0:  # a row break, not the one inside a vector
            rows.append("")
        else:
            rows[-1] += piece
    lhs = rows[0].split("&", 1)[0] if "&" in rows[0] else ""
    return max(latex_width(lhs) + latex_width(row.split("&", 1)[-1]) for row in rows)
