"""English and Simplified Chinese string tables, and the language chosen by default.

Every string the app shows goes through `text(key, lang)`. The table is data: one entry per key
with both languages, so a test can check that every key is translated and that the placeholders
agree. Proper names (Rosenbrock, Adam, torch identifiers) stay as they are in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from core.text.tables import LANGUAGE_KEYS, all_tables

LANGUAGES: Mapping[str, str] = MappingProxyType({"en": "English", "zh": "简体中文"})
DEFAULT_LANGUAGE = "en"

STRINGS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        key: MappingProxyType(dict(zip(LANGUAGE_KEYS, texts, strict=True)))
        for key, texts in all_tables().items()
    }
)


# A space between two Chinese characters: left where a Chinese value (a name such as 梯度权重)
# fills a placeholder spaced for a Latin one ("{name} 必须是…"). Chinese puts none there.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def text(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The string `key` in `lang` ("en" or "zh"), with `values` filled into its placeholders.

    An unknown language falls back to English; an unknown key raises KeyError (a test catches
    every key the code uses).
    """
    entry = STRINGS[key]
    template = entry.get(lang, entry[DEFAULT_LANGUAGE])
    filled = template.format(**values) if values else template
    return _CJK_GAP.sub("", filled) if lang == "zh" and values else filled


def comment(key: str, lang: str) -> str:
    """A comment of generated code, from the string tables: the code is the same in both
    languages, its comments are in the page's (the Autograd Lab's cells, the Playground's
    script)."""
    return "# " + text(key, lang)


def sentences(parts: Iterable[str], lang: str) -> str:
    """Sentences one after another as the language writes them: a space in English, none in
    Chinese (its full stop ends a sentence)."""
    return ("" if lang == "zh" else " ").join(parts)


def colon(lang: str) -> str:
    """What separates a label from what it labels: ": " in English, a full-width "：" (no space)
    in Chinese."""
    return "：" if lang == "zh" else ": "


def language_from_locale(locale: str | None) -> str:
    """The app language for a browser locale such as 'zh-CN' or 'en-US'."""
    return "zh" if (locale or "").lower().startswith("zh") else DEFAULT_LANGUAGE


def objective_name_key(objective_id: str) -> str | None:
    """The key of an objective's translated name, or None where its name is a proper name."""
    key = f"name_{objective_id}"
    return key if key in STRINGS else None


def objective_name(objective_id: str, english_name: str, lang: str) -> str:
    """Display name of an objective: translated where it is a description, else the name."""
    key = objective_name_key(objective_id)
    return english_name if key is None else text(key, lang)


def choice_name(param_name: str, choice: str, lang: str) -> str:
    """A hyper-parameter's choice as a widget shows it: in words where torch's value is no name
    to keep (line_search_fn "none", that is None), else torch's value itself ("strong_wolfe")."""
    key = f"param_{param_name}_{choice}"
    return text(key, lang) if key in STRINGS else choice


def objective_note(objective_id: str, lang: str) -> str:
    key = f"note_{objective_id}"
    return text(key, lang) if key in STRINGS else ""


def stop_message(
    reason: str, step: int, name: str, lang: str, what: str = "", value: object = None
) -> str:
    """Why a run ended, in `lang` (see core.runs.engine.Stop)."""
    if reason == "diverged" and what == "line_search":  # core.runs.engine.LINE_SEARCH
        return text("stop_line_search", lang, name=name, step=step, value=value)
    if reason == "diverged":
        return text(
            "stop_diverged",
            lang,
            name=name,
            step=step,
            what=text(f"what_{what}", lang),
            value=value,
        )
    if reason == "escaped":
        return text("stop_escaped", lang, name=name, step=step)
    if reason == "budget":
        return text("stop_budget", lang, name=name, step=step, budget=f"{value:,.0f}")
    return text("stop_completed", lang, name=name, steps=step - 1)
