"""Stops of log-scale sliders: the 1-2-5 ladders a slider offers and a link may name."""

from __future__ import annotations

import numpy as np


def log_options(low: float, high: float, *extra: float) -> list[float]:
    """A 1-2-5 ladder from `low` to `high`, plus `extra` values, sorted and unique."""
    ladder = [
        m * 10.0**e
        for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        for m in (1, 2, 5)
    ]
    values = {float(f"{v:.6g}") for v in ladder if low <= v <= high}
    values |= {float(v) for v in extra if isinstance(v, (int, float)) and low <= v <= high}
    return sorted(values)
