"""The string tables: every sentence the app shows, in English and Simplified Chinese.

They are data, one TOML file per part of the app in `core/text/strings/` (`app`, `objectives`,
`lessons`, `lab`, `batched`, `inputs`, `script`), each entry a key with its `en` and `zh` text. A
translator edits them without touching code, and a reviewer reads them as prose. `core.text.i18n`
says them; this module only reads them and checks their shape (docs/architecture.md, "Languages").
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

STRINGS_DIR = Path(__file__).with_name("strings")
TABLE_NAMES = ("app", "objectives", "lessons", "lab", "batched", "inputs", "script")
LANGUAGE_KEYS = ("en", "zh")  # the order of each entry's texts


class TableError(Exception):
    """A string table broken by an edit: a programming mistake, caught by every test run."""


@cache
def table(name: str) -> Mapping[str, tuple[str, ...]]:
    """The entries of one table, key -> its text in each of LANGUAGE_KEYS, in the
    file's order."""
    path = STRINGS_DIR / f"{name}.toml"
    entries = tomllib.loads(path.read_text(encoding="utf-8"))
    for key, entry in entries.items():
        if not isinstance(entry, dict) or sorted(entry) != sorted(LANGUAGE_KEYS):
            raise TableError(f"{path.name}: [{key}] needs exactly the keys {LANGUAGE_KEYS}")
        if not all(isinstance(entry[lang], str) for lang in LANGUAGE_KEYS):
            raise TableError(f"{path.name}: [{key}] has text that is not a string")
    return MappingProxyType(
        {key: tuple(entry[lang] for lang in LANGUAGE_KEYS) for key, entry in entries.items()}
    )


@cache
def all_tables() -> Mapping[str, tuple[str, ...]]:
    """Every table in one mapping; a key may stand in one table only."""
    merged: dict[str, tuple[str, ...]] = {}
    for name in TABLE_NAMES:
        for key, entry in table(name).items():
            if key in merged:
                raise TableError(f"{name}.toml: [{key}] is already in another table")
            merged[key] = entry
    return MappingProxyType(merged)
