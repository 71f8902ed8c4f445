"""String tables: every key in both languages, placeholders that agree, no English left in zh."""

import re
import string
from pathlib import Path

import pytest

from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import SCHEDULE_KINDS
from core.problems.objectives import OBJECTIVES
from core.runs.budget import SIZE_HINTS
from core.text.i18n import STRINGS, language_from_locale, stop_message, text

ROOT = Path(__file__).resolve().parent.parent
# Strings that read the same in both languages: names, symbols, torch identifiers.
SAME_IN_BOTH = {"colour_f"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_and_the_same_placeholders(key):
    en, zh = STRINGS[key]["en"], STRINGS[key]["zh"]
    assert en.strip() and zh.strip()
    assert placeholders(en) == placeholders(zh)
    proper_name = en in {spec.name for spec in OPTIMIZERS.values()}
    if key not in SAME_IN_BOTH and not proper_name:
        assert CJK.search(zh), f"{key}: no Chinese in {zh!r}"


def keys_used_in_the_code() -> set[str]:
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("core/**/*.py"), *ROOT.glob("app_pages/*.py")]:
        source = path.read_text()
        used |= set(re.findall(r"\b(?:text|Refusal|Phrase)\(\s*\"([a-z0-9_]+)\"", source))
        # Keys of refusals handed on before they are raised (a lookup's, a bound's)
        used |= set(re.findall(r"\"((?:bv_|insp_)?err_[a-z0-9_]+)\"", source))
    # The Lab's core names its keys as literals (captions, labels, refusals passed along).
    for path in ROOT.glob("core/tutorials/lab_*.py"):
        used |= set(re.findall(r"\"(lab_[a-z0-9_]+)\"", path.read_text()))
    used |= {f"lab_s{n}_{part}" for n in range(1, 8) for part in ("header", "text")}
    params = {p.name for spec in OPTIMIZERS.values() for p in spec.hyper}
    used |= {f"param_{name}" for name in params}
    used |= {f"schedule_{kind}" for kind in ("none", *SCHEDULE_KINDS)}
    used |= {f"note_{oid}" for oid in OBJECTIVES}
    used |= {f"speed_{s}" for s in ("slow", "normal", "fast")}
    used |= {f"what_{w}" for w in ("loss", "gradient")}
    used |= {f"budget_smaller_{hint}" for hint in SIZE_HINTS}
    # Numbers in prose (core/text/prose_numbers.py): directions and small counts in words.
    used |= {f"direction_{v}_{h}" for v in ("up", "down") for h in ("left", "right")}
    used |= {f"count_{n}" for n in (2, 3, 4)}
    used |= {f"col_{c}" for c in ("optimizer", "final_x", "final_y", "final_loss", "gap",
                                  "distance", "first_near", "stop", "time")}  # fmt: skip
    return used


def test_every_key_the_code_uses_exists():
    missing = keys_used_in_the_code() - set(STRINGS)
    assert not missing


def test_placeholders_are_filled():
    assert text("settings_of", "zh", name="Adam") == "Adam 的设置"
    assert stop_message("diverged", 37, "Adam", "en", "loss", float("inf")) == (
        "Adam diverged at step 37: loss became inf"
    )
    assert "第 37 步发散" in stop_message("diverged", 37, "Adam", "zh", "loss", float("inf"))


def test_browser_locale_picks_the_default_language():
    assert language_from_locale("zh-CN") == "zh"
    assert language_from_locale("en-US") == "en"
    assert language_from_locale(None) == "en"
