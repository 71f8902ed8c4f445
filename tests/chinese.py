"""One rule for "English in Chinese text", for the string tables and for rendered pages.

`english_words` is the rule: the Latin words of a Chinese string once code, maths, placeholders
and markup are taken out, less the names, code words and maths a Chinese sentence keeps.
`leaks` applies it to every string an AppTest page shows (`shown_strings` walks the page's
element tree: widget labels, options and help, text, alerts, tabs, expanders, table columns,
the words of each Plotly figure, the comments of shown Python code).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from core.formulas.expressions import FUNCTIONS
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.text.i18n import LANGUAGES, STRINGS

CJK = "\u4e00-\u9fff"
# What is not prose: `code`, $maths$, {placeholders}, <markup>, identifiers such as
# torch.optim or f_min, calls such as backward(), and keyword arguments.
CODE = r"`[^`]*`|\$[^$]*\$|\{[^{}]*\}|<[^<>]*>|\b\w+(?:[._]\w+)+(?:\(\))?|\b\w+\(\)"
CODE += r"|\b\w+=\w+"  # a keyword argument: create_graph=True
# In Chinese, 'quoted' ASCII is code too ('and', '//'): Chinese quotes are “ ”.
CODE_IN_CHINESE = re.compile(CODE + r"|'[^']*'")
CODE_IN_ENGLISH = re.compile(CODE)


def prose(string: str, chinese: bool) -> str:
    return (CODE_IN_CHINESE if chinese else CODE_IN_ENGLISH).sub(" ", string)


# Latin words a Chinese string may hold: names, code and maths, never English prose.
NAMES = {word for spec in OPTIMIZERS.values() for word in re.findall(r"[A-Za-z]+", spec.name)}
NAMES |= {  # the standard test functions' names (the descriptive ones are translated)
    word
    for oid, objective in OBJECTIVES.items()
    if f"name_{oid}" not in STRINGS
    for word in re.findall(r"[A-Za-z]+", objective.name)
}
NAMES |= {"PyTorch", "Hessian", "Goh", "Distill", "Why", "Really", "Works"}  # a cited title
NAMES |= {"Newton", "Schulz"}  # the Newton–Schulz iteration (Muon)
CODE_WORDS = {"torch", "optim", "backward", "optimizer", "state", "Step", "AMSGrad"}
CODE_WORDS |= {"StepLR", "ExponentialLR", "CosineAnnealingLR", "float", "true", "false", "bfloat"}
CODE_WORDS |= {"True", "False", "None", "nan"}  # Python's constants and values, as printed
CODE_WORDS |= {"lambda", "args", "else", "inf", "NaN"}  # Python the formula box refuses
CODE_WORDS |= {"cpu", "cuda", "mps"}  # torch's device names, as the device pickers offer them
CODE_WORDS |= {"hyper", "where", "sign", "eps"}  # the update-rule language
MATHS = {name for name in FUNCTIONS if re.fullmatch(r"[a-z]+\d*", name)}
MATHS |= {re.sub(r"\d+$", "", name) for name in MATHS} | {"min", "max"}
DEVICES_AND_FORMATS = {"GPU", "CPU", "CSV"}
ALLOWED_LATIN = NAMES | CODE_WORDS | MATHS | DEVICES_AND_FORMATS
# Strings that say something in both languages on purpose: key -> why.
BILINGUAL = {"language": "the language picker names itself in both, for who cannot read the other"}
# On a page: those strings, and each language's name in its own language (the picker's options).
BILINGUAL_SHOWN = {STRINGS[key]["zh"] for key in BILINGUAL} | set(LANGUAGES.values())


def english_words(chinese: str) -> list[str]:
    """The English words of a Chinese string: what the string must not hold."""
    words = set(re.findall(r"[A-Za-z]{3,}", prose(chinese, chinese=True)))
    return sorted(words - ALLOWED_LATIN)


# ---- The strings a rendered page shows --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    """One string on a page: where (the element's path), what it is, and its text."""

    path: str
    what: str  # "label", "body", "chart title", "comment", ...
    string: str


@dataclass(frozen=True, slots=True)
class Leak:
    shown: Shown
    words: list[str]

    @property
    def element(self) -> str:
        """The element's own step of the path: "selectbox[函数]", "plotly_chart"."""
        return self.shown.path.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return f"{self.shown.path} {self.shown.what}: {self.words} in {self.shown.string[:160]!r}"


# The fields of an element's or a block's proto that a reader sees (MessageToDict's names).
VISIBLE_FIELDS = {"label", "help", "placeholder", "options", "body", "text", "delta", "caption"}
# Plotly figure attributes that hold words: titles, trace and legend names, annotations and
# hover text, the buttons and the slider of an animation, the tick labels a figure sets.
FIGURE_FIELDS = {"text", "name", "hovertemplate", "texttemplate", "label", "prefix", "suffix"}
FIGURE_FIELDS |= {"ticktext", "title", "legendgrouptitle"}
# Plotly's own attributes under those names that hold no words (a font, a position).
FIGURE_SKIPPED = {"template", "font", "source", "colorscale", "marker", "line", "args"}
# Shown as the program wrote it: a cell's printed output (torch's own messages among them).
VERBATIM_CODE = {"text"}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _visible(proto_fields: dict) -> Iterator[tuple[str, str]]:
    for name, value in proto_fields.items():
        if name in VISIBLE_FIELDS:
            yield from ((name, string) for string in _strings(value))
        elif isinstance(value, dict):  # a block's kind: {"expandable": {"label": ...}}
            yield from _visible(value)


def figure_strings(spec: Any, where: str = "figure") -> Iterator[tuple[str, str]]:
    """(attribute path, words) for every worded attribute of a Plotly figure's JSON."""
    if isinstance(spec, list):
        for item in spec:
            yield from figure_strings(item, where)
        return
    if not isinstance(spec, dict):
        return
    for name, value in spec.items():
        if name in FIGURE_SKIPPED:
            continue
        if name in FIGURE_FIELDS and not isinstance(value, dict):  # a title may be {"text": ...}
            yield from ((f"{where}.{name}", string) for string in _strings(value))
        else:
            yield from figure_strings(value, f"{where}.{name}")


def python_comments(code: str) -> list[str]:
    """The comments of a piece of Python, as a reader sees them after '#'."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):  # a fragment: every '#' to the end of its line
        return [line.split("#", 1)[1] for line in code.splitlines() if "#" in line]
    return [token.string[1:] for token in tokens if token.type == tokenize.COMMENT]


def _element_strings(node: Any, path: str) -> Iterator[Shown]:
    kind = node.type
    if kind == "exception":
        raise AssertionError(f"{path}: the page raised {node.proto.type}: {node.proto.message}")
    if kind == "code":
        if node.proto.language == "python":
            for comment in python_comments(node.proto.code_text):
                yield Shown(path, "comment", comment)
        elif node.proto.language not in VERBATIM_CODE:
            yield Shown(path, "code", node.proto.code_text)
        return
    if kind == "latex":
        return  # maths
    if kind == "html":  # a style sheet has no words for the reader; the rest of the HTML does
        body = re.sub(r"<style\b.*?</style>", "", node.proto.body, flags=re.S | re.I)
        if body.strip():
            yield Shown(path, "body", body)
        return
    if kind == "plotly_chart":
        for where, string in figure_strings(json.loads(node.proto.spec)):
            yield Shown(path, where, string)
        return
    if kind == "dataframe":
        frame = node.value
        names = [*frame.columns, *(name for name in frame.index.names if name is not None)]
        for name in names:
            yield from (Shown(path, "column", s) for s in _strings(_plain(name)))
        for column in frame.select_dtypes(include=["object", "string"]).columns:
            yield from (Shown(path, "cell", s) for s in frame[column].dropna().astype(str))
        for name, config in json.loads(node.proto.columns or "{}").items():
            yield from (Shown(path, f"column {name!r}", s) for _, s in _visible(config))
        return
    fields = MessageToDict(node.proto)
    fields.pop("jsContent", None)  # a component's script, no words for the reader
    yield from (Shown(path, what, string) for what, string in _visible(fields))


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else str(value)


def shown_strings(node: Any, path: str = "") -> Iterator[Shown]:
    """Every string the element tree under `node` shows, with the path of its element."""
    step = f"{path}/{node.type}"
    label = getattr(node, "label", None)
    step += f"[{label}]" if isinstance(label, str) and label else ""
    if isinstance(node, Block):
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield from (Shown(step, what, s) for what, s in _visible(MessageToDict(proto)))
        for index, child in node.children.items():
            yield from shown_strings(child, f"{step}/{index}")
        return
    yield from _element_strings(node, step)


def leaks(at: AppTest) -> list[Leak]:
    """Every string of the page that holds English: none may, in Chinese."""
    found = []
    for shown in shown_strings(at._tree):
        if shown.string in BILINGUAL_SHOWN:
            continue
        words = english_words(shown.string)
        if words:
            found.append(Leak(shown, words))
    return found
