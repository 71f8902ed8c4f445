"""The words on the Playground's figures: compact numbers, about how wide a label is on screen,
line breaks for annotations, and the hover text of a step.

Plotly neither measures nor wraps text, so margins that must hold a label, legend rows and
annotation line breaks are worked out here from an estimate of each label's width.
"""

from __future__ import annotations

import re

from core.text.i18n import text


def short(value: float) -> str:
    """A compact number for tick and end labels: 2.51e+03 -> 2.51e3."""
    label = f"{value:.3g}"
    if "e" in label:
        mantissa, exponent = label.split("e")
        label = f"{mantissa}e{int(exponent)}"
    return label.replace("-", "−")


def text_px(label: str, size: float) -> float:
    """About how wide `label` is on screen: CJK characters are twice as wide as Latin ones."""
    wide = sum(1 for c in label if ord(c) > 0x2E7F)
    return size * (0.6 * (len(label) - wide) + 1.05 * wide)


def wrap(words: str, px: float, size: float) -> str:
    """Break `words` with <br> so that no line is wider than `px` (Plotly does not wrap
    annotations): between Latin words, or between any two CJK characters."""
    tokens = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", words)
    lines, line = [], ""
    for token in tokens:
        if line and text_px(line + token.rstrip(), size) > px:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return "<br>".join([*lines, line.rstrip()])


def hover_step(what: str, lang: str) -> str:
    """A hover text for step %{x} of a panel: "step 3: f = 0.5", "第 3 步：f = 0.5" (the batched
    views' wording, one string for both)."""
    return text("bv_fig_tip_step", lang, step="%{x}", what=what)
