"""The string tables as data: every file is read, each entry has exactly its languages, and a key
stands in one table only (core/text/tables.py)."""

from collections import defaultdict

import pytest

from core.text import tables
from core.text.i18n import STRINGS


@pytest.fixture
def strings_dir(tmp_path, monkeypatch):
    """A scratch folder of tables, read afresh (the real ones are cached per process)."""
    monkeypatch.setattr(tables, "STRINGS_DIR", tmp_path)
    tables.table.cache_clear()
    tables.all_tables.cache_clear()
    yield tmp_path
    tables.table.cache_clear()
    tables.all_tables.cache_clear()


def test_every_table_file_is_read():
    on_disk = {path.stem for path in tables.STRINGS_DIR.glob("*.toml")}
    assert on_disk == set(tables.TABLE_NAMES)


def test_the_tables_are_what_the_app_says():
    merged = tables.all_tables()
    assert set(STRINGS) == set(merged)
    assert STRINGS["app_title"] == {"en": "Optimizer Playground", "zh": "优化器游乐场"}
    # A wrapped line joins without its line break or the next line's indentation.
    assert STRINGS["lessons_intro"]["zh"].startswith("每节课都布置好一场竞速：")
    assert "\n" not in "".join(text for entry in merged.values() for text in entry)


def test_the_text_keeps_backslashes_and_braces():
    # A reveal is a template: its literal (LaTeX) braces are doubled, and filled come out single.
    reveal = STRINGS["lesson_lr_limit_reveal"]["en"]
    assert "$2/\\lambda_{{\\max}} = 2/{curvature} = {limit}$" in reveal
    filled = reveal.format_map(defaultdict(str, curvature="100", limit="0.02"))
    assert "$2/\\lambda_{\\max} = 2/100 = 0.02$" in filled


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('en = "Hello"', "needs exactly the keys"),
        ('en = "Hello"\nzh = "你好"\nfr = "Bonjour"', "needs exactly the keys"),
        ('en = "Hello"\nzh = 3', "not a string"),
    ],
)
def test_a_broken_entry_is_refused_by_name(strings_dir, entry, problem):
    (strings_dir / "app.toml").write_text(f"[greeting]\n{entry}\n", encoding="utf-8")
    with pytest.raises(tables.TableError, match=rf"app\.toml: \[greeting\] .*{problem}"):
        tables.table("app")


def test_a_key_in_two_tables_is_refused(strings_dir, monkeypatch):
    monkeypatch.setattr(tables, "TABLE_NAMES", ("app", "lab"))
    for name in ("app", "lab"):
        entry = '[title]\nen = "A"\nzh = "甲"\n'
        (strings_dir / f"{name}.toml").write_text(entry, encoding="utf-8")
    with pytest.raises(tables.TableError, match=r"lab\.toml: \[title\] is already in another"):
        tables.all_tables()
