"""The Chinese strings keep to the glossary (core/text/glossary.py) and to Chinese typography."""

import re

import pytest

from core.formulas.expressions import FUNCTIONS
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.text.glossary import GLOSSARY, Term
from core.text.i18n import STRINGS

CHECKED = STRINGS

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


def english_pattern(term: Term) -> re.Pattern[str]:
    # A hyphen or a space inside a form matches either: "zig-zag", "zig zag".
    forms = "|".join(re.sub(r"\\[- ]", "[- ]", re.escape(form)) for form in term.english)
    return re.compile(rf"(?<!\w)(?:{forms})(?!\w)", 0 if term.case_sensitive else re.I)


# Where an English string uses a term and its Chinese rightly says it another way: (key, the
# term's Chinese) -> why.
EXCEPTIONS = {
    ("name_saddle", "鞍点"): "the function's name: the surface is a 鞍面",
    ("schedule_step", "步"): "StepLR's 'step' is the staircase of its decay: 阶梯式衰减",
    ("insp_src_engine", "步"): "Step is the name of the engine's record of a step, kept as a name",
}


def test_the_glossary_names_the_tutorials_terms_and_forbids_none_of_its_own():
    tutorial = {term.chinese for term in GLOSSARY if term.tutorial}
    assert {"自动微分机制", "自变量", "因变量", "叶子节点", "计算图", "梯度", "求导"} <= tutorial
    for term in GLOSSARY:
        assert not any(variant in term.chinese for variant in term.forbidden), term
    forms = [form.lower() for term in GLOSSARY for form in term.english]
    assert len(forms) == len(set(forms)), "a form in two entries"
    every = {term.chinese for term in GLOSSARY}
    assert all(english_pattern(term).search(" ".join(term.english)) for term in GLOSSARY)
    assert not [(k, c) for k, c in EXCEPTIONS if c not in every], "an exception for no term"


@pytest.mark.parametrize("term", [t for t in GLOSSARY if t.forbidden], ids=lambda t: t.english[0])
def test_no_chinese_string_uses_a_forbidden_variant(term):
    found = {
        key: entry["zh"]
        for key, entry in CHECKED.items()
        if any(variant in entry["zh"] for variant in term.forbidden)
    }
    assert not found, found


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda t: t.english[0])
def test_where_the_english_uses_a_term_the_chinese_uses_its_chinese(term):
    pattern = english_pattern(term)
    missing = {
        key: (entry["en"], entry["zh"])
        for key, entry in CHECKED.items()
        if pattern.search(prose(entry["en"], chinese=False))
        and term.chinese not in entry["zh"]
        and (key, term.chinese) not in EXCEPTIONS
    }
    assert not missing, missing


ASCII_PUNCTUATION_BY_CHINESE = re.compile(rf"[{CJK}]\s*[:;,]|[:;,]\s*[{CJK}]")


def test_chinese_punctuation_is_full_width_next_to_chinese_words():
    found = {
        key: entry["zh"]
        for key, entry in CHECKED.items()
        if ASCII_PUNCTUATION_BY_CHINESE.search(prose(entry["zh"], chinese=True))
    }
    assert not found, found


# Latin words a Chinese string may hold: names, code and maths, never English prose.
NAMES = {word for spec in OPTIMIZERS.values() for word in re.findall(r"[A-Za-z]+", spec.name)}
NAMES |= {  # the standard test functions' names (the descriptive ones are translated)
    word
    for oid, objective in OBJECTIVES.items()
    if f"name_{oid}" not in STRINGS
    for word in re.findall(r"[A-Za-z]+", objective.name)
}
NAMES |= {"PyTorch", "Hessian", "Goh", "Distill", "Why", "Really", "Works"}  # a cited title
CODE_WORDS = {"torch", "optim", "backward", "optimizer", "state", "Step", "AMSGrad"}
CODE_WORDS |= {"StepLR", "ExponentialLR", "CosineAnnealingLR", "float", "true", "false"}
CODE_WORDS |= {"True", "False", "None"}  # Python's constants, as printed
CODE_WORDS |= {"lambda", "args", "else", "inf", "NaN"}  # Python the formula box refuses
MATHS = {name for name in FUNCTIONS if re.fullmatch(r"[a-z]+\d*", name)}
MATHS |= {re.sub(r"\d+$", "", name) for name in MATHS} | {"min", "max"}
DEVICES_AND_FORMATS = {"GPU", "CPU", "CSV"}
ALLOWED_LATIN = NAMES | CODE_WORDS | MATHS | DEVICES_AND_FORMATS
# Strings that say something in both languages on purpose: key -> why.
BILINGUAL = {"language": "the language picker names itself in both, for who cannot read the other"}


def test_no_english_word_in_a_chinese_string():
    found = {}
    for key, entry in CHECKED.items():
        if key in BILINGUAL:
            continue
        words = set(re.findall(r"[A-Za-z]{3,}", prose(entry["zh"], chinese=True)))
        if words - ALLOWED_LATIN:
            found[key] = (sorted(words - ALLOWED_LATIN), entry["zh"])
    assert not found, found
