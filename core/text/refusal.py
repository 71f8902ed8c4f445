"""Why core refused an input, said later in the page's language.

Core never chooses a language for an error: it raises a `Refusal` that carries a key of the
string tables and the values that fill it, and the page calls `message(lang)`. `str(error)` is
the English message, for logs and tracebacks. See docs/architecture.md ("Errors").
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.text.i18n import DEFAULT_LANGUAGE, objective_name_key, text
from core.text.tables import LANGUAGE_KEYS, table

MAX_SHOWN = 60  # characters of a refused value a message quotes (a whole array would flood it)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A string of the tables not yet said: its key and its values. A value that is itself a
    Phrase is said in the same language, so a refusal can name a translated part
    ("race fewer optimizers") inside its sentence."""

    key: str
    values: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def say(self, lang: str = DEFAULT_LANGUAGE) -> str:
        filled = {
            name: value.say(lang) if isinstance(value, Phrase) else value
            for name, value in self.values.items()
        }
        return text(self.key, lang, **filled)


def shown(value: object) -> str:
    """A refused value as a message quotes it: a whole number with thousands separators
    (5,001), any other number in its short form where that is exact (1e+07, 0.5, nan) and in
    full where not (100.00001), anything else as Python writes it (a string in quotes), cut
    short past MAX_SHOWN characters."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        said = f"{int(value):,}"
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        said = f"{number:g}"
        if float(said) != number and not math.isnan(number):
            said = repr(number)
    else:
        said = repr(value)
    return said if len(said) <= MAX_SHOWN else said[: MAX_SHOWN - 1] + "…"


def listed(choices: Iterable[object]) -> str:
    """Choices as a message lists them, the same in either language (a comma would be a
    Chinese one in Chinese): strong_wolfe / none."""
    return " / ".join(str(choice) for choice in choices)


def objective_phrase(objective_id: str, english_name: str) -> Phrase | str:
    """An objective's name inside a refusal: translated where it is a description (see
    core.text.i18n.objective_name), else the proper name itself."""
    key = objective_name_key(objective_id)
    return english_name if key is None else Phrase(key)


class Refusal(ValueError):
    """An input core will not take: the key of its message and the values the message names."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in `lang` ("en" or "zh"; anything else reads English)."""
        return Phrase(self.key, self.values).say(lang)


class InputError(Refusal):
    """Typed input refused, with a message in each language.

    `problem` and each of `hints` are keys of the `inputs` string table; `values` fill their
    placeholders.

    Attributes:
        position: 0-based offset into the text as typed, or None when no single place is at
            fault. The message counts from 1, like an editor's column: position 4 reads
            "at character 5".
    """

    def __init__(
        self, problem: str, position: int | None = None, *hints: str, **values: object
    ) -> None:
        self.problem, self.position, self.hints, self.values = problem, position, hints, values
        ValueError.__init__(self, self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The whole message in `lang` ("en" or "zh"; anything else reads English)."""
        chinese = lang == "zh"
        column = LANGUAGE_KEYS.index("zh" if chinese else DEFAULT_LANGUAGE)

        def say(key: str, **extra: object) -> str:
            return table("inputs")[key][column].format(**self.values, **extra)

        where = "" if self.position is None else say("fx_where", column=self.position + 1)
        hints = [say(key) for key in self.hints]
        if chinese:
            return f"{say(self.problem)}{where}。" + "".join(hints)
        return " ".join([f"{say(self.problem)}{where}.", *hints])
