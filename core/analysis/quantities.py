"""The quantities of an update rule at step t, and the table that lists them.

A Quantity is one symbol of a rule (`m_t`) with its value at step t and where that value comes
from: the engine's Step, torch's `optimizer.state` before or after the update, a
hyper-parameter, or a computation from those. The Inspector's table has one row per quantity;
its words (sources, meanings, the named rows) come from the string tables in the table's
language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.text.i18n import STRINGS, text

Value = float | np.ndarray

# Where a number in the table comes from (as in English tables; `_source_names` translates them).
ENGINE = "engine (Step)"
STATE = "optimizer.state after the update"
STATE_BEFORE = "optimizer.state before the update"
HYPER = "hyper-parameter"
COMPUTED = "computed from the above"
TABLE_COLUMNS = ("x", "y", "source", "meaning")
BEFORE = " (t-1)"  # a state key's row before the update: `exp_avg (t-1)`


@dataclass(frozen=True, slots=True)
class Quantity:
    """One symbol of an update rule at step t.

    Attributes:
        symbol: LaTeX symbol, e.g. `m_t`.
        value: a number, or one per coordinate `[2]`.
        source: where the value comes from (ENGINE, STATE, STATE_BEFORE, HYPER, COMPUTED).
        row: its table row label; None keeps it out of the table (constant hyper-parameters).
        meaning: a few words for the table.
    """

    symbol: str
    value: Value
    source: str
    row: str | None = None
    meaning: str = ""


def vector(value: Any) -> np.ndarray:
    """A recorded value (a tensor's numbers, a list, a scalar) as a float64 array."""
    return np.asarray(value, dtype=np.float64)


def _row(value: Any) -> tuple[float, float] | None:
    """A table row (x, y): a scalar fills both; None for values that are not one or two numbers."""
    array = vector(value)
    if array.size == 1:
        return float(array.reshape(())), float(array.reshape(()))
    if array.shape == (2,):
        return float(array[0]), float(array[1])
    return None


def row_label(label: str, lang: str = "en") -> str:
    """A table row's label in `lang`. Rows are labelled in English by torch's state key
    (`exp_avg`, `exp_avg (t-1)` before the update) or by a name such as `gradient`; in Chinese
    the state keys stay and the named quantities read as words with their symbol (梯度 ∇f(xₜ))."""
    key = label.removesuffix(BEFORE)
    name = text(f"insp_row_{key}", lang) if f"insp_row_{key}" in STRINGS else key
    return text("insp_row_before", lang, key=name) if label.endswith(BEFORE) else name


def _source_names(lang: str) -> dict[str, str]:
    """The sources (ENGINE, STATE, ...) as the table shows them in `lang`."""
    return {
        ENGINE: text("insp_src_engine", lang),
        STATE: text("insp_src_state", lang),
        STATE_BEFORE: text("insp_src_state_before", lang),
        HYPER: text("insp_src_hyper", lang),
        COMPUTED: text("insp_src_computed", lang),
    }


def quantity_table(rows: Sequence[tuple[str, Any, str, str]], lang: str = "en") -> pd.DataFrame:
    """The Inspector's table of `rows` (label, value, source, meaning). In English its columns
    are TABLE_COLUMNS, its sources the constants above and its rows labelled as `rows` label
    them; in another language the headers, the sources and the named rows are translated
    (`row_label`)."""
    kept = [(label, _row(value), source, meaning) for label, value, source, meaning in rows]
    kept = [(label, xy, source, meaning) for label, xy, source, meaning in kept if xy is not None]
    sources = _source_names(lang)
    x, y, source, meaning = TABLE_COLUMNS
    headers = {source: text("insp_col_source", lang), meaning: text("insp_col_meaning", lang)}
    return pd.DataFrame(
        {
            x: [xy[0] for _, xy, _, _ in kept],
            y: [xy[1] for _, xy, _, _ in kept],
            headers[source]: pd.array([sources.get(s, s) for *_, s, _ in kept], dtype="string"),
            headers[meaning]: pd.array([m for *_, m in kept], dtype="string"),
        },
        index=pd.Index(
            [row_label(label, lang) for label, *_ in kept], name=text("insp_col_quantity", lang)
        ),
        columns=[x, y, headers[source], headers[meaning]],
    )
