"""Numbers as sentences say them, in English and Chinese: the one place for their rounding rules.

A measured number in prose is rounded for reading, never to a claim the run does not support:
an exact count stays exact ("step 25"), a reading keeps a few decimals ("loss 1.2", "−0.41"),
and an estimate ("about 3,000 times") keeps one significant figure. English groups thousands
("3,000"), Chinese does not ("3000"); both write a true minus sign (−) and no trailing zeros.
Directions and small counts are words of the string tables (`direction_*`, `count_*`).
"""

from __future__ import annotations

import math

from core.text.i18n import text

MINUS = "\u2212"


def number(value: float, lang: str, digits: int = 2) -> str:
    """`value` to `digits` decimals, trailing zeros dropped: 0.021, −1.1, 3,000 (zh 3000)."""
    rounded = round(float(value), digits)
    if rounded == 0:
        rounded = 0.0  # no "−0"
    grouped = f"{abs(rounded):,.{digits}f}" if lang != "zh" else f"{abs(rounded):.{digits}f}"
    if "." in grouped:
        grouped = grouped.rstrip("0").rstrip(".")
    return (MINUS if rounded < 0 else "") + grouped


def estimate(value: float) -> float:
    """`value` to one significant figure: 3473 -> 3000, 92 -> 90, 0.097 -> 0.1."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, -math.floor(math.log10(abs(value))))


def about(value: float, lang: str) -> str:
    """An estimate for "about …" (约 …): one significant figure."""
    rounded = estimate(value)
    return number(rounded, lang, digits=max(0, -math.floor(math.log10(abs(rounded)))))


def percent(fraction: float, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage: 0.018 -> 1.8%."""
    return f"{number(100 * fraction, lang, digits)}%"


def about_percent(fraction: float, lang: str) -> str:
    """An estimated fraction as a percentage, one significant figure: 0.097 -> 10%."""
    return f"{about(100 * fraction, lang)}%"


def times(ratio: float, lang: str) -> str:
    """An estimated ratio, one significant figure: "twice" / "3,000 times"; "两倍" / "3000 倍"."""
    rounded = estimate(ratio)
    if rounded == 2:
        return text("times_two", lang)
    return text("times_n", lang, n=about(rounded, lang))


def point(xy: tuple[float, float], lang: str, digits: int = 2) -> str:
    """A point or vector: (−6.5, 21.5)."""
    return "({}, {})".format(*(number(v, lang, digits) for v in xy))


def direction(dx: float, dy: float, lang: str) -> str:
    """Where a plane vector with no zero component points, in words: "down and to the right" /
    "右下方"."""
    if dx == 0 or dy == 0:
        raise ValueError("a direction in words needs two non-zero components")
    vertical = "up" if dy > 0 else "down"
    horizontal = "right" if dx > 0 else "left"
    return text(f"direction_{vertical}_{horizontal}", lang)


def count_word(n: int, lang: str) -> str:
    """A small count as a word: "three" / "三"."""
    return text(f"count_{n}", lang)
