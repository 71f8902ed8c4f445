"""The Chinese strings keep to the glossary (core/text/glossary.py) and to Chinese typography."""

import re

import pytest

from core.text.glossary import GLOSSARY, Term
from core.text.i18n import STRINGS
from tests.chinese import BILINGUAL, CJK, english_words, prose

CHECKED = STRINGS


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


def test_no_english_word_in_a_chinese_string():
    found = {}
    for key, entry in CHECKED.items():
        if key in BILINGUAL:
            continue
        words = english_words(entry["zh"])
        if words:
            found[key] = (words, entry["zh"])
    assert not found, found
